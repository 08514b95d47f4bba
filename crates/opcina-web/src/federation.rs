//! This node as a member of the federation: the directory it trusts (fetched, checked, cached,
//! kept while valid), the provider's endpoints under `/federation/v1/…` (every request's
//! signature checked, refused with 401 when it fails — a bounded line in the process log, not
//! the chained message log, which holds only authenticated exchanges; access authorised per
//! service and legal basis, deny by default; every answer signed, logged in the message log
//! with the reads it carried), and the requester's calls (locate, entry for extract), each
//! logged whatever came of it.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use ed25519_dalek::{SigningKey, VerifyingKey};
use opcina_core::extract::{ExtractRequest, Relation, eligibility};
use opcina_core::registry::Actor;
use opcina_core::{CheckMode, Jmbg};
use opcina_federation::client::{Call, CallError, Client, signature_text, unix_now};
use opcina_federation::directory::{Directory, SignedDirectory, key_id};
use opcina_federation::httpsig::HttpMessage;
use opcina_federation::messages::{
    CheckpointMessage, CheckpointReceipt, Context, EntryAnswer, EntryQuery, Failure, HeldCheckpoint, LocateAnswer, LocateQuery,
    NOTICE_BASIS, NoticeMessage, Receipt,
};
use opcina_federation::profile::{NonceCache, check_request, sign_response};
use opcina_store::extracts::Withheld;
use opcina_store::federation::{IncomingNotice, NotReleased};
use opcina_store::rows::{AccessRow, MessageRow};
use serde::Serialize;

use crate::AppState;
use crate::limits::Client as Source;

/// How a node takes part in the federation.
#[derive(Debug, Clone)]
pub struct Settings {
    /// This node's member code (the node's code).
    pub member: String,
    /// The federation authority's public key.
    pub authority: VerifyingKey,
    /// Where the authority publishes the signed directory: a file or an `http://` URL.
    pub directory: String,
    /// The last accepted directory is kept here (used while the source is unreachable).
    pub cache: PathBuf,
    /// Seconds of clock difference tolerated between nodes.
    pub skew: i64,
    /// How long a call to another node may take.
    pub timeout: Duration,
}

/// The node's federation state.
pub struct Federation {
    pub settings: Settings,
    key: SigningKey,
    keyid: String,
    client: Client,
    nonces: NonceCache,
    current: RwLock<Option<Held>>,
    refusals: RefusalLog,
}

/// The accepted directory: as signed (for the cache), and its content shared by requests.
struct Held {
    signed: SignedDirectory,
    directory: Arc<Directory>,
}

impl std::fmt::Debug for Federation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Federation").field("member", &self.settings.member).field("keyid", &self.keyid).finish_non_exhaustive()
    }
}

impl Federation {
    pub fn new(settings: Settings, key: SigningKey) -> Federation {
        let keyid = key_id(&settings.member, &key.verifying_key());
        let client = Client::new(key.clone(), keyid.clone(), settings.timeout);
        Federation {
            settings,
            key,
            keyid,
            client,
            nonces: NonceCache::default(),
            current: RwLock::new(None),
            refusals: RefusalLog::default(),
        }
    }

    pub fn keyid(&self) -> &str {
        &self.keyid
    }

    /// The directory in force: the last accepted one, while it is valid.
    pub fn directory(&self) -> Option<Arc<Directory>> {
        let current = self.current.read().ok()?;
        let held = current.as_ref()?;
        (held.directory.valid_until >= unix_now()).then(|| Arc::clone(&held.directory))
    }

    fn held_serial(&self) -> Option<u64> {
        self.current.read().ok()?.as_ref().map(|d| d.signed.directory.serial)
    }

    /// Takes a published directory if the authority signed it, it is valid now and not older
    /// than the one held; keeps a copy in the cache.
    pub fn offer(&self, text: &[u8]) -> Result<u64, String> {
        let signed: SignedDirectory = serde_json::from_slice(text).map_err(|e| format!("not a signed directory: {e}"))?;
        let serial = signed.accept(&self.settings.authority, unix_now(), self.held_serial()).map_err(|e| e.to_string())?.serial;
        if self.held_serial() != Some(serial) {
            if let Err(e) = write_atomically(&self.settings.cache, text) {
                tracing::warn!(cache = %self.settings.cache.display(), error = %e, "the federation directory could not be cached");
            }
        }
        if let Ok(mut current) = self.current.write() {
            let directory = Arc::new(signed.directory.clone());
            *current = Some(Held { signed, directory });
        }
        Ok(serial)
    }

    /// Fetches the directory from its source; falls back on the cached copy when the source
    /// cannot be read or offers nothing acceptable and no directory is held.
    pub async fn refresh(&self) -> Result<u64, String> {
        let source = &self.settings.directory;
        let fetched = if source.starts_with("http://") {
            self.client.get(source).await.map_err(|e| e.to_string())
        } else {
            tokio::fs::read(source).await.map_err(|e| format!("{source}: {e}"))
        };
        let outcome = fetched.and_then(|text| self.offer(&text));
        match outcome {
            Ok(serial) => Ok(serial),
            Err(why) if self.held_serial().is_none() => {
                tracing::warn!(source = %source, error = %why, "the federation directory could not be fetched; trying the cached copy");
                let cached = tokio::fs::read(&self.settings.cache).await.map_err(|e| format!("{why}; no cached copy: {e}"))?;
                self.offer(&cached).map_err(|e| format!("{why}; the cached copy: {e}"))
            }
            Err(why) => Err(why),
        }
    }

    /// Refreshes the directory every `every` (the node keeps working on the one it holds).
    pub fn spawn_refresh(self: Arc<Self>, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                match self.refresh().await {
                    Ok(serial) => tracing::debug!(serial, "federation directory refreshed"),
                    Err(error) => tracing::warn!(%error, "the federation directory could not be refreshed; keeping the one held"),
                }
            }
        })
    }
}

/// The host and port of a base URL, lowercase, as a request's `@authority` names them.
fn authority_of(base_url: &str) -> Option<String> {
    let uri: Uri = base_url.parse().ok()?;
    Some(uri.authority()?.as_str().to_ascii_lowercase())
}

fn write_atomically(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(tmp, path)
}

// ---------------------------------------------------------------------------------------
// The provider's side.

/// The longest signature header (`Signature-Input`, `Signature`, `Content-Digest`) read: a
/// member's is a few hundred bytes.
const MAX_SIGNATURE_HEADER: usize = 4096;
/// Refusals of unauthenticated requests written to the process log per minute; the rest are
/// counted and the count written when the minute ends.
const REFUSALS_LOGGED_PER_MINUTE: u32 = 30;

/// Requests refused before their sender was authenticated. They are not in the chained
/// message log — an unauthenticated sender could fill the disk with it, and its chain cannot
/// be pruned — but in the process log (which the operator rotates), one bounded line each:
/// the service, the claimed key and the reason clipped, a digest of the signature headers for
/// the rest, at most [`REFUSALS_LOGGED_PER_MINUTE`] a minute.
#[derive(Default)]
struct RefusalLog {
    window: std::sync::Mutex<RefusalWindow>,
}

#[derive(Default)]
struct RefusalWindow {
    started: Option<std::time::Instant>,
    logged: u32,
    suppressed: u64,
}

impl RefusalLog {
    fn record(&self, service: &str, claimed: &str, reason: &str, headers: &HeaderMap) {
        let Ok(mut w) = self.window.lock() else { return };
        let now = std::time::Instant::now();
        if w.started.is_none_or(|s| now.duration_since(s) >= Duration::from_secs(60)) {
            if w.suppressed > 0 {
                tracing::warn!(suppressed = w.suppressed, "more unauthenticated federation requests were refused in the last minute");
            }
            *w = RefusalWindow { started: Some(now), logged: 0, suppressed: 0 };
        }
        if w.logged >= REFUSALS_LOGGED_PER_MINUTE {
            w.suppressed += 1;
            return;
        }
        w.logged += 1;
        let signed: Vec<u8> = ["signature-input", "signature"]
            .iter()
            .filter_map(|h| headers.get(*h))
            .flat_map(|v| v.as_bytes().iter().copied().chain([b'\n']))
            .collect();
        tracing::warn!(
            service = %clip(service, 40),
            claimed = %clip(claimed, 80),
            reason = %clip(reason, 200),
            signature = %opcina_federation::digest::content_digest(&signed),
            "an unauthenticated federation request was refused"
        );
    }
}

/// At most `max` characters of text an unauthenticated sender chose, control characters
/// shown as `?`.
fn clip(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).map(|c| if c.is_control() { '?' } else { c }).collect();
    if text.chars().nth(max).is_some() {
        out.push('…');
    }
    out
}

/// Refuses a request whose sender was not authenticated: logged as a bounded line, never in
/// the chained message log. The refusal is still signed (bound to the request's signature
/// when it has one), so that a member whose clock or directory is off learns why.
#[allow(clippy::too_many_arguments)]
fn unauthenticated(
    state: &AppState,
    client: Source,
    federation: &Federation,
    request: Option<&HttpMessage>,
    service: &str,
    headers: &HeaderMap,
    status: StatusCode,
    failure: Failure,
) -> Response {
    // Counted per source: one that keeps sending what cannot be authenticated is turned away
    // before anything of its requests is read.
    let _ = state.limits.federation_refusals.hit(&client.key());
    let claimed = request.and_then(|r| r.header("signature-input")).and_then(|i| i.split("keyid=\"").nth(1).map(str::to_string));
    federation.refusals.record(service, claimed.as_deref().unwrap_or_default(), &failure.error.message, headers);
    let body = serde_json::to_vec(&failure).unwrap_or_default();
    match request {
        Some(request) => signed_answer(federation, request, status, body).0,
        None => (status, axum::Json(failure)).into_response(),
    }
}

/// `POST /federation/v1/{service}`.
pub async fn endpoint(
    State(state): State<AppState>,
    client: Source,
    Path(service): Path<String>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(federation) = state.federation.clone() else {
        return (StatusCode::NOT_FOUND, axum::Json(Failure::new("federation.off", "this node is not a member of a federation")))
            .into_response();
    };
    if let Some(wait) = state.limits.federation_refusals.over(&client.key()) {
        federation.refusals.record(&service, "", "too many unauthenticated requests from this address", &HeaderMap::new());
        let failure = Failure::new("federation.rate_limited", "too many requests from this address could not be authenticated; wait");
        return crate::ui::too_many((StatusCode::TOO_MANY_REQUESTS, axum::Json(failure)).into_response(), wait);
    }
    // Bounded before anything is parsed or copied.
    if let Some(name) = ["signature-input", "signature", "content-digest"]
        .into_iter()
        .find(|h| headers.get_all(*h).iter().map(|v| v.len()).sum::<usize>() > MAX_SIGNATURE_HEADER)
    {
        let failure = Failure::new("federation.header_too_large", format!("the {name} header is longer than {MAX_SIGNATURE_HEADER} bytes"));
        return unauthenticated(
            &state,
            client,
            &federation,
            None,
            &service,
            &headers,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            failure,
        );
    }
    let request = HttpMessage {
        method: method.as_str().to_string(),
        authority: headers.get("host").and_then(|h| h.to_str().ok()).unwrap_or_default().to_ascii_lowercase(),
        path: uri.path().to_string(),
        query: uri.query().map(str::to_string),
        status: None,
        headers: headers.iter().filter_map(|(n, v)| v.to_str().ok().map(|v| (n.as_str().to_string(), v.to_string()))).collect(),
    };
    // Until the signature is verified, nothing the sender chose goes into the chained log.
    let Some(directory) = federation.directory() else {
        tracing::warn!("a federation request arrived but no valid directory is held");
        let failure = Failure::new("federation.no_directory", "this node holds no valid directory of the federation");
        return unauthenticated(&state, client, &federation, Some(&request), &service, &headers, StatusCode::SERVICE_UNAVAILABLE, failure);
    };
    let verified = match check_request(&request, &body, unix_now(), federation.settings.skew, &federation.nonces, |k| directory.key(k)) {
        Ok(v) => v,
        Err(refused) => {
            let failure = Failure::new("federation.unauthenticated", refused.to_string());
            return unauthenticated(&state, client, &federation, Some(&request), &service, &headers, StatusCode::UNAUTHORIZED, failure);
        }
    };
    let member = verified.keyid.split(':').next().unwrap_or_default().to_string();
    let mut exchange = MessageRow {
        direction: "in".into(),
        peer: member.clone(),
        service: service.clone(),
        nonce: verified.nonce.clone(),
        request_signature: signature_text(&request),
        request_digest: request.header("content-digest").unwrap_or_default(),
        ..MessageRow::default()
    };
    // Signed for this node: a request meant for another member is not answered here.
    let own = directory.member(&federation.settings.member).and_then(|m| authority_of(&m.base_url));
    if own.as_deref() != Some(request.authority.as_str()) {
        tracing::warn!(%service, authority = %request.authority, "a federation request addressed to another node was refused");
        exchange.outcome = format!("refused: addressed to {}", request.authority);
        let failure =
            Failure::new("federation.unauthenticated", format!("the request is addressed to {}, not to this node", request.authority));
        return answer(&state, &federation, &request, exchange, StatusCode::UNAUTHORIZED, &failure, Vec::new()).await;
    }
    let member_name = directory.member(&member).map_or_else(|| member.clone(), |m| m.name.clone());
    let served = match service.as_str() {
        "locate" => locate(&state, &member, &member_name, &body).await,
        "entry-for-extract" => entry_for_extract(&state, &federation, &member, &member_name, &body).await,
        "annotation-notice" => annotation_notice(&state, &member, &body).await,
        "checkpoint" => checkpoint(&state, &member, &verified.keyid, &directory, &body).await,
        "checkpoint-held" => checkpoint_held(&state, &member).await,
        _ => Err((StatusCode::NOT_FOUND, Failure::new("federation.unknown_service", format!("this node offers no service {service}")))),
    };
    match served {
        Ok(Served { body, case_number, reads }) => {
            exchange.case_number = case_number;
            exchange.outcome = "ok".into();
            answer_bytes(&state, &federation, &request, exchange, StatusCode::OK, body, reads).await
        }
        Err((status, failure)) => {
            tracing::info!(%service, peer = %member, code = %failure.error.code, "a federation request was refused");
            exchange.outcome = format!("refused: {}", failure.error.code);
            answer(&state, &federation, &request, exchange, status, &failure, Vec::new()).await
        }
    }
}

/// What a service answered: its body, the request's case number and the reads it made.
struct Served {
    body: Vec<u8>,
    case_number: Option<String>,
    reads: Vec<AccessRow>,
}

type Refusal = (StatusCode, Failure);

async fn answer(
    state: &AppState,
    federation: &Federation,
    request: &HttpMessage,
    exchange: MessageRow,
    status: StatusCode,
    failure: &Failure,
    reads: Vec<AccessRow>,
) -> Response {
    let body = serde_json::to_vec(failure).unwrap_or_default();
    answer_bytes(state, federation, request, exchange, status, body, reads).await
}

/// Signs the answer (bound to the request's signature, when it has one), logs the exchange
/// with its reads, and only then sends it.
async fn answer_bytes(
    state: &AppState,
    federation: &Federation,
    request: &HttpMessage,
    mut exchange: MessageRow,
    status: StatusCode,
    body: Vec<u8>,
    reads: Vec<AccessRow>,
) -> Response {
    let (out, response) = signed_answer(federation, request, status, body);
    exchange.status = i64::from(status.as_u16());
    exchange.response_signature = response.header("signature").map(|_| signature_text(&response));
    exchange.response_digest = response.header("content-digest");
    let actor = Actor::system("federation");
    if let Err(error) = state.store.log_exchange(&actor, exchange, reads).await {
        tracing::error!(%error, "a federation exchange could not be logged; nothing is answered");
        return (StatusCode::INTERNAL_SERVER_ERROR, axum::Json(Failure::new("federation.internal", "the exchange could not be logged")))
            .into_response();
    }
    out
}

/// The answer signed, bound to the request's signature when it has one (an unsigned request
/// has none to bind to: its refusal goes unsigned); with the signed message, for the log.
fn signed_answer(federation: &Federation, request: &HttpMessage, status: StatusCode, body: Vec<u8>) -> (Response, HttpMessage) {
    let mut response = HttpMessage { status: Some(status.as_u16()), ..HttpMessage::default() };
    if sign_response(&federation.key, &federation.keyid, &mut response, &body, request, unix_now()).is_err() {
        response.headers.clear();
    }
    let mut out = (status, body).into_response();
    out.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    for (name, value) in &response.headers {
        if let (Ok(n), Ok(v)) = (HeaderName::try_from(name.as_str()), HeaderValue::try_from(value.as_str())) {
            out.headers_mut().insert(n, v);
        }
    }
    (out, response)
}

fn bad_body(e: serde_json::Error) -> Refusal {
    (StatusCode::BAD_REQUEST, Failure::new("federation.bad_body", format!("the request body is malformed: {e}")))
}

/// Deny by default: the request's context names its signer, an office, an official and a
/// purpose.
/// The provider's check of a request's context ([`Context::check`]), as the wire answers it.
fn check_context(member: &str, context: &Context) -> Result<(), Refusal> {
    context.check(member).map_err(|e| (StatusCode::FORBIDDEN, Failure::new(e.code, e.message)))
}

/// A legal basis for reading the registers ([`Context::authorise`]), as the wire answers it.
fn authorise(member: &str, context: &Context) -> Result<Relation, Refusal> {
    context.authorise(member).map_err(|e| (StatusCode::FORBIDDEN, Failure::new(e.code, e.message)))
}

fn read_row(member: &str, member_name: &str, context: &Context, jmbg: &Jmbg, entry_id: Option<i64>, action: &str) -> AccessRow {
    AccessRow {
        id: 0,
        at: 0,
        username: format!("{member}:{}", context.username),
        role: "federation".into(),
        office_code: Some(format!("{member_name}, {}, {}", context.office_name, context.official)),
        subject_jmbg: jmbg.to_string(),
        entry_id,
        action: action.to_string(),
        purpose: context.purpose.trim().to_string(),
        case_number: context.case_number.clone(),
    }
}

fn parse_jmbg(text: &str) -> Result<Jmbg, Refusal> {
    Jmbg::parse(text, CheckMode::Lenient)
        .map_err(|e| (StatusCode::UNPROCESSABLE_ENTITY, Failure::new("federation.bad_jmbg", format!("jmbg: {e}"))))
}

fn internal(e: impl std::fmt::Display) -> Refusal {
    tracing::error!(error = %e, "a federation request failed");
    (StatusCode::INTERNAL_SERVER_ERROR, Failure::new("federation.internal", "the node could not answer"))
}

async fn locate(state: &AppState, member: &str, member_name: &str, body: &[u8]) -> Result<Served, Refusal> {
    let query: LocateQuery = serde_json::from_slice(body).map_err(bad_body)?;
    // A registrar's notice asks where the birth entry is under the duty to notify.
    if query.context.legal_basis == NOTICE_BASIS {
        check_context(member, &query.context)?;
    } else {
        authorise(member, &query.context)?;
    }
    let jmbg = parse_jmbg(&query.jmbg)?;
    let registers = state.store.registers_of(&jmbg).await.map_err(internal)?;
    let holds = !registers.is_empty();
    let node = state.store.node().await.map_err(internal)?;
    let answer = LocateAnswer { member: node.code, holds, registers };
    // Only a member that holds the person has read something about them.
    let reads = if holds { vec![read_row(member, member_name, &query.context, &jmbg, None, "federation.locate")] } else { Vec::new() };
    Ok(Served { body: serde_json::to_vec(&answer).map_err(internal)?, case_number: query.context.case_number, reads })
}

async fn entry_for_extract(
    state: &AppState,
    federation: &Federation,
    member: &str,
    member_name: &str,
    body: &[u8],
) -> Result<Served, Refusal> {
    let query: EntryQuery = serde_json::from_slice(body).map_err(bad_body)?;
    let relation = authorise(member, &query.context)?;
    let request: &ExtractRequest = &query.request;
    if request.relation != relation {
        return Err((
            StatusCode::FORBIDDEN,
            Failure::new("federation.context_mismatch", "the legal basis differs from the request's relation".to_string()),
        ));
    }
    if let Err(r) = eligibility::check_form(request) {
        return Err((StatusCode::UNPROCESSABLE_ENTITY, failure_of(&r)));
    }
    // The holder releases records only to a requester entitled to the document.
    let held = match state.store.entry_for_extract(request).await.map_err(internal)? {
        Ok(held) => held,
        Err(NotReleased::Withheld(Withheld::NotHeld)) => {
            return Err((
                StatusCode::NOT_FOUND,
                Failure::new("federation.not_held", format!("{} holds no entry of this person", federation.settings.member)),
            ));
        }
        Err(NotReleased::Withheld(Withheld::NoEntry(r))) => return Err((StatusCode::NOT_FOUND, failure_of(&r))),
        Err(NotReleased::Incomplete(r)) => return Err((StatusCode::UNPROCESSABLE_ENTITY, failure_of(&r))),
        Err(NotReleased::Denied(d)) => return Err((StatusCode::FORBIDDEN, Failure::new(&d.code, d.reason))),
    };
    let node = state.store.node().await.map_err(internal)?;
    let answer = EntryAnswer { member: node.code, municipality: node.municipality, position: held.position, records: held.records };
    let reads = vec![read_row(member, member_name, &query.context, &request.jmbg, Some(held.entry_id), "federation.entry-for-extract")];
    Ok(Served { body: serde_json::to_vec(&answer).map_err(internal)?, case_number: query.context.case_number.clone(), reads })
}

/// Applies a notice to the birth entry this node keeps (or queues it for the registrar), once.
async fn annotation_notice(state: &AppState, member: &str, body: &[u8]) -> Result<Served, Refusal> {
    let notice: NoticeMessage = serde_json::from_slice(body).map_err(bad_body)?;
    let c = &notice.context;
    check_context(member, c)?;
    if !notice.notice_id.starts_with(&format!("{member}:")) {
        return Err((
            StatusCode::FORBIDDEN,
            Failure::new("federation.context_mismatch", format!("the notice is signed by {member} but claims another sender")),
        ));
    }
    if c.legal_basis != NOTICE_BASIS {
        return Err((
            StatusCode::FORBIDDEN,
            Failure::new("federation.no_legal_basis", format!("a notice's legal basis is {NOTICE_BASIS:?}")),
        ));
    }
    let subject = parse_jmbg(&notice.jmbg)?;
    let incoming =
        IncomingNotice { notice_id: notice.notice_id.clone(), member: member.to_string(), subject, annotation: notice.annotation };
    let row = state.store.apply_notice(incoming).await.map_err(internal)?;
    let node = state.store.node().await.map_err(internal)?;
    let receipt =
        Receipt { notice_id: row.notice_id, member: node.code, status: row.status, annotation_id: row.annotation_id, reason: row.reason };
    Ok(Served { body: serde_json::to_vec(&receipt).map_err(internal)?, case_number: c.case_number.clone(), reads: Vec::new() })
}

/// Keeps a member's checkpoint as its witness: the statement must be signed with the key
/// that signed the request.
async fn checkpoint(state: &AppState, member: &str, keyid: &str, directory: &Directory, body: &[u8]) -> Result<Served, Refusal> {
    let message: CheckpointMessage = serde_json::from_slice(body).map_err(bad_body)?;
    let invalid = |why: String| (StatusCode::UNPROCESSABLE_ENTITY, Failure::new("federation.checkpoint_invalid", why));
    let signature = hex::decode(&message.signature).map_err(|_| invalid("the signature is not hex".into()))?;
    let key = directory.key(keyid).ok_or_else(|| internal("the request's key left the directory"))?;
    let actor = Actor::system("federation");
    let witnessed = state
        .store
        .witness(&actor, member, &message.statement, &signature, keyid, key)
        .await
        .map_err(internal)?
        .map_err(|e| invalid(e.to_string()))?;
    let node = state.store.node().await.map_err(internal)?;
    let receipt = CheckpointReceipt { member: node.code, seq: witnessed.row.seq, sequel: witnessed.sequel.code().to_string() };
    Ok(Served { body: serde_json::to_vec(&receipt).map_err(internal)?, case_number: None, reads: Vec::new() })
}

/// The latest checkpoint of the asking member this node keeps, as it was signed.
async fn checkpoint_held(state: &AppState, member: &str) -> Result<Served, Refusal> {
    let held = state.store.witnessed(member).await.map_err(internal)?;
    let node = state.store.node().await.map_err(internal)?;
    let answer = HeldCheckpoint {
        member: node.code,
        checkpoint: held.map(|w| CheckpointMessage { statement: w.statement, signature: hex::encode(w.signature) }),
    };
    Ok(Served { body: serde_json::to_vec(&answer).map_err(internal)?, case_number: None, reads: Vec::new() })
}

fn failure_of(r: &opcina_core::Refusal) -> Failure {
    match r.errors.first() {
        Some(e) => Failure {
            error: opcina_federation::messages::FailureBody {
                code: e.code.to_string(),
                message: e.message.clone(),
                field: e.field.clone(),
            },
        },
        None => Failure::new("federation.refused", r.to_string()),
    }
}

// ---------------------------------------------------------------------------------------
// The requester's side.

/// One member's answer to *locate*.
#[derive(Debug, Clone)]
pub struct Located {
    pub member: String,
    pub name: String,
    pub result: Result<LocateAnswer, CallError>,
}

impl Federation {
    /// Logs a call this node made (whatever came of it).
    async fn log_call(&self, store: &opcina_store::Store, actor: &Actor, call: &Call, case_number: Option<String>) {
        let exchange = MessageRow {
            direction: "out".into(),
            peer: call.peer.clone(),
            service: call.service.clone(),
            nonce: call.nonce.clone(),
            case_number,
            status: i64::from(call.status),
            outcome: match &call.result {
                Ok(_) => "ok".into(),
                Err(e) => format!("{}: {e}", e.code()),
            },
            request_signature: call.request_signature.clone(),
            request_digest: call.request_digest.clone(),
            response_signature: call.response_signature.clone(),
            response_digest: call.response_digest.clone(),
            ..MessageRow::default()
        };
        if let Err(error) = store.log_exchange(actor, exchange, Vec::new()).await {
            tracing::error!(%error, peer = %call.peer, "a federation call could not be logged");
        }
        if let Err(e) = &call.result {
            tracing::warn!(peer = %call.peer, service = %call.service, code = e.code(), error = %e, "a federation call failed");
        }
    }

    /// Asks every other member offering *locate* whether it holds the person (in parallel;
    /// each answer within the timeout).
    pub async fn locate(&self, state: &AppState, actor: &Actor, context: &Context, jmbg: &Jmbg) -> Result<Vec<Located>, CallError> {
        let directory = self.directory().ok_or_else(no_directory)?;
        let body = serde_json::to_vec(&LocateQuery { context: context.clone(), jmbg: jmbg.to_string() })
            .map_err(|e| CallError::Malformed(e.to_string()))?;
        let peers: Vec<_> = directory.offering("locate").filter(|m| m.code != self.settings.member).cloned().collect();
        // In parallel: each call has its own timeout, so the slowest member bounds the wait.
        let handles: Vec<_> = peers
            .iter()
            .map(|m| {
                let (client, directory, code, body) = (self.client.clone(), Arc::clone(&directory), m.code.clone(), body.clone());
                tokio::spawn(async move { client.call(&directory, &code, "locate", body).await })
            })
            .collect();
        let mut found = Vec::with_capacity(handles.len());
        for (member, handle) in peers.iter().zip(handles) {
            let call = handle.await.map_err(|e| CallError::Unreachable(e.to_string()))?;
            self.log_call(&state.store, actor, &call, context.case_number.clone()).await;
            let result = call.result.and_then(|b| serde_json::from_slice(&b).map_err(|e| CallError::Malformed(e.to_string())));
            found.push(Located { member: member.code.clone(), name: member.name.clone(), result });
        }
        Ok(found)
    }

    /// Asks `member` for the records a document is to be drawn from.
    pub async fn entry_for_extract(
        &self,
        state: &AppState,
        actor: &Actor,
        member: &str,
        query: &EntryQuery,
    ) -> Result<EntryAnswer, CallError> {
        let directory = self.directory().ok_or_else(no_directory)?;
        let body = serde_json::to_vec(query).map_err(|e| CallError::Malformed(e.to_string()))?;
        let call = self.client.call(&directory, member, "entry-for-extract", body).await;
        self.log_call(&state.store, actor, &call, query.context.case_number.clone()).await;
        let answer: EntryAnswer = serde_json::from_slice(&call.result?).map_err(|e| CallError::Malformed(e.to_string()))?;
        if answer.member != member {
            return Err(CallError::Malformed(format!("the answer claims to come from {}", answer.member)));
        }
        Ok(answer)
    }

    /// Delivers the outbox: every notice not yet delivered goes to the member that keeps
    /// the person's birth entry (found with *locate*), until its receipt is recorded.
    /// Failures are retried with a growing pause (up to five minutes); the outbox is in the
    /// database, so a restart of either node loses nothing.
    pub fn spawn_outbox(self: Arc<Self>, state: AppState, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut backoff: std::collections::HashMap<i64, (u32, tokio::time::Instant)> = std::collections::HashMap::new();
            loop {
                if let Err(error) = self.deliver_pending(&state, &mut backoff).await {
                    tracing::warn!(%error, "the outbox could not be read; retrying");
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    async fn deliver_pending(
        &self,
        state: &AppState,
        backoff: &mut std::collections::HashMap<i64, (u32, tokio::time::Instant)>,
    ) -> Result<(), opcina_store::StoreError> {
        let now = tokio::time::Instant::now();
        for row in state.store.pending_notices(100).await? {
            if backoff.get(&row.id).is_some_and(|(_, next)| *next > now) {
                continue;
            }
            match self.deliver(state, &row).await {
                Ok(receipt) => {
                    backoff.remove(&row.id);
                    let text = serde_json::to_string(&receipt).unwrap_or_default();
                    state.store.record_delivery(row.id, &receipt.member, &receipt.status, &text).await?;
                    tracing::info!(notice = row.id, member = %receipt.member, status = %receipt.status, "notice delivered");
                }
                Err(why) => {
                    let (attempts, _) = backoff.get(&row.id).copied().unwrap_or((0, now));
                    let pause = Duration::from_secs(2u64.saturating_pow(attempts.min(8)).min(300));
                    backoff.insert(row.id, (attempts + 1, now + pause));
                    tracing::warn!(notice = row.id, attempts = attempts + 1, retry_in_s = pause.as_secs(), error = %why, "notice not delivered");
                }
            }
        }
        Ok(())
    }

    /// Finds the member keeping the birth entry and sends it the notice.
    async fn deliver(&self, state: &AppState, row: &opcina_store::rows::OutboxRow) -> Result<Receipt, String> {
        let subject = Jmbg::parse(&row.subject_jmbg, CheckMode::Lenient).map_err(|e| format!("the outbox holds a malformed JMBG: {e}"))?;
        let annotation = serde_json::from_str(&row.annotation).map_err(|e| format!("the outbox holds a malformed annotation: {e}"))?;
        let node = state.store.node().await.map_err(|e| e.to_string())?;
        let actor = Actor::system("federation.outbox");
        let context = Context {
            member: self.settings.member.clone(),
            office: self.settings.member.clone(),
            office_name: format!("{} (matični ured)", node.municipality),
            username: "outbox".into(),
            official: "automatska obavijest".into(),
            purpose: "upis zabilješke u matičnu knjigu rođenih".into(),
            legal_basis: NOTICE_BASIS.into(),
            case_number: row.cause_entry_id.map(|id| format!("{}:{id}", self.settings.member)),
        };
        let located = self.locate(state, &actor, &context, &subject).await.map_err(|e| e.to_string())?;
        let holder = located.iter().find(|l| l.result.as_ref().is_ok_and(|a| a.registers.iter().any(|r| r == "MKR"))).ok_or_else(|| {
            let silent = located.iter().filter(|l| l.result.is_err()).count();
            format!("no member answered that it keeps the birth entry ({silent} did not answer)")
        })?;
        let directory = self.directory().ok_or_else(|| no_directory().to_string())?;
        let message = NoticeMessage {
            context: context.clone(),
            notice_id: format!("{}:{}", self.settings.member, row.id),
            jmbg: subject.to_string(),
            annotation,
        };
        let body = serde_json::to_vec(&message).map_err(|e| e.to_string())?;
        let call = self.client.call(&directory, &holder.member, "annotation-notice", body).await;
        self.log_call(&state.store, &actor, &call, context.case_number.clone()).await;
        let receipt: Receipt = serde_json::from_slice(&call.result.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        if receipt.notice_id != message.notice_id || receipt.member != holder.member {
            return Err(format!("the receipt is for {} from {}", receipt.notice_id, receipt.member));
        }
        Ok(receipt)
    }
}

/// One member's answer to a call made to every member.
#[derive(Debug)]
pub struct Answered<T> {
    pub member: String,
    pub result: Result<T, CallError>,
}

impl Federation {
    /// Calls `service` of every other member offering it, in parallel, each call logged.
    async fn call_all(&self, store: &opcina_store::Store, actor: &Actor, service: &str, body: Vec<u8>) -> Vec<Answered<Vec<u8>>> {
        let Some(directory) = self.directory() else {
            return Vec::new();
        };
        let peers: Vec<String> = directory.offering(service).filter(|m| m.code != self.settings.member).map(|m| m.code.clone()).collect();
        let handles: Vec<_> = peers
            .iter()
            .map(|code| {
                let (client, directory, code, body, service) =
                    (self.client.clone(), Arc::clone(&directory), code.clone(), body.clone(), service.to_string());
                tokio::spawn(async move { client.call(&directory, &code, &service, body).await })
            })
            .collect();
        let mut answers = Vec::with_capacity(peers.len());
        for (member, handle) in peers.into_iter().zip(handles) {
            let result = match handle.await {
                Ok(call) => {
                    self.log_call(store, actor, &call, None).await;
                    call.result
                }
                Err(e) => Err(CallError::Unreachable(e.to_string())),
            };
            answers.push(Answered { member, result });
        }
        answers
    }

    /// Sends a checkpoint of this node to every other member to keep as its witness.
    pub async fn send_checkpoint(
        &self,
        store: &opcina_store::Store,
        row: &opcina_store::anchor_rows::CheckpointRow,
    ) -> Vec<Answered<CheckpointReceipt>> {
        let message = CheckpointMessage { statement: row.statement.clone(), signature: hex::encode(&row.signature) };
        let Ok(body) = serde_json::to_vec(&message) else { return Vec::new() };
        let actor = Actor::system("federation.checkpoint");
        let answers = self.call_all(store, &actor, "checkpoint", body).await;
        answers
            .into_iter()
            .map(|a| Answered {
                result: a.result.and_then(|b| serde_json::from_slice(&b).map_err(|e| CallError::Malformed(e.to_string()))),
                member: a.member,
            })
            .collect()
    }

    /// Asks every other member for the latest checkpoint of this node it keeps.
    pub async fn held_checkpoints(&self, store: &opcina_store::Store) -> Vec<Answered<Option<CheckpointMessage>>> {
        let actor = Actor::system("journal.verify");
        let answers = self.call_all(store, &actor, "checkpoint-held", b"{}".to_vec()).await;
        answers
            .into_iter()
            .map(|a| Answered {
                result: a.result.and_then(|b| {
                    serde_json::from_slice::<HeldCheckpoint>(&b).map(|h| h.checkpoint).map_err(|e| CallError::Malformed(e.to_string()))
                }),
                member: a.member,
            })
            .collect()
    }
}

fn no_directory() -> CallError {
    CallError::Unreachable("this node holds no valid directory of the federation".into())
}

/// What an operator watches of the federation.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FederationHealth {
    pub member: String,
    /// The directory in force (none: the federation's services are unavailable).
    pub directory_serial: Option<u64>,
    /// Seconds since the epoch.
    pub directory_valid_until: Option<i64>,
    /// Annotation notices not yet delivered, and how long the oldest has waited (seconds).
    pub outbox_pending: i64,
    pub outbox_oldest_seconds: Option<i64>,
    /// Notices received that wait for this node's registrar.
    pub notices_queued: i64,
}

/// The federation's figures for `/healthz` and `/status`.
pub async fn federation_health(state: &AppState) -> Result<Option<FederationHealth>, opcina_store::StoreError> {
    let Some(f) = &state.federation else { return Ok(None) };
    let directory = f.directory();
    let counts = state.store.notice_counts().await?;
    let now = opcina_core::registry::Timestamp::now().0;
    Ok(Some(FederationHealth {
        member: f.settings.member.clone(),
        directory_serial: directory.as_ref().map(|d| d.serial),
        directory_valid_until: directory.as_ref().map(|d| d.valid_until),
        outbox_oldest_seconds: counts.oldest_pending_at.map(|at| (now - at) / 1_000_000),
        outbox_pending: counts.pending,
        notices_queued: counts.queued,
    }))
}

//! Issuing extracts and certificates, and refusing requests, on a node: the requester's
//! eligibility checked against the registers, the document's content built from the
//! registers at a journal position, numbered per office and year, sealed with the node's
//! key and registered — with the read of the person's records logged — in one journaled
//! transaction through the node's writer. Typesetting is the caller's (`opcina-pdf`).

use std::sync::Arc;

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate};
use ed25519_dalek::SigningKey;
use opcina_core::extract::content::{self, ContentSpec, ExtractContent, ExtractNumber, Fee, Holder, Issue, records_at};
use opcina_core::extract::decision::{AppealRoute, RefusalFacts};
use opcina_core::extract::eligibility::{self, Denial, Eligibility, Established};
use opcina_core::extract::seal::{key_id, sign_content, verify_content};
use opcina_core::extract::{ExtractKind, ExtractRequest};
use opcina_core::names::{Script, fold};
use opcina_core::registry::{Actor, PersonRecords, ViewTime, person_view};
use opcina_core::{FieldError, Jmbg, Refusal};

use crate::backend::WriteTx;
use crate::error::{Result, StoreError};
use crate::reads::ReadReason;
use crate::rows::{
    AccessRow, AppealRouteRow, ExtractOfficialsRow, ExtractRow, FeeRuleRow, NodeKeyRow, RefusalRecordRow, RemoteRecordsRow, Row,
};
use crate::sql::prelude::*;
use crate::store::Store;
use crate::txn::{Sequence, Txn};
use crate::writer::{WriteCx, WriteJob};

/// The node's seal: its signing key and the key's fingerprint.
#[derive(Clone)]
pub struct Sealer {
    key: Arc<SigningKey>,
    key_id: String,
}

impl std::fmt::Debug for Sealer {
    /// The secret key is never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer").field("key_id", &self.key_id).finish_non_exhaustive()
    }
}

impl Sealer {
    pub fn new(key: SigningKey) -> Self {
        let key_id = key_id(&key.verifying_key());
        Sealer { key: Arc::new(key), key_id }
    }

    pub fn key(&self) -> &SigningKey {
        &self.key
    }

    pub fn key_id(&self) -> &str {
        &self.key_id
    }
}

/// Where and by whom documents are issued, as printed.
#[derive(Debug, Clone)]
pub struct IssuePlace {
    /// The base URL of the node's public verification page.
    pub verify_base: String,
}

/// An issued document: its content and the content seal.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: i64,
    pub content: ExtractContent,
    pub seal: [u8; 64],
    pub key_id: String,
}

/// What became of a request.
#[derive(Debug, Clone)]
pub enum Outcome {
    Issued(Box<Issued>),
    /// Refused by a decision (registered, numbered).
    Refused(Box<RefusalFacts>),
}

/// A request checked and ready for the writer.
#[derive(Debug, Clone)]
pub(crate) enum Draft {
    Issue(Box<IssueDraft>),
    Refuse(Box<RefuseDraft>),
}

#[derive(Debug, Clone)]
pub(crate) struct Common {
    request: ExtractRequest,
    municipality: String,
    office_code: String,
    office_name: String,
    place: String,
    official_name: String,
    verify_base: String,
    position: i64,
}

#[derive(Debug, Clone)]
pub(crate) struct IssueDraft {
    common: Common,
    /// The staff's full names, by username (for the registrars the annotations name).
    staff: std::collections::BTreeMap<String, String>,
    records: PersonRecords,
    entry_id: i64,
    established: Established,
    fee: Fee,
    sealer: Sealer,
    remote: Option<RemoteSource>,
}

/// The records of a person another member holds, as its signed answer gave them.
#[derive(Debug, Clone)]
pub struct RemoteSource {
    /// The holder's code and name.
    pub member: String,
    pub municipality: String,
    /// The holder's journal position the records reflect.
    pub position: i64,
    pub records: PersonRecords,
}

impl RemoteSource {
    fn holder(&self) -> Holder {
        Holder { member: self.member.clone(), municipality: self.municipality.clone(), position: self.position }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct RefuseDraft {
    common: Common,
    denial: Denial,
}

fn refusal(code: &'static str, field: &str, message: impl Into<String>) -> Refusal {
    Refusal::one(if field.is_empty() { FieldError::general(code, message) } else { FieldError::new(code, field, message) })
}

/// The fee for a kind and purpose: an exemption for the purpose (most recent first) wins over
/// the kind's fee; a rule for every kind is the fallback; no rule means no fee.
pub fn resolve_fee(rules: &[FeeRuleRow], kind: ExtractKind, purpose: &str) -> Fee {
    let purpose = fold(purpose);
    let kind_matches = |r: &FeeRuleRow| r.kind.as_deref().is_none_or(|k| k == kind.as_str());
    let latest =
        |pick: &dyn Fn(&FeeRuleRow) -> bool| rules.iter().filter(|r| kind_matches(r) && pick(r)).max_by_key(|r| (r.kind.is_some(), r.id));
    if let Some(r) = latest(&|r| r.purpose.as_deref().is_some_and(|p| fold(p) == purpose)) {
        return Fee { amount: r.amount, exemption: Some(r.note.clone()) };
    }
    match latest(&|r| r.purpose.is_none()) {
        Some(r) => Fee { amount: r.amount, exemption: None },
        None => Fee { amount: 0, exemption: None },
    }
}

impl Store {
    /// Registers the node's public key (done once per key; documents name it by its
    /// fingerprint).
    pub async fn register_key(&self, actor: &Actor, key: &ed25519_dalek::VerifyingKey) -> Result<NodeKeyRow> {
        let id = key_id(key);
        if let Some(existing) = self.backend().reads().node_keys().await?.into_iter().find(|k| k.key_id == id) {
            return Ok(existing);
        }
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let mut row = NodeKeyRow { id: 0, key_id: id, public_key: key.as_bytes().to_vec(), created_at: now.0 };
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, "admin.key.registered").await?;
        ex.commit().await?;
        Ok(row)
    }

    /// Adds a rule to the fee schedule: the fee of a kind (`purpose` none) or an exemption
    /// for a purpose (`note` gives its legal basis).
    pub async fn set_fee(
        &self,
        actor: &Actor,
        kind: Option<ExtractKind>,
        purpose: Option<&str>,
        amount: i64,
        note: &str,
    ) -> Result<FeeRuleRow> {
        if amount < 0 {
            return Err(StoreError::Invalid(FieldError::new("admin.fee.negative", "amount", "a fee cannot be negative")));
        }
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let mut row = FeeRuleRow {
            id: 0,
            kind: kind.map(|k| k.as_str().to_string()),
            purpose: purpose.map(|p| p.trim().to_string()).filter(|p| !p.is_empty()),
            amount,
            note: note.trim().to_string(),
            set_at: now.0,
        };
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, "admin.fee.set").await?;
        ex.commit().await?;
        Ok(row)
    }

    /// Handles a request for a document: refuses an incomplete one (nothing is recorded),
    /// registers a refusal decision when the requester is not entitled, or issues and
    /// registers the document. The person's records are read once, at one journal
    /// position, and that read is logged with the outcome.
    pub async fn request_extract(
        &self,
        actor: &Actor,
        request: ExtractRequest,
        sealer: &Sealer,
        place: &IssuePlace,
    ) -> Result<std::result::Result<Outcome, Refusal>> {
        let office_code = match counter_office(actor, &request) {
            Ok(code) => code,
            Err(r) => return Ok(Err(r)),
        };
        // The position first, then the records: every record with an id up to the position
        // was committed before it was read, so the records filtered to it are consistent.
        let position = self.backend().journal_head().await?.seq;
        let records = records_at(&self.backend().reads().person_records(&request.jmbg).await?, position);
        self.decide_extract(actor, office_code, request, records, position, None, sealer, place).await
    }

    /// Handles a request for a document drawn from another member's register: the same
    /// checks and numbering as [`Store::request_extract`], on the records the holder sent
    /// (kept with the document, so that it can be reproduced and verified here).
    pub async fn request_remote_extract(
        &self,
        actor: &Actor,
        request: ExtractRequest,
        source: RemoteSource,
        sealer: &Sealer,
        place: &IssuePlace,
    ) -> Result<std::result::Result<Outcome, Refusal>> {
        let office_code = match counter_office(actor, &request) {
            Ok(code) => code,
            Err(r) => return Ok(Err(r)),
        };
        let position = self.backend().journal_head().await?.seq;
        let records = source.records.clone();
        self.decide_extract(actor, office_code, request, records, position, Some(source), sealer, place).await
    }

    /// Decides a checked request on the subject's records as they stood at `position` (this
    /// node's journal position; the holder's position is in `remote`).
    async fn decide_extract(
        &self,
        actor: &Actor,
        office_code: String,
        request: ExtractRequest,
        records: PersonRecords,
        position: i64,
        remote: Option<RemoteSource>,
        sealer: &Sealer,
        place: &IssuePlace,
    ) -> Result<std::result::Result<Outcome, Refusal>> {
        let backend = self.backend();
        let node = self.node().await?;
        let Some(office) = backend.reads().offices().await?.into_iter().find(|o| o.code == office_code) else {
            return Ok(Err(refusal("auth.office_unknown", "", format!("the office {office_code} does not exist on this node"))));
        };
        let staff: std::collections::BTreeMap<String, String> =
            backend.reads().users().await?.into_iter().map(|u| (u.username, u.full_name)).collect();
        let official_name = staff.get(&actor.username).cloned().unwrap_or_else(|| actor.username.clone());
        let judged = match self.entitlement(&request, &records, position).await? {
            Ok(j) => j,
            Err(Withheld::NotHeld) => {
                return Ok(Err(refusal(
                    "extract.person_unknown",
                    "jmbg",
                    format!("the registers of this node hold no entry of {}", request.jmbg),
                )));
            }
            Err(Withheld::NoEntry(r)) => return Ok(Err(r)),
        };
        let common = Common {
            municipality: node.municipality.clone(),
            office_name: office.name.clone(),
            place: office.settlement.clone(),
            office_code,
            official_name,
            verify_base: place.verify_base.clone(),
            position,
            request,
        };
        let Judged { subject, entry, eligibility } = judged;
        let draft = match eligibility {
            Eligibility::Incomplete(r) => return Ok(Err(r)),
            Eligibility::Denied(denial) => Draft::Refuse(Box::new(RefuseDraft { common, denial })),
            Eligibility::Entitled(established) => match content::check_state(common.request.kind, &subject) {
                // What the certificate would certify the registers do not bear out (a life
                // certificate for a person whose death is registered): refused by a registered
                // decision with an instruction on appeal, the read logged, as for a requester
                // without a relation.
                Err(r) => {
                    let (code, reason) = r.errors.first().map_or(("extract.refused", String::new()), |e| (e.code, e.message.clone()));
                    Draft::Refuse(Box::new(RefuseDraft { common, denial: Denial { code: code.to_string(), reason } }))
                }
                Ok(()) => {
                    let fee = resolve_fee(&backend.reads().fee_rules().await?, common.request.kind, &common.request.purpose);
                    // Another member's registrars are not this node's staff: named as recorded.
                    let staff = if remote.is_some() { Default::default() } else { staff };
                    Draft::Issue(Box::new(IssueDraft {
                        common,
                        staff,
                        records,
                        entry_id: entry.id,
                        established,
                        fee,
                        sealer: sealer.clone(),
                        remote,
                    }))
                }
            },
        };
        self.submit(actor, draft).await
    }

    /// A registered document (`issued`) or refusal (`refused`) by its number, as the counter
    /// shows it to `actor`; the read of the person it is about (and of the requester, when
    /// named by JMBG) is logged (`extract.view`).
    pub async fn registered_extract(&self, actor: &Actor, outcome: &str, number: &ExtractNumber) -> Result<Option<ExtractRow>> {
        let row = self.inner.backend.reads().extract_by_number(outcome, &number.office, i64::from(number.year), number.serial).await?;
        let why = ReadReason::new("uvid u evidenciju izdatih izvoda", Some(&number.id()));
        self.disclose(actor, "extract.view", &why, row).await
    }

    /// The member and municipality whose register an issued document was drawn from, when it
    /// was drawn from another member's records.
    pub async fn drawn_from(&self, extract_id: i64) -> Result<Option<RemoteRecordsRow>> {
        self.inner.backend.reads().remote_records(extract_id).await
    }

    /// The fee schedule's rules.
    pub async fn fee_rules(&self) -> Result<Vec<FeeRuleRow>> {
        self.inner.backend.reads().fee_rules().await
    }

    /// Sets how refusals are appealed from now on: the body that decides appeals, the days to
    /// appeal and the fee. Decisions already taken keep the route they named.
    pub async fn set_appeal_route(&self, actor: &Actor, route: &AppealRoute) -> Result<AppealRouteRow> {
        let body = route.body.split_whitespace().collect::<Vec<_>>().join(" ");
        if body.chars().filter(|c| c.is_alphabetic()).count() < 3 {
            return Err(StoreError::Invalid(FieldError::new("admin.appeal.body_unclear", "body", "name the body that decides appeals")));
        }
        if !(1..=90).contains(&route.days) {
            return Err(StoreError::Invalid(FieldError::new(
                "admin.appeal.days_invalid",
                "days",
                format!("{} days: the time to appeal is between 1 and 90 days (15 under the law on administrative procedure)", route.days),
            )));
        }
        if route.fee < 0 {
            return Err(StoreError::Invalid(FieldError::new("admin.fee.negative", "fee", "a fee cannot be negative")));
        }
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let mut row = AppealRouteRow {
            id: 0,
            body,
            days: i64::from(route.days),
            fee: route.fee,
            fee_note: route.fee_note.trim().to_string(),
            set_at: now.0,
        };
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, "admin.appeal.set").await?;
        ex.commit().await?;
        Ok(row)
    }

    /// How refusals are appealed now, if the body has said.
    pub async fn appeal_route(&self) -> Result<Option<AppealRoute>> {
        Ok(self.inner.backend.reads().appeal_route_at(i64::MAX).await?.map(|r| r.route()))
    }

    /// Judges a request on the subject's records as they stood at `position`: the subject's
    /// view and the entry the document is drawn from, and whether the requester is entitled
    /// (the requester's own records read at the same position). The one rule for a document
    /// issued here and for records another member asks for to issue one there.
    pub(crate) async fn entitlement(
        &self,
        request: &ExtractRequest,
        records: &PersonRecords,
        position: i64,
    ) -> Result<std::result::Result<Judged, Withheld>> {
        let on = self.today();
        let Some(subject) = person_view(&request.jmbg, records, ViewTime::current(on)) else { return Ok(Err(Withheld::NotHeld)) };
        let entry = match content::select_entry(request.kind, &request.jmbg, records, request.entry_id) {
            Ok(e) => e,
            Err(r) => return Ok(Err(Withheld::NoEntry(r))),
        };
        let requester_view = match &request.requester.jmbg {
            Some(j) if j != &request.jmbg => {
                let r = records_at(&self.inner.backend.reads().person_records(j).await?, position);
                person_view(j, &r, ViewTime::current(on))
            }
            _ => None,
        };
        let eligibility = eligibility::check(request, &subject, requester_view.as_ref(), &content::entry_spouses(&entry));
        Ok(Ok(Judged { subject, entry, eligibility }))
    }
}

/// A request judged on the registers: the subject as they stand, the entry the document
/// is drawn from, and whether the requester is entitled.
pub(crate) struct Judged {
    pub subject: opcina_core::registry::PersonView,
    pub entry: opcina_core::registry::EntryRecord,
    pub eligibility: Eligibility,
}

/// Why the registers give no document to a request, before the requester is judged.
#[derive(Debug, Clone)]
pub enum Withheld {
    /// The node holds no entry of the person.
    NotHeld,
    /// No entry of the register the document is drawn from (or not the one named).
    NoEntry(Refusal),
}

/// The office a request is handled at, when the actor may handle it and the request is
/// complete in form.
fn counter_office(actor: &Actor, request: &ExtractRequest) -> std::result::Result<String, Refusal> {
    let Some(office_code) = actor.office.clone().filter(|_| actor.role.reads_records()) else {
        return Err(refusal("auth.forbidden", "", "documents are issued by registrars and counter clerks at an office"));
    };
    eligibility::check_form(request)?;
    Ok(office_code)
}

fn number(txn_serial: i64, office: &str, on: NaiveDate) -> ExtractNumber {
    ExtractNumber { office: office.to_string(), year: on.year(), serial: txn_serial }
}

/// The book of issued documents (`issued`) or of refusals (`refused`) of an office.
struct ExtractBook(&'static str);

#[async_trait]
impl Sequence for ExtractBook {
    fn key(&self) -> String {
        format!("extracts:{}", self.0)
    }

    async fn last(&self, tx: &mut dyn WriteTx, office: &str, year: i64) -> Result<i64> {
        tx.last_extract_serial(self.0, office, year).await
    }
}

#[async_trait]
impl WriteJob for Draft {
    type Output = std::result::Result<Outcome, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        write_draft(cx.txn, cx.actor, self, cx.today, cx.now).await
    }
}

/// Writes a draft inside the writer's transaction: numbers it, builds and seals the content,
/// registers it with the read of the person's records.
async fn write_draft(
    txn: &mut Txn,
    actor: &Actor,
    draft: &Draft,
    on: NaiveDate,
    now: opcina_core::registry::Timestamp,
) -> Result<std::result::Result<Outcome, Refusal>> {
    let (common, outcome) = match draft {
        Draft::Issue(d) => (&d.common, "issued"),
        Draft::Refuse(d) => (&d.common, "refused"),
    };
    let r = &common.request;
    let serial = txn.next_serial(&ExtractBook(outcome), &common.office_code, i64::from(on.year())).await?;
    let number = number(serial, &common.office_code, on);
    let mut row = ExtractRow {
        id: 0,
        outcome: outcome.to_string(),
        office_code: common.office_code.clone(),
        year: i64::from(number.year),
        serial,
        kind: r.kind.as_str().to_string(),
        subject_jmbg: r.jmbg.to_string(),
        entry_id: None,
        language: r.language.as_str().to_string(),
        script: r.script.as_str().to_string(),
        requester_name: r.requester.name.trim().to_string(),
        requester_jmbg: r.requester.jmbg.as_ref().map(Jmbg::to_string),
        requester_document: r.requester.document.clone(),
        evidence: r.requester.evidence.clone(),
        relation: r.relation.as_str().to_string(),
        established: None,
        purpose: r.purpose.trim().to_string(),
        fee: None,
        fee_exemption: None,
        refusal_code: None,
        refusal_reason: None,
        official_username: actor.username.clone(),
        official_name: common.official_name.clone(),
        municipality: common.municipality.clone(),
        office_name: common.office_name.clone(),
        place: common.place.clone(),
        at: now.0,
        on_date: crate::rows::date_text(on),
        journal_position: common.position,
        verify_base: common.verify_base.clone(),
        content_hash: None,
        seal: None,
        key_id: None,
    };
    let (result, entry_id, action) = match draft {
        Draft::Issue(d) => {
            let issue = Issue {
                number: number.clone(),
                issued_at: now,
                issued_on: on,
                municipality: common.municipality.clone(),
                office_name: common.office_name.clone(),
                place: common.place.clone(),
                official: common.official_name.clone(),
                fee: d.fee.clone(),
                journal_position: common.position,
                verify_base: common.verify_base.clone(),
            };
            let spec = spec_of(r);
            let built = match &d.remote {
                // The holder's records are whole as sent: its own position filtered them.
                Some(remote) => content::build_at(&spec, &d.records, issue, i64::MAX).map(|mut c| {
                    c.holder = Some(remote.holder());
                    c
                }),
                None => content::build(&spec, &d.records, issue),
            };
            let mut content = match built {
                Ok(c) => c,
                Err(refusal) => return Ok(Err(refusal)),
            };
            // The registrars the annotations name, by the names they have today (kept below).
            content.officials =
                content.annotations.iter().filter_map(|a| Some((a.recorded_by.clone(), d.staff.get(&a.recorded_by)?.clone()))).collect();
            let hash = content.hash();
            let seal = sign_content(d.sealer.key(), &number, &hash);
            // An entry held elsewhere is named by the records kept with the document.
            row.entry_id = d.remote.is_none().then_some(d.entry_id);
            row.established = Some(established_text(&d.established));
            row.fee = Some(d.fee.amount);
            row.fee_exemption = d.fee.exemption.clone();
            row.content_hash = Some(hash.to_vec());
            row.seal = Some(seal.to_vec());
            row.key_id = Some(d.sealer.key_id().to_string());
            let issued = Issued { id: 0, content, seal, key_id: d.sealer.key_id().to_string() };
            // An entry held elsewhere has no id in this node's registers.
            let local_entry = d.remote.is_none().then_some(d.entry_id);
            (Outcome::Issued(Box::new(issued)), local_entry, "extract.issued")
        }
        Draft::Refuse(d) => {
            row.refusal_code = Some(d.denial.code.clone());
            row.refusal_reason = Some(d.denial.reason.clone());
            let facts = RefusalFacts {
                number: number.clone(),
                decided_at: now,
                decided_on: on,
                kind: r.kind,
                language: r.language,
                script: r.script,
                subject: r.jmbg.clone(),
                requester_name: row.requester_name.clone(),
                relation: row.relation.clone(),
                purpose: row.purpose.clone(),
                denial: d.denial.clone(),
                municipality: common.municipality.clone(),
                office_name: common.office_name.clone(),
                place: common.place.clone(),
                official: common.official_name.clone(),
                appeal: txn.reader().await?.appeal_route_at(now.0).await?.map(|r| r.route()),
                up_number: None,
            };
            (Outcome::Refused(Box::new(facts)), None, "extract.refused")
        }
    };
    let id = txn.append(Row::new(row.clone()), now, actor, action).await?;
    // A refusal is a first-instance decision: entered in the body's UP-I book when it keeps
    // one for the registry's refusals, and numbered there.
    let mut result = result;
    if let Outcome::Refused(facts) = &mut result {
        // What was refused, not whom: the protocol book names the requester as correspondent.
        let what = opcina_core::extract::document::kind_title(opcina_core::extract::Language::Bs, facts.kind).to_lowercase();
        let subject = format!("Rješenje o odbijanju zahtjeva za izdavanje: {what}");
        if let Some(record) = crate::docflow::enter_decision(txn, actor, &facts.requester_name, &subject, on, now).await? {
            let link = RefusalRecordRow { id: 0, extract_id: id, record_id: record.id, number: record.number.clone() };
            txn.append(Row::new(link), now, actor, "extract.refusal.entered").await?;
            facts.up_number = Some(record.number);
        }
    }
    let case_number = match &result {
        Outcome::Refused(f) => f.registry_number(),
        Outcome::Issued(_) => number.id(),
    };
    if let Outcome::Issued(issued) = &result {
        if !issued.content.officials.is_empty() {
            let names = serde_json::to_string(&issued.content.officials).map_err(|e| StoreError::corrupt("extract_officials", 0, e))?;
            txn.append(Row::new(ExtractOfficialsRow { id: 0, extract_id: id, names }), now, actor, "extract.officials.kept").await?;
        }
    }
    if let Draft::Issue(d) = draft {
        if let Some(remote) = &d.remote {
            let kept = RemoteRecordsRow {
                id: 0,
                extract_id: id,
                member: remote.member.clone(),
                municipality: remote.municipality.clone(),
                entry_id: d.entry_id,
                position: remote.position,
                records: serde_json::to_string(&remote.records).map_err(|e| StoreError::corrupt("remote_records", 0, e))?,
                received_at: now.0,
            };
            txn.append(Row::new(kept), now, actor, "federation.records.kept").await?;
        }
    }
    let access = AccessRow {
        id: 0,
        at: now.0,
        username: actor.username.clone(),
        role: actor.role.as_str().to_string(),
        office_code: actor.office.clone(),
        subject_jmbg: r.jmbg.to_string(),
        entry_id,
        action: action.to_string(),
        purpose: row.purpose.clone(),
        case_number: Some(case_number),
    };
    txn.append(Row::new(access), now, actor, "access.read").await?;
    Ok(Ok(match result {
        Outcome::Issued(mut i) => {
            i.id = id;
            Outcome::Issued(i)
        }
        refused => refused,
    }))
}

fn spec_of(r: &ExtractRequest) -> ContentSpec<'_> {
    ContentSpec { kind: r.kind, language: r.language, script: r.script, subject: &r.jmbg, entry_id: r.entry_id, purpose: &r.purpose }
}

fn established_text(e: &Established) -> String {
    match e {
        Established::Identity => "identity".into(),
        Established::Registers => "registers".into(),
        Established::Document(reference) => format!("document: {reference}"),
    }
}

/// An issued document rebuilt from the register: the same content (and hash) as when it was
/// issued, from the registers as they stood at its journal position.
#[derive(Debug, Clone)]
pub struct Reproduced {
    pub row: ExtractRow,
    pub content: ExtractContent,
    pub seal: [u8; 64],
}

/// Why an issued document could not be reproduced.
#[derive(Debug, thiserror::Error)]
pub enum ReproduceError {
    #[error("no document {0} was issued on this node")]
    NotFound(String),
    #[error("{0} is a refusal, not an issued document")]
    Refusal(String),
    #[error("the register row of {number} is damaged: {what}")]
    Damaged { number: String, what: String },
    #[error("the registers no longer give the content of {number}: {why}")]
    Diverged { number: String, why: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

fn required<T>(number: &str, what: &str, v: Option<T>) -> std::result::Result<T, ReproduceError> {
    v.ok_or_else(|| ReproduceError::Damaged { number: number.to_string(), what: what.to_string() })
}

impl Store {
    /// An issued document to print again, rebuilt from the register (the same content and
    /// seal as when it was issued); the read of the person's records is logged
    /// (`extract.printed`) before it is returned.
    pub async fn print_extract(&self, actor: &Actor, number: &ExtractNumber) -> std::result::Result<Reproduced, ReproduceError> {
        let reproduced = self.reproduce_extract(number).await?;
        let why = ReadReason::new("ispis izdanog dokumenta", Some(&number.id()));
        self.log_reads(actor, &[&reproduced.row.subject_jmbg], reproduced.row.entry_id, "extract.printed", &why).await?;
        Ok(reproduced)
    }

    /// Rebuilds an issued document from the register and checks its content hash.
    pub async fn reproduce_extract(&self, number: &ExtractNumber) -> std::result::Result<Reproduced, ReproduceError> {
        let id = number.id();
        let backend = self.backend();
        let row = match backend.reads().extract_by_number("issued", &number.office, i64::from(number.year), number.serial).await? {
            Some(r) => r,
            None if backend
                .reads()
                .extract_by_number("refused", &number.office, i64::from(number.year), number.serial)
                .await?
                .is_some() =>
            {
                return Err(ReproduceError::Refusal(id));
            }
            None => return Err(ReproduceError::NotFound(id)),
        };
        let content = rebuild_at(backend, &row, number, row.journal_position).await?;
        let stored: [u8; 32] = required(&id, "content hash", row.content_hash.as_deref().and_then(|h| h.try_into().ok()))?;
        if content.hash() != stored {
            return Err(ReproduceError::Diverged { number: id, why: "the content hash differs from the one registered".into() });
        }
        let seal: [u8; 64] = required(&id, "seal", row.seal.as_deref().and_then(|s| s.try_into().ok()))?;
        Ok(Reproduced { row, content, seal })
    }
}

/// The content of an issued document rebuilt from the registers at its journal position
/// (`position` overrides it: the registers as they stand now, for "is it still current?").
async fn rebuild_at(
    backend: &dyn crate::backend::Backend,
    row: &ExtractRow,
    number: &ExtractNumber,
    position: i64,
) -> std::result::Result<ExtractContent, ReproduceError> {
    let id = number.id();
    let damaged = |what: &str| ReproduceError::Damaged { number: id.clone(), what: what.to_string() };
    let kind = ExtractKind::parse(&row.kind).ok_or_else(|| damaged("kind"))?;
    let language = opcina_core::extract::Language::parse(&row.language).ok_or_else(|| damaged("language"))?;
    let script = opcina_core::extract::kind::parse_script(&row.script).unwrap_or(Script::Latin);
    let subject = Jmbg::parse(&row.subject_jmbg, opcina_core::CheckMode::Lenient).map_err(|_| damaged("subject"))?;
    let on = crate::rows::parse_date("extracts", row.id, &row.on_date).map_err(|_| damaged("date"))?;
    let remote = backend.reads().remote_records(row.id).await?;
    let (records, position, holder, entry_id) = match &remote {
        Some(kept) => {
            let records = serde_json::from_str(&kept.records).map_err(|_| damaged("records kept from the holder"))?;
            let holder = Holder { member: kept.member.clone(), municipality: kept.municipality.clone(), position: kept.position };
            (records, i64::MAX, Some(holder), Some(kept.entry_id))
        }
        None => (backend.reads().person_records(&subject).await?, position, None, row.entry_id),
    };
    let issue = Issue {
        number: number.clone(),
        issued_at: opcina_core::registry::Timestamp(row.at),
        issued_on: on,
        municipality: row.municipality.clone(),
        office_name: row.office_name.clone(),
        place: row.place.clone(),
        official: row.official_name.clone(),
        fee: Fee { amount: row.fee.unwrap_or(0), exemption: row.fee_exemption.clone() },
        journal_position: row.journal_position,
        verify_base: row.verify_base.clone(),
    };
    let spec = ContentSpec { kind, language, script, subject: &subject, entry_id, purpose: &row.purpose };
    let mut content = content::build_at(&spec, &records, issue, position)
        .map_err(|r| ReproduceError::Diverged { number: id.clone(), why: r.to_string() })?;
    content.holder = holder;
    if let Some(kept) = backend.reads().extract_officials(row.id).await? {
        content.officials = serde_json::from_str(&kept.names).map_err(|_| damaged("the registrars' names kept"))?;
    }
    Ok(content)
}

/// What a verification says about an issued document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Nothing recorded since changes what it says.
    Current,
    /// A record made later changes what the document would say (an annotation, say), from
    /// this moment.
    Superseded {
        since: opcina_core::registry::Timestamp,
        by: String,
    },
    Revoked {
        at: opcina_core::registry::Timestamp,
        reason: String,
    },
}

/// The answer of a verification.
#[derive(Debug, Clone)]
pub struct Verification {
    pub row: ExtractRow,
    pub status: Status,
}

impl Store {
    /// The name of the person a verified document is about, as the document printed it, for
    /// whoever presented its number and seal (the public verification page shows it, to be
    /// compared with the paper). The read is logged (`extract.verified`, by the public
    /// verification), so the person sees when and which of their documents was checked.
    /// `None` when the document can no longer be rebuilt (the operator's log says why).
    pub async fn verified_holder(&self, verification: &Verification) -> Result<Option<String>> {
        let number = verification.row.number();
        let content = match self.reproduce_extract(&number).await {
            Ok(r) => r.content,
            Err(ReproduceError::Store(e)) => return Err(e),
            Err(error) => {
                tracing::error!(%error, number = %number.id(), "an authentic document could not be rebuilt");
                return Ok(None);
            }
        };
        let why = ReadReason::new("javna provjera izdatog dokumenta", Some(&number.id()));
        let row = &verification.row;
        self.log_as("javna-provjera", "public", &[row.subject_jmbg.as_str()], row.entry_id, "extract.verified", &why).await?;
        Ok(Some(format!("{} {}", content.state.given_name, content.state.surname)))
    }

    /// Verifies a document by its number and content seal (from the QR code): `None` when no
    /// document of that number carries that seal.
    pub async fn verify_extract(&self, number: &ExtractNumber, seal: &[u8; 64]) -> Result<Option<Verification>> {
        let backend = self.backend();
        let Some(row) = backend.reads().extract_by_number("issued", &number.office, i64::from(number.year), number.serial).await? else {
            return Ok(None);
        };
        let Some(hash) = row.content_hash.as_deref().and_then(|h| <[u8; 32]>::try_from(h).ok()) else { return Ok(None) };
        let keys = backend.reads().node_keys().await?;
        let Some(key) = keys.iter().find(|k| Some(&k.key_id) == row.key_id.as_ref()) else { return Ok(None) };
        let Some(key) = <[u8; 32]>::try_from(key.public_key.as_slice()).ok().and_then(|k| ed25519_dalek::VerifyingKey::from_bytes(&k).ok())
        else {
            return Ok(None);
        };
        if !verify_content(&key, number, &hash, seal) {
            return Ok(None);
        }
        let status = status(self, &row, number, &hash).await?;
        Ok(Some(Verification { row, status }))
    }
}

/// Revoked, superseded or current: a document is superseded when the registers as they
/// stand now would give it another content; the change dates from the earliest record made
/// after the document that concerns it.
async fn status(store: &Store, row: &ExtractRow, number: &ExtractNumber, hash: &[u8; 32]) -> Result<Status> {
    let backend = store.backend();
    if let Some(rev) = backend.reads().revocation(row.id).await? {
        return Ok(Status::Revoked { at: opcina_core::registry::Timestamp(rev.revoked_at), reason: rev.reason });
    }
    if backend.reads().remote_records(row.id).await?.is_some() {
        // Drawn from another member's register: what the holder recorded since is not known
        // here; the document stands as issued unless revoked.
        return Ok(Status::Current);
    }
    let now = backend.journal_head().await?.seq;
    let current = match rebuild_at(backend, row, number, now).await {
        Ok(c) => c.hash() == *hash,
        Err(ReproduceError::Store(e)) => return Err(e),
        Err(_) => false,
    };
    if current {
        return Ok(Status::Current);
    }
    let subject =
        Jmbg::parse(&row.subject_jmbg, opcina_core::CheckMode::Lenient).map_err(|e| StoreError::corrupt("extracts", row.id, e))?;
    let records = backend.reads().person_records(&subject).await?;
    let later = records
        .annotations
        .iter()
        .filter(|a| a.id > row.journal_position)
        .map(|a| (a.recorded_at, format!("annotation: {}", a.annotation.content.kind())))
        .chain(records.entries.iter().filter(|e| e.id > row.journal_position).map(|e| (e.recorded_at, format!("entry: {}", e.reference()))))
        .min_by_key(|(t, _)| *t);
    Ok(match later {
        Some((since, by)) => Status::Superseded { since, by },
        None => Status::Superseded { since: opcina_core::registry::Timestamp(row.at), by: "a later record".into() },
    })
}

impl Store {
    /// Revokes an issued document (issued in error, say). Its verification says so from now on.
    pub async fn revoke_extract(&self, actor: &Actor, number: &ExtractNumber, reason: &str) -> Result<()> {
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid(FieldError::new(
                "extract.revocation.reason_required",
                "reason",
                "give the reason for the revocation",
            )));
        }
        let backend = self.backend();
        let Some(row) = backend.reads().extract_by_number("issued", &number.office, i64::from(number.year), number.serial).await? else {
            return Err(StoreError::Invalid(FieldError::new(
                "extract.not_found",
                "number",
                format!("no document {} was issued on this node", number.id()),
            )));
        };
        if backend.reads().revocation(row.id).await?.is_some() {
            return Err(StoreError::Invalid(FieldError::new(
                "extract.already_revoked",
                "number",
                format!("{} is already revoked", number.id()),
            )));
        }
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let rev = crate::rows::RevocationRow {
            id: 0,
            extract_id: row.id,
            reason: reason.trim().to_string(),
            revoked_by: actor.username.clone(),
            revoked_at: now.0,
        };
        ex.txn.append(Row::new(rev), now, actor, "extract.revoked").await?;
        ex.commit().await?;
        Ok(())
    }
}

impl Store {
    /// The facts of a registered refusal, to print its decision again for `actor`; the read
    /// of the person it is about is logged (`decision.printed`).
    pub async fn refusal_facts(&self, actor: &Actor, number: &ExtractNumber) -> Result<Option<RefusalFacts>> {
        let facts = self.registered_refusal(number).await?;
        let why = ReadReason::new("ispis rješenja o odbijanju", facts.as_ref().map(RefusalFacts::registry_number).as_deref());
        self.disclose(actor, "decision.printed", &why, facts).await
    }

    async fn registered_refusal(&self, number: &ExtractNumber) -> Result<Option<RefusalFacts>> {
        let Some(row) = self.backend().reads().extract_by_number("refused", &number.office, i64::from(number.year), number.serial).await?
        else {
            return Ok(None);
        };
        let bad = |what: &str| StoreError::corrupt("extracts", row.id, format!("bad {what}"));
        Ok(Some(RefusalFacts {
            number: number.clone(),
            decided_at: opcina_core::registry::Timestamp(row.at),
            decided_on: crate::rows::parse_date("extracts", row.id, &row.on_date)?,
            kind: ExtractKind::parse(&row.kind).ok_or_else(|| bad("kind"))?,
            language: opcina_core::extract::Language::parse(&row.language).ok_or_else(|| bad("language"))?,
            script: opcina_core::extract::kind::parse_script(&row.script).ok_or_else(|| bad("script"))?,
            subject: Jmbg::parse(&row.subject_jmbg, opcina_core::CheckMode::Lenient).map_err(|_| bad("subject"))?,
            requester_name: row.requester_name.clone(),
            relation: row.relation.clone(),
            purpose: row.purpose.clone(),
            denial: Denial { code: row.refusal_code.clone().unwrap_or_default(), reason: row.refusal_reason.clone().unwrap_or_default() },
            municipality: row.municipality.clone(),
            office_name: row.office_name.clone(),
            place: row.place.clone(),
            official: row.official_name.clone(),
            appeal: self.backend().reads().appeal_route_at(row.at).await?.map(|r| r.route()),
            up_number: self.backend().reads().refusal_record(row.id).await?.map(|r| r.number),
        }))
    }
}

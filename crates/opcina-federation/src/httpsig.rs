//! HTTP Message Signatures (RFC 9421) with Ed25519, the profile nodes sign every federation
//! request and response with.
//!
//! A signature covers a list of components of the message (derived ones such as `@method`,
//! `@authority`, `@path`, `@query`, `@status`, and header fields by their lowercase name) and
//! its parameters (`created`, `expires`, `nonce`, `keyid`, `alg`, `tag`). The covered values are
//! written one a line into the *signature base*, ending with the `@signature-params` line, and
//! the base is signed. The message carries two fields: `Signature-Input` (the components and
//! parameters, under a label) and `Signature` (the signature bytes, under the same label).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sfv::{BareItem, Dictionary, Item, ListEntry, Parser};

/// Why a message could not be signed or its signature could not be verified.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SigError {
    #[error("the message has no {0} to cover")]
    MissingComponent(String),
    #[error("the component {0} is not supported")]
    UnknownComponent(String),
    #[error("no signature labelled {0}")]
    MissingSignature(String),
    #[error("the signature fields are malformed: {0}")]
    Malformed(String),
    #[error("the signature names no key (keyid)")]
    NoKeyId,
    #[error("the key {0} is unknown")]
    UnknownKey(String),
    #[error("the signature does not match the message")]
    BadSignature,
}

/// The parts of an HTTP message a signature can cover.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HttpMessage {
    /// `GET`, `POST` … (requests).
    pub method: String,
    /// Host and port as in the target URI, lowercase (requests).
    pub authority: String,
    /// The target's absolute path, without the query (requests).
    pub path: String,
    /// The query without its `?`, when there is one (requests).
    pub query: Option<String>,
    /// The status code (responses).
    pub status: Option<u16>,
    /// Header fields in the order received (names in any case).
    pub headers: Vec<(String, String)>,
}

impl HttpMessage {
    /// A header field's value as RFC 9421 §2.1 covers it: every line of that name, trimmed,
    /// joined with `, `.
    pub fn header(&self, name: &str) -> Option<String> {
        let values: Vec<&str> = self.headers.iter().filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim()).collect();
        (!values.is_empty()).then(|| values.join(", "))
    }

    /// The value of one covered component.
    pub fn component(&self, name: &str) -> Result<String, SigError> {
        let missing = || SigError::MissingComponent(name.to_string());
        match name {
            "@method" if !self.method.is_empty() => Ok(self.method.clone()),
            "@authority" if !self.authority.is_empty() => Ok(self.authority.to_ascii_lowercase()),
            "@path" if !self.path.is_empty() => Ok(self.path.clone()),
            "@query" => Ok(format!("?{}", self.query.as_deref().unwrap_or(""))),
            "@status" => self.status.map(|s| s.to_string()).ok_or_else(missing),
            "@method" | "@authority" | "@path" => Err(missing()),
            n if n.starts_with('@') => Err(SigError::UnknownComponent(n.to_string())),
            n => self.header(n).ok_or_else(missing),
        }
    }
}

/// A parameter's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    Integer(i64),
    String(String),
}

/// A parameter of a component identifier: `req` (a flag) or `key="…"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComponentParam {
    Flag,
    String(String),
}

/// A covered component: its name and parameters, e.g. `"signature";req;key="opcina"` (the
/// request's signature, covered by a response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentId {
    pub name: String,
    pub params: Vec<(String, ComponentParam)>,
}

impl ComponentId {
    pub fn plain(name: &str) -> Self {
        ComponentId { name: name.to_ascii_lowercase(), params: Vec::new() }
    }

    /// A member of a dictionary field of the request this message answers.
    pub fn request_member(field: &str, key: &str) -> Self {
        ComponentId {
            name: field.to_ascii_lowercase(),
            params: vec![("req".into(), ComponentParam::Flag), ("key".into(), ComponentParam::String(key.into()))],
        }
    }

    fn flag(&self, name: &str) -> bool {
        self.params.iter().any(|(n, v)| n == name && *v == ComponentParam::Flag)
    }

    fn string(&self, name: &str) -> Option<&str> {
        self.params.iter().find_map(|(n, v)| match v {
            ComponentParam::String(s) if n == name => Some(s.as_str()),
            _ => None,
        })
    }

    pub fn serialize(&self) -> String {
        let mut out = sf_string(&self.name);
        for (name, value) in &self.params {
            out.push(';');
            out.push_str(name);
            if let ComponentParam::String(s) = value {
                out.push('=');
                out.push_str(&sf_string(s));
            }
        }
        out
    }
}

/// What a signature covers and its parameters, in the order they are serialised.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignatureParams {
    pub components: Vec<ComponentId>,
    pub params: Vec<(String, ParamValue)>,
}

impl SignatureParams {
    pub fn new(components: &[&str]) -> Self {
        SignatureParams { components: components.iter().map(|c| ComponentId::plain(c)).collect(), params: Vec::new() }
    }

    /// Also covers a component with parameters.
    pub fn covering(mut self, component: ComponentId) -> Self {
        self.components.push(component);
        self
    }

    /// Whether a plain component (no parameters) is covered.
    pub fn covers(&self, name: &str) -> bool {
        self.components.iter().any(|c| c.name == name && c.params.is_empty())
    }

    pub fn int(mut self, name: &str, value: i64) -> Self {
        self.params.push((name.to_string(), ParamValue::Integer(value)));
        self
    }

    pub fn string(mut self, name: &str, value: &str) -> Self {
        self.params.push((name.to_string(), ParamValue::String(value.to_string())));
        self
    }

    pub fn get_int(&self, name: &str) -> Option<i64> {
        self.params.iter().find_map(|(n, v)| match v {
            ParamValue::Integer(i) if n == name => Some(*i),
            _ => None,
        })
    }

    pub fn get_str(&self, name: &str) -> Option<&str> {
        self.params.iter().find_map(|(n, v)| match v {
            ParamValue::String(s) if n == name => Some(s.as_str()),
            _ => None,
        })
    }

    /// The inner list with its parameters, as Structured Fields serialise it (RFC 8941).
    pub fn serialize(&self) -> String {
        let mut out = String::from("(");
        out.push_str(&self.components.iter().map(ComponentId::serialize).collect::<Vec<_>>().join(" "));
        out.push(')');
        for (name, value) in &self.params {
            out.push(';');
            out.push_str(name);
            out.push('=');
            match value {
                ParamValue::Integer(i) => out.push_str(&i.to_string()),
                ParamValue::String(s) => out.push_str(&sf_string(s)),
            }
        }
        out
    }
}

fn sf_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// The value of a covered component: taken from the related request when it has `req`, and
/// for `key="…"` the member of a dictionary field (`signature`, `signature-input`).
fn component_value(message: &HttpMessage, request: Option<&HttpMessage>, c: &ComponentId) -> Result<String, SigError> {
    let source = if c.flag("req") { request.ok_or_else(|| SigError::MissingComponent(c.serialize()))? } else { message };
    match c.string("key") {
        None => source.component(&c.name),
        Some(key) => {
            let field = source.header(&c.name).ok_or_else(|| SigError::MissingComponent(c.serialize()))?;
            let missing = || SigError::MissingComponent(c.serialize());
            match c.name.as_str() {
                "signature" => parse_signature(&field)?
                    .into_iter()
                    .find_map(|(k, v)| (k == key).then(|| format!(":{}:", STANDARD.encode(v))))
                    .ok_or_else(missing),
                "signature-input" => {
                    parse_signature_input(&field)?.into_iter().find_map(|(k, v)| (k == key).then(|| v.serialize())).ok_or_else(missing)
                }
                _ => Err(SigError::UnknownComponent(c.serialize())),
            }
        }
    }
}

/// The signature base (RFC 9421 §2.5): one line per covered component, then the parameters.
pub fn signature_base(message: &HttpMessage, params: &SignatureParams) -> Result<String, SigError> {
    signature_base_for(message, None, params)
}

/// The signature base of a response that may cover components of its request (`req`).
pub fn signature_base_for(message: &HttpMessage, request: Option<&HttpMessage>, params: &SignatureParams) -> Result<String, SigError> {
    let mut base = String::new();
    for c in &params.components {
        let value = component_value(message, request, c)?;
        base.push_str(&format!("{}: {value}\n", c.serialize()));
    }
    base.push_str(&format!("\"@signature-params\": {}", params.serialize()));
    Ok(base)
}

/// The two fields a signed message carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignatureFields {
    /// The value of `Signature-Input`.
    pub input: String,
    /// The value of `Signature`.
    pub signature: String,
}

/// Signs a message: the `Signature-Input` and `Signature` values under `label`.
pub fn sign(key: &SigningKey, label: &str, message: &HttpMessage, params: &SignatureParams) -> Result<SignatureFields, SigError> {
    sign_for(key, label, message, None, params)
}

/// Signs a response that may cover components of its request.
pub fn sign_for(
    key: &SigningKey,
    label: &str,
    message: &HttpMessage,
    request: Option<&HttpMessage>,
    params: &SignatureParams,
) -> Result<SignatureFields, SigError> {
    let base = signature_base_for(message, request, params)?;
    let signature = key.sign(base.as_bytes());
    Ok(SignatureFields {
        input: format!("{label}={}", params.serialize()),
        signature: format!("{label}=:{}:", STANDARD.encode(signature.to_bytes())),
    })
}

/// Verifies the signature labelled `label`: finds the key by the signature's `keyid`,
/// rebuilds the base from the message and checks the signature. Returns the parameters (for
/// the caller's own checks: times, nonce, required components).
pub fn verify(
    message: &HttpMessage,
    signature_input: &str,
    signature: &str,
    label: &str,
    key_for: impl Fn(&str) -> Option<VerifyingKey>,
) -> Result<SignatureParams, SigError> {
    verify_for(message, None, signature_input, signature, label, key_for)
}

/// Verifies a response's signature, which may cover components of `request`.
pub fn verify_for(
    message: &HttpMessage,
    request: Option<&HttpMessage>,
    signature_input: &str,
    signature: &str,
    label: &str,
    key_for: impl Fn(&str) -> Option<VerifyingKey>,
) -> Result<SignatureParams, SigError> {
    let params = parse_signature_input(signature_input)?
        .into_iter()
        .find_map(|(l, p)| (l == label).then_some(p))
        .ok_or_else(|| SigError::MissingSignature(label.to_string()))?;
    let bytes = parse_signature(signature)?
        .into_iter()
        .find_map(|(l, b)| (l == label).then_some(b))
        .ok_or_else(|| SigError::MissingSignature(label.to_string()))?;
    let keyid = params.get_str("keyid").ok_or(SigError::NoKeyId)?;
    let key = key_for(keyid).ok_or_else(|| SigError::UnknownKey(keyid.to_string()))?;
    let bytes: [u8; 64] = bytes.try_into().map_err(|_| SigError::Malformed("an Ed25519 signature has 64 bytes".into()))?;
    let base = signature_base_for(message, request, &params)?;
    key.verify(base.as_bytes(), &Signature::from_bytes(&bytes)).map_err(|_| SigError::BadSignature)?;
    Ok(params)
}

/// A Structured Field dictionary (RFC 9651), as both signature fields are.
fn dictionary(field: &str) -> Result<Dictionary, SigError> {
    Parser::new(field).parse::<Dictionary>().map_err(|e| SigError::Malformed(e.to_string()))
}

/// A signature parameter: `created`, `expires` (integers), `keyid`, `nonce`, `alg`, `tag`
/// (strings).
fn param_value(value: &BareItem) -> Result<ParamValue, SigError> {
    match value {
        BareItem::Integer(i) => Ok(ParamValue::Integer(i64::from(*i))),
        BareItem::String(s) => Ok(ParamValue::String(s.as_str().to_string())),
        _ => Err(SigError::Malformed("a signature parameter is an integer or a string".into())),
    }
}

/// A component identifier's parameter: a flag (`req`) or a string (`key="…"`).
fn component_param(value: &BareItem) -> Result<ComponentParam, SigError> {
    match value {
        BareItem::Boolean(true) => Ok(ComponentParam::Flag),
        BareItem::String(s) => Ok(ComponentParam::String(s.as_str().to_string())),
        _ => Err(SigError::Malformed("a component's parameter is a flag or a string".into())),
    }
}

fn component(item: &Item) -> Result<ComponentId, SigError> {
    let name = item.bare_item.as_string().ok_or_else(|| SigError::Malformed("a covered component is named by a string".into()))?;
    let params = item.params.iter().map(|(k, v)| Ok((k.as_str().to_string(), component_param(v)?))).collect::<Result<_, SigError>>()?;
    Ok(ComponentId { name: name.as_str().to_string(), params })
}

/// The members of a `Signature-Input` field.
pub fn parse_signature_input(field: &str) -> Result<Vec<(String, SignatureParams)>, SigError> {
    dictionary(field)?
        .into_iter()
        .map(|(label, member)| {
            let ListEntry::InnerList(list) = member else {
                return Err(SigError::Malformed(format!("the member {} of Signature-Input is not an inner list", label.as_str())));
            };
            let components = list.items.iter().map(component).collect::<Result<_, _>>()?;
            let params = list.params.iter().map(|(k, v)| Ok((k.as_str().to_string(), param_value(v)?))).collect::<Result<_, SigError>>()?;
            Ok((label.as_str().to_string(), SignatureParams { components, params }))
        })
        .collect()
}

/// The members of a `Signature` field.
pub fn parse_signature(field: &str) -> Result<Vec<(String, Vec<u8>)>, SigError> {
    dictionary(field)?
        .into_iter()
        .map(|(label, member)| match member {
            ListEntry::Item(Item { bare_item: BareItem::ByteSequence(bytes), .. }) => Ok((label.as_str().to_string(), bytes)),
            _ => Err(SigError::Malformed(format!("the member {} of Signature is not a byte sequence", label.as_str()))),
        })
        .collect()
}

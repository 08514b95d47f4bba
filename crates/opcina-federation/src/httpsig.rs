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

/// A small reader of the Structured Field dictionaries these two fields are (RFC 8941):
/// members `label=(…);params` and `label=:base64:`.
struct Reader<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn new(s: &'a str) -> Self {
        Reader { s: s.as_bytes(), i: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), SigError> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(SigError::Malformed(format!("expected '{}' at {}", char::from(c), self.i)))
        }
    }

    fn key(&mut self) -> Result<String, SigError> {
        let start = self.i;
        while let Some(c) = self.peek() {
            if c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'_' | b'-' | b'.' | b'*') {
                self.i += 1;
            } else {
                break;
            }
        }
        if start == self.i || !self.s[start].is_ascii_lowercase() && self.s[start] != b'*' {
            return Err(SigError::Malformed(format!("expected a key at {start}")));
        }
        Ok(String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    fn string(&mut self) -> Result<String, SigError> {
        self.expect(b'"')?;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                Some(b'\\') => {
                    self.i += 1;
                    match self.peek() {
                        Some(c @ (b'"' | b'\\')) => {
                            out.push(c);
                            self.i += 1;
                        }
                        _ => return Err(SigError::Malformed("bad escape in a string".into())),
                    }
                }
                Some(b'"') => {
                    self.i += 1;
                    return String::from_utf8(out).map_err(|_| SigError::Malformed("a string is not UTF-8".into()));
                }
                Some(c) if (0x20..0x7f).contains(&c) => {
                    out.push(c);
                    self.i += 1;
                }
                _ => return Err(SigError::Malformed("unterminated string".into())),
            }
        }
    }

    fn integer(&mut self) -> Result<i64, SigError> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.i += 1;
        }
        std::str::from_utf8(&self.s[start..self.i])
            .ok()
            .and_then(|t| t.parse().ok())
            .ok_or_else(|| SigError::Malformed(format!("expected an integer at {start}")))
    }

    fn params(&mut self) -> Result<Vec<(String, ParamValue)>, SigError> {
        let mut out = Vec::new();
        while self.peek() == Some(b';') {
            self.i += 1;
            self.skip_spaces();
            let name = self.key()?;
            self.expect(b'=')?;
            let value = if self.peek() == Some(b'"') { ParamValue::String(self.string()?) } else { ParamValue::Integer(self.integer()?) };
            out.push((name, value));
        }
        Ok(out)
    }

    fn inner_list(&mut self) -> Result<SignatureParams, SigError> {
        self.expect(b'(')?;
        let mut components = Vec::new();
        loop {
            self.skip_spaces();
            if self.peek() == Some(b')') {
                self.i += 1;
                break;
            }
            let name = self.string()?;
            let mut params = Vec::new();
            while self.peek() == Some(b';') {
                self.i += 1;
                let key = self.key()?;
                if self.peek() == Some(b'=') {
                    self.i += 1;
                    params.push((key, ComponentParam::String(self.string()?)));
                } else {
                    params.push((key, ComponentParam::Flag));
                }
            }
            components.push(ComponentId { name, params });
            if !matches!(self.peek(), Some(b' ' | b')')) {
                return Err(SigError::Malformed("items of an inner list are separated by spaces".into()));
            }
        }
        Ok(SignatureParams { components, params: self.params()? })
    }

    fn bytes(&mut self) -> Result<Vec<u8>, SigError> {
        self.expect(b':')?;
        let start = self.i;
        while self.peek().is_some_and(|c| c != b':') {
            self.i += 1;
        }
        let text = std::str::from_utf8(&self.s[start..self.i]).map_err(|_| SigError::Malformed("bad byte sequence".into()))?;
        self.expect(b':')?;
        STANDARD.decode(text).map_err(|_| SigError::Malformed("a byte sequence is not base64".into()))
    }

    /// Reads `key=<item>` members separated by commas.
    fn dictionary<T>(&mut self, mut item: impl FnMut(&mut Self) -> Result<T, SigError>) -> Result<Vec<(String, T)>, SigError> {
        let mut out = Vec::new();
        loop {
            self.skip_spaces();
            if self.peek().is_none() {
                return Ok(out);
            }
            let key = self.key()?;
            self.expect(b'=')?;
            out.push((key, item(self)?));
            self.skip_spaces();
            match self.peek() {
                None => return Ok(out),
                Some(b',') => self.i += 1,
                Some(_) => return Err(SigError::Malformed(format!("expected ',' at {}", self.i))),
            }
        }
    }
}

/// The members of a `Signature-Input` field.
pub fn parse_signature_input(field: &str) -> Result<Vec<(String, SignatureParams)>, SigError> {
    Reader::new(field).dictionary(Reader::inner_list)
}

/// The members of a `Signature` field.
pub fn parse_signature(field: &str) -> Result<Vec<(String, Vec<u8>)>, SigError> {
    Reader::new(field).dictionary(|r| {
        let bytes = r.bytes()?;
        r.params()?;
        Ok(bytes)
    })
}

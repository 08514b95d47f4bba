//! The bodies the federation's services exchange (JSON). Every request carries its context:
//! who asks (member, office, official), about whom, why and on what legal basis, under which
//! case number — what the provider authorises on and writes into its own access log.

use opcina_core::FieldError;
use opcina_core::extract::{ExtractRequest, Relation};
use opcina_core::registry::PersonRecords;
use serde::{Deserialize, Serialize};

/// The path of a service's endpoint.
pub fn path(service: &str) -> String {
    format!("/federation/v1/{service}")
}

/// Who asks and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Context {
    /// The requesting member's code (must be the signer's).
    pub member: String,
    /// The requesting office's code and name.
    pub office: String,
    pub office_name: String,
    /// The official's username on the requesting node, and full name.
    pub username: String,
    pub official: String,
    /// What the data is for (as the citizen stated it).
    pub purpose: String,
    /// The legal basis: the requester's relation to the person under Art. 64 of the Law on
    /// Registers (`self`, `parent`, …).
    pub legal_basis: String,
    /// The requesting office's case or request number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_number: Option<String>,
}

impl Context {
    /// The provider's first check of a request: the context is the signer's own and names
    /// its office, official and purpose. Refusals are the federation's (403 on the wire).
    pub fn check(&self, signer: &str) -> Result<(), FieldError> {
        if self.member != signer {
            return Err(FieldError::general(
                "federation.context_mismatch",
                format!("the request is signed by {signer} but claims {}", self.member),
            ));
        }
        if self.purpose.trim().is_empty() || self.official.trim().is_empty() || self.office.trim().is_empty() {
            return Err(FieldError::general("federation.context_incomplete", "every request names its office, official and purpose"));
        }
        Ok(())
    }

    /// Whether the context is a legal basis for reading the registers: a relation under
    /// Art. 64 other than "anyone else" (deny by default); returns the relation.
    pub fn authorise(&self, signer: &str) -> Result<Relation, FieldError> {
        self.check(signer)?;
        match Relation::parse(&self.legal_basis) {
            Some(Relation::Other) | None => Err(FieldError::general(
                "federation.no_legal_basis",
                format!("{:?} is not a legal basis for reading the registers", self.legal_basis),
            )),
            Some(relation) => Ok(relation),
        }
    }
}

/// *locate*: does the member hold entries of this person?
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocateQuery {
    pub context: Context,
    pub jmbg: String,
}

/// The answer to *locate*: no personal data, only whether and in which registers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocateAnswer {
    pub member: String,
    pub holds: bool,
    /// Register codes holding an entry of the person (`MKR`, `MKV`, `MKU`).
    pub registers: Vec<String>,
}

/// *entry for extract*: the records of the person a document is to be drawn from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryQuery {
    pub context: Context,
    /// The document asked for, with the requester and relation, as the counter took it.
    pub request: ExtractRequest,
}

/// The holder's answer: the person's records at its journal position.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryAnswer {
    pub member: String,
    pub municipality: String,
    pub position: i64,
    pub records: PersonRecords,
}

/// A refusal by the provider: a stable code and a message (the JSON API's error shape).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    pub error: FailureBody,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureBody {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl Failure {
    pub fn new(code: &str, message: impl Into<String>) -> Failure {
        Failure { error: FailureBody { code: code.to_string(), message: message.into(), field: None } }
    }
}

/// The legal basis of an annotation notice: the registrar's duty to notify the municipality
/// keeping the birth entry of a marriage or death registered elsewhere.
pub const NOTICE_BASIS: &str = "notification";

/// *annotation notice*: an annotation for the birth entry of a person the holder keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeMessage {
    pub context: Context,
    /// The sender's code and outbox id (`KAK:1234`): the same notice sent again has the same
    /// id, and the holder applies it once.
    pub notice_id: String,
    pub jmbg: String,
    pub annotation: opcina_core::registry::annotation::Annotation,
}

/// The holder's receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub notice_id: String,
    pub member: String,
    /// `applied`, or `queued` for the holder's registrar (with the reason).
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotation_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// A member's checkpoint of its journal, sent to its peers to keep as witnesses
/// ([`opcina_core::checkpoint`]): the statement as signed, and the signature in hex.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointMessage {
    pub statement: String,
    pub signature: String,
}

/// A witness's answer to a checkpoint: what it now holds of the sender.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointReceipt {
    /// The witness.
    pub member: String,
    /// The position of the checkpoint kept.
    pub seq: i64,
    /// How it follows the one held before: `forward`, `same`, `backward` or `fork`.
    pub sequel: String,
}

/// A witness's answer to *checkpoint-held*: the latest checkpoint of the asker it keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldCheckpoint {
    /// The witness.
    pub member: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint: Option<CheckpointMessage>,
}

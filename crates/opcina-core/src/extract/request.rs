//! A request for an extract or certificate: who asks, in what relation to the person, and
//! why (Art. 64 of the FBiH Law on Civil Registers: the person, a proxy, the narrow and the
//! wider family, an adopter or a guardian may get one; others are refused by a decision).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::kind::{ExtractKind, Language};
use crate::jmbg::Jmbg;
use crate::names::Script;

/// The requester's relation to the person the document is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Relation {
    /// The person themself.
    #[serde(rename = "self")]
    Myself,
    /// A proxy with a power of attorney (punomoćnik).
    Proxy,
    /// Spouse (bračni drug).
    Spouse,
    /// Extramarital partner (vanbračni partner): shown by a document, not by the registers.
    ExtramaritalPartner,
    /// The requester is the person's child (also adopted).
    Child,
    /// The requester is the person's stepchild.
    Stepchild,
    /// The requester is the person's parent (also adoptive).
    Parent,
    /// Step-parent (očuh, maćeha).
    StepParent,
    Grandchild,
    Grandparent,
    Sibling,
    /// Guardian (staratelj), on a decision of the social-welfare centre.
    Guardian,
    /// Anyone else: not entitled under Art. 64.
    Other,
}

/// How a relation can be established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// From the identity document the official saw.
    Identity,
    /// From the registers (the requester's JMBG is needed).
    Registers,
    /// From a document the requester shows (power of attorney, decision on guardianship, …),
    /// whose reference is recorded.
    Document,
    /// Not entitled.
    None,
}

impl Relation {
    pub const ALL: [Relation; 13] = [
        Relation::Myself,
        Relation::Proxy,
        Relation::Spouse,
        Relation::ExtramaritalPartner,
        Relation::Child,
        Relation::Stepchild,
        Relation::Parent,
        Relation::StepParent,
        Relation::Grandchild,
        Relation::Grandparent,
        Relation::Sibling,
        Relation::Guardian,
        Relation::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Myself => "self",
            Relation::Proxy => "proxy",
            Relation::Spouse => "spouse",
            Relation::ExtramaritalPartner => "extramarital-partner",
            Relation::Child => "child",
            Relation::Stepchild => "stepchild",
            Relation::Parent => "parent",
            Relation::StepParent => "step-parent",
            Relation::Grandchild => "grandchild",
            Relation::Grandparent => "grandparent",
            Relation::Sibling => "sibling",
            Relation::Guardian => "guardian",
            Relation::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Relation> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        Relation::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn proof(self) -> Proof {
        match self {
            Relation::Myself => Proof::Identity,
            Relation::Spouse | Relation::Child | Relation::Parent | Relation::Grandchild | Relation::Grandparent | Relation::Sibling => {
                Proof::Registers
            }
            Relation::Proxy | Relation::ExtramaritalPartner | Relation::Stepchild | Relation::StepParent | Relation::Guardian => {
                Proof::Document
            }
            Relation::Other => Proof::None,
        }
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who asks for the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Requester {
    /// The requester's name as on their identity document.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jmbg: Option<Jmbg>,
    /// The identity document shown (kind and number), when there is no JMBG.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The document that shows a relation the registers cannot (power of attorney,
    /// decision on guardianship, …): kind, number, issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// A request for one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExtractRequest {
    pub kind: ExtractKind,
    /// The person the document is about.
    pub jmbg: Jmbg,
    /// Which entry, when the person has several in the register (two marriages, say);
    /// the latest when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<i64>,
    pub language: Language,
    pub script: Script,
    pub requester: Requester,
    pub relation: Relation,
    /// What the document is for (`pension`, `school enrolment`, …); fee exemptions are by
    /// purpose.
    pub purpose: String,
}

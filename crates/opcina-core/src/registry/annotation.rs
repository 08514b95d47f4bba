//! Annotations — "naknadni upisi i zabilješke", subsequent entries and notes. Every change
//! after an entry is concluded is an annotation carrying its legal basis (the act, who issued
//! it, its number and date), the date it takes legal effect and when it was recorded.
//! Annotations are printed on every extract (they are part of it).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::entry::ParentData;
use super::types::{Place, Register, Timestamp};
use crate::jmbg::Jmbg;

/// The act an annotation rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LegalBasis {
    /// Kind of act, e.g. `rješenje`, `presuda`, `zapisnik o vjenčanju`.
    pub act: String,
    /// The body that issued it, e.g. `Općinski sud u Zenici`.
    pub issuer: String,
    /// The act's number, e.g. `43 0 P 123456 24 P`.
    pub number: String,
    /// The act's date.
    pub date: NaiveDate,
}

/// Where the event an annotation refers to is registered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventRef {
    /// The entry on this node, when the event is registered here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_id: Option<i64>,
    /// The municipality whose register holds the event.
    pub municipality: String,
    /// How the entry is cited, e.g. `MKV 12/2024, KAK`.
    pub reference: String,
}

/// A person named in an annotation (a spouse, say).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jmbg: Option<Jmbg>,
    pub given_name: String,
    pub surname: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MarriageEndReason {
    Divorce,
    Annulment,
    SpouseDeath,
}

/// What an annotation records.
#[allow(clippy::large_enum_variant)] // a few per person; boxing would only obscure the API
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AnnotationContent {
    /// The person married (on a birth entry).
    Marriage {
        marriage: EventRef,
        spouse: PersonRef,
        surname_after: String,
    },
    /// A marriage ended: divorce, annulment, or the death of a spouse.
    MarriageEnded {
        marriage: EventRef,
        reason: MarriageEndReason,
        /// The surname the person takes after a divorce or annulment, when it changes.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        surname_after: Option<String>,
        /// Which spouse, when the annotation is on a marriage entry.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        spouse: Option<PersonRef>,
    },
    /// The person died.
    Death {
        death: EventRef,
        date: NaiveDate,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        place: Option<Place>,
    },
    /// Change of personal name, by decision.
    NameChange {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        given_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        surname: Option<String>,
    },
    /// Recognition or establishment of paternity.
    PaternityRecognized {
        father: ParentData,
    },
    /// Adoption, with the new name when it changes.
    Adoption {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        given_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        surname: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        adoptive_mother: Option<ParentData>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        adoptive_father: Option<ParentData>,
    },
    CitizenshipAcquired {
        citizenship: String,
    },
    CitizenshipLost {
        citizenship: String,
    },
    /// Correction of an error in the entry, by decision: `field` is the path of the
    /// corrected field in the entry's data (e.g. `child.given_name`).
    Correction {
        field: String,
        old_value: String,
        new_value: String,
    },
}

impl AnnotationContent {
    /// Stable name of the kind, as stored and as in the API.
    pub fn kind(&self) -> &'static str {
        match self {
            AnnotationContent::Marriage { .. } => "marriage",
            AnnotationContent::MarriageEnded { .. } => "marriage_ended",
            AnnotationContent::Death { .. } => "death",
            AnnotationContent::NameChange { .. } => "name_change",
            AnnotationContent::PaternityRecognized { .. } => "paternity_recognized",
            AnnotationContent::Adoption { .. } => "adoption",
            AnnotationContent::CitizenshipAcquired { .. } => "citizenship_acquired",
            AnnotationContent::CitizenshipLost { .. } => "citizenship_lost",
            AnnotationContent::Correction { .. } => "correction",
        }
    }

    /// May this kind of annotation be made on an entry of `register`?
    pub fn allowed_on(&self, register: Register) -> bool {
        use AnnotationContent as A;
        match register {
            Register::Births => !matches!(self, A::MarriageEnded { reason: MarriageEndReason::SpouseDeath, .. }),
            Register::Citizens => matches!(self, A::CitizenshipLost { .. } | A::NameChange { .. } | A::Death { .. } | A::Correction { .. }),
            Register::Marriages => matches!(self, A::MarriageEnded { .. } | A::Correction { .. }),
            Register::Deaths => matches!(self, A::Correction { .. }),
        }
    }
}

/// An annotation as made by a registrar: what, on which legal basis, effective when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Annotation {
    #[serde(flatten)]
    pub content: AnnotationContent,
    pub legal_basis: LegalBasis,
    /// The date from which the change holds legally.
    pub effective_date: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An annotation as stored on an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AnnotationRecord {
    pub id: i64,
    pub entry_id: i64,
    #[serde(flatten)]
    pub annotation: Annotation,
    pub recorded_at: Timestamp,
    pub office: String,
    pub recorded_by: String,
    /// The entry on this node whose registration made this annotation (a marriage entry
    /// annotating the spouses' birth entries, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cause_entry_id: Option<i64>,
}

//! Annotations — "naknadni upisi i zabilješke", subsequent entries and notes. Every change
//! after an entry is concluded is an annotation carrying its legal basis (the act, who issued
//! it, its number and date), the date it takes legal effect and when it was recorded.
//! Annotations are printed on every extract (they are part of it).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::entry::ParentData;
use super::types::{Place, Register, Sex, Timestamp};
use crate::jmbg::Jmbg;

/// The act an annotation rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct LegalBasis {
    /// Kind of act, by its code or by its name as documents print it (stored by its name):
    /// `decision` (rješenje), `court_decision` (rješenje suda), `judgment` (presuda),
    /// `foreign_document`, `birth_extract`, `name_change_decision`, `correction_decision`,
    /// `adoption_decision`, `citizenship_decision`, `divorce_judgment`, `annulment_judgment`,
    /// `sex_change_decision`, `paternity_judgment`, `paternity_record`, `marriage_record`, `marriage_extract`,
    /// `death_extract`, `death_entry`, `citizens_entry`, `late_registration_decision`,
    /// `competence_decision`. It must be one that can ground the
    /// change (a divorce judgment is no basis for a change of name).
    pub act: String,
    /// The body that issued it, e.g. `Općinski sud u Zenici`.
    pub issuer: String,
    /// The act's number, e.g. `43 0 P 123456 24 P`.
    pub number: String,
    /// The act's date.
    pub date: NaiveDate,
}

/// A kind of act a change to the registers may rest on: its stable code (the API's and the
/// forms' value), its name as documents print it, and what it can be the basis of — kinds of
/// annotation, `court_permission` (a minor's marriage) or `citizenship` (an entry in the
/// citizens' register); `*` for anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActKind {
    pub code: &'static str,
    pub name: &'static str,
    pub grounds: &'static [&'static str],
}

const ANY: &[&str] = &["*"];

/// Every kind of act the registers accept, general ones first.
pub const ACT_KINDS: &[ActKind] = &[
    ActKind { code: "decision", name: "rješenje", grounds: ANY },
    ActKind { code: "court_decision", name: "rješenje suda", grounds: ANY },
    ActKind { code: "judgment", name: "presuda", grounds: ANY },
    ActKind { code: "foreign_document", name: "strana javna isprava", grounds: ANY },
    ActKind {
        code: "birth_extract",
        name: "izvod iz matične knjige rođenih",
        grounds: &["correction", "adoption", "citizenship_acquired"],
    },
    ActKind { code: "name_change_decision", name: "rješenje o promjeni ličnog imena", grounds: &["name_change"] },
    ActKind { code: "correction_decision", name: "rješenje o ispravci greške", grounds: &["correction", "identity_correction"] },
    ActKind { code: "sex_change_decision", name: "rješenje o promjeni spola", grounds: &["identity_correction"] },
    ActKind { code: "adoption_decision", name: "rješenje o usvojenju", grounds: &["adoption"] },
    ActKind {
        code: "citizenship_decision",
        name: "rješenje o državljanstvu",
        grounds: &["citizenship_acquired", "citizenship_lost", "citizenship"],
    },
    ActKind { code: "divorce_judgment", name: "presuda o razvodu braka", grounds: &["marriage_ended"] },
    ActKind { code: "annulment_judgment", name: "presuda o poništenju braka", grounds: &["marriage_ended"] },
    ActKind { code: "paternity_judgment", name: "presuda o utvrđivanju očinstva", grounds: &["paternity_recognized"] },
    ActKind { code: "paternity_record", name: "zapisnik o priznanju očinstva", grounds: &["paternity_recognized"] },
    ActKind { code: "marriage_record", name: "zapisnik o zaključenju braka", grounds: &["marriage"] },
    ActKind { code: "marriage_extract", name: "izvod iz matične knjige vjenčanih", grounds: &["marriage", "marriage_ended"] },
    ActKind { code: "death_extract", name: "izvod iz matične knjige umrlih", grounds: &["death", "marriage_ended"] },
    ActKind { code: "death_entry", name: "upis u matičnu knjigu umrlih", grounds: &["death", "marriage_ended"] },
    ActKind { code: "citizens_entry", name: "upis u matičnu knjigu državljana", grounds: &["citizenship_acquired"] },
    ActKind { code: "late_registration_decision", name: "rješenje o naknadnom upisu", grounds: &["late_registration"] },
    ActKind { code: "competence_decision", name: "rješenje o određivanju nadležnosti", grounds: &["competence"] },
];

impl ActKind {
    /// The kind named by `text`, its code or its name, whatever the case and spacing.
    pub fn find(text: &str) -> Option<&'static ActKind> {
        let wanted = text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        ACT_KINDS.iter().find(|k| k.code == wanted || k.name == wanted)
    }

    /// Can an act of this kind be the basis of `ground` (a kind of annotation, say)?
    pub fn grounds(&self, ground: &str) -> bool {
        self.grounds.iter().any(|g| *g == "*" || *g == ground)
    }
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
    /// Adoption, with the new name when it changes. A **full** adoption (potpuno usvojenje)
    /// makes the adopters the child's parents: the entry as it stands names them in the
    /// parents' place, documents do not print the adoption or the biological parents, and
    /// the biological parents stop being the child's parents for who may get a document. An
    /// incomplete adoption adds the adopters beside the parents and is printed as an
    /// annotation. *[verify: FBiH Porodični zakon, potpuno i nepotpuno usvojenje]*
    Adoption {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        given_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        surname: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        adoptive_mother: Option<ParentData>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        adoptive_father: Option<ParentData>,
        /// Full adoption; absent (false) in annotations recorded before it was asked, which
        /// keeps their stored form and the documents issued from them unchanged.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        full: bool,
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
    /// The sex or the date of birth corrected (or the sex changed) by decision, on a birth
    /// entry. Both are encoded in the JMBG, so the person gets a new one: the registrar gives
    /// the sex and the date of birth as they are to read, the node assigns the new JMBG from
    /// its serials and records it with the one it replaces (cancelled, never reused).
    IdentityCorrection {
        sex: Sex,
        birth_date: NaiveDate,
        /// The JMBG replaced; set by the node when the annotation is recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        old_jmbg: Option<Jmbg>,
        /// The JMBG assigned; set by the node when the annotation is recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        new_jmbg: Option<Jmbg>,
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
            AnnotationContent::IdentityCorrection { .. } => "identity_correction",
        }
    }

    /// Does the change take effect only once its act is made (a change of name, a divorce),
    /// rather than from a date the act establishes (paternity, a death, a correction)?
    pub fn follows_its_act(&self) -> bool {
        use AnnotationContent as A;
        matches!(self, A::NameChange { .. } | A::Adoption { .. } | A::MarriageEnded { .. } | A::CitizenshipLost { .. })
    }

    /// A full adoption: the adopters take the parents' place and the adoption is not
    /// disclosed on documents.
    pub fn is_full_adoption(&self) -> bool {
        matches!(self, AnnotationContent::Adoption { full: true, .. })
    }

    /// A change of the JMBG: the number replaced and the one that replaces it.
    pub fn jmbg_change(&self) -> Option<(&Jmbg, &Jmbg)> {
        match self {
            AnnotationContent::IdentityCorrection { old_jmbg: Some(old), new_jmbg: Some(new), .. } => Some((old, new)),
            _ => None,
        }
    }

    /// Is the annotation left off documents? A full adoption (the adopters stand in the
    /// parents' place) and a change of sex (the former sex, and the former JMBG that encodes
    /// it, are the registrar's to read, not every reader's) *[verify: FBiH Zakon o matičnim
    /// knjigama, upis promjene spola]*. A corrected date of birth is printed.
    pub fn undisclosed(&self) -> bool {
        match self {
            AnnotationContent::Adoption { full: true, .. } => true,
            AnnotationContent::IdentityCorrection { sex, old_jmbg, .. } => old_jmbg.as_ref().is_none_or(|old| old.sex() != *sex),
            _ => false,
        }
    }

    /// May this kind of annotation be made on an entry of `register`?
    pub fn allowed_on(&self, register: Register) -> bool {
        use AnnotationContent as A;
        match register {
            Register::Births => !matches!(self, A::MarriageEnded { reason: MarriageEndReason::SpouseDeath, .. }),
            // The JMBG is assigned with the birth entry, and corrected on it.
            _ if matches!(self, A::IdentityCorrection { .. }) => false,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_api_documentation_lists_every_kind_of_act() {
        let documented = include_str!("annotation.rs");
        for kind in ACT_KINDS {
            assert!(documented.contains(&format!("`{}`", kind.code)), "{} is not in LegalBasis::act's documentation", kind.code);
            assert_eq!(ActKind::find(kind.name), Some(kind));
            assert_eq!(ActKind::find(&kind.code.to_uppercase()), Some(kind));
        }
    }
}

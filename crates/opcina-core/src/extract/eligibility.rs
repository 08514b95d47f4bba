//! Who may get an extract (Art. 64 of the FBiH Law on Civil Registers). The relation a
//! requester states is checked against the registers where they can show it — a parent, a
//! child, a spouse, a sibling, a grandparent — and otherwise rests on a document whose
//! reference is recorded. A requester without a legal relation, or whose stated relation
//! the registers contradict, is refused by a reasoned decision.

use serde::{Deserialize, Serialize};

use super::request::{ExtractRequest, Proof, Relation};
use crate::error::{FieldError, Problems, Refusal};
use crate::jmbg::Jmbg;
use crate::registry::PersonView;
use crate::registry::person::Relative;

/// The article a refusal rests on.
pub const LEGAL_BASIS: &str = "čl. 64. Zakona o matičnim knjigama (Službene novine FBiH 37/12, 80/14)";

/// The basis of a refusal because the registers do not bear out what a certificate would
/// certify (a death, a marriage, no citizenship) *[verify: the article]*.
pub const STATE_BASIS: &str = "Zakonu o matičnim knjigama (Službene novine FBiH 37/12, 80/14)";

/// How the relation was established, as recorded with the issued document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "by", content = "reference")]
pub enum Established {
    /// The official checked the requester's identity document.
    Identity,
    /// The registers show the relation.
    Registers,
    /// A document shown by the requester (its reference).
    Document(String),
}

/// Why a request is turned down by a decision (as opposed to being incomplete).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Denial {
    /// Stable code: `extract.no_legal_relation`, `extract.relation_not_confirmed`.
    pub code: String,
    /// The reasoning, in English; the decision prints it in the request's language.
    pub reason: String,
}

/// The answer to "may this requester get this document?".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eligibility {
    Entitled(Established),
    /// The request is incomplete or malformed: fix and ask again (no decision is made).
    Incomplete(Refusal),
    /// Refused by a decision.
    Denied(Denial),
}

/// Checks the form of a request: what must be there whatever the relation.
pub fn check_form(request: &ExtractRequest) -> Result<(), Refusal> {
    let mut p = Problems::new();
    if request.requester.name.trim().is_empty() {
        p.push(FieldError::new(
            "extract.requester_name_required",
            "requester.name",
            "give the requester's name as on their identity document",
        ));
    }
    if request.requester.jmbg.is_none() && request.requester.document.as_deref().is_none_or(|d| d.trim().is_empty()) {
        p.push(FieldError::new(
            "extract.requester_identity_required",
            "requester.jmbg",
            "give the requester's JMBG or the identity document they showed",
        ));
    }
    if request.purpose.trim().is_empty() {
        p.push(FieldError::new("extract.purpose_required", "purpose", "give the purpose the document is requested for"));
    }
    // What the document or its refusal prints as typed: the rule of all free text.
    let typed = [
        ("requester.name", Some(&request.requester.name)),
        ("purpose", Some(&request.purpose)),
        ("requester.document", request.requester.document.as_ref()),
        ("requester.evidence", request.requester.evidence.as_ref()),
    ];
    for (field, value) in typed {
        if let Some(v) = value {
            let _ = p.take(crate::registry::validate::printable(field, v));
        }
    }
    match request.relation.proof() {
        Proof::Registers if request.requester.jmbg.is_none() => p.push(FieldError::new(
            "extract.requester_jmbg_required",
            "requester.jmbg",
            format!("the relation '{}' is checked against the registers: give the requester's JMBG", request.relation),
        )),
        Proof::Document if request.requester.evidence.as_deref().is_none_or(|d| d.trim().is_empty()) => p.push(FieldError::new(
            "extract.evidence_required",
            "requester.evidence",
            format!("the relation '{}' is shown by a document (power of attorney, decision …): give its kind and number", request.relation),
        )),
        _ => {}
    }
    p.finish()
}

/// Decides whether the requester may get a document about `subject`. `requester` is the
/// requester's own view when the node knows them; `entry_spouses` are the two spouses of
/// the marriage entry the document is drawn from (a spouse asking for their marriage's
/// extract asks for their own record).
pub fn check(request: &ExtractRequest, subject: &PersonView, requester: Option<&PersonView>, entry_spouses: &[Jmbg]) -> Eligibility {
    if let Err(refusal) = check_form(request) {
        return Eligibility::Incomplete(refusal);
    }
    let who = request.requester.jmbg.as_ref();
    // The numbers each has had: a corrected sex or date of birth replaced the JMBG, and
    // entries made before name the old one.
    let mine: Vec<&Jmbg> = who.into_iter().chain(requester.into_iter().flat_map(numbers)).collect();
    let theirs = numbers(subject);
    let is_subject = mine.iter().any(|j| theirs.contains(j));
    // A deceased person asks for nothing: the JMBG typed is someone else's (or a mistake).
    let requester_died = match who {
        Some(_) if is_subject => !subject.alive,
        Some(_) => requester.is_some_and(|r| !r.alive),
        None => request.relation == Relation::Myself && !subject.alive,
    };
    if requester_died {
        return Eligibility::Incomplete(Refusal::one(FieldError::new(
            "extract.requester_deceased",
            if who.is_some() { "requester.jmbg" } else { "relation" },
            "the registers record the requester's death: a deceased person cannot ask for a document",
        )));
    }
    match request.relation.proof() {
        Proof::None => Eligibility::Denied(Denial {
            code: "extract.no_legal_relation".into(),
            reason: "the requester is neither the person, nor a proxy, nor a member of the person's narrow or wider family, nor an adopter or guardian".into(),
        }),
        Proof::Document => Eligibility::Entitled(Established::Document(request.requester.evidence.clone().unwrap_or_default())),
        Proof::Identity => match who {
            Some(_) if is_subject || mine.iter().any(|j| entry_spouses.contains(j)) => Eligibility::Entitled(Established::Identity),
            Some(_) => not_confirmed(request.relation),
            None => Eligibility::Entitled(Established::Identity),
        },
        Proof::Registers => {
            if who.is_none() {
                return not_confirmed(request.relation);
            }
            if related(request.relation, &mine, subject, requester, entry_spouses) {
                Eligibility::Entitled(Established::Registers)
            } else {
                not_confirmed(request.relation)
            }
        }
    }
}

fn not_confirmed(relation: Relation) -> Eligibility {
    Eligibility::Denied(Denial {
        code: "extract.relation_not_confirmed".into(),
        reason: format!("the registers do not show the requester as the person's {relation}"),
    })
}

/// A person's numbers: the JMBG in force and those it replaced.
fn numbers(p: &PersonView) -> Vec<&Jmbg> {
    std::iter::once(&p.jmbg).chain(&p.former_jmbgs).collect()
}

/// Does `list` name one of `who`'s numbers?
fn has(list: &[Relative], who: &[&Jmbg]) -> bool {
    list.iter().any(|r| r.jmbg.as_ref().is_some_and(|j| who.contains(&j)))
}

fn share(a: &[Relative], b: &[Relative]) -> bool {
    a.iter().filter_map(|r| r.jmbg.as_ref()).any(|j| has(b, &[j]))
}

/// Do the registers show the person with the numbers `who` in `relation` to `subject`?
fn related(relation: Relation, who: &[&Jmbg], subject: &PersonView, requester: Option<&PersonView>, entry_spouses: &[Jmbg]) -> bool {
    let theirs = numbers(subject);
    let is_subject = who.iter().any(|j| theirs.contains(j));
    match relation {
        Relation::Parent => has(&subject.parents, who),
        Relation::Child => has(&subject.children, who) || requester.is_some_and(|r| has(&r.parents, &theirs)),
        Relation::Spouse => {
            subject.spouse.as_ref().is_some_and(|s| s.jmbg.as_ref().is_some_and(|j| who.contains(&j)))
                || (who.iter().any(|j| entry_spouses.contains(j)) && theirs.iter().any(|j| entry_spouses.contains(j)) && !is_subject)
        }
        Relation::Sibling => !is_subject && requester.is_some_and(|r| share(&r.parents, &subject.parents)),
        Relation::Grandparent => requester.is_some_and(|r| share(&r.children, &subject.parents)),
        Relation::Grandchild => requester.is_some_and(|r| share(&r.parents, &subject.children)),
        _ => false,
    }
}

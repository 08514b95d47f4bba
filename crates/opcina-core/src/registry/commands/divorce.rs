//! Registering the end of a marriage by divorce or annulment, on the court's final judgment:
//! annotates the marriage entry (once per spouse, with the surname each bears afterwards)
//! and the birth entries of both spouses held on this node.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{Facts, Needs, NewAnnotation, Plan, PlanContext};
use crate::error::{FieldError, Problems, Refusal};
use crate::registry::annotation::{Annotation, AnnotationContent, EventRef, LegalBasis, MarriageEndReason, PersonRef};
use crate::registry::entry::EntryContent;
use crate::registry::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DivorceReason {
    #[default]
    Divorce,
    Annulment,
}

/// Register a divorce or an annulment of a marriage registered on this node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegisterDivorce {
    /// The marriage entry (MKV) on this node.
    pub marriage_entry_id: i64,
    #[serde(default)]
    pub reason: DivorceReason,
    /// The court's judgment.
    pub legal_basis: LegalBasis,
    /// The date the judgment became final.
    pub effective_date: NaiveDate,
    /// The surname each spouse bears after the divorce, in the order of the marriage entry;
    /// absent when it does not change.
    #[serde(default)]
    #[schema(min_items = 2, max_items = 2)]
    pub surnames_after: [Option<String>; 2],
}

impl RegisterDivorce {
    pub(super) fn needs(&self) -> Needs {
        Needs { entry: Some(self.marriage_entry_id), ..Needs::default() }
    }

    pub(super) fn plan(&self, facts: &Facts, ctx: &PlanContext) -> Result<Plan, Refusal> {
        let Some((entry, annotations)) = &facts.entry else {
            return Err(FieldError::new("registry.entry.not_found", "marriage_entry_id", "no entry with this id on this node").into());
        };
        let EntryContent::Marriage(m) = &entry.content else {
            return Err(FieldError::new(
                "registry.entry.wrong_register",
                "marriage_entry_id",
                format!("{} is not a marriage entry", entry.reference()),
            )
            .into());
        };
        let mut problems = Problems::new();
        if let Some(a) = annotations.iter().find(|a| matches!(a.annotation.content, AnnotationContent::MarriageEnded { .. })) {
            problems.push(FieldError::new(
                "registry.marriage.already_ended",
                "marriage_entry_id",
                format!("the marriage already ended on {}", a.annotation.effective_date),
            ));
        }
        let legal_basis = validate::legal_basis("legal_basis", &self.legal_basis, ctx.today, "marriage_ended", Some(self.effective_date))
            .map_err(|es| es.into_iter().for_each(|e| problems.push(e)))
            .ok();
        let effective_date = problems.take(validate::past_date("effective_date", self.effective_date, ctx.today));
        if self.effective_date < m.date {
            problems.push(FieldError::new(
                "registry.divorce.before_marriage",
                "effective_date",
                format!("the marriage was concluded on {}", m.date),
            ));
        }
        let surnames: Vec<Option<String>> = self
            .surnames_after
            .iter()
            .enumerate()
            .map(|(i, s)| problems.take(validate::optional_name(&format!("surnames_after[{i}]"), s.as_deref())).flatten())
            .collect();
        problems.finish()?;
        let (Some(legal_basis), Some(effective_date)) = (legal_basis, effective_date) else {
            return Err(Refusal::one(FieldError::general("registry.invalid", "the registration is incomplete")));
        };

        let reason = match self.reason {
            DivorceReason::Divorce => MarriageEndReason::Divorce,
            DivorceReason::Annulment => MarriageEndReason::Annulment,
        };
        let marriage = EventRef { entry_id: Some(entry.id), municipality: ctx.municipality.clone(), reference: entry.reference() };
        let note = |content| Annotation { content, legal_basis: legal_basis.clone(), effective_date, note: None };
        let mut new = Vec::new();
        for (i, spouse) in m.spouses.iter().enumerate() {
            let surname_after = surnames.get(i).cloned().flatten();
            let who = PersonRef {
                jmbg: Some(spouse.person.jmbg.clone()),
                given_name: spouse.person.given_name.clone(),
                surname: spouse.person.surname.clone(),
            };
            new.push(NewAnnotation {
                entry_id: entry.id,
                annotation: note(AnnotationContent::MarriageEnded {
                    marriage: marriage.clone(),
                    reason,
                    surname_after: surname_after.clone(),
                    spouse: Some(who),
                }),
                cause_entry_id: None,
            });
            if let Some(birth) = facts.birth_entry(&spouse.person.jmbg) {
                new.push(NewAnnotation {
                    entry_id: birth.id,
                    annotation: note(AnnotationContent::MarriageEnded { marriage: marriage.clone(), reason, surname_after, spouse: None }),
                    cause_entry_id: None,
                });
            }
        }
        Ok(Plan {
            action: "registry.divorce.registered",
            entry: None,
            annotations: new,
            affected: m.spouses.iter().map(|s| s.person.jmbg.clone()).collect(),
            notices: Vec::new(),
        })
    }
}

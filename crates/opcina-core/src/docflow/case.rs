//! The life cycle of a case (predmet), shared/DOMAIN.md §5: registered → assigned to a unit
//! and an official (every hand-over logged) → in work (may wait for the party, with the
//! clock stopped; may be returned to the party for completion; may be joined to another
//! case) → decided → dispatched → delivered (the delivery receipt came back) → closed a/a →
//! archived. An appeal against a first-instance decision opens a UP-II case.
//!
//! This module only says which step may follow which; the store records each step as an
//! event of the case and moves the case's current state.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::registry::validate::printable;

/// Where a case stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Registered in the protocol book, not yet with a unit.
    #[default]
    Registered,
    /// With a unit (and an official, once one takes it).
    InWork,
    /// Waiting for the party (asked to complete the request or to act): the clock stands.
    Waiting,
    Decided,
    /// The decision left the body (by post, in person or electronically).
    Dispatched,
    /// The delivery receipt came back: the party has the decision.
    Delivered,
    /// Closed ad acta.
    Closed,
    /// Joined to another case, which carries on.
    Joined,
    /// Entered in the archive book.
    Archived,
}

impl CaseState {
    pub const ALL: [CaseState; 9] = [
        CaseState::Registered,
        CaseState::InWork,
        CaseState::Waiting,
        CaseState::Decided,
        CaseState::Dispatched,
        CaseState::Delivered,
        CaseState::Closed,
        CaseState::Joined,
        CaseState::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::Registered => "registered",
            CaseState::InWork => "in_work",
            CaseState::Waiting => "waiting",
            CaseState::Decided => "decided",
            CaseState::Dispatched => "dispatched",
            CaseState::Delivered => "delivered",
            CaseState::Closed => "closed",
            CaseState::Joined => "joined",
            CaseState::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// Not yet decided: the legal deadline runs (or stands, while waiting).
    pub fn pending(self) -> bool {
        matches!(self, CaseState::Registered | CaseState::InWork | CaseState::Waiting)
    }

    /// Still moving in the office (not closed, joined or archived).
    pub fn open(self) -> bool {
        !matches!(self, CaseState::Closed | CaseState::Joined | CaseState::Archived)
    }
}

/// How a decision went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The request was granted (rješenje kojim se usvaja).
    Granted,
    /// Refused on the merits (odbija se).
    Refused,
    /// Rejected on form, e.g. late or not complete (odbacuje se).
    Rejected,
    /// The procedure was stopped (obustavlja se), e.g. the party withdrew.
    Discontinued,
    /// Answered without an administrative act (a letter, a certificate).
    Answered,
}

impl Outcome {
    pub const ALL: [Outcome; 5] = [Outcome::Granted, Outcome::Refused, Outcome::Rejected, Outcome::Discontinued, Outcome::Answered];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Granted => "granted",
            Outcome::Refused => "refused",
            Outcome::Rejected => "rejected",
            Outcome::Discontinued => "discontinued",
            Outcome::Answered => "answered",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// How a decision leaves the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dispatch {
    /// Registered mail with a return receipt (povratnica).
    Post,
    /// Handed over at the counter against signature.
    InPerson,
    /// To the citizen's portal account; the decision can be downloaded from tracking.
    Electronic,
}

impl Dispatch {
    pub const ALL: [Dispatch; 3] = [Dispatch::Post, Dispatch::InPerson, Dispatch::Electronic];

    pub fn as_str(self) -> &'static str {
        match self {
            Dispatch::Post => "post",
            Dispatch::InPerson => "in_person",
            Dispatch::Electronic => "electronic",
        }
    }

    pub fn parse(s: &str) -> Option<Dispatch> {
        Dispatch::ALL.into_iter().find(|d| d.as_str() == s)
    }
}

/// A step in a case's life.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum CaseAction {
    /// The file goes to a unit, and to an official of it when one is named.
    HandOver {
        unit: String,
        #[serde(default)]
        official: Option<String>,
        #[serde(default)]
        note: Option<String>,
    },
    /// The case waits for the party (until a date, when one is set): the clock stands.
    WaitForParty {
        #[serde(default)]
        #[schema(nullable = false)]
        until: Option<NaiveDate>,
        note: String,
    },
    /// The request goes back to the party to be completed with what is missing: the clock
    /// stands until it is complete.
    ReturnForCompletion {
        missing: Vec<String>,
        #[serde(default)]
        #[schema(nullable = false)]
        until: Option<NaiveDate>,
    },
    /// The party did what was asked: the clock runs again.
    Resume {
        #[serde(default)]
        note: Option<String>,
    },
    /// The case joins another (open) case, by that case's number.
    Join {
        into: String,
    },
    /// The decision is taken; it is entered in the book under the case's next sub-number.
    Decide {
        outcome: Outcome,
        summary: String,
    },
    Dispatch {
        method: Dispatch,
        to: String,
    },
    /// The delivery receipt came back (or the party took the decision): delivered on `on`.
    Deliver {
        on: NaiveDate,
    },
    /// Closed ad acta.
    Close {
        #[serde(default)]
        note: Option<String>,
    },
}

impl CaseAction {
    pub fn name(&self) -> &'static str {
        match self {
            CaseAction::HandOver { .. } => "hand_over",
            CaseAction::WaitForParty { .. } => "wait_for_party",
            CaseAction::ReturnForCompletion { .. } => "return_for_completion",
            CaseAction::Resume { .. } => "resume",
            CaseAction::Join { .. } => "join",
            CaseAction::Decide { .. } => "decide",
            CaseAction::Dispatch { .. } => "dispatch",
            CaseAction::Deliver { .. } => "deliver",
            CaseAction::Close { .. } => "close",
        }
    }

    /// The fields a person fills in, checked for what a form can get wrong: required ones
    /// filled in, and every text printable as the registers' texts are (no control
    /// characters or markup, at most 500 characters: it goes into the case's file and its
    /// documents).
    pub fn check(&self) -> Result<(), FieldError> {
        let required = |field: &str, s: &str| {
            if s.trim().is_empty() {
                Err(FieldError::new("docflow.field.required", field, format!("{field} is required")))
            } else {
                printable(field, s)
            }
        };
        let optional = |field: &str, s: &Option<String>| s.as_deref().map_or(Ok(()), |v| printable(field, v));
        match self {
            CaseAction::HandOver { unit, official, note } => {
                required("unit", unit).and_then(|()| optional("official", official)).and_then(|()| optional("note", note))
            }
            CaseAction::WaitForParty { note, .. } => required("note", note),
            CaseAction::ReturnForCompletion { missing, .. } => {
                if missing.iter().all(|m| m.trim().is_empty()) {
                    return Err(FieldError::new("docflow.field.required", "missing", "name at least one missing document"));
                }
                missing.iter().enumerate().try_for_each(|(i, m)| printable(&format!("missing[{i}]"), m))
            }
            CaseAction::Join { into } => required("into", into),
            CaseAction::Decide { summary, .. } => required("summary", summary),
            CaseAction::Dispatch { to, .. } => required("to", to),
            CaseAction::Resume { note } | CaseAction::Close { note } => optional("note", note),
            CaseAction::Deliver { .. } => Ok(()),
        }
    }

    /// The state this step leads to from `state`, or why it may not be taken. `procedure`
    /// says whether the case is an administrative procedure (UP-I/UP-II), which can only be
    /// closed once its decision has been delivered; a djelovodnik record may be closed a/a
    /// while in work (it was noted, or answered informally).
    pub fn after(&self, state: CaseState, procedure: bool) -> Result<CaseState, FieldError> {
        use CaseState as S;
        let next = match (self, state) {
            (CaseAction::HandOver { .. }, S::Registered | S::InWork) => Some(S::InWork),
            (CaseAction::HandOver { .. }, S::Waiting | S::Decided) => Some(state),
            (CaseAction::WaitForParty { .. } | CaseAction::ReturnForCompletion { .. }, S::InWork) => Some(S::Waiting),
            (CaseAction::Resume { .. }, S::Waiting) => Some(S::InWork),
            (CaseAction::Join { .. }, S::Registered | S::InWork | S::Waiting) => Some(S::Joined),
            (CaseAction::Decide { .. }, S::InWork) => Some(S::Decided),
            (CaseAction::Dispatch { .. }, S::Decided) => Some(S::Dispatched),
            (CaseAction::Deliver { .. }, S::Dispatched) => Some(S::Delivered),
            (CaseAction::Close { .. }, S::Delivered) => Some(S::Closed),
            (CaseAction::Close { .. }, S::InWork | S::Decided | S::Dispatched) if !procedure => Some(S::Closed),
            _ => None,
        };
        next.ok_or_else(|| {
            FieldError::new(
                "docflow.case.transition",
                "action",
                format!("a case that is {} cannot take the step {}", state.as_str(), self.name()),
            )
        })
    }
}

impl std::fmt::Display for CaseState {
    /// The stable code (`in_work`), as stored and as messages name it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Outcome {
    /// The stable code, as stored and as messages name it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for Dispatch {
    /// The stable code, as stored and as messages name it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    use crate::docflow::tests::d;

    #[test]
    fn a_case_goes_from_registration_to_closing() {
        let steps = [
            CaseAction::HandOver { unit: "03".into(), official: Some("amra".into()), note: None },
            CaseAction::ReturnForCompletion { missing: vec!["izvod iz MKR".into()], until: Some(d(2026, 12, 10)) },
            CaseAction::Resume { note: None },
            CaseAction::Decide { outcome: Outcome::Granted, summary: "Usvaja se zahtjev".into() },
            CaseAction::Dispatch { method: Dispatch::Post, to: "Amra Hodžić, Kakanj".into() },
            CaseAction::Deliver { on: d(2026, 12, 20) },
            CaseAction::Close { note: None },
        ];
        let mut state = CaseState::Registered;
        for step in &steps {
            step.check().unwrap();
            state = step.after(state, true).unwrap();
        }
        assert_eq!(state, CaseState::Closed);
    }

    #[test]
    fn steps_out_of_order_are_refused_with_the_state_named() {
        let decide = CaseAction::Decide { outcome: Outcome::Refused, summary: "x".into() };
        let e = decide.after(CaseState::Registered, true).unwrap_err();
        assert_eq!(e.code, "docflow.case.transition");
        assert!(e.message.contains("registered") && e.message.contains("decide"), "{}", e.message);
        assert!(decide.after(CaseState::Waiting, true).is_err(), "no decision while waiting for the party");
        assert!(CaseAction::Close { note: None }.after(CaseState::InWork, true).is_err(), "a procedure closes after delivery");
        assert_eq!(CaseAction::Close { note: None }.after(CaseState::InWork, false).unwrap(), CaseState::Closed);
        assert!(CaseAction::Resume { note: None }.after(CaseState::InWork, true).is_err());
        for state in [CaseState::Closed, CaseState::Joined, CaseState::Archived] {
            assert!(CaseAction::HandOver { unit: "01".into(), official: None, note: None }.after(state, false).is_err());
        }
    }

    #[test]
    fn forms_name_the_missing_field() {
        assert_eq!(
            CaseAction::ReturnForCompletion { missing: vec![" ".into()], until: None }.check().unwrap_err().field.as_deref(),
            Some("missing")
        );
        assert_eq!(
            CaseAction::HandOver { unit: "".into(), official: None, note: None }.check().unwrap_err().field.as_deref(),
            Some("unit")
        );
        for s in CaseState::ALL {
            assert_eq!(CaseState::parse(s.as_str()), Some(s));
        }
    }
}

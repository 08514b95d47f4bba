//! Citizens' messages to the municipality — questions, suggestions and complaints
//! (pitanja, prijedlozi, pritužbe): sent from the website without an account (an e-mail
//! address for the answer) or entered at a counter, given a number and an access code, routed
//! to the unit the citizen chose, answered by e-mail within the deadline, and published with
//! the answer where the citizen agreed to it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// What a message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageKind {
    Question,
    Suggestion,
    /// A complaint (about a service, an official's conduct): later also a finding for the
    /// quality system.
    Complaint,
}

impl MessageKind {
    pub const ALL: [MessageKind; 3] = [MessageKind::Question, MessageKind::Suggestion, MessageKind::Complaint];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageKind::Question => "question",
            MessageKind::Suggestion => "suggestion",
            MessageKind::Complaint => "complaint",
        }
    }

    pub fn parse(s: &str) -> Option<MessageKind> {
        MessageKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    /// With the unit, waiting for its answer.
    Received,
    /// Answered (the answer was sent by e-mail when the citizen gave an address).
    Answered,
}

impl MessageState {
    pub const ALL: [MessageState; 2] = [MessageState::Received, MessageState::Answered];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageState::Received => "received",
            MessageState::Answered => "answered",
        }
    }

    pub fn parse(s: &str) -> Option<MessageState> {
        MessageState::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 5_000;
pub const MAX_NAME_CHARS: usize = 120;

/// A message as the citizen writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MessageFields {
    /// `question`, `suggestion` or `complaint`.
    pub kind: String,
    /// The unit it is for (a unit's code of the document flow).
    pub unit: String,
    pub name: String,
    /// Where the answer goes; may be empty at a counter (the answer is then given there).
    #[serde(default)]
    pub email: String,
    pub subject: String,
    pub text: String,
    /// The citizen agrees that the message and its answer be published (without their name
    /// and address).
    #[serde(default)]
    pub publish: bool,
}

/// A message, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub kind: MessageKind,
    pub unit: String,
    pub name: String,
    pub email: Option<String>,
    pub subject: String,
    pub text: String,
    pub publish: bool,
}

const REQUIRED: Option<&str> = Some("publicinfo.message.required");

fn one_line(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) -> String {
    super::text::line(field, value, max, REQUIRED, errors)
}

/// Checks a message: every problem at once. `email_required` on the website (the answer
/// goes there), not at a counter.
pub fn check_message(f: &MessageFields, units: &[String], email_required: bool) -> Result<Message, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = MessageKind::parse(f.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("publicinfo.message.kind_unknown", "kind", "a question, a suggestion or a complaint"));
    }
    let unit = f.unit.trim().to_string();
    if !units.contains(&unit) {
        errors.push(FieldError::new("publicinfo.message.unit_unknown", "unit", "choose whom the message is for"));
    }
    let name = one_line("name", &f.name, MAX_NAME_CHARS, &mut errors);
    let email = f.email.trim().to_lowercase();
    if (email_required || !email.is_empty()) && !crate::email::plausible(&email) {
        errors.push(FieldError::new("publicinfo.contact.email_invalid", "email", "one e-mail address, for the answer"));
    }
    let subject = one_line("subject", &f.subject, MAX_SUBJECT_CHARS, &mut errors);
    let text = super::text::paragraphs("text", &f.text, MAX_TEXT_CHARS, REQUIRED, &mut errors);
    errors.dedup();
    match kind {
        Some(kind) if errors.is_empty() => {
            Ok(Message { kind, unit, name, email: (!email.is_empty()).then_some(email), subject, text, publish: f.publish })
        }
        _ => Err(errors),
    }
}

/// Checks an answer.
pub fn check_answer(text: &str) -> Result<String, FieldError> {
    super::text::one_text("answer", text, MAX_TEXT_CHARS, REQUIRED)
}

/// The day an answer is due for a message received on `received` under the default term
/// (the body may set another: [`super::desk::TermOf::Messages`]).
pub fn due(received: NaiveDate) -> NaiveDate {
    super::desk::TermOf::Messages.due(received, super::desk::TermOf::Messages.default_days())
}

/// A message's number: `P-2026-00042`.
pub fn number(year: i64, serial: i64) -> String {
    format!("P-{year}-{serial:05}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn fields() -> MessageFields {
        MessageFields {
            kind: "question".into(),
            unit: "04".into(),
            name: " Amra  Hodžić ".into(),
            email: "Amra@Example.BA".into(),
            subject: "Rasvjeta u ulici".into(),
            text: "Kada će biti popravljena?\r\n\r\nHvala.".into(),
            publish: true,
        }
    }

    #[test]
    fn a_message_is_checked_whole() {
        let units = vec!["01/1".to_string(), "04".to_string()];
        let m = check_message(&fields(), &units, true).unwrap();
        assert_eq!(
            (m.name.as_str(), m.email.as_deref(), m.text.as_str()),
            ("Amra Hodžić", Some("amra@example.ba"), "Kada će biti popravljena?\n\nHvala.")
        );
        let bad = MessageFields {
            kind: "wish".into(),
            unit: "99".into(),
            name: String::new(),
            email: "x".into(),
            subject: "A\nBcc: b".into(),
            text: String::new(),
            publish: false,
        };
        let codes: Vec<_> = check_message(&bad, &units, true).unwrap_err().iter().map(|e| (e.code, e.field.clone().unwrap())).collect();
        assert_eq!(
            codes,
            [
                ("publicinfo.message.kind_unknown", "kind".to_string()),
                ("publicinfo.message.unit_unknown", "unit".to_string()),
                ("publicinfo.message.required", "name".to_string()),
                ("publicinfo.contact.email_invalid", "email".to_string()),
                ("publicinfo.field.control_character", "subject".to_string()),
                ("publicinfo.message.required", "text".to_string()),
            ]
        );
        let at_counter = MessageFields { email: String::new(), ..fields() };
        assert_eq!(check_message(&at_counter, &units, false).unwrap().email, None, "at a counter the answer may be given there");
        assert!(check_message(&at_counter, &units, true).is_err());
    }

    #[test]
    fn the_answer_is_due_in_fifteen_days_on_a_working_day() {
        // Received Monday 7 December 2026: 22 December is a Tuesday.
        assert_eq!(due(NaiveDate::from_ymd_opt(2026, 12, 7).unwrap()), NaiveDate::from_ymd_opt(2026, 12, 22).unwrap());
        // Received 11 November: 26 November, the day after Statehood Day (a Thursday).
        assert_eq!(due(NaiveDate::from_ymd_opt(2026, 11, 10).unwrap()), NaiveDate::from_ymd_opt(2026, 11, 26).unwrap());
        assert_eq!(number(2026, 42), "P-2026-00042");
    }
}

//! The journalists' desk: a journalist's question (from the website's form, or taken down by
//! the PR officer from a call or a mail) gets a number and a deadline in working days, is
//! assigned by the PR officer to a unit and, where one official is to answer, to that
//! official; the reply goes to the journalist by e-mail and is kept with the question.
//!
//! The answer terms of the desk and of citizens' messages are configurable ([`Term`]), and
//! both feed the same response-time figures per unit ([`figures`]).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::docflow::deadline::Calendar;
use crate::error::FieldError;
use crate::registry::Role;

/// Who leads the desk: takes questions down, gives them to units, answers any of them, and
/// decides accreditations.
pub const DESK_LEAD: [Role; 2] = [Role::PressOfficer, Role::Approver];
/// Who works at the desk: its leads, and the units' officials for what was given to them.
pub const DESK: [Role; 3] = [Role::Official, Role::PressOfficer, Role::Approver];
/// Who sets the answer terms.
pub const TERM_SETTERS: [Role; 3] = [Role::PressOfficer, Role::Approver, Role::Admin];
/// Who reads the response-time figures.
pub const FIGURE_READERS: [Role; 4] = [Role::Official, Role::PressOfficer, Role::Approver, Role::Auditor];

/// Where a journalist's question stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuestionState {
    /// With the PR officer, not yet given to a unit.
    Received,
    /// With a unit (and perhaps one of its officials) to answer.
    Assigned,
    /// Answered: the reply went to the journalist by e-mail.
    Answered,
}

impl QuestionState {
    pub const ALL: [QuestionState; 3] = [QuestionState::Received, QuestionState::Assigned, QuestionState::Answered];

    pub fn as_str(self) -> &'static str {
        match self {
            QuestionState::Received => "received",
            QuestionState::Assigned => "assigned",
            QuestionState::Answered => "answered",
        }
    }

    pub fn parse(s: &str) -> Option<QuestionState> {
        QuestionState::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

pub const MAX_OUTLET_CHARS: usize = 120;
pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_SUBJECT_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 5_000;

/// A question as the journalist (or the PR officer for them) writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuestionFields {
    /// The media house (newspaper, portal, station) the journalist asks for.
    pub outlet: String,
    pub name: String,
    /// Where the reply goes.
    pub email: String,
    pub subject: String,
    pub text: String,
}

/// A question, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub outlet: String,
    pub name: String,
    pub email: String,
    pub subject: String,
    pub text: String,
}

const REQUIRED: Option<&str> = Some("publicinfo.question.required");

/// Checks a question: every problem at once, each naming its field.
pub fn check_question(f: &QuestionFields) -> Result<Question, Vec<FieldError>> {
    let mut errors = Vec::new();
    let outlet = super::text::line("outlet", &f.outlet, MAX_OUTLET_CHARS, REQUIRED, &mut errors);
    let name = super::text::line("name", &f.name, MAX_NAME_CHARS, REQUIRED, &mut errors);
    let email = f.email.trim().to_lowercase();
    if !crate::email::plausible(&email) {
        errors.push(FieldError::new("publicinfo.contact.email_invalid", "email", "one e-mail address, for the reply"));
    }
    let subject = super::text::line("subject", &f.subject, MAX_SUBJECT_CHARS, REQUIRED, &mut errors);
    let text = super::text::paragraphs("text", &f.text, MAX_TEXT_CHARS, REQUIRED, &mut errors);
    if errors.is_empty() { Ok(Question { outlet, name, email, subject, text }) } else { Err(errors) }
}

/// Checks a reply.
pub fn check_reply(text: &str) -> Result<String, FieldError> {
    super::text::one_text("reply", text, MAX_TEXT_CHARS, REQUIRED)
}

/// A unit that may be given questions, with the officials working in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitStaff {
    pub code: String,
    pub officials: Vec<String>,
}

/// Checks an assignment: `unit` must be a unit of the body, and `official` (empty: the unit
/// as a whole) one of its officials. Returns the unit and the official.
pub fn check_assignment(unit: &str, official: &str, units: &[UnitStaff]) -> Result<(String, Option<String>), Vec<FieldError>> {
    let Some(found) = units.iter().find(|u| u.code == unit.trim()) else {
        return Err(vec![FieldError::new("publicinfo.question.unit_unknown", "unit", "choose the unit that answers")]);
    };
    let official = official.trim();
    if official.is_empty() {
        return Ok((found.code.clone(), None));
    }
    if !found.officials.iter().any(|o| o == official) {
        return Err(vec![FieldError::new("publicinfo.question.assignee_unknown", "assignee", "not an official of this unit")]);
    }
    Ok((found.code.clone(), Some(official.to_string())))
}

/// What an answer term applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TermOf {
    /// Citizens' messages: days, the last moved to the next working day.
    Messages,
    /// Journalists' questions: working days.
    Press,
}

impl TermOf {
    pub const ALL: [TermOf; 2] = [TermOf::Messages, TermOf::Press];

    pub fn as_str(self) -> &'static str {
        match self {
            TermOf::Messages => "messages",
            TermOf::Press => "press",
        }
    }

    pub fn parse(s: &str) -> Option<TermOf> {
        TermOf::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The term until the body sets one: 15 days for a citizen (the usual term of an
    /// administrative answer), 2 working days for a journalist.
    pub fn default_days(self) -> u32 {
        match self {
            TermOf::Messages => 15,
            TermOf::Press => 2,
        }
    }

    /// The longest term that may be set.
    pub fn max_days(self) -> u32 {
        match self {
            TermOf::Messages => 60,
            TermOf::Press => 15,
        }
    }

    /// The day an answer is due for something received on `received` with a term of `days`.
    pub fn due(self, received: NaiveDate, days: u32) -> NaiveDate {
        let calendar = Calendar::fbih();
        match self {
            TermOf::Messages => calendar.due(received, days, 0),
            TermOf::Press => calendar.after_working_days(received, days),
        }
    }
}

/// Checks a term as typed in the settings form.
pub fn check_term(of: TermOf, days: &str) -> Result<u32, FieldError> {
    let field = format!("{}_days", of.as_str());
    match days.trim().parse::<u32>() {
        Ok(d) if (1..=of.max_days()).contains(&d) => Ok(d),
        _ => Err(FieldError::new("publicinfo.term.invalid", field, format!("a whole number of days from 1 to {}", of.max_days()))),
    }
}

/// A question's number: `N-2026-00042`.
pub fn number(year: i64, serial: i64) -> String {
    format!("N-{year}-{serial:05}")
}

/// Something a unit is to answer, as the figures count it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handled {
    pub unit: String,
    pub received: NaiveDate,
    pub due: NaiveDate,
    /// The day it was answered.
    pub answered: Option<NaiveDate>,
}

/// How one unit answers: what it received in the period, how much and how fast it answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UnitFigures {
    pub unit: String,
    pub received: u32,
    pub answered: u32,
    /// Answered on or before the due day.
    pub on_time: u32,
    /// Waiting, not yet due.
    pub open: u32,
    /// Waiting past the due day.
    pub overdue: u32,
    /// Working days from receipt to answer: the median and the longest (`None` before a first
    /// answer).
    pub median_days: Option<u32>,
    pub longest_days: Option<u32>,
}

impl UnitFigures {
    /// The share answered on time of those answered, in whole percent.
    pub fn on_time_percent(&self) -> Option<u32> {
        (self.answered > 0).then(|| (self.on_time * 100 + self.answered / 2) / self.answered)
    }
}

/// The figures per unit (in the units' order as given, then any other unit met) for the
/// items given, on `today`; a unit with nothing is left out.
pub fn figures(items: &[Handled], units: &[String], today: NaiveDate) -> Vec<UnitFigures> {
    let calendar = Calendar::fbih();
    let mut order: Vec<String> = units.to_vec();
    for i in items {
        if !order.contains(&i.unit) {
            order.push(i.unit.clone());
        }
    }
    order
        .into_iter()
        .filter_map(|unit| {
            let mut f = UnitFigures { unit: unit.clone(), ..UnitFigures::default() };
            let mut days = Vec::new();
            for i in items.iter().filter(|i| i.unit == unit) {
                f.received += 1;
                match i.answered {
                    Some(on) => {
                        f.answered += 1;
                        if on <= i.due {
                            f.on_time += 1;
                        }
                        days.push(calendar.working_days_between(i.received, on));
                    }
                    None if today > i.due => f.overdue += 1,
                    None => f.open += 1,
                }
            }
            days.sort_unstable();
            f.median_days = (!days.is_empty()).then(|| days[(days.len() - 1) / 2]);
            f.longest_days = days.last().copied();
            (f.received > 0).then_some(f)
        })
        .collect()
}

/// What an accreditation is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccreditationKind {
    /// One event (a council session, a visit, a ceremony) on one day.
    Event,
    /// The sessions and events of the calendar year.
    Year,
}

impl AccreditationKind {
    pub const ALL: [AccreditationKind; 2] = [AccreditationKind::Event, AccreditationKind::Year];

    pub fn as_str(self) -> &'static str {
        match self {
            AccreditationKind::Event => "event",
            AccreditationKind::Year => "year",
        }
    }

    pub fn parse(s: &str) -> Option<AccreditationKind> {
        AccreditationKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where an accreditation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccreditationState {
    Requested,
    Granted,
    Refused,
    /// Withdrawn after it was granted.
    Revoked,
}

impl AccreditationState {
    pub const ALL: [AccreditationState; 4] =
        [AccreditationState::Requested, AccreditationState::Granted, AccreditationState::Refused, AccreditationState::Revoked];

    pub fn as_str(self) -> &'static str {
        match self {
            AccreditationState::Requested => "requested",
            AccreditationState::Granted => "granted",
            AccreditationState::Refused => "refused",
            AccreditationState::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<AccreditationState> {
        AccreditationState::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A request for accreditation as the journalist writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccreditationFields {
    pub outlet: String,
    pub name: String,
    pub email: String,
    /// `event` or `year`.
    pub kind: String,
    /// For an event: what it is.
    #[serde(default)]
    pub event: String,
    /// For an event: its day (`YYYY-MM-DD`).
    #[serde(default)]
    pub event_on: String,
}

/// A request for accreditation, checked: valid until `valid_until` once granted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accreditation {
    pub outlet: String,
    pub name: String,
    pub email: String,
    pub kind: AccreditationKind,
    pub event: String,
    pub valid_until: NaiveDate,
}

const ACCREDITATION_REQUIRED: Option<&str> = Some("publicinfo.accreditation.required");

/// Checks a request for accreditation made on `today`: an event is named and not past; a
/// year's accreditation runs to the end of the year.
pub fn check_accreditation(f: &AccreditationFields, today: NaiveDate) -> Result<Accreditation, Vec<FieldError>> {
    let mut errors = Vec::new();
    let outlet = super::text::line("outlet", &f.outlet, MAX_OUTLET_CHARS, ACCREDITATION_REQUIRED, &mut errors);
    let name = super::text::line("name", &f.name, MAX_NAME_CHARS, ACCREDITATION_REQUIRED, &mut errors);
    let email = f.email.trim().to_lowercase();
    if !crate::email::plausible(&email) {
        errors.push(FieldError::new("publicinfo.contact.email_invalid", "email", "one e-mail address, for the answer"));
    }
    let kind = AccreditationKind::parse(f.kind.trim());
    let mut event = String::new();
    let mut valid_until = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 12, 31);
    match kind {
        None => errors.push(FieldError::new("publicinfo.accreditation.kind_unknown", "kind", "one event, or the year")),
        Some(AccreditationKind::Year) => {}
        Some(AccreditationKind::Event) => {
            event = super::text::line("event", &f.event, MAX_SUBJECT_CHARS, ACCREDITATION_REQUIRED, &mut errors);
            match NaiveDate::parse_from_str(f.event_on.trim(), "%Y-%m-%d") {
                Ok(d) if d >= today => valid_until = Some(d),
                Ok(_) => errors.push(FieldError::new("publicinfo.accreditation.event_past", "event_on", "the event's day has passed")),
                Err(_) => {
                    errors.push(FieldError::new("publicinfo.accreditation.event_on_invalid", "event_on", "the event's day, as YYYY-MM-DD"))
                }
            }
        }
    }
    match (kind, valid_until) {
        (Some(kind), Some(valid_until)) if errors.is_empty() => Ok(Accreditation { outlet, name, email, kind, event, valid_until }),
        _ => Err(errors),
    }
}

/// What the desk may do with an accreditation in `state`: grant or refuse a request, revoke
/// a granted one. `reason` is required to refuse or revoke.
pub fn check_accreditation_step(state: AccreditationState, to: AccreditationState, reason: &str) -> Result<String, FieldError> {
    let allowed = matches!(
        (state, to),
        (AccreditationState::Requested, AccreditationState::Granted | AccreditationState::Refused)
            | (AccreditationState::Granted, AccreditationState::Revoked)
    );
    if !allowed {
        return Err(FieldError::general(
            "publicinfo.accreditation.not_now",
            format!("an accreditation {} cannot be {}", state.as_str(), to.as_str()),
        ));
    }
    let required = (to != AccreditationState::Granted).then_some("publicinfo.accreditation.reason_required");
    super::text::one_text("reason", reason, MAX_TEXT_CHARS, required)
}

/// An accreditation's number: `A-2026-00042`.
pub fn accreditation_number(year: i64, serial: i64) -> String {
    format!("A-{year}-{serial:05}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn a_question_is_checked_whole() {
        let f = QuestionFields {
            outlet: " Radio  Kakanj ".into(),
            name: "Lejla Mušić".into(),
            email: "Lejla@Radio.example".into(),
            subject: "Budžet za 2027.".into(),
            text: "Koliko je planirano za ceste?\r\nHvala.".into(),
        };
        let q = check_question(&f).unwrap();
        assert_eq!(
            (q.outlet.as_str(), q.email.as_str(), q.text.as_str()),
            ("Radio Kakanj", "lejla@radio.example", "Koliko je planirano za ceste?\nHvala.")
        );
        let bad = QuestionFields {
            outlet: String::new(),
            name: "A\u{202e}B".into(),
            email: "x@".into(),
            subject: "S\r\nBcc: x".into(),
            text: " ".into(),
        };
        let got: Vec<_> = check_question(&bad).unwrap_err().into_iter().map(|e| (e.code, e.field.unwrap())).collect();
        assert_eq!(
            got,
            [
                ("publicinfo.question.required", "outlet".to_string()),
                ("publicinfo.field.control_character", "name".to_string()),
                ("publicinfo.contact.email_invalid", "email".to_string()),
                ("publicinfo.field.control_character", "subject".to_string()),
                ("publicinfo.question.required", "text".to_string()),
            ]
        );
        assert_eq!(check_reply("  ").unwrap_err().field.as_deref(), Some("reply"));
    }

    #[test]
    fn an_assignment_names_a_unit_and_perhaps_one_of_its_officials() {
        let units = vec![
            UnitStaff { code: "01/1".into(), officials: vec!["amra".into()] },
            UnitStaff { code: "04".into(), officials: vec!["selma".into()] },
        ];
        assert_eq!(check_assignment("04", "", &units).unwrap(), ("04".to_string(), None));
        assert_eq!(check_assignment(" 04 ", "selma", &units).unwrap(), ("04".to_string(), Some("selma".to_string())));
        assert_eq!(check_assignment("04", "amra", &units).unwrap_err()[0].code, "publicinfo.question.assignee_unknown");
        assert_eq!(check_assignment("99", "", &units).unwrap_err()[0].field.as_deref(), Some("unit"));
    }

    #[test]
    fn terms_count_as_their_kind_says() {
        // Thursday 19 November 2026 + 2 working days: Monday the 23rd.
        assert_eq!(TermOf::Press.due(day(11, 19), 2), day(11, 23));
        // Monday 23 November + 2 working days: Wednesday the 25th is Statehood Day, so Thursday.
        assert_eq!(TermOf::Press.due(day(11, 23), 2), day(11, 26));
        // Messages: 15 days, the last moved to a working day (as before the term was set).
        assert_eq!(TermOf::Messages.due(day(12, 7), 15), day(12, 22));
        assert_eq!(check_term(TermOf::Press, " 3 ").unwrap(), 3);
        for bad in ["0", "16", "two", "-1", ""] {
            let e = check_term(TermOf::Press, bad).unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), ("publicinfo.term.invalid", Some("press_days")), "{bad}");
        }
        assert_eq!(check_term(TermOf::Messages, "60").unwrap(), 60);
        assert_eq!(number(2026, 7), "N-2026-00007");
    }

    #[test]
    fn figures_count_per_unit_in_working_days() {
        let h = |unit: &str, received: NaiveDate, due: NaiveDate, answered: Option<NaiveDate>| Handled {
            unit: unit.into(),
            received,
            due,
            answered,
        };
        let items = vec![
            // Friday to Monday: one working day, on time.
            h("04", day(11, 20), day(11, 24), Some(day(11, 23))),
            // Monday to Friday: four working days, late.
            h("04", day(11, 16), day(11, 18), Some(day(11, 20))),
            // Monday to Thursday across Statehood Day: two working days.
            h("04", day(11, 23), day(11, 26), Some(day(11, 26))),
            h("04", day(11, 30), day(12, 2), None),
            h("01/1", day(12, 1), day(12, 3), None),
            h("07", day(12, 4), day(12, 8), Some(day(12, 4))),
        ];
        let units = vec!["01/1".to_string(), "04".to_string(), "05".to_string()];
        let f = figures(&items, &units, day(12, 3));
        assert_eq!(f.iter().map(|f| f.unit.as_str()).collect::<Vec<_>>(), ["01/1", "04", "07"], "a unit with nothing is left out");
        let u04 = &f[1];
        assert_eq!((u04.received, u04.answered, u04.on_time, u04.open, u04.overdue), (4, 3, 2, 0, 1));
        assert_eq!((u04.median_days, u04.longest_days, u04.on_time_percent()), (Some(2), Some(4), Some(67)));
        assert_eq!((f[0].open, f[0].overdue, f[0].median_days, f[0].on_time_percent()), (1, 0, None, None));
        assert_eq!(f[2].median_days, Some(0), "answered the day it came");
    }

    #[test]
    fn an_accreditation_is_for_an_event_to_come_or_the_year() {
        let today = day(12, 7);
        let f = AccreditationFields {
            outlet: "TV Kakanj".into(),
            name: "Amel Begić".into(),
            email: "amel@tv.example".into(),
            kind: "event".into(),
            event: "Sjednica Općinskog vijeća".into(),
            event_on: "2026-12-10".into(),
        };
        let a = check_accreditation(&f, today).unwrap();
        assert_eq!((a.kind, a.valid_until), (AccreditationKind::Event, day(12, 10)));
        let year = AccreditationFields { kind: "year".into(), event: String::new(), event_on: String::new(), ..f.clone() };
        assert_eq!(check_accreditation(&year, today).unwrap().valid_until, day(12, 31));
        let past = AccreditationFields { event_on: "2026-12-01".into(), ..f.clone() };
        assert_eq!(check_accreditation(&past, today).unwrap_err()[0].field.as_deref(), Some("event_on"));
        let bad = AccreditationFields { kind: "ever".into(), email: String::new(), ..f.clone() };
        let got: Vec<_> = check_accreditation(&bad, today).unwrap_err().into_iter().map(|e| e.code).collect();
        assert_eq!(got, ["publicinfo.contact.email_invalid", "publicinfo.accreditation.kind_unknown"]);
        let nameless = AccreditationFields { event: " ".into(), event_on: "10.12.2026".into(), ..f };
        let got: Vec<_> = check_accreditation(&nameless, today).unwrap_err().into_iter().map(|e| e.field.unwrap()).collect();
        assert_eq!(got, ["event", "event_on"]);
    }

    #[test]
    fn an_accreditation_is_granted_or_refused_with_a_reason_then_perhaps_revoked() {
        use AccreditationState::*;
        assert_eq!(check_accreditation_step(Requested, Granted, " ").unwrap(), "");
        assert_eq!(check_accreditation_step(Requested, Refused, "").unwrap_err().field.as_deref(), Some("reason"));
        assert_eq!(check_accreditation_step(Granted, Revoked, "Ometao sjednicu.").unwrap(), "Ometao sjednicu.");
        for (from, to) in [(Refused, Granted), (Granted, Refused), (Revoked, Granted), (Requested, Revoked), (Granted, Granted)] {
            assert_eq!(check_accreditation_step(from, to, "x").unwrap_err().code, "publicinfo.accreditation.not_now", "{from:?} → {to:?}");
        }
        assert_eq!(accreditation_number(2026, 3), "A-2026-00003");
    }
}

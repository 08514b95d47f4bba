//! What the public sees of a case when it follows it with the number and access code from
//! the counter receipt: the state, the unit holding it, the dates and the legal deadline,
//! the documents the party was asked to bring, and the steps — no names, no contents.

use chrono::NaiveDate;
use serde::Serialize;

use super::case::CaseState;
use crate::registry::Timestamp;

/// A step of a case as the public sees it: what happened, when, and at which unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TrackStep {
    pub on: String,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
}

/// What the party sees of its case — and nothing more: no names, no contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Tracking {
    pub number: String,
    pub state: CaseState,
    /// The unit holding the case (its name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub opened_on: String,
    /// The legal deadline in days.
    pub term_days: i64,
    /// The due date as it stands (until the case is decided).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_on: Option<String>,
    /// Days left until the due date (negative when overdue); while the case waits for the
    /// party, the days that will remain when the clock runs again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub days_left: Option<i64>,
    /// Waiting for the party since this day (the clock stands).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<String>,
    /// Documents the party was asked to bring.
    pub missing: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatched_on: Option<String>,
    /// `post`, `in_person` or `electronic`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dispatch: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_on: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<String>,
    pub steps: Vec<TrackStep>,
    /// Where to download the decision, when it was delivered electronically.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    // Set by the store: the decision was delivered electronically, so the party may download
    // it. The presentation fills in `decision` (it knows its own addresses). Plain comment:
    // a doc comment would show in the API description.
    #[serde(skip)]
    pub decision_published: bool,
}

/// The facts of a case the public view is made of (dates as `YYYY-MM-DD`).
#[derive(Debug, Clone, Copy)]
pub struct TrackingFacts<'a> {
    pub number: &'a str,
    pub state: CaseState,
    /// The unit holding the case (its code).
    pub unit: &'a str,
    pub opened_on: &'a str,
    pub term_days: i64,
    pub due_on: &'a str,
    pub paused_since: Option<&'a str>,
    /// The documents asked for, as a JSON list of strings.
    pub missing: Option<&'a str>,
    pub decided_on: Option<&'a str>,
    pub dispatched_on: Option<&'a str>,
    pub dispatch: Option<&'a str>,
    pub delivered_on: Option<&'a str>,
    pub closed_on: Option<&'a str>,
}

/// The kinds of step the public sees (internal ones, such as a reissued access code, stay
/// inside).
const PUBLIC_STEPS: [&str; 12] = [
    "registered",
    "hand_over",
    "wait_for_party",
    "return_for_completion",
    "resume",
    "join",
    "decide",
    "dispatch",
    "deliver",
    "close",
    "appealed",
    "archive",
];

fn parse_day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The local day of a moment, `YYYY-MM-DD`.
fn day_of(micros: i64) -> String {
    Timestamp(micros).to_datetime().with_timezone(&chrono::Local).format("%Y-%m-%d").to_string()
}

/// The public view of a case as of `today`: `steps` are its events (moment in microseconds,
/// kind, unit code), `unit_name` names a unit by its code.
pub fn public_view<'a>(
    case: &TrackingFacts<'_>,
    steps: impl IntoIterator<Item = (i64, &'a str, Option<&'a str>)>,
    unit_name: impl Fn(&str) -> String,
    today: NaiveDate,
    decision_published: bool,
) -> Tracking {
    let state = case.state;
    let due = parse_day(case.due_on);
    let since = case.paused_since.and_then(parse_day);
    let days_left = match (state.pending(), due, since) {
        (false, ..) => None,
        (true, Some(due), Some(since)) => Some((due - since).num_days()),
        (true, Some(due), None) => Some((due - today).num_days()),
        (true, None, _) => None,
    };
    let steps = steps
        .into_iter()
        .filter(|(_, kind, _)| PUBLIC_STEPS.contains(kind))
        .map(|(at, kind, unit)| TrackStep { on: day_of(at), kind: kind.to_string(), unit: unit.map(&unit_name) })
        .collect();
    let owned = |v: Option<&str>| v.map(str::to_string);
    Tracking {
        number: case.number.to_string(),
        state,
        unit: Some(unit_name(case.unit)),
        opened_on: case.opened_on.to_string(),
        term_days: case.term_days,
        due_on: state.pending().then(|| case.due_on.to_string()),
        days_left,
        waiting_since: owned(case.paused_since),
        missing: case.missing.and_then(|m| serde_json::from_str(m).ok()).unwrap_or_default(),
        decided_on: owned(case.decided_on),
        dispatched_on: owned(case.dispatched_on),
        dispatch: owned(case.dispatch),
        delivered_on: owned(case.delivered_on),
        closed_on: owned(case.closed_on),
        steps,
        decision: None,
        decision_published,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docflow::tests::d;

    fn facts(state: CaseState, paused_since: Option<&'static str>) -> TrackingFacts<'static> {
        TrackingFacts {
            number: "UP-I-01-25-3/26",
            state,
            unit: "01",
            opened_on: "2026-03-02",
            term_days: 30,
            due_on: "2026-04-01",
            paused_since,
            missing: Some(r#"["rodni list"]"#),
            decided_on: None,
            dispatched_on: None,
            dispatch: None,
            delivered_on: None,
            closed_on: None,
        }
    }

    #[test]
    fn days_left_count_to_the_due_date_and_stand_while_the_party_is_awaited() {
        let name = |c: &str| format!("unit {c}");
        let running = public_view(&facts(CaseState::InWork, None), [], name, d(2026, 3, 22), false);
        assert_eq!(running.days_left, Some(10));
        assert_eq!(running.unit.as_deref(), Some("unit 01"));
        assert_eq!(running.missing, vec!["rodni list".to_string()]);
        let waiting = public_view(&facts(CaseState::Waiting, Some("2026-03-12")), [], name, d(2026, 3, 30), false);
        assert_eq!(waiting.days_left, Some(20));
        let decided = public_view(&facts(CaseState::Decided, None), [], name, d(2026, 3, 30), false);
        assert_eq!((decided.days_left, decided.due_on), (None, None));
    }

    #[test]
    fn internal_steps_are_not_shown() {
        let steps = [(0, "registered", Some("01")), (1, "access_reissued", None), (2, "hand_over", Some("02"))];
        let t = public_view(&facts(CaseState::InWork, None), steps, |c| c.to_string(), d(2026, 3, 3), false);
        let kinds: Vec<&str> = t.steps.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(kinds, ["registered", "hand_over"]);
        assert_eq!(t.steps[1].unit.as_deref(), Some("02"));
    }
}

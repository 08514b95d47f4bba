//! The work lists of the document flow: which cases a list shows as of a day.

use chrono::{Duration, NaiveDate};
use serde::Deserialize;

use super::case::CaseState;

/// "Due soon": within this many days.
pub const DUE_SOON_DAYS: i64 = 7;

/// Which cases a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum View {
    /// Not yet decided (registered, in work, waiting for the party).
    #[default]
    Pending,
    /// Undecided and due within a week (overdue ones first).
    DueSoon,
    /// Undecided past their legal deadline (not counting those waiting for the party).
    Overdue,
    Waiting,
    /// Decided, not yet delivered.
    Decided,
    Delivered,
    Closed,
}

impl View {
    pub const ALL: [View; 7] = [View::Pending, View::DueSoon, View::Overdue, View::Waiting, View::Decided, View::Delivered, View::Closed];

    pub fn as_str(self) -> &'static str {
        match self {
            View::Pending => "pending",
            View::DueSoon => "due_soon",
            View::Overdue => "overdue",
            View::Waiting => "waiting",
            View::Decided => "decided",
            View::Delivered => "delivered",
            View::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<View> {
        View::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// The states shown and the last due date, as of `today`.
    pub fn query(self, today: NaiveDate) -> (Vec<CaseState>, Option<NaiveDate>) {
        use CaseState as S;
        match self {
            View::Pending => (vec![S::Registered, S::InWork, S::Waiting], None),
            View::DueSoon => (vec![S::Registered, S::InWork], Some(today + Duration::days(DUE_SOON_DAYS))),
            View::Overdue => (vec![S::Registered, S::InWork], Some(today - Duration::days(1))),
            View::Waiting => (vec![S::Waiting], None),
            View::Decided => (vec![S::Decided, S::Dispatched], None),
            View::Delivered => (vec![S::Delivered], None),
            View::Closed => (vec![S::Closed, S::Joined, S::Archived], None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::docflow::tests::d;

    #[test]
    fn views_parse_from_their_names() {
        for v in View::ALL {
            assert_eq!(View::parse(v.as_str()), Some(v));
        }
        assert_eq!(View::parse("everything"), None);
    }

    #[test]
    fn due_soon_reaches_a_week_ahead_and_overdue_stops_yesterday() {
        assert_eq!(View::DueSoon.query(d(2026, 3, 2)).1, Some(d(2026, 3, 9)));
        assert_eq!(View::Overdue.query(d(2026, 3, 2)).1, Some(d(2026, 3, 1)));
    }
}

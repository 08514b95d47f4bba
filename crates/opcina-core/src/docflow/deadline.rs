//! The legal deadline of a case (ZUP FBiH): a decision within 30 days of a complete request
//! when decided directly, 60 days with an examination procedure, or a special deadline; the
//! time the case waits for the party does not count. Days run from the day after the request
//! was complete; a deadline whose last day is a non-working day ends on the next working day
//! (the rule of ZUP on computing time *[verify]* the exact list of non-working days: Sundays
//! and public holidays are the body's configuration).

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// How long a kind of case may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Term {
    /// Decided directly on the request: 30 days.
    Direct,
    /// With an examination procedure: 60 days.
    Examination,
    /// A special law's deadline.
    Special { days: u32 },
}

impl Term {
    pub fn days(self) -> u32 {
        match self {
            Term::Direct => 30,
            Term::Examination => 60,
            Term::Special { days } => days,
        }
    }
}

/// A time the clock stood: from the day the case began to wait for the party until the day
/// it was complete again (`None`: still waiting).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Pause {
    pub from: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub until: Option<NaiveDate>,
}

/// Which days are not working days (Sundays by default, and the holidays given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub holidays: Vec<NaiveDate>,
    /// Holidays on the same day every year, as (month, day).
    pub yearly: Vec<(u32, u32)>,
    /// Saturdays too, when the body does not work on Saturdays.
    pub saturdays_off: bool,
}

impl Calendar {
    /// The Federation of BiH's public holidays on fixed dates — New Year (1–2 January),
    /// Independence Day (1 March), Labour Day (1–2 May), Statehood Day (25 November) —
    /// with Saturdays and Sundays off. *[verify]* the list against the FBiH law on holidays;
    /// religious holidays (days off for believers) are not non-working days of the body.
    pub fn fbih() -> Calendar {
        Calendar { holidays: Vec::new(), yearly: vec![(1, 1), (1, 2), (3, 1), (5, 1), (5, 2), (11, 25)], saturdays_off: true }
    }

    pub fn working(&self, d: NaiveDate) -> bool {
        !(d.weekday() == Weekday::Sun
            || (self.saturdays_off && d.weekday() == Weekday::Sat)
            || self.holidays.contains(&d)
            || self.yearly.contains(&(d.month(), d.day())))
    }

    /// The due date of a term of `days` that began on `start`, after `paused_days` of waiting.
    pub fn due(&self, start: NaiveDate, days: u32, paused_days: i64) -> NaiveDate {
        self.next_working(start + Duration::days(i64::from(days) + paused_days))
    }

    /// The working day that ends a term of `days` working days begun on `start` (the day of
    /// receipt does not count).
    pub fn after_working_days(&self, start: NaiveDate, days: u32) -> NaiveDate {
        let mut d = start;
        for _ in 0..days {
            d = self.next_working(d + Duration::days(1));
        }
        d
    }

    /// The working days after `from` up to and including `to` (0 when `to` is not after it).
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if self.working(d) {
                n += 1;
            }
        }
        n
    }

    /// `d`, or the first working day after it.
    pub fn next_working(&self, mut d: NaiveDate) -> NaiveDate {
        while !self.working(d) {
            d += Duration::days(1);
        }
        d
    }
}

/// Where a case's deadline stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Standing {
    /// Running: due on `due`, `days_left` from today (0 on the last day).
    Running { due: NaiveDate, days_left: i64 },
    /// Waiting for the party: the clock stands; `days_left` is what remains when it resumes.
    Paused { since: NaiveDate, days_left: i64 },
    /// Past its due date by `days_over`.
    Overdue { due: NaiveDate, days_over: i64 },
}

/// A case's deadline: complete on `start`, the term, and the pauses (in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadline {
    pub start: NaiveDate,
    pub term: Term,
    pub pauses: Vec<Pause>,
}

impl Deadline {
    /// Days the clock stood up to `today` (days overlapping pauses count once).
    pub fn paused_days(&self, today: NaiveDate) -> i64 {
        let mut spans: Vec<(NaiveDate, NaiveDate)> = self
            .pauses
            .iter()
            .map(|p| (p.from.max(self.start), p.until.unwrap_or(today).min(today.max(p.from))))
            .filter(|(a, b)| b > a)
            .collect();
        spans.sort();
        let mut total = 0;
        let mut reached = self.start;
        for (from, until) in spans {
            let from = from.max(reached);
            if until > from {
                total += (until - from).num_days();
                reached = until;
            }
        }
        total
    }

    /// The due date as it stands on `today` (a pause still open keeps moving it).
    pub fn due(&self, today: NaiveDate, calendar: &Calendar) -> NaiveDate {
        calendar.due(self.start, self.term.days(), self.paused_days(today))
    }

    pub fn standing(&self, today: NaiveDate, calendar: &Calendar) -> Standing {
        let due = self.due(today, calendar);
        match self.pauses.iter().rev().find(|p| p.until.is_none() && p.from <= today) {
            Some(open) => Standing::Paused { since: open.from, days_left: (due - today).num_days().max(0) },
            None if today > due => Standing::Overdue { due, days_over: (today - due).num_days() },
            None => Standing::Running { due, days_left: (due - today).num_days() },
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    use crate::docflow::tests::d;

    #[test]
    fn thirty_and_sixty_days_run_from_the_complete_request() {
        let cal = Calendar::default();
        let direct = Deadline { start: d(2026, 3, 2), term: Term::Direct, pauses: vec![] };
        assert_eq!(direct.due(d(2026, 3, 2), &cal), d(2026, 4, 1));
        assert_eq!(direct.standing(d(2026, 3, 31), &cal), Standing::Running { due: d(2026, 4, 1), days_left: 1 });
        assert_eq!(direct.standing(d(2026, 4, 3), &cal), Standing::Overdue { due: d(2026, 4, 1), days_over: 2 });
        let exam = Deadline { start: d(2026, 3, 2), term: Term::Examination, pauses: vec![] };
        assert_eq!(exam.due(d(2026, 3, 2), &cal), d(2026, 5, 1));
        assert_eq!(Deadline { term: Term::Special { days: 8 }, ..direct }.due(d(2026, 3, 2), &cal), d(2026, 3, 10));
    }

    #[test]
    fn waiting_for_the_party_stops_the_clock() {
        let cal = Calendar::default();
        let mut case = Deadline { start: d(2026, 3, 2), term: Term::Direct, pauses: vec![Pause { from: d(2026, 3, 10), until: None }] };
        // Waiting since the 10th: 8 days were used, 22 remain however long it waits.
        assert_eq!(case.standing(d(2026, 3, 20), &cal), Standing::Paused { since: d(2026, 3, 10), days_left: 22 });
        assert_eq!(case.standing(d(2026, 5, 20), &cal), Standing::Paused { since: d(2026, 3, 10), days_left: 22 });
        // Complete again on the 25th: 15 days stood, the due date moves from 1 April to 16 April.
        case.pauses[0].until = Some(d(2026, 3, 25));
        assert_eq!(case.due(d(2026, 4, 1), &cal), d(2026, 4, 16));
        assert_eq!(case.standing(d(2026, 4, 2), &cal), Standing::Running { due: d(2026, 4, 16), days_left: 14 });
        // Overlapping pauses count once.
        case.pauses.push(Pause { from: d(2026, 3, 20), until: Some(d(2026, 3, 27)) });
        assert_eq!(case.paused_days(d(2026, 4, 1)), 17);
    }

    #[test]
    fn a_deadline_ending_on_a_non_working_day_ends_on_the_next_working_day() {
        // 30 days from 3 April 2026 is 3 May, a Sunday; 4 May is a holiday here.
        let cal = Calendar { holidays: vec![d(2026, 5, 4)], ..Calendar::default() };
        let case = Deadline { start: d(2026, 4, 3), term: Term::Direct, pauses: vec![] };
        assert_eq!(d(2026, 5, 3).weekday(), Weekday::Sun);
        assert_eq!(case.due(d(2026, 4, 3), &cal), d(2026, 5, 5), "Sunday, then a holiday");
        let saturday = Deadline { start: d(2026, 4, 2), term: Term::Direct, pauses: vec![] };
        assert_eq!(saturday.due(d(2026, 4, 2), &Calendar::default()), d(2026, 5, 2));
        assert_eq!(
            saturday.due(d(2026, 4, 2), &Calendar { holidays: vec![d(2026, 5, 4)], yearly: vec![], saturdays_off: true }),
            d(2026, 5, 5)
        );
    }

    #[test]
    fn the_fbih_calendar_skips_weekends_and_fixed_holidays() {
        let cal = Calendar::fbih();
        // 30 days from 26 October 2026 is 25 November (Statehood Day, a Wednesday).
        assert_eq!(cal.due(d(2026, 10, 26), 30, 0), d(2026, 11, 26));
        // 1 May 2027 is a Saturday; the 2nd a Sunday and Labour Day; the 3rd is a Monday.
        assert_eq!(cal.due(d(2027, 4, 1), 30, 0), d(2027, 5, 3));
        assert!(cal.working(d(2026, 11, 24)) && !cal.working(d(2027, 1, 2)));
    }
}

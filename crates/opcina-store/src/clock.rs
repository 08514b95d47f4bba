//! The node's one clock: what day it is (the legal date of registrations, deadlines,
//! retention) and what moment it is (the time a record is recorded at).
//!
//! Every use case asks the store's clock ([`crate::Store::today`], [`crate::Store::now`]),
//! never the wall clock directly, so that a test (or the generation of a history of cases)
//! can set the day and see the whole node follow it. Only the day can be set: the moment a
//! record is recorded at always comes from the wall clock, so that the journal's moments
//! never run backwards and "as recorded at" reads stay true.

use std::sync::RwLock;

use chrono::NaiveDate;
use opcina_core::registry::Timestamp;

/// The clock a store runs on.
#[derive(Debug, Default)]
pub struct Clock {
    /// The day taken as today, when set.
    day: RwLock<Option<NaiveDate>>,
}

impl Clock {
    /// The day the node takes as today: the one set, or the calendar's in local time
    /// (registration dates are local dates).
    pub fn today(&self) -> NaiveDate {
        self.day.read().ok().and_then(|d| *d).unwrap_or_else(calendar_today)
    }

    /// The moment now (microseconds since the epoch, UTC).
    pub fn now(&self) -> Timestamp {
        Timestamp::now()
    }

    /// Takes `day` as today (`None`: the calendar's today again).
    pub fn set_today(&self, day: Option<NaiveDate>) {
        if let Ok(mut d) = self.day.write() {
            *d = day;
        }
    }
}

/// The calendar's today in local time, for programs that have no store open (a command
/// line that checks a file before loading it). Code that serves a node asks its store.
pub fn calendar_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_set_is_today_until_it_is_unset() {
        let clock = Clock::default();
        let day = NaiveDate::from_ymd_opt(2031, 2, 3).unwrap();
        clock.set_today(Some(day));
        assert_eq!(clock.today(), day);
        clock.set_today(None);
        assert_eq!(clock.today(), calendar_today());
    }
}

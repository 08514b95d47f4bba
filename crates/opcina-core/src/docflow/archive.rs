//! The archive of closed cases (shared/DOMAIN.md §5): a closed case is entered in the year's
//! archive book (arhivska knjiga) and kept for its class's retention — permanently, or N
//! years; when that has run out it may be listed in a disposal proposal (prijedlog za
//! izlučivanje), and it is destroyed only after the competent archive's approval is
//! recorded, and never while it is on legal hold (the MoReq2010 idea of a hold that stops
//! every disposal).
//!
//! This module holds the rules; the store keeps the book, the holds and the proposals.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// How long a closed case is kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retention {
    Permanent,
    Years(u32),
}

impl Retention {
    /// From a class's stored retention (`None`: permanently).
    pub fn from_years(years: Option<i64>) -> Retention {
        match years.and_then(|y| u32::try_from(y).ok()) {
            Some(y) => Retention::Years(y),
            None => Retention::Permanent,
        }
    }

    pub fn years(self) -> Option<i64> {
        match self {
            Retention::Permanent => None,
            Retention::Years(y) => Some(i64::from(y)),
        }
    }

    /// The first day a case closed on `closed_on` may be destroyed, or `None` when it is kept
    /// permanently. Retention is counted in whole years from the first of January after the
    /// year the case was closed, as the office-operations rules count it *[verify against
    /// the FBiH archival regulation]*: a case closed on 2026-03-10 and kept 5 years may go on
    /// 2032-01-01.
    pub fn keep_until(self, closed_on: NaiveDate) -> Option<NaiveDate> {
        match self {
            Retention::Permanent => None,
            Retention::Years(y) => {
                let year = closed_on.year().saturating_add(1).saturating_add(i32::try_from(y).unwrap_or(i32::MAX - 1));
                NaiveDate::from_ymd_opt(year, 1, 1)
            }
        }
    }
}

/// Where an entry of the archive book stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// In the archive.
    Kept,
    /// Listed in a disposal proposal that is not yet carried out.
    Proposed,
    /// Destroyed after an approved disposal: the book keeps the entry, the files are gone.
    Destroyed,
}

impl EntryState {
    pub const ALL: [EntryState; 3] = [EntryState::Kept, EntryState::Proposed, EntryState::Destroyed];

    pub fn as_str(self) -> &'static str {
        match self {
            EntryState::Kept => "kept",
            EntryState::Proposed => "proposed",
            EntryState::Destroyed => "destroyed",
        }
    }

    pub fn parse(s: &str) -> Option<EntryState> {
        EntryState::ALL.into_iter().find(|e| e.as_str() == s)
    }
}

/// Where a disposal proposal stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DisposalState {
    /// Drawn up and sent to the competent archive.
    #[default]
    Proposed,
    /// The archive approved it (its act's number and date are recorded).
    Approved,
    /// The archive refused it: everything listed stays.
    Refused,
    /// Carried out: what was approved and not on hold is destroyed.
    Done,
}

impl DisposalState {
    pub const ALL: [DisposalState; 4] = [DisposalState::Proposed, DisposalState::Approved, DisposalState::Refused, DisposalState::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            DisposalState::Proposed => "proposed",
            DisposalState::Approved => "approved",
            DisposalState::Refused => "refused",
            DisposalState::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<DisposalState> {
        DisposalState::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The next state after the archive's answer or the destruction, or why not.
    pub fn after(self, step: DisposalStep) -> Result<DisposalState, FieldError> {
        match (self, step) {
            (DisposalState::Proposed, DisposalStep::Approve) => Ok(DisposalState::Approved),
            (DisposalState::Proposed, DisposalStep::Refuse) => Ok(DisposalState::Refused),
            (DisposalState::Approved, DisposalStep::Destroy) => Ok(DisposalState::Done),
            (DisposalState::Proposed, DisposalStep::Destroy) => {
                Err(FieldError::general("archive.disposal.not_approved", "nothing is destroyed before the archive's approval is recorded"))
            }
            (state, step) => Err(FieldError::general(
                "archive.disposal.transition",
                format!("a disposal that is {} cannot be {}", state.as_str(), step.past()),
            )),
        }
    }
}

/// What happens to a disposal proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DisposalStep {
    Approve,
    Refuse,
    Destroy,
}

impl DisposalStep {
    fn past(self) -> &'static str {
        match self {
            DisposalStep::Approve => "approved",
            DisposalStep::Refuse => "refused",
            DisposalStep::Destroy => "carried out",
        }
    }
}

/// May an entry of the archive book be listed for destruction on `as_of`? `keep_until` is
/// the entry's first day of disposal (`None`: permanent).
pub fn may_dispose(state: EntryState, keep_until: Option<NaiveDate>, on_hold: bool, as_of: NaiveDate) -> Result<(), FieldError> {
    if on_hold {
        return Err(FieldError::general("archive.hold", "the case is on legal hold: it is not destroyed until the hold is released"));
    }
    match (state, keep_until) {
        (EntryState::Destroyed, _) => Err(FieldError::general("archive.entry.destroyed", "the case was destroyed already")),
        (_, None) => Err(FieldError::general("archive.entry.permanent", "the case is kept permanently")),
        (_, Some(until)) if as_of < until => Err(FieldError::general("archive.entry.retention", format!("the case is kept until {until}"))),
        _ => Ok(()),
    }
}

impl std::fmt::Display for EntryState {
    /// The stable code, as stored and as messages name it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::fmt::Display for DisposalState {
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
    fn retention_counts_whole_years_after_the_year_of_closing() {
        assert_eq!(Retention::Years(5).keep_until(d(2026, 3, 10)), Some(d(2032, 1, 1)));
        assert_eq!(Retention::Years(5).keep_until(d(2026, 12, 31)), Some(d(2032, 1, 1)));
        assert_eq!(Retention::Years(1).keep_until(d(2026, 1, 1)), Some(d(2028, 1, 1)));
        assert_eq!(Retention::Permanent.keep_until(d(2026, 3, 10)), None);
        assert_eq!(Retention::from_years(None), Retention::Permanent);
        assert_eq!(Retention::from_years(Some(10)).years(), Some(10));
    }

    #[test]
    fn only_what_has_served_its_time_and_is_not_held_may_go() {
        let until = Some(d(2032, 1, 1));
        assert!(may_dispose(EntryState::Kept, until, false, d(2032, 1, 1)).is_ok());
        assert_eq!(may_dispose(EntryState::Kept, until, false, d(2031, 12, 31)).unwrap_err().code, "archive.entry.retention");
        assert_eq!(may_dispose(EntryState::Kept, None, false, d(2090, 1, 1)).unwrap_err().code, "archive.entry.permanent");
        assert_eq!(may_dispose(EntryState::Proposed, until, true, d(2040, 1, 1)).unwrap_err().code, "archive.hold");
        assert_eq!(may_dispose(EntryState::Destroyed, until, false, d(2040, 1, 1)).unwrap_err().code, "archive.entry.destroyed");
    }

    #[test]
    fn nothing_is_destroyed_before_approval() {
        assert_eq!(DisposalState::Proposed.after(DisposalStep::Destroy).unwrap_err().code, "archive.disposal.not_approved");
        assert_eq!(DisposalState::Proposed.after(DisposalStep::Approve).unwrap(), DisposalState::Approved);
        assert_eq!(DisposalState::Approved.after(DisposalStep::Destroy).unwrap(), DisposalState::Done);
        assert_eq!(DisposalState::Refused.after(DisposalStep::Destroy).unwrap_err().code, "archive.disposal.transition");
        assert_eq!(DisposalState::Done.after(DisposalStep::Destroy).unwrap_err().code, "archive.disposal.transition");
        for s in DisposalState::ALL {
            assert_eq!(DisposalState::parse(s.as_str()), Some(s));
        }
        for s in EntryState::ALL {
            assert_eq!(EntryState::parse(s.as_str()), Some(s));
        }
    }
}

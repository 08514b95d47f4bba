//! Document flow (office operations, FBiH — shared/DOMAIN.md §5): registry numbers of the
//! protocol books, the legal deadlines of cases, the steps of a case's life cycle and the
//! archive's rules of retention and disposal, who may read or work on a case, the work lists and the public tracking of a
//! case.

pub mod access;
pub mod archive;
pub mod case;
pub mod deadline;
pub mod number;
pub mod receipt;
pub mod tracking;
pub mod worklist;

#[cfg(test)]
pub(crate) mod tests {
    #![allow(clippy::unwrap_used)]

    /// A date, for brevity in tests.
    pub fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }
}

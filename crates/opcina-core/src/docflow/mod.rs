//! Document flow (office operations, FBiH — shared/DOMAIN.md §5): registry numbers of the
//! protocol books and the legal deadlines of cases. (The books, cases and their life cycle
//! build on these.)

pub mod deadline;
pub mod number;

//! Document flow (office operations, FBiH — shared/DOMAIN.md §5): registry numbers of the
//! protocol books, the legal deadlines of cases, and the steps of a case's life cycle.

pub mod case;
pub mod deadline;
pub mod number;

//! The civil registers (matične knjige): births (MKR), citizens (MKD), marriages (MKV) and
//! deaths (MKU), their annotations, the person view derived from them, and the commands
//! that add to them.

pub mod annotation;
pub mod commands;
pub mod entry;
pub mod import;
pub mod memory;
pub mod person;
pub mod standing;
pub mod types;
pub mod validate;

pub use annotation::{Annotation, AnnotationContent, AnnotationRecord, EventRef, LegalBasis, MarriageEndReason, PersonRef};
pub use commands::{Applied, Command, Facts, Needs, Plan, PlanContext};
pub use entry::{BirthEntry, CitizenshipEntry, DeathEntry, EntryContent, EntryRecord, MarriageEntry};
pub use person::{MaritalStatus, PersonRecords, PersonView, ViewTime, person_view};
pub use standing::as_it_stands;
pub use types::{Actor, Place, Register, Role, Sex, Timestamp};

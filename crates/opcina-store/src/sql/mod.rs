//! Each context's reads, written once for both databases over the kernel's [`Reads`](crate::backend::Reads): a
//! trait per context (`AnchorReads`, `RegistryReads`, `ExtractReads`, `AccountReads`, `FederationReads`,
//! `MailReads`, `DocflowReads`, `ArchiveReads`, `PublicInfoReads`) implemented for every `Reads` — the read pool
//! (`backend.reads()`) and a write transaction alike. Both schemas have the same tables and
//! columns, and sqlx binds `$N` parameters on both, so a statement serves both databases.
//!
//! These files are ordinary modules (`cargo fmt` formats them); only the kernel's SQL
//! (`common.rs`: the journal, writing rows, migrations) is compiled per backend.

pub mod accounts;
pub mod anchor;
pub mod archive;
pub mod docflow;
pub mod extracts;
pub mod federation;
pub mod mail;
pub mod publicinfo;
pub mod registry;
mod shared;

pub use accounts::AccountReads;
pub use anchor::AnchorReads;
pub use archive::ArchiveReads;
pub use docflow::DocflowReads;
pub use extracts::ExtractReads;
pub use federation::FederationReads;
pub use mail::MailReads;
pub use publicinfo::{AccreditationReads, DeskReads, InformationReads, MessageReads, PressReads, PublicInfoReads, ReportReads};
pub use registry::RegistryReads;

/// Every context's reads, for `use opcina_store::sql::prelude::*`.
pub mod prelude {
    pub use super::{
        AccountReads, AccreditationReads, AnchorReads, ArchiveReads, DeskReads, DocflowReads, ExtractReads, FederationReads,
        InformationReads, MailReads, MessageReads, PressReads, PublicInfoReads, RegistryReads, ReportReads,
    };
}

//! Each context's reads, written once for both databases over the kernel's [`Reads`]: a
//! trait per context (`RegistryReads`, `ExtractReads`, `AccountReads`, `FederationReads`,
//! `DocflowReads`, `ArchiveReads`) implemented for every [`Reads`] — the read pool
//! (`backend.reads()`) and a write transaction alike. Both schemas have the same tables and
//! columns, and sqlx binds `$N` parameters on both, so a statement serves both databases.
//!
//! These files are ordinary modules (`cargo fmt` formats them); only the kernel's SQL
//! (`common.rs`: the journal, writing rows, migrations) is compiled per backend.

pub mod accounts;
pub mod archive;
pub mod docflow;
pub mod extracts;
pub mod federation;
pub mod registry;

use crate::backend::{Reads, all};
use crate::error::Result;
use crate::table::Record;

pub use accounts::AccountReads;
pub use archive::ArchiveReads;
pub use docflow::DocflowReads;
pub use extracts::ExtractReads;
pub use federation::FederationReads;
pub use registry::RegistryReads;

/// `$from, $from+1, …` for `n` parameters (an `IN (…)` list).
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Rows of a table about a person (`subject_jmbg`), newest first, before the id `before`
/// (keyset pages of the access log and of the documents issued or refused).
pub(crate) async fn about_person<T: Record, R: Reads + ?Sized>(
    db: &mut R,
    table: &str,
    jmbg: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<T>> {
    let sql = format!("SELECT {} FROM {table} WHERE subject_jmbg = $1 AND id < $2 ORDER BY id DESC LIMIT $3", T::COLUMNS);
    all(db, &sql, &[&jmbg, &before.unwrap_or(i64::MAX), &limit]).await
}

/// Every context's reads, for `use opcina_store::sql::prelude::*`.
pub mod prelude {
    pub use super::{AccountReads, ArchiveReads, DocflowReads, ExtractReads, FederationReads, RegistryReads};
}

//! Query shapes more than one context uses.

use crate::backend::{Reads, all};
use crate::error::Result;
use crate::table::Record;

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

//! Query shapes more than one context uses.

use crate::backend::{Reads, all};
use crate::error::Result;
use crate::table::Param;
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

/// The values of the JMBG columns `columns` of `table`'s rows with these ids, where set:
/// the people a page of rows names (an entry's subject and spouse, a case's party), to log
/// their read.
pub(crate) async fn people_of<R: Reads + ?Sized>(db: &mut R, table: &str, columns: &[&str], ids: &[i64]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for chunk in ids.chunks(1000) {
        let params: Vec<&dyn Param> = chunk.iter().map(|id| id as &dyn Param).collect();
        for column in columns {
            let sql = format!("SELECT {column} FROM {table} WHERE id IN ({}) AND {column} IS NOT NULL", placeholders(1, chunk.len()));
            out.extend(all::<String, _>(db, &sql, &params).await?);
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

//! Query shapes more than one context uses.

use crate::backend::{Reads, all};
use crate::error::Result;
use crate::table::Param;
use crate::table::Record;

/// `$from, $from+1, …` for `n` parameters (an `IN (…)` list).
pub(crate) fn placeholders(from: usize, n: usize) -> String {
    (from..from + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// Rows of a table about a person (`subject_jmbg`, any of their numbers), newest first, before the id `before`
/// (keyset pages of the access log and of the documents issued or refused).
pub(crate) async fn about_person<T: Record, R: Reads + ?Sized>(
    db: &mut R,
    table: &str,
    jmbg: &str,
    before: Option<i64>,
    limit: i64,
) -> Result<Vec<T>> {
    // Under every number the person has had (a corrected sex or date of birth replaces it).
    let numbers = crate::sql::registry::numbers_of(db, jmbg).await?;
    let n = numbers.len();
    let sql = format!(
        "SELECT {} FROM {table} WHERE subject_jmbg IN ({}) AND id < ${} ORDER BY id DESC LIMIT ${}",
        T::COLUMNS,
        placeholders(1, n),
        n + 1,
        n + 2
    );
    let before = before.unwrap_or(i64::MAX);
    let mut params: Vec<&dyn Param> = numbers.iter().map(|j| j as &dyn Param).collect();
    params.extend([&before as &dyn Param, &limit as &dyn Param]);
    all(db, &sql, &params).await
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

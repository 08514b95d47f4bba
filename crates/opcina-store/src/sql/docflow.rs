//! The document flow's reads, written once for both databases.

use async_trait::async_trait;

use crate::backend::{Reads, all, one};
use crate::error::Result;
use crate::rows::{
    AttachmentRow, CaseEventRow, CaseQuery, CaseRow, CaseTypeRow, ClassRow, DocflowConfig, OnTimeRow, PatternRow, RecordRow, StaffRow,
    UnitRow,
};
use crate::table::{Param, Record};

#[async_trait]
pub trait DocflowReads: Reads {
    /// The body's units, staff placements, classes, kinds of case and numbering pattern.
    async fn docflow_config(&mut self) -> Result<DocflowConfig> {
        let units = all(self, &format!("SELECT {} FROM protocol_units ORDER BY code", UnitRow::COLUMNS), &[]).await?;
        // Each user's latest placement.
        let staff = all(
            self,
            &format!(
                "SELECT {} FROM unit_staff s WHERE id = (SELECT MAX(id) FROM unit_staff l WHERE l.username = s.username) ORDER BY username",
                StaffRow::COLUMNS
            ),
            &[],
        )
        .await?;
        let classes = all(self, &format!("SELECT {} FROM protocol_classes ORDER BY mark", ClassRow::COLUMNS), &[]).await?;
        let case_types = all(self, &format!("SELECT {} FROM case_types ORDER BY title, code", CaseTypeRow::COLUMNS), &[]).await?;
        let pattern = one(self, &format!("SELECT {} FROM protocol_settings ORDER BY id DESC LIMIT 1", PatternRow::COLUMNS), &[]).await?;
        Ok(DocflowConfig { units, staff, classes, case_types, pattern })
    }

    /// The last serial of a protocol book of a unit in a year (0 when none).
    async fn last_protocol_serial(&mut self, book: &str, unit: &str, year: i64) -> Result<i64> {
        let sql = "SELECT MAX(serial) FROM protocol_records WHERE book = $1 AND unit_code = $2 AND year = $3";
        let n: Option<Option<i64>> = one(self, sql, &[&book, &unit, &year]).await?;
        Ok(n.flatten().unwrap_or(0))
    }

    async fn case(&mut self, id: i64) -> Result<Option<CaseRow>> {
        one(self, &format!("SELECT {} FROM cases WHERE id = $1", CaseRow::COLUMNS), &[&id]).await
    }

    /// Cases by registry number (a number can repeat across books when the body's pattern
    /// leaves the book out).
    async fn cases_numbered(&mut self, number: &str) -> Result<Vec<CaseRow>> {
        all(self, &format!("SELECT {} FROM cases WHERE number = $1 ORDER BY id", CaseRow::COLUMNS), &[&number]).await
    }

    async fn case_events(&mut self, case_id: i64) -> Result<Vec<CaseEventRow>> {
        all(self, &format!("SELECT {} FROM case_events WHERE case_id = $1 ORDER BY id", CaseEventRow::COLUMNS), &[&case_id]).await
    }

    async fn record(&mut self, id: i64) -> Result<Option<RecordRow>> {
        one(self, &format!("SELECT {} FROM protocol_records WHERE id = $1", RecordRow::COLUMNS), &[&id]).await
    }

    async fn case_records(&mut self, case_id: i64) -> Result<Vec<RecordRow>> {
        all(self, &format!("SELECT {} FROM protocol_records WHERE case_id = $1 ORDER BY id", RecordRow::COLUMNS), &[&case_id]).await
    }

    async fn attachment(&mut self, id: i64) -> Result<Option<AttachmentRow>> {
        one(self, &format!("SELECT {} FROM attachments WHERE id = $1", AttachmentRow::COLUMNS), &[&id]).await
    }

    /// A case's files, every version, in the order they came.
    async fn case_attachments(&mut self, case_id: i64) -> Result<Vec<AttachmentRow>> {
        all(self, &format!("SELECT {} FROM attachments WHERE case_id = $1 ORDER BY id", AttachmentRow::COLUMNS), &[&case_id]).await
    }

    /// Files after an id (the document index follows them).
    async fn attachments_after(&mut self, after: i64, limit: i64) -> Result<Vec<AttachmentRow>> {
        let sql = format!("SELECT {} FROM attachments WHERE id > $1 ORDER BY id LIMIT $2", AttachmentRow::COLUMNS);
        all(self, &sql, &[&after, &limit]).await
    }

    /// The latest version of a chain of attachments (0 when none).
    async fn last_attachment_version(&mut self, first_id: i64) -> Result<i64> {
        let n: Option<Option<i64>> = one(self, "SELECT MAX(version) FROM attachments WHERE first_id = $1", &[&first_id]).await?;
        Ok(n.flatten().unwrap_or(0))
    }

    /// The cases handed over across units, for what a unit sees: (held by `unit` though
    /// their kind belongs to another, of `unit`'s kinds but held by another).
    async fn handed_across(&mut self, unit: &str) -> Result<(Vec<i64>, Vec<i64>)> {
        let held = all(self, "SELECT id FROM cases WHERE holder_unit = $1 AND holder_unit <> unit_code ORDER BY id", &[&unit]).await?;
        let given = all(self, "SELECT id FROM cases WHERE unit_code = $1 AND holder_unit <> unit_code ORDER BY id", &[&unit]).await?;
        Ok((held, given))
    }

    /// Cases in any of the states asked for, merged in (due_on, id) order: each state is
    /// read through its index, so a page costs `limit` rows per state however many cases
    /// there are.
    async fn cases_page(&mut self, q: &CaseQuery) -> Result<Vec<CaseRow>> {
        let mut found = Vec::new();
        for state in &q.states {
            found.extend(cases_in_state(self, q, state).await?);
        }
        found.sort_by(|a, b| (a.due_on.as_str(), a.id).cmp(&(b.due_on.as_str(), b.id)));
        found.truncate(usize::try_from(q.limit).unwrap_or(0));
        Ok(found)
    }

    /// A protocol book of a unit and year in the order of its numbers, after (serial, sub).
    async fn protocol_page(&mut self, book: &str, unit: &str, year: i64, after: Option<(i64, i64)>, limit: i64) -> Result<Vec<RecordRow>> {
        let (serial, sub) = after.unwrap_or((0, -1));
        let sql = format!(
            "SELECT {} FROM protocol_records WHERE book = $1 AND unit_code = $2 AND year = $3 \
             AND (serial > $4 OR (serial = $4 AND sub > $5)) ORDER BY serial, sub LIMIT $6",
            RecordRow::COLUMNS
        );
        all(self, &sql, &[&book, &unit, &year, &serial, &sub, &limit]).await
    }

    /// The parties named by JMBG of these cases.
    async fn case_parties(&mut self, case_ids: &[i64]) -> Result<Vec<String>> {
        crate::sql::shared::people_of(self, "cases", &["party_jmbg"], case_ids).await
    }

    /// Cases decided between two days (inclusive, `YYYY-MM-DD`), per kind and unit.
    async fn on_time(&mut self, from: &str, to: &str) -> Result<Vec<OnTimeRow>> {
        let sql = "SELECT case_type, unit_code, COUNT(*), COALESCE(SUM(CASE WHEN decided_on <= due_on THEN 1 ELSE 0 END), 0) \
                   FROM cases WHERE decided_on >= $1 AND decided_on <= $2 GROUP BY case_type, unit_code ORDER BY case_type, unit_code";
        all(self, sql, &[&from, &to]).await
    }
}

impl<R: Reads + ?Sized> DocflowReads for R {}

/// One state's page: an ordered scan of one of the (…, state, due_on, id) indexes.
async fn cases_in_state<R: Reads + ?Sized>(db: &mut R, q: &CaseQuery, state: &str) -> Result<Vec<CaseRow>> {
    let mut sql = format!("SELECT {} FROM cases WHERE state = $1", CaseRow::COLUMNS);
    let mut params: Vec<&dyn Param> = vec![&state];
    if let Some(unit) = &q.unit {
        params.push(unit);
        sql.push_str(&format!(" AND holder_unit = ${}", params.len()));
    }
    if let Some(official) = &q.official {
        params.push(official);
        sql.push_str(&format!(" AND holder_official = ${}", params.len()));
    }
    if let Some(due_by) = &q.due_by {
        params.push(due_by);
        sql.push_str(&format!(" AND due_on <= ${}", params.len()));
    }
    if let Some((due, id)) = &q.after {
        params.push(due);
        params.push(id);
        let (d, i) = (params.len() - 1, params.len());
        sql.push_str(&format!(" AND (due_on > ${d} OR (due_on = ${d} AND id > ${i}))"));
    }
    params.push(&q.limit);
    sql.push_str(&format!(" ORDER BY due_on, id LIMIT ${}", params.len()));
    all(db, &sql, &params).await
}

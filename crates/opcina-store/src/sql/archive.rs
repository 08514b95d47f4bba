// The archive's reads, shared by both backends like `common.rs` (included after it).

const DISPOSAL_COLUMNS: &str =
    "id, as_of, state, proposed_by, proposed_at, answer_ref, answered_on, answered_by, done_by, done_at, updated_at";
const ARCHIVE_ENTRY_COLUMNS: &str = "id, year, serial, case_id, number, class, content, closed_on, retention_years, keep_until, files, state, disposal_id, archived_by, archived_at, updated_at";
const DISPOSAL_ITEM_COLUMNS: &str = "id, disposal_id, entry_id, case_id";
const HOLD_COLUMNS: &str = "id, case_id, placed, reason, by_user, at";

fn disposal_from(r: &DbRow) -> Result<DisposalRow> {
    Ok(DisposalRow {
        id: r.try_get("id")?,
        as_of: r.try_get("as_of")?,
        state: r.try_get("state")?,
        proposed_by: r.try_get("proposed_by")?,
        proposed_at: r.try_get("proposed_at")?,
        answer_ref: r.try_get("answer_ref")?,
        answered_on: r.try_get("answered_on")?,
        answered_by: r.try_get("answered_by")?,
        done_by: r.try_get("done_by")?,
        done_at: r.try_get("done_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn archive_entry_from(r: &DbRow) -> Result<ArchiveEntryRow> {
    Ok(ArchiveEntryRow {
        id: r.try_get("id")?,
        year: r.try_get("year")?,
        serial: r.try_get("serial")?,
        case_id: r.try_get("case_id")?,
        number: r.try_get("number")?,
        class: r.try_get("class")?,
        content: r.try_get("content")?,
        closed_on: r.try_get("closed_on")?,
        retention_years: r.try_get("retention_years")?,
        keep_until: r.try_get("keep_until")?,
        files: r.try_get("files")?,
        state: r.try_get("state")?,
        disposal_id: r.try_get("disposal_id")?,
        archived_by: r.try_get("archived_by")?,
        archived_at: r.try_get("archived_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn disposal_item_from(r: &DbRow) -> Result<DisposalItemRow> {
    Ok(DisposalItemRow {
        id: r.try_get("id")?,
        disposal_id: r.try_get("disposal_id")?,
        entry_id: r.try_get("entry_id")?,
        case_id: r.try_get("case_id")?,
    })
}

fn hold_from(r: &DbRow) -> Result<HoldRow> {
    Ok(HoldRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        placed: r.try_get("placed")?,
        reason: r.try_get("reason")?,
        by_user: r.try_get("by_user")?,
        at: r.try_get("at")?,
    })
}

async fn fetch_last_archive_serial(c: &mut Conn, year: i64) -> Result<i64> {
    let row = sqlx::query("SELECT MAX(serial) AS n FROM archive_entries WHERE year = $1").bind(year).fetch_one(&mut *c).await?;
    Ok(row.try_get::<Option<i64>, _>("n")?.unwrap_or(0))
}

async fn fetch_archive_entry_of(c: &mut Conn, case_id: i64) -> Result<Option<ArchiveEntryRow>> {
    let sql = format!("SELECT {ARCHIVE_ENTRY_COLUMNS} FROM archive_entries WHERE case_id = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(case_id).fetch_optional(&mut *c).await?.as_ref().map(archive_entry_from).transpose()
}

async fn fetch_archive_book(c: &mut Conn, year: i64, after_serial: i64, limit: i64) -> Result<Vec<ArchiveEntryRow>> {
    let sql = format!("SELECT {ARCHIVE_ENTRY_COLUMNS} FROM archive_entries WHERE year = $1 AND serial > $2 ORDER BY serial LIMIT $3");
    sqlx::query(AssertSqlSafe(sql))
        .bind(year)
        .bind(after_serial)
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(archive_entry_from)
        .collect()
}

/// Whether a case's latest hold row places a hold.
const HELD: &str = "EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = e.case_id AND h.placed = $HOLD AND h.id = (SELECT MAX(l.id) FROM legal_holds l WHERE l.case_id = e.case_id))";

/// Entries kept whose retention has run out by `as_of` and that are not on hold, oldest
/// first.
async fn fetch_disposable_entries(c: &mut Conn, as_of: &str) -> Result<Vec<ArchiveEntryRow>> {
    let held = HELD.replace("$HOLD", "$2");
    let sql = format!(
        "SELECT {ARCHIVE_ENTRY_COLUMNS} FROM archive_entries e WHERE state = 'kept' AND keep_until IS NOT NULL AND keep_until <= $1 AND NOT {held} ORDER BY keep_until, id"
    );
    sqlx::query(AssertSqlSafe(sql)).bind(as_of).bind(true).fetch_all(&mut *c).await?.iter().map(archive_entry_from).collect()
}

async fn fetch_case_holds(c: &mut Conn, case_id: i64) -> Result<Vec<HoldRow>> {
    let sql = format!("SELECT {HOLD_COLUMNS} FROM legal_holds WHERE case_id = $1 ORDER BY id");
    sqlx::query(AssertSqlSafe(sql)).bind(case_id).fetch_all(&mut *c).await?.iter().map(hold_from).collect()
}

async fn fetch_disposal(c: &mut Conn, id: i64) -> Result<Option<DisposalRow>> {
    let sql = format!("SELECT {DISPOSAL_COLUMNS} FROM disposals WHERE id = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await?.as_ref().map(disposal_from).transpose()
}

/// The entries a proposal listed, in its order, as they stand now.
async fn fetch_disposal_entries(c: &mut Conn, disposal_id: i64) -> Result<Vec<ArchiveEntryRow>> {
    let columns = ARCHIVE_ENTRY_COLUMNS.split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT {columns} FROM disposal_items i JOIN archive_entries e ON e.id = i.entry_id WHERE i.disposal_id = $1 ORDER BY i.id"
    );
    sqlx::query(AssertSqlSafe(sql)).bind(disposal_id).fetch_all(&mut *c).await?.iter().map(archive_entry_from).collect()
}

/// How many files with this content belong to cases that are not destroyed (content is
/// kept once however many cases hold it).
async fn fetch_live_references(c: &mut Conn, sha256: &str) -> Result<i64> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM attachments a WHERE a.sha256 = $1 AND NOT EXISTS (SELECT 1 FROM archive_entries e WHERE e.case_id = a.case_id AND e.state = 'destroyed')",
    )
    .bind(sha256)
    .fetch_one(&mut *c)
    .await?;
    Ok(row.try_get("n")?)
}

async fn fetch_disposals(c: &mut Conn, limit: i64) -> Result<Vec<DisposalRow>> {
    let sql = format!("SELECT {DISPOSAL_COLUMNS} FROM disposals ORDER BY id DESC LIMIT $1");
    sqlx::query(AssertSqlSafe(sql)).bind(limit).fetch_all(&mut *c).await?.iter().map(disposal_from).collect()
}

// The document flow's reads, shared by both backends like `common.rs` (included after it).

const UNIT_COLUMNS: &str = "id, code, name, created_at";
const STAFF_COLUMNS: &str = "id, username, unit_code, since";
const CLASS_COLUMNS: &str = "id, mark, title, retention_years, created_at";
const CASE_TYPE_COLUMNS: &str = "id, code, title, book, class, term_kind, term_days, unit_code, created_at";
const PATTERN_COLUMNS: &str = "id, pattern, set_by, set_at";
const RECORD_COLUMNS: &str = "id, book, unit_code, class, year, serial, sub, number, case_id, direction, channel, office_code, correspondent, subject, received_on, corrects_id, registered_by, registered_at";
const CASE_COLUMNS: &str = "id, record_id, number, book, unit_code, class, year, serial, case_type, party_name, party_jmbg, party_address, party_contact, subject, access_hash, term_kind, term_days, opened_on, appeal_of, state, holder_unit, holder_official, held_since, due_on, paused_since, paused_days, missing, outcome, decided_on, dispatch, dispatched_on, delivered_on, closed_on, joined_to, last_sub, updated_at";
const CASE_EVENT_COLUMNS: &str = "id, case_id, kind, from_state, to_state, unit_code, official, record_id, detail, at, by_user";
const ATTACHMENT_COLUMNS: &str = "id, case_id, record_id, first_id, version, name, media_type, size, sha256, uploaded_by, uploaded_at";

fn unit_from(r: &DbRow) -> Result<UnitRow> {
    Ok(UnitRow { id: r.try_get("id")?, code: r.try_get("code")?, name: r.try_get("name")?, created_at: r.try_get("created_at")? })
}

fn staff_from(r: &DbRow) -> Result<StaffRow> {
    Ok(StaffRow { id: r.try_get("id")?, username: r.try_get("username")?, unit_code: r.try_get("unit_code")?, since: r.try_get("since")? })
}

fn class_from(r: &DbRow) -> Result<ClassRow> {
    Ok(ClassRow {
        id: r.try_get("id")?,
        mark: r.try_get("mark")?,
        title: r.try_get("title")?,
        retention_years: r.try_get("retention_years")?,
        created_at: r.try_get("created_at")?,
    })
}

fn case_type_from(r: &DbRow) -> Result<CaseTypeRow> {
    Ok(CaseTypeRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        title: r.try_get("title")?,
        book: r.try_get("book")?,
        class: r.try_get("class")?,
        term_kind: r.try_get("term_kind")?,
        term_days: r.try_get("term_days")?,
        unit_code: r.try_get("unit_code")?,
        created_at: r.try_get("created_at")?,
    })
}

fn pattern_from(r: &DbRow) -> Result<PatternRow> {
    Ok(PatternRow { id: r.try_get("id")?, pattern: r.try_get("pattern")?, set_by: r.try_get("set_by")?, set_at: r.try_get("set_at")? })
}

fn record_from(r: &DbRow) -> Result<RecordRow> {
    Ok(RecordRow {
        id: r.try_get("id")?,
        book: r.try_get("book")?,
        unit_code: r.try_get("unit_code")?,
        class: r.try_get("class")?,
        year: r.try_get("year")?,
        serial: r.try_get("serial")?,
        sub: r.try_get("sub")?,
        number: r.try_get("number")?,
        case_id: r.try_get("case_id")?,
        direction: r.try_get("direction")?,
        channel: r.try_get("channel")?,
        office_code: r.try_get("office_code")?,
        correspondent: r.try_get("correspondent")?,
        subject: r.try_get("subject")?,
        received_on: r.try_get("received_on")?,
        corrects_id: r.try_get("corrects_id")?,
        registered_by: r.try_get("registered_by")?,
        registered_at: r.try_get("registered_at")?,
    })
}

fn case_from(r: &DbRow) -> Result<CaseRow> {
    Ok(CaseRow {
        id: r.try_get("id")?,
        record_id: r.try_get("record_id")?,
        number: r.try_get("number")?,
        book: r.try_get("book")?,
        unit_code: r.try_get("unit_code")?,
        class: r.try_get("class")?,
        year: r.try_get("year")?,
        serial: r.try_get("serial")?,
        case_type: r.try_get("case_type")?,
        party_name: r.try_get("party_name")?,
        party_jmbg: r.try_get("party_jmbg")?,
        party_address: r.try_get("party_address")?,
        party_contact: r.try_get("party_contact")?,
        subject: r.try_get("subject")?,
        access_hash: r.try_get("access_hash")?,
        term_kind: r.try_get("term_kind")?,
        term_days: r.try_get("term_days")?,
        opened_on: r.try_get("opened_on")?,
        appeal_of: r.try_get("appeal_of")?,
        state: r.try_get("state")?,
        holder_unit: r.try_get("holder_unit")?,
        holder_official: r.try_get("holder_official")?,
        held_since: r.try_get("held_since")?,
        due_on: r.try_get("due_on")?,
        paused_since: r.try_get("paused_since")?,
        paused_days: r.try_get("paused_days")?,
        missing: r.try_get("missing")?,
        outcome: r.try_get("outcome")?,
        decided_on: r.try_get("decided_on")?,
        dispatch: r.try_get("dispatch")?,
        dispatched_on: r.try_get("dispatched_on")?,
        delivered_on: r.try_get("delivered_on")?,
        closed_on: r.try_get("closed_on")?,
        joined_to: r.try_get("joined_to")?,
        last_sub: r.try_get("last_sub")?,
        updated_at: r.try_get("updated_at")?,
    })
}

fn attachment_from(r: &DbRow) -> Result<AttachmentRow> {
    Ok(AttachmentRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        record_id: r.try_get("record_id")?,
        first_id: r.try_get("first_id")?,
        version: r.try_get("version")?,
        name: r.try_get("name")?,
        media_type: r.try_get("media_type")?,
        size: r.try_get("size")?,
        sha256: r.try_get("sha256")?,
        uploaded_by: r.try_get("uploaded_by")?,
        uploaded_at: r.try_get("uploaded_at")?,
    })
}

fn case_event_from(r: &DbRow) -> Result<CaseEventRow> {
    Ok(CaseEventRow {
        id: r.try_get("id")?,
        case_id: r.try_get("case_id")?,
        kind: r.try_get("kind")?,
        from_state: r.try_get("from_state")?,
        to_state: r.try_get("to_state")?,
        unit_code: r.try_get("unit_code")?,
        official: r.try_get("official")?,
        record_id: r.try_get("record_id")?,
        detail: r.try_get("detail")?,
        at: r.try_get("at")?,
        by_user: r.try_get("by_user")?,
    })
}

async fn fetch_docflow_config(c: &mut Conn) -> Result<DocflowConfig> {
    let units = sqlx::query(AssertSqlSafe(format!("SELECT {UNIT_COLUMNS} FROM protocol_units ORDER BY code")))
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(unit_from)
        .collect::<Result<Vec<_>>>()?;
    // Each user's latest placement.
    let staff = sqlx::query(AssertSqlSafe(format!(
        "SELECT {STAFF_COLUMNS} FROM unit_staff s WHERE id = (SELECT MAX(id) FROM unit_staff l WHERE l.username = s.username) ORDER BY username"
    )))
    .fetch_all(&mut *c)
    .await?
    .iter()
    .map(staff_from)
    .collect::<Result<Vec<_>>>()?;
    let classes = sqlx::query(AssertSqlSafe(format!("SELECT {CLASS_COLUMNS} FROM protocol_classes ORDER BY mark")))
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(class_from)
        .collect::<Result<Vec<_>>>()?;
    let case_types = sqlx::query(AssertSqlSafe(format!("SELECT {CASE_TYPE_COLUMNS} FROM case_types ORDER BY title, code")))
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(case_type_from)
        .collect::<Result<Vec<_>>>()?;
    let pattern = sqlx::query(AssertSqlSafe(format!("SELECT {PATTERN_COLUMNS} FROM protocol_settings ORDER BY id DESC LIMIT 1")))
        .fetch_optional(&mut *c)
        .await?
        .as_ref()
        .map(pattern_from)
        .transpose()?;
    Ok(DocflowConfig { units, staff, classes, case_types, pattern })
}

async fn fetch_last_protocol_serial(c: &mut Conn, book: &str, unit: &str, year: i64) -> Result<i64> {
    let row = sqlx::query("SELECT MAX(serial) AS n FROM protocol_records WHERE book = $1 AND unit_code = $2 AND year = $3")
        .bind(book)
        .bind(unit)
        .bind(year)
        .fetch_one(&mut *c)
        .await?;
    Ok(row.try_get::<Option<i64>, _>("n")?.unwrap_or(0))
}

async fn fetch_case(c: &mut Conn, id: i64) -> Result<Option<CaseRow>> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await?.as_ref().map(case_from).transpose()
}

async fn fetch_cases_numbered(c: &mut Conn, number: &str) -> Result<Vec<CaseRow>> {
    let sql = format!("SELECT {CASE_COLUMNS} FROM cases WHERE number = $1 ORDER BY id");
    sqlx::query(AssertSqlSafe(sql)).bind(number).fetch_all(&mut *c).await?.iter().map(case_from).collect()
}

async fn fetch_case_events(c: &mut Conn, case_id: i64) -> Result<Vec<CaseEventRow>> {
    let sql = format!("SELECT {CASE_EVENT_COLUMNS} FROM case_events WHERE case_id = $1 ORDER BY id");
    sqlx::query(AssertSqlSafe(sql)).bind(case_id).fetch_all(&mut *c).await?.iter().map(case_event_from).collect()
}

async fn fetch_attachment(c: &mut Conn, id: i64) -> Result<Option<AttachmentRow>> {
    let sql = format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE id = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await?.as_ref().map(attachment_from).transpose()
}

async fn fetch_case_records(c: &mut Conn, case_id: i64) -> Result<Vec<RecordRow>> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM protocol_records WHERE case_id = $1 ORDER BY id");
    sqlx::query(AssertSqlSafe(sql)).bind(case_id).fetch_all(&mut *c).await?.iter().map(record_from).collect()
}

/// One state's page: an ordered scan of one of the (…, state, due_on, id) indexes.
async fn fetch_cases_in_state(c: &mut Conn, q: &CaseQuery, state: &str) -> Result<Vec<CaseRow>> {
    let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT ");
    qb.push(CASE_COLUMNS).push(" FROM cases WHERE state = ").push_bind(state.to_string());
    if let Some(unit) = &q.unit {
        qb.push(" AND holder_unit = ").push_bind(unit.clone());
    }
    if let Some(official) = &q.official {
        qb.push(" AND holder_official = ").push_bind(official.clone());
    }
    if let Some(due_by) = &q.due_by {
        qb.push(" AND due_on <= ").push_bind(due_by.clone());
    }
    if let Some((due, id)) = &q.after {
        qb.push(" AND (due_on > ")
            .push_bind(due.clone())
            .push(" OR (due_on = ")
            .push_bind(due.clone())
            .push(" AND id > ")
            .push_bind(*id)
            .push("))");
    }
    qb.push(" ORDER BY due_on, id LIMIT ").push_bind(q.limit);
    qb.build().fetch_all(&mut *c).await?.iter().map(case_from).collect()
}

/// Cases in any of the states asked for, merged in (due_on, id) order: each state is read
/// through its index, so a page costs `limit` rows per state however many cases there are.
async fn fetch_cases_page(c: &mut Conn, q: &CaseQuery) -> Result<Vec<CaseRow>> {
    let mut all = Vec::new();
    for state in &q.states {
        all.extend(fetch_cases_in_state(c, q, state).await?);
    }
    all.sort_by(|a, b| (a.due_on.as_str(), a.id).cmp(&(b.due_on.as_str(), b.id)));
    all.truncate(usize::try_from(q.limit).unwrap_or(0));
    Ok(all)
}

async fn fetch_on_time(c: &mut Conn, from: &str, to: &str) -> Result<Vec<OnTimeRow>> {
    let rows = sqlx::query(
        "SELECT case_type, unit_code, COUNT(*) AS decided, SUM(CASE WHEN decided_on <= due_on THEN 1 ELSE 0 END) AS on_time \
         FROM cases WHERE decided_on >= $1 AND decided_on <= $2 GROUP BY case_type, unit_code ORDER BY case_type, unit_code",
    )
    .bind(from)
    .bind(to)
    .fetch_all(&mut *c)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OnTimeRow {
                case_type: r.try_get("case_type")?,
                unit_code: r.try_get("unit_code")?,
                decided: r.try_get("decided")?,
                on_time: r.try_get::<Option<i64>, _>("on_time")?.unwrap_or(0),
            })
        })
        .collect()
}

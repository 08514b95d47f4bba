// The document flow's reads, shared by both backends like `common.rs` (included after it).

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
        qb.push(" AND (due_on > ").push_bind(due.clone()).push(" OR (due_on = ").push_bind(due.clone()).push(" AND id > ").push_bind(*id).push("))");
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

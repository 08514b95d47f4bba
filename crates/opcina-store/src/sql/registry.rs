// The registers' SQL (entries, annotations, the access log), shared by both backends like
// `common.rs` (included after it).

const ENTRY_COLUMNS: &str = "id, register, office_code, year, number, subject_jmbg, partner_jmbg, mother_jmbg, father_jmbg, event_date, registered_on, late, script, recorded_at, recorded_by, data";
const ANNOTATION_COLUMNS: &str = "id, entry_id, kind, data, act, act_issuer, act_number, act_date, effective_date, note, recorded_at, office_code, recorded_by, cause_entry_id";
const ACCESS_COLUMNS: &str = "id, at, username, role, office_code, subject_jmbg, entry_id, action, purpose, case_number";

fn entry_from(r: &DbRow) -> Result<EntryRow> {
    Ok(EntryRow {
        id: r.try_get("id")?,
        register: r.try_get("register")?,
        office_code: r.try_get("office_code")?,
        year: r.try_get("year")?,
        number: r.try_get("number")?,
        subject_jmbg: r.try_get("subject_jmbg")?,
        partner_jmbg: r.try_get("partner_jmbg")?,
        mother_jmbg: r.try_get("mother_jmbg")?,
        father_jmbg: r.try_get("father_jmbg")?,
        event_date: r.try_get("event_date")?,
        registered_on: r.try_get("registered_on")?,
        late: r.try_get("late")?,
        script: r.try_get("script")?,
        recorded_at: r.try_get("recorded_at")?,
        recorded_by: r.try_get("recorded_by")?,
        data: r.try_get("data")?,
    })
}

fn annotation_from(r: &DbRow) -> Result<AnnotationRow> {
    Ok(AnnotationRow {
        id: r.try_get("id")?,
        entry_id: r.try_get("entry_id")?,
        kind: r.try_get("kind")?,
        data: r.try_get("data")?,
        act: r.try_get("act")?,
        act_issuer: r.try_get("act_issuer")?,
        act_number: r.try_get("act_number")?,
        act_date: r.try_get("act_date")?,
        effective_date: r.try_get("effective_date")?,
        note: r.try_get("note")?,
        recorded_at: r.try_get("recorded_at")?,
        office_code: r.try_get("office_code")?,
        recorded_by: r.try_get("recorded_by")?,
        cause_entry_id: r.try_get("cause_entry_id")?,
    })
}

fn access_from(r: &DbRow) -> Result<AccessRow> {
    Ok(AccessRow {
        id: r.try_get("id")?,
        at: r.try_get("at")?,
        username: r.try_get("username")?,
        role: r.try_get("role")?,
        office_code: r.try_get("office_code")?,
        subject_jmbg: r.try_get("subject_jmbg")?,
        entry_id: r.try_get("entry_id")?,
        action: r.try_get("action")?,
        purpose: r.try_get("purpose")?,
        case_number: r.try_get("case_number")?,
    })
}

async fn fetch_entries_where(c: &mut Conn, condition: &'static str, jmbg: &str) -> Result<Vec<EntryRecord>> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE {condition} ORDER BY id");
    let rows = sqlx::query(AssertSqlSafe(sql)).bind(jmbg).fetch_all(&mut *c).await?;
    rows.iter().map(|r| entry_from(r)?.to_record()).collect()
}

async fn fetch_annotations_of(c: &mut Conn, entry_ids: &[i64]) -> Result<Vec<AnnotationRecord>> {
    let mut out = Vec::new();
    for chunk in entry_ids.chunks(1000) {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT ");
        qb.push(ANNOTATION_COLUMNS).push(" FROM annotations WHERE entry_id IN (");
        let mut sep = qb.separated(", ");
        for id in chunk {
            sep.push_bind(*id);
        }
        qb.push(") ORDER BY id");
        for r in qb.build().fetch_all(&mut *c).await? {
            out.push(annotation_from(&r)?.to_record()?);
        }
    }
    out.sort_by_key(|a| a.id);
    Ok(out)
}

async fn fetch_person_records(c: &mut Conn, jmbg: &Jmbg) -> Result<PersonRecords> {
    let entries = fetch_entries_where(c, "subject_jmbg = $1 OR partner_jmbg = $1", jmbg.as_str()).await?;
    let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
    let annotations = fetch_annotations_of(c, &ids).await?;
    let children = fetch_entries_where(c, "mother_jmbg = $1 OR father_jmbg = $1", jmbg.as_str()).await?;
    Ok(PersonRecords { entries, annotations, children })
}

async fn fetch_person_records_many(c: &mut Conn, jmbgs: &[Jmbg]) -> Result<Vec<(Jmbg, PersonRecords)>> {
    let mut by_person: HashMap<String, PersonRecords> = HashMap::new();
    let mut entry_owners: HashMap<i64, Vec<String>> = HashMap::new();
    for chunk in jmbgs.chunks(500) {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT ");
        qb.push(ENTRY_COLUMNS).push(" FROM entries WHERE subject_jmbg IN (");
        let mut sep = qb.separated(", ");
        for j in chunk {
            sep.push_bind(j.as_str());
        }
        qb.push(") OR partner_jmbg IN (");
        let mut sep = qb.separated(", ");
        for j in chunk {
            sep.push_bind(j.as_str());
        }
        qb.push(") ORDER BY id");
        for r in qb.build().fetch_all(&mut *c).await? {
            let row = entry_from(&r)?;
            let record = row.to_record()?;
            for owner in [Some(row.subject_jmbg.clone()), row.partner_jmbg.clone()].into_iter().flatten() {
                entry_owners.entry(row.id).or_default().push(owner.clone());
                by_person.entry(owner).or_default().entries.push(record.clone());
            }
        }
    }
    let ids: Vec<i64> = entry_owners.keys().copied().collect();
    for a in fetch_annotations_of(c, &ids).await? {
        for owner in entry_owners.get(&a.entry_id).into_iter().flatten() {
            by_person.entry(owner.clone()).or_default().annotations.push(a.clone());
        }
    }
    Ok(jmbgs.iter().map(|j| (j.clone(), by_person.remove(j.as_str()).unwrap_or_default())).collect())
}

async fn fetch_entry(c: &mut Conn, id: i64) -> Result<Option<(EntryRecord, Vec<AnnotationRecord>)>> {
    let sql = format!("SELECT {ENTRY_COLUMNS} FROM entries WHERE id = $1");
    let Some(r) = sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await? else {
        return Ok(None);
    };
    let entry = entry_from(&r)?.to_record()?;
    let annotations = fetch_annotations_of(c, &[id]).await?;
    Ok(Some((entry, annotations)))
}

async fn fetch_used_serials(c: &mut Conn, prefix: &str) -> Result<Vec<u16>> {
    // Every JMBG the node knows with this date and region ('0' < digits < ':' bound the
    // range), in one statement of four index range scans.
    let upper = format!("{prefix}:");
    let sql = "SELECT subject_jmbg AS j FROM entries WHERE subject_jmbg >= $1 AND subject_jmbg < $2 \
               UNION ALL SELECT partner_jmbg FROM entries WHERE partner_jmbg >= $1 AND partner_jmbg < $2 \
               UNION ALL SELECT mother_jmbg FROM entries WHERE mother_jmbg >= $1 AND mother_jmbg < $2 \
               UNION ALL SELECT father_jmbg FROM entries WHERE father_jmbg >= $1 AND father_jmbg < $2";
    let mut used = BTreeSet::new();
    for r in sqlx::query(sql).bind(prefix).bind(upper.as_str()).fetch_all(&mut *c).await? {
        let j: String = r.try_get("j")?;
        if let Some(serial) = j.get(9..12).and_then(|s| s.parse::<u16>().ok()) {
            used.insert(serial);
        }
    }
    Ok(used.into_iter().collect())
}

async fn fetch_last_entry_number(c: &mut Conn, register: &str, office: &str, year: i64) -> Result<i64> {
    let r = sqlx::query("SELECT COALESCE(MAX(number), 0) AS n FROM entries WHERE register = $1 AND office_code = $2 AND year = $3")
        .bind(register)
        .bind(office)
        .bind(year)
        .fetch_one(&mut *c)
        .await?;
    Ok(r.try_get("n")?)
}

async fn fetch_access_log(c: &mut Conn, jmbg: &str, before: Option<i64>, limit: i64) -> Result<Vec<AccessRow>> {
    fetch_about_person(c, ACCESS_COLUMNS, "access_log", jmbg, before, limit, access_from).await
}

async fn fetch_persons_touched(c: &mut Conn, after: i64, upto: i64) -> Result<Vec<String>> {
    let mut out = BTreeSet::new();
    let rows = sqlx::query("SELECT subject_jmbg, partner_jmbg FROM entries WHERE id > $1 AND id <= $2")
        .bind(after)
        .bind(upto)
        .fetch_all(&mut *c)
        .await?;
    let rows2 = sqlx::query(
        "SELECT e.subject_jmbg, e.partner_jmbg FROM annotations a JOIN entries e ON e.id = a.entry_id WHERE a.id > $1 AND a.id <= $2",
    )
    .bind(after)
    .bind(upto)
    .fetch_all(&mut *c)
    .await?;
    for r in rows.iter().chain(rows2.iter()) {
        out.insert(r.try_get::<String, _>("subject_jmbg")?);
        if let Some(p) = r.try_get::<Option<String>, _>("partner_jmbg")? {
            out.insert(p);
        }
    }
    Ok(out.into_iter().collect())
}

async fn fetch_person_jmbgs_after(c: &mut Conn, after: &str, limit: i64) -> Result<Vec<String>> {
    let mut out = BTreeSet::new();
    for column in ["subject_jmbg", "partner_jmbg"] {
        let sql = format!("SELECT DISTINCT {column} AS j FROM entries WHERE {column} > $1 ORDER BY {column} LIMIT $2");
        for r in sqlx::query(AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(&mut *c).await? {
            out.insert(r.try_get::<String, _>("j")?);
        }
    }
    // Both lists are sorted; only the first `limit` of their union are complete.
    Ok(out.into_iter().take(usize::try_from(limit).unwrap_or(0)).collect())
}

async fn fetch_taken_entry_numbers(c: &mut Conn, register: &str, office: &str, year: i64, numbers: &[i64]) -> Result<Vec<i64>> {
    let mut out = Vec::new();
    for chunk in numbers.chunks(1000) {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT number FROM entries WHERE register = ");
        qb.push_bind(register).push(" AND office_code = ").push_bind(office).push(" AND year = ").push_bind(year).push(" AND number IN (");
        let mut sep = qb.separated(", ");
        for n in chunk {
            sep.push_bind(*n);
        }
        qb.push(")");
        for r in qb.build().fetch_all(&mut *c).await? {
            out.push(r.try_get::<i64, _>("number")?);
        }
    }
    Ok(out)
}

async fn fetch_registered_subjects(c: &mut Conn, register: &str, jmbgs: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for chunk in jmbgs.chunks(1000) {
        let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT subject_jmbg FROM entries WHERE register = ");
        qb.push_bind(register).push(" AND subject_jmbg IN (");
        let mut sep = qb.separated(", ");
        for j in chunk {
            sep.push_bind(j.as_str());
        }
        qb.push(")");
        for r in qb.build().fetch_all(&mut *c).await? {
            out.push(r.try_get::<String, _>("subject_jmbg")?);
        }
    }
    Ok(out)
}

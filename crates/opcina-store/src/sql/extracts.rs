// The SQL of extracts, the fee schedule, the node's keys and online orders, shared by both
// backends like `common.rs` (included after it).

const EXTRACT_COLUMNS: &str = "id, outcome, office_code, year, serial, kind, subject_jmbg, entry_id, language, script, requester_name, requester_jmbg, requester_document, evidence, relation, established, purpose, fee, fee_exemption, refusal_code, refusal_reason, official_username, official_name, municipality, office_name, place, at, on_date, journal_position, verify_base, content_hash, seal, key_id";
const REVOCATION_COLUMNS: &str = "id, extract_id, reason, revoked_by, revoked_at";
const NODE_KEY_COLUMNS: &str = "id, key_id, public_key, created_at";
const FEE_RULE_COLUMNS: &str = "id, kind, purpose, amount, note, set_at";
const ORDER_COLUMNS: &str = "id, code, kind, subject_jmbg, subject_name, language, script, requester_name, requester_jmbg, requester_document, relation, evidence, purpose, delivery, office_code, address, contact, created_at";
const ORDER_EVENT_COLUMNS: &str = "id, order_id, status, extract_number, note, by_user, at";

fn extract_from(r: &DbRow) -> Result<ExtractRow> {
    Ok(ExtractRow {
        id: r.try_get("id")?,
        outcome: r.try_get("outcome")?,
        office_code: r.try_get("office_code")?,
        year: r.try_get("year")?,
        serial: r.try_get("serial")?,
        kind: r.try_get("kind")?,
        subject_jmbg: r.try_get("subject_jmbg")?,
        entry_id: r.try_get("entry_id")?,
        language: r.try_get("language")?,
        script: r.try_get("script")?,
        requester_name: r.try_get("requester_name")?,
        requester_jmbg: r.try_get("requester_jmbg")?,
        requester_document: r.try_get("requester_document")?,
        evidence: r.try_get("evidence")?,
        relation: r.try_get("relation")?,
        established: r.try_get("established")?,
        purpose: r.try_get("purpose")?,
        fee: r.try_get("fee")?,
        fee_exemption: r.try_get("fee_exemption")?,
        refusal_code: r.try_get("refusal_code")?,
        refusal_reason: r.try_get("refusal_reason")?,
        official_username: r.try_get("official_username")?,
        official_name: r.try_get("official_name")?,
        municipality: r.try_get("municipality")?,
        office_name: r.try_get("office_name")?,
        place: r.try_get("place")?,
        at: r.try_get("at")?,
        on_date: r.try_get("on_date")?,
        journal_position: r.try_get("journal_position")?,
        verify_base: r.try_get("verify_base")?,
        content_hash: r.try_get("content_hash")?,
        seal: r.try_get("seal")?,
        key_id: r.try_get("key_id")?,
    })
}

fn revocation_from(r: &DbRow) -> Result<RevocationRow> {
    Ok(RevocationRow {
        id: r.try_get("id")?,
        extract_id: r.try_get("extract_id")?,
        reason: r.try_get("reason")?,
        revoked_by: r.try_get("revoked_by")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

fn node_key_from(r: &DbRow) -> Result<NodeKeyRow> {
    Ok(NodeKeyRow {
        id: r.try_get("id")?,
        key_id: r.try_get("key_id")?,
        public_key: r.try_get("public_key")?,
        created_at: r.try_get("created_at")?,
    })
}

fn fee_rule_from(r: &DbRow) -> Result<FeeRuleRow> {
    Ok(FeeRuleRow {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        purpose: r.try_get("purpose")?,
        amount: r.try_get("amount")?,
        note: r.try_get("note")?,
        set_at: r.try_get("set_at")?,
    })
}

fn order_from(r: &DbRow) -> Result<OrderRow> {
    Ok(OrderRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        kind: r.try_get("kind")?,
        subject_jmbg: r.try_get("subject_jmbg")?,
        subject_name: r.try_get("subject_name")?,
        language: r.try_get("language")?,
        script: r.try_get("script")?,
        requester_name: r.try_get("requester_name")?,
        requester_jmbg: r.try_get("requester_jmbg")?,
        requester_document: r.try_get("requester_document")?,
        relation: r.try_get("relation")?,
        evidence: r.try_get("evidence")?,
        purpose: r.try_get("purpose")?,
        delivery: r.try_get("delivery")?,
        office_code: r.try_get("office_code")?,
        address: r.try_get("address")?,
        contact: r.try_get("contact")?,
        created_at: r.try_get("created_at")?,
    })
}

fn order_event_from(r: &DbRow) -> Result<OrderEventRow> {
    Ok(OrderEventRow {
        id: r.try_get("id")?,
        order_id: r.try_get("order_id")?,
        status: r.try_get("status")?,
        extract_number: r.try_get("extract_number")?,
        note: r.try_get("note")?,
        by_user: r.try_get("by_user")?,
        at: r.try_get("at")?,
    })
}

async fn fetch_last_extract_serial(c: &mut Conn, outcome: &str, office: &str, year: i64) -> Result<i64> {
    let r = sqlx::query("SELECT COALESCE(MAX(serial), 0) AS n FROM extracts WHERE outcome = $1 AND office_code = $2 AND year = $3")
        .bind(outcome)
        .bind(office)
        .bind(year)
        .fetch_one(&mut *c)
        .await?;
    Ok(r.try_get("n")?)
}

async fn fetch_extract_by_number(c: &mut Conn, outcome: &str, office: &str, year: i64, serial: i64) -> Result<Option<ExtractRow>> {
    let sql = format!("SELECT {EXTRACT_COLUMNS} FROM extracts WHERE outcome = $1 AND office_code = $2 AND year = $3 AND serial = $4");
    sqlx::query(AssertSqlSafe(sql))
        .bind(outcome)
        .bind(office)
        .bind(year)
        .bind(serial)
        .fetch_optional(&mut *c)
        .await?
        .as_ref()
        .map(extract_from)
        .transpose()
}

async fn fetch_extracts_of(c: &mut Conn, jmbg: &str, before: Option<i64>, limit: i64) -> Result<Vec<ExtractRow>> {
    fetch_about_person(c, EXTRACT_COLUMNS, "extracts", jmbg, before, limit, extract_from).await
}

async fn fetch_revocation(c: &mut Conn, extract_id: i64) -> Result<Option<RevocationRow>> {
    let sql = format!("SELECT {REVOCATION_COLUMNS} FROM extract_revocations WHERE extract_id = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(extract_id).fetch_optional(&mut *c).await?.as_ref().map(revocation_from).transpose()
}

async fn fetch_node_keys(c: &mut Conn) -> Result<Vec<NodeKeyRow>> {
    let sql = format!("SELECT {NODE_KEY_COLUMNS} FROM node_keys ORDER BY id");
    sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *c).await?.iter().map(node_key_from).collect()
}

async fn fetch_fee_rules(c: &mut Conn) -> Result<Vec<FeeRuleRow>> {
    let sql = format!("SELECT {FEE_RULE_COLUMNS} FROM fee_rules ORDER BY id");
    sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *c).await?.iter().map(fee_rule_from).collect()
}

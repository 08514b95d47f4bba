// The SQL of staff passwords and sessions and of citizens' accounts, shared by both backends
// like `common.rs` (included after it).

const PASSWORD_COLUMNS: &str = "id, user_id, phc, set_by, set_at";
const SESSION_COLUMNS: &str = "token_hash, user_id, created_at, seen_at, expires_at, ended_at";
const ACCOUNT_COLUMNS: &str = "id, email, full_name, code, created_at";
const ACCOUNT_PASSWORD_COLUMNS: &str = "id, account_id, phc, set_at";
const VERIFICATION_COLUMNS: &str = "id, account_id, jmbg, document, verified_by, office_code, at";

fn password_from(r: &DbRow) -> Result<PasswordRow> {
    Ok(PasswordRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        phc: r.try_get("phc")?,
        set_by: r.try_get("set_by")?,
        set_at: r.try_get("set_at")?,
    })
}

fn account_from(r: &DbRow) -> Result<AccountRow> {
    Ok(AccountRow {
        id: r.try_get("id")?,
        email: r.try_get("email")?,
        full_name: r.try_get("full_name")?,
        code: r.try_get("code")?,
        created_at: r.try_get("created_at")?,
    })
}

fn account_password_from(r: &DbRow) -> Result<AccountPasswordRow> {
    Ok(AccountPasswordRow {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        phc: r.try_get("phc")?,
        set_at: r.try_get("set_at")?,
    })
}

fn verification_from(r: &DbRow) -> Result<VerificationRow> {
    Ok(VerificationRow {
        id: r.try_get("id")?,
        account_id: r.try_get("account_id")?,
        jmbg: r.try_get("jmbg")?,
        document: r.try_get("document")?,
        verified_by: r.try_get("verified_by")?,
        office_code: r.try_get("office_code")?,
        at: r.try_get("at")?,
    })
}

fn session_from(r: &DbRow) -> Result<SessionRow> {
    Ok(SessionRow {
        token_hash: r.try_get("token_hash")?,
        user_id: r.try_get("user_id")?,
        created_at: r.try_get("created_at")?,
        seen_at: r.try_get("seen_at")?,
        expires_at: r.try_get("expires_at")?,
        ended_at: r.try_get("ended_at")?,
    })
}

async fn fetch_password(c: &mut Conn, user_id: i64) -> Result<Option<PasswordRow>> {
    let sql = format!("SELECT {PASSWORD_COLUMNS} FROM user_passwords WHERE user_id = $1 ORDER BY id DESC LIMIT 1");
    sqlx::query(AssertSqlSafe(sql)).bind(user_id).fetch_optional(&mut *c).await?.as_ref().map(password_from).transpose()
}

async fn fetch_session(c: &mut Conn, kind: SessionKind, token_hash: &[u8]) -> Result<Option<SessionRow>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM {} WHERE token_hash = $1", kind.table());
    sqlx::query(AssertSqlSafe(sql)).bind(token_hash).fetch_optional(&mut *c).await?.as_ref().map(session_from).transpose()
}

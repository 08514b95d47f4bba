//! Rows of the extract tables (`extracts`, `extract_revocations`, `node_keys`,
//! `fee_rules`), exactly as stored, with their canonical hash (see `rows.rs`).

use crate::table::Table;
use crate::table_row;

/// An issued document or a refused request, as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractRow {
    pub id: i64,
    /// `issued` or `refused`.
    pub outcome: String,
    pub office_code: String,
    pub year: i64,
    pub serial: i64,
    pub kind: String,
    pub subject_jmbg: String,
    pub entry_id: Option<i64>,
    pub language: String,
    pub script: String,
    pub requester_name: String,
    pub requester_jmbg: Option<String>,
    pub requester_document: Option<String>,
    pub evidence: Option<String>,
    pub relation: String,
    /// How the relation was established (`identity`, `registers`, `document`).
    pub established: Option<String>,
    pub purpose: String,
    /// In fening; `None` for a refusal.
    pub fee: Option<i64>,
    pub fee_exemption: Option<String>,
    pub refusal_code: Option<String>,
    pub refusal_reason: Option<String>,
    pub official_username: String,
    pub official_name: String,
    pub municipality: String,
    pub office_name: String,
    pub place: String,
    pub at: i64,
    pub on_date: String,
    pub journal_position: i64,
    pub verify_base: String,
    pub content_hash: Option<Vec<u8>>,
    pub seal: Option<Vec<u8>>,
    pub key_id: Option<String>,
}

impl ExtractRow {
    /// The document's (or refusal's) number.
    pub fn number(&self) -> opcina_core::extract::ExtractNumber {
        opcina_core::extract::ExtractNumber {
            office: self.office_code.clone(),
            year: i32::try_from(self.year).unwrap_or(0),
            serial: self.serial,
        }
    }
}

/// The revocation of an issued document (issued in error, say): its verification then
/// says "revoked".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationRow {
    pub id: i64,
    pub extract_id: i64,
    pub reason: String,
    pub revoked_by: String,
    pub revoked_at: i64,
}

/// A public key of the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeKeyRow {
    pub id: i64,
    pub key_id: String,
    pub public_key: Vec<u8>,
    pub created_at: i64,
}

/// A rule of the fee schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeRuleRow {
    pub id: i64,
    /// The kind it applies to; `None` for every kind.
    pub kind: Option<String>,
    /// The purpose it exempts or reduces; `None` for the kind's fee.
    pub purpose: Option<String>,
    /// In fening.
    pub amount: i64,
    /// The legal basis of an exemption, or a note.
    pub note: String,
    pub set_at: i64,
}

/// The number a refusal decision took in the body's UP-I book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RefusalRecordRow {
    pub id: i64,
    pub extract_id: i64,
    /// The protocol record it was entered as.
    pub record_id: i64,
    pub number: String,
}

/// How refusals are appealed, as the body set it (the latest row is in force; a decision names
/// the one in force when it was taken).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppealRouteRow {
    pub id: i64,
    pub body: String,
    pub days: i64,
    /// In fening.
    pub fee: i64,
    pub fee_note: String,
    pub set_at: i64,
}

impl AppealRouteRow {
    pub fn route(&self) -> opcina_core::extract::decision::AppealRoute {
        opcina_core::extract::decision::AppealRoute {
            body: self.body.clone(),
            days: u32::try_from(self.days).unwrap_or(u32::MAX),
            fee: self.fee,
            fee_note: self.fee_note.clone(),
        }
    }
}

/// An extract ordered online, as the citizen submitted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub id: i64,
    /// The tracking code the citizen keeps (random; the only key to the public page).
    pub code: String,
    pub kind: String,
    pub subject_jmbg: String,
    pub subject_name: String,
    pub language: String,
    pub script: String,
    pub requester_name: String,
    pub requester_jmbg: Option<String>,
    pub requester_document: Option<String>,
    pub relation: String,
    pub evidence: Option<String>,
    pub purpose: String,
    /// `post` or `pickup`.
    pub delivery: String,
    /// The office that hands it over (pickup) or handles and posts it.
    pub office_code: String,
    pub address: Option<String>,
    pub contact: Option<String>,
    pub created_at: i64,
}

/// A step in handling an order: `received`, `issued`, `refused`, `sent`, `ready`,
/// `collected`, `cancelled`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEventRow {
    pub id: i64,
    pub order_id: i64,
    pub status: String,
    /// The document issued (or the refusal decided) for the order.
    pub extract_number: Option<String>,
    pub note: Option<String>,
    pub by_user: String,
    pub at: i64,
}

/// A citizen's account on the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: i64,
    /// Lowercased.
    pub email: String,
    pub full_name: String,
    /// The code the citizen shows at a counter to have the account verified.
    pub code: String,
    pub created_at: i64,
}

/// A citizen's password (Argon2id PHC); the latest counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPasswordRow {
    pub id: i64,
    pub account_id: i64,
    pub phc: String,
    pub set_at: i64,
}

/// A request to open an account, waiting for its link to be followed (only the SHA-256 of the
/// link's token is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRequestRow {
    pub id: i64,
    /// Lowercased.
    pub email: String,
    pub full_name: String,
    pub token_hash: Vec<u8>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A clerk's confirmation that an account belongs to the holder of a JMBG (identity document
/// seen at the counter); the latest counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationRow {
    pub id: i64,
    pub account_id: i64,
    pub jmbg: String,
    /// The identity document shown (kind and number).
    pub document: String,
    pub verified_by: String,
    pub office_code: String,
    pub at: i64,
}

/// The tables of extracts, orders and citizens' accounts, parents first.
pub const TABLES: &[Table] = &[
    Table::mutable::<ExtractRow>(),
    Table::mutable::<RevocationRow>(),
    Table::mutable::<NodeKeyRow>(),
    Table::mutable::<FeeRuleRow>(),
    Table::mutable::<OrderRow>(),
    Table::mutable::<OrderEventRow>(),
    Table::mutable::<AccountRow>(),
    Table::mutable::<AccountPasswordRow>(),
    Table::mutable::<VerificationRow>(),
    Table::append_only::<ExtractOfficialsRow>(),
    Table::append_only::<AppealRouteRow>(),
    Table::append_only::<RefusalRecordRow>(),
    Table::append_only::<AccountRequestRow>(),
];

/// The registrars' full names an issued document printed (username → name, JSON), kept with
/// it so that it reproduces after a name changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractOfficialsRow {
    pub id: i64,
    pub extract_id: i64,
    pub names: String,
}

table_row!(ExtractOfficialsRow, "extract_officials", [id, extract_id, names]);

table_row!(
    ExtractRow,
    "extracts",
    [
        id,
        outcome,
        office_code,
        year,
        serial,
        kind,
        subject_jmbg,
        entry_id,
        language,
        script,
        requester_name,
        requester_jmbg,
        requester_document,
        evidence,
        relation,
        established,
        purpose,
        fee,
        fee_exemption,
        refusal_code,
        refusal_reason,
        official_username,
        official_name,
        municipality,
        office_name,
        place,
        at,
        on_date,
        journal_position,
        verify_base,
        content_hash,
        seal,
        key_id
    ]
);
table_row!(RevocationRow, "extract_revocations", [id, extract_id, reason, revoked_by, revoked_at]);
table_row!(NodeKeyRow, "node_keys", [id, key_id, public_key, created_at]);
table_row!(FeeRuleRow, "fee_rules", [id, kind, purpose, amount, note, set_at]);
table_row!(AppealRouteRow, "appeal_routes", [id, body, days, fee, fee_note, set_at]);
table_row!(RefusalRecordRow, "refusal_records", [id, extract_id, record_id, number]);
table_row!(
    OrderRow,
    "extract_orders",
    [
        id,
        code,
        kind,
        subject_jmbg,
        subject_name,
        language,
        script,
        requester_name,
        requester_jmbg,
        requester_document,
        relation,
        evidence,
        purpose,
        delivery,
        office_code,
        address,
        contact,
        created_at
    ]
);
table_row!(OrderEventRow, "extract_order_events", [id, order_id, status, extract_number, note, by_user, at]);
table_row!(AccountRow, "citizen_accounts", [id, email, full_name, code, created_at]);
table_row!(AccountPasswordRow, "citizen_passwords", [id, account_id, phc, set_at]);
table_row!(AccountRequestRow, "citizen_account_requests", [id, email, full_name, token_hash, created_at, expires_at]);
table_row!(VerificationRow, "citizen_verifications", [id, account_id, jmbg, document, verified_by, office_code, at]);

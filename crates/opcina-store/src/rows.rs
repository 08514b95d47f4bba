//! Rows of the authoritative tables, exactly as stored, with their canonical hash.
//!
//! Every authoritative table has a row type here; its `hash` covers every column in schema
//! order, and the journal records that hash when the row is written. The conversions to
//! and from the domain's records live here too, so the SQL layer only moves rows.

use chrono::NaiveDate;
use opcina_core::names::Script;
use opcina_core::registry::annotation::{Annotation, AnnotationContent, AnnotationRecord, LegalBasis};
use opcina_core::registry::entry::{EntryContent, EntryRecord};
use opcina_core::registry::{Register, Role, Timestamp};
use opcina_core::{CheckMode, Jmbg};
use serde::{Deserialize, Serialize};

pub use crate::docflow_rows::{
    ArchiveEntryRow, AttachmentRow, CaseEventRow, CaseQuery, CaseRow, CaseTypeRow, ClassRow, DisposalItemRow, DisposalRow, DocflowConfig,
    HoldRow, OnTimeRow, PatternRow, RecordRow, StaffRow, UnitRow,
};
use crate::error::{Result, StoreError};
pub use crate::extract_rows::{
    AccountPasswordRow, AccountRequestRow, AccountRow, AppealRouteRow, ExtractOfficialsRow, ExtractRow, FeeRuleRow, NodeKeyRow,
    OrderEventRow, OrderRow, RefusalRecordRow, RevocationRow, VerificationRow,
};
pub use crate::federation_rows::{DeliveryRow, InboxRow, MessageRow, OutboxRow, RemoteRecordsRow};
pub use crate::mail_rows::{MailDeliveryRow, MailRow};
pub use crate::table::{Row, Table, TableRow};
use crate::{code_column, record, table_row};

pub(crate) fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub(crate) fn parse_date(table: &'static str, id: i64, s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| StoreError::corrupt(table, id, format!("date {s:?}: {e}")))
}

/// The node itself: which municipality it serves (one row).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeRow {
    pub id: i64,
    /// Short code of the municipality, e.g. `KAK`.
    pub code: String,
    pub municipality: String,
    /// JMBG register region (19 for Kakanj).
    pub region: i64,
    /// `strict` or `lenient` JMBG check-digit mode.
    pub jmbg_mode: String,
    pub canton: String,
    pub entity: String,
    pub created_at: i64,
}

impl NodeRow {
    pub fn check_mode(&self) -> CheckMode {
        if self.jmbg_mode == "lenient" { CheckMode::Lenient } else { CheckMode::Strict }
    }

    pub fn region_u8(&self) -> u8 {
        u8::try_from(self.region).unwrap_or(0)
    }
}

/// A registry office of the municipality (central service centre or local office).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OfficeRow {
    pub id: i64,
    /// Short code, e.g. `KAK` or `KS`.
    pub code: String,
    pub name: String,
    pub settlement: String,
    pub address: String,
    /// Opening hours as shown to citizens.
    pub hours: String,
    pub created_at: i64,
}

/// A user of the node: staff with a role, and an office for those who work at one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub office_code: Option<String>,
    pub active: bool,
    pub created_at: i64,
}

impl UserRow {}

/// An API token; only the SHA-256 of the token is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub token_hash: Vec<u8>,
    pub label: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

/// A user's password as an Argon2id PHC string (salt and parameters included); the latest
/// row of a user is their password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordRow {
    pub id: i64,
    pub user_id: i64,
    pub phc: String,
    pub set_by: String,
    pub set_at: i64,
}

/// A signed-in web session (operational state, not journaled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub token_hash: Vec<u8>,
    pub user_id: i64,
    pub created_at: i64,
    pub seen_at: i64,
    pub expires_at: i64,
    pub ended_at: Option<i64>,
}

/// A register entry as stored: the columns used to find it, and its content as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryRow {
    pub id: i64,
    pub register: String,
    pub office_code: String,
    pub year: i64,
    pub number: i64,
    pub subject_jmbg: String,
    pub partner_jmbg: Option<String>,
    pub mother_jmbg: Option<String>,
    pub father_jmbg: Option<String>,
    pub event_date: String,
    pub registered_on: String,
    pub late: bool,
    pub script: String,
    pub recorded_at: i64,
    pub recorded_by: String,
    pub data: String,
}

impl EntryRow {
    pub fn from_record(e: &EntryRecord) -> Result<Self> {
        let data = match &e.content {
            EntryContent::Birth(b) => serde_json::to_string(b),
            EntryContent::Citizenship(c) => serde_json::to_string(c),
            EntryContent::Marriage(m) => serde_json::to_string(m),
            EntryContent::Death(d) => serde_json::to_string(d),
        }
        .map_err(|err| StoreError::corrupt("entries", e.id, err))?;
        Ok(EntryRow {
            id: e.id,
            register: e.content.register().code().to_string(),
            office_code: e.office.clone(),
            year: i64::from(e.year),
            number: e.number,
            subject_jmbg: e.content.subject().to_string(),
            partner_jmbg: e.content.partner().map(Jmbg::to_string),
            mother_jmbg: e.content.mother().map(Jmbg::to_string),
            father_jmbg: e.content.father().map(Jmbg::to_string),
            event_date: date_text(e.content.event_date()),
            registered_on: date_text(e.registered_on),
            late: e.late,
            script: e.script.as_str().to_string(),
            recorded_at: e.recorded_at.0,
            recorded_by: e.recorded_by.clone(),
            data,
        })
    }

    pub fn to_record(&self) -> Result<EntryRecord> {
        let bad = |e: serde_json::Error| StoreError::corrupt("entries", self.id, e);
        let content = match Register::from_code(&self.register) {
            Some(Register::Births) => EntryContent::Birth(serde_json::from_str(&self.data).map_err(bad)?),
            Some(Register::Citizens) => EntryContent::Citizenship(serde_json::from_str(&self.data).map_err(bad)?),
            Some(Register::Marriages) => EntryContent::Marriage(serde_json::from_str(&self.data).map_err(bad)?),
            Some(Register::Deaths) => EntryContent::Death(serde_json::from_str(&self.data).map_err(bad)?),
            None => return Err(StoreError::corrupt("entries", self.id, format!("unknown register {:?}", self.register))),
        };
        Ok(EntryRecord {
            id: self.id,
            office: self.office_code.clone(),
            year: i32::try_from(self.year).map_err(|e| StoreError::corrupt("entries", self.id, e))?,
            number: self.number,
            registered_on: parse_date("entries", self.id, &self.registered_on)?,
            recorded_at: Timestamp(self.recorded_at),
            recorded_by: self.recorded_by.clone(),
            late: self.late,
            script: if self.script == "cyrillic" { Script::Cyrillic } else { Script::Latin },
            content,
        })
    }
}

/// An annotation as stored: its legal basis in columns, its content as JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnotationRow {
    pub id: i64,
    pub entry_id: i64,
    pub kind: String,
    pub data: String,
    pub act: String,
    pub act_issuer: String,
    pub act_number: String,
    pub act_date: String,
    pub effective_date: String,
    pub note: Option<String>,
    pub recorded_at: i64,
    pub office_code: String,
    pub recorded_by: String,
    pub cause_entry_id: Option<i64>,
}

impl AnnotationRow {
    pub fn from_record(a: &AnnotationRecord) -> Result<Self> {
        let data = serde_json::to_string(&a.annotation.content).map_err(|e| StoreError::corrupt("annotations", a.id, e))?;
        let b = &a.annotation.legal_basis;
        Ok(AnnotationRow {
            id: a.id,
            entry_id: a.entry_id,
            kind: a.annotation.content.kind().to_string(),
            data,
            act: b.act.clone(),
            act_issuer: b.issuer.clone(),
            act_number: b.number.clone(),
            act_date: date_text(b.date),
            effective_date: date_text(a.annotation.effective_date),
            note: a.annotation.note.clone(),
            recorded_at: a.recorded_at.0,
            office_code: a.office.clone(),
            recorded_by: a.recorded_by.clone(),
            cause_entry_id: a.cause_entry_id,
        })
    }

    pub fn to_record(&self) -> Result<AnnotationRecord> {
        let content: AnnotationContent = serde_json::from_str(&self.data).map_err(|e| StoreError::corrupt("annotations", self.id, e))?;
        Ok(AnnotationRecord {
            id: self.id,
            entry_id: self.entry_id,
            annotation: Annotation {
                content,
                legal_basis: LegalBasis {
                    act: self.act.clone(),
                    issuer: self.act_issuer.clone(),
                    number: self.act_number.clone(),
                    date: parse_date("annotations", self.id, &self.act_date)?,
                },
                effective_date: parse_date("annotations", self.id, &self.effective_date)?,
                note: self.note.clone(),
            },
            recorded_at: Timestamp(self.recorded_at),
            office: self.office_code.clone(),
            recorded_by: self.recorded_by.clone(),
            cause_entry_id: self.cause_entry_id,
        })
    }
}

/// One read of a person's record: who, from which office, why, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AccessRow {
    pub id: i64,
    /// Microseconds since the epoch (UTC).
    pub at: i64,
    pub username: String,
    pub role: String,
    pub office_code: Option<String>,
    pub subject_jmbg: String,
    pub entry_id: Option<i64>,
    /// What was read: `person.view`, `entry.read`, `access_log.read`.
    pub action: String,
    /// The purpose given with the request (legal basis).
    pub purpose: String,
    pub case_number: Option<String>,
}

/// A share of the region's JMBG serials set for the node (the latest is in force).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JmbgBlockRow {
    pub id: i64,
    pub region: i64,
    pub first_serial: i64,
    pub serial_count: i64,
    /// Where it comes from: the authority's decision or directory.
    pub basis: String,
    pub set_by: String,
    pub set_at: i64,
}

impl JmbgBlockRow {
    /// The block, when the row holds a valid one (the schema's checks make it so).
    pub fn block(&self) -> Option<opcina_core::jmbg::SerialBlock> {
        let first = u16::try_from(self.first_serial).ok()?;
        let count = u16::try_from(self.serial_count).ok()?;
        opcina_core::jmbg::SerialBlock::new(first, count).ok()
    }
}

/// The registry's tables (with the node, its offices and its staff), parents first.
/// A settlement of the municipality the node knows by name, and the office whose books hold
/// its entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettlementRow {
    pub id: i64,
    pub name: String,
    pub office_code: String,
    pub added_at: i64,
}

/// A JMBG replaced by a correction of the sex or the date of birth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JmbgChangeRow {
    pub id: i64,
    pub old_jmbg: String,
    pub new_jmbg: String,
    pub changed_at: i64,
}

impl JmbgChangeRow {
    /// The changes these annotations make, to be written after them.
    pub fn of(annotations: &[AnnotationRecord]) -> Vec<JmbgChangeRow> {
        annotations
            .iter()
            .filter_map(|a| {
                let (old, new) = a.annotation.content.jmbg_change()?;
                Some(JmbgChangeRow { id: 0, old_jmbg: old.to_string(), new_jmbg: new.to_string(), changed_at: a.recorded_at.0 })
            })
            .collect()
    }
}

pub const TABLES: &[Table] = &[
    Table::mutable::<NodeRow>(),
    Table::mutable::<OfficeRow>(),
    Table::mutable::<UserRow>(),
    Table::mutable::<TokenRow>(),
    Table::mutable::<PasswordRow>(),
    Table::append_only::<EntryRow>(),
    Table::append_only::<AnnotationRow>(),
    Table::append_only::<AccessRow>(),
    Table::append_only::<JmbgBlockRow>(),
    Table::append_only::<SettlementRow>(),
    Table::append_only::<JmbgChangeRow>(),
];

table_row!(NodeRow, "node", [id, code, municipality, region, jmbg_mode, canton, entity, created_at]);
table_row!(OfficeRow, "offices", [id, code, name, settlement, address, hours, created_at]);
table_row!(UserRow, "users", [id, username, full_name, role, office_code, active, created_at]);
table_row!(TokenRow, "api_tokens", [id, user_id, token_hash, label, created_at, revoked_at]);
table_row!(PasswordRow, "user_passwords", [id, user_id, phc, set_by, set_at]);
table_row!(
    EntryRow,
    "entries",
    [
        id,
        register,
        office_code,
        year,
        number,
        subject_jmbg,
        partner_jmbg,
        mother_jmbg,
        father_jmbg,
        event_date,
        registered_on,
        late,
        script,
        recorded_at,
        recorded_by,
        data
    ]
);
table_row!(
    AnnotationRow,
    "annotations",
    [
        id,
        entry_id,
        kind,
        data,
        act,
        act_issuer,
        act_number,
        act_date,
        effective_date,
        note,
        recorded_at,
        office_code,
        recorded_by,
        cause_entry_id
    ]
);
table_row!(JmbgBlockRow, "jmbg_blocks", [id, region, first_serial, serial_count, basis, set_by, set_at]);
table_row!(SettlementRow, "settlements", [id, name, office_code, added_at]);
table_row!(JmbgChangeRow, "jmbg_changes", [id, old_jmbg, new_jmbg, changed_at]);
table_row!(AccessRow, "access_log", [id, at, username, role, office_code, subject_jmbg, entry_id, action, purpose, case_number]);
code_column!(Role);
record!(SessionRow, [token_hash, user_id, created_at, seen_at, expires_at, ended_at]);

//! Rows of the authoritative tables, exactly as stored, with their canonical hash.
//!
//! Every authoritative table has a row type here; its `hash` covers every column in schema
//! order, and the journal records that hash when the row is written. The conversions to
//! and from the domain's records live here too, so the SQL layer only moves rows.

use chrono::NaiveDate;
use opcina_core::journal::{Hash, RowHasher};
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
    AccountPasswordRow, AccountRow, ExtractRow, FeeRuleRow, NodeKeyRow, OrderEventRow, OrderRow, RevocationRow, VerificationRow,
};
pub use crate::federation_rows::{DeliveryRow, InboxRow, MessageRow, OutboxRow, RemoteRecordsRow};

/// The tables whose rows are authoritative and journaled, in the order verification checks
/// them.
pub const AUTHORITATIVE_TABLES: [&str; 35] = [
    "node",
    "offices",
    "users",
    "api_tokens",
    "entries",
    "annotations",
    "access_log",
    "extracts",
    "extract_revocations",
    "node_keys",
    "fee_rules",
    "user_passwords",
    "extract_orders",
    "extract_order_events",
    "citizen_accounts",
    "citizen_passwords",
    "citizen_verifications",
    "federation_messages",
    "remote_records",
    "federation_outbox",
    "federation_deliveries",
    "federation_inbox",
    "protocol_units",
    "unit_staff",
    "protocol_classes",
    "case_types",
    "protocol_settings",
    "protocol_records",
    "cases",
    "case_events",
    "attachments",
    "disposals",
    "archive_entries",
    "disposal_items",
    "legal_holds",
];

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
    pub fn hash(&self) -> Hash {
        RowHasher::new("node")
            .int(self.id)
            .text(&self.code)
            .text(&self.municipality)
            .int(self.region)
            .text(&self.jmbg_mode)
            .text(&self.canton)
            .text(&self.entity)
            .int(self.created_at)
            .finish()
    }

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

impl OfficeRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("offices")
            .int(self.id)
            .text(&self.code)
            .text(&self.name)
            .text(&self.settlement)
            .text(&self.address)
            .text(&self.hours)
            .int(self.created_at)
            .finish()
    }
}

/// A user of the node: staff with a role, and an office for those who work at one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub full_name: String,
    pub role: String,
    pub office_code: Option<String>,
    pub active: bool,
    pub created_at: i64,
}

impl UserRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("users")
            .int(self.id)
            .text(&self.username)
            .text(&self.full_name)
            .text(&self.role)
            .opt_text(self.office_code.as_deref())
            .bool(self.active)
            .int(self.created_at)
            .finish()
    }

    pub fn role(&self) -> Option<Role> {
        Role::parse(&self.role)
    }
}

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

impl TokenRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("api_tokens")
            .int(self.id)
            .int(self.user_id)
            .bytes(&self.token_hash)
            .text(&self.label)
            .int(self.created_at)
            .opt_int(self.revoked_at)
            .finish()
    }
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

impl PasswordRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("user_passwords").int(self.id).int(self.user_id).text(&self.phc).text(&self.set_by).int(self.set_at).finish()
    }
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
    pub fn hash(&self) -> Hash {
        RowHasher::new("entries")
            .int(self.id)
            .text(&self.register)
            .text(&self.office_code)
            .int(self.year)
            .int(self.number)
            .text(&self.subject_jmbg)
            .opt_text(self.partner_jmbg.as_deref())
            .opt_text(self.mother_jmbg.as_deref())
            .opt_text(self.father_jmbg.as_deref())
            .text(&self.event_date)
            .text(&self.registered_on)
            .bool(self.late)
            .text(&self.script)
            .int(self.recorded_at)
            .text(&self.recorded_by)
            .text(&self.data)
            .finish()
    }

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
    pub fn hash(&self) -> Hash {
        RowHasher::new("annotations")
            .int(self.id)
            .int(self.entry_id)
            .text(&self.kind)
            .text(&self.data)
            .text(&self.act)
            .text(&self.act_issuer)
            .text(&self.act_number)
            .text(&self.act_date)
            .text(&self.effective_date)
            .opt_text(self.note.as_deref())
            .int(self.recorded_at)
            .text(&self.office_code)
            .text(&self.recorded_by)
            .opt_int(self.cause_entry_id)
            .finish()
    }

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

impl AccessRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("access_log")
            .int(self.id)
            .int(self.at)
            .text(&self.username)
            .text(&self.role)
            .opt_text(self.office_code.as_deref())
            .text(&self.subject_jmbg)
            .opt_int(self.entry_id)
            .text(&self.action)
            .text(&self.purpose)
            .opt_text(self.case_number.as_deref())
            .finish()
    }
}

/// Any authoritative row, for writing and verifying generically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Row {
    Node(NodeRow),
    Office(OfficeRow),
    User(UserRow),
    Token(TokenRow),
    Entry(EntryRow),
    Annotation(AnnotationRow),
    Access(AccessRow),
    Extract(Box<ExtractRow>),
    Revocation(RevocationRow),
    NodeKey(NodeKeyRow),
    FeeRule(FeeRuleRow),
    Password(PasswordRow),
    Order(Box<OrderRow>),
    OrderEvent(OrderEventRow),
    Account(AccountRow),
    AccountPassword(AccountPasswordRow),
    Verification(VerificationRow),
    Message(Box<MessageRow>),
    RemoteRecords(RemoteRecordsRow),
    Outbox(OutboxRow),
    Delivery(DeliveryRow),
    Inbox(InboxRow),
    Unit(UnitRow),
    Staff(StaffRow),
    Class(ClassRow),
    CaseType(CaseTypeRow),
    Pattern(PatternRow),
    Record(RecordRow),
    Case(Box<CaseRow>),
    CaseEvent(CaseEventRow),
    Attachment(AttachmentRow),
    Disposal(DisposalRow),
    ArchiveEntry(ArchiveEntryRow),
    DisposalItem(DisposalItemRow),
    Hold(HoldRow),
}

impl Row {
    pub fn table(&self) -> &'static str {
        match self {
            Row::Node(_) => "node",
            Row::Office(_) => "offices",
            Row::User(_) => "users",
            Row::Token(_) => "api_tokens",
            Row::Entry(_) => "entries",
            Row::Annotation(_) => "annotations",
            Row::Access(_) => "access_log",
            Row::Extract(_) => "extracts",
            Row::Revocation(_) => "extract_revocations",
            Row::NodeKey(_) => "node_keys",
            Row::FeeRule(_) => "fee_rules",
            Row::Password(_) => "user_passwords",
            Row::Order(_) => "extract_orders",
            Row::OrderEvent(_) => "extract_order_events",
            Row::Account(_) => "citizen_accounts",
            Row::AccountPassword(_) => "citizen_passwords",
            Row::Verification(_) => "citizen_verifications",
            Row::Message(_) => "federation_messages",
            Row::RemoteRecords(_) => "remote_records",
            Row::Outbox(_) => "federation_outbox",
            Row::Delivery(_) => "federation_deliveries",
            Row::Inbox(_) => "federation_inbox",
            Row::Unit(_) => "protocol_units",
            Row::Staff(_) => "unit_staff",
            Row::Class(_) => "protocol_classes",
            Row::CaseType(_) => "case_types",
            Row::Pattern(_) => "protocol_settings",
            Row::Record(_) => "protocol_records",
            Row::Case(_) => "cases",
            Row::CaseEvent(_) => "case_events",
            Row::Attachment(_) => "attachments",
            Row::Disposal(_) => "disposals",
            Row::ArchiveEntry(_) => "archive_entries",
            Row::DisposalItem(_) => "disposal_items",
            Row::Hold(_) => "legal_holds",
        }
    }

    pub fn id(&self) -> i64 {
        match self {
            Row::Node(r) => r.id,
            Row::Office(r) => r.id,
            Row::User(r) => r.id,
            Row::Token(r) => r.id,
            Row::Entry(r) => r.id,
            Row::Annotation(r) => r.id,
            Row::Access(r) => r.id,
            Row::Extract(r) => r.id,
            Row::Revocation(r) => r.id,
            Row::NodeKey(r) => r.id,
            Row::FeeRule(r) => r.id,
            Row::Password(r) => r.id,
            Row::Order(r) => r.id,
            Row::OrderEvent(r) => r.id,
            Row::Account(r) => r.id,
            Row::AccountPassword(r) => r.id,
            Row::Verification(r) => r.id,
            Row::Message(r) => r.id,
            Row::RemoteRecords(r) => r.id,
            Row::Outbox(r) => r.id,
            Row::Delivery(r) => r.id,
            Row::Inbox(r) => r.id,
            Row::Unit(r) => r.id,
            Row::Staff(r) => r.id,
            Row::Class(r) => r.id,
            Row::CaseType(r) => r.id,
            Row::Pattern(r) => r.id,
            Row::Record(r) => r.id,
            Row::Case(r) => r.id,
            Row::CaseEvent(r) => r.id,
            Row::Attachment(r) => r.id,
            Row::Disposal(r) => r.id,
            Row::ArchiveEntry(r) => r.id,
            Row::DisposalItem(r) => r.id,
            Row::Hold(r) => r.id,
        }
    }

    pub fn set_id(&mut self, id: i64) {
        match self {
            Row::Node(r) => r.id = id,
            Row::Office(r) => r.id = id,
            Row::User(r) => r.id = id,
            Row::Token(r) => r.id = id,
            Row::Entry(r) => r.id = id,
            Row::Annotation(r) => r.id = id,
            Row::Access(r) => r.id = id,
            Row::Extract(r) => r.id = id,
            Row::Revocation(r) => r.id = id,
            Row::NodeKey(r) => r.id = id,
            Row::FeeRule(r) => r.id = id,
            Row::Password(r) => r.id = id,
            Row::Order(r) => r.id = id,
            Row::OrderEvent(r) => r.id = id,
            Row::Account(r) => r.id = id,
            Row::AccountPassword(r) => r.id = id,
            Row::Verification(r) => r.id = id,
            Row::Message(r) => r.id = id,
            Row::RemoteRecords(r) => r.id = id,
            Row::Outbox(r) => r.id = id,
            Row::Delivery(r) => r.id = id,
            Row::Inbox(r) => r.id = id,
            Row::Unit(r) => r.id = id,
            Row::Staff(r) => r.id = id,
            Row::Class(r) => r.id = id,
            Row::CaseType(r) => r.id = id,
            Row::Pattern(r) => r.id = id,
            Row::Record(r) => r.id = id,
            Row::Case(r) => r.id = id,
            Row::CaseEvent(r) => r.id = id,
            Row::Attachment(r) => r.id = id,
            Row::Disposal(r) => r.id = id,
            Row::ArchiveEntry(r) => r.id = id,
            Row::DisposalItem(r) => r.id = id,
            Row::Hold(r) => r.id = id,
        }
    }

    pub fn hash(&self) -> Hash {
        match self {
            Row::Node(r) => r.hash(),
            Row::Office(r) => r.hash(),
            Row::User(r) => r.hash(),
            Row::Token(r) => r.hash(),
            Row::Entry(r) => r.hash(),
            Row::Annotation(r) => r.hash(),
            Row::Access(r) => r.hash(),
            Row::Extract(r) => r.hash(),
            Row::Revocation(r) => r.hash(),
            Row::NodeKey(r) => r.hash(),
            Row::FeeRule(r) => r.hash(),
            Row::Password(r) => r.hash(),
            Row::Order(r) => r.hash(),
            Row::OrderEvent(r) => r.hash(),
            Row::Account(r) => r.hash(),
            Row::AccountPassword(r) => r.hash(),
            Row::Verification(r) => r.hash(),
            Row::Message(r) => r.hash(),
            Row::RemoteRecords(r) => r.hash(),
            Row::Outbox(r) => r.hash(),
            Row::Delivery(r) => r.hash(),
            Row::Inbox(r) => r.hash(),
            Row::Unit(r) => r.hash(),
            Row::Staff(r) => r.hash(),
            Row::Class(r) => r.hash(),
            Row::CaseType(r) => r.hash(),
            Row::Pattern(r) => r.hash(),
            Row::Record(r) => r.hash(),
            Row::Case(r) => r.hash(),
            Row::CaseEvent(r) => r.hash(),
            Row::Attachment(r) => r.hash(),
            Row::Disposal(r) => r.hash(),
            Row::ArchiveEntry(r) => r.hash(),
            Row::DisposalItem(r) => r.hash(),
            Row::Hold(r) => r.hash(),
        }
    }
}

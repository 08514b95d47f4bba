// The kernel's SQL, written once and compiled once per backend: `sqlite.rs` and
// `postgres.rs` each `include!` this file after defining `type Db` (the sqlx database) and
// `MIGRATIONS`, then each context's file (`registry.rs`, `extracts.rs`, `accounts.rs`,
// `federation.rs`, `docflow.rs`, `archive.rs`: their columns, row mapping and queries). The
// included files are formatted with `rustfmt --edition 2024 src/sql/*.rs` (`cargo fmt` does
// not see them), which CI checks. Both schemas use the same tables, columns and column
// order, and sqlx binds `$N` parameters on both, so the statements are shared; only
// connection set-up differs.
//
// This file is not a module of its own (it has no `mod` declaration): it is included.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use opcina_core::Jmbg;
use opcina_core::journal::JournalHead;
use opcina_core::registry::{AnnotationRecord, EntryRecord, PersonRecords};
use sqlx::{AssertSqlSafe, Connection as _, QueryBuilder, Row as _};

use crate::backend::{AccountKey, Batch, NoticeCounts, SessionKind, StoredItem, WriteTx};
use crate::error::{Result, StoreError};
use crate::migrate::Migration;
use crate::rows::{
    AccessRow, AccountPasswordRow, AccountRow, AnnotationRow, ArchiveEntryRow, AttachmentRow, CaseEventRow, CaseQuery, CaseRow,
    CaseTypeRow, ClassRow, DeliveryRow, DisposalItemRow, DisposalRow, DocflowConfig, EntryRow, ExtractRow, FeeRuleRow, HoldRow, InboxRow,
    MessageRow, NodeKeyRow, NodeRow, OfficeRow, OnTimeRow, OrderEventRow, OrderRow, OutboxRow, PasswordRow, PatternRow, RecordRow,
    RemoteRecordsRow, RevocationRow, Row, SessionRow, StaffRow, TokenRow, UnitRow, UserRow, VerificationRow,
};

type DbRow = <Db as sqlx::Database>::Row;
type Conn = <Db as sqlx::Database>::Connection;

const NODE_COLUMNS: &str = "id, code, municipality, region, jmbg_mode, canton, entity, created_at";
const OFFICE_COLUMNS: &str = "id, code, name, settlement, address, hours, created_at";
const USER_COLUMNS: &str = "id, username, full_name, role, office_code, active, created_at";
const TOKEN_COLUMNS: &str = "id, user_id, token_hash, label, created_at, revoked_at";
const JOURNAL_COLUMNS: &str = "seq, at, actor, office_code, action, table_name, row_id, row_hash, hash";

/// Bind parameters per statement stay well under SQLite's 32,766 (and PostgreSQL's 65,535).
const MAX_PARAMS: usize = 30_000;

fn node_from(r: &DbRow) -> Result<NodeRow> {
    Ok(NodeRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        municipality: r.try_get("municipality")?,
        region: r.try_get("region")?,
        jmbg_mode: r.try_get("jmbg_mode")?,
        canton: r.try_get("canton")?,
        entity: r.try_get("entity")?,
        created_at: r.try_get("created_at")?,
    })
}

fn office_from(r: &DbRow) -> Result<OfficeRow> {
    Ok(OfficeRow {
        id: r.try_get("id")?,
        code: r.try_get("code")?,
        name: r.try_get("name")?,
        settlement: r.try_get("settlement")?,
        address: r.try_get("address")?,
        hours: r.try_get("hours")?,
        created_at: r.try_get("created_at")?,
    })
}

fn user_from(r: &DbRow) -> Result<UserRow> {
    Ok(UserRow {
        id: r.try_get("id")?,
        username: r.try_get("username")?,
        full_name: r.try_get("full_name")?,
        role: r.try_get("role")?,
        office_code: r.try_get("office_code")?,
        active: r.try_get("active")?,
        created_at: r.try_get("created_at")?,
    })
}

fn token_from(r: &DbRow) -> Result<TokenRow> {
    Ok(TokenRow {
        id: r.try_get("id")?,
        user_id: r.try_get("user_id")?,
        token_hash: r.try_get("token_hash")?,
        label: r.try_get("label")?,
        created_at: r.try_get("created_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

fn item_from(r: &DbRow) -> Result<StoredItem> {
    Ok(StoredItem {
        seq: r.try_get("seq")?,
        at: r.try_get("at")?,
        actor: r.try_get("actor")?,
        office_code: r.try_get("office_code")?,
        action: r.try_get("action")?,
        table_name: r.try_get("table_name")?,
        row_id: r.try_get("row_id")?,
        row_hash: r.try_get("row_hash")?,
        hash: r.try_get("hash")?,
    })
}

/// Splits `n` rows into chunk sizes drawn from a few fixed values (so that each table has a
/// handful of distinct INSERT statements, all of which stay in the prepared-statement cache).
fn chunk_sizes(n: usize, max_rows: usize) -> Vec<usize> {
    let mut sizes = Vec::new();
    let mut left = n;
    let mut size = 1024usize.min(max_rows.max(1));
    while left > 0 {
        while size > 1 && size > left {
            size /= 4;
        }
        let size = size.max(1);
        sizes.push(size);
        left -= size;
    }
    sizes
}

macro_rules! insert_rows {
    ($conn:expr, $table:literal, $columns:expr, $ncols:expr, $rows:expr, |$b:ident, $r:ident| $push:block) => {{
        let rows = $rows;
        let mut start = 0usize;
        for size in chunk_sizes(rows.len(), MAX_PARAMS / $ncols) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new(concat!("INSERT INTO ", $table, " ("));
            qb.push($columns).push(") ");
            qb.push_values(&rows[start..start + size], |mut $b, $r| $push);
            qb.build().execute(&mut *$conn).await?;
            start += size;
        }
    }};
}

async fn write_batch(c: &mut Conn, batch: &Batch) -> Result<()> {
    let mut nodes = Vec::new();
    let mut offices = Vec::new();
    let mut users = Vec::new();
    let mut tokens = Vec::new();
    let mut entries = Vec::new();
    let mut annotations = Vec::new();
    let mut access = Vec::new();
    let mut extracts = Vec::new();
    let mut revocations = Vec::new();
    let mut keys = Vec::new();
    let mut fees = Vec::new();
    let mut passwords = Vec::new();
    let mut orders = Vec::new();
    let mut order_events = Vec::new();
    let mut accounts = Vec::new();
    let mut account_passwords = Vec::new();
    let mut verifications = Vec::new();
    let mut messages = Vec::new();
    let mut remote_records = Vec::new();
    let mut outbox = Vec::new();
    let mut deliveries = Vec::new();
    let mut inbox = Vec::new();
    let mut protocol_units = Vec::new();
    let mut unit_staff = Vec::new();
    let mut protocol_classes = Vec::new();
    let mut case_types = Vec::new();
    let mut protocol_settings = Vec::new();
    let mut protocol_records = Vec::new();
    let mut cases = Vec::new();
    let mut case_events = Vec::new();
    let mut attachments = Vec::new();
    let mut disposals = Vec::new();
    let mut archive_entries = Vec::new();
    let mut disposal_items = Vec::new();
    let mut legal_holds = Vec::new();
    for row in &batch.rows {
        match row {
            Row::Node(r) => nodes.push(r),
            Row::Office(r) => offices.push(r),
            Row::User(r) => users.push(r),
            Row::Token(r) => tokens.push(r),
            Row::Entry(r) => entries.push(r),
            Row::Annotation(r) => annotations.push(r),
            Row::Access(r) => access.push(r),
            Row::Extract(r) => extracts.push(r),
            Row::Revocation(r) => revocations.push(r),
            Row::NodeKey(r) => keys.push(r),
            Row::FeeRule(r) => fees.push(r),
            Row::Password(r) => passwords.push(r),
            Row::Order(r) => orders.push(r),
            Row::OrderEvent(r) => order_events.push(r),
            Row::Account(r) => accounts.push(r),
            Row::AccountPassword(r) => account_passwords.push(r),
            Row::Verification(r) => verifications.push(r),
            Row::Message(r) => messages.push(r),
            Row::RemoteRecords(r) => remote_records.push(r),
            Row::Outbox(r) => outbox.push(r),
            Row::Delivery(r) => deliveries.push(r),
            Row::Inbox(r) => inbox.push(r),
            Row::Unit(r) => protocol_units.push(r),
            Row::Staff(r) => unit_staff.push(r),
            Row::Class(r) => protocol_classes.push(r),
            Row::CaseType(r) => case_types.push(r),
            Row::Pattern(r) => protocol_settings.push(r),
            Row::Record(r) => protocol_records.push(r),
            Row::Case(r) => cases.push(r.as_ref()),
            Row::CaseEvent(r) => case_events.push(r),
            Row::Attachment(r) => attachments.push(r),
            Row::Disposal(r) => disposals.push(r),
            Row::ArchiveEntry(r) => archive_entries.push(r),
            Row::DisposalItem(r) => disposal_items.push(r),
            Row::Hold(r) => legal_holds.push(r),
        }
    }
    // Parents before children, for the foreign keys.
    insert_rows!(c, "node", NODE_COLUMNS, 8, nodes, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.code.as_str())
            .push_bind(r.municipality.as_str())
            .push_bind(r.region)
            .push_bind(r.jmbg_mode.as_str())
            .push_bind(r.canton.as_str())
            .push_bind(r.entity.as_str())
            .push_bind(r.created_at);
    });
    insert_rows!(c, "offices", OFFICE_COLUMNS, 7, offices, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.code.as_str())
            .push_bind(r.name.as_str())
            .push_bind(r.settlement.as_str())
            .push_bind(r.address.as_str())
            .push_bind(r.hours.as_str())
            .push_bind(r.created_at);
    });
    insert_rows!(c, "users", USER_COLUMNS, 7, users, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.username.as_str())
            .push_bind(r.full_name.as_str())
            .push_bind(r.role.as_str())
            .push_bind(r.office_code.as_deref())
            .push_bind(r.active)
            .push_bind(r.created_at);
    });
    insert_rows!(c, "api_tokens", TOKEN_COLUMNS, 6, tokens, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.user_id)
            .push_bind(r.token_hash.as_slice())
            .push_bind(r.label.as_str())
            .push_bind(r.created_at)
            .push_bind(r.revoked_at);
    });
    insert_rows!(c, "entries", ENTRY_COLUMNS, 16, entries, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.register.as_str())
            .push_bind(r.office_code.as_str())
            .push_bind(r.year)
            .push_bind(r.number)
            .push_bind(r.subject_jmbg.as_str())
            .push_bind(r.partner_jmbg.as_deref())
            .push_bind(r.mother_jmbg.as_deref())
            .push_bind(r.father_jmbg.as_deref())
            .push_bind(r.event_date.as_str())
            .push_bind(r.registered_on.as_str())
            .push_bind(r.late)
            .push_bind(r.script.as_str())
            .push_bind(r.recorded_at)
            .push_bind(r.recorded_by.as_str())
            .push_bind(r.data.as_str());
    });
    insert_rows!(c, "annotations", ANNOTATION_COLUMNS, 14, annotations, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.entry_id)
            .push_bind(r.kind.as_str())
            .push_bind(r.data.as_str())
            .push_bind(r.act.as_str())
            .push_bind(r.act_issuer.as_str())
            .push_bind(r.act_number.as_str())
            .push_bind(r.act_date.as_str())
            .push_bind(r.effective_date.as_str())
            .push_bind(r.note.as_deref())
            .push_bind(r.recorded_at)
            .push_bind(r.office_code.as_str())
            .push_bind(r.recorded_by.as_str())
            .push_bind(r.cause_entry_id);
    });
    insert_rows!(c, "access_log", ACCESS_COLUMNS, 10, access, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.at)
            .push_bind(r.username.as_str())
            .push_bind(r.role.as_str())
            .push_bind(r.office_code.as_deref())
            .push_bind(r.subject_jmbg.as_str())
            .push_bind(r.entry_id)
            .push_bind(r.action.as_str())
            .push_bind(r.purpose.as_str())
            .push_bind(r.case_number.as_deref());
    });
    insert_rows!(c, "extracts", EXTRACT_COLUMNS, 33, extracts, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.outcome.as_str())
            .push_bind(r.office_code.as_str())
            .push_bind(r.year)
            .push_bind(r.serial)
            .push_bind(r.kind.as_str())
            .push_bind(r.subject_jmbg.as_str())
            .push_bind(r.entry_id)
            .push_bind(r.language.as_str())
            .push_bind(r.script.as_str())
            .push_bind(r.requester_name.as_str())
            .push_bind(r.requester_jmbg.as_deref())
            .push_bind(r.requester_document.as_deref())
            .push_bind(r.evidence.as_deref())
            .push_bind(r.relation.as_str())
            .push_bind(r.established.as_deref())
            .push_bind(r.purpose.as_str())
            .push_bind(r.fee)
            .push_bind(r.fee_exemption.as_deref())
            .push_bind(r.refusal_code.as_deref())
            .push_bind(r.refusal_reason.as_deref())
            .push_bind(r.official_username.as_str())
            .push_bind(r.official_name.as_str())
            .push_bind(r.municipality.as_str())
            .push_bind(r.office_name.as_str())
            .push_bind(r.place.as_str())
            .push_bind(r.at)
            .push_bind(r.on_date.as_str())
            .push_bind(r.journal_position)
            .push_bind(r.verify_base.as_str())
            .push_bind(r.content_hash.as_deref())
            .push_bind(r.seal.as_deref())
            .push_bind(r.key_id.as_deref());
    });
    insert_rows!(c, "extract_revocations", REVOCATION_COLUMNS, 5, revocations, |b, r| {
        b.push_bind(r.id).push_bind(r.extract_id).push_bind(r.reason.as_str()).push_bind(r.revoked_by.as_str()).push_bind(r.revoked_at);
    });
    insert_rows!(c, "node_keys", NODE_KEY_COLUMNS, 4, keys, |b, r| {
        b.push_bind(r.id).push_bind(r.key_id.as_str()).push_bind(r.public_key.as_slice()).push_bind(r.created_at);
    });
    insert_rows!(c, "fee_rules", FEE_RULE_COLUMNS, 6, fees, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.kind.as_deref())
            .push_bind(r.purpose.as_deref())
            .push_bind(r.amount)
            .push_bind(r.note.as_str())
            .push_bind(r.set_at);
    });
    insert_rows!(c, "user_passwords", PASSWORD_COLUMNS, 5, passwords, |b, r| {
        b.push_bind(r.id).push_bind(r.user_id).push_bind(r.phc.as_str()).push_bind(r.set_by.as_str()).push_bind(r.set_at);
    });
    insert_rows!(c, "extract_orders", ORDER_COLUMNS, 18, orders, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.code.as_str())
            .push_bind(r.kind.as_str())
            .push_bind(r.subject_jmbg.as_str())
            .push_bind(r.subject_name.as_str())
            .push_bind(r.language.as_str())
            .push_bind(r.script.as_str())
            .push_bind(r.requester_name.as_str())
            .push_bind(r.requester_jmbg.as_deref())
            .push_bind(r.requester_document.as_deref())
            .push_bind(r.relation.as_str())
            .push_bind(r.evidence.as_deref())
            .push_bind(r.purpose.as_str())
            .push_bind(r.delivery.as_str())
            .push_bind(r.office_code.as_str())
            .push_bind(r.address.as_deref())
            .push_bind(r.contact.as_deref())
            .push_bind(r.created_at);
    });
    insert_rows!(c, "extract_order_events", ORDER_EVENT_COLUMNS, 7, order_events, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.order_id)
            .push_bind(r.status.as_str())
            .push_bind(r.extract_number.as_deref())
            .push_bind(r.note.as_deref())
            .push_bind(r.by_user.as_str())
            .push_bind(r.at);
    });
    insert_rows!(c, "citizen_accounts", ACCOUNT_COLUMNS, 5, accounts, |b, r| {
        b.push_bind(r.id).push_bind(r.email.as_str()).push_bind(r.full_name.as_str()).push_bind(r.code.as_str()).push_bind(r.created_at);
    });
    insert_rows!(c, "citizen_passwords", ACCOUNT_PASSWORD_COLUMNS, 4, account_passwords, |b, r| {
        b.push_bind(r.id).push_bind(r.account_id).push_bind(r.phc.as_str()).push_bind(r.set_at);
    });
    insert_rows!(c, "citizen_verifications", VERIFICATION_COLUMNS, 7, verifications, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.account_id)
            .push_bind(r.jmbg.as_str())
            .push_bind(r.document.as_str())
            .push_bind(r.verified_by.as_str())
            .push_bind(r.office_code.as_str())
            .push_bind(r.at);
    });
    insert_rows!(c, "federation_messages", MESSAGE_COLUMNS, 15, messages, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.at)
            .push_bind(r.direction.as_str())
            .push_bind(r.peer.as_str())
            .push_bind(r.service.as_str())
            .push_bind(r.nonce.as_str())
            .push_bind(r.case_number.as_deref())
            .push_bind(r.status)
            .push_bind(r.outcome.as_str())
            .push_bind(r.request_signature.as_str())
            .push_bind(r.request_digest.as_str())
            .push_bind(r.response_signature.as_deref())
            .push_bind(r.response_digest.as_deref())
            .push_bind(r.prev_hash.as_slice())
            .push_bind(r.hash.as_slice());
    });
    insert_rows!(c, "remote_records", REMOTE_RECORDS_COLUMNS, 8, remote_records, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.extract_id)
            .push_bind(r.member.as_str())
            .push_bind(r.municipality.as_str())
            .push_bind(r.entry_id)
            .push_bind(r.position)
            .push_bind(r.records.as_str())
            .push_bind(r.received_at);
    });
    insert_rows!(c, "federation_outbox", OUTBOX_COLUMNS, 5, outbox, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.subject_jmbg.as_str())
            .push_bind(r.annotation.as_str())
            .push_bind(r.cause_entry_id)
            .push_bind(r.created_at);
    });
    insert_rows!(c, "federation_deliveries", DELIVERY_COLUMNS, 6, deliveries, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.outbox_id)
            .push_bind(r.member.as_str())
            .push_bind(r.status.as_str())
            .push_bind(r.receipt.as_str())
            .push_bind(r.at);
    });
    insert_rows!(c, "federation_inbox", INBOX_COLUMNS, 9, inbox, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.notice_id.as_str())
            .push_bind(r.member.as_str())
            .push_bind(r.subject_jmbg.as_str())
            .push_bind(r.annotation.as_str())
            .push_bind(r.status.as_str())
            .push_bind(r.annotation_id)
            .push_bind(r.reason.as_deref())
            .push_bind(r.received_at);
    });
    insert_rows!(c, "protocol_units", UNIT_COLUMNS, 4, protocol_units, |b, r| {
        b.push_bind(r.id).push_bind(r.code.as_str()).push_bind(r.name.as_str()).push_bind(r.created_at);
    });
    insert_rows!(c, "unit_staff", STAFF_COLUMNS, 4, unit_staff, |b, r| {
        b.push_bind(r.id).push_bind(r.username.as_str()).push_bind(r.unit_code.as_str()).push_bind(r.since);
    });
    insert_rows!(c, "protocol_classes", CLASS_COLUMNS, 5, protocol_classes, |b, r| {
        b.push_bind(r.id).push_bind(r.mark).push_bind(r.title.as_str()).push_bind(r.retention_years).push_bind(r.created_at);
    });
    insert_rows!(c, "case_types", CASE_TYPE_COLUMNS, 9, case_types, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.code.as_str())
            .push_bind(r.title.as_str())
            .push_bind(r.book.as_str())
            .push_bind(r.class)
            .push_bind(r.term_kind.as_str())
            .push_bind(r.term_days)
            .push_bind(r.unit_code.as_str())
            .push_bind(r.created_at);
    });
    insert_rows!(c, "protocol_settings", PATTERN_COLUMNS, 4, protocol_settings, |b, r| {
        b.push_bind(r.id).push_bind(r.pattern.as_str()).push_bind(r.set_by.as_str()).push_bind(r.set_at);
    });
    insert_rows!(c, "protocol_records", RECORD_COLUMNS, 18, protocol_records, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.book.as_str())
            .push_bind(r.unit_code.as_str())
            .push_bind(r.class)
            .push_bind(r.year)
            .push_bind(r.serial)
            .push_bind(r.sub)
            .push_bind(r.number.as_str())
            .push_bind(r.case_id)
            .push_bind(r.direction.as_str())
            .push_bind(r.channel.as_str())
            .push_bind(r.office_code.as_str())
            .push_bind(r.correspondent.as_str())
            .push_bind(r.subject.as_str())
            .push_bind(r.received_on.as_str())
            .push_bind(r.corrects_id)
            .push_bind(r.registered_by.as_str())
            .push_bind(r.registered_at);
    });
    insert_rows!(c, "cases", CASE_COLUMNS, 36, cases, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.record_id)
            .push_bind(r.number.as_str())
            .push_bind(r.book.as_str())
            .push_bind(r.unit_code.as_str())
            .push_bind(r.class)
            .push_bind(r.year)
            .push_bind(r.serial)
            .push_bind(r.case_type.as_str())
            .push_bind(r.party_name.as_str())
            .push_bind(r.party_jmbg.as_deref())
            .push_bind(r.party_address.as_str())
            .push_bind(r.party_contact.as_deref())
            .push_bind(r.subject.as_str())
            .push_bind(r.access_hash.as_slice())
            .push_bind(r.term_kind.as_str())
            .push_bind(r.term_days)
            .push_bind(r.opened_on.as_str())
            .push_bind(r.appeal_of)
            .push_bind(r.state.as_str())
            .push_bind(r.holder_unit.as_deref())
            .push_bind(r.holder_official.as_deref())
            .push_bind(r.held_since)
            .push_bind(r.due_on.as_str())
            .push_bind(r.paused_since.as_deref())
            .push_bind(r.paused_days)
            .push_bind(r.missing.as_deref())
            .push_bind(r.outcome.as_deref())
            .push_bind(r.decided_on.as_deref())
            .push_bind(r.dispatch.as_deref())
            .push_bind(r.dispatched_on.as_deref())
            .push_bind(r.delivered_on.as_deref())
            .push_bind(r.closed_on.as_deref())
            .push_bind(r.joined_to)
            .push_bind(r.last_sub)
            .push_bind(r.updated_at);
    });
    insert_rows!(c, "case_events", CASE_EVENT_COLUMNS, 11, case_events, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.case_id)
            .push_bind(r.kind.as_str())
            .push_bind(r.from_state.as_str())
            .push_bind(r.to_state.as_str())
            .push_bind(r.unit_code.as_deref())
            .push_bind(r.official.as_deref())
            .push_bind(r.record_id)
            .push_bind(r.detail.as_str())
            .push_bind(r.at)
            .push_bind(r.by_user.as_str());
    });
    insert_rows!(c, "attachments", ATTACHMENT_COLUMNS, 11, attachments, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.case_id)
            .push_bind(r.record_id)
            .push_bind(r.first_id)
            .push_bind(r.version)
            .push_bind(r.name.as_str())
            .push_bind(r.media_type.as_str())
            .push_bind(r.size)
            .push_bind(r.sha256.as_str())
            .push_bind(r.uploaded_by.as_str())
            .push_bind(r.uploaded_at);
    });
    insert_rows!(c, "disposals", DISPOSAL_COLUMNS, 11, disposals, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.as_of.as_str())
            .push_bind(r.state.as_str())
            .push_bind(r.proposed_by.as_str())
            .push_bind(r.proposed_at)
            .push_bind(r.answer_ref.as_deref())
            .push_bind(r.answered_on.as_deref())
            .push_bind(r.answered_by.as_deref())
            .push_bind(r.done_by.as_deref())
            .push_bind(r.done_at)
            .push_bind(r.updated_at);
    });
    insert_rows!(c, "archive_entries", ARCHIVE_ENTRY_COLUMNS, 16, archive_entries, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.year)
            .push_bind(r.serial)
            .push_bind(r.case_id)
            .push_bind(r.number.as_str())
            .push_bind(r.class)
            .push_bind(r.content.as_str())
            .push_bind(r.closed_on.as_str())
            .push_bind(r.retention_years)
            .push_bind(r.keep_until.as_deref())
            .push_bind(r.files)
            .push_bind(r.state.as_str())
            .push_bind(r.disposal_id)
            .push_bind(r.archived_by.as_str())
            .push_bind(r.archived_at)
            .push_bind(r.updated_at);
    });
    insert_rows!(c, "disposal_items", DISPOSAL_ITEM_COLUMNS, 4, disposal_items, |b, r| {
        b.push_bind(r.id).push_bind(r.disposal_id).push_bind(r.entry_id).push_bind(r.case_id);
    });
    insert_rows!(c, "legal_holds", HOLD_COLUMNS, 6, legal_holds, |b, r| {
        b.push_bind(r.id)
            .push_bind(r.case_id)
            .push_bind(r.placed)
            .push_bind(r.reason.as_str())
            .push_bind(r.by_user.as_str())
            .push_bind(r.at);
    });
    let items: Vec<StoredItem> = batch.journal.iter().map(StoredItem::from_item).collect();
    insert_rows!(c, "journal", JOURNAL_COLUMNS, 9, items, |b, r| {
        b.push_bind(r.seq)
            .push_bind(r.at)
            .push_bind(r.actor.as_str())
            .push_bind(r.office_code.as_deref())
            .push_bind(r.action.as_str())
            .push_bind(r.table_name.as_str())
            .push_bind(r.row_id)
            .push_bind(r.row_hash.as_deref())
            .push_bind(r.hash.as_slice());
    });
    for row in &batch.updates {
        match row {
            Row::Token(r) => {
                sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2").bind(r.revoked_at).bind(r.id).execute(&mut *c).await?;
            }
            Row::User(r) => {
                sqlx::query("UPDATE users SET full_name = $1, role = $2, office_code = $3, active = $4 WHERE id = $5")
                    .bind(r.full_name.as_str())
                    .bind(r.role.as_str())
                    .bind(r.office_code.as_deref())
                    .bind(r.active)
                    .bind(r.id)
                    .execute(&mut *c)
                    .await?;
            }
            Row::Inbox(r) => {
                sqlx::query("UPDATE federation_inbox SET status = $1, reason = $2 WHERE id = $3")
                    .bind(r.status.as_str())
                    .bind(r.reason.as_deref())
                    .bind(r.id)
                    .execute(&mut *c)
                    .await?;
            }
            Row::Case(r) => {
                sqlx::query("UPDATE cases SET record_id = $1, number = $2, book = $3, unit_code = $4, class = $5, year = $6, serial = $7, case_type = $8, party_name = $9, party_jmbg = $10, party_address = $11, party_contact = $12, subject = $13, access_hash = $14, term_kind = $15, term_days = $16, opened_on = $17, appeal_of = $18, state = $19, holder_unit = $20, holder_official = $21, held_since = $22, due_on = $23, paused_since = $24, paused_days = $25, missing = $26, outcome = $27, decided_on = $28, dispatch = $29, dispatched_on = $30, delivered_on = $31, closed_on = $32, joined_to = $33, last_sub = $34, updated_at = $35 WHERE id = $36")
                    .bind(r.record_id)
                    .bind(r.number.as_str())
                    .bind(r.book.as_str())
                    .bind(r.unit_code.as_str())
                    .bind(r.class)
                    .bind(r.year)
                    .bind(r.serial)
                    .bind(r.case_type.as_str())
                    .bind(r.party_name.as_str())
                    .bind(r.party_jmbg.as_deref())
                    .bind(r.party_address.as_str())
                    .bind(r.party_contact.as_deref())
                    .bind(r.subject.as_str())
                    .bind(r.access_hash.as_slice())
                    .bind(r.term_kind.as_str())
                    .bind(r.term_days)
                    .bind(r.opened_on.as_str())
                    .bind(r.appeal_of)
                    .bind(r.state.as_str())
                    .bind(r.holder_unit.as_deref())
                    .bind(r.holder_official.as_deref())
                    .bind(r.held_since)
                    .bind(r.due_on.as_str())
                    .bind(r.paused_since.as_deref())
                    .bind(r.paused_days)
                    .bind(r.missing.as_deref())
                    .bind(r.outcome.as_deref())
                    .bind(r.decided_on.as_deref())
                    .bind(r.dispatch.as_deref())
                    .bind(r.dispatched_on.as_deref())
                    .bind(r.delivered_on.as_deref())
                    .bind(r.closed_on.as_deref())
                    .bind(r.joined_to)
                    .bind(r.last_sub)
                    .bind(r.updated_at)
                    .bind(r.id)
                    .execute(&mut *c)
                    .await?;
            }
            Row::ArchiveEntry(r) => {
                sqlx::query("UPDATE archive_entries SET year = $1, serial = $2, case_id = $3, number = $4, class = $5, content = $6, closed_on = $7, retention_years = $8, keep_until = $9, files = $10, state = $11, disposal_id = $12, archived_by = $13, archived_at = $14, updated_at = $15 WHERE id = $16")
                    .bind(r.year)
                    .bind(r.serial)
                    .bind(r.case_id)
                    .bind(r.number.as_str())
                    .bind(r.class)
                    .bind(r.content.as_str())
                    .bind(r.closed_on.as_str())
                    .bind(r.retention_years)
                    .bind(r.keep_until.as_deref())
                    .bind(r.files)
                    .bind(r.state.as_str())
                    .bind(r.disposal_id)
                    .bind(r.archived_by.as_str())
                    .bind(r.archived_at)
                    .bind(r.updated_at)
                    .bind(r.id)
                    .execute(&mut *c)
                    .await?;
            }
            Row::Disposal(r) => {
                sqlx::query("UPDATE disposals SET as_of = $1, state = $2, proposed_by = $3, proposed_at = $4, answer_ref = $5, answered_on = $6, answered_by = $7, done_by = $8, done_at = $9, updated_at = $10 WHERE id = $11")
                    .bind(r.as_of.as_str())
                    .bind(r.state.as_str())
                    .bind(r.proposed_by.as_str())
                    .bind(r.proposed_at)
                    .bind(r.answer_ref.as_deref())
                    .bind(r.answered_on.as_deref())
                    .bind(r.answered_by.as_deref())
                    .bind(r.done_by.as_deref())
                    .bind(r.done_at)
                    .bind(r.updated_at)
                    .bind(r.id)
                    .execute(&mut *c)
                    .await?;
            }
            other => return Err(StoreError::corrupt(other.table(), other.id(), "rows of this table are never updated")),
        }
    }
    Ok(())
}

async fn lock_head(c: &mut Conn) -> Result<JournalHead> {
    // An UPDATE that changes nothing still takes the row lock on PostgreSQL, so concurrent
    // writers queue here; SQLite has a single writer anyway.
    let r = sqlx::query("UPDATE journal_head SET seq = seq WHERE id = 1 RETURNING seq, hash").fetch_one(&mut *c).await?;
    let seq: i64 = r.try_get("seq")?;
    let hash: Vec<u8> = r.try_get("hash")?;
    let hash = <[u8; 32]>::try_from(hash.as_slice()).map_err(|_| StoreError::corrupt("journal_head", 1, "hash is not 32 bytes"))?;
    Ok(JournalHead { seq, hash })
}

async fn read_head(c: &mut Conn) -> Result<JournalHead> {
    let r = sqlx::query("SELECT seq, hash FROM journal_head WHERE id = 1").fetch_one(&mut *c).await?;
    let seq: i64 = r.try_get("seq")?;
    let hash: Vec<u8> = r.try_get("hash")?;
    let hash = <[u8; 32]>::try_from(hash.as_slice()).map_err(|_| StoreError::corrupt("journal_head", 1, "hash is not 32 bytes"))?;
    Ok(JournalHead { seq, hash })
}

async fn store_head(c: &mut Conn, head: JournalHead) -> Result<()> {
    sqlx::query("UPDATE journal_head SET seq = $1, hash = $2 WHERE id = 1")
        .bind(head.seq)
        .bind(head.hash.as_slice())
        .execute(&mut *c)
        .await?;
    Ok(())
}

async fn fetch_node(c: &mut Conn) -> Result<Option<NodeRow>> {
    let sql = format!("SELECT {NODE_COLUMNS} FROM node ORDER BY id LIMIT 1");
    sqlx::query(AssertSqlSafe(sql)).fetch_optional(&mut *c).await?.map(|r| node_from(&r)).transpose()
}

async fn fetch_office(c: &mut Conn, code: &str) -> Result<Option<OfficeRow>> {
    let sql = format!("SELECT {OFFICE_COLUMNS} FROM offices WHERE code = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(code).fetch_optional(&mut *c).await?.map(|r| office_from(&r)).transpose()
}

async fn fetch_offices(c: &mut Conn) -> Result<Vec<OfficeRow>> {
    let sql = format!("SELECT {OFFICE_COLUMNS} FROM offices ORDER BY id");
    sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *c).await?.iter().map(office_from).collect()
}

async fn fetch_user(c: &mut Conn, username: &str) -> Result<Option<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username = $1");
    sqlx::query(AssertSqlSafe(sql)).bind(username).fetch_optional(&mut *c).await?.map(|r| user_from(&r)).transpose()
}

async fn fetch_users(c: &mut Conn) -> Result<Vec<UserRow>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users ORDER BY id");
    sqlx::query(AssertSqlSafe(sql)).fetch_all(&mut *c).await?.iter().map(user_from).collect()
}

async fn fetch_user_by_token(c: &mut Conn, token_hash: &[u8]) -> Result<Option<UserRow>> {
    let sql = "SELECT u.id, u.username, u.full_name, u.role, u.office_code, u.active, u.created_at \
               FROM api_tokens t JOIN users u ON u.id = t.user_id \
               WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = $2";
    sqlx::query(sql).bind(token_hash).bind(true).fetch_optional(&mut *c).await?.map(|r| user_from(&r)).transpose()
}

/// Rows of a table about a person (`subject_jmbg`), newest first, before the id `before`
/// (keyset pages of the access log and of the documents issued or refused).
async fn fetch_about_person<T>(
    c: &mut Conn,
    columns: &str,
    table: &str,
    jmbg: &str,
    before: Option<i64>,
    limit: i64,
    from: fn(&DbRow) -> Result<T>,
) -> Result<Vec<T>> {
    let sql = format!("SELECT {columns} FROM {table} WHERE subject_jmbg = $1 AND id < $2 ORDER BY id DESC LIMIT $3");
    sqlx::query(AssertSqlSafe(sql))
        .bind(jmbg)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit)
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(from)
        .collect()
}

async fn fetch_one_where<T>(c: &mut Conn, sql: String, value: &str, convert: fn(&DbRow) -> Result<T>) -> Result<Option<T>> {
    sqlx::query(AssertSqlSafe(sql)).bind(value).fetch_optional(&mut *c).await?.as_ref().map(convert).transpose()
}

async fn fetch_journal_page(c: &mut Conn, after: i64, limit: i64) -> Result<Vec<StoredItem>> {
    let sql = format!("SELECT {JOURNAL_COLUMNS} FROM journal WHERE seq > $1 ORDER BY seq LIMIT $2");
    sqlx::query(AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(&mut *c).await?.iter().map(item_from).collect()
}

async fn fetch_rows_page(c: &mut Conn, table: &str, after: i64, limit: i64) -> Result<Vec<Row>> {
    let (columns, convert): (&str, fn(&DbRow) -> Result<Row>) = match table {
        "node" => (NODE_COLUMNS, |r| node_from(r).map(Row::Node)),
        "offices" => (OFFICE_COLUMNS, |r| office_from(r).map(Row::Office)),
        "users" => (USER_COLUMNS, |r| user_from(r).map(Row::User)),
        "api_tokens" => (TOKEN_COLUMNS, |r| token_from(r).map(Row::Token)),
        "entries" => (ENTRY_COLUMNS, |r| entry_from(r).map(Row::Entry)),
        "annotations" => (ANNOTATION_COLUMNS, |r| annotation_from(r).map(Row::Annotation)),
        "access_log" => (ACCESS_COLUMNS, |r| access_from(r).map(Row::Access)),
        "extracts" => (EXTRACT_COLUMNS, |r| extract_from(r).map(|e| Row::Extract(Box::new(e)))),
        "extract_revocations" => (REVOCATION_COLUMNS, |r| revocation_from(r).map(Row::Revocation)),
        "node_keys" => (NODE_KEY_COLUMNS, |r| node_key_from(r).map(Row::NodeKey)),
        "fee_rules" => (FEE_RULE_COLUMNS, |r| fee_rule_from(r).map(Row::FeeRule)),
        "user_passwords" => (PASSWORD_COLUMNS, |r| password_from(r).map(Row::Password)),
        "extract_orders" => (ORDER_COLUMNS, |r| order_from(r).map(|o| Row::Order(Box::new(o)))),
        "extract_order_events" => (ORDER_EVENT_COLUMNS, |r| order_event_from(r).map(Row::OrderEvent)),
        "citizen_accounts" => (ACCOUNT_COLUMNS, |r| account_from(r).map(Row::Account)),
        "citizen_passwords" => (ACCOUNT_PASSWORD_COLUMNS, |r| account_password_from(r).map(Row::AccountPassword)),
        "citizen_verifications" => (VERIFICATION_COLUMNS, |r| verification_from(r).map(Row::Verification)),
        "federation_messages" => (MESSAGE_COLUMNS, |r| message_from(r).map(|m| Row::Message(Box::new(m)))),
        "remote_records" => (REMOTE_RECORDS_COLUMNS, |r| remote_records_from(r).map(Row::RemoteRecords)),
        "federation_outbox" => (OUTBOX_COLUMNS, |r| outbox_from(r).map(Row::Outbox)),
        "federation_deliveries" => (DELIVERY_COLUMNS, |r| delivery_from(r).map(Row::Delivery)),
        "federation_inbox" => (INBOX_COLUMNS, |r| inbox_from(r).map(Row::Inbox)),
        "protocol_units" => (UNIT_COLUMNS, |r| unit_from(r).map(Row::Unit)),
        "unit_staff" => (STAFF_COLUMNS, |r| staff_from(r).map(Row::Staff)),
        "protocol_classes" => (CLASS_COLUMNS, |r| class_from(r).map(Row::Class)),
        "case_types" => (CASE_TYPE_COLUMNS, |r| case_type_from(r).map(Row::CaseType)),
        "protocol_settings" => (PATTERN_COLUMNS, |r| pattern_from(r).map(Row::Pattern)),
        "protocol_records" => (RECORD_COLUMNS, |r| record_from(r).map(Row::Record)),
        "cases" => (CASE_COLUMNS, |r| case_from(r).map(|x| Row::Case(Box::new(x)))),
        "case_events" => (CASE_EVENT_COLUMNS, |r| case_event_from(r).map(Row::CaseEvent)),
        "attachments" => (ATTACHMENT_COLUMNS, |r| attachment_from(r).map(Row::Attachment)),
        "disposals" => (DISPOSAL_COLUMNS, |r| disposal_from(r).map(Row::Disposal)),
        "archive_entries" => (ARCHIVE_ENTRY_COLUMNS, |r| archive_entry_from(r).map(Row::ArchiveEntry)),
        "disposal_items" => (DISPOSAL_ITEM_COLUMNS, |r| disposal_item_from(r).map(Row::DisposalItem)),
        "legal_holds" => (HOLD_COLUMNS, |r| hold_from(r).map(Row::Hold)),
        other => return Err(StoreError::corrupt("journal", 0, format!("unknown table {other:?}"))),
    };
    let sql = format!("SELECT {columns} FROM {table} WHERE id > $1 ORDER BY id LIMIT $2");
    sqlx::query(AssertSqlSafe(sql)).bind(after).bind(limit).fetch_all(&mut *c).await?.iter().map(convert).collect()
}

/// Applies the migrations the database lacks, each in its own transaction, recording a
/// checksum so that a migration edited after release is detected.
async fn run_migrations(c: &mut Conn, migrations: &[Migration]) -> Result<Vec<i64>> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at BIGINT NOT NULL)",
    )
    .execute(&mut *c)
    .await?;
    let applied: Vec<(i64, String)> = sqlx::query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        .fetch_all(&mut *c)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("version")?, r.try_get("checksum")?)))
        .collect::<Result<_>>()?;
    for (version, checksum) in &applied {
        match migrations.iter().find(|m| m.version == *version) {
            None => return Err(StoreError::UnknownMigration { applied: *version }),
            Some(m) if &m.checksum() != checksum => return Err(StoreError::MigrationChanged { version: m.version, name: m.name }),
            Some(_) => {}
        }
    }
    let mut done = Vec::new();
    for m in migrations.iter().filter(|m| !applied.iter().any(|(v, _)| *v == m.version)) {
        let wrap = |source| StoreError::Migration { version: m.version, name: m.name, source };
        let mut tx = c.begin().await.map_err(wrap)?;
        sqlx::raw_sql(m.sql).execute(&mut *tx).await.map_err(wrap)?;
        sqlx::query("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)")
            .bind(m.version)
            .bind(m.name)
            .bind(m.checksum())
            .bind(chrono::Utc::now().timestamp_micros())
            .execute(&mut *tx)
            .await
            .map_err(wrap)?;
        tx.commit().await.map_err(wrap)?;
        done.push(m.version);
    }
    Ok(done)
}

/// A write transaction on one connection.
pub struct Tx {
    tx: sqlx::Transaction<'static, Db>,
}

#[async_trait]
impl WriteTx for Tx {
    async fn lock_head(&mut self) -> Result<JournalHead> {
        lock_head(&mut self.tx).await
    }

    async fn store_head(&mut self, head: JournalHead) -> Result<()> {
        store_head(&mut self.tx, head).await
    }

    async fn write(&mut self, batch: &Batch) -> Result<()> {
        write_batch(&mut self.tx, batch).await
    }

    async fn person_records(&mut self, jmbg: &Jmbg) -> Result<PersonRecords> {
        fetch_person_records(&mut self.tx, jmbg).await
    }

    async fn entry(&mut self, id: i64) -> Result<Option<(EntryRecord, Vec<AnnotationRecord>)>> {
        fetch_entry(&mut self.tx, id).await
    }

    async fn used_serials(&mut self, prefix: &str) -> Result<Vec<u16>> {
        fetch_used_serials(&mut self.tx, prefix).await
    }

    async fn last_entry_number(&mut self, register: &str, office: &str, year: i64) -> Result<i64> {
        fetch_last_entry_number(&mut self.tx, register, office, year).await
    }

    async fn node(&mut self) -> Result<Option<NodeRow>> {
        fetch_node(&mut self.tx).await
    }

    async fn office(&mut self, code: &str) -> Result<Option<OfficeRow>> {
        fetch_office(&mut self.tx, code).await
    }

    async fn office_codes(&mut self) -> Result<Vec<String>> {
        Ok(fetch_offices(&mut self.tx).await?.into_iter().map(|o| o.code).collect())
    }

    async fn user(&mut self, username: &str) -> Result<Option<UserRow>> {
        fetch_user(&mut self.tx, username).await
    }

    async fn last_extract_serial(&mut self, outcome: &str, office: &str, year: i64) -> Result<i64> {
        fetch_last_extract_serial(&mut self.tx, outcome, office, year).await
    }

    async fn last_protocol_serial(&mut self, book: &str, unit: &str, year: i64) -> Result<i64> {
        fetch_last_protocol_serial(&mut self.tx, book, unit, year).await
    }

    async fn docflow_config(&mut self) -> Result<DocflowConfig> {
        fetch_docflow_config(&mut self.tx).await
    }

    async fn case(&mut self, id: i64) -> Result<Option<CaseRow>> {
        fetch_case(&mut self.tx, id).await
    }

    async fn cases_numbered(&mut self, number: &str) -> Result<Vec<CaseRow>> {
        fetch_cases_numbered(&mut self.tx, number).await
    }

    async fn last_message(&mut self) -> Result<Option<MessageRow>> {
        let sql = format!("SELECT {MESSAGE_COLUMNS} FROM federation_messages ORDER BY id DESC LIMIT 1");
        sqlx::query(AssertSqlSafe(sql)).fetch_optional(&mut *self.tx).await?.as_ref().map(message_from).transpose()
    }

    async fn record(&mut self, id: i64) -> Result<Option<RecordRow>> {
        let sql = format!("SELECT {RECORD_COLUMNS} FROM protocol_records WHERE id = $1");
        sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *self.tx).await?.as_ref().map(record_from).transpose()
    }

    async fn attachment(&mut self, id: i64) -> Result<Option<AttachmentRow>> {
        fetch_attachment(&mut self.tx, id).await
    }

    async fn last_attachment_version(&mut self, first_id: i64) -> Result<i64> {
        let row =
            sqlx::query("SELECT MAX(version) AS n FROM attachments WHERE first_id = $1").bind(first_id).fetch_one(&mut *self.tx).await?;
        Ok(row.try_get::<Option<i64>, _>("n")?.unwrap_or(0))
    }

    async fn last_archive_serial(&mut self, year: i64) -> Result<i64> {
        fetch_last_archive_serial(&mut self.tx, year).await
    }

    async fn archive_entry_of(&mut self, case_id: i64) -> Result<Option<ArchiveEntryRow>> {
        fetch_archive_entry_of(&mut self.tx, case_id).await
    }

    async fn disposable_entries(&mut self, as_of: &str) -> Result<Vec<ArchiveEntryRow>> {
        fetch_disposable_entries(&mut self.tx, as_of).await
    }

    async fn case_holds(&mut self, case_id: i64) -> Result<Vec<HoldRow>> {
        fetch_case_holds(&mut self.tx, case_id).await
    }

    async fn disposal(&mut self, id: i64) -> Result<Option<DisposalRow>> {
        fetch_disposal(&mut self.tx, id).await
    }

    async fn disposal_entries(&mut self, disposal_id: i64) -> Result<Vec<ArchiveEntryRow>> {
        fetch_disposal_entries(&mut self.tx, disposal_id).await
    }

    async fn live_references(&mut self, sha256: &str) -> Result<i64> {
        fetch_live_references(&mut self.tx, sha256).await
    }

    async fn commit(self: Box<Self>) -> Result<()> {
        Ok(self.tx.commit().await?)
    }

    async fn rollback(self: Box<Self>) -> Result<()> {
        Ok(self.tx.rollback().await?)
    }
}

/// A backend on one kind of database: a pool for reads and a pool for the writer (the same
/// pool on PostgreSQL; a single connection on SQLite).
pub struct DbBackend {
    read: sqlx::Pool<Db>,
    write: sqlx::Pool<Db>,
    kind: &'static str,
    /// How a write transaction begins (`BEGIN IMMEDIATE` on SQLite takes the write lock at
    /// once, so a second process waits instead of failing on the lock upgrade).
    begin_statement: Option<&'static str>,
}

#[async_trait]
impl crate::backend::Backend for DbBackend {
    fn kind(&self) -> &'static str {
        self.kind
    }

    async fn migrate(&self) -> Result<Vec<i64>> {
        run_migrations(&mut *self.write.acquire().await?, MIGRATIONS).await
    }

    async fn begin(&self) -> Result<Box<dyn WriteTx>> {
        let tx = match self.begin_statement {
            Some(statement) => self.write.begin_with(statement).await?,
            None => self.write.begin().await?,
        };
        Ok(Box::new(Tx { tx }))
    }

    async fn close(&self) {
        self.read.close().await;
        self.write.close().await;
    }

    async fn after_bulk_load(&self) -> Result<()> {
        use sqlx::Executor as _;
        let mut c = self.write.acquire().await?;
        // SQLite samples at most 1,000 rows per index (enough for the planner, fast at any size).
        let statements: &[&'static str] = if self.kind == "sqlite" {
            &["PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"]
        } else {
            &["ANALYZE"]
        };
        for s in statements {
            (&mut *c).execute(*s).await?;
        }
        Ok(())
    }

    async fn node(&self) -> Result<Option<NodeRow>> {
        fetch_node(&mut *self.read.acquire().await?).await
    }

    async fn offices(&self) -> Result<Vec<OfficeRow>> {
        fetch_offices(&mut *self.read.acquire().await?).await
    }

    async fn users(&self) -> Result<Vec<UserRow>> {
        fetch_users(&mut *self.read.acquire().await?).await
    }

    async fn user(&self, username: &str) -> Result<Option<UserRow>> {
        fetch_user(&mut *self.read.acquire().await?, username).await
    }

    async fn user_by_token(&self, token_hash: &[u8]) -> Result<Option<UserRow>> {
        fetch_user_by_token(&mut *self.read.acquire().await?, token_hash).await
    }

    async fn person_records(&self, jmbg: &Jmbg) -> Result<PersonRecords> {
        fetch_person_records(&mut *self.read.acquire().await?, jmbg).await
    }

    async fn person_records_many(&self, jmbgs: &[Jmbg]) -> Result<Vec<(Jmbg, PersonRecords)>> {
        fetch_person_records_many(&mut *self.read.acquire().await?, jmbgs).await
    }

    async fn entry(&self, id: i64) -> Result<Option<(EntryRecord, Vec<AnnotationRecord>)>> {
        fetch_entry(&mut *self.read.acquire().await?, id).await
    }

    async fn access_log(&self, jmbg: &str, before: Option<i64>, limit: i64) -> Result<Vec<AccessRow>> {
        fetch_access_log(&mut *self.read.acquire().await?, jmbg, before, limit).await
    }

    async fn journal_head(&self) -> Result<JournalHead> {
        read_head(&mut *self.read.acquire().await?).await
    }

    async fn persons_touched(&self, after: i64, upto: i64) -> Result<Vec<String>> {
        fetch_persons_touched(&mut *self.read.acquire().await?, after, upto).await
    }

    async fn person_jmbgs_after(&self, after: &str, limit: i64) -> Result<Vec<String>> {
        fetch_person_jmbgs_after(&mut *self.read.acquire().await?, after, limit).await
    }

    async fn journal_page(&self, after_seq: i64, limit: i64) -> Result<Vec<StoredItem>> {
        fetch_journal_page(&mut *self.read.acquire().await?, after_seq, limit).await
    }

    async fn rows_page(&self, table: &str, after_id: i64, limit: i64) -> Result<Vec<Row>> {
        fetch_rows_page(&mut *self.read.acquire().await?, table, after_id, limit).await
    }

    async fn taken_entry_numbers(&self, register: &str, office: &str, year: i64, numbers: &[i64]) -> Result<Vec<i64>> {
        fetch_taken_entry_numbers(&mut *self.read.acquire().await?, register, office, year, numbers).await
    }

    async fn registered_subjects(&self, register: &str, jmbgs: &[String]) -> Result<Vec<String>> {
        fetch_registered_subjects(&mut *self.read.acquire().await?, register, jmbgs).await
    }

    async fn extract_by_number(&self, outcome: &str, office: &str, year: i64, serial: i64) -> Result<Option<ExtractRow>> {
        fetch_extract_by_number(&mut *self.read.acquire().await?, outcome, office, year, serial).await
    }

    async fn extracts_of(&self, jmbg: &str, before: Option<i64>, limit: i64) -> Result<Vec<ExtractRow>> {
        fetch_extracts_of(&mut *self.read.acquire().await?, jmbg, before, limit).await
    }

    async fn revocation(&self, extract_id: i64) -> Result<Option<RevocationRow>> {
        fetch_revocation(&mut *self.read.acquire().await?, extract_id).await
    }

    async fn node_keys(&self) -> Result<Vec<NodeKeyRow>> {
        fetch_node_keys(&mut *self.read.acquire().await?).await
    }

    async fn fee_rules(&self) -> Result<Vec<FeeRuleRow>> {
        fetch_fee_rules(&mut *self.read.acquire().await?).await
    }

    async fn entries_recorded(&self, office: &str, from: i64, to: i64, limit: i64) -> Result<Vec<EntryRecord>> {
        let sql = format!(
            "SELECT {ENTRY_COLUMNS} FROM entries WHERE office_code = $1 AND recorded_at >= $2 AND recorded_at < $3 ORDER BY recorded_at, id LIMIT $4"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(office)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(&mut *self.read.acquire().await?)
            .await?;
        rows.iter().map(|r| entry_from(r)?.to_record()).collect()
    }

    async fn count_entries_recorded(&self, office: &str, from: i64, to: i64, cap: i64) -> Result<i64> {
        let sql = "SELECT COUNT(*) AS n FROM (SELECT 1 FROM entries WHERE office_code = $1 AND recorded_at >= $2 AND recorded_at < $3 LIMIT $4) AS day";
        let r = sqlx::query(sql).bind(office).bind(from).bind(to).bind(cap).fetch_one(&mut *self.read.acquire().await?).await?;
        Ok(r.try_get("n")?)
    }

    async fn annotations_recorded(&self, office: &str, from: i64, to: i64, limit: i64) -> Result<Vec<AnnotationRecord>> {
        let sql = format!(
            "SELECT {ANNOTATION_COLUMNS} FROM annotations WHERE office_code = $1 AND recorded_at >= $2 AND recorded_at < $3 ORDER BY recorded_at, id LIMIT $4"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(office)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(&mut *self.read.acquire().await?)
            .await?;
        rows.iter().map(|r| annotation_from(r)?.to_record()).collect()
    }

    async fn extracts_at(&self, office: &str, from: i64, to: i64, limit: i64) -> Result<Vec<ExtractRow>> {
        let sql =
            format!("SELECT {EXTRACT_COLUMNS} FROM extracts WHERE office_code = $1 AND at >= $2 AND at < $3 ORDER BY at, id LIMIT $4");
        sqlx::query(AssertSqlSafe(sql))
            .bind(office)
            .bind(from)
            .bind(to)
            .bind(limit)
            .fetch_all(&mut *self.read.acquire().await?)
            .await?
            .iter()
            .map(extract_from)
            .collect()
    }

    async fn order_by_code(&self, code: &str) -> Result<Option<OrderRow>> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM extract_orders WHERE code = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(code)
            .fetch_optional(&mut *self.read.acquire().await?)
            .await?
            .as_ref()
            .map(order_from)
            .transpose()
    }

    async fn order(&self, id: i64) -> Result<Option<OrderRow>> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM extract_orders WHERE id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut *self.read.acquire().await?)
            .await?
            .as_ref()
            .map(order_from)
            .transpose()
    }

    async fn orders_of_office(&self, office: &str, before: Option<i64>, limit: i64) -> Result<Vec<OrderRow>> {
        let sql = format!("SELECT {ORDER_COLUMNS} FROM extract_orders WHERE office_code = $1 AND id < $2 ORDER BY id DESC LIMIT $3");
        sqlx::query(AssertSqlSafe(sql))
            .bind(office)
            .bind(before.unwrap_or(i64::MAX))
            .bind(limit)
            .fetch_all(&mut *self.read.acquire().await?)
            .await?
            .iter()
            .map(order_from)
            .collect()
    }

    async fn order_events(&self, order_ids: &[i64]) -> Result<Vec<OrderEventRow>> {
        let mut out = Vec::new();
        let mut c = self.read.acquire().await?;
        for chunk in order_ids.chunks(1000) {
            let mut qb: QueryBuilder<Db> = QueryBuilder::new("SELECT ");
            qb.push(ORDER_EVENT_COLUMNS).push(" FROM extract_order_events WHERE order_id IN (");
            let mut sep = qb.separated(", ");
            for id in chunk {
                sep.push_bind(*id);
            }
            qb.push(") ORDER BY id");
            for r in qb.build().fetch_all(&mut *c).await? {
                out.push(order_event_from(&r)?);
            }
        }
        out.sort_by_key(|e| e.id);
        Ok(out)
    }

    async fn password(&self, user_id: i64) -> Result<Option<PasswordRow>> {
        fetch_password(&mut *self.read.acquire().await?, user_id).await
    }

    async fn insert_session(&self, kind: SessionKind, s: &SessionRow) -> Result<()> {
        let sql = format!("INSERT INTO {} ({SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)", kind.table());
        sqlx::query(AssertSqlSafe(sql))
            .bind(s.token_hash.as_slice())
            .bind(s.user_id)
            .bind(s.created_at)
            .bind(s.seen_at)
            .bind(s.expires_at)
            .bind(s.ended_at)
            .execute(&mut *self.write.acquire().await?)
            .await?;
        Ok(())
    }

    async fn session(&self, kind: SessionKind, token_hash: &[u8]) -> Result<Option<SessionRow>> {
        fetch_session(&mut *self.read.acquire().await?, kind, token_hash).await
    }

    async fn user_by_id(&self, id: i64) -> Result<Option<UserRow>> {
        let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1");
        sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *self.read.acquire().await?).await?.as_ref().map(user_from).transpose()
    }

    async fn account(&self, key: AccountKey<'_>) -> Result<Option<AccountRow>> {
        let mut c = self.read.acquire().await?;
        match key {
            AccountKey::Id(id) => {
                let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM citizen_accounts WHERE id = $1");
                sqlx::query(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await?.as_ref().map(account_from).transpose()
            }
            AccountKey::Email(email) => {
                fetch_one_where(&mut c, format!("SELECT {ACCOUNT_COLUMNS} FROM citizen_accounts WHERE email = $1"), email, account_from)
                    .await
            }
            AccountKey::Code(code) => {
                fetch_one_where(&mut c, format!("SELECT {ACCOUNT_COLUMNS} FROM citizen_accounts WHERE code = $1"), code, account_from).await
            }
        }
    }

    async fn account_password(&self, account_id: i64) -> Result<Option<AccountPasswordRow>> {
        let sql = format!("SELECT {ACCOUNT_PASSWORD_COLUMNS} FROM citizen_passwords WHERE account_id = $1 ORDER BY id DESC LIMIT 1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(account_id)
            .fetch_optional(&mut *self.read.acquire().await?)
            .await?
            .as_ref()
            .map(account_password_from)
            .transpose()
    }

    async fn verification(&self, account_id: i64) -> Result<Option<VerificationRow>> {
        let sql = format!("SELECT {VERIFICATION_COLUMNS} FROM citizen_verifications WHERE account_id = $1 ORDER BY id DESC LIMIT 1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(account_id)
            .fetch_optional(&mut *self.read.acquire().await?)
            .await?
            .as_ref()
            .map(verification_from)
            .transpose()
    }

    async fn remote_records(&self, extract_id: i64) -> Result<Option<RemoteRecordsRow>> {
        let sql = format!("SELECT {REMOTE_RECORDS_COLUMNS} FROM remote_records WHERE extract_id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(extract_id)
            .fetch_optional(&mut *self.read.acquire().await?)
            .await?
            .as_ref()
            .map(remote_records_from)
            .transpose()
    }

    async fn inbox(&self, notice_id: &str) -> Result<Option<InboxRow>> {
        let sql = format!("SELECT {INBOX_COLUMNS} FROM federation_inbox WHERE notice_id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(notice_id)
            .fetch_optional(&mut *self.read.acquire().await?)
            .await?
            .as_ref()
            .map(inbox_from)
            .transpose()
    }

    async fn queued_notice(&self, id: i64) -> Result<Option<InboxRow>> {
        let sql = format!("SELECT {INBOX_COLUMNS} FROM federation_inbox WHERE id = $1 AND status = 'queued'");
        sqlx::query(AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&mut *self.read.acquire().await?)
            .await?
            .as_ref()
            .map(inbox_from)
            .transpose()
    }

    async fn notice_counts(&self) -> Result<NoticeCounts> {
        let mut c = self.read.acquire().await?;
        let pending = sqlx::query("SELECT COUNT(*) AS n, MIN(o.created_at) AS oldest FROM federation_outbox o LEFT JOIN federation_deliveries d ON d.outbox_id = o.id WHERE d.id IS NULL")
            .fetch_one(&mut *c)
            .await?;
        let queued = sqlx::query("SELECT COUNT(*) AS n FROM federation_inbox WHERE status = 'queued'").fetch_one(&mut *c).await?;
        Ok(NoticeCounts { pending: pending.try_get("n")?, oldest_pending_at: pending.try_get("oldest")?, queued: queued.try_get("n")? })
    }

    async fn queued_notices(&self, limit: i64) -> Result<Vec<InboxRow>> {
        let sql = format!("SELECT {INBOX_COLUMNS} FROM federation_inbox WHERE status = 'queued' ORDER BY id LIMIT $1");
        sqlx::query(AssertSqlSafe(sql)).bind(limit).fetch_all(&mut *self.read.acquire().await?).await?.iter().map(inbox_from).collect()
    }

    async fn pending_notices(&self, limit: i64) -> Result<Vec<OutboxRow>> {
        let sql = "SELECT o.id, o.subject_jmbg, o.annotation, o.cause_entry_id, o.created_at FROM federation_outbox o LEFT JOIN federation_deliveries d ON d.outbox_id = o.id WHERE d.id IS NULL ORDER BY o.id LIMIT $1";
        sqlx::query(sql).bind(limit).fetch_all(&mut *self.read.acquire().await?).await?.iter().map(outbox_from).collect()
    }

    async fn delivery(&self, outbox_id: i64) -> Result<Option<DeliveryRow>> {
        let sql = format!("SELECT {DELIVERY_COLUMNS} FROM federation_deliveries WHERE outbox_id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(outbox_id)
            .fetch_optional(&mut *self.read.acquire().await?)
            .await?
            .as_ref()
            .map(delivery_from)
            .transpose()
    }

    async fn last_message(&self) -> Result<Option<MessageRow>> {
        let sql = format!("SELECT {MESSAGE_COLUMNS} FROM federation_messages ORDER BY id DESC LIMIT 1");
        sqlx::query(AssertSqlSafe(sql)).fetch_optional(&mut *self.read.acquire().await?).await?.as_ref().map(message_from).transpose()
    }

    async fn touch_session(&self, kind: SessionKind, token_hash: &[u8], at: i64) -> Result<()> {
        sqlx::query(AssertSqlSafe(format!("UPDATE {} SET seen_at = $1 WHERE token_hash = $2 AND seen_at < $1", kind.table())))
            .bind(at)
            .bind(token_hash)
            .execute(&mut *self.write.acquire().await?)
            .await?;
        Ok(())
    }

    async fn end_sessions(&self, kind: SessionKind, token_hash: Option<&[u8]>, user_id: Option<i64>, at: i64) -> Result<u64> {
        let done = sqlx::query(AssertSqlSafe(format!(
            "UPDATE {} SET ended_at = $1 WHERE ended_at IS NULL AND (token_hash = $2 OR user_id = $3)",
            kind.table()
        )))
        .bind(at)
        .bind(token_hash)
        .bind(user_id)
        .execute(&mut *self.write.acquire().await?)
        .await?;
        Ok(done.rows_affected())
    }

    async fn execute_raw(&self, sql: &str) -> Result<u64> {
        use sqlx::Executor as _;
        let mut c = self.write.acquire().await?;
        let done = (&mut *c).execute(AssertSqlSafe(sql.to_string())).await?;
        Ok(done.rows_affected())
    }

    async fn docflow_config(&self) -> Result<DocflowConfig> {
        fetch_docflow_config(&mut *self.read.acquire().await?).await
    }

    async fn case(&self, id: i64) -> Result<Option<CaseRow>> {
        fetch_case(&mut *self.read.acquire().await?, id).await
    }

    async fn cases_numbered(&self, number: &str) -> Result<Vec<CaseRow>> {
        fetch_cases_numbered(&mut *self.read.acquire().await?, number).await
    }

    async fn case_events(&self, case_id: i64) -> Result<Vec<CaseEventRow>> {
        fetch_case_events(&mut *self.read.acquire().await?, case_id).await
    }

    async fn case_records(&self, case_id: i64) -> Result<Vec<RecordRow>> {
        fetch_case_records(&mut *self.read.acquire().await?, case_id).await
    }

    async fn case_attachments(&self, case_id: i64) -> Result<Vec<AttachmentRow>> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE case_id = $1 ORDER BY id");
        sqlx::query(AssertSqlSafe(sql))
            .bind(case_id)
            .fetch_all(&mut *self.read.acquire().await?)
            .await?
            .iter()
            .map(attachment_from)
            .collect()
    }

    async fn attachment(&self, id: i64) -> Result<Option<AttachmentRow>> {
        fetch_attachment(&mut *self.read.acquire().await?, id).await
    }

    async fn attachments_after(&self, after: i64, limit: i64) -> Result<Vec<AttachmentRow>> {
        let sql = format!("SELECT {ATTACHMENT_COLUMNS} FROM attachments WHERE id > $1 ORDER BY id LIMIT $2");
        sqlx::query(AssertSqlSafe(sql))
            .bind(after)
            .bind(limit)
            .fetch_all(&mut *self.read.acquire().await?)
            .await?
            .iter()
            .map(attachment_from)
            .collect()
    }

    async fn handed_across(&self, unit: &str) -> Result<(Vec<i64>, Vec<i64>)> {
        let mut c = self.read.acquire().await?;
        let ids = |rows: Vec<DbRow>| rows.iter().map(|r| r.try_get::<i64, _>("id").map_err(StoreError::from)).collect::<Result<Vec<i64>>>();
        let held = sqlx::query("SELECT id FROM cases WHERE holder_unit = $1 AND holder_unit <> unit_code ORDER BY id")
            .bind(unit)
            .fetch_all(&mut *c)
            .await?;
        let given = sqlx::query("SELECT id FROM cases WHERE unit_code = $1 AND holder_unit <> unit_code ORDER BY id")
            .bind(unit)
            .fetch_all(&mut *c)
            .await?;
        Ok((ids(held)?, ids(given)?))
    }

    async fn archive_book(&self, year: i64, after_serial: i64, limit: i64) -> Result<Vec<ArchiveEntryRow>> {
        fetch_archive_book(&mut *self.read.acquire().await?, year, after_serial, limit).await
    }

    async fn archive_entry_of(&self, case_id: i64) -> Result<Option<ArchiveEntryRow>> {
        fetch_archive_entry_of(&mut *self.read.acquire().await?, case_id).await
    }

    async fn case_holds(&self, case_id: i64) -> Result<Vec<HoldRow>> {
        fetch_case_holds(&mut *self.read.acquire().await?, case_id).await
    }

    async fn disposals(&self, limit: i64) -> Result<Vec<DisposalRow>> {
        fetch_disposals(&mut *self.read.acquire().await?, limit).await
    }

    async fn disposal(&self, id: i64) -> Result<Option<DisposalRow>> {
        fetch_disposal(&mut *self.read.acquire().await?, id).await
    }

    async fn disposal_entries(&self, disposal_id: i64) -> Result<Vec<ArchiveEntryRow>> {
        fetch_disposal_entries(&mut *self.read.acquire().await?, disposal_id).await
    }

    async fn cases_page(&self, query: &CaseQuery) -> Result<Vec<CaseRow>> {
        fetch_cases_page(&mut *self.read.acquire().await?, query).await
    }

    async fn protocol_page(&self, book: &str, unit: &str, year: i64, after: Option<(i64, i64)>, limit: i64) -> Result<Vec<RecordRow>> {
        let (serial, sub) = after.unwrap_or((0, -1));
        let sql = format!(
            "SELECT {RECORD_COLUMNS} FROM protocol_records WHERE book = $1 AND unit_code = $2 AND year = $3 \
             AND (serial > $4 OR (serial = $4 AND sub > $5)) ORDER BY serial, sub LIMIT $6"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(book)
            .bind(unit)
            .bind(year)
            .bind(serial)
            .bind(sub)
            .bind(limit)
            .fetch_all(&mut *self.read.acquire().await?)
            .await?
            .iter()
            .map(record_from)
            .collect()
    }

    async fn on_time(&self, from: &str, to: &str) -> Result<Vec<OnTimeRow>> {
        fetch_on_time(&mut *self.read.acquire().await?, from, to).await
    }
}

//! Carrying out a registration command inside a journaled transaction: load the facts the
//! command needs, let the domain plan it, write the planned records with their journal items.
//! Registrations and the records of who read a person's data reach the node's writer as
//! jobs of the registry ([`Store::execute`], [`Store::record_access`]).

use std::collections::HashSet;

use async_trait::async_trait;
use chrono::NaiveDate;
use opcina_core::jmbg::SerialBlock;
use opcina_core::registry::commands::{Applied, Command, Facts, Needs, PlanContext};
use opcina_core::registry::{Actor, Register, Timestamp};
use opcina_core::{FieldError, Refusal};

use crate::backend::WriteTx;
use crate::error::{Result, StoreError};
use crate::rows::{AccessRow, AnnotationRow, EntryRow, JmbgChangeRow, NodeRow, OutboxRow, Row};
use crate::sql::prelude::*;
use crate::store::Store;
use crate::txn::{Sequence, Txn};
use crate::writer::{WriteCx, WriteJob};

/// A registration command for the writer.
struct Registration(Command);

#[async_trait]
impl WriteJob for Registration {
    type Output = std::result::Result<Applied, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let node = cx.node()?;
        execute(cx.txn, node, cx.actor, &self.0, cx.today, cx.now).await
    }
}

/// Reads of people's records for the access log.
struct Reads(Vec<AccessRow>);

#[async_trait]
impl WriteJob for Reads {
    type Output = ();

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<()> {
        append_reads(cx.txn, cx.actor, &self.0, cx.now).await
    }
}

/// Appends reads of people's records to the access log, at `now`.
pub(crate) async fn append_reads(txn: &mut Txn, actor: &Actor, reads: &[AccessRow], now: Timestamp) -> Result<()> {
    for read in reads {
        let row = AccessRow { at: now.0, ..read.clone() };
        txn.append(Row::new(row), now, actor, "access.read").await?;
    }
    Ok(())
}

impl Store {
    /// Carries out a registration command; returns once it is durably committed.
    pub async fn execute(&self, actor: &Actor, command: Command) -> Result<std::result::Result<Applied, Refusal>> {
        self.submit(actor, Registration(command)).await
    }

    /// Records reads of people's records; returns once they are durably committed, so that
    /// no record is shown before its reading is logged.
    pub async fn record_access(&self, actor: &Actor, rows: Vec<AccessRow>) -> Result<()> {
        self.submit(actor, Reads(rows)).await
    }
}

/// Loads what a command needs, seeing everything written earlier in the transaction.
pub async fn load_facts(txn: &mut Txn, needs: &Needs) -> Result<Facts> {
    let tx = txn.reader().await?;
    let mut facts = Facts::default();
    let mut people = needs.persons.clone();
    if let Some(id) = needs.entry {
        if let Some((entry, annotations)) = tx.entry(id).await? {
            people.push(entry.content.subject().clone());
            people.extend(entry.content.partner().cloned());
            facts.entry = Some((entry, annotations));
        }
    }
    for j in people {
        if let std::collections::hash_map::Entry::Vacant(slot) = facts.persons.entry(j) {
            let records = tx.person_records(slot.key()).await?;
            slot.insert(records);
        }
    }
    if let Some(prefix) = &needs.serial_prefix {
        facts.used_serials = tx.used_serials(prefix).await?;
    }
    Ok(facts)
}

/// A book of a register at an office (matična knjiga), numbered per year.
struct EntryBook<'a>(&'a str);

#[async_trait]
impl Sequence for EntryBook<'_> {
    fn key(&self) -> String {
        format!("entries:{}", self.0)
    }

    async fn last(&self, tx: &mut dyn WriteTx, office: &str, year: i64) -> Result<i64> {
        tx.last_entry_number(self.0, office, year).await
    }
}

/// The node's offices (their codes) and the settlements it knows by name (its offices' seats
/// and the settlements added), read once per transaction.
pub(crate) struct Offices {
    codes: HashSet<String>,
    settlements: Vec<String>,
}

async fn offices(txn: &mut Txn) -> Result<&Offices> {
    if txn.memo::<Offices>().is_none() {
        let rows = txn.reader().await?.offices().await?;
        let known = txn.reader().await?.settlements().await?;
        let settlements = rows.iter().map(|o| o.settlement.clone()).chain(known.into_iter().map(|s| s.name)).collect();
        txn.set_memo(Offices { codes: rows.into_iter().map(|o| o.code).collect(), settlements });
    }
    // Set just above when it was missing.
    txn.memo::<Offices>().ok_or(StoreError::NotInitialised)
}

async fn office_exists(txn: &mut Txn, code: &str) -> Result<bool> {
    Ok(offices(txn).await?.codes.contains(code))
}

/// Checks that the actor may register at all: a registrar working at an office of this node.
pub async fn check_registrar(txn: &mut Txn, actor: &Actor) -> Result<Result<String, Refusal>> {
    if !actor.role.registers() {
        return Ok(Err(FieldError::general("auth.forbidden", format!("the role {} cannot register entries", actor.role)).into()));
    }
    let Some(office) = actor.office.clone() else {
        return Ok(Err(FieldError::general("auth.office_required", "registrations are made at an office; the user has none").into()));
    };
    if !office_exists(txn, &office).await? {
        return Ok(Err(FieldError::general("auth.office_unknown", format!("the office {office} does not exist on this node")).into()));
    }
    Ok(Ok(office))
}

/// Carries out `command` as `actor`. The outer `Result` is the store's; the inner one is
/// the domain's answer (the records written, or why not).
pub async fn execute(
    txn: &mut Txn,
    node: &NodeRow,
    actor: &Actor,
    command: &Command,
    today: NaiveDate,
    now: Timestamp,
) -> Result<Result<Applied, Refusal>> {
    let office = match check_registrar(txn, actor).await? {
        Ok(o) => o,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let needs = command.needs(today, node.region_u8());
    let facts = load_facts(txn, &needs).await?;
    let number = match needs.new_entry {
        Some((register, year)) => txn.peek_serial(&EntryBook(register.code()), &office, i64::from(year)).await?,
        None => 0,
    };
    // Only a birth assigns a JMBG: the share of the region's serials in force, read in the
    // writer's transaction (a block set a moment ago applies to the next birth).
    let serial_block = match needs.serial_prefix {
        Some(_) => txn.reader().await?.jmbg_block().await?.and_then(|r| r.block()).unwrap_or(SerialBlock::WHOLE),
        None => SerialBlock::WHOLE,
    };
    // Births and deaths are entered for the municipality's territory: the settlements it
    // knows are its offices' seats.
    let settlements = match needs.new_entry {
        Some((Register::Births | Register::Deaths, _)) => offices(txn).await?.settlements.clone(),
        _ => Vec::new(),
    };
    let ctx = PlanContext {
        today,
        office,
        municipality: node.municipality.clone(),
        settlements,
        region: node.region_u8(),
        jmbg_mode: node.check_mode(),
        serial_block,
        next_id: txn.next_id(),
        new_entry_number: number,
    };
    let plan = match command.plan(&facts, &ctx) {
        Ok(plan) => plan,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let applied = plan.materialize(&ctx, actor, now);
    write_applied(txn, &applied, actor, now).await?;
    // Live registrations only (not bulk loads of historical records): what another
    // municipality must annotate waits in the outbox, in this same transaction.
    for notice in &applied.notices {
        let row = OutboxRow {
            id: 0,
            subject_jmbg: notice.subject.to_string(),
            annotation: serde_json::to_string(&notice.annotation).map_err(|e| StoreError::corrupt("federation_outbox", 0, e))?,
            cause_entry_id: applied.entry.as_ref().map(|e| e.id),
            created_at: now.0,
        };
        txn.append(Row::new(row), now, actor, "federation.notice.queued").await?;
    }
    Ok(Ok(applied))
}

/// Writes the records of an applied command (or of a bulk load) with their journal items.
pub async fn write_applied(txn: &mut Txn, applied: &Applied, actor: &Actor, now: Timestamp) -> Result<()> {
    if let Some(e) = &applied.entry {
        let row = EntryRow::from_record(e)?;
        txn.saw_serial(&EntryBook(&row.register), &row.office_code, row.year, row.number);
        txn.append(Row::new(row), now, actor, applied.action).await?;
    }
    for a in &applied.annotations {
        txn.append(Row::new(AnnotationRow::from_record(a)?), now, actor, applied.action).await?;
    }
    // After the records the plan numbered, so that their ids stay those it gave them.
    for change in JmbgChangeRow::of(&applied.annotations) {
        txn.append(Row::new(change), now, actor, applied.action).await?;
    }
    Ok(())
}

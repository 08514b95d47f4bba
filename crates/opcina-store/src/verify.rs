//! `journal verify`: proves that the journal is an unbroken hash chain and that every row of
//! every authoritative table is exactly what the journal says was written — naming each row
//! inserted, changed or deleted behind the program's back.
//!
//! One pass over the journal in order, merged with one pass over each append-only table in
//! id order (an append-only row's id is the position of the item that wrote it); the small
//! mutable tables (node, offices, users, tokens) are checked against the last item written
//! for each of their rows. Memory stays constant for the large tables.

use std::collections::{HashMap, VecDeque};
use std::fmt;

use opcina_core::journal::{GENESIS, Hash, JournalHead};

use crate::backend::{Backend, RowHash};
use crate::contexts;
use crate::error::Result;

const PAGE: i64 = 5_000;

/// Something wrong found by verification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// An item's stored hash is not the hash of its content and its predecessor.
    ChainBroken { seq: i64 },
    /// An item sits at a position the journal never gives (zero or below).
    ItemInserted { seq: i64 },
    /// Journal positions are missing (deleted items).
    ItemsMissing { from: i64, to: i64 },
    /// The journal head does not name the last item.
    HeadMismatch { head: i64, last: i64 },
    /// A row exists that no journal item wrote.
    RowInserted { table: String, id: i64 },
    /// A row differs from what its journal item recorded.
    RowChanged { table: String, id: i64, seq: i64, action: String },
    /// A row the journal recorded is gone.
    RowDeleted { table: String, id: i64, seq: i64 },
    /// An item names a table that is not authoritative.
    UnknownTable { seq: i64, table: String },
    /// The chain at a signed position is not what the checkpoint signed: the journal was
    /// rewritten and its chain computed again.
    AnchorMismatch { seq: i64, source: String },
    /// A checkpoint was signed at a position the journal no longer reaches: its end was cut
    /// off, or the database is an older copy.
    AnchorBeyondEnd { seq: i64, last: i64, source: String },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::ChainBroken { seq } => {
                write!(f, "journal item {seq}: its hash does not match its content and its predecessor (the journal was altered)")
            }
            Problem::ItemInserted { seq } => write!(f, "journal item {seq} has a position no item can have (it was inserted)"),
            Problem::ItemsMissing { from, to } => write!(f, "journal items {from}..={to} are missing (the journal was cut)"),
            Problem::HeadMismatch { head, last } => write!(f, "journal head says {head} but the last item is {last}"),
            Problem::RowInserted { table, id } => {
                write!(f, "{table} row {id}: inserted behind the program's back (no journal item wrote it)")
            }
            Problem::RowChanged { table, id, seq, action } => {
                write!(f, "{table} row {id}: changed behind the program's back (it differs from journal item {seq}, {action})")
            }
            Problem::RowDeleted { table, id, seq } => {
                write!(f, "{table} row {id}: deleted behind the program's back (journal item {seq} wrote it)")
            }
            Problem::UnknownTable { seq, table } => write!(f, "journal item {seq} names an unknown table {table:?}"),
            Problem::AnchorMismatch { seq, source } => {
                write!(
                    f,
                    "journal item {seq} is not what {source} signed: the journal was rewritten and its chain computed again, \
                     or this is an older copy that went on from an earlier point"
                )
            }
            Problem::AnchorBeyondEnd { seq, last, source } => write!(
                f,
                "{source} was signed at journal item {seq} but the journal ends at {last}: its end was cut off, or this is an older copy"
            ),
        }
    }
}

/// What verification found.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub items: i64,
    pub rows: i64,
    pub head: Option<JournalHead>,
    pub problems: Vec<Problem>,
}

impl Report {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The row hash, position and action of the last item that wrote a row.
type LastWrite = (Option<Vec<u8>>, i64, String);

/// An append-only table read page by page in id order.
struct Cursor<'a> {
    backend: &'a dyn Backend,
    table: &'static str,
    rows: VecDeque<RowHash>,
    after: i64,
    exhausted: bool,
}

impl<'a> Cursor<'a> {
    fn new(backend: &'a dyn Backend, table: &'static str) -> Self {
        Cursor { backend, table, rows: VecDeque::new(), after: i64::MIN, exhausted: false }
    }

    async fn peek(&mut self) -> Result<Option<&RowHash>> {
        if self.rows.is_empty() && !self.exhausted {
            let page = self.backend.row_hashes(self.table, self.after, PAGE).await?;
            self.exhausted = (page.len() as i64) < PAGE;
            if let Some(last) = page.last() {
                self.after = last.id();
            }
            self.rows.extend(page);
        }
        Ok(self.rows.front())
    }
}

/// A signed position of the journal to check the chain against: a checkpoint of this node's,
/// or one a peer keeps as witness ([`crate::anchor`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub seq: i64,
    pub hash: Hash,
    /// Where it came from, as the report names it (`checkpoint 812`, `witness KSU`).
    pub source: String,
}

impl Anchor {
    pub fn of(checkpoint: &opcina_core::checkpoint::Checkpoint, source: String) -> Anchor {
        Anchor { seq: checkpoint.seq, hash: checkpoint.hash, source }
    }
}

/// Verifies the journal and the tables; `progress` is told how many items were checked.
pub async fn verify(backend: &dyn Backend, progress: &(dyn Fn(i64) + Sync)) -> Result<Report> {
    verify_anchored(backend, &[], progress).await
}

/// [`verify`], and the chain against signed positions: each anchor's position must be in
/// the journal with the hash it signed.
pub async fn verify_anchored(backend: &dyn Backend, anchors: &[Anchor], progress: &(dyn Fn(i64) + Sync)) -> Result<Report> {
    let mut anchored: HashMap<i64, Vec<&Anchor>> = HashMap::new();
    for a in anchors.iter().filter(|a| a.seq > 0) {
        anchored.entry(a.seq).or_default().push(a);
    }
    let mut report = Report::default();
    let mut cursors: Vec<Cursor<'_>> = contexts::tables().filter(|t| t.append_only).map(|t| Cursor::new(backend, t.name)).collect();
    // Last item written for each row of the mutable tables.
    let mut mutable: HashMap<(String, i64), LastWrite> = HashMap::new();
    let mut prev: Hash = GENESIS;
    let mut expected = 1i64;
    let mut last = 0i64;
    // Positions start at 1; items below are read first and named (the database refuses
    // them, but whoever can write rows can drop a constraint).
    let mut after = i64::MIN;
    loop {
        let page = backend.journal_page(after, PAGE).await?;
        if page.is_empty() {
            break;
        }
        after = page.last().map_or(after, |i| i.seq);
        for stored in &page {
            if stored.seq < 1 {
                report.problems.push(Problem::ItemInserted { seq: stored.seq });
                continue;
            }
            if stored.seq != expected {
                report.problems.push(Problem::ItemsMissing { from: expected, to: stored.seq - 1 });
            }
            let item = stored.to_item(prev);
            if item.computed_hash().as_slice() != stored.hash.as_slice() {
                report.problems.push(Problem::ChainBroken { seq: stored.seq });
            }
            if let Some(signed) = anchored.get(&stored.seq) {
                for a in signed.iter().filter(|a| a.hash != item.hash) {
                    report.problems.push(Problem::AnchorMismatch { seq: stored.seq, source: a.source.clone() });
                }
            }
            prev = item.hash;
            expected = stored.seq + 1;
            last = stored.seq;
            report.items += 1;

            let table = stored.table_name.as_str();
            if let Some(cursor) = cursors.iter_mut().find(|c| c.table == table) {
                // Rows with smaller ids than this item were written by nobody.
                while let Some(row) = cursor.peek().await? {
                    if row.id() >= stored.row_id {
                        break;
                    }
                    report.problems.push(Problem::RowInserted { table: table.to_string(), id: row.id() });
                    cursor.rows.pop_front();
                }
                match cursor.peek().await? {
                    Some(row) if row.id() == stored.row_id => {
                        report.rows += 1;
                        if Some(row.hash().as_slice()) != stored.row_hash.as_deref() {
                            report.problems.push(Problem::RowChanged {
                                table: table.to_string(),
                                id: row.id(),
                                seq: stored.seq,
                                action: stored.action.clone(),
                            });
                        }
                        cursor.rows.pop_front();
                    }
                    _ => report.problems.push(Problem::RowDeleted { table: table.to_string(), id: stored.row_id, seq: stored.seq }),
                }
            } else if contexts::table(table).is_some() {
                mutable.insert((table.to_string(), stored.row_id), (stored.row_hash.clone(), stored.seq, stored.action.clone()));
            } else {
                report.problems.push(Problem::UnknownTable { seq: stored.seq, table: table.to_string() });
            }
        }
        progress(report.items);
    }
    for cursor in &mut cursors {
        let table = cursor.table;
        while let Some(row) = cursor.peek().await? {
            report.problems.push(Problem::RowInserted { table: table.to_string(), id: row.id() });
            cursor.rows.pop_front();
        }
    }
    for table in contexts::tables().filter(|t| !t.append_only).map(|t| t.name) {
        let mut after = i64::MIN;
        loop {
            let page = backend.row_hashes(table, after, PAGE).await?;
            for row in &page {
                report.rows += 1;
                match mutable.remove(&(table.to_string(), row.id())) {
                    None => report.problems.push(Problem::RowInserted { table: table.to_string(), id: row.id() }),
                    Some((hash, seq, action)) => {
                        if hash.as_deref() != Some(row.hash().as_slice()) {
                            report.problems.push(Problem::RowChanged { table: table.to_string(), id: row.id(), seq, action });
                        }
                    }
                }
            }
            match page.last() {
                Some(r) if (page.len() as i64) == PAGE => after = r.id(),
                _ => break,
            }
        }
    }
    let mut gone: Vec<_> = mutable.into_iter().filter(|(_, (hash, ..))| hash.is_some()).collect();
    gone.sort_by_key(|((_, id), _)| *id);
    for ((table, id), (_, seq, _)) in gone {
        report.problems.push(Problem::RowDeleted { table, id, seq });
    }
    let mut beyond: Vec<&Anchor> = anchors.iter().filter(|a| a.seq > last).collect();
    beyond.sort_by_key(|a| std::cmp::Reverse(a.seq));
    for a in beyond {
        report.problems.push(Problem::AnchorBeyondEnd { seq: a.seq, last, source: a.source.clone() });
    }
    let head = backend.journal_head().await?;
    if head.seq != last || (last > 0 && head.hash != prev) {
        report.problems.push(Problem::HeadMismatch { head: head.seq, last });
    }
    report.head = Some(head);
    Ok(report)
}

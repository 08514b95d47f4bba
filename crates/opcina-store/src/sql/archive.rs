//! The archive's reads, written once for both databases.

use async_trait::async_trait;

use crate::backend::{Reads, all, one};
use crate::error::Result;
use crate::rows::{ArchiveEntryRow, DisposalRow, HoldRow};
use crate::table::Record;

/// Whether a case's latest hold row places a hold (`$HOLD` is the parameter that binds
/// `true`).
const HELD: &str = "EXISTS (SELECT 1 FROM legal_holds h WHERE h.case_id = e.case_id AND h.placed = $HOLD AND h.id = (SELECT MAX(l.id) FROM legal_holds l WHERE l.case_id = e.case_id))";

#[async_trait]
pub trait ArchiveReads: Reads {
    /// The last serial of the archive book of a year (0 when none).
    async fn last_archive_serial(&mut self, year: i64) -> Result<i64> {
        let n: Option<Option<i64>> = one(self, "SELECT MAX(serial) FROM archive_entries WHERE year = $1", &[&year]).await?;
        Ok(n.flatten().unwrap_or(0))
    }

    async fn archive_entry_of(&mut self, case_id: i64) -> Result<Option<ArchiveEntryRow>> {
        let sql = format!("SELECT {} FROM archive_entries WHERE case_id = $1", ArchiveEntryRow::COLUMNS);
        one(self, &sql, &[&case_id]).await
    }

    /// The archive book of a year in the order of its numbers, after a serial.
    async fn archive_book(&mut self, year: i64, after_serial: i64, limit: i64) -> Result<Vec<ArchiveEntryRow>> {
        let sql =
            format!("SELECT {} FROM archive_entries WHERE year = $1 AND serial > $2 ORDER BY serial LIMIT $3", ArchiveEntryRow::COLUMNS);
        all(self, &sql, &[&year, &after_serial, &limit]).await
    }

    /// Entries kept whose retention ran out by `as_of` (a date) and not on hold, oldest
    /// first.
    async fn disposable_entries(&mut self, as_of: &str) -> Result<Vec<ArchiveEntryRow>> {
        let held = HELD.replace("$HOLD", "$2");
        let sql = format!(
            "SELECT {} FROM archive_entries e WHERE state = 'kept' AND keep_until IS NOT NULL AND keep_until <= $1 AND NOT {held} \
             ORDER BY keep_until, id",
            ArchiveEntryRow::COLUMNS
        );
        all(self, &sql, &[&as_of, &true]).await
    }

    /// A case's holds, placed and released, in order.
    async fn case_holds(&mut self, case_id: i64) -> Result<Vec<HoldRow>> {
        let sql = format!("SELECT {} FROM legal_holds WHERE case_id = $1 ORDER BY id", HoldRow::COLUMNS);
        all(self, &sql, &[&case_id]).await
    }

    async fn disposal(&mut self, id: i64) -> Result<Option<DisposalRow>> {
        let sql = format!("SELECT {} FROM disposals WHERE id = $1", DisposalRow::COLUMNS);
        one(self, &sql, &[&id]).await
    }

    /// Disposal proposals, the latest first.
    async fn disposals(&mut self, limit: i64) -> Result<Vec<DisposalRow>> {
        let sql = format!("SELECT {} FROM disposals ORDER BY id DESC LIMIT $1", DisposalRow::COLUMNS);
        all(self, &sql, &[&limit]).await
    }

    /// The entries a proposal listed, in its order, as they stand now.
    async fn disposal_entries(&mut self, disposal_id: i64) -> Result<Vec<ArchiveEntryRow>> {
        let columns = ArchiveEntryRow::COLUMNS.split(", ").map(|c| format!("e.{c}")).collect::<Vec<_>>().join(", ");
        let sql = format!(
            "SELECT {columns} FROM disposal_items i JOIN archive_entries e ON e.id = i.entry_id WHERE i.disposal_id = $1 ORDER BY i.id"
        );
        all(self, &sql, &[&disposal_id]).await
    }

    /// How many files with this content belong to cases that are not destroyed, or to pieces
    /// of the website (content is kept once however many cases and pieces hold it).
    async fn live_references(&mut self, sha256: &str) -> Result<i64> {
        let n: Option<i64> = one(
            self,
            "SELECT (SELECT COUNT(*) FROM attachments a WHERE a.sha256 = $1 \
             AND NOT EXISTS (SELECT 1 FROM archive_entries e WHERE e.case_id = a.case_id AND e.state = 'destroyed')) \
             + (SELECT COUNT(*) FROM piece_files p WHERE p.sha256 = $1)",
            &[&sha256],
        )
        .await?;
        Ok(n.unwrap_or(0))
    }
}

impl<R: Reads + ?Sized> ArchiveReads for R {}

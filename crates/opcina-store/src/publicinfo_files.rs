//! The files of the website's pieces as use cases: a PDF or an image put on a piece (its
//! content kept in the node's file store under its SHA-256, its row journaled) and taken off
//! it, by the website's editors under the same rule as a save — a plain edit while the piece
//! is a draft or in review, a **correction** once it is published (recorded as a step readers
//! see: "Dodan prilog: …"). The public gets a file only while its piece is visible: an
//! embargoed or withdrawn piece's files are not found, like the piece. The rules are in
//! [`opcina_core::publicinfo::attachment`].

use std::sync::atomic::Ordering;

use async_trait::async_trait;
use bytes::Bytes;
use opcina_core::publicinfo::attachment::{CheckedFile, FileFields, MAX_FILES, check_file};
use opcina_core::publicinfo::piece::{self, PieceAction, PieceState};
use opcina_core::registry::Actor;
use opcina_core::{FieldError, Refusal};

use crate::error::{Result, StoreError};
use crate::publicinfo::{may_edit, record_step};
use crate::publicinfo_rows::{PieceFileRow, PieceRow};
use crate::sql::prelude::*;
use crate::store::Store;
use crate::table::Row;
use crate::writer::{WriteCx, WriteJob};

fn not_found(id: i64) -> Refusal {
    Refusal::one(FieldError::new("publicinfo.piece.not_found", "piece_id", format!("there is no piece {id}")))
}

fn file_not_found(id: i64) -> Refusal {
    Refusal::one(FieldError::new("publicinfo.file.not_found", "file", format!("the piece has no file {id}")))
}

/// Whether `actor` may change `piece` now, and how: a plain edit, or a correction of a
/// published piece.
fn change_of(actor: &Actor, piece: &PieceRow) -> std::result::Result<PieceAction, Refusal> {
    let action = if piece.state == PieceState::Published { PieceAction::Correct } else { PieceAction::Write };
    piece::step(actor.role, action, piece.state, false).map(|_| action).map_err(Refusal::one)
}

/// The piece `actor` changes in this write, and how (see [`change_of`]).
async fn piece_to_change(cx: &mut WriteCx<'_>, piece_id: i64) -> Result<std::result::Result<(PieceRow, PieceAction), Refusal>> {
    let Some(piece) = cx.txn.reader().await?.piece(piece_id).await? else { return Ok(Err(not_found(piece_id))) };
    Ok(change_of(cx.actor, &piece).map(|action| (piece, action)))
}

/// Records the change on the piece: its time and, for a published one, the correction
/// readers are told of.
async fn changed(cx: &mut WriteCx<'_>, mut piece: PieceRow, action: PieceAction, reason: &str) -> Result<()> {
    piece.changed_at = cx.now.0;
    if action == PieceAction::Correct && piece.publish_at.is_some_and(|at| at <= cx.now.0) {
        piece.corrected_at = Some(cx.now.0);
    }
    cx.txn.update(Row::new(piece.clone()), cx.now, cx.actor, "piece.files").await?;
    record_step(cx, &piece, action, reason).await?;
    Ok(())
}

struct PutFile {
    piece_id: i64,
    file: CheckedFile,
    size: i64,
    sha256: String,
}

#[async_trait]
impl WriteJob for PutFile {
    type Output = std::result::Result<PieceFileRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let (piece, action) = match piece_to_change(cx, self.piece_id).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        if cx.txn.reader().await?.piece_files(self.piece_id).await?.len() >= MAX_FILES {
            return Ok(Err(Refusal::one(FieldError::new(
                "publicinfo.file.too_many",
                "file",
                format!("a piece carries at most {MAX_FILES} files"),
            ))));
        }
        let mut row = PieceFileRow {
            id: 0,
            piece_id: piece.id,
            name: self.file.name.clone(),
            kind: self.file.kind,
            size: self.size,
            sha256: self.sha256.clone(),
            alt: self.file.alt.clone(),
            uploaded_by: cx.actor.username.clone(),
            uploaded_at: cx.now.0,
            removed_by: None,
            removed_at: None,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "piece.file.added").await?;
        changed(cx, piece, action, &format!("Dodan prilog: {}", row.name)).await?;
        Ok(Ok(row))
    }
}

struct RemoveFile {
    piece_id: i64,
    file_id: i64,
}

#[async_trait]
impl WriteJob for RemoveFile {
    type Output = std::result::Result<PieceFileRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let (piece, action) = match piece_to_change(cx, self.piece_id).await? {
            Ok(found) => found,
            Err(r) => return Ok(Err(r)),
        };
        let file = cx.txn.reader().await?.piece_file(self.file_id).await?;
        let Some(mut file) = file.filter(|f| f.piece_id == piece.id && f.removed_at.is_none()) else {
            return Ok(Err(file_not_found(self.file_id)));
        };
        file.removed_by = Some(cx.actor.username.clone());
        file.removed_at = Some(cx.now.0);
        cx.txn.update(Row::new(file.clone()), cx.now, cx.actor, "piece.file.removed").await?;
        changed(cx, piece, action, &format!("Uklonjen prilog: {}", file.name)).await?;
        Ok(Ok(file))
    }
}

impl Store {
    /// Puts a file on a piece: checked (its kind by its content, an image's words), kept in
    /// the file store, then entered with the piece's change. Refused, nothing kept in the
    /// database, on any problem.
    pub async fn put_piece_file(
        &self,
        actor: &Actor,
        piece_id: i64,
        fields: &FileFields,
        content: Bytes,
    ) -> Result<std::result::Result<PieceFileRow, Refusal>> {
        if let Err(r) = may_edit(actor) {
            return Ok(Err(r));
        }
        let mut reads = self.backend().reads();
        let Some(piece) = reads.piece(piece_id).await? else { return Ok(Err(not_found(piece_id))) };
        if let Err(r) = change_of(actor, &piece) {
            return Ok(Err(r));
        }
        let carried = reads.piece_files(piece_id).await?.len();
        let file = match check_file(fields, &content, carried) {
            Ok(f) => f,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        let files = self.files().ok_or_else(|| StoreError::Files("the node has no place for files configured".into()))?;
        let size = i64::try_from(content.len()).unwrap_or(i64::MAX);
        let deletions = self.deletions().load(Ordering::SeqCst);
        let sha256 = files.put(content.clone()).await?;
        let done = self.submit(actor, PutFile { piece_id, file, size, sha256 }).await?;
        // A disposal of cases that ran meanwhile may have removed this very content (a
        // destroyed case held it too): put it back.
        if done.is_ok() && self.deletions().load(Ordering::SeqCst) != deletions {
            files.put(content).await?;
        }
        Ok(done)
    }

    /// Takes a file off a piece (its row stays, saying who took it off and when).
    pub async fn remove_piece_file(
        &self,
        actor: &Actor,
        piece_id: i64,
        file_id: i64,
    ) -> Result<std::result::Result<PieceFileRow, Refusal>> {
        if let Err(r) = may_edit(actor) {
            return Ok(Err(r));
        }
        self.submit(actor, RemoveFile { piece_id, file_id }).await
    }

    /// A file of a piece the public sees now, with its content: `None` for a piece not
    /// visible (a draft, under embargo, withdrawn) or a file taken off it.
    pub async fn public_piece_file(&self, slug: &str, file_id: i64) -> Result<Option<(PieceFileRow, Bytes)>> {
        let mut reads = self.backend().reads();
        let Some(piece) = reads.piece_by_slug(slug).await? else { return Ok(None) };
        if !opcina_core::publicinfo::visible::visible(piece.state, piece.publish_at, self.now().0) {
            return Ok(None);
        }
        let Some(file) = reads.piece_file(file_id).await?.filter(|f| f.piece_id == piece.id && f.removed_at.is_none()) else {
            return Ok(None);
        };
        let content = self.piece_file_content(&file).await?;
        Ok(Some((file, content)))
    }

    /// A file of a piece for the newsroom (any state; one taken off it too, for the history).
    pub async fn newsroom_piece_file(
        &self,
        actor: &Actor,
        piece_id: i64,
        file_id: i64,
    ) -> Result<std::result::Result<(PieceFileRow, Bytes), Refusal>> {
        if let Err(r) = may_edit(actor) {
            return Ok(Err(r));
        }
        let Some(file) = self.backend().reads().piece_file(file_id).await?.filter(|f| f.piece_id == piece_id) else {
            return Ok(Err(file_not_found(file_id)));
        };
        let content = self.piece_file_content(&file).await?;
        Ok(Ok((file, content)))
    }

    async fn piece_file_content(&self, file: &PieceFileRow) -> Result<Bytes> {
        let files = self.files().ok_or_else(|| StoreError::Files("the node has no place for files configured".into()))?;
        files.get(&file.sha256).await
    }
}

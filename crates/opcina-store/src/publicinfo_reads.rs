//! What the website and the newsroom read of the pieces. The public reads only what is
//! visible at the store's clock (published, its time come); the newsroom reads everything,
//! for the website's editors only. Pieces name no citizen: nothing here is a read of
//! personal data.

use opcina_core::registry::Actor;
use opcina_core::{FieldError, Refusal};
use serde::Serialize;

use crate::error::Result;
use crate::publicinfo::may_edit;
use crate::publicinfo_rows::{PieceFileRow, PieceRow, PieceStepRow, PieceTextRow};
use crate::sql::prelude::*;
use crate::sql::publicinfo::{PieceCursor, PieceFilter};
use crate::store::Store;

/// A piece with its latest text in each language.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PieceWithTexts {
    pub piece: PieceRow,
    pub texts: Vec<PieceTextRow>,
}

/// A published piece as its page shows it: its texts and the corrections readers are told of.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PublicPiece {
    pub piece: PieceRow,
    pub texts: Vec<PieceTextRow>,
    pub corrections: Vec<PieceStepRow>,
    /// The documents and images it carries.
    pub files: Vec<PieceFileRow>,
}

/// A piece as the newsroom works on it: its texts and every step.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NewsroomPiece {
    pub piece: PieceRow,
    pub texts: Vec<PieceTextRow>,
    pub steps: Vec<PieceStepRow>,
    pub files: Vec<PieceFileRow>,
}

/// The most a list returns at once.
pub const MAX_LIST: i64 = 100;

impl Store {
    async fn with_texts(&self, pieces: Vec<PieceRow>) -> Result<Vec<PieceWithTexts>> {
        let ids: Vec<i64> = pieces.iter().map(|p| p.id).collect();
        let mut texts = self.backend().reads().latest_texts(&ids).await?;
        Ok(pieces
            .into_iter()
            .map(|piece| {
                let mine: Vec<PieceTextRow> = texts.extract_if(.., |t| t.piece_id == piece.id).collect();
                PieceWithTexts { piece, texts: mine }
            })
            .collect())
    }

    /// Published pieces the public sees now, newest first: a page of at most `limit`
    /// after `cursor`.
    pub async fn public_pieces(&self, filter: &PieceFilter, cursor: Option<PieceCursor>, limit: i64) -> Result<Vec<PieceWithTexts>> {
        let pieces = self.backend().reads().visible_pieces(filter, self.now().0, cursor, limit.clamp(1, MAX_LIST)).await?;
        self.with_texts(pieces).await
    }

    /// A piece's public page: `None` unless the public sees it now (a draft, an embargoed or
    /// a withdrawn piece is not found).
    pub async fn public_piece(&self, slug: &str) -> Result<Option<PublicPiece>> {
        let now = self.now().0;
        let mut reads = self.backend().reads();
        let Some(piece) = reads.piece_by_slug(slug).await? else { return Ok(None) };
        if !opcina_core::publicinfo::visible::visible(piece.state, piece.publish_at, now) {
            return Ok(None);
        }
        let texts = reads.latest_texts(&[piece.id]).await?;
        let corrections = reads.public_corrections(piece.id, piece.publish_at.unwrap_or(0)).await?;
        let files = reads.piece_files(piece.id).await?;
        Ok(Some(PublicPiece { piece, texts, corrections, files }))
    }

    /// Of the pieces `ids` (a search's results, best first), those the public sees now, in
    /// the same order.
    pub async fn visible_pieces_of(&self, ids: &[i64]) -> Result<Vec<PieceWithTexts>> {
        let now = self.now().0;
        let mut reads = self.backend().reads();
        let mut pieces = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(piece) = reads.piece(*id).await?.filter(|p| opcina_core::publicinfo::visible::visible(p.state, p.publish_at, now)) {
                pieces.push(piece);
            }
        }
        self.with_texts(pieces).await
    }

    /// Public calls open today, closing first.
    pub async fn open_calls(&self, limit: i64) -> Result<Vec<PieceWithTexts>> {
        let today = self.today().format("%Y-%m-%d").to_string();
        let pieces = self.backend().reads().open_calls(self.now().0, &today, limit.clamp(1, MAX_LIST)).await?;
        self.with_texts(pieces).await
    }

    /// Every piece the public sees now (for the site map).
    pub async fn site_map(&self) -> Result<Vec<PieceRow>> {
        self.backend().reads().all_visible(self.now().0).await
    }

    /// The newsroom's list, for the website's editors: what waits for a step first.
    pub async fn newsroom(&self, actor: &Actor, limit: i64) -> Result<std::result::Result<Vec<PieceWithTexts>, Refusal>> {
        if let Err(r) = may_edit(actor) {
            return Ok(Err(r));
        }
        let pieces = self.backend().reads().newsroom(self.now().0, limit.clamp(1, 1_000)).await?;
        Ok(Ok(self.with_texts(pieces).await?))
    }

    /// One piece as the newsroom works on it.
    pub async fn newsroom_piece(&self, actor: &Actor, id: i64) -> Result<std::result::Result<NewsroomPiece, Refusal>> {
        if let Err(r) = may_edit(actor) {
            return Ok(Err(r));
        }
        let mut reads = self.backend().reads();
        let Some(piece) = reads.piece(id).await? else {
            return Ok(Err(Refusal::one(FieldError::new("publicinfo.piece.not_found", "piece_id", format!("there is no piece {id}")))));
        };
        let texts = reads.latest_texts(&[id]).await?;
        let steps = reads.piece_steps(id).await?;
        let files = reads.piece_files(id).await?;
        Ok(Ok(NewsroomPiece { piece, texts, steps, files }))
    }
}

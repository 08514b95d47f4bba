//! Public information as use cases: writing a piece, the steps of its workflow, and what the
//! website and the newsroom read. The rules (who may take which step, what a text may hold,
//! what the public sees when) are in [`opcina_core::publicinfo`]; this file loads the facts,
//! asks them, and hands the rows to the writer.

use async_trait::async_trait;
use opcina_core::publicinfo::key::{key, key_list};
use opcina_core::publicinfo::piece::{
    self, CheckedFacts, EDITORS, PieceAction, PieceFacts, PieceState, PieceText, check_facts, check_reason, check_text,
};
use opcina_core::registry::{Actor, Timestamp};
use opcina_core::{FieldError, Refusal};
use serde::Serialize;

use crate::error::Result;
use crate::publicinfo_rows::{PieceRow, PieceStepRow, PieceTextRow};
use crate::sql::prelude::*;
use crate::store::Store;
use crate::table::Row;
use crate::txn::Txn;
use crate::writer::{WriteCx, WriteJob};

/// A change to the website's pieces.
#[derive(Debug, Clone)]
pub enum PieceOp {
    /// A new piece, as a draft, with its first text.
    Create { facts: PieceFacts, text: PieceText },
    /// Saves a piece's facts and/or one language's text: while it is a draft or in review,
    /// a plain edit; once published, a correction (which says why, and which readers see).
    Save { piece_id: i64, facts: Option<PieceFacts>, text: Option<PieceText>, reason: String },
    /// A step of the workflow; `publish_at` is when a published piece becomes visible (not
    /// before now; `None` for now).
    Step { piece_id: i64, action: PieceAction, reason: String, publish_at: Option<Timestamp> },
}

/// What a change did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PieceDone {
    pub piece: PieceRow,
    /// The step it recorded (none when a save changed nothing).
    pub step: Option<PieceStepRow>,
}

fn refused(errors: Vec<FieldError>) -> Refusal {
    Refusal { errors }
}

fn not_found(id: i64) -> Refusal {
    Refusal::one(FieldError::new("publicinfo.piece.not_found", "piece_id", format!("there is no piece {id}")))
}

/// Only the website's editors write pieces and work in the newsroom.
pub(crate) fn may_edit(actor: &Actor) -> std::result::Result<(), Refusal> {
    if EDITORS.contains(&actor.role) {
        Ok(())
    } else {
        Err(Refusal::one(FieldError::general(
            "publicinfo.permission",
            format!("a user with the role {} does not edit the website", actor.role),
        )))
    }
}

fn apply_facts(row: &mut PieceRow, facts: &CheckedFacts) {
    row.kind = facts.kind;
    row.category = facts.category.clone();
    row.category_key = key(&facts.category);
    row.tags = facts.tags.join(", ");
    row.tag_keys = key_list(&facts.tags);
    row.local_community = facts.local_community.clone();
    row.local_community_key = key(&facts.local_community);
    row.gazette = facts.gazette.clone();
    row.closes_on = facts.closes_on.map(|d| d.format("%Y-%m-%d").to_string());
}

/// A free address from a title: its key, or with `-2`, `-3`, … when taken.
async fn free_slug(txn: &mut Txn, title: &str) -> Result<String> {
    let base = match key(title) {
        k if k.is_empty() => "objava".to_string(),
        k => k,
    };
    let reader = txn.reader().await?;
    let mut slug = base.clone();
    let mut n = 2;
    while reader.piece_by_slug(&slug).await?.is_some() {
        slug = format!("{base}-{n}");
        n += 1;
    }
    Ok(slug)
}

pub(crate) async fn record_step(cx: &mut WriteCx<'_>, piece: &PieceRow, action: PieceAction, reason: &str) -> Result<PieceStepRow> {
    let mut step = PieceStepRow {
        id: 0,
        piece_id: piece.id,
        action,
        state: piece.state,
        actor: cx.actor.username.clone(),
        reason: reason.to_string(),
        at: cx.now.0,
    };
    step.id = cx.txn.append(Row::new(step.clone()), cx.now, cx.actor, "piece.step").await?;
    Ok(step)
}

async fn append_text(cx: &mut WriteCx<'_>, piece_id: i64, text: &PieceText) -> Result<PieceTextRow> {
    let mut row = PieceTextRow {
        id: 0,
        piece_id,
        language: text.language.clone(),
        title: text.title.clone(),
        summary: text.summary.clone(),
        body: text.body.clone(),
        written_by: cx.actor.username.clone(),
        written_at: cx.now.0,
    };
    row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "piece.text").await?;
    Ok(row)
}

#[async_trait]
impl WriteJob for PieceOp {
    type Output = std::result::Result<PieceDone, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        if let Err(r) = may_edit(cx.actor) {
            return Ok(Err(r));
        }
        match self {
            PieceOp::Create { facts, text } => create(cx, facts, text).await,
            PieceOp::Save { piece_id, facts, text, reason } => save(cx, *piece_id, facts.as_ref(), text.as_ref(), reason).await,
            PieceOp::Step { piece_id, action, reason, publish_at } => take_step(cx, *piece_id, *action, reason, *publish_at).await,
        }
    }
}

async fn create(cx: &mut WriteCx<'_>, facts: &PieceFacts, text: &PieceText) -> Result<std::result::Result<PieceDone, Refusal>> {
    let checked = check_facts(facts);
    let text = check_text(text);
    let (checked, text) = match (checked, text) {
        (Ok(f), Ok(t)) => (f, t),
        (f, t) => {
            let mut errors = f.err().unwrap_or_default();
            errors.extend(t.err().unwrap_or_default());
            return Ok(Err(refused(errors)));
        }
    };
    let slug = free_slug(cx.txn, &text.title).await?;
    let mut row = PieceRow {
        id: 0,
        slug,
        kind: checked.kind,
        state: PieceState::Draft,
        category: String::new(),
        category_key: String::new(),
        tags: String::new(),
        tag_keys: String::new(),
        local_community: String::new(),
        local_community_key: String::new(),
        gazette: None,
        closes_on: None,
        author: cx.actor.username.clone(),
        publish_at: None,
        corrected_at: None,
        unpublished_reason: None,
        created_at: cx.now.0,
        changed_at: cx.now.0,
    };
    apply_facts(&mut row, &checked);
    row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "piece.create").await?;
    append_text(cx, row.id, &text).await?;
    let step = record_step(cx, &row, PieceAction::Write, "").await?;
    Ok(Ok(PieceDone { piece: row, step: Some(step) }))
}

async fn save(
    cx: &mut WriteCx<'_>,
    piece_id: i64,
    facts: Option<&PieceFacts>,
    text: Option<&PieceText>,
    reason: &str,
) -> Result<std::result::Result<PieceDone, Refusal>> {
    let Some(mut row) = cx.txn.reader().await?.piece(piece_id).await? else { return Ok(Err(not_found(piece_id))) };
    let action = if row.state == PieceState::Published { PieceAction::Correct } else { PieceAction::Write };
    if let Err(e) = piece::step(cx.actor.role, action, row.state, false) {
        return Ok(Err(Refusal::one(e)));
    }
    let mut errors = Vec::new();
    let checked = match facts.map(check_facts) {
        Some(Ok(f)) => Some(f),
        Some(Err(e)) => {
            errors.extend(e);
            None
        }
        None => None,
    };
    let text = match text.map(check_text) {
        Some(Ok(t)) => Some(t),
        Some(Err(e)) => {
            errors.extend(e);
            None
        }
        None => None,
    };
    let reason = match check_reason(action, reason) {
        Ok(r) => r,
        Err(e) => {
            errors.push(e);
            String::new()
        }
    };
    if let Some(f) = &checked {
        if row.state == PieceState::Published && f.kind != row.kind {
            errors.push(FieldError::new(
                "publicinfo.kind.fixed",
                "kind",
                "a published piece keeps its kind; withdraw it and write a new one",
            ));
        }
    }
    if !errors.is_empty() {
        return Ok(Err(refused(errors)));
    }
    let mut changed = false;
    if let Some(f) = &checked {
        let before = row.clone();
        apply_facts(&mut row, f);
        changed |= row != before;
    }
    if let Some(t) = &text {
        let current = cx.txn.reader().await?.latest_texts(&[piece_id]).await?;
        let same = current.iter().any(|c| c.language == t.language && c.title == t.title && c.summary == t.summary && c.body == t.body);
        if !same {
            append_text(cx, piece_id, t).await?;
            changed = true;
        }
    }
    if !changed {
        return Ok(Ok(PieceDone { piece: row, step: None }));
    }
    row.changed_at = cx.now.0;
    if action == PieceAction::Correct && row.publish_at.is_some_and(|at| at <= cx.now.0) {
        row.corrected_at = Some(cx.now.0);
    }
    cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "piece.save").await?;
    let step = record_step(cx, &row, action, &reason).await?;
    Ok(Ok(PieceDone { piece: row, step: Some(step) }))
}

async fn take_step(
    cx: &mut WriteCx<'_>,
    piece_id: i64,
    action: PieceAction,
    reason: &str,
    publish_at: Option<Timestamp>,
) -> Result<std::result::Result<PieceDone, Refusal>> {
    if matches!(action, PieceAction::Write | PieceAction::Correct) {
        return Ok(Err(Refusal::one(FieldError::new("publicinfo.step.not_now", "action", "a text is written or corrected by saving it"))));
    }
    let reader = cx.txn.reader().await?;
    let Some(mut row) = reader.piece(piece_id).await? else { return Ok(Err(not_found(piece_id))) };
    let wrote_last = reader.last_text_writer(piece_id).await?.as_deref() == Some(cx.actor.username.as_str());
    let next = match piece::step(cx.actor.role, action, row.state, wrote_last) {
        Ok(n) => n,
        Err(e) => return Ok(Err(Refusal::one(e))),
    };
    let reason = match check_reason(action, reason) {
        Ok(r) => r,
        Err(e) => return Ok(Err(Refusal::one(e))),
    };
    if action == PieceAction::Submit {
        let texts = cx.txn.reader().await?.latest_texts(&[piece_id]).await?;
        if !texts.iter().any(|t| t.language == "bs") {
            return Ok(Err(Refusal::one(FieldError::new(
                "publicinfo.text.bosnian_required",
                "language",
                "a piece goes to review with its Bosnian text: every page without a translation shows it",
            ))));
        }
    }
    row.state = next;
    row.changed_at = cx.now.0;
    match action {
        PieceAction::Publish => row.publish_at = Some(publish_at.map_or(cx.now.0, |at| at.0.max(cx.now.0))),
        PieceAction::Unpublish => row.unpublished_reason = Some(reason.clone()),
        PieceAction::Reopen => {
            row.publish_at = None;
            row.unpublished_reason = None;
            row.corrected_at = None;
        }
        _ => {}
    }
    cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "piece.step").await?;
    let step = record_step(cx, &row, action, &reason).await?;
    Ok(Ok(PieceDone { piece: row, step: Some(step) }))
}

impl Store {
    /// Creates, saves or moves a piece of the website (see [`PieceOp`]).
    pub async fn piece(&self, actor: &Actor, op: PieceOp) -> Result<std::result::Result<PieceDone, Refusal>> {
        self.submit(actor, op).await
    }
}

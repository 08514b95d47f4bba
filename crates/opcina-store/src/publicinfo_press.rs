//! The media list and press releases, as use cases: the PR officer keeps the list; a piece
//! is sent to it (all of it, or those following a topic); the node's press sender writes
//! each release's messages into the mail outbox once the piece is visible — the embargo holds
//! for the media as for the website — and the mail sender delivers them and records each
//! relay's answer. A contact leaves the list by the link in every message.

use async_trait::async_trait;
use opcina_core::publicinfo::key::{key, key_list};
use opcina_core::publicinfo::media::{ContactFields, check_contact, follows};
use opcina_core::publicinfo::piece::PieceState;
use opcina_core::publicinfo::visible::visible;
use opcina_core::registry::{Actor, Role};
use opcina_core::{FieldError, Refusal};
use serde::Serialize;

use crate::error::Result;
use crate::mail::{Letter, queue};
use crate::publicinfo::may_edit;
use crate::publicinfo_reads::PieceWithTexts;
use crate::publicinfo_rows::{DistributionRow, MediaContactRow};
use crate::sql::prelude::*;
use crate::store::Store;
use crate::table::Row;
use crate::writer::{WriteCx, WriteJob};

/// Who keeps the media list and sends press releases.
pub const PRESS: [Role; 2] = [Role::PressOfficer, Role::Approver];

fn press_only(actor: &Actor) -> std::result::Result<(), Refusal> {
    if PRESS.contains(&actor.role) {
        Ok(())
    } else {
        Err(Refusal::one(FieldError::general(
            "publicinfo.permission",
            format!("a user with the role {} does not keep the media list", actor.role),
        )))
    }
}

/// A change to the media list.
#[derive(Debug, Clone)]
pub enum ContactOp {
    /// A new contact (`token`: the link to leave the list).
    Add { fields: ContactFields, token: String },
    /// A contact's details, and whether they are on the list.
    Change { id: i64, fields: ContactFields, active: bool },
}

struct ContactJob(ContactOp);

#[async_trait]
impl WriteJob for ContactJob {
    type Output = std::result::Result<MediaContactRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        if let Err(r) = press_only(cx.actor) {
            return Ok(Err(r));
        }
        let (fields, existing) = match &self.0 {
            ContactOp::Add { fields, .. } => (fields, None),
            ContactOp::Change { id, fields, .. } => match cx.txn.reader().await?.media_contact(*id).await? {
                Some(row) => (fields, Some(row)),
                None => {
                    return Ok(Err(Refusal::one(FieldError::new(
                        "publicinfo.contact.not_found",
                        "id",
                        format!("there is no contact {id}"),
                    ))));
                }
            },
        };
        let contact = match check_contact(fields) {
            Ok(c) => c,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        if let Some(other) = cx.txn.reader().await?.media_contact_by_email(&contact.email).await? {
            if existing.as_ref().is_none_or(|e| e.id != other.id) {
                return Ok(Err(Refusal::one(FieldError::new("publicinfo.contact.exists", "email", "this address is already on the list"))));
            }
        }
        let mut row = match (&self.0, existing) {
            (ContactOp::Change { active, .. }, Some(mut row)) => {
                row.active = *active;
                row
            }
            (ContactOp::Add { token, .. }, _) => MediaContactRow {
                id: 0,
                outlet: String::new(),
                name: String::new(),
                email: String::new(),
                beats: String::new(),
                beat_keys: String::new(),
                language: String::new(),
                script: String::new(),
                active: true,
                unsubscribe_token: token.clone(),
                unsubscribed_at: None,
                created_at: cx.now.0,
                changed_at: cx.now.0,
            },
            (ContactOp::Change { id, .. }, None) => {
                return Ok(Err(Refusal::one(FieldError::new("publicinfo.contact.not_found", "id", format!("there is no contact {id}")))));
            }
        };
        row.outlet = contact.outlet;
        row.name = contact.name;
        row.email = contact.email;
        row.beats = contact.beats.join(", ");
        row.beat_keys = key_list(&contact.beats);
        row.language = contact.language;
        row.script = contact.script.as_str().to_string();
        row.changed_at = cx.now.0;
        if row.id == 0 {
            row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "media.contact.add").await?;
        } else {
            cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "media.contact.change").await?;
        }
        Ok(Ok(row))
    }
}

/// A contact leaves the list by its link.
struct Unsubscribe {
    token: String,
}

#[async_trait]
impl WriteJob for Unsubscribe {
    type Output = Option<MediaContactRow>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Option<MediaContactRow>> {
        let Some(mut row) = cx.txn.reader().await?.media_contact_by_token(&self.token).await? else { return Ok(None) };
        if row.active {
            row.active = false;
            row.unsubscribed_at = Some(cx.now.0);
            row.changed_at = cx.now.0;
            cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "media.contact.unsubscribe").await?;
        }
        Ok(Some(row))
    }
}

/// Asks for a piece to be sent to the media list.
struct Distribute {
    piece_id: i64,
    beat: String,
}

#[async_trait]
impl WriteJob for Distribute {
    type Output = std::result::Result<DistributionRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        if let Err(r) = press_only(cx.actor) {
            return Ok(Err(r));
        }
        let Some(piece) = cx.txn.reader().await?.piece(self.piece_id).await? else {
            return Ok(Err(Refusal::one(FieldError::new(
                "publicinfo.piece.not_found",
                "piece_id",
                format!("there is no piece {}", self.piece_id),
            ))));
        };
        if !matches!(piece.state, PieceState::Approved | PieceState::Published) {
            return Ok(Err(Refusal::one(FieldError::new(
                "publicinfo.press.not_approved",
                "piece_id",
                "only an approved or published piece goes to the media",
            ))));
        }
        let mut row = DistributionRow {
            id: 0,
            piece_id: piece.id,
            beat: key(&self.beat),
            requested_by: cx.actor.username.clone(),
            requested_at: cx.now.0,
            queued_at: None,
            recipients: 0,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "press.distribute").await?;
        Ok(Ok(row))
    }
}

/// A press release ready to go: its piece is visible, its messages not yet written.
#[derive(Debug, Clone)]
pub struct DueRelease {
    pub distribution: DistributionRow,
    pub piece: PieceWithTexts,
    /// Those on the list it goes to.
    pub contacts: Vec<MediaContactRow>,
}

/// Writes a release's messages into the outbox (once: a release already queued, or whose
/// piece is no longer visible, writes nothing). Letters for contacts who left the list
/// meanwhile are not written.
struct QueueRelease {
    distribution_id: i64,
    letters: Vec<(i64, Letter)>,
}

#[async_trait]
impl WriteJob for QueueRelease {
    type Output = Option<DistributionRow>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Option<DistributionRow>> {
        let reader = cx.txn.reader().await?;
        let Some(mut dist) = reader.distribution(self.distribution_id).await? else { return Ok(None) };
        if dist.queued_at.is_some() {
            return Ok(None);
        }
        let Some(piece) = reader.piece(dist.piece_id).await? else { return Ok(None) };
        if !visible(piece.state, piece.publish_at, cx.now.0) {
            return Ok(None);
        }
        let contacts = reader.media_list().await?;
        let purpose = format!("press:{}", dist.id);
        let mut sent = 0;
        for (contact_id, letter) in &self.letters {
            let Some(c) = contacts.iter().find(|c| c.id == *contact_id && c.active && follows(&c.beat_keys, &dist.beat)) else { continue };
            queue(cx.txn, cx.now, cx.actor, &c.email, letter, &purpose).await?;
            sent += 1;
        }
        dist.queued_at = Some(cx.now.0);
        dist.recipients = sent;
        cx.txn.update(Row::new(dist.clone()), cx.now, cx.actor, "press.queued").await?;
        Ok(Some(dist))
    }
}

/// A message of a release and what the relay answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ReleaseMessage {
    pub outbox_id: i64,
    pub recipient: String,
    /// `queued` (not yet answered), `sent` or `rejected`.
    pub status: String,
    /// The relay's answer.
    pub reply: String,
    pub at: Option<i64>,
}

crate::record!(ReleaseMessage, [outbox_id, recipient, status, reply, at]);

/// A release and its messages.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReleaseLog {
    pub distribution: DistributionRow,
    pub messages: Vec<ReleaseMessage>,
}

/// A 32-byte token, hex.
pub(crate) fn new_token() -> Result<String> {
    let mut bytes = [0u8; 32];
    crate::admin::getrandom_fill(&mut bytes)?;
    Ok(hex::encode(bytes))
}

impl Store {
    /// Adds a contact to the media list, or changes one (the PR officer, an approver).
    pub async fn media_contact(&self, actor: &Actor, op: ContactOp) -> Result<std::result::Result<MediaContactRow, Refusal>> {
        let op = match op {
            ContactOp::Add { fields, .. } => ContactOp::Add { fields, token: new_token()? },
            change => change,
        };
        self.submit(actor, ContactJob(op)).await
    }

    /// Adds a new contact (see [`Store::media_contact`]).
    pub async fn add_media_contact(&self, actor: &Actor, fields: ContactFields) -> Result<std::result::Result<MediaContactRow, Refusal>> {
        self.media_contact(actor, ContactOp::Add { fields, token: String::new() }).await
    }

    /// The media list, by outlet (the website's editors).
    pub async fn media_list(&self, actor: &Actor) -> Result<std::result::Result<Vec<MediaContactRow>, Refusal>> {
        if let Err(r) = may_edit(actor) {
            return Ok(Err(r));
        }
        Ok(Ok(self.backend().reads().media_list().await?))
    }

    /// One contact (the website's editors).
    pub async fn media_contact_row(&self, actor: &Actor, id: i64) -> Result<std::result::Result<MediaContactRow, Refusal>> {
        if let Err(r) = may_edit(actor) {
            return Ok(Err(r));
        }
        match self.backend().reads().media_contact(id).await? {
            Some(c) => Ok(Ok(c)),
            None => Ok(Err(Refusal::one(FieldError::new("publicinfo.contact.not_found", "id", format!("there is no contact {id}"))))),
        }
    }

    /// The contact a link to leave the list names (to show whom it is for).
    pub async fn contact_by_token(&self, token: &str) -> Result<Option<MediaContactRow>> {
        self.backend().reads().media_contact_by_token(token).await
    }

    /// Takes the contact a link names off the list (no sign-in: the link is the key).
    pub async fn unsubscribe(&self, token: &str) -> Result<Option<MediaContactRow>> {
        self.submit(&Actor::system("media"), Unsubscribe { token: token.to_string() }).await
    }

    /// Sends a piece to the media list (everyone, or those following `beat`): the messages
    /// go once the piece is visible.
    pub async fn distribute(&self, actor: &Actor, piece_id: i64, beat: &str) -> Result<std::result::Result<DistributionRow, Refusal>> {
        self.submit(actor, Distribute { piece_id, beat: beat.to_string() }).await
    }

    /// Releases whose piece is visible now and whose messages are not written yet.
    pub async fn due_releases(&self) -> Result<Vec<DueRelease>> {
        let mut reads = self.backend().reads();
        let pending = reads.pending_distributions().await?;
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let now = self.now().0;
        let contacts = reads.media_list().await?;
        let mut due = Vec::new();
        for distribution in pending {
            let Some(piece) = reads.piece(distribution.piece_id).await? else { continue };
            if !visible(piece.state, piece.publish_at, now) {
                continue;
            }
            let texts = reads.latest_texts(&[piece.id]).await?;
            let to: Vec<MediaContactRow> =
                contacts.iter().filter(|c| c.active && follows(&c.beat_keys, &distribution.beat)).cloned().collect();
            due.push(DueRelease { distribution, piece: PieceWithTexts { piece, texts }, contacts: to });
        }
        Ok(due)
    }

    /// Writes a due release's letters (by contact id) into the outbox, once.
    pub async fn queue_release(&self, distribution_id: i64, letters: Vec<(i64, Letter)>) -> Result<Option<DistributionRow>> {
        self.submit(&Actor::system("press"), QueueRelease { distribution_id, letters }).await
    }

    /// A piece's releases with each message and the relay's answer (the website's editors).
    pub async fn release_log(&self, actor: &Actor, piece_id: i64) -> Result<std::result::Result<Vec<ReleaseLog>, Refusal>> {
        if let Err(r) = may_edit(actor) {
            return Ok(Err(r));
        }
        let mut reads = self.backend().reads();
        let mut out = Vec::new();
        for distribution in reads.piece_distributions(piece_id).await? {
            let messages = reads.release_messages(&format!("press:{}", distribution.id)).await?;
            out.push(ReleaseLog { distribution, messages });
        }
        Ok(Ok(out))
    }
}

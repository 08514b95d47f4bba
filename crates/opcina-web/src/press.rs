//! The node's press sender: writes each press release's messages into the mail outbox once
//! its piece is visible (the store decides it, so an embargo holds for the media as for the
//! website), one per contact, in the contact's language and script, with the link to the
//! piece and the contact's own link to leave the list. The mail sender (`mail.rs`) delivers
//! them through the relay and records each answer.

use std::time::Duration;

use opcina_core::names::Script;
use opcina_core::publicinfo::media::{LetterWords, press_letter};
use opcina_core::publicinfo::visible::choose;
use opcina_store::Store;
use opcina_store::mail::Letter;
use opcina_store::publicinfo_press::DueRelease;

use crate::i18n::{Arg, Locale};

/// The page a contact leaves the list on.
pub fn unsubscribe_path(token: &str) -> String {
    format!("/press/unsubscribe/{token}")
}

/// The locale a contact reads in.
fn locale_of(language: &str, script: Script) -> Locale {
    match (language, script) {
        ("hr", _) => Locale::Hr,
        ("sr", Script::Cyrillic) => Locale::SrCyrl,
        ("sr", _) => Locale::SrLatn,
        ("en", _) => Locale::En,
        _ => Locale::Bs,
    }
}

/// Each contact's letter for a release.
pub fn letters(release: &DueRelease, public_url: &str, municipality: &str) -> Vec<(i64, Letter)> {
    let piece = &release.piece;
    let link = format!("{public_url}{}", crate::present::piece_path(&piece.piece));
    release
        .contacts
        .iter()
        .filter_map(|c| {
            let script = if c.script == "cyrillic" { Script::Cyrillic } else { Script::Latin };
            let locale = locale_of(&c.language, script);
            let (text, _) = choose(&piece.texts, |t| t.language.as_str(), &c.language)?;
            let words = LetterWords {
                subject_prefix: locale.t("press-subject"),
                read_online: locale.t("press-read-online"),
                unsubscribe: locale.t("press-unsubscribe"),
                signature: locale.t_args("site-title", &[("municipality", Arg::Text(&script.write_recorded(municipality)))]),
            };
            let unsubscribe = format!("{public_url}{}", unsubscribe_path(&c.unsubscribe_token));
            let (subject, body) = press_letter(&text.title, &text.summary, &text.body, &link, &unsubscribe, &words, script);
            Some((c.id, Letter { subject, body }))
        })
        .collect()
}

/// One round: every release due is written to the outbox; returns how many messages.
pub async fn queue_due(store: &Store, public_url: &str) -> Result<i64, opcina_store::StoreError> {
    let due = store.due_releases().await?;
    if due.is_empty() {
        return Ok(0);
    }
    let municipality = store.node_if_set_up().await?.map(|n| n.municipality).unwrap_or_default();
    let mut queued = 0;
    for release in due {
        let letters = letters(&release, public_url, &municipality);
        if let Some(dist) = store.queue_release(release.distribution.id, letters).await? {
            tracing::info!(release = dist.id, piece = dist.piece_id, recipients = dist.recipients, "press release written to the outbox");
            queued += dist.recipients;
        }
    }
    Ok(queued)
}

/// Writes due releases to the outbox every `every` until the task is aborted.
pub fn spawn(store: Store, public_url: String, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            if let Err(error) = queue_due(&store, &public_url).await {
                tracing::warn!(%error, "press releases could not be written to the outbox; retrying");
            }
            tokio::time::sleep(every).await;
        }
    })
}

//! The node's mail sender. Use cases write messages into the outbox (`opcina_store::mail`) in
//! their own transactions; this task hands each to the municipality's relay over SMTP — or,
//! where the node has none (the demo), writes it as an `.eml` file into a directory — and
//! records the outcome as the message's delivery. A relay that is down or answers 4xx is
//! tried again with a growing pause; a 5xx answer (an unknown mailbox, a refused sender) is
//! recorded as `rejected` and not retried. The outbox is in the database, so a restart loses
//! nothing and a message is sent once it is committed, never before.
//!
//! Only plain SMTP to the relay: the relay (the municipality's mail server, or a local
//! postfix) carries the message on with TLS. `/status` shows what waits and what was refused.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use opcina_store::Store;
use opcina_store::mail::MailOutcome;
use opcina_store::rows::MailRow;
use serde::Deserialize;
use tokio::time::Instant;

/// How many messages one round takes from the outbox.
const ROUND: i64 = 100;
/// The longest pause before a message is tried again.
const MAX_PAUSE: Duration = Duration::from_secs(600);
/// How long the relay may take to answer one command.
const RELAY_TIMEOUT: Duration = Duration::from_secs(20);

/// `[mail]` in the node's configuration: where messages go and whom they come from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MailSettings {
    /// The relay, `host:port` (plain SMTP, no authentication: a relay on the municipality's
    /// network that accepts the node's messages).
    pub relay: Option<String>,
    /// Instead of a relay, a directory each message is written to as `<id>.eml`.
    pub directory: Option<PathBuf>,
    /// The sender, `Name <address>`.
    pub from: String,
}

/// Where the messages go.
enum Route {
    Relay(AsyncSmtpTransport<Tokio1Executor>),
    Directory(PathBuf),
}

/// Why a message did not go.
#[derive(Debug)]
enum Failure {
    /// Try again later (the relay is down, busy, or answered 4xx).
    Later(String),
    /// The relay refused it for good (5xx), or it cannot be written as a message at all.
    Never(String),
}

/// The sender: where messages go and whom they come from.
pub struct Mailer {
    route: Route,
    from: Mailbox,
    /// The node's host name, for the messages' ids.
    host: String,
}

impl Mailer {
    /// A sender as `settings` describe it; `hello` is the name the node gives the relay
    /// (its public host name).
    pub fn new(settings: &MailSettings, hello: &str) -> Result<Mailer, String> {
        let from: Mailbox = settings.from.parse().map_err(|e| format!("[mail] from = {:?} is not an address: {e}", settings.from))?;
        let route = match (&settings.relay, &settings.directory) {
            (Some(relay), None) => {
                let (host, port) = match relay.rsplit_once(':') {
                    Some((h, p)) => (h, p.parse::<u16>().map_err(|_| format!("[mail] relay = {relay:?}: the port is not a number"))?),
                    None => (relay.as_str(), 25),
                };
                let transport = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
                    .port(port)
                    .hello_name(ClientId::Domain(hello.to_string()))
                    .timeout(Some(RELAY_TIMEOUT))
                    .build();
                Route::Relay(transport)
            }
            (None, Some(dir)) => {
                std::fs::create_dir_all(dir).map_err(|e| format!("[mail] directory {}: {e}", dir.display()))?;
                Route::Directory(dir.clone())
            }
            _ => return Err("[mail] needs either relay or directory".into()),
        };
        Ok(Mailer { route, from, host: hello.to_string() })
    }

    /// Where messages go, for the log.
    pub fn describe(&self) -> String {
        match &self.route {
            Route::Relay(_) => "the relay".into(),
            Route::Directory(dir) => dir.display().to_string(),
        }
    }

    /// Sends the outbox every `every` until the task is aborted.
    pub fn spawn(self, store: Store, every: Duration) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut pauses = HashMap::new();
            loop {
                if let Err(error) = self.deliver_pending(&store, &mut pauses).await {
                    tracing::warn!(%error, "the mail outbox could not be read; retrying");
                }
                tokio::time::sleep(every).await;
            }
        })
    }

    /// One round: every message due is sent and its outcome recorded; returns how many were
    /// answered (sent or rejected).
    pub async fn deliver_pending(
        &self,
        store: &Store,
        pauses: &mut HashMap<i64, (u32, Instant)>,
    ) -> Result<usize, opcina_store::StoreError> {
        let now = Instant::now();
        let mut answered = 0;
        for row in store.pending_mail(ROUND).await? {
            if pauses.get(&row.id).is_some_and(|(_, next)| *next > now) {
                continue;
            }
            match self.send(&row).await {
                Ok(reply) => {
                    pauses.remove(&row.id);
                    store.record_mail_delivery(row.id, MailOutcome::Sent, &reply).await?;
                    tracing::info!(message = row.id, purpose = %row.purpose, %reply, "mail sent");
                    answered += 1;
                }
                Err(Failure::Never(why)) => {
                    pauses.remove(&row.id);
                    store.record_mail_delivery(row.id, MailOutcome::Rejected, &why).await?;
                    tracing::warn!(message = row.id, purpose = %row.purpose, reply = %why, "mail refused for good; not retried");
                    answered += 1;
                }
                Err(Failure::Later(why)) => {
                    let (tries, _) = pauses.get(&row.id).copied().unwrap_or((0, now));
                    let pause = Duration::from_secs(2u64.saturating_pow(tries.min(10))).min(MAX_PAUSE);
                    pauses.insert(row.id, (tries + 1, now + pause));
                    tracing::warn!(message = row.id, tries = tries + 1, retry_in_s = pause.as_secs(), error = %why, "mail not sent");
                }
            }
        }
        Ok(answered)
    }

    async fn send(&self, row: &MailRow) -> Result<String, Failure> {
        let to: Mailbox = row.recipient.parse().map_err(|e| Failure::Never(format!("not an address: {e}")))?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(row.subject.clone())
            .message_id(Some(format!("<mail-{}.{}@{}>", row.id, row.created_at, self.host)))
            .header(ContentType::TEXT_PLAIN)
            .body(row.body.clone())
            .map_err(|e| Failure::Never(format!("not a message: {e}")))?;
        match &self.route {
            Route::Relay(transport) => match transport.send(message).await {
                Ok(response) => Ok(format!("{} {}", response.code(), response.message().collect::<Vec<_>>().join(" "))),
                Err(e) if e.is_permanent() => Err(Failure::Never(e.to_string())),
                Err(e) => Err(Failure::Later(e.to_string())),
            },
            Route::Directory(dir) => {
                let path = dir.join(format!("{}.eml", row.id));
                let written = path.clone();
                let bytes = message.formatted();
                tokio::task::spawn_blocking(move || std::fs::write(&path, bytes))
                    .await
                    .map_err(|e| Failure::Later(e.to_string()))?
                    .map_err(|e| Failure::Later(format!("{}: {e}", written.display())))?;
                Ok(format!("written to {}", written.display()))
            }
        }
    }
}

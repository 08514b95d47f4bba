//! Citizens' messages as use cases: a message sent from the website or entered at a counter
//! takes the year's next number (gap-free) and an access code; the unit it is for answers it
//! (an official of that unit, or the PR officer or an approver for any unit), and the answer
//! goes by e-mail in the same transaction; the citizen follows it by number and code; those
//! the citizen agreed to publish are shown with their answers. The rules are in
//! [`opcina_core::publicinfo::message`].

use async_trait::async_trait;
use chrono::Datelike;
use opcina_core::publicinfo::desk::TermOf;
use opcina_core::publicinfo::message::{MessageFields, MessageState, check_answer, check_message, number};
use opcina_core::registry::{Actor, Role};
use opcina_core::{FieldError, Refusal};

use crate::admin::token_hash;
use crate::backend::WriteTx;
use crate::error::Result;
use crate::mail::{Letter, queue};
use crate::publicinfo_rows::CitizenMessageRow;
use crate::sql::prelude::*;
use crate::store::Store;
use crate::table::Row;
use crate::txn::Sequence;
use crate::writer::{WriteCx, WriteJob};

/// The year's book of messages.
struct MessageBook;

#[async_trait]
impl Sequence for MessageBook {
    fn key(&self) -> String {
        "citizen-messages".into()
    }

    async fn last(&self, tx: &mut dyn WriteTx, _scope: &str, year: i64) -> Result<i64> {
        tx.last_message_serial(year).await
    }
}

/// Who enters a citizen's message at a counter (the answer may then be given there).
const COUNTER: [Role; 3] = [Role::CounterClerk, Role::Registrar, Role::Official];
/// Who answers any unit's messages: the PR officer and the approvers.
const ANSWER_ANY: [Role; 2] = [Role::PressOfficer, Role::Approver];
fn permission(why: &str) -> Refusal {
    Refusal::one(FieldError::general("publicinfo.permission", why))
}

struct Submit {
    fields: MessageFields,
    channel: &'static str,
    language: String,
    access_hash: Vec<u8>,
}

#[async_trait]
impl WriteJob for Submit {
    type Output = std::result::Result<CitizenMessageRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        if self.channel == "counter" && !COUNTER.contains(&cx.actor.role) {
            return Ok(Err(permission("messages are entered at a counter by its clerks, registrars and officials")));
        }
        let config = crate::docflow::config(cx.txn).await?;
        let units: Vec<String> = config.units.iter().map(|u| u.code.clone()).collect();
        let message = match check_message(&self.fields, &units, self.channel == "web") {
            Ok(m) => m,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        let days = crate::publicinfo_desk::term_days(cx.txn, TermOf::Messages).await?;
        let year = i64::from(cx.today.year());
        let serial = cx.txn.next_serial(&MessageBook, "", year).await?;
        let mut row = CitizenMessageRow {
            id: 0,
            number: number(year, serial),
            year,
            serial,
            kind: message.kind,
            unit_code: message.unit,
            channel: self.channel.to_string(),
            name: message.name,
            email: message.email,
            language: self.language.clone(),
            subject: message.subject,
            body: message.text,
            publish: message.publish,
            access_hash: self.access_hash.clone(),
            state: MessageState::Received,
            received_on: cx.today.format("%Y-%m-%d").to_string(),
            due_on: TermOf::Messages.due(cx.today, days).format("%Y-%m-%d").to_string(),
            answer: None,
            answered_by: None,
            answered_at: None,
            received_at: cx.now.0,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "message.received").await?;
        Ok(Ok(row))
    }
}

/// The letter that carries an answer, written by the presentation in the citizen's language
/// from the answer's text.
pub type AnswerLetter = Box<dyn Fn(&CitizenMessageRow, &str) -> Letter + Send + Sync>;

struct Answer {
    id: i64,
    text: String,
    letter: AnswerLetter,
}

#[async_trait]
impl WriteJob for Answer {
    type Output = std::result::Result<CitizenMessageRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let Some(mut row) = cx.txn.reader().await?.citizen_message(self.id).await? else {
            return Ok(Err(Refusal::one(FieldError::new(
                "publicinfo.message.not_found",
                "id",
                format!("there is no message {}", self.id),
            ))));
        };
        let config = crate::docflow::config(cx.txn).await?;
        if !may_answer(cx.actor, config.unit_of(&cx.actor.username), &row.unit_code) {
            return Ok(Err(permission("a message is answered by its unit, the PR officer or an approver")));
        }
        if row.state == MessageState::Answered {
            return Ok(Err(Refusal::one(FieldError::general("publicinfo.message.answered", "this message has been answered"))));
        }
        let text = match check_answer(&self.text) {
            Ok(t) => t,
            Err(e) => return Ok(Err(Refusal::one(e))),
        };
        row.state = MessageState::Answered;
        row.answer = Some(text.clone());
        row.answered_by = Some(cx.actor.username.clone());
        row.answered_at = Some(cx.now.0);
        cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "message.answered").await?;
        if let Some(email) = &row.email {
            let letter = (self.letter)(&row, &text);
            queue(cx.txn, cx.now, cx.actor, email, &letter, &format!("message:{}", row.number)).await?;
        }
        Ok(Ok(row))
    }
}

/// Whether `actor` (working in `unit`, if placed) may answer a message for `for_unit`.
fn may_answer(actor: &Actor, unit: Option<&str>, for_unit: &str) -> bool {
    ANSWER_ANY.contains(&actor.role) || (actor.role == Role::Official && unit == Some(for_unit))
}

/// A new access code: 8 characters to copy by hand.
fn access_code() -> Result<String> {
    crate::orders::readable_code(2)
}

impl Store {
    /// A message sent from the website (`language`: the page's); returns it and the access
    /// code the citizen follows it with (shown once, kept only as its hash).
    pub async fn send_message(
        &self,
        fields: MessageFields,
        language: &str,
    ) -> Result<std::result::Result<(CitizenMessageRow, String), Refusal>> {
        let code = access_code()?;
        let job = Submit { fields, channel: "web", language: language.to_string(), access_hash: token_hash(&code) };
        Ok(self.submit(&Actor::system("portal"), job).await?.map(|row| (row, code)))
    }

    /// A message a citizen brings to a counter, entered by `actor` (a clerk, a registrar or an
    /// official): the e-mail address may be left out, the answer then given at the counter.
    /// Returns it and the access code to hand the citizen.
    pub async fn take_message(
        &self,
        actor: &Actor,
        fields: MessageFields,
        language: &str,
    ) -> Result<std::result::Result<(CitizenMessageRow, String), Refusal>> {
        let code = access_code()?;
        let job = Submit { fields, channel: "counter", language: language.to_string(), access_hash: token_hash(&code) };
        Ok(self.submit(actor, job).await?.map(|row| (row, code)))
    }

    /// Answers a message; the answer goes by e-mail (the letter `letter` writes) when the
    /// citizen gave an address.
    pub async fn answer_message(
        &self,
        actor: &Actor,
        id: i64,
        text: &str,
        letter: AnswerLetter,
    ) -> Result<std::result::Result<CitizenMessageRow, Refusal>> {
        self.submit(actor, Answer { id, text: text.to_string(), letter }).await
    }

    /// The messages waiting for an answer that `actor` answers (their unit's; every unit's
    /// for the PR officer and approvers), the first due first; then the latest answered.
    pub async fn message_inbox(&self, actor: &Actor) -> Result<std::result::Result<Vec<CitizenMessageRow>, Refusal>> {
        let unit = match actor.role {
            r if ANSWER_ANY.contains(&r) => None,
            Role::Official => match self.docflow_config().await?.unit_of(&actor.username) {
                Some(u) => Some(u.to_string()),
                None => return Ok(Err(permission("you are not placed in a unit; ask the administrator"))),
            },
            _ => return Ok(Err(permission("messages are answered by the units, the PR officer and the approvers"))),
        };
        Ok(Ok(self.backend().reads().message_inbox(unit.as_deref(), 500).await?))
    }

    /// One message, for whoever may answer it.
    pub async fn inbox_message(&self, actor: &Actor, id: i64) -> Result<std::result::Result<CitizenMessageRow, Refusal>> {
        let Some(row) = self.backend().reads().citizen_message(id).await? else {
            return Ok(Err(Refusal::one(FieldError::new("publicinfo.message.not_found", "id", format!("there is no message {id}")))));
        };
        let config = self.docflow_config().await?;
        if !may_answer(actor, config.unit_of(&actor.username), &row.unit_code) {
            return Ok(Err(permission("a message is read by its unit, the PR officer and the approvers")));
        }
        Ok(Ok(row))
    }

    /// A message as its sender follows it: by its number and access code (`None` when
    /// either is wrong — the answer does not say which).
    pub async fn track_message(&self, number: &str, code: &str) -> Result<Option<CitizenMessageRow>> {
        let Some(row) = self.backend().reads().message_by_number(number.trim()).await? else { return Ok(None) };
        let given = token_hash(&code.trim().to_uppercase());
        // Digests compared: how long the comparison takes says nothing about the code.
        Ok((given == row.access_hash).then_some(row))
    }

    /// Answered messages whose senders agreed to publication, latest answered first.
    pub async fn published_messages(&self, limit: i64) -> Result<Vec<CitizenMessageRow>> {
        self.backend().reads().published_messages(limit.clamp(1, 200)).await
    }
}

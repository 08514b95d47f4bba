//! The journalists' desk as use cases: a question from the journalists' form or taken down by
//! the PR officer takes the year's next number (gap-free) and is due in the press term's
//! working days; the PR officer (or an approver) gives it to a unit and perhaps one of its
//! officials; the reply goes to the journalist by e-mail in the same transaction and stays
//! with the question. The answer terms of the desk and of citizens' messages are set here,
//! and both feed the response-time figures per unit. The rules are in
//! [`opcina_core::publicinfo::desk`].

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate};
use opcina_core::publicinfo::desk::{
    AccreditationFields, AccreditationState, Handled, QuestionFields, QuestionState, TermOf, UnitFigures, UnitStaff, accreditation_number,
    check_accreditation, check_accreditation_step, check_assignment, check_question, check_reply, check_term, figures, number,
};
use opcina_core::publicinfo::message::MessageState;
use opcina_core::registry::{Actor, Role, Timestamp};
use opcina_core::{FieldError, Refusal};
use serde::Serialize;

use crate::backend::WriteTx;
use crate::docflow_rows::DocflowConfig;
use crate::error::Result;
use crate::mail::{Letter, queue};
use crate::publicinfo_rows::{AccreditationRow, AnswerTermRow, PressQuestionRow};
use crate::rows::UserRow;
use crate::sql::prelude::*;
use crate::store::Store;
use crate::table::Row;
use crate::txn::{Sequence, Txn};
use crate::writer::{WriteCx, WriteJob};

/// The year's book of journalists' questions.
struct QuestionBook;

#[async_trait]
impl Sequence for QuestionBook {
    fn key(&self) -> String {
        "press-questions".into()
    }

    async fn last(&self, tx: &mut dyn WriteTx, _scope: &str, year: i64) -> Result<i64> {
        tx.last_question_serial(year).await
    }
}

/// The year's book of accreditations.
struct AccreditationBook;

#[async_trait]
impl Sequence for AccreditationBook {
    fn key(&self) -> String {
        "press-accreditations".into()
    }

    async fn last(&self, tx: &mut dyn WriteTx, _scope: &str, year: i64) -> Result<i64> {
        tx.last_accreditation_serial(year).await
    }
}

// Who runs the desk, sets the terms and reads the figures: one list each, shared with the pages.
use opcina_core::publicinfo::desk::{DESK_LEAD as DESK, FIGURE_READERS as FIGURES, TERM_SETTERS as TERMS};

fn permission(why: &str) -> Refusal {
    Refusal::one(FieldError::general("publicinfo.permission", why))
}

fn not_found(id: i64) -> Refusal {
    Refusal::one(FieldError::new("publicinfo.question.not_found", "id", format!("there is no question {id}")))
}

/// The term in days that applies now to `of` (the one last set, else the default).
pub(crate) async fn term_days(txn: &mut Txn, of: TermOf) -> Result<u32> {
    Ok(days_of(txn.reader().await?.answer_term(of.as_str()).await?, of))
}

/// The days of the term last `set` for `of`, else its default.
fn days_of(set: Option<AnswerTermRow>, of: TermOf) -> u32 {
    set.and_then(|t| u32::try_from(t.days).ok()).unwrap_or_else(|| of.default_days())
}

struct Ask {
    fields: QuestionFields,
    channel: &'static str,
    language: String,
}

#[async_trait]
impl WriteJob for Ask {
    type Output = std::result::Result<PressQuestionRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        if self.channel == "desk" && !DESK.contains(&cx.actor.role) {
            return Ok(Err(permission("questions are taken down at the desk by the PR officer or an approver")));
        }
        let q = match check_question(&self.fields) {
            Ok(q) => q,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        let days = term_days(cx.txn, TermOf::Press).await?;
        let year = i64::from(cx.today.year());
        let serial = cx.txn.next_serial(&QuestionBook, "", year).await?;
        let mut row = PressQuestionRow {
            id: 0,
            number: number(year, serial),
            year,
            serial,
            channel: self.channel.to_string(),
            outlet: q.outlet,
            name: q.name,
            email: q.email,
            language: self.language.clone(),
            subject: q.subject,
            body: q.text,
            state: QuestionState::Received,
            received_on: day(cx.today),
            due_on: day(TermOf::Press.due(cx.today, days)),
            unit_code: None,
            assignee: None,
            assigned_by: None,
            reply: None,
            answered_by: None,
            answered_at: None,
            answered_on: None,
            received_at: cx.now.0,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "press_question.received").await?;
        Ok(Ok(row))
    }
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The units with the active officials placed in each, as an assignment is checked against.
fn staff_of(config: &DocflowConfig, users: &[UserRow]) -> Vec<UnitStaff> {
    let official = |name: &str| users.iter().any(|u| u.username == name && u.active && u.role == Role::Official);
    config
        .units
        .iter()
        .map(|u| UnitStaff {
            code: u.code.clone(),
            officials: config.staff.iter().filter(|s| s.unit_code == u.code && official(&s.username)).map(|s| s.username.clone()).collect(),
        })
        .collect()
}

struct Assign {
    id: i64,
    unit: String,
    official: String,
}

#[async_trait]
impl WriteJob for Assign {
    type Output = std::result::Result<PressQuestionRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        if !DESK.contains(&cx.actor.role) {
            return Ok(Err(permission("questions are given to the units by the PR officer or an approver")));
        }
        let Some(mut row) = cx.txn.reader().await?.press_question(self.id).await? else { return Ok(Err(not_found(self.id))) };
        if row.state == QuestionState::Answered {
            return Ok(Err(Refusal::one(FieldError::general("publicinfo.question.answered", "this question has been answered"))));
        }
        let config = crate::docflow::config(cx.txn).await?;
        let users = cx.txn.reader().await?.users().await?;
        let units = staff_of(&config, &users);
        let (unit, official) = match check_assignment(&self.unit, &self.official, &units) {
            Ok(a) => a,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        if row.unit_code.as_deref() == Some(unit.as_str()) && row.assignee == official {
            return Ok(Ok(row));
        }
        row.state = QuestionState::Assigned;
        row.unit_code = Some(unit);
        row.assignee = official;
        row.assigned_by = Some(cx.actor.username.clone());
        cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "press_question.assigned").await?;
        Ok(Ok(row))
    }
}

/// The letter that carries a reply, written by the presentation in the question's language.
pub type ReplyLetter = Box<dyn Fn(&PressQuestionRow, &str) -> Letter + Send + Sync>;

struct Reply {
    id: i64,
    text: String,
    letter: ReplyLetter,
}

/// Whether `actor` (working in `unit`, if placed) may reply to `q`: the desk any question,
/// an official their unit's once it is assigned there.
fn may_reply(actor: &Actor, unit: Option<&str>, q: &PressQuestionRow) -> bool {
    DESK.contains(&actor.role) || (actor.role == Role::Official && unit.is_some() && q.unit_code.as_deref() == unit)
}

#[async_trait]
impl WriteJob for Reply {
    type Output = std::result::Result<PressQuestionRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let Some(mut row) = cx.txn.reader().await?.press_question(self.id).await? else { return Ok(Err(not_found(self.id))) };
        let config = crate::docflow::config(cx.txn).await?;
        if !may_reply(cx.actor, config.unit_of(&cx.actor.username), &row) {
            return Ok(Err(permission("a question is answered by the unit it was given to, the PR officer or an approver")));
        }
        if row.state == QuestionState::Answered {
            return Ok(Err(Refusal::one(FieldError::general("publicinfo.question.answered", "this question has been answered"))));
        }
        let text = match check_reply(&self.text) {
            Ok(t) => t,
            Err(e) => return Ok(Err(Refusal::one(e))),
        };
        row.state = QuestionState::Answered;
        row.reply = Some(text.clone());
        row.answered_by = Some(cx.actor.username.clone());
        row.answered_at = Some(cx.now.0);
        row.answered_on = Some(day(cx.today));
        cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "press_question.answered").await?;
        let letter = (self.letter)(&row, &text);
        queue(cx.txn, cx.now, cx.actor, &row.email, &letter, &format!("press-question:{}", row.number)).await?;
        Ok(Ok(row))
    }
}

struct SetTerms {
    terms: Vec<(TermOf, String)>,
}

#[async_trait]
impl WriteJob for SetTerms {
    type Output = std::result::Result<AnswerTerms, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        if !TERMS.contains(&cx.actor.role) {
            return Ok(Err(permission("the answer terms are set by the PR officer, an approver or the administrator")));
        }
        let mut checked = Vec::new();
        let mut errors = Vec::new();
        for (of, days) in &self.terms {
            match check_term(*of, days) {
                Ok(d) => checked.push((*of, d)),
                Err(e) => errors.push(e),
            }
        }
        if !errors.is_empty() {
            return Ok(Err(Refusal { errors }));
        }
        for (of, days) in checked {
            if term_days(cx.txn, of).await? == days {
                continue;
            }
            let row = AnswerTermRow {
                id: 0,
                term_of: of.as_str().to_string(),
                days: i64::from(days),
                set_by: cx.actor.username.clone(),
                set_at: cx.now.0,
            };
            cx.txn.append(Row::new(row), cx.now, cx.actor, "answer_term.set").await?;
        }
        Ok(Ok(AnswerTerms { messages: term_days(cx.txn, TermOf::Messages).await?, press: term_days(cx.txn, TermOf::Press).await? }))
    }
}

struct RequestAccreditation {
    fields: AccreditationFields,
    language: String,
}

#[async_trait]
impl WriteJob for RequestAccreditation {
    type Output = std::result::Result<AccreditationRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let a = match check_accreditation(&self.fields, cx.today) {
            Ok(a) => a,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        let year = i64::from(cx.today.year());
        let serial = cx.txn.next_serial(&AccreditationBook, "", year).await?;
        let mut row = AccreditationRow {
            id: 0,
            number: accreditation_number(year, serial),
            year,
            serial,
            outlet: a.outlet,
            name: a.name,
            email: a.email,
            language: self.language.clone(),
            kind: a.kind,
            event: a.event,
            state: AccreditationState::Requested,
            requested_on: day(cx.today),
            valid_until: day(a.valid_until),
            reason: String::new(),
            decided_by: None,
            decided_at: None,
            requested_at: cx.now.0,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "accreditation.requested").await?;
        Ok(Ok(row))
    }
}

/// The letter that tells a journalist what became of their accreditation, written by the
/// presentation in the request's language.
pub type AccreditationLetter = Box<dyn Fn(&AccreditationRow) -> Letter + Send + Sync>;

struct DecideAccreditation {
    id: i64,
    to: AccreditationState,
    reason: String,
    letter: AccreditationLetter,
}

#[async_trait]
impl WriteJob for DecideAccreditation {
    type Output = std::result::Result<AccreditationRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        if !DESK.contains(&cx.actor.role) {
            return Ok(Err(permission("accreditations are decided by the PR officer or an approver")));
        }
        let Some(mut row) = cx.txn.reader().await?.accreditation(self.id).await? else {
            return Ok(Err(Refusal::one(FieldError::new(
                "publicinfo.accreditation.not_found",
                "id",
                format!("there is no accreditation {}", self.id),
            ))));
        };
        let reason = match check_accreditation_step(row.state, self.to, &self.reason) {
            Ok(r) => r,
            Err(e) => return Ok(Err(Refusal::one(e))),
        };
        row.state = self.to;
        row.reason = reason;
        row.decided_by = Some(cx.actor.username.clone());
        row.decided_at = Some(cx.now.0);
        cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, &format!("accreditation.{}", self.to.as_str())).await?;
        let letter = (self.letter)(&row);
        queue(cx.txn, cx.now, cx.actor, &row.email, &letter, &format!("accreditation:{}", row.number)).await?;
        Ok(Ok(row))
    }
}

/// The answer terms in force, in days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AnswerTerms {
    /// Citizens' messages: days, the last moved to a working day.
    pub messages: u32,
    /// Journalists' questions: working days.
    pub press: u32,
}

/// How the units answer in a year: citizens' messages and journalists' questions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ResponseFigures {
    pub year: i32,
    pub messages: Vec<UnitFigures>,
    /// Journalists' questions not yet given to a unit are counted under [`UNASSIGNED`].
    pub press: Vec<UnitFigures>,
}

/// The unit code under which questions not yet given to a unit are counted.
pub const UNASSIGNED: &str = "";

impl Store {
    /// A journalist's question from the website (`language`: the page's).
    pub async fn ask_press(&self, fields: QuestionFields, language: &str) -> Result<std::result::Result<PressQuestionRow, Refusal>> {
        self.submit(&Actor::system("portal"), Ask { fields, channel: "web", language: language.to_string() }).await
    }

    /// A journalist's question taken down at the desk (a call, a mail) by the PR officer or an
    /// approver; the reply is framed in `language`.
    pub async fn take_press_question(
        &self,
        actor: &Actor,
        fields: QuestionFields,
        language: &str,
    ) -> Result<std::result::Result<PressQuestionRow, Refusal>> {
        self.submit(actor, Ask { fields, channel: "desk", language: language.to_string() }).await
    }

    /// Gives a question to `unit` and, unless `official` is empty, to that official of it.
    pub async fn assign_question(
        &self,
        actor: &Actor,
        id: i64,
        unit: &str,
        official: &str,
    ) -> Result<std::result::Result<PressQuestionRow, Refusal>> {
        self.submit(actor, Assign { id, unit: unit.to_string(), official: official.to_string() }).await
    }

    /// Replies to a question; the reply goes to the journalist by e-mail (the letter `letter`
    /// writes) and stays with the question.
    pub async fn reply_question(
        &self,
        actor: &Actor,
        id: i64,
        text: &str,
        letter: ReplyLetter,
    ) -> Result<std::result::Result<PressQuestionRow, Refusal>> {
        self.submit(actor, Reply { id, text: text.to_string(), letter }).await
    }

    /// The desk as `actor` works it: every question for the PR officer and approvers, an
    /// official's unit's; waiting ones by due day first, then the latest answered.
    pub async fn press_desk(&self, actor: &Actor) -> Result<std::result::Result<Vec<PressQuestionRow>, Refusal>> {
        let unit = match self.desk_unit(actor).await? {
            Ok(u) => u,
            Err(r) => return Ok(Err(r)),
        };
        Ok(Ok(self.backend().reads().desk_questions(unit.as_deref(), 500).await?))
    }

    /// The unit whose questions `actor` sees (`None`: every question).
    async fn desk_unit(&self, actor: &Actor) -> Result<std::result::Result<Option<String>, Refusal>> {
        Ok(match actor.role {
            r if DESK.contains(&r) => Ok(None),
            Role::Official => match self.docflow_config().await?.unit_of(&actor.username) {
                Some(u) => Ok(Some(u.to_string())),
                None => Err(permission("you are not placed in a unit; ask the administrator")),
            },
            _ => Err(permission("journalists' questions are answered by the units, the PR officer and the approvers")),
        })
    }

    /// One question, for whoever may work on it.
    pub async fn press_question(&self, actor: &Actor, id: i64) -> Result<std::result::Result<PressQuestionRow, Refusal>> {
        let unit = match self.desk_unit(actor).await? {
            Ok(u) => u,
            Err(r) => return Ok(Err(r)),
        };
        let Some(row) = self.backend().reads().press_question(id).await? else { return Ok(Err(not_found(id))) };
        if unit.is_some() && row.unit_code != unit {
            return Ok(Err(permission("a question is read by the unit it was given to, the PR officer and the approvers")));
        }
        Ok(Ok(row))
    }

    /// The officials of each unit a question may be given to.
    pub async fn desk_staff(&self) -> Result<Vec<UnitStaff>> {
        Ok(staff_of(&self.docflow_config().await?, &self.users().await?))
    }

    /// A journalist's request for accreditation from the website (`language`: the page's).
    pub async fn request_accreditation(
        &self,
        fields: AccreditationFields,
        language: &str,
    ) -> Result<std::result::Result<AccreditationRow, Refusal>> {
        self.submit(&Actor::system("portal"), RequestAccreditation { fields, language: language.to_string() }).await
    }

    /// Grants, refuses or revokes an accreditation (a reason is required to refuse or revoke);
    /// the journalist is told by e-mail in the same transaction.
    pub async fn decide_accreditation(
        &self,
        actor: &Actor,
        id: i64,
        to: AccreditationState,
        reason: &str,
        letter: AccreditationLetter,
    ) -> Result<std::result::Result<AccreditationRow, Refusal>> {
        self.submit(actor, DecideAccreditation { id, to, reason: reason.to_string(), letter }).await
    }

    /// The accreditations as the desk works them: requests waiting (the oldest first), those
    /// valid today or later, then the latest others.
    pub async fn accreditations(&self, actor: &Actor) -> Result<std::result::Result<Vec<AccreditationRow>, Refusal>> {
        if !DESK.contains(&actor.role) {
            return Ok(Err(permission("accreditations are kept by the PR officer and the approvers")));
        }
        Ok(Ok(self.backend().reads().accreditations(&day(self.today()), 500).await?))
    }

    /// One accreditation, for the desk.
    pub async fn accreditation(&self, actor: &Actor, id: i64) -> Result<std::result::Result<AccreditationRow, Refusal>> {
        if !DESK.contains(&actor.role) {
            return Ok(Err(permission("accreditations are kept by the PR officer and the approvers")));
        }
        Ok(self.backend().reads().accreditation(id).await?.ok_or_else(|| {
            Refusal::one(FieldError::new("publicinfo.accreditation.not_found", "id", format!("there is no accreditation {id}")))
        }))
    }

    /// The answer terms in force.
    pub async fn answer_terms(&self) -> Result<AnswerTerms> {
        let mut reads = self.backend().reads();
        let messages = days_of(reads.answer_term(TermOf::Messages.as_str()).await?, TermOf::Messages);
        let press = days_of(reads.answer_term(TermOf::Press.as_str()).await?, TermOf::Press);
        Ok(AnswerTerms { messages, press })
    }

    /// Sets the answer terms given (days as typed) for what is received from now on: all of
    /// them or, when one is wrong, none.
    pub async fn set_answer_terms(&self, actor: &Actor, terms: &[(TermOf, &str)]) -> Result<std::result::Result<AnswerTerms, Refusal>> {
        self.submit(actor, SetTerms { terms: terms.iter().map(|(of, d)| (*of, d.to_string())).collect() }).await
    }

    /// How the units answered citizens' messages and journalists' questions received in
    /// `year`, as of today.
    pub async fn response_figures(&self, actor: &Actor, year: i32) -> Result<std::result::Result<ResponseFigures, Refusal>> {
        if !FIGURES.contains(&actor.role) {
            return Ok(Err(permission("the response figures are for the PR officer, the approvers, the officials and the auditors")));
        }
        let config = self.docflow_config().await?;
        let units: Vec<String> = config.units.iter().map(|u| u.code.clone()).collect();
        let mut reads = self.backend().reads();
        let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        let messages: Vec<Handled> = reads
            .messages_of_year(i64::from(year))
            .await?
            .into_iter()
            .filter_map(|m| {
                let answered = match m.state {
                    MessageState::Answered => {
                        Some(m.answered_at.map(|at| Timestamp(at).to_datetime().with_timezone(&chrono::Local).date_naive())?)
                    }
                    MessageState::Received => None,
                };
                Some(Handled { unit: m.unit_code, received: date(&m.received_on)?, due: date(&m.due_on)?, answered })
            })
            .collect();
        let questions = reads.questions_of_year(i64::from(year)).await?;
        let press: Vec<Handled> = questions
            .into_iter()
            .filter_map(|q| {
                Some(Handled {
                    unit: q.unit_code.unwrap_or_else(|| UNASSIGNED.to_string()),
                    received: date(&q.received_on)?,
                    due: date(&q.due_on)?,
                    answered: q.answered_on.as_deref().and_then(date),
                })
            })
            .collect();
        let today = self.today();
        Ok(Ok(ResponseFigures { year, messages: figures(&messages, &units, today), press: figures(&press, &units, today) }))
    }
}

//! Reports of communal problems as use cases: a report from the website, a counter or an
//! Open311 client takes the year's next number (gap-free) and an access code, and goes to
//! the unit its category and local community are routed to; the unit moves it through its
//! states, and every change is a step, e-mailed to the reporter in the same transaction; the
//! reporter adds to it or reopens it with the code. The public sees every report and its
//! steps, never who reported it. The rules are in [`opcina_core::publicinfo::report`].

use async_trait::async_trait;
use chrono::Datelike;
use opcina_core::publicinfo::report::{ReportChange, ReportFields, ReportState, Step, check_change, check_report, number};
use opcina_core::registry::{Actor, Role};
use opcina_core::{FieldError, Refusal};

use crate::admin::token_hash;
use crate::backend::WriteTx;
use crate::error::Result;
use crate::mail::{Letter, queue};
use crate::publicinfo_rows::{Open311ClientRow, ReportRouteRow, ReportRow, ReportStepRow};
use crate::sql::prelude::*;
use crate::sql::publicinfo::{ReportFilter, ReportPlace};
use crate::store::Store;
use crate::table::Row;
use crate::txn::Sequence;
use crate::writer::{WriteCx, WriteJob};

/// The year's book of reports.
struct ReportBook;

#[async_trait]
impl Sequence for ReportBook {
    fn key(&self) -> String {
        "reports".into()
    }

    async fn last(&self, tx: &mut dyn WriteTx, _scope: &str, year: i64) -> Result<i64> {
        tx.last_report_serial(year).await
    }
}

/// Who handles any unit's reports besides the unit's officials.
const HANDLE_ANY: [Role; 2] = [Role::PressOfficer, Role::Approver];

fn refusal(code: &'static str, field: &str, why: String) -> Refusal {
    Refusal::one(FieldError::new(code, field, why))
}

fn permission(why: &str) -> Refusal {
    Refusal::one(FieldError::general("publicinfo.permission", why))
}

/// The letter that tells a reporter of a change, written by the presentation in the
/// reporter's language.
pub type ReportLetter = Box<dyn Fn(&ReportRow, &ReportStepRow) -> Letter + Send + Sync>;

/// A report and its changes, oldest first.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ReportFile {
    pub report: ReportRow,
    pub steps: Vec<ReportStepRow>,
}

/// Writes a step and the letter to the reporter, when they gave an address.
async fn record(cx: &mut WriteCx<'_>, row: &ReportRow, step: ReportStepRow, action: &str, letter: Option<&ReportLetter>) -> Result<()> {
    let mut step = step;
    step.id = cx.txn.append(Row::new(step.clone()), cx.now, cx.actor, action).await?;
    if let (Some(email), Some(letter)) = (&row.email, letter) {
        let l = letter(row, &step);
        queue(cx.txn, cx.now, cx.actor, email, &l, &format!("report:{}", row.number)).await?;
    }
    Ok(())
}

struct Submit {
    fields: ReportFields,
    channel: String,
    language: String,
    access_hash: Vec<u8>,
    token: String,
    letter: Option<ReportLetter>,
}

#[async_trait]
impl WriteJob for Submit {
    type Output = std::result::Result<ReportRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let report = match check_report(&self.fields) {
            Ok(r) => r,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        let routed = cx.txn.reader().await?.report_route(report.category.code, &report.local_community_key).await?;
        let unit = match routed {
            Some(route) => route.unit_code,
            None => match crate::docflow::config(cx.txn).await?.units.first() {
                Some(u) => u.code.clone(),
                None => return Ok(Err(permission("no unit takes reports yet; ask the administrator"))),
            },
        };
        let year = i64::from(cx.today.year());
        let serial = cx.txn.next_serial(&ReportBook, "", year).await?;
        let attributes: Vec<String> = report.attributes.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let mut row = ReportRow {
            id: 0,
            number: number(year, serial),
            year,
            serial,
            category: report.category.code.to_string(),
            state: ReportState::Open,
            unit_code: unit,
            channel: self.channel.clone(),
            description: report.description,
            local_community: report.local_community,
            local_community_key: report.local_community_key,
            address: report.address,
            lat_e6: report.point.map(|p| p.lat_e6),
            lon_e6: report.point.map(|p| p.lon_e6),
            attributes: attributes.join("\n"),
            name: report.name,
            email: report.email,
            language: self.language.clone(),
            access_hash: self.access_hash.clone(),
            token: self.token.clone(),
            responsible_body: None,
            received_at: cx.now.0,
            changed_at: cx.now.0,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "report.received").await?;
        let step = ReportStepRow {
            id: 0,
            report_id: row.id,
            state: ReportState::Open,
            note: String::new(),
            body: None,
            actor: cx.actor.username.clone(),
            by_reporter: true,
            at: cx.now.0,
        };
        record(cx, &row, step, "report.step", self.letter.as_ref()).await?;
        Ok(Ok(row))
    }
}

/// Whether `actor` (working in `unit`, if placed) handles reports routed to `for_unit`.
fn may_handle(actor: &Actor, unit: Option<&str>, for_unit: &str) -> bool {
    HANDLE_ANY.contains(&actor.role) || (actor.role == Role::Official && unit == Some(for_unit))
}

/// Applies a checked step to a report.
fn apply(row: &mut ReportRow, step: &Step, at: i64) {
    row.state = step.state;
    if step.state == ReportState::NotResponsible {
        if step.body.is_some() {
            row.responsible_body = step.body.clone();
        }
    } else {
        row.responsible_body = None;
    }
    row.changed_at = at;
}

/// Who changes a report: an official (by id) or its reporter (by number and code).
enum Changer {
    Official { id: i64 },
    Reporter { number: String, code: String },
}

struct Change {
    changer: Changer,
    change: ReportChange,
    letter: Option<ReportLetter>,
}

#[async_trait]
impl WriteJob for Change {
    type Output = std::result::Result<ReportFile, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let (found, by_reporter) = match &self.changer {
            Changer::Official { id } => (cx.txn.reader().await?.report(*id).await?, false),
            Changer::Reporter { number, code } => {
                let row = cx.txn.reader().await?.report_by_number(number.trim()).await?;
                (row.filter(|r| r.access_hash == token_hash(&crate::orders::normalise_code(code))), true)
            }
        };
        let Some(mut row) = found else {
            let what = match &self.changer {
                Changer::Official { id } => format!("there is no report {id}"),
                Changer::Reporter { .. } => "no report has this number and code".to_string(),
            };
            return Ok(Err(refusal("publicinfo.report.not_found", "number", what)));
        };
        if !by_reporter {
            let config = crate::docflow::config(cx.txn).await?;
            if !may_handle(cx.actor, config.unit_of(&cx.actor.username), &row.unit_code) {
                return Ok(Err(permission("a report is handled by its unit, the PR officer or an approver")));
            }
        }
        let step = match check_change(row.state, &self.change, by_reporter) {
            Ok(s) => s,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        apply(&mut row, &step, cx.now.0);
        cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "report.changed").await?;
        let step_row = ReportStepRow {
            id: 0,
            report_id: row.id,
            state: step.state,
            note: step.note,
            body: step.body,
            actor: if by_reporter { String::new() } else { cx.actor.username.clone() },
            by_reporter,
            at: cx.now.0,
        };
        // The reporter hears of what the unit did, not of their own note.
        let letter = if by_reporter { None } else { self.letter.as_ref() };
        record(cx, &row, step_row, "report.step", letter).await?;
        let steps = cx.txn.reader().await?.report_steps(row.id).await?;
        Ok(Ok(ReportFile { report: row, steps }))
    }
}

struct HandOver {
    id: i64,
    unit: String,
    reason: String,
    letter: ReportLetter,
}

#[async_trait]
impl WriteJob for HandOver {
    type Output = std::result::Result<ReportFile, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let Some(mut row) = cx.txn.reader().await?.report(self.id).await? else {
            return Ok(Err(refusal("publicinfo.report.not_found", "id", format!("there is no report {}", self.id))));
        };
        let config = crate::docflow::config(cx.txn).await?;
        if !may_handle(cx.actor, config.unit_of(&cx.actor.username), &row.unit_code) {
            return Ok(Err(permission("a report is handed over by its unit, the PR officer or an approver")));
        }
        if row.state.is_closed() {
            return Ok(Err(Refusal::one(FieldError::general("publicinfo.step.not_now", "a closed report is not handed over"))));
        }
        let mut errors = Vec::new();
        let unit = self.unit.trim().to_string();
        if config.unit(&unit).is_none() {
            errors.push(FieldError::new("publicinfo.message.unit_unknown", "unit", "choose the unit"));
        } else if unit == row.unit_code {
            errors.push(FieldError::new("publicinfo.report.same_unit", "unit", "the report is with this unit already"));
        }
        let reason = opcina_core::publicinfo::text::paragraphs(
            "reason",
            &self.reason,
            opcina_core::publicinfo::report::MAX_NOTE_CHARS,
            Some("publicinfo.report.required"),
            &mut errors,
        );
        if !errors.is_empty() {
            return Ok(Err(Refusal { errors }));
        }
        row.unit_code = unit;
        cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "report.handed_over").await?;
        let step = ReportStepRow {
            id: 0,
            report_id: row.id,
            state: row.state,
            note: reason,
            body: None,
            actor: cx.actor.username.clone(),
            by_reporter: false,
            at: cx.now.0,
        };
        record(cx, &row, step, "report.step", Some(&self.letter)).await?;
        let steps = cx.txn.reader().await?.report_steps(row.id).await?;
        Ok(Ok(ReportFile { report: row, steps }))
    }
}

struct Route {
    category: String,
    local_community: String,
    unit: String,
}

#[async_trait]
impl WriteJob for Route {
    type Output = std::result::Result<ReportRouteRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let mut errors = Vec::new();
        if opcina_core::publicinfo::report::category(&self.category).is_none() {
            errors.push(FieldError::new("publicinfo.report.category_unknown", "category", "choose a category"));
        }
        let place = opcina_core::publicinfo::text::line(
            "local_community",
            &self.local_community,
            opcina_core::publicinfo::report::MAX_PLACE_CHARS,
            None,
            &mut errors,
        );
        let config = crate::docflow::config(cx.txn).await?;
        if config.unit(&self.unit).is_none() {
            errors.push(FieldError::new("publicinfo.message.unit_unknown", "unit", "choose the unit"));
        }
        if !errors.is_empty() {
            return Ok(Err(Refusal { errors }));
        }
        let key = opcina_core::publicinfo::key::key(&place);
        let existing = cx.txn.reader().await?.report_route(&self.category, &key).await?.filter(|r| r.local_community_key == key);
        let mut row = ReportRouteRow {
            id: 0,
            category: self.category.clone(),
            local_community_key: key,
            unit_code: self.unit.clone(),
            set_by: cx.actor.username.clone(),
            set_at: cx.now.0,
        };
        match existing {
            Some(old) => {
                row.id = old.id;
                cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "report.route").await?;
            }
            None => row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "report.route").await?,
        }
        Ok(Ok(row))
    }
}

struct AddClient {
    name: String,
    key_hash: Vec<u8>,
}

#[async_trait]
impl WriteJob for AddClient {
    type Output = std::result::Result<Open311ClientRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let mut errors = Vec::new();
        let name = opcina_core::publicinfo::text::line("name", &self.name, 80, Some("publicinfo.contact.required"), &mut errors);
        if !errors.is_empty() {
            return Ok(Err(Refusal { errors }));
        }
        if cx.txn.reader().await?.open311_client_by_name(&name).await?.is_some() {
            return Ok(Err(refusal("open311.client.exists", "name", format!("there is a client named {name}"))));
        }
        let mut row = Open311ClientRow {
            id: 0,
            name,
            key_hash: self.key_hash.clone(),
            active: true,
            created_by: cx.actor.username.clone(),
            created_at: cx.now.0,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "open311.client").await?;
        Ok(Ok(row))
    }
}

struct WithdrawClient {
    name: String,
}

#[async_trait]
impl WriteJob for WithdrawClient {
    type Output = std::result::Result<Open311ClientRow, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let Some(mut row) = cx.txn.reader().await?.open311_client_by_name(self.name.trim()).await? else {
            return Ok(Err(refusal("open311.client.not_found", "name", format!("there is no client named {}", self.name.trim()))));
        };
        if row.active {
            row.active = false;
            cx.txn.update(Row::new(row.clone()), cx.now, cx.actor, "open311.client.withdrawn").await?;
        }
        Ok(Ok(row))
    }
}

/// Where a report comes from.
pub enum Channel {
    Web,
    /// Entered at a counter by the signed-in clerk.
    Counter,
    /// Posted by an Open311 client with its API key.
    Open311 {
        key: String,
    },
}

/// The routes of reports and the Open311 clients.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportSetup {
    pub routes: Vec<ReportRouteRow>,
    pub clients: Vec<Open311ClientRow>,
}

impl Store {
    /// A report of a communal problem (`language`: the reporter's); returns it and the
    /// access code its reporter follows it with (shown once, kept only as its hash). An
    /// Open311 client is refused unless its key is known and active.
    pub async fn report_problem(
        &self,
        actor: &Actor,
        channel: Channel,
        fields: ReportFields,
        language: &str,
        letter: Option<ReportLetter>,
    ) -> Result<std::result::Result<(ReportRow, String), Refusal>> {
        let channel = match channel {
            Channel::Web => "web".to_string(),
            Channel::Counter => "counter".to_string(),
            Channel::Open311 { key } => match self.backend().reads().open311_client_by_key(&token_hash(&key)).await? {
                Some(c) if c.active && !key.trim().is_empty() => format!("open311:{}", c.name),
                _ => return Ok(Err(refusal("open311.key.invalid", "api_key", "this API key is not known here".into()))),
            },
        };
        let code = crate::orders::readable_code(2)?;
        let job = Submit {
            fields,
            channel,
            language: language.to_string(),
            access_hash: token_hash(&code),
            token: crate::publicinfo_press::new_token()?,
            letter,
        };
        Ok(self.submit(actor, job).await?.map(|row| (row, code)))
    }

    /// An official's change to a report (its unit's; any for the PR officer and approvers),
    /// e-mailed to the reporter.
    pub async fn change_report(
        &self,
        actor: &Actor,
        id: i64,
        change: ReportChange,
        letter: ReportLetter,
    ) -> Result<std::result::Result<ReportFile, Refusal>> {
        self.submit(actor, Change { changer: Changer::Official { id }, change, letter: Some(letter) }).await
    }

    /// Hands a report to another unit (its unit's officials, the PR officer or an approver),
    /// saying why; the step is shown on the report's page and e-mailed to the reporter.
    pub async fn hand_over_report(
        &self,
        actor: &Actor,
        id: i64,
        unit: &str,
        reason: &str,
        letter: ReportLetter,
    ) -> Result<std::result::Result<ReportFile, Refusal>> {
        self.submit(actor, HandOver { id, unit: unit.to_string(), reason: reason.to_string(), letter }).await
    }

    /// The reporter's note, or their reopening of a closed report, by number and access code.
    pub async fn reporter_change(
        &self,
        number: &str,
        code: &str,
        change: ReportChange,
    ) -> Result<std::result::Result<ReportFile, Refusal>> {
        let changer = Changer::Reporter { number: number.to_string(), code: code.to_string() };
        self.submit(&Actor::system("portal"), Change { changer, change, letter: None }).await
    }

    /// A report as the public sees it (the presentation leaves out the reporter).
    pub async fn public_report(&self, number: &str) -> Result<Option<ReportFile>> {
        let mut reads = self.backend().reads();
        let Some(report) = reads.report_by_number(number.trim()).await? else { return Ok(None) };
        let steps = reads.report_steps(report.id).await?;
        Ok(Some(ReportFile { report, steps }))
    }

    /// Reports as `filter` selects them, the latest first (`limit` at most 1,000).
    pub async fn reports(&self, filter: &ReportFilter, limit: i64, offset: i64) -> Result<Vec<ReportRow>> {
        self.backend().reads().reports(filter, limit.clamp(1, 1_000), offset.max(0)).await
    }

    /// [`Store::reports`], each with the latest note its unit wrote (Open311's
    /// `status_notes`).
    pub async fn reports_with_notes(&self, filter: &ReportFilter, limit: i64, offset: i64) -> Result<Vec<(ReportRow, Option<String>)>> {
        let rows = self.reports(filter, limit, offset).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut notes = self.backend().reads().last_unit_notes(&ids).await?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let note = notes.iter().position(|n| n.report_id == r.id).map(|i| notes.swap_remove(i).note);
                (r, note)
            })
            .collect())
    }

    /// The local communities with reports, and how many are open and closed in each.
    pub async fn report_places(&self) -> Result<Vec<ReportPlace>> {
        self.backend().reads().report_places().await
    }

    /// The report an Open311 client's submission token became.
    pub async fn report_by_token(&self, token: &str) -> Result<Option<ReportRow>> {
        self.backend().reads().report_by_token(token.trim()).await
    }

    /// The reports `actor` handles: open ones, the oldest first, then the latest closed.
    pub async fn report_desk(&self, actor: &Actor) -> Result<std::result::Result<Vec<ReportRow>, Refusal>> {
        let unit = match actor.role {
            r if HANDLE_ANY.contains(&r) => None,
            Role::Official => match self.docflow_config().await?.unit_of(&actor.username) {
                Some(u) => Some(u.to_string()),
                None => return Ok(Err(permission("you are not placed in a unit; ask the administrator"))),
            },
            _ => return Ok(Err(permission("reports are handled by the units, the PR officer and the approvers"))),
        };
        let open = ReportState::ALL.into_iter().filter(|s| !s.is_closed()).collect();
        let closed = ReportState::ALL.into_iter().filter(|s| s.is_closed()).collect();
        let mut reads = self.backend().reads();
        let mut rows = reads.reports(&ReportFilter { states: open, unit: unit.clone(), ..ReportFilter::default() }, 500, 0).await?;
        rows.reverse();
        rows.extend(reads.reports(&ReportFilter { states: closed, unit, ..ReportFilter::default() }, 50, 0).await?);
        Ok(Ok(rows))
    }

    /// A report with the reporter's contact, for whoever handles it.
    pub async fn desk_report(&self, actor: &Actor, id: i64) -> Result<std::result::Result<ReportFile, Refusal>> {
        let mut reads = self.backend().reads();
        let Some(report) = reads.report(id).await? else {
            return Ok(Err(refusal("publicinfo.report.not_found", "id", format!("there is no report {id}"))));
        };
        let config = self.docflow_config().await?;
        if !may_handle(actor, config.unit_of(&actor.username), &report.unit_code) {
            return Ok(Err(permission("a report is read by its unit, the PR officer and the approvers")));
        }
        let steps = reads.report_steps(report.id).await?;
        Ok(Ok(ReportFile { report, steps }))
    }

    /// How reports are routed and who may post them through Open311, for the administrator.
    pub async fn report_setup(&self, actor: &Actor) -> Result<std::result::Result<ReportSetup, Refusal>> {
        if actor.role != Role::Admin {
            return Ok(Err(permission("routes and Open311 clients are kept by the administrator")));
        }
        let mut reads = self.backend().reads();
        Ok(Ok(ReportSetup { routes: reads.report_routes().await?, clients: reads.open311_clients().await? }))
    }

    /// Routes a category's reports in a local community (empty: everywhere else) to a unit
    /// (the administrator).
    pub async fn route_reports(
        &self,
        actor: &Actor,
        category: &str,
        local_community: &str,
        unit: &str,
    ) -> Result<std::result::Result<ReportRouteRow, Refusal>> {
        if actor.role != Role::Admin {
            return Ok(Err(permission("routes are set by the administrator")));
        }
        let job =
            Route { category: category.trim().to_string(), local_community: local_community.to_string(), unit: unit.trim().to_string() };
        self.submit(actor, job).await
    }

    /// Withdraws a client's key (the administrator): its posts are refused from then on; its
    /// reports stay. Withdrawing one already withdrawn changes nothing.
    pub async fn withdraw_open311_client(&self, actor: &Actor, name: &str) -> Result<std::result::Result<Open311ClientRow, Refusal>> {
        if actor.role != Role::Admin {
            return Ok(Err(permission("Open311 clients are withdrawn by the administrator")));
        }
        self.submit(actor, WithdrawClient { name: name.to_string() }).await
    }

    /// Allows a client to post reports through Open311 (the administrator); returns its API
    /// key, shown once.
    pub async fn add_open311_client(&self, actor: &Actor, name: &str) -> Result<std::result::Result<(Open311ClientRow, String), Refusal>> {
        if actor.role != Role::Admin {
            return Ok(Err(permission("Open311 clients are added by the administrator")));
        }
        let key = crate::publicinfo_press::new_token()?;
        let job = AddClient { name: name.to_string(), key_hash: token_hash(&key) };
        Ok(self.submit(actor, job).await?.map(|row| (row, key)))
    }
}

//! Requests for access to information as use cases. A request is a case of the document flow
//! of the kind [`CASE_TYPE`]: one made on the website is registered in the UP-I book through
//! the document flow's own write, in the same transaction as the row that keeps who asks, how
//! the information is wanted and the text asked for; one that came by post or to the counter
//! is registered there like any case and appears in the register all the same. The unit's
//! official decides it here: the decision is entered in the book as the case's decision
//! (docflow `Decide`, with its rules on who may and when) together with what the law adds —
//! the exemptions, the reasons, the public-interest test, the appeal — and mailed to the
//! requester when they gave an address, all in one transaction. The register and the
//! quarter's figures read the cases of that kind. The rules are in
//! [`opcina_core::publicinfo::information`].

use async_trait::async_trait;
use chrono::{Datelike, NaiveDate};
use opcina_core::docflow::access::{self, CaseUse};
use opcina_core::docflow::case::CaseAction;
use opcina_core::publicinfo::information::{
    CASE_TYPE, Decision, DecisionFields, Entry, Exemption, Figures, Request, RequestFields, check_decision, check_request, figures,
};
use opcina_core::registry::Actor;
use opcina_core::{FieldError, Refusal};
use serde::Serialize;

use crate::docflow::{DocDone, DocOp, Intake, Party, date};
use crate::error::Result;
use crate::mail::{Letter, queue};
use crate::publicinfo_rows::{InformationDecisionRow, InformationRequestRow};
use crate::reads::ReadReason;
use crate::rows::{CaseRow, date_text};
use crate::shown::ShowsPeople;
use crate::sql::prelude::*;
use crate::store::Store;
use crate::table::Row;
use crate::writer::{WriteCx, WriteJob};

fn not_found(id: i64) -> Refusal {
    Refusal::one(FieldError::new("publicinfo.information.not_found", "case_id", format!("there is no request for information {id}")))
}

/// The letter that carries a decision to the requester, written by the presentation in the
/// language of the request's page.
pub type DecisionLetter = Box<dyn Fn(&CaseRow, &InformationRequestRow, &Decision) -> Letter + Send + Sync>;

/// A request registered: its case (number, due day) and the access code the requester
/// follows it with on the tracking page (shown once).
#[derive(Debug, Clone)]
pub struct Registered {
    pub case: CaseRow,
    pub access_code: String,
}

struct RequestInformation {
    request: Request,
    language: String,
}

#[async_trait]
impl WriteJob for RequestInformation {
    type Output = std::result::Result<Registered, Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let config = crate::docflow::config(cx.txn).await?;
        if config.case_type(CASE_TYPE).is_none() {
            return Ok(Err(Refusal::one(FieldError::general(
                "publicinfo.information.unset",
                format!("the body keeps no kind of case {CASE_TYPE:?} for requests for information"),
            ))));
        }
        let r = &self.request;
        let intake = Intake {
            case_type: CASE_TYPE.into(),
            channel: "portal".into(),
            party: Party { name: r.name.clone(), jmbg: None, address: r.address.clone(), contact: r.email.clone() },
            subject: r.subject(),
            received_on: cx.today,
            appeal_of: None,
        };
        let node = cx.node()?;
        let opened = crate::docflow::write(cx.txn, node, cx.actor, &DocOp::Submit(Box::new(intake)), cx.today, cx.now).await?;
        let (case, access_code) = match opened {
            Ok(DocDone::Opened { case, access_code, .. }) => (*case, access_code),
            Ok(_) => unreachable!("a submission opens a case"),
            Err(refused) => return Ok(Err(refused)),
        };
        let row = InformationRequestRow {
            id: 0,
            case_id: case.id,
            requester: r.requester,
            access: r.access,
            email: r.email.clone(),
            language: self.language.clone(),
            information: r.information.clone(),
            received_at: cx.now.0,
        };
        cx.txn.append(Row::new(row), cx.now, cx.actor, "information.requested").await?;
        Ok(Ok(Registered { case, access_code }))
    }
}

struct Decide {
    case_id: i64,
    fields: DecisionFields,
    letter: DecisionLetter,
}

#[async_trait]
impl WriteJob for Decide {
    type Output = std::result::Result<(CaseRow, InformationDecisionRow), Refusal>;

    async fn write(&self, cx: &mut WriteCx<'_>) -> Result<Self::Output> {
        let Some(case) = cx.txn.reader().await?.case(self.case_id).await?.filter(|c| c.case_type == CASE_TYPE) else {
            return Ok(Err(not_found(self.case_id)));
        };
        let config = crate::docflow::config(cx.txn).await?;
        if let Err(refused) = config.may(cx.actor, &case, CaseUse::Work) {
            return Ok(Err(Refusal::one(refused)));
        }
        if cx.txn.reader().await?.information_decision(case.id).await?.is_some() {
            return Ok(Err(Refusal::one(FieldError::general("publicinfo.information.decided", "this request has been decided"))));
        }
        let decision = match check_decision(&self.fields) {
            Ok(d) => d,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        // The case's decision in the UP-I book: the document flow says who may decide and when.
        let step = CaseAction::Decide { outcome: decision.kind.outcome(), summary: decision.summary() };
        let case = match crate::docflow::decide_for_context(cx.txn, cx.actor, case.id, &step, cx.today, cx.now).await? {
            Ok(done) => done.case().clone(),
            Err(refused) => return Ok(Err(refused)),
        };
        let mut row = InformationDecisionRow {
            id: 0,
            case_id: case.id,
            kind: decision.kind,
            exemptions: decision.exemptions.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(","),
            reasons: decision.reasons.clone(),
            public_interest: decision.public_interest.clone(),
            given: decision.given.clone(),
            forwarded_to: decision.forwarded_to.clone(),
            appeal_to: decision.appeal_to.clone(),
            decided_on: date_text(cx.today),
            decided_by: cx.actor.username.clone(),
            decided_at: cx.now.0,
        };
        row.id = cx.txn.append(Row::new(row.clone()), cx.now, cx.actor, "information.decided").await?;
        let request = cx.txn.reader().await?.information_request(case.id).await?;
        if let Some((request, email)) = request.as_ref().and_then(|r| r.email.as_deref().map(|e| (r, e))) {
            let letter = (self.letter)(&case, request, &decision);
            queue(cx.txn, cx.now, cx.actor, email, &letter, &format!("information:{}", case.number)).await?;
        }
        Ok(Ok((case, row)))
    }
}

/// One request in the register: its case, what the website added, its decision, whether
/// it was appealed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InformationItem {
    pub case: CaseRow,
    pub request: Option<InformationRequestRow>,
    pub decision: Option<InformationDecisionRow>,
    pub appealed: bool,
}

impl InformationItem {
    /// The exemptions the decision rests on.
    pub fn exemptions(&self) -> Vec<Exemption> {
        self.decision.as_ref().map(|d| d.exemptions.split(',').filter_map(Exemption::parse).collect()).unwrap_or_default()
    }
}

impl ShowsPeople for InformationItem {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.case.people(out);
    }
}

/// Joins the cases of a span of years with their requests, decisions and appeals.
async fn items(store: &Store, from_year: i64, to_year: i64) -> Result<Vec<InformationItem>> {
    let mut db = store.inner.backend.reads();
    let cases = db.information_cases(CASE_TYPE, from_year, to_year).await?;
    let mut requests = db.information_requests_of(CASE_TYPE, from_year, to_year).await?;
    let mut decisions = db.information_decisions_of(CASE_TYPE, from_year, to_year).await?;
    let appealed = db.information_appealed(CASE_TYPE, from_year, to_year).await?;
    Ok(cases
        .into_iter()
        .map(|case| {
            let request = requests.iter().position(|r| r.case_id == case.id).map(|i| requests.swap_remove(i));
            let decision = decisions.iter().position(|d| d.case_id == case.id).map(|i| decisions.swap_remove(i));
            let appealed = appealed.contains(&case.id);
            InformationItem { case, request, decision, appealed }
        })
        .collect())
}

impl Store {
    /// A request for information made on the website (`language`: the page's). Registered
    /// as a case on the portal's channel by the system actor `portal`.
    pub async fn request_information(&self, fields: &RequestFields, language: &str) -> Result<std::result::Result<Registered, Refusal>> {
        let request = match check_request(fields) {
            Ok(r) => r,
            Err(errors) => return Ok(Err(Refusal { errors })),
        };
        self.submit(&Actor::system("portal"), RequestInformation { request, language: language.to_string() }).await
    }

    /// Decides a request: refused unless `actor` may work on its case and the case may be
    /// decided now (it is in work).
    pub async fn decide_information(
        &self,
        actor: &Actor,
        case_id: i64,
        fields: DecisionFields,
        letter: DecisionLetter,
    ) -> Result<std::result::Result<(CaseRow, InformationDecisionRow), Refusal>> {
        self.submit(actor, Decide { case_id, fields, letter }).await
    }

    /// The register of requests for information of `year`, newest first, as `actor` may read
    /// it (`docflow::access`: an official their unit's requests). It names the requesters: the
    /// read of those named by JMBG is logged (`case.list`); JMBG and contact are left out.
    pub async fn information_register(&self, actor: &Actor, year: i32) -> Result<std::result::Result<Vec<InformationItem>, Refusal>> {
        let config = self.inner.backend.reads().docflow_config().await?;
        if let Err(refused) = access::reach(config.seat(actor), CaseUse::Read) {
            return Ok(Err(Refusal::one(refused)));
        }
        let year = i64::from(year);
        let mine: Vec<InformationItem> =
            items(self, year, year).await?.into_iter().filter(|i| config.may(actor, &i.case, CaseUse::Read).is_ok()).collect();
        let why = ReadReason::new("pregled registra zahtjeva za pristup informacijama", None);
        let mut mine = self.disclose(actor, "case.list", &why, mine).await?;
        for item in &mut mine {
            item.case.party_jmbg = None;
            item.case.party_contact = None;
        }
        Ok(Ok(mine))
    }

    /// One request with what the law adds to its case, read by staff at work on it; the read
    /// is logged (`case.view`) when the party is named by JMBG.
    pub async fn information_request(&self, actor: &Actor, case_id: i64) -> Result<std::result::Result<InformationItem, Refusal>> {
        let case = match self.case_for(actor, case_id, CaseUse::Read).await? {
            Ok(c) if c.case_type == CASE_TYPE => c,
            Ok(_) => return Ok(Err(not_found(case_id))),
            Err(refused) if refused.errors.iter().any(|e| e.code == "docflow.case.not_found") => return Ok(Err(not_found(case_id))),
            Err(refused) => return Ok(Err(refused)),
        };
        let mut db = self.inner.backend.reads();
        let request = db.information_request(case.id).await?;
        let decision = db.information_decision(case.id).await?;
        let appealed = db.information_appealed(CASE_TYPE, case.year, case.year).await?.contains(&case.id);
        let why = ReadReason::new("rad na predmetu", Some(&case.number));
        let item = InformationItem { case, request, decision, appealed };
        self.disclose(actor, "case.view", &why, item).await.map(Ok)
    }

    /// The figures of requests for information between `from` and `to`, as of today: what
    /// came, from whom, how it was decided, on which exemptions, on time or late, what waits,
    /// what was appealed. No one is named: every member of staff may read them.
    pub async fn information_figures(&self, from: NaiveDate, to: NaiveDate) -> Result<Figures> {
        // A request decided in the period may have come the year before.
        let all = items(self, i64::from(from.year()) - 1, i64::from(to.year())).await?;
        let entries: Vec<Entry> = all
            .iter()
            .filter_map(|i| {
                let received_on = date(&i.case.opened_on)?;
                let due_on = date(&i.case.due_on)?;
                let decided = i.decision.as_ref().and_then(|d| date(&d.decided_on).map(|on| (d.kind, i.exemptions(), on)));
                Some(Entry { received_on, due_on, requester: i.request.as_ref().map(|r| r.requester), decided, appealed: i.appealed })
            })
            .collect();
        Ok(figures(&entries, from, to, self.today()))
    }
}

//! What an answer shows of people, and the one way such an answer leaves the store.
//!
//! A read use case that returns people's data — a list of orders, the daily list, a work
//! list, a page of the protocol book, a document — hands its answer out through
//! [`Store::disclose`]: the answer says which people it names ([`ShowsPeople`]), and the
//! read of each is logged through the writer before the answer is returned. A use case
//! cannot return such an answer without logging it, short of not calling `disclose`, which
//! the route-walking test (`opcina-web/tests/reads_logged.rs`) catches.

use chrono::TimeZone as _;
use opcina_core::Jmbg;
use opcina_core::extract::decision::RefusalFacts;
use opcina_core::registry::{Actor, EntryRecord};

use crate::archive::CaseFile;
use crate::citizens::Citizen;
use crate::docflow_reads::ReceiptSource;
use crate::error::Result;
use crate::orders::Order;
use crate::reads::{ReadReason, reads_of};
use crate::rows::{CaseRow, ExtractRow, InboxRow, OrderRow};
use crate::sql::prelude::*;
use crate::store::Store;

/// Every action the access log records, by its stable code: what a reader did with a
/// person's data. The interfaces label each (`access-action-…`); a test keeps them labelled.
pub const ACTIONS: &[&str] = &[
    "person.view",
    "person.search",
    "entry.read",
    "access_log.read",
    "access_log.own",
    "extract.issued",
    "extract.refused",
    "extract.reprint",
    "extract.printed",
    "extract.view",
    "extract.list",
    "extract.verified",
    "decision.printed",
    "order.view",
    "order.list",
    "account.view",
    "office.day",
    "notice.list",
    "case.view",
    "case.export",
    "case.file.read",
    "case.files",
    "case.list",
    "case.receipt",
    "protocol.list",
    "document.search",
    "federation.locate",
    "federation.entry-for-extract",
];

/// Lists a reader opens again and again in a day (the daily list, work lists, the orders,
/// the notices, the protocol book): a person on one is logged once a day per reader and list —
/// the first time that day they are shown — not at every refresh. A search, a person's records,
/// a document are logged every time.
pub const ONCE_A_DAY: &[&str] = &["office.day", "order.list", "case.list", "notice.list", "protocol.list"];

/// The start of `day` (local time), in microseconds since the epoch.
fn start_of(day: chrono::NaiveDate) -> i64 {
    let midnight = day.and_hms_opt(0, 0, 0);
    midnight.and_then(|t| chrono::Local.from_local_datetime(&t).earliest()).map_or(0, |t| t.timestamp_micros())
}

/// An answer that names people: it lists the JMBGs it shows (repeats are logged once).
pub trait ShowsPeople {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>);
}

impl<T: ShowsPeople> ShowsPeople for Vec<T> {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.iter().for_each(|t| t.people(out));
    }
}

impl<T: ShowsPeople> ShowsPeople for Option<T> {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        if let Some(t) = self {
            t.people(out);
        }
    }
}

impl<A: ShowsPeople, B: ShowsPeople> ShowsPeople for (A, B) {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.0.people(out);
        self.1.people(out);
    }
}

impl ShowsPeople for String {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.push(self);
    }
}

impl ShowsPeople for Jmbg {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.push(self.as_str());
    }
}

impl ShowsPeople for ExtractRow {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.push(&self.subject_jmbg);
        out.extend(self.requester_jmbg.as_deref());
    }
}

impl ShowsPeople for OrderRow {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.push(&self.subject_jmbg);
        out.extend(self.requester_jmbg.as_deref());
    }
}

impl ShowsPeople for Order {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.row.people(out);
    }
}

impl ShowsPeople for CaseRow {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.extend(self.party_jmbg.as_deref());
    }
}

impl ShowsPeople for CaseFile {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.case.people(out);
    }
}

impl ShowsPeople for ReceiptSource {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        self.case.people(out);
    }
}

impl ShowsPeople for InboxRow {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.push(&self.subject_jmbg);
    }
}

impl ShowsPeople for Citizen {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.extend(self.verification.as_ref().map(|v| v.jmbg.as_str()));
    }
}

impl ShowsPeople for RefusalFacts {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.push(self.subject.as_str());
    }
}

impl ShowsPeople for EntryRecord {
    fn people<'a>(&'a self, out: &mut Vec<&'a str>) {
        out.push(self.content.subject().as_str());
        out.extend(self.content.partner().map(Jmbg::as_str));
    }
}

impl Store {
    /// Logs reads by someone who is not a user of the node — a citizen reading their own
    /// records (`role` `citizen`), the public verification of a document (`public`) — under
    /// `who`; returns once the log is durable.
    pub(crate) async fn log_as(
        &self,
        who: &str,
        role: &str,
        subjects: &[&str],
        entry_id: Option<i64>,
        action: &str,
        why: &ReadReason,
    ) -> Result<()> {
        let rows = reads_of((who, role, None), subjects, entry_id, action, why);
        self.record_access(&Actor::system(who), rows).await
    }

    /// Hands `answer` out once the read of everyone it names is logged (`action`, `why`),
    /// durably, as `actor`'s. An answer that names nobody logs nothing; a list of
    /// [`ONCE_A_DAY`] logs only the people `actor` was not yet logged as seeing on it today.
    pub async fn disclose<T: ShowsPeople>(&self, actor: &Actor, action: &str, why: &ReadReason, answer: T) -> Result<T> {
        let mut people = Vec::new();
        answer.people(&mut people);
        people.sort_unstable();
        people.dedup();
        if ONCE_A_DAY.contains(&action) && !people.is_empty() {
            let seen = self.inner.backend.reads().logged_since(&actor.username, action, start_of(self.today()), &people).await?;
            people.retain(|p| !seen.iter().any(|s| s == p));
        }
        self.log_reads(actor, &people, None, action, why).await?;
        Ok(answer)
    }
}

//! Extracts ordered online: the citizen's order (checked for form, numbered with a random
//! tracking code, journaled), and each step of its handling as an append-only event.
//!
//! The order carries what a request at the counter carries; the clerk who handles it issues
//! the document through the same path as at the counter (relation checked against the
//! registers, refusal decided and numbered), then records how it was handed over.

use opcina_core::extract::form::{RequestFields, parse_request};
use opcina_core::extract::{ExtractKind, ExtractRequest, Language, Relation, Requester};
use opcina_core::registry::Actor;
use opcina_core::{CheckMode, FieldError, Jmbg, Refusal};

use crate::admin::getrandom_fill;
use crate::error::Result;
use crate::reads::ReadReason;
use crate::rows::{OrderEventRow, OrderRow, Row};
use crate::sql::prelude::*;
use crate::store::Store;

/// The statuses an order goes through.
pub const STATUSES: [&str; 7] = ["received", "issued", "refused", "sent", "ready", "collected", "cancelled"];

/// What may follow a status (a handed-over or cancelled order is closed).
pub fn next_statuses(status: &str, delivery: &str) -> &'static [&'static str] {
    match (status, delivery) {
        ("received", _) => &["issued", "refused", "cancelled"],
        ("issued", "post") | ("refused", "post") => &["sent"],
        ("issued", _) | ("refused", _) => &["ready"],
        ("ready", _) => &["collected"],
        _ => &[],
    }
}

/// An order as typed by the citizen (checked by [`Store::place_order`]).
#[derive(Debug, Clone, Default)]
pub struct OrderSpec {
    pub request: RequestFields,
    pub subject_name: String,
    pub delivery: String,
    pub office: String,
    pub address: String,
    pub contact: String,
}

/// An order with its events, oldest first.
#[derive(Debug, Clone)]
pub struct Order {
    pub row: OrderRow,
    pub events: Vec<OrderEventRow>,
}

impl Order {
    /// The latest status.
    pub fn status(&self) -> &str {
        self.events.last().map_or("received", |e| e.status.as_str())
    }

    /// The document issued or refused for it, when there is one.
    pub fn extract_number(&self) -> Option<&str> {
        self.events.iter().rev().find_map(|e| e.extract_number.as_deref())
    }

    pub fn is_open(&self) -> bool {
        !next_statuses(self.status(), &self.row.delivery).is_empty()
    }

    /// The request the order stands for, as the counter would make it.
    pub fn request(&self) -> std::result::Result<ExtractRequest, Refusal> {
        let bad =
            |field: &str| Refusal::one(FieldError::new("order.corrupt", field, format!("the stored order has an unreadable {field}")));
        let r = &self.row;
        Ok(ExtractRequest {
            kind: ExtractKind::parse(&r.kind).ok_or_else(|| bad("kind"))?,
            jmbg: Jmbg::parse(&r.subject_jmbg, CheckMode::Lenient).map_err(Refusal::one)?,
            entry_id: None,
            language: Language::parse(&r.language).ok_or_else(|| bad("language"))?,
            script: opcina_core::extract::kind::parse_script(&r.script).ok_or_else(|| bad("script"))?,
            requester: Requester {
                name: r.requester_name.clone(),
                jmbg: r.requester_jmbg.as_deref().map(|j| Jmbg::parse(j, CheckMode::Lenient)).transpose().map_err(Refusal::one)?,
                document: r.requester_document.clone(),
                evidence: r.evidence.clone(),
            },
            relation: Relation::parse(&r.relation).ok_or_else(|| bad("relation"))?,
            purpose: r.purpose.clone(),
        })
    }
}

fn opt(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// A random code people copy by hand: groups of 4 characters from an alphabet without
/// look-alikes (no 0/O, 1/I/L), about 4.9 bits a character. Orders get 3 groups, accounts 2.
pub(crate) fn readable_code(groups: usize) -> Result<String> {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut bytes = vec![0u8; groups * 4];
    getrandom_fill(&mut bytes)?;
    let chars: Vec<char> = bytes.iter().map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()])).collect();
    Ok(chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-"))
}

/// Reads a code as people type it (any case, with or without dashes or spaces).
pub fn normalise_code(s: &str) -> String {
    let clean: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_uppercase()).collect();
    clean.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join("-")
}

/// Checks an order's form; every problem, named by field.
pub fn check_order(spec: &OrderSpec, offices: &[String]) -> std::result::Result<(ExtractRequest, OrderRow), Refusal> {
    let parsed = parse_request(&spec.request, CheckMode::Strict);
    let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
    let mut need = |ok: bool, code: &'static str, field: &str, message: &str| {
        if !ok {
            errors.push(FieldError::new(code, field, message));
        }
    };
    need(
        !spec.subject_name.trim().is_empty(),
        "order.subject_name_required",
        "subject_name",
        "give the name of the person the document is about",
    );
    let delivery = spec.delivery.trim();
    need(matches!(delivery, "post" | "pickup"), "order.delivery_required", "delivery", "choose delivery by post or pickup at an office");
    need(offices.iter().any(|o| o == spec.office.trim()), "order.office_required", "office", "choose the office");
    need(delivery != "post" || !spec.address.trim().is_empty(), "order.address_required", "address", "give the postal address");
    let request = match parsed {
        Ok(request) if errors.is_empty() => request,
        _ => return Err(Refusal { errors }),
    };
    let row = OrderRow {
        id: 0,
        code: String::new(),
        kind: request.kind.as_str().into(),
        subject_jmbg: request.jmbg.to_string(),
        subject_name: spec.subject_name.trim().to_string(),
        language: request.language.as_str().into(),
        script: request.script.as_str().into(),
        requester_name: request.requester.name.clone(),
        requester_jmbg: request.requester.jmbg.as_ref().map(ToString::to_string),
        requester_document: request.requester.document.clone(),
        relation: request.relation.as_str().into(),
        evidence: request.requester.evidence.clone(),
        purpose: request.purpose.clone(),
        delivery: delivery.to_string(),
        office_code: spec.office.trim().to_string(),
        address: opt(&spec.address),
        contact: opt(&spec.contact),
        created_at: 0,
    };
    Ok((request, row))
}

impl Store {
    /// Registers an order placed on the portal; returns it with its tracking code.
    pub async fn place_order(&self, spec: &OrderSpec) -> Result<std::result::Result<OrderRow, Refusal>> {
        let offices: Vec<String> = self.backend().reads().offices().await?.into_iter().map(|o| o.code).collect();
        let (_, mut row) = match check_order(spec, &offices) {
            Ok(checked) => checked,
            Err(refusal) => return Ok(Err(refusal)),
        };
        let portal = Actor::system("portal");
        let now = self.now();
        row.code = readable_code(3)?;
        row.created_at = now.0;
        let mut ex = self.exclusive().await?;
        row.id = ex.txn.append(Row::new(row.clone()), now, &portal, "order.placed").await?;
        let event = OrderEventRow {
            id: 0,
            order_id: row.id,
            status: "received".into(),
            extract_number: None,
            note: None,
            by_user: portal.username.clone(),
            at: now.0,
        };
        ex.txn.append(Row::new(event), now, &portal, "order.received").await?;
        ex.commit().await?;
        Ok(Ok(row))
    }

    /// An order with its events, by id, as the office's clerk `actor` sees it; the read of
    /// the person asked about and of the requester (when named by JMBG) is logged
    /// (`order.view`). Another office's order is refused (`order.other_office`) before
    /// anything of it is read out: it holds personal data that office handles.
    pub async fn order(&self, actor: &Actor, id: i64) -> Result<std::result::Result<Order, Refusal>> {
        let Some(order) = self.load_order(id).await? else {
            return Ok(Err(Refusal::one(FieldError::new("order.not_found", "order", format!("no order {id}")))));
        };
        if actor.office.as_deref() != Some(order.row.office_code.as_str()) {
            return Ok(Err(Refusal::one(FieldError::general("order.other_office", "the order is handled by another office"))));
        }
        let why = ReadReason::new("obrada narudžbe izvoda", Some(&order.row.code));
        self.disclose(actor, "order.view", &why, order).await.map(Ok)
    }

    async fn load_order(&self, id: i64) -> Result<Option<Order>> {
        let Some(row) = self.backend().reads().order(id).await? else { return Ok(None) };
        let events = self.backend().reads().order_events(&[row.id]).await?;
        Ok(Some(Order { row, events }))
    }

    /// An order with its events, by its tracking code (as typed).
    pub async fn order_by_code(&self, code: &str) -> Result<Option<Order>> {
        let Some(row) = self.backend().reads().order_by_code(&normalise_code(code)).await? else { return Ok(None) };
        let events = self.backend().reads().order_events(&[row.id]).await?;
        Ok(Some(Order { row, events }))
    }

    /// An office's most recent orders (newest first), with their events, as `actor` reads
    /// them; the read of everyone they name is logged (`order.list`).
    pub async fn orders_of_office(&self, actor: &Actor, office: &str, limit: i64) -> Result<Vec<Order>> {
        let orders = self.office_orders(office, limit).await?;
        self.disclose(actor, "order.list", &ReadReason::new("pregled narudžbi izvoda", None), orders).await
    }

    async fn office_orders(&self, office: &str, limit: i64) -> Result<Vec<Order>> {
        let rows = self.backend().reads().orders_of_office(office, None, limit).await?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let mut events = self.backend().reads().order_events(&ids).await?;
        Ok(rows
            .into_iter()
            .map(|row| {
                let mine: Vec<OrderEventRow> = events.iter().filter(|e| e.order_id == row.id).cloned().collect();
                events.retain(|e| e.order_id != row.id);
                Order { row, events: mine }
            })
            .collect())
    }

    /// Records a step of an order's handling, if it may follow the current one.
    pub async fn record_order_step(
        &self,
        actor: &Actor,
        order_id: i64,
        status: &str,
        extract_number: Option<String>,
        note: Option<String>,
    ) -> Result<std::result::Result<OrderEventRow, Refusal>> {
        let mut ex = self.exclusive().await?;
        let Some(order) = self.load_order(order_id).await? else {
            let _ = ex.rollback().await;
            return Ok(Err(Refusal::one(FieldError::new("order.not_found", "order", format!("no order {order_id}")))));
        };
        if actor.office.as_deref() != Some(order.row.office_code.as_str()) {
            let _ = ex.rollback().await;
            return Ok(Err(Refusal::one(FieldError::general("order.other_office", "the order is handled by another office"))));
        }
        if !next_statuses(order.status(), &order.row.delivery).contains(&status) {
            let _ = ex.rollback().await;
            return Ok(Err(Refusal::one(FieldError::new(
                "order.step_not_allowed",
                "status",
                format!("an order that is {} cannot become {status}", order.status()),
            ))));
        }
        let now = self.now();
        let mut event =
            OrderEventRow { id: 0, order_id, status: status.to_string(), extract_number, note, by_user: actor.username.clone(), at: now.0 };
        event.id = ex.txn.append(Row::new(event.clone()), now, actor, &format!("order.{status}")).await?;
        ex.commit().await?;
        Ok(Ok(event))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::panic)]
    use super::*;

    #[test]
    fn tracking_codes_are_grouped_and_read_back_however_typed() {
        let code = readable_code(3).unwrap_or_default();
        assert_eq!(code.len(), 14, "{code}");
        assert_eq!(normalise_code(&code.to_lowercase().replace('-', " ")), code);
        assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
    }

    #[test]
    fn an_order_moves_only_forward_and_closes_when_handed_over() {
        assert_eq!(next_statuses("received", "post"), ["issued", "refused", "cancelled"]);
        assert_eq!(next_statuses("issued", "post"), ["sent"]);
        assert_eq!(next_statuses("issued", "pickup"), ["ready"]);
        assert!(next_statuses("sent", "post").is_empty());
        assert!(next_statuses("collected", "pickup").is_empty());
    }

    #[test]
    fn an_order_names_every_missing_or_wrong_field() {
        let request = RequestFields { subject_jmbg: "123".into(), ..RequestFields::default() };
        let spec = OrderSpec { request, delivery: "post".into(), office: "KAK".into(), ..OrderSpec::default() };
        let Err(refusal) = check_order(&spec, &["KAK".into()]) else { panic!("accepted") };
        let fields: Vec<&str> = refusal.errors.iter().filter_map(|e| e.field.as_deref()).collect();
        for f in ["kind", "language", "script", "relation", "subject_name", "address", "subject_jmbg"] {
            assert!(fields.contains(&f), "{f}: {fields:?}");
        }
    }
}

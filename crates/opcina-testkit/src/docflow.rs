//! The document flow set up on the Kakanj test node: the preset's units, classes and kinds
//! of case, and three officials placed in units.

use chrono::NaiveDate;
use opcina_core::docflow::case::CaseAction;
use opcina_core::registry::{Actor, Role};
use opcina_store::Store;
use opcina_store::admin::UserSpec;
use opcina_store::docflow::{DocDone, DocOp, Intake, Party};
use opcina_store::rows::CaseRow;

use crate::Kakanj;

/// Officials of the Kakanj test node.
pub struct Officials {
    /// Two officials of unit 01/1 (general administration).
    pub amra: Actor,
    pub haris: Actor,
    /// An official of unit 04 (spatial planning).
    pub selma: Actor,
}

/// Applies Kakanj's document-flow preset and places three officials.
pub async fn set_up(k: &Kakanj) -> Officials {
    let system = Actor::system("test");
    // The files of cases, in memory (the local directory is tested in the store's own tests).
    k.store.set_files(opcina_store::files::Files::memory());
    let mut actors = Vec::new();
    for (username, unit) in [("amra", "01/1"), ("haris", "01/1"), ("selma", "04")] {
        let spec = UserSpec {
            username: username.into(),
            full_name: format!("{username} (službenik)"),
            role: Role::Official,
            office: Some("KAK".into()),
        };
        k.store.add_user(&system, &spec).await.expect("add official");
        actors.push((Actor { username: username.into(), role: Role::Official, office: Some("KAK".into()) }, unit));
    }
    let mut setup = opcina_store::presets::kakanj_docflow();
    setup.staff = actors.iter().map(|(a, unit)| (a.username.clone(), unit.to_string())).collect();
    k.store.docflow_setup(&system, &setup).await.expect("setup").expect("setup accepted");
    let mut actors = actors.into_iter().map(|(a, _)| a);
    let mut next = || actors.next().expect("official");
    Officials { amra: next(), haris: next(), selma: next() }
}

/// A paper submission at the counter.
pub fn intake(case_type: &str, party: &str, received_on: NaiveDate) -> Intake {
    Intake {
        case_type: case_type.into(),
        channel: "counter".into(),
        party: Party { name: party.into(), jmbg: None, address: "Alije Izetbegovića 12, 72240 Kakanj".into(), contact: None },
        subject: format!("Zahtjev: {case_type}"),
        received_on,
        appeal_of: None,
    }
}

/// Opens a case; panics on a refusal. Returns the case and its access code.
pub async fn open(store: &Store, actor: &Actor, intake: Intake) -> (CaseRow, String) {
    match store.docflow(actor, DocOp::Open(Box::new(intake))).await.expect("store") {
        Ok(DocDone::Opened { case, access_code, .. }) => (*case, access_code),
        other => panic!("not opened: {other:?}"),
    }
}

/// Takes a step; panics on a refusal.
pub async fn step(store: &Store, actor: &Actor, case_id: i64, action: CaseAction) -> CaseRow {
    match store.docflow(actor, DocOp::Step { case_id, action: Box::new(action) }).await.expect("store") {
        Ok(done) => done.case().clone(),
        Err(refusal) => panic!("step refused: {refusal}"),
    }
}

/// A case of one-off assistance (class 12, kept 10 years) taken from the counter through
/// its decision and delivery to closing a/a.
pub async fn closed(k: &Kakanj, o: &Officials, party: &str) -> CaseRow {
    use opcina_core::docflow::case::{Dispatch, Outcome};
    let s = &k.store;
    let (case, _) = open(s, &k.clerk, intake("pomoc", party, s.today())).await;
    step(s, &k.clerk, case.id, CaseAction::HandOver { unit: "01/1".into(), official: Some(o.amra.username.clone()), note: None }).await;
    step(s, &o.amra, case.id, CaseAction::Decide { outcome: Outcome::Granted, summary: "Usvaja se zahtjev".into() }).await;
    step(s, &k.clerk, case.id, CaseAction::Dispatch { method: Dispatch::Post, to: party.into() }).await;
    step(s, &k.clerk, case.id, CaseAction::Deliver { on: s.today() }).await;
    step(s, &k.clerk, case.id, CaseAction::Close { note: None }).await
}

//! Registration commands with plausible content (from `opcina_core`'s examples), and helpers
//! that run them on a store.

use chrono::NaiveDate;
use opcina_core::Jmbg;
pub use opcina_core::registry::commands::examples::*;
use opcina_core::registry::commands::*;
use opcina_core::registry::entry::EntryContent;
use opcina_core::registry::{Actor, Sex};
use opcina_store::Store;

pub async fn ok(store: &Store, actor: &Actor, cmd: Command) -> Applied {
    match store.execute(actor, cmd).await {
        Ok(Ok(a)) => a,
        Ok(Err(refusal)) => panic!("refused: {refusal}"),
        Err(e) => panic!("store error: {e}"),
    }
}

/// A person born on `date` to a mother living in the store's municipality, as registered
/// there; their JMBG.
pub async fn born(store: &Store, actor: &Actor, given: &str, surname: &str, sex: Sex, date: NaiveDate) -> Jmbg {
    let home = match store.node_if_set_up().await {
        Ok(Some(node)) => node.municipality,
        other => panic!("the node is not set up: {other:?}"),
    };
    match ok(store, actor, living_in(&home, birth(given, surname, sex, date))).await.entry.map(|e| e.content) {
        Some(EntryContent::Birth(b)) => b.child.jmbg,
        _ => panic!("no birth entry"),
    }
}

/// Corrects the sex and the date of birth on the person's birth entry here, by a decision
/// dated and in effect `on`; the JMBG that replaces theirs.
pub async fn correct_identity(store: &Store, actor: &Actor, jmbg: &Jmbg, sex: Sex, birth_date: NaiveDate, on: NaiveDate) -> Jmbg {
    use opcina_store::sql::prelude::*;
    let records = match store.raw().reads().person_records(jmbg).await {
        Ok(r) => r,
        Err(e) => panic!("store error: {e}"),
    };
    let Some(entry) = records.entries.iter().find(|e| matches!(e.content, EntryContent::Birth(_))) else {
        panic!("no birth entry for {jmbg}")
    };
    let annotation = opcina_core::registry::Annotation {
        content: corrected_identity(sex, birth_date),
        legal_basis: decision(on),
        effective_date: on,
        note: None,
    };
    let applied = ok(store, actor, Command::AddAnnotation(AddAnnotation { entry_id: entry.id, annotation })).await;
    match applied.annotations.first().and_then(|a| a.annotation.content.jmbg_change()) {
        Some((_, new)) => new.clone(),
        None => panic!("no new JMBG: {applied:?}"),
    }
}

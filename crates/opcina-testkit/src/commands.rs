//! Registration commands with plausible content, for tests: each takes only what a test
//! varies.

use chrono::NaiveDate;
use opcina_core::Jmbg;
use opcina_core::registry::commands::*;
use opcina_core::registry::entry::EntryContent;
use opcina_core::registry::{Actor, Place, Sex};
use opcina_store::Store;

pub fn kakanj() -> Place {
    Place::new("Kakanj", "Kakanj", "Bosna i Hercegovina")
}

pub fn birth(given: &str, surname: &str, sex: Sex, date: NaiveDate) -> Command {
    Command::RegisterBirth(RegisterBirth {
        child: NewChild {
            given_name: given.into(),
            surname: surname.into(),
            sex,
            birth_date: date,
            birth_time: None,
            birth_place: kakanj(),
            citizenship: "Bosna i Hercegovina".into(),
        },
        mother: ParentInput {
            given_name: "Amra".into(),
            surname: surname.into(),
            maiden_surname: Some("Hodžić".into()),
            jmbg: None,
            birth_date: Some(date - chrono::Duration::days(365 * 27)),
            birth_place: None,
            citizenship: None,
            residence: Some("Kakanj".into()),
        },
        father: None,
        informant: "otac".into(),
        registered_on: Some(date),
        script: Default::default(),
        note: None,
    })
}

pub fn spouse(j: &Jmbg, after: &str) -> SpouseInput {
    SpouseInput {
        jmbg: j.to_string(),
        person: None,
        surname_after: after.into(),
        citizenship: "Bosna i Hercegovina".into(),
        residence: "Kakanj".into(),
        father_name: None,
        mother_name: None,
    }
}

pub fn marriage(a: &Jmbg, b: &Jmbg, after: &str, date: NaiveDate) -> Command {
    Command::RegisterMarriage(RegisterMarriage {
        date,
        place: kakanj(),
        spouses: [spouse(a, after), spouse(b, after)],
        witnesses: vec!["Edin Kovač".into(), "Lejla Mehić".into()],
        officiant: "Matičar".into(),
        court_permission: None,
        registered_on: Some(date),
        script: Default::default(),
    })
}

pub fn death(j: &Jmbg, date: NaiveDate) -> Command {
    Command::RegisterDeath(RegisterDeath {
        jmbg: j.to_string(),
        person: None,
        death_date: date,
        death_time: None,
        death_place: kakanj(),
        last_residence: "Kakanj".into(),
        death_confirmation: "DZ Kakanj 1/24".into(),
        citizenship: None,
        father_name: None,
        mother_name: None,
        informant: "sin".into(),
        registered_on: Some(date),
        script: Default::default(),
    })
}

pub async fn ok(store: &Store, actor: &Actor, cmd: Command) -> Applied {
    match store.execute(actor, cmd).await {
        Ok(Ok(a)) => a,
        Ok(Err(refusal)) => panic!("refused: {refusal}"),
        Err(e) => panic!("store error: {e}"),
    }
}

pub async fn born(store: &Store, actor: &Actor, given: &str, surname: &str, sex: Sex, date: NaiveDate) -> Jmbg {
    match ok(store, actor, birth(given, surname, sex, date)).await.entry.map(|e| e.content) {
        Some(EntryContent::Birth(b)) => b.child.jmbg,
        _ => panic!("no birth entry"),
    }
}

//! Issuing extracts through the store, on SQLite and PostgreSQL: numbering, eligibility and
//! refusals, reproduction from the register, verification status, the access log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::Datelike;
use opcina_core::extract::seal::verify_content;
use opcina_core::extract::{ExtractKind, ExtractNumber, Relation};
use opcina_core::registry::annotation::{Annotation, AnnotationContent};
use opcina_core::registry::commands::{AddAnnotation, Command};
use opcina_core::registry::{Register, Sex};
use opcina_store::calendar_today as today;
use opcina_store::extracts::{Outcome, Status};
use opcina_store::sql::prelude::*;
use opcina_store::verify::verify;
use opcina_testkit::commands::*;
use opcina_testkit::extracts::{self, outcome, request, seal};
use opcina_testkit::{Kakanj, backend_test, date};

fn issued(o: Outcome) -> Box<opcina_store::extracts::Issued> {
    match o {
        Outcome::Issued(i) => i,
        Outcome::Refused(f) => panic!("refused: {:?}", f.denial),
    }
}

backend_test! {
    async fn issued_documents_are_numbered_per_office_and_year_and_reproduce_exactly(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        let mother = born(s, r, "Šejla", "Đorđević", Sex::Female, date(1960, 3, 5)).await;
        let son = ok(s, r, birth_to(Some(&mother), "Ćamil", "Đorđević", Sex::Male, date(1990, 5, 17))).await;
        let son = son.entry.unwrap().content.subject().clone();
        let first = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &son, &son, Relation::Myself), &sealer).await);
        let second = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &son, &mother, Relation::Parent), &sealer).await);
        let year = opcina_store::calendar_today().format("%Y").to_string().parse::<i32>().unwrap();
        assert_eq!(first.content.issue.number, ExtractNumber { office: "KAK".into(), year, serial: 1 });
        assert_eq!(second.content.issue.number.serial, 2);
        assert_eq!(first.content.entry.content.register(), Register::Births);
        assert!(verify_content(&extracts::key().verifying_key(), &first.content.issue.number, &first.content.hash(), &first.seal));
        // A later registration does not change what the register reproduces.
        born(s, r, "Žaklina", "Đorđević", Sex::Female, date(1993, 11, 2)).await;
        let again = s.reproduce_extract(&first.content.issue.number).await.unwrap();
        assert_eq!(again.content, first.content);
        assert_eq!(again.seal, first.seal);
        // Reading the person's records to issue is logged.
        let log = s.raw().reads().access_log(son.as_str(), None, 10).await.unwrap();
        let case = first.content.issue.number.id();
        assert!(log.iter().any(|a| a.action == "extract.issued" && a.case_number.as_deref() == Some(case.as_str())), "{log:?}");
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn a_requester_without_a_legal_relation_gets_a_registered_refusal(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        let person = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        let stranger = born(s, r, "Nikola", "Čolak", Sex::Male, date(1985, 7, 7)).await;
        let Outcome::Refused(facts) = outcome(s, &k.clerk, request(ExtractKind::Birth, &person, &stranger, Relation::Parent), &sealer).await
        else {
            panic!("issued to a stranger")
        };
        assert_eq!(facts.denial.code, "extract.relation_not_confirmed");
        assert_eq!(facts.number.serial, 1);
        let stored = s.refusal_facts(&k.clerk, &facts.number).await.unwrap().unwrap();
        assert_eq!(stored, *facts);
        // Printing the decision again is a read of the person's records, logged as such.
        let log = s.raw().reads().access_log(person.as_str(), None, 10).await.unwrap();
        assert_eq!(log[0].action, "decision.printed", "{log:?}");
        assert_eq!(log[0].case_number.as_deref(), Some(facts.registry_number().as_str()));
        let Outcome::Refused(other) = outcome(s, &k.clerk, request(ExtractKind::Birth, &person, &stranger, Relation::Other), &sealer).await
        else {
            panic!("issued to a stranger")
        };
        assert_eq!((other.denial.code.as_str(), other.number.serial), ("extract.no_legal_relation", 2));
        // Refusals are numbered apart from issued documents.
        let mine = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &person, &person, Relation::Myself), &sealer).await);
        assert_eq!(mine.content.issue.number.serial, 1);
        let log = s.raw().reads().access_log(person.as_str(), None, 10).await.unwrap();
        assert!(log.iter().any(|a| a.action == "extract.refused" && a.case_number.as_deref() == Some("UP-I-KAK-1/".to_string() + &facts.number.year.to_string()).as_deref()));
    }
}

backend_test! {
    /// A refusal decision names the body that decides the appeal, the days and the fee as the
    /// body set them when it decided; a later change does not rewrite decisions taken.
    async fn a_refusal_names_the_appeal_route_in_force_when_it_was_decided(db: TestDb) {
        use opcina_core::extract::decision::AppealRoute;
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        let person = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        let stranger = born(s, r, "Nikola", "Čolak", Sex::Male, date(1985, 7, 7)).await;
        let refuse = || outcome(s, &k.clerk, request(ExtractKind::Birth, &person, &stranger, Relation::Other), &sealer);
        let Outcome::Refused(before) = refuse().await else { panic!("issued") };
        assert_eq!(before.appeal, None, "nothing set: the general instruction");
        let ministry = AppealRoute {
            body: "Ministarstvo unutrašnjih  poslova Zeničko-dobojskog kantona ".into(),
            days: 15,
            fee: 1000,
            fee_note: "kantonalna administrativna taksa".into(),
        };
        let row = s.set_appeal_route(&k.admin, &ministry).await.unwrap();
        assert_eq!(row.body, "Ministarstvo unutrašnjih poslova Zeničko-dobojskog kantona", "spacing tidied");
        let Outcome::Refused(first) = refuse().await else { panic!("issued") };
        assert_eq!(first.appeal.as_ref().map(|a| (a.body.as_str(), a.days, a.fee)), Some((row.body.as_str(), 15, 1000)));
        s.set_appeal_route(&k.admin, &AppealRoute { days: 8, fee: 0, ..ministry.clone() }).await.unwrap();
        assert_eq!(s.appeal_route().await.unwrap().map(|a| (a.days, a.fee)), Some((8, 0)));
        // Printed again, each decision names the route it was taken under.
        assert_eq!(s.refusal_facts(&k.clerk, &first.number).await.unwrap().unwrap(), *first);
        assert_eq!(s.refusal_facts(&k.clerk, &before.number).await.unwrap().unwrap().appeal, None);
        let Outcome::Refused(second) = refuse().await else { panic!("issued") };
        assert_eq!(second.appeal.map(|a| (a.days, a.fee)), Some((8, 0)));
        // Bad settings are refused naming the field.
        for (bad, field) in [(AppealRoute { body: " x ".into(), ..ministry.clone() }, "body"), (AppealRoute { days: 0, ..ministry.clone() }, "days"), (AppealRoute { fee: -1, ..ministry.clone() }, "fee")] {
            match s.set_appeal_route(&k.admin, &bad).await {
                Err(opcina_store::StoreError::Invalid(e)) => assert_eq!(e.field.as_deref(), Some(field)),
                other => panic!("{field}: {other:?}"),
            }
        }
    }
}

backend_test! {
    /// A refusal is a first-instance decision: a body that keeps its UP-I book in the node
    /// enters it there, under the kind of case `izvod`, and it takes the book's next number by
    /// the body's pattern — the same sequence as the UP-I cases of the unit.
    async fn a_refusal_is_numbered_in_the_body_s_up_i_book(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        let person = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        let stranger = born(s, r, "Nikola", "Čolak", Sex::Male, date(1985, 7, 7)).await;
        opcina_testkit::docflow::set_up(&k).await;
        let on = today();
        let intake = opcina_testkit::docflow::intake("uvjerenje", "Hana Mehić", on);
        let (case, _) = opcina_testkit::docflow::open(s, &k.clerk, intake).await;
        let yy = on.format("%y").to_string();
        assert_eq!(case.number, format!("UP-I-01/1-25-1/{yy}"));
        let Outcome::Refused(facts) = outcome(s, &k.clerk, request(ExtractKind::Birth, &person, &stranger, Relation::Other), &sealer).await
        else {
            panic!("issued to a stranger")
        };
        assert_eq!(facts.registry_number(), format!("UP-I-01/1-25-2/{yy}"), "the next number of the unit's UP-I book");
        assert_eq!(s.refusal_facts(&k.clerk, &facts.number).await.unwrap().unwrap(), *facts, "printed again with its number");
        let book = s.protocol_page(&k.clerk, "up_i", "01/1", i64::from(on.year()), None, 10).await.unwrap().unwrap();
        let entered = book.iter().find(|rec| rec.number == facts.registry_number()).expect("in the protocol book");
        assert_eq!((entered.correspondent.as_str(), entered.direction.as_str(), entered.case_id), (facts.requester_name.as_str(), "out", None));
        assert!(entered.subject.contains("izvod iz matične knjige rođenih"), "{}", entered.subject);
        let log = s.raw().reads().access_log(person.as_str(), None, 10).await.unwrap();
        assert!(log.iter().any(|a| a.action == "extract.refused" && a.case_number.as_deref() == Some(facts.registry_number().as_str())), "{log:?}");
    }
}

backend_test! {
    async fn verification_says_current_superseded_or_revoked(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        let applied = ok(s, r, birth("Lejla", "Hodžić", Sex::Female, date(1995, 1, 1))).await;
        let entry = applied.entry.unwrap();
        let lejla = entry.content.subject().clone();
        let doc = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &lejla, &lejla, Relation::Myself), &sealer).await);
        let n = doc.content.issue.number.clone();
        assert_eq!(s.verify_extract(&n, &doc.seal).await.unwrap().unwrap().status, Status::Current);
        // A forged seal, or a seal of another number, is not authentic.
        assert!(s.verify_extract(&n, &[0; 64]).await.unwrap().is_none());
        let other = ExtractNumber { serial: 99, ..n.clone() };
        assert!(s.verify_extract(&other, &doc.seal).await.unwrap().is_none());
        // Someone else's registration does not supersede it.
        born(s, r, "Amar", "Hodžić", Sex::Male, date(1996, 1, 1)).await;
        assert_eq!(s.verify_extract(&n, &doc.seal).await.unwrap().unwrap().status, Status::Current);
        // A change of name annotated on the entry does.
        let rename = Command::AddAnnotation(AddAnnotation {
            entry_id: entry.id,
            annotation: Annotation {
                content: AnnotationContent::NameChange { given_name: Some("Lea".into()), surname: None },
                legal_basis: decision(date(2024, 3, 1)),
                effective_date: date(2024, 3, 1),
                note: None,
            },
        });
        ok(s, r, rename).await;
        match s.verify_extract(&n, &doc.seal).await.unwrap().unwrap().status {
            Status::Superseded { by, .. } => assert!(by.contains("name_change"), "{by}"),
            other => panic!("{other:?}"),
        }
        s.revoke_extract(&k.clerk, &n, "izdano greškom").await.unwrap();
        assert!(matches!(s.verify_extract(&n, &doc.seal).await.unwrap().unwrap().status, Status::Revoked { .. }));
        let twice = s.revoke_extract(&k.clerk, &n, "opet").await.unwrap_err();
        assert!(twice.to_string().contains("already revoked"), "{twice}");
    }
}

backend_test! {
    async fn fees_follow_the_schedule_with_exemptions_by_purpose(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        for rule in opcina_store::presets::kakanj_fees() {
            s.set_fee(&k.admin, rule.kind, rule.purpose, rule.amount, rule.note).await.unwrap();
        }
        let p = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        let national = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &p, &p, Relation::Myself), &sealer).await);
        assert_eq!(national.content.issue.fee.amount, 400);
        let international = issued(outcome(s, &k.clerk, request(ExtractKind::BirthInternational, &p, &p, Relation::Myself), &sealer).await);
        assert_eq!(international.content.issue.fee.amount, 1000);
        let mut welfare = request(ExtractKind::Birth, &p, &p, Relation::Myself);
        welfare.purpose = "Socijalna zaštita".into();
        let free = issued(outcome(s, &k.clerk, welfare, &sealer).await);
        assert_eq!(free.content.issue.fee.amount, 0);
        assert!(free.content.issue.fee.exemption.as_deref().unwrap().contains("socijalne zaštite"));
    }
}

backend_test! {
    async fn only_clerks_and_registrars_at_an_office_issue_and_unknown_people_are_named(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let s = &k.store;
        let sealer = seal(s).await;
        let p = born(s, &k.registrar, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        let r = s.request_extract(&k.auditor, request(ExtractKind::Birth, &p, &p, Relation::Myself), &sealer, &extracts::place()).await.unwrap();
        assert_eq!(r.unwrap_err().primary().map(|e| e.code), Some("auth.forbidden"));
        let nobody = opcina_core::Jmbg::parse("0101990190004", opcina_core::CheckMode::Lenient).unwrap();
        let r = s.request_extract(&k.clerk, request(ExtractKind::Birth, &nobody, &nobody, Relation::Myself), &sealer, &extracts::place()).await.unwrap();
        assert_eq!(r.unwrap_err().primary().map(|e| e.code), Some("extract.person_unknown"));
        let r = s.request_extract(&k.clerk, request(ExtractKind::Death, &p, &p, Relation::Myself), &sealer, &extracts::place()).await.unwrap();
        assert_eq!(r.unwrap_err().primary().map(|e| e.code), Some("extract.no_entry"));
    }
}

backend_test! {
    /// A certificate the registers do not bear out — a life certificate for a person whose
    /// death is registered, no impediment for a married one — is refused by a registered,
    /// numbered decision that gives the reason, and the read is logged.
    async fn a_certificate_the_registers_contradict_is_refused_by_a_registered_decision(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        let late = born(s, r, "Đuro", "Šehić", Sex::Male, date(1930, 8, 8)).await;
        ok(s, r, death(&late, date(2020, 12, 24))).await;
        let son = born(s, r, "Emir", "Šehić", Sex::Male, date(1960, 1, 1)).await;
        // Entitled (a proxy with the power of attorney): what stops it is the registered death.
        let mut asked = request(ExtractKind::Life, &late, &son, Relation::Proxy);
        asked.requester.evidence = Some("punomoć OPU-IP 12/2026".into());
        let Outcome::Refused(life) = outcome(s, &k.clerk, asked, &sealer).await else {
            panic!("a life certificate for a deceased person")
        };
        assert_eq!(life.denial.code, "extract.person_deceased");
        assert_eq!(s.refusal_facts(&k.clerk, &life.number).await.unwrap().unwrap(), *life, "registered");
        let decision = opcina_core::extract::decision::decision(&life);
        assert!(decision.reasoning[0].contains("upisana smrt"), "{:?}", decision.reasoning);
        let log = s.raw().reads().access_log(late.as_str(), None, 10).await.unwrap();
        assert!(log.iter().any(|a| a.action == "extract.refused" && a.case_number.as_deref() == Some(life.registry_number().as_str())), "{log:?}");

        let wife = born(s, r, "Selma", "Pašić", Sex::Female, date(1991, 3, 3)).await;
        ok(s, r, marriage(&son, "Šehić", &wife, "Šehić", date(2015, 5, 10))).await;
        let Outcome::Refused(free) = outcome(s, &k.clerk, request(ExtractKind::NoImpediment, &son, &son, Relation::Myself), &sealer).await
        else {
            panic!("no impediment for a married person")
        };
        assert_eq!((free.denial.code.as_str(), free.number.serial), ("extract.person_married", life.number.serial + 1));
        assert!(opcina_core::extract::decision::decision(&free).reasoning[0].contains("u braku"));
    }
}

backend_test! {
    /// A document names the registrar who recorded an annotation by full name and title, and
    /// still does when reproduced after the registrar's name changed in the staff list.
    async fn annotations_name_their_registrar_by_full_name_even_after_it_changes(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        let full = |name: &str| opcina_store::admin::UserChange { full_name: Some(name.into()), ..Default::default() };
        s.update_user(&k.admin, "maticar", &full("Amra Hodžić")).await.unwrap();
        let person = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        let entry = s.raw().reads().person_records(&person).await.unwrap().entries[0].id;
        let annotation = Annotation {
            content: AnnotationContent::NameChange { given_name: Some("Amir".into()), surname: None },
            legal_basis: decision(date(2024, 3, 1)),
            effective_date: date(2024, 3, 1),
            note: None,
        };
        ok(s, r, Command::AddAnnotation(AddAnnotation { entry_id: entry, annotation })).await;
        let first = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &person, &person, Relation::Myself), &sealer).await);
        let printed = opcina_core::extract::document::document(&first.content, &first.seal, "k").annotations.join(" ");
        assert!(printed.contains("Amra Hodžić, matičar.") && !printed.contains(", maticar."), "{printed}");

        s.update_user(&k.admin, "maticar", &full("Amra Begić")).await.unwrap();
        let again = s.reproduce_extract(&first.content.issue.number).await.unwrap();
        assert_eq!(again.content, first.content, "the names it printed are kept with it");
        let status = s.verify_extract(&first.content.issue.number, &first.seal).await.unwrap().unwrap().status;
        assert_eq!(status, Status::Current);
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
        // A new document names her as she is named now.
        let second = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &person, &person, Relation::Myself), &sealer).await);
        assert_eq!(second.content.officials.get("maticar").map(String::as_str), Some("Amra Begić"));
    }
}

backend_test! {
    /// A full adoption: the adopter is the mother on the child's documents, the adoption is
    /// not printed, and the birth mother may no longer have the child's documents, nor the
    /// child hers (Art. 64 follows the parenthood as it stands).
    async fn a_full_adoption_is_not_disclosed_and_ends_the_birth_mother_s_entitlement(db: TestDb) {
        use opcina_core::registry::annotation::LegalBasis;
        use opcina_core::registry::entry::ParentData;
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        let mother = born(s, r, "Amra", "Hodžić", Sex::Female, date(1970, 1, 1)).await;
        let adopter = born(s, r, "Selma", "Kovač", Sex::Female, date(1975, 2, 2)).await;
        let child = ok(s, r, birth_to(Some(&mother), "Lejla", "Hodžić", Sex::Female, date(2010, 3, 3))).await.entry.unwrap();
        let lejla = child.content.subject().clone();
        issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &lejla, &mother, Relation::Parent), &sealer).await);

        let adoptive_mother = ParentData {
            given_name: "Selma".into(),
            surname: "Kovač".into(),
            maiden_surname: None,
            jmbg: Some(adopter.clone()),
            birth_date: None,
            birth_place: None,
            citizenship: None,
            residence: Some("Kakanj".into()),
        };
        let basis = LegalBasis {
            act: "rješenje o usvojenju".into(),
            issuer: "JU Centar za socijalni rad Kakanj".into(),
            number: "UP-I-35-12/24".into(),
            date: date(2024, 5, 1),
        };
        let content =
            AnnotationContent::Adoption { given_name: None, surname: Some("Kovač".into()), adoptive_mother: Some(adoptive_mother), adoptive_father: None, full: true };
        let annotation = Annotation { content, legal_basis: basis, effective_date: date(2024, 5, 1), note: None };
        ok(s, r, Command::AddAnnotation(AddAnnotation { entry_id: child.id, annotation })).await;

        let doc = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &lejla, &adopter, Relation::Parent), &sealer).await);
        let printed = opcina_core::extract::document::document(&doc.content, &doc.seal, "k");
        let fields = printed.fields.iter().map(|f| format!("{} {}", f.label, f.value)).collect::<Vec<_>>().join(" | ");
        assert!(fields.contains("Selma") && fields.contains("Lejla") && !fields.contains("Amra"), "{fields}");
        assert!(printed.annotations.is_empty(), "a full adoption is not printed: {:?}", printed.annotations);
        let again = s.reproduce_extract(&doc.content.issue.number).await.unwrap();
        assert_eq!(again.content, doc.content, "reproduces from the register");

        let Outcome::Refused(refused) = outcome(s, &k.clerk, request(ExtractKind::Birth, &lejla, &mother, Relation::Parent), &sealer).await
        else {
            panic!("the birth mother got the fully adopted child's extract")
        };
        assert_eq!(refused.denial.code, "extract.relation_not_confirmed");
        let Outcome::Refused(_) = outcome(s, &k.clerk, request(ExtractKind::Birth, &mother, &lejla, Relation::Child), &sealer).await else {
            panic!("the fully adopted child got the birth mother's extract")
        };
        issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &adopter, &lejla, Relation::Child), &sealer).await);
    }
}

backend_test! {
    /// DOMAIN.md §3, one number per person: a corrected date of birth or sex takes a new
    /// JMBG from the node's serials; the old one still finds the person, is never assigned
    /// again, and documents print the entry with the new number.
    async fn a_corrected_sex_or_date_of_birth_gives_a_new_jmbg_that_documents_print(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let sealer = seal(s).await;
        let old = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        let new = correct_identity(s, r, &old, Sex::Male, date(1990, 1, 22), date(2024, 3, 1)).await;
        assert_eq!((new.birth_date(), new.sex(), new.region()), (date(1990, 1, 22), Sex::Male, 19));
        for asked in [&old, &new] {
            let records = s.raw().reads().person_records(asked).await.unwrap();
            let view = opcina_core::registry::person_view(asked, &records, opcina_core::registry::ViewTime::current(date(2024, 6, 1))).unwrap();
            assert_eq!((&view.jmbg, &view.former_jmbgs, view.birth_date), (&new, &vec![old.clone()], date(1990, 1, 22)), "asked by {asked}");
        }
        // Never assigned again: a boy born on the corrected date gets another serial.
        let prefix = opcina_core::jmbg::prefix_for(date(1990, 1, 22), 19).unwrap();
        assert!(s.raw().reads().used_serials(&prefix).await.unwrap().contains(&new.serial()));
        let namesake = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 1, 22)).await;
        assert_ne!(namesake, new);
        // A marriage under the new number annotates the birth entry held here.
        let her = born(s, r, "Selma", "Pašić", Sex::Female, date(1991, 3, 3)).await;
        let married = ok(s, r, marriage(&new, "Begić", &her, "Begić", date(2024, 5, 10))).await;
        assert!(married.notices.is_empty(), "{married:?}");
        // The extract, asked for by either number, prints the new one and the corrected date,
        // and says in words what changed.
        for asked in [&old, &new] {
            let doc = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, asked, asked, Relation::Myself), &sealer).await);
            let printed = opcina_core::extract::document::document(&doc.content, &doc.seal, "k");
            let fields = printed.fields.iter().map(|f| format!("{} {}", f.label, f.value)).collect::<Vec<_>>().join(" | ");
            assert!(fields.contains(new.as_str()) && !fields.contains(old.as_str()), "{fields}");
            assert!(fields.contains("22.01.1990") || fields.contains("22. 01. 1990"), "{fields}");
            let notes = printed.annotations.join(" ");
            assert!(notes.contains(old.as_str()) && notes.contains(new.as_str()), "{notes}");
        }
        // Who read the records and which documents were issued: under either number, both.
        for asked in [&old, &new] {
            let reads = s.raw().reads().access_log(asked.as_str(), None, 100).await.unwrap();
            for number in [&old, &new] {
                assert!(reads.iter().any(|r| r.subject_jmbg == number.as_str()), "reads of {number} listed for {asked}");
            }
            assert_eq!(s.raw().reads().extracts_of(asked.as_str(), None, 100).await.unwrap().len(), 2, "asked by {asked}");
        }
        // A change of sex: the entry prints the sex and number in force, the annotation is
        // not printed (the former sex is not every reader's).
        let alma = born(s, r, "Alma", "Hodžić", Sex::Female, date(1995, 7, 7)).await;
        let now = correct_identity(s, r, &alma, Sex::Male, date(1995, 7, 7), date(2024, 3, 1)).await;
        assert_eq!(now.sex(), Sex::Male);
        let doc = issued(outcome(s, &k.clerk, request(ExtractKind::Birth, &now, &now, Relation::Myself), &sealer).await);
        let printed = opcina_core::extract::document::document(&doc.content, &doc.seal, "k");
        let all = format!("{:?} {:?}", printed.fields, printed.annotations);
        assert!(all.contains(now.as_str()) && !all.contains(alma.as_str()), "{all}");
        assert!(all.contains("muški"), "{all}");
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

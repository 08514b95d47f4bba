//! Registrations through the store, on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use opcina_core::registry::annotation::AnnotationContent;
use opcina_core::registry::person::{MaritalStatus, ViewTime, person_view};
use opcina_core::registry::{Register, Sex};
use opcina_store::calendar_today as today;
use opcina_store::sql::prelude::*;
use opcina_testkit::commands::*;
use opcina_testkit::{Kakanj, backend_test, date};

backend_test! {
    async fn birth_is_written_with_a_new_jmbg_and_the_next_entry_number(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let head_before = k.store.raw().journal_head().await.unwrap().seq;
        let a = ok(&k.store, &k.registrar, birth("Tarik", "Hodžić", Sex::Male, date(2024, 5, 20))).await;
        let b = ok(&k.store, &k.registrar, birth("Lejla", "Hodžić", Sex::Female, date(2024, 5, 20))).await;
        let (ea, eb) = (a.entry.unwrap(), b.entry.unwrap());
        assert_eq!((ea.number, eb.number), (1, 2));
        assert_eq!(ea.office, "KAK");
        assert_eq!(ea.recorded_by, "maticar");
        // Each row's id is its journal position.
        assert_eq!(ea.id, head_before + 1);
        assert_eq!(k.store.raw().journal_head().await.unwrap().seq, head_before + 2);
        let (stored, annotations) = k.store.raw().reads().entry(ea.id).await.unwrap().unwrap();
        assert_eq!(stored, ea);
        assert!(annotations.is_empty());
    }
}

backend_test! {
    async fn a_refused_command_writes_nothing(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let head = k.store.raw().journal_head().await.unwrap();
        let future = today() + chrono::Duration::days(3);
        let mut cmd = birth("Ena", "Kurtić", Sex::Female, future);
        if let opcina_core::registry::Command::RegisterBirth(b) = &mut cmd {
            b.registered_on = None;
        }
        let refusal = k.store.execute(&k.registrar, cmd).await.unwrap().unwrap_err();
        assert_eq!(refusal.primary().map(|e| e.code), Some("registry.birth.date_in_future"));
        assert_eq!(refusal.primary().and_then(|e| e.field.as_deref()), Some("child.birth_date"));
        assert_eq!(k.store.raw().journal_head().await.unwrap(), head);
    }
}

backend_test! {
    /// DOMAIN.md §2, jurisdiction: the node enters the births of mothers living in its
    /// territory (its municipality, or a settlement where it has an office), others only on
    /// the act that makes it competent; nothing is written for a refusal.
    async fn a_birth_is_entered_where_the_mother_lives(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let born = today() - chrono::Duration::days(3);
        let head = k.store.raw().journal_head().await.unwrap();
        let refusal = k.store.execute(&k.registrar, living_in("Tuzla", birth("Ena", "Kurtić", Sex::Female, born))).await.unwrap().unwrap_err();
        assert_eq!(refusal.primary().map(|e| (e.code, e.field.as_deref())), Some(("registry.birth.elsewhere", Some("mother.residence"))));
        assert_eq!(k.store.raw().journal_head().await.unwrap(), head);
        // Kraljeva Sutjeska has an office of Kakanj: a mother living there is Kakanj's.
        ok(&k.store, &k.registrar_ks, living_in("Kraljeva Sutjeska", birth("Ena", "Kurtić", Sex::Female, born))).await;
        let mut abroad = living_in("Tuzla", birth("Ena", "Kurtić", Sex::Female, born));
        if let opcina_core::registry::Command::RegisterBirth(b) = &mut abroad {
            b.competence = Some(opcina_core::registry::LegalBasis { act: "competence_decision".into(), ..decision(born) });
        }
        let entry = ok(&k.store, &k.registrar, abroad).await.entry.unwrap();
        let (stored, _) = k.store.raw().reads().entry(entry.id).await.unwrap().unwrap();
        let opcina_core::registry::EntryContent::Birth(b) = stored.content else { panic!("not a birth") };
        assert_eq!(b.competence.map(|c| c.number), Some("UP-I-03-13-55/24".into()));
        // A village without an office is the node's once the body adds it to its settlements.
        let village = || living_in("Vukanovići", birth("Ena", "Kurtić", Sex::Female, born));
        let refusal = k.store.execute(&k.registrar_ks, village()).await.unwrap().unwrap_err();
        assert_eq!(refusal.primary().map(|e| e.code), Some("registry.birth.elsewhere"));
        k.store.add_settlement(&k.admin, " Vukanovići ", "KSU").await.unwrap();
        ok(&k.store, &k.registrar_ks, village()).await;
        for (name, office, code) in [("Vukanovici", "KSU", "admin.settlement.exists"), ("Mračaj", "XYZ", "admin.office.unknown"), (" ", "KSU", "admin.settlement.name_required")] {
            match k.store.add_settlement(&k.admin, name, office).await {
                Err(opcina_store::StoreError::Invalid(e)) => assert_eq!(e.code, code),
                other => panic!("{name}: {other:?}"),
            }
        }
        assert_eq!(k.store.settlements().await.unwrap().iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), ["Vukanovići"]);
    }
}

backend_test! {
    async fn only_registrars_with_an_office_register(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        for actor in [&k.clerk, &k.auditor, &k.admin] {
            let r = k.store.execute(actor, birth("Ena", "Kurtić", Sex::Female, date(2024, 1, 1))).await.unwrap();
            assert_eq!(r.unwrap_err().primary().map(|e| e.code), Some("auth.forbidden"), "{}", actor.username);
        }
    }
}

backend_test! {
    async fn marriage_death_and_divorce_annotate_the_entries_held_here(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let him = born(s, r, "Emir", "Begić", Sex::Male, date(1950, 2, 2)).await;
        let her = born(s, r, "Selma", "Pašić", Sex::Female, date(1952, 3, 3)).await;
        let mkv = ok(s, r, marriage(&him, "Begić", &her, "Begić", date(1975, 5, 10))).await;
        assert_eq!(mkv.annotations.len(), 2);
        let her_view = person_view(&her, &s.raw().reads().person_records(&her).await.unwrap(), ViewTime::current(today())).unwrap();
        assert_eq!(her_view.marital_status, MaritalStatus::Married);
        assert_eq!(her_view.surname, "Begić");

        let death = ok(s, r, death(&him, date(2024, 5, 1))).await;
        let mkv_id = mkv.entry.unwrap().id;
        assert!(death.annotations.iter().any(|a| a.entry_id == mkv_id));
        let (_, on_mkv) = s.raw().reads().entry(mkv_id).await.unwrap().unwrap();
        assert!(on_mkv.iter().any(|a| matches!(a.annotation.content, AnnotationContent::MarriageEnded { .. })));
        let her_view = person_view(&her, &s.raw().reads().person_records(&her).await.unwrap(), ViewTime::current(today())).unwrap();
        assert_eq!(her_view.marital_status, MaritalStatus::Widowed);
        let his = person_view(&him, &s.raw().reads().person_records(&him).await.unwrap(), ViewTime::current(today())).unwrap();
        assert!(!his.alive);
        assert_eq!(his.entries.iter().map(|e| e.entry.content.register()).collect::<Vec<_>>(), vec![Register::Births, Register::Marriages, Register::Deaths]);
    }
}

backend_test! {
    async fn a_second_marriage_while_married_is_refused(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let him = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        let her = born(s, r, "Selma", "Pašić", Sex::Female, date(1991, 3, 3)).await;
        let other = born(s, r, "Amela", "Zukić", Sex::Female, date(1992, 4, 4)).await;
        ok(s, r, marriage(&him, "Begić", &her, "Begić", date(2015, 5, 10))).await;
        let refusal = s.execute(r, marriage(&him, "Begić", &other, "Begić", date(2020, 5, 10))).await.unwrap().unwrap_err();
        assert_eq!(refusal.primary().map(|e| e.code), Some("registry.marriage.already_married"));
        assert_eq!(refusal.primary().and_then(|e| e.field.as_deref()), Some("spouses[0].jmbg"));
    }
}

backend_test! {
    async fn concurrent_registrations_get_unique_jmbgs_and_gap_free_numbers(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let mut tasks = Vec::new();
        for i in 0..60 {
            let store = k.store.clone();
            let actor = if i % 3 == 0 { k.registrar_ks.clone() } else { k.registrar.clone() };
            tasks.push(tokio::spawn(async move {
                let sex = if i % 2 == 0 { Sex::Male } else { Sex::Female };
                let a = ok(&store, &actor, birth(&format!("Dijete{}", char::from(b'a' + (i % 26) as u8)), "Kovač", sex, date(2024, 5, 1))).await;
                a.entry.unwrap()
            }));
        }
        let mut entries = Vec::new();
        for t in tasks {
            entries.push(t.await.unwrap());
        }
        let mut jmbgs: Vec<String> = entries.iter().map(|e| e.content.subject().to_string()).collect();
        jmbgs.sort();
        jmbgs.dedup();
        assert_eq!(jmbgs.len(), 60, "every child has a different JMBG");
        for office in ["KAK", "KSU"] {
            let mut numbers: Vec<i64> = entries.iter().filter(|e| e.office == office).map(|e| e.number).collect();
            numbers.sort();
            assert_eq!(numbers, (1..=numbers.len() as i64).collect::<Vec<_>>(), "gap-free numbers in {office}");
        }
        let report = opcina_store::verify::verify(k.store.raw(), &|_| {}).await.unwrap();
        assert!(report.ok(), "{:?}", report.problems);
    }
}

backend_test! {
    async fn node_users_and_tokens_are_administered(db: TestDb) {
        use opcina_core::registry::Role;
        use opcina_store::admin::{UserSpec, token_hash};
        let k = Kakanj::set_up(&db).await;
        let system = opcina_core::registry::Actor::system("test");
        let offices = k.store.raw().reads().offices().await.unwrap();
        assert_eq!(offices.iter().map(|o| o.code.as_str()).collect::<Vec<_>>(), vec!["KAK", "KSU", "BRN", "BIL"]);
        let (node, offices) = opcina_store::presets::kakanj();
        assert_eq!(k.store.init_node(&system, &node, &offices).await.unwrap_err().code(), "admin.node.exists");
        let spec = |u: &str, role, office: Option<&str>| UserSpec { username: u.into(), full_name: String::new(), role, office: office.map(str::to_string) };
        assert_eq!(k.store.add_user(&system, &spec("nova", Role::Registrar, None)).await.unwrap_err().code(), "admin.office.required");
        assert_eq!(k.store.add_user(&system, &spec("nova", Role::Registrar, Some("XYZ"))).await.unwrap_err().code(), "admin.office.unknown");
        assert_eq!(k.store.add_user(&system, &spec("nova", Role::Auditor, Some("KAK"))).await.unwrap_err().code(), "admin.office.not_allowed");
        assert_eq!(k.store.add_user(&system, &spec("maticar", Role::Registrar, Some("KAK"))).await.unwrap_err().code(), "admin.username.taken");
        assert_eq!(k.store.add_user(&system, &spec("Bad Name", Role::Admin, None)).await.unwrap_err().code(), "admin.username.invalid");
        let token = k.store.create_token(&system, "salter", "test").await.unwrap();
        let user = k.store.raw().reads().user_by_token(&token_hash(&token)).await.unwrap().unwrap();
        assert_eq!((user.username.as_str(), user.office_code.as_deref()), ("salter", Some("KAK")));
        assert!(k.store.raw().reads().user_by_token(&token_hash("opc_wrong")).await.unwrap().is_none());
    }
}

backend_test! {
    async fn two_nodes_of_one_region_never_assign_the_same_jmbg(db: TestDb) {
        use opcina_core::jmbg::SerialBlock;
        use opcina_core::registry::{Actor, Role};
        let k = Kakanj::set_up(&db).await;
        let zdb = opcina_testkit::TestDb::of(db.kind).await.unwrap();
        let zenica = zdb.open().await;
        let system = Actor::system("test");
        let (node, offices) = opcina_store::presets::preset("zenica").unwrap();
        assert_eq!(node.region, 19, "Zenica shares Kakanj's JMBG region");
        zenica.init_node(&system, &node, &offices).await.unwrap();
        let spec = opcina_store::admin::UserSpec {
            username: "maticar".into(),
            full_name: "Matičar Zenica".into(),
            role: Role::Registrar,
            office: Some(offices[0].code.clone()),
        };
        zenica.add_user(&system, &spec).await.unwrap();
        let z_registrar = Actor { username: "maticar".into(), role: Role::Registrar, office: Some(offices[0].code.clone()) };
        let born = date(2026, 1, 14);

        // Counting serials each in its own database, the two nodes give the same number.
        let a = ok(&k.store, &k.registrar, birth("Amina", "Hodžić", Sex::Female, born)).await;
        let b = ok(&zenica, &z_registrar, living_in("Zenica", birth("Lejla", "Zenić", Sex::Female, born))).await;
        let jmbg = |applied: &opcina_core::registry::Applied| applied.entry.as_ref().unwrap().content.subject().clone();
        assert_eq!(jmbg(&a), jmbg(&b), "without blocks the first serial is the same");

        // The authority gives each member of region 19 its block.
        let basis = "imenik federacije br. 1";
        k.store.set_jmbg_block(&system, SerialBlock::new(0, 100).unwrap(), basis).await.unwrap();
        zenica.set_jmbg_block(&system, SerialBlock::new(100, 100).unwrap(), basis).await.unwrap();
        assert_eq!(zenica.jmbg_block().await.unwrap().unwrap().block(), SerialBlock::new(100, 100).ok());

        // Both register births of the same date and sex at once.
        let run = |store: opcina_store::Store, registrar: Actor, surname: &'static str, home: &'static str| async move {
            let mut out = Vec::new();
            for i in 0..25u8 {
                let given = format!("Ena{}", char::from(b'a' + i));
                let applied = ok(&store, &registrar, living_in(home, birth(&given, surname, Sex::Female, born))).await;
                out.push(applied.entry.unwrap().content.subject().clone());
            }
            out
        };
        let (ks, zs) = tokio::join!(run(k.store.clone(), k.registrar.clone(), "Kakanjac", "Kakanj"), run(zenica.clone(), z_registrar.clone(), "Zeničanin", "Zenica"));
        let serial = |j: &opcina_core::Jmbg| j.as_str()[9..12].parse::<u16>().unwrap();
        assert!(ks.iter().all(|j| (500..600).contains(&serial(j))), "Kakanj's women: 500–599");
        assert!(zs.iter().all(|j| (600..700).contains(&serial(j))), "Zenica's women: 600–699");
        let before = jmbg(&a);
        let mut all: Vec<_> = ks.iter().chain(&zs).chain([&before]).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 51, "no JMBG given twice (and the one given before the blocks is not reused)");

        // A block is FIRST+COUNT within 000–499, set on a stated basis.
        assert!(SerialBlock::new(450, 100).is_err());
        let e = k.store.set_jmbg_block(&system, SerialBlock::new(0, 100).unwrap(), " ").await.unwrap_err();
        assert!(e.to_string().contains("basis"), "{e}");
    }
}

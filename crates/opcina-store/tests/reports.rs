//! Reports of communal problems through the store, on SQLite and PostgreSQL: routing by
//! category and local community, the states a unit moves a report through (each e-mailed
//! to the reporter), the reporter's note and reopening by code, Open311 keys, the lists and
//! their filters, bad reports refused whole, and the journal over all of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use opcina_core::publicinfo::report::{ReportChange, ReportFields, ReportState};
use opcina_core::registry::Actor;
use opcina_store::publicinfo_reports::{Channel, ReportFile};
use opcina_store::sql::publicinfo::ReportFilter;
use opcina_store::verify::verify;
use opcina_testkit::reports::{letter, routes, street_light};
use opcina_testkit::{Kakanj, backend_test, codes};

fn portal() -> Actor {
    Actor::system("portal")
}

fn change(state: &str, note: &str, body: &str) -> ReportChange {
    ReportChange { state: state.into(), note: note.into(), body: body.into() }
}

backend_test! {
    async fn a_report_is_routed_handled_and_reopened_with_every_change_mailed(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = opcina_testkit::docflow::set_up(&k).await;
        let n = opcina_testkit::publicinfo::set_up(&k).await;
        routes(&k).await;
        let s = &k.store;
        let year = s.today().format("%Y").to_string();

        // Centar's street lights go to 04; elsewhere to 01/1; a category without a route to
        // the first unit.
        let (centar, code) = s.report_problem(&portal(), Channel::Web, street_light("Centar"), "bs", Some(letter())).await.unwrap().unwrap();
        assert_eq!((centar.number.clone(), centar.unit_code.as_str(), centar.state), (format!("K-{year}-00001"), "04", ReportState::Open));
        assert_eq!((centar.lat_e6, centar.attributes.as_str()), (Some(44_132_471), "pole_number=JR-114"));
        let (elsewhere, _) = s.report_problem(&portal(), Channel::Web, street_light("Doboj"), "hr", None).await.unwrap().unwrap();
        assert_eq!((elsewhere.number.clone(), elsewhere.unit_code.as_str()), (format!("K-{year}-00002"), "01/1"));
        let dump = ReportFields { category: "illegal_dumping".into(), attributes: vec![], ..street_light("Kraljeva Sutjeska") };
        let (dump, _) = s.report_problem(&k.clerk, Channel::Counter, dump, "bs", None).await.unwrap().unwrap();
        assert_eq!((dump.channel.as_str(), dump.unit_code.as_str()), ("counter", s.docflow_config().await.unwrap().units[0].code.as_str()));

        // The receipt went to the reporter.
        let mail = s.mail_to("amra@example.test", 10).await.unwrap();
        assert_eq!(mail.len(), 1, "one receipt (the second report had no letter): {mail:?}");
        assert_eq!(mail[0].subject, format!("{} open", centar.number));

        // Only its unit (or the PR officer, an approver) moves it.
        let refused = s.change_report(&o.amra, centar.id, change("in_progress", "", ""), letter()).await.unwrap();
        assert_eq!(codes(refused), [("publicinfo.permission", String::new())]);
        let ReportFile { report, steps } = s.change_report(&o.selma, centar.id, change("in_progress", "Ekipa izlazi sutra.", ""), letter()).await.unwrap().unwrap();
        assert_eq!((report.state, steps.len()), (ReportState::InProgress, 2));
        assert_eq!((steps[1].actor.as_str(), steps[1].note.as_str(), steps[1].by_reporter), ("selma", "Ekipa izlazi sutra.", false));
        let not_ours = s.change_report(&n.press, centar.id, change("not_responsible", "", ""), letter()).await.unwrap();
        assert_eq!(codes(not_ours), [("publicinfo.report.body_required", "body".to_string())]);
        let done = s.change_report(&o.selma, centar.id, change("fixed", "Zamijenjena sijalica.", ""), letter()).await.unwrap().unwrap();
        assert_eq!(done.report.state, ReportState::Fixed);

        // The reporter: a wrong code is refused without saying which part was wrong; the right
        // one reopens the fixed report, saying why, and the unit's next step reaches them.
        let wrong = s.reporter_change(&centar.number, "AAAA-AAAA", change("open", "Opet ne radi.", "")).await.unwrap();
        assert_eq!(codes(wrong), [("publicinfo.report.not_found", "number".to_string())]);
        let no_reason = s.reporter_change(&centar.number, &code, change("open", "", "")).await.unwrap();
        assert_eq!(codes(no_reason), [("publicinfo.report.required", "note".to_string())]);
        let typed = code.to_lowercase().replace('-', " ");
        let reopened = s.reporter_change(&centar.number, &typed, change("open", "Opet ne radi.", "")).await.unwrap().unwrap();
        assert_eq!((reopened.report.state, reopened.steps.last().unwrap().by_reporter), (ReportState::Open, true));
        let moved = s.reporter_change(&centar.number, &code, change("closed", "", "")).await.unwrap();
        assert_eq!(codes(moved), [("publicinfo.report.reporter_step", "state".to_string())]);
        let other = s
            .change_report(&n.approver, centar.id, change("not_responsible", "Stub je na magistralnom putu.", "JP Autoceste FBiH"), letter())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(other.report.responsible_body.as_deref(), Some("JP Autoceste FBiH"));
        let subjects: Vec<String> = s.mail_to("amra@example.test", 10).await.unwrap().into_iter().map(|m| m.subject).collect();
        assert_eq!(subjects.len(), 4, "the receipt, in progress, fixed, not responsible — not the reporter's own note: {subjects:?}");
        assert!(subjects.iter().any(|m| m.ends_with("not_responsible")));

        // The public page: every step, oldest first.
        let public = s.public_report(&centar.number).await.unwrap().unwrap();
        let states: Vec<_> = public.steps.iter().map(|st| st.state.as_str()).collect();
        assert_eq!(states, ["open", "in_progress", "fixed", "open", "not_responsible"]);

        // The desks: Selma's unit sees its report among the closed, Amra's the other one.
        let selma = s.report_desk(&o.selma).await.unwrap().unwrap();
        assert_eq!(selma.iter().map(|r| r.number.as_str()).collect::<Vec<_>>(), [centar.number.as_str()]);
        let amra = s.report_desk(&o.amra).await.unwrap().unwrap();
        assert!(amra.iter().any(|r| r.number == elsewhere.number) && !amra.iter().any(|r| r.number == centar.number));
        assert!(s.report_desk(&k.clerk).await.unwrap().is_err(), "a clerk has no desk");
        assert!(s.desk_report(&o.amra, centar.id).await.unwrap().is_err());

        let report = verify(s.raw(), &|_| {}).await.unwrap();
        assert!(report.ok(), "{:?}", report.problems);
    }
}

backend_test! {
    async fn a_bad_report_is_refused_whole_and_writes_nothing(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        // Reports go to the document flow's units.
        opcina_testkit::docflow::set_up(&k).await;
        let s = &k.store;
        let head = s.raw().journal_head().await.unwrap();
        let bad = ReportFields {
            category: "pothole".into(),
            description: "<script>alert(1)</script>".into(),
            local_community: String::new(),
            address: String::new(),
            lat: "95".into(),
            lon: "18.1".into(),
            name: "Amra\r\nBcc: svi@example.test".into(),
            email: "amra@example.test\r\nBcc: svi@example.test".into(),
            attributes: vec![("size".into(), "ogromna".into())],
        };
        let refused = s.report_problem(&portal(), Channel::Web, bad, "bs", Some(letter())).await.unwrap();
        assert_eq!(
            codes(refused),
            [
                ("publicinfo.report.coordinate_invalid", "lat".to_string()),
                ("publicinfo.field.control_character", "name".to_string()),
                ("publicinfo.contact.email_invalid", "email".to_string()),
                ("publicinfo.report.attribute_invalid", "attribute[size]".to_string()),
            ]
        );
        let nowhere = ReportFields { local_community: String::new(), address: String::new(), lat: String::new(), lon: String::new(), ..street_light("") };
        assert_eq!(codes(s.report_problem(&portal(), Channel::Web, nowhere, "bs", None).await.unwrap())[0].0, "publicinfo.report.place_required");
        assert_eq!(s.raw().journal_head().await.unwrap(), head, "nothing written");
        // Markup is kept as text (escaped wherever it is shown).
        let markup = ReportFields { description: "<b>Rupa</b> & blato".into(), ..street_light("Centar") };
        let (row, _) = s.report_problem(&portal(), Channel::Web, markup, "bs", None).await.unwrap().unwrap();
        assert_eq!(row.description, "<b>Rupa</b> & blato");
    }
}

backend_test! {
    async fn open311_clients_post_with_a_key_the_administrator_issued(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        // Reports go to the document flow's units.
        opcina_testkit::docflow::set_up(&k).await;
        let s = &k.store;
        let unknown = s.report_problem(&portal(), Channel::Open311 { key: "nope".into() }, street_light("Centar"), "bs", None).await.unwrap();
        assert_eq!(codes(unknown), [("open311.key.invalid", "api_key".to_string())]);
        assert!(s.add_open311_client(&k.clerk, "Mobilna aplikacija").await.unwrap().is_err(), "only the administrator");
        let (client, key) = s.add_open311_client(&k.admin, "Mobilna aplikacija").await.unwrap().unwrap();
        assert_eq!(client.name, "Mobilna aplikacija");
        assert_eq!(codes(s.add_open311_client(&k.admin, " Mobilna   aplikacija ").await.unwrap()), [("open311.client.exists", "name".to_string())]);
        let (row, _) = s.report_problem(&portal(), Channel::Open311 { key: key.clone() }, street_light("Centar"), "en", None).await.unwrap().unwrap();
        assert_eq!(row.channel, "open311:Mobilna aplikacija");
        assert_eq!(s.report_by_token(&row.token).await.unwrap().unwrap().number, row.number);
        assert!(s.report_by_token("nope").await.unwrap().is_none());
    }
}

backend_test! {
    async fn lists_filter_by_number_state_category_place_and_time(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        // Reports go to the document flow's units.
        opcina_testkit::docflow::set_up(&k).await;
        let s = &k.store;
        let mut numbers = Vec::new();
        for (category, place) in [("street_light", "Centar"), ("pothole", "Centar"), ("street_light", "Doboj"), ("pothole", ""), ("other", "Ćatići")] {
            let f = ReportFields { category: category.into(), attributes: vec![], local_community: place.into(), ..street_light(place) };
            let (row, _) = s.report_problem(&portal(), Channel::Web, f, "bs", None).await.unwrap().unwrap();
            numbers.push(row);
        }
        let n = opcina_testkit::publicinfo::set_up(&k).await;
        s.change_report(&n.press, numbers[1].id, change("fixed", "Zakrpljeno.", ""), letter()).await.unwrap().unwrap();
        let all = s.reports(&ReportFilter::default(), 100, 0).await.unwrap();
        assert_eq!(all.iter().map(|r| r.serial).collect::<Vec<_>>(), [5, 4, 3, 2, 1], "the latest first");
        let noted = s.reports_with_notes(&ReportFilter::default(), 100, 0).await.unwrap();
        let notes: Vec<Option<&str>> = noted.iter().map(|(_, n)| n.as_deref()).collect();
        assert_eq!(notes, [None, None, None, Some("Zakrpljeno."), None], "the unit's latest note, the reporter's never");
        let closed = ReportFilter { states: ReportState::of_open311("closed").unwrap(), ..ReportFilter::default() };
        assert_eq!(s.reports(&closed, 100, 0).await.unwrap().iter().map(|r| r.serial).collect::<Vec<_>>(), [2]);
        let lights = ReportFilter { categories: vec!["street_light".into()], ..ReportFilter::default() };
        assert_eq!(s.reports(&lights, 100, 0).await.unwrap().len(), 2);
        let centar = ReportFilter { local_community_key: Some("centar".into()), ..ReportFilter::default() };
        assert_eq!(s.reports(&centar, 100, 0).await.unwrap().len(), 2);
        let catici = ReportFilter { local_community_key: Some(opcina_core::publicinfo::key::key("Ćatići")), ..ReportFilter::default() };
        assert_eq!(s.reports(&catici, 100, 0).await.unwrap()[0].local_community, "Ćatići");
        let picked = ReportFilter { numbers: vec![numbers[0].number.clone(), numbers[4].number.clone(), "K-1999-00001".into()], ..closed.clone() };
        assert_eq!(s.reports(&picked, 100, 0).await.unwrap().len(), 2, "numbers override the other filters");
        let now = s.now().0;
        let future = ReportFilter { from: Some(now + 1_000_000), ..ReportFilter::default() };
        assert!(s.reports(&future, 100, 0).await.unwrap().is_empty());
        let past = ReportFilter { to: Some(now + 1_000_000), from: Some(now - 3_600_000_000), ..ReportFilter::default() };
        assert_eq!(s.reports(&past, 2, 2).await.unwrap().iter().map(|r| r.serial).collect::<Vec<_>>(), [3, 2], "a page from an offset");
        let places = s.report_places().await.unwrap();
        let counts: Vec<_> = places.iter().map(|p| (p.key.as_str(), p.open, p.closed)).collect();
        assert_eq!(counts, [("", 1, 0), ("catici", 1, 0), ("centar", 1, 1), ("doboj", 1, 0)]);
    }
}

//! Requests for access to information through the store, on SQLite and PostgreSQL: a request
//! from the website is a case of the UP-I book due in 15 days, with what it asked kept beside
//! it in the same transaction; the registry office hands it to the unit, whose official
//! decides it — the decision entered in the book and mailed, with the exemptions, reasons,
//! test and appeal the law asks for, once — and not through the case's plain decision; the
//! register reaches only what the reader may read; the quarter's figures count it all.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use opcina_core::docflow::case::{CaseAction, CaseState, Outcome};
use opcina_core::publicinfo::information::{AccessForm, DecisionFields, DecisionKind, RequestFields, Requester, quarter};
use opcina_store::docflow::DocOp;
use opcina_store::mail::Letter;
use opcina_store::publicinfo_information::DecisionLetter;
use opcina_store::sql::prelude::*;
use opcina_store::verify::verify;
use opcina_testkit::{Kakanj, backend_test, codes};

fn request(name: &str) -> RequestFields {
    RequestFields {
        name: name.into(),
        address: "Alije Izetbegovića 12, 72240 Kakanj".into(),
        email: "amra@example.ba".into(),
        requester: "media".into(),
        access: "email".into(),
        information: "Ugovori o održavanju javne rasvjete za 2025. godinu,\nsa svim aneksima.".into(),
    }
}

fn letter() -> DecisionLetter {
    Box::new(|case, request, d| Letter { subject: format!("{} {}", case.number, request.language), body: d.summary() })
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn refusal(reasons: &str) -> DecisionFields {
    DecisionFields {
        kind: "partial".into(),
        exemptions: vec!["privacy".into()],
        reasons: reasons.into(),
        public_interest: "Objava imena radnika ne bi služila javnom interesu.".into(),
        given: "Ugovori bez priloga s ličnim podacima.".into(),
        forwarded_to: String::new(),
        appeal_to: "Općinskom načelniku, putem ove službe, u roku od 15 dana od prijema.".into(),
    }
}

backend_test! {
    async fn a_request_is_a_case_decided_on_its_own_page_and_mailed(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = opcina_testkit::docflow::set_up(&k).await;
        let s = &k.store;
        s.set_today(Some(day(2026, 11, 2)));
        // Bad input names every field and registers nothing.
        let bad = RequestFields { name: " ".into(), email: String::new(), requester: "x".into(), ..request("") };
        assert_eq!(
            codes(s.request_information(&bad, "bs").await.unwrap()),
            [
                ("publicinfo.information.required", "name".to_string()),
                ("publicinfo.information.requester_unknown", "requester".to_string()),
                ("publicinfo.information.email_needed", "email".to_string()),
            ]
        );
        let r = s.request_information(&request("Amra Hodžić"), "hr").await.unwrap().unwrap();
        let case = &r.case;
        assert_eq!((case.book.as_str(), case.case_type.as_str(), case.state, case.due_on.as_str()), ("up_i", "informacija", CaseState::Registered, "2026-11-17"));
        assert!(case.subject.starts_with("Zahtjev za pristup informaciji: Ugovori o održavanju"), "{}", case.subject);
        assert_eq!(case.party_contact.as_deref(), Some("amra@example.ba"));
        // The requester follows it like any case.
        assert!(s.track_case(&case.number, &r.access_code).await.unwrap().is_some());
        let item = s.information_request(&k.clerk, case.id).await.unwrap().unwrap();
        let kept = item.request.as_ref().unwrap();
        assert_eq!((kept.requester, kept.access, kept.language.as_str()), (Requester::Media, AccessForm::Email, "hr"));
        assert_eq!(kept.information, "Ugovori o održavanju javne rasvjete za 2025. godinu,\nsa svim aneksima.");

        // Not yet decided while with the registry office; another unit's official reaches
        // nothing; the plain decision of the case page is refused for this kind.
        assert_eq!(codes(s.decide_information(&o.amra, case.id, refusal("x"), letter()).await.unwrap())[0].0, "docflow.case.transition");
        opcina_testkit::docflow::step(s, &k.clerk, case.id, CaseAction::HandOver { unit: "01/1".into(), official: Some("amra".into()), note: None }).await;
        assert_eq!(codes(s.decide_information(&o.selma, case.id, refusal("x"), letter()).await.unwrap()), [("docflow.case.other_unit", String::new())]);
        assert_eq!(codes(s.information_request(&o.selma, case.id).await.unwrap()), [("docflow.case.other_unit", String::new())]);
        let plain = s
            .docflow(&o.amra, DocOp::Step { case_id: case.id, action: Box::new(CaseAction::Decide { outcome: Outcome::Granted, summary: "Odobreno".into() }) })
            .await
            .unwrap();
        assert_eq!(codes(plain), [("docflow.decide.elsewhere", String::new())]);
        // A partial grant without reasons is refused naming the field; nothing is entered.
        assert_eq!(codes(s.decide_information(&o.amra, case.id, refusal(" "), letter()).await.unwrap()), [("publicinfo.information.decision_required", "reasons".to_string())]);
        assert!(s.mail_to("amra@example.ba", 5).await.unwrap().is_empty());

        s.set_today(Some(day(2026, 11, 20)));
        let (decided, row) = s.decide_information(&o.amra, case.id, refusal("Prilozi sadrže lične podatke radnika."), letter()).await.unwrap().unwrap();
        assert_eq!((decided.state, decided.outcome, decided.decided_on.as_deref()), (CaseState::Decided, Some(Outcome::Granted), Some("2026-11-20")));
        assert_eq!((row.kind, row.exemptions.as_str(), row.decided_by.as_str()), (DecisionKind::Partial, "privacy", "amra"));
        let records = s.raw().reads().case_records(case.id).await.unwrap();
        assert_eq!(records.last().unwrap().subject, "Rješenje: djelimično odobren pristup informaciji (izuzetak: čl. 8)");
        let mail = s.mail_to("amra@example.ba", 5).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!(mail[0].subject, format!("{} hr", case.number));
        // Once.
        assert_eq!(codes(s.decide_information(&o.amra, case.id, refusal("y"), letter()).await.unwrap()), [("publicinfo.information.decided", String::new())]);

        // A request that came by post is registered at the counter and is in the register too;
        // an editor reaches no register; an official sees their unit's.
        let (by_post, _) = opcina_testkit::docflow::open(s, &k.clerk, opcina_testkit::docflow::intake("informacija", "Udruženje Zeleni Kakanj", day(2026, 11, 19))).await;
        let register = s.information_register(&k.clerk, 2026).await.unwrap().unwrap();
        assert_eq!(register.iter().map(|i| i.case.id).collect::<Vec<_>>(), [by_post.id, case.id]);
        assert!(register[0].request.is_none() && register[1].decision.is_some());
        assert!(s.information_register(&o.selma, 2026).await.unwrap().unwrap().is_empty());
        assert_eq!(s.information_register(&o.amra, 2026).await.unwrap().unwrap().len(), 2);

        // The figures of the quarter: two received, one decided late (due 17 November),
        // one waiting and not yet due.
        let (from, to) = quarter(2026, 4).unwrap();
        let f = s.information_figures(from, to).await.unwrap();
        assert_eq!((f.received, f.decided, f.on_time, f.late, f.pending, f.overdue, f.appealed), (2, 1, 0, 1, 1, 0, 0));
        let count = |list: &[opcina_core::publicinfo::information::Count], code: &str| list.iter().find(|c| c.code == code).unwrap().count;
        assert_eq!((count(&f.by_requester, "media"), count(&f.by_requester, "unknown")), (1, 1));
        assert_eq!((count(&f.by_decision, "partial"), count(&f.by_exemption, "privacy")), (1, 1));
        s.set_today(None);
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

//! The journalists' desk through the store, on SQLite and PostgreSQL: questions numbered and
//! due in working days, given to a unit or one of its officials by the desk only, replied to
//! by that unit (not another) with the reply mailed and kept, the answer terms set whole or
//! not at all, and the response-time figures of the desk and of citizens' messages.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::NaiveDate;
use opcina_core::publicinfo::desk::{QuestionFields, QuestionState, TermOf};
use opcina_core::publicinfo::message::MessageFields;
use opcina_store::mail::Letter;
use opcina_store::publicinfo_desk::{ReplyLetter, UNASSIGNED};
use opcina_store::verify::verify;
use opcina_testkit::{Kakanj, backend_test, codes};

fn question(subject: &str) -> QuestionFields {
    QuestionFields {
        outlet: "Radio Kakanj".into(),
        name: "Lejla Mušić".into(),
        email: "lejla@radio.example".into(),
        subject: subject.into(),
        text: "Koliko je u budžetu za 2027. planirano za lokalne ceste?".into(),
    }
}

fn letter() -> ReplyLetter {
    Box::new(|q, reply| Letter { subject: format!("{} {}", q.number, q.language), body: reply.to_string() })
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

backend_test! {
    async fn a_question_is_numbered_given_to_a_unit_and_replied_to_by_mail(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = opcina_testkit::docflow::set_up(&k).await;
        let n = opcina_testkit::publicinfo::set_up(&k).await;
        let s = &k.store;
        // Monday 23 November 2026: two working days over Statehood Day end on Thursday.
        s.set_today(Some(day(2026, 11, 23)));
        let q = s.ask_press(question("Budžet za ceste"), "hr").await.unwrap().unwrap();
        assert_eq!((q.number.as_str(), q.channel.as_str(), q.state, q.due_on.as_str()), ("N-2026-00001", "web", QuestionState::Received, "2026-11-26"));
        let bad = QuestionFields { email: "lejla@".into(), outlet: " ".into(), ..question("A\u{7}") };
        assert_eq!(
            codes(s.ask_press(bad, "bs").await.unwrap()),
            [
                ("publicinfo.question.required", "outlet".to_string()),
                ("publicinfo.contact.email_invalid", "email".to_string()),
                ("publicinfo.field.control_character", "subject".to_string())
            ]
        );
        // Only the desk takes questions down; the refused one took no number.
        assert_eq!(codes(s.take_press_question(&o.amra, question("Telefonom"), "bs").await.unwrap()), [("publicinfo.permission", String::new())]);
        let taken = s.take_press_question(&n.press, question("Telefonom"), "sr-cyrl").await.unwrap().unwrap();
        assert_eq!((taken.number.as_str(), taken.channel.as_str()), ("N-2026-00002", "desk"));

        // An official sees nothing until their unit is given it, and may not give it.
        assert!(s.press_desk(&o.selma).await.unwrap().unwrap().is_empty());
        assert_eq!(codes(s.assign_question(&o.selma, q.id, "04", "selma").await.unwrap()), [("publicinfo.permission", String::new())]);
        assert_eq!(codes(s.press_question(&o.selma, q.id).await.unwrap()), [("publicinfo.permission", String::new())]);
        // The desk gives it: an official of another unit, or an unknown unit, is refused.
        assert_eq!(codes(s.assign_question(&n.press, q.id, "04", "amra").await.unwrap()), [("publicinfo.question.assignee_unknown", "assignee".to_string())]);
        assert_eq!(codes(s.assign_question(&n.press, q.id, "99", "").await.unwrap()), [("publicinfo.question.unit_unknown", "unit".to_string())]);
        let given = s.assign_question(&n.press, q.id, "04", "selma").await.unwrap().unwrap();
        assert_eq!((given.state, given.unit_code.as_deref(), given.assignee.as_deref(), given.assigned_by.as_deref()), (QuestionState::Assigned, Some("04"), Some("selma"), Some("pr")));
        assert_eq!(s.press_desk(&o.selma).await.unwrap().unwrap().len(), 1);
        assert!(s.press_desk(&o.amra).await.unwrap().unwrap().is_empty(), "another unit does not see it");
        let all = s.press_desk(&n.press).await.unwrap().unwrap();
        assert_eq!(all.iter().map(|q| q.number.as_str()).collect::<Vec<_>>(), ["N-2026-00001", "N-2026-00002"], "by due day");

        // Another unit may not reply; an empty reply is refused naming the field.
        assert_eq!(codes(s.reply_question(&o.amra, q.id, "Ne znam.", letter()).await.unwrap()), [("publicinfo.permission", String::new())]);
        assert_eq!(codes(s.reply_question(&o.selma, q.id, " \n ", letter()).await.unwrap()), [("publicinfo.question.required", "reply".to_string())]);
        s.set_today(Some(day(2026, 11, 27)));
        let replied = s.reply_question(&o.selma, q.id, "Planirano je 1,2 miliona KM.", letter()).await.unwrap().unwrap();
        assert_eq!((replied.state, replied.reply.as_deref(), replied.answered_on.as_deref()), (QuestionState::Answered, Some("Planirano je 1,2 miliona KM."), Some("2026-11-27")));
        let mail = s.mail_to("lejla@radio.example", 5).await.unwrap();
        assert_eq!(mail.len(), 1);
        assert_eq!((mail[0].subject.as_str(), mail[0].body.as_str()), ("N-2026-00001 hr", "Planirano je 1,2 miliona KM."));
        // Once: neither a second reply nor a new assignment.
        assert_eq!(codes(s.reply_question(&n.press, q.id, "Još.", letter()).await.unwrap()), [("publicinfo.question.answered", String::new())]);
        assert_eq!(codes(s.assign_question(&n.press, q.id, "01/1", "").await.unwrap()), [("publicinfo.question.answered", String::new())]);
        // The desk replies to one still with it, to the whole unit's list.
        s.assign_question(&n.press, taken.id, "01/1", "").await.unwrap().unwrap();
        s.reply_question(&o.haris, taken.id, "Odgovor.", letter()).await.unwrap().unwrap();

        // The figures: 04 answered one a day late (due Thursday, replied Friday).
        let f = s.response_figures(&o.amra, 2026).await.unwrap().unwrap();
        let u04 = f.press.iter().find(|f| f.unit == "04").unwrap();
        assert_eq!((u04.received, u04.answered, u04.on_time, u04.median_days), (1, 1, 0, Some(3)));
        assert!(f.messages.is_empty());
        assert_eq!(codes(s.response_figures(&n.editor, 2026).await.unwrap()), [("publicinfo.permission", String::new())]);
        s.set_today(None);
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn the_answer_terms_are_set_whole_and_apply_to_what_comes_after(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let o = opcina_testkit::docflow::set_up(&k).await;
        let n = opcina_testkit::publicinfo::set_up(&k).await;
        let s = &k.store;
        s.set_today(Some(day(2026, 12, 7)));
        let terms = s.answer_terms().await.unwrap();
        assert_eq!((terms.messages, terms.press), (15, 2), "the defaults");
        let message = |subject: &str| MessageFields {
            kind: "question".into(),
            unit: "04".into(),
            name: "Ivana Jurić".into(),
            email: "ivana@example.test".into(),
            subject: subject.into(),
            text: "Kada?".into(),
            publish: false,
        };
        let (before, _) = s.send_message(message("Prije"), "bs").await.unwrap().unwrap();
        assert_eq!(before.due_on, "2026-12-22");

        // Only the desk and the administrator set them; a wrong one sets neither.
        assert_eq!(codes(s.set_answer_terms(&o.amra, &[(TermOf::Press, "3")]).await.unwrap()), [("publicinfo.permission", String::new())]);
        assert_eq!(
            codes(s.set_answer_terms(&n.press, &[(TermOf::Messages, "8"), (TermOf::Press, "0")]).await.unwrap()),
            [("publicinfo.term.invalid", "press_days".to_string())]
        );
        assert_eq!(s.answer_terms().await.unwrap().messages, 15, "nothing half-set");
        let set = s.set_answer_terms(&k.admin, &[(TermOf::Messages, " 8 "), (TermOf::Press, "5")]).await.unwrap().unwrap();
        assert_eq!((set.messages, set.press), (8, 5));
        // Setting the same again writes nothing.
        let head = s.raw().journal_head().await.unwrap();
        s.set_answer_terms(&n.press, &[(TermOf::Messages, "8"), (TermOf::Press, "5")]).await.unwrap().unwrap();
        assert_eq!(s.raw().journal_head().await.unwrap(), head);

        // Monday 7 December + 8 days: Tuesday the 15th; + 5 working days: Monday the 14th.
        let (after, _) = s.send_message(message("Poslije"), "bs").await.unwrap().unwrap();
        assert_eq!(after.due_on, "2026-12-15");
        assert_eq!(s.message_inbox(&o.selma).await.unwrap().unwrap().iter().find(|m| m.id == before.id).unwrap().due_on, "2026-12-22", "what came before keeps its day");
        let q = s.ask_press(question("Rok"), "en").await.unwrap().unwrap();
        assert_eq!(q.due_on, "2026-12-14");

        // The figures count the messages by unit; a question not given to a unit, apart.
        let f = s.response_figures(&n.press, 2026).await.unwrap().unwrap();
        let u04 = f.messages.iter().find(|f| f.unit == "04").unwrap();
        assert_eq!((u04.received, u04.open, u04.overdue, u04.answered), (2, 2, 0, 0));
        let unassigned = f.press.iter().find(|f| f.unit == UNASSIGNED).unwrap();
        assert_eq!((unassigned.received, unassigned.open), (1, 1));
        s.set_today(None);
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn an_accreditation_is_requested_decided_by_the_desk_and_mailed(db: TestDb) {
        use opcina_core::publicinfo::desk::{AccreditationFields, AccreditationState};
        use opcina_store::publicinfo_desk::AccreditationLetter;
        let k = Kakanj::set_up(&db).await;
        let o = opcina_testkit::docflow::set_up(&k).await;
        let n = opcina_testkit::publicinfo::set_up(&k).await;
        let s = &k.store;
        s.set_today(Some(day(2026, 12, 7)));
        let letter = || -> AccreditationLetter { Box::new(|a| Letter { subject: format!("{} {}", a.number, a.state.as_str()), body: a.reason.clone() }) };
        let event = |email: &str| AccreditationFields {
            outlet: "TV Kakanj".into(),
            name: "Amel Begić".into(),
            email: email.into(),
            kind: "event".into(),
            event: "Sjednica Općinskog vijeća".into(),
            event_on: "2026-12-10".into(),
        };
        let a = s.request_accreditation(event("amel@tv.example"), "bs").await.unwrap().unwrap();
        assert_eq!((a.number.as_str(), a.state, a.valid_until.as_str()), ("A-2026-00001", AccreditationState::Requested, "2026-12-10"));
        let past = AccreditationFields { event_on: "2026-12-01".into(), ..event("x@tv.example") };
        assert_eq!(codes(s.request_accreditation(past, "bs").await.unwrap()), [("publicinfo.accreditation.event_past", "event_on".to_string())]);
        let year = AccreditationFields { kind: "year".into(), ..event("lejla@radio.example") };
        let y = s.request_accreditation(year, "hr").await.unwrap().unwrap();
        assert_eq!((y.number.as_str(), y.valid_until.as_str(), y.event.as_str()), ("A-2026-00002", "2026-12-31", ""));

        // The desk alone decides; refusing needs a reason; each decision is mailed.
        assert_eq!(codes(s.decide_accreditation(&o.amra, a.id, AccreditationState::Granted, "", letter()).await.unwrap()), [("publicinfo.permission", String::new())]);
        assert_eq!(codes(s.accreditations(&o.amra).await.unwrap()), [("publicinfo.permission", String::new())]);
        assert_eq!(codes(s.decide_accreditation(&n.press, y.id, AccreditationState::Refused, " ", letter()).await.unwrap()), [("publicinfo.accreditation.reason_required", "reason".to_string())]);
        assert_eq!(codes(s.decide_accreditation(&n.press, a.id, AccreditationState::Revoked, "x", letter()).await.unwrap()), [("publicinfo.accreditation.not_now", String::new())]);
        let granted = s.decide_accreditation(&n.press, a.id, AccreditationState::Granted, "", letter()).await.unwrap().unwrap();
        assert_eq!((granted.state, granted.decided_by.as_deref()), (AccreditationState::Granted, Some("pr")));
        s.decide_accreditation(&n.approver, y.id, AccreditationState::Refused, "Medij nije registrovan.", letter()).await.unwrap().unwrap();
        let listed = s.accreditations(&n.press).await.unwrap().unwrap();
        assert_eq!(listed.iter().map(|a| a.number.as_str()).collect::<Vec<_>>(), ["A-2026-00001", "A-2026-00002"], "valid, then the others");
        let revoked = s.decide_accreditation(&n.press, a.id, AccreditationState::Revoked, "Ometao rad sjednice.", letter()).await.unwrap().unwrap();
        assert_eq!((revoked.state, revoked.reason.as_str()), (AccreditationState::Revoked, "Ometao rad sjednice."));
        let mail = s.mail_to("amel@tv.example", 5).await.unwrap();
        let mut subjects: Vec<_> = mail.iter().map(|m| m.subject.as_str()).collect();
        subjects.sort_unstable();
        assert_eq!(subjects, ["A-2026-00001 granted", "A-2026-00001 revoked"]);
        assert_eq!(s.mail_to("lejla@radio.example", 5).await.unwrap()[0].body, "Medij nije registrovan.");
        s.set_today(None);
        assert!(verify(s.raw(), &|_| {}).await.unwrap().ok());
    }
}

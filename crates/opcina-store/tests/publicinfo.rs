//! The website's pieces through the store, on SQLite and PostgreSQL: the editorial workflow
//! by role, embargo (nothing visible before its time), corrections kept and shown,
//! withdrawal, fallbacks, filters and paging, and the journal over all of it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use opcina_core::Refusal;
use opcina_core::publicinfo::piece::{PieceAction, PieceFacts, PieceKind, PieceState, PieceText};
use opcina_core::registry::Timestamp;
use opcina_store::publicinfo::{PieceDone, PieceOp};
use opcina_store::sql::publicinfo::{PieceCursor, PieceFilter};
use opcina_store::verify::verify;
use opcina_testkit::publicinfo::{self, bosnian, facts, publish, step};
use opcina_testkit::{Kakanj, backend_test};

fn code(done: Result<PieceDone, Refusal>) -> Vec<&'static str> {
    match done {
        Ok(d) => panic!("not refused: {d:?}"),
        Err(r) => r.errors.iter().map(|e| e.code).collect(),
    }
}

backend_test! {
    async fn a_piece_goes_from_draft_to_the_website_by_role(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let n = publicinfo::set_up(&k).await;
        let text = bosnian("Radovi na putu Kakanj – Vareš", "Put će biti zatvoren dva dana.", "Prvi pasus.\n\nDrugi pasus.");
        // A registrar does not edit the website.
        let refused = k.store.piece(&k.registrar, PieceOp::Create { facts: facts("news"), text: text.clone() }).await.unwrap();
        assert_eq!(code(refused), ["publicinfo.permission"]);
        let done = k.store.piece(&n.editor, PieceOp::Create { facts: facts("news"), text: text.clone() }).await.unwrap().unwrap();
        let id = done.piece.id;
        assert_eq!(done.piece.slug, "radovi-na-putu-kakanj-vares");
        assert_eq!(done.piece.state, PieceState::Draft);
        // A second piece with the same title gets its own address.
        let twin = k.store.piece(&n.editor, PieceOp::Create { facts: facts("news"), text: text.clone() }).await.unwrap().unwrap();
        assert_eq!(twin.piece.slug, "radovi-na-putu-kakanj-vares-2");
        // Nothing of a draft is public.
        assert!(k.store.public_piece(&done.piece.slug).await.unwrap().is_none());
        // An editor cannot publish or approve; the state must allow the step.
        assert_eq!(code(k.store.piece(&n.editor, PieceOp::Step { piece_id: id, action: PieceAction::Publish, reason: String::new(), publish_at: None }).await.unwrap()), ["publicinfo.step.not_now"]);
        step(&k, &n.editor, id, PieceAction::Submit, "", None).await;
        assert_eq!(code(k.store.piece(&n.editor, PieceOp::Step { piece_id: id, action: PieceAction::Approve, reason: String::new(), publish_at: None }).await.unwrap()), ["publicinfo.permission"]);
        // The PR officer edits in review; then the approver who wrote the last text may not approve it.
        let edited = PieceText { body: "Prvi pasus, dopunjen.\n\nDrugi pasus.".into(), ..text.clone() };
        k.store.piece(&n.approver, PieceOp::Save { piece_id: id, facts: None, text: Some(edited), reason: String::new() }).await.unwrap().unwrap();
        assert_eq!(code(k.store.piece(&n.approver, PieceOp::Step { piece_id: id, action: PieceAction::Approve, reason: String::new(), publish_at: None }).await.unwrap()), ["publicinfo.approve.own_text"]);
        // A return needs a reason.
        assert_eq!(code(k.store.piece(&n.press, PieceOp::Step { piece_id: id, action: PieceAction::Return, reason: "  ".into(), publish_at: None }).await.unwrap()), ["publicinfo.reason.required"]);
        step(&k, &n.approver2, id, PieceAction::Approve, "", None).await;
        let published = step(&k, &n.press, id, PieceAction::Publish, "", None).await.piece;
        assert_eq!(published.state, PieceState::Published);
        let page = k.store.public_piece(&published.slug).await.unwrap().expect("visible once published");
        assert_eq!(page.texts.len(), 1);
        assert_eq!(page.texts[0].body, "Prvi pasus, dopunjen.\n\nDrugi pasus.");
        assert!(page.corrections.is_empty());
        // Every step is kept, in order.
        let sheet = k.store.newsroom_piece(&n.editor, id).await.unwrap().unwrap();
        let actions: Vec<_> = sheet.steps.iter().map(|s| s.action.as_str()).collect();
        assert_eq!(actions, ["write", "submit", "write", "approve", "publish"]);
        assert_eq!(code_of(k.store.newsroom_piece(&k.clerk, id).await.unwrap()), "publicinfo.permission");
        assert!(verify(k.store.raw(), &|_| {}).await.unwrap().ok());
    }
}

fn code_of<T: std::fmt::Debug>(r: Result<T, Refusal>) -> &'static str {
    r.expect_err("refused").errors[0].code
}

backend_test! {
    async fn nothing_of_an_embargoed_piece_is_visible_before_its_time(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let n = publicinfo::set_up(&k).await;
        let at = Timestamp(k.store.now().0 + 1_500_000);
        let piece = publish(&k, &n, facts("announcement"), bosnian("Budžet za 2027.", "Prijedlog budžeta.", "Tekst."), Some(at)).await;
        assert_eq!(piece.publish_at, Some(at.0));
        assert!(k.store.public_piece(&piece.slug).await.unwrap().is_none(), "no page before its time");
        assert!(k.store.public_pieces(&PieceFilter::default(), None, 20).await.unwrap().is_empty(), "no list or feed entry");
        assert!(k.store.site_map().await.unwrap().is_empty(), "not in the site map");
        // A time in the past is now: publishing cannot be backdated.
        let other = publish(&k, &n, facts("news"), bosnian("Odmah", "", "Tekst."), Some(Timestamp(1))).await;
        assert!(other.publish_at.unwrap() > 1_000_000);
        tokio::time::sleep(Duration::from_millis(1_600)).await;
        assert!(k.store.public_piece(&piece.slug).await.unwrap().is_some(), "visible once its time came");
        let all = k.store.public_pieces(&PieceFilter::default(), None, 20).await.unwrap();
        assert_eq!(all.iter().map(|p| p.piece.id).collect::<Vec<_>>(), [piece.id, other.id], "newest first");
    }
}

backend_test! {
    async fn corrections_are_kept_and_shown_and_withdrawal_hides(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let n = publicinfo::set_up(&k).await;
        let piece = publish(&k, &n, facts("news"), bosnian("Sjednica vijeća", "Sažetak.", "Sjednica je 12. decembra."), None).await;
        let fixed = bosnian("Sjednica vijeća", "Sažetak.", "Sjednica je 14. decembra.");
        // A correction says why; an editor cannot correct a published piece.
        let no_reason = k.store.piece(&n.press, PieceOp::Save { piece_id: piece.id, facts: None, text: Some(fixed.clone()), reason: String::new() }).await.unwrap();
        assert_eq!(code(no_reason), ["publicinfo.reason.required"]);
        let by_editor = k.store.piece(&n.editor, PieceOp::Save { piece_id: piece.id, facts: None, text: Some(fixed.clone()), reason: "datum".into() }).await.unwrap();
        assert_eq!(code(by_editor), ["publicinfo.permission"]);
        let done = k.store.piece(&n.press, PieceOp::Save { piece_id: piece.id, facts: None, text: Some(fixed.clone()), reason: "Pogrešan datum sjednice".into() }).await.unwrap().unwrap();
        assert_eq!(done.step.as_ref().unwrap().action, PieceAction::Correct);
        assert!(done.piece.corrected_at.is_some());
        // Saving the same text again changes nothing and records nothing.
        let same = k.store.piece(&n.press, PieceOp::Save { piece_id: piece.id, facts: None, text: Some(fixed), reason: "opet".into() }).await.unwrap().unwrap();
        assert!(same.step.is_none());
        let page = k.store.public_piece(&piece.slug).await.unwrap().unwrap();
        assert_eq!(page.texts[0].body, "Sjednica je 14. decembra.");
        assert_eq!(page.corrections.iter().map(|c| c.reason.as_str()).collect::<Vec<_>>(), ["Pogrešan datum sjednice"]);
        // Its kind stays once published.
        let kind = k.store.piece(&n.press, PieceOp::Save { piece_id: piece.id, facts: Some(facts("announcement")), text: None, reason: "vrsta".into() }).await.unwrap();
        assert_eq!(code(kind), ["publicinfo.kind.fixed"]);
        // Withdrawn: gone from every public list; reopened: a draft again.
        assert_eq!(code(k.store.piece(&n.press, PieceOp::Step { piece_id: piece.id, action: PieceAction::Unpublish, reason: String::new(), publish_at: None }).await.unwrap()), ["publicinfo.reason.required"]);
        let gone = step(&k, &n.press, piece.id, PieceAction::Unpublish, "Objavljeno greškom", None).await.piece;
        assert_eq!(gone.unpublished_reason.as_deref(), Some("Objavljeno greškom"));
        assert!(k.store.public_piece(&piece.slug).await.unwrap().is_none());
        assert!(k.store.site_map().await.unwrap().is_empty());
        let draft = step(&k, &n.editor, piece.id, PieceAction::Reopen, "", None).await.piece;
        assert_eq!((draft.state, draft.publish_at, draft.unpublished_reason), (PieceState::Draft, None, None));
        assert!(verify(k.store.raw(), &|_| {}).await.unwrap().ok());
    }
}

backend_test! {
    async fn bad_pieces_are_refused_whole_with_every_field_named(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let n = publicinfo::set_up(&k).await;
        let head = k.store.raw().journal_head().await.unwrap();
        let bad = PieceOp::Create {
            facts: PieceFacts { kind: "act".into(), closes_on: "sutra".into(), ..PieceFacts::default() },
            text: PieceText { language: "de".into(), title: "  ".into(), summary: "\u{202E}".into(), body: "<script>alert(1)</script>".into() },
        };
        let refusal = k.store.piece(&n.editor, bad).await.unwrap().unwrap_err();
        let fields: Vec<_> = refusal.errors.iter().map(|e| (e.code, e.field.as_deref().unwrap_or(""))).collect();
        assert_eq!(
            fields,
            [
                ("publicinfo.gazette.required", "gazette"),
                ("publicinfo.closes_on.invalid", "closes_on"),
                ("publicinfo.language.unknown", "language"),
                ("publicinfo.title.required", "title"),
                ("publicinfo.field.control_character", "summary"),
            ]
        );
        assert_eq!(k.store.raw().journal_head().await.unwrap(), head, "nothing written");
        // Markup is text: kept as typed, escaped wherever it is shown.
        let done = k.store.piece(&n.editor, PieceOp::Create { facts: facts("news"), text: bosnian("<b>Naslov</b>", "", "<script>alert(1)</script>") }).await.unwrap().unwrap();
        assert_eq!(done.piece.slug, "b-naslov-b");
        // A piece goes to review with its Bosnian text.
        let english = PieceText { language: "en".into(), title: "Roadworks".into(), summary: String::new(), body: String::new() };
        let en = k.store.piece(&n.editor, PieceOp::Create { facts: facts("news"), text: english }).await.unwrap().unwrap();
        assert_eq!(code(k.store.piece(&n.editor, PieceOp::Step { piece_id: en.piece.id, action: PieceAction::Submit, reason: String::new(), publish_at: None }).await.unwrap()), ["publicinfo.text.bosnian_required"]);
        assert_eq!(code(k.store.piece(&n.editor, PieceOp::Step { piece_id: 999_999, action: PieceAction::Submit, reason: String::new(), publish_at: None }).await.unwrap()), ["publicinfo.piece.not_found"]);
    }
}

backend_test! {
    async fn lists_filter_by_kind_category_tag_and_community_and_page_without_gaps(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let n = publicinfo::set_up(&k).await;
        let mut ids = Vec::new();
        for i in 0..7 {
            let facts = PieceFacts {
                kind: if i % 2 == 0 { "news" } else { "announcement" }.into(),
                category: if i < 3 { "Privreda" } else { "Kultura" }.into(),
                tags: if i == 4 { "Mladi, stipendije" } else { "" }.into(),
                local_community: if i == 5 { "Kraljeva Sutjeska" } else { "" }.into(),
                ..PieceFacts::default()
            };
            ids.push(publish(&k, &n, facts, bosnian(&format!("Objava {i}"), "", "Tekst."), None).await.id);
        }
        let call = PieceFacts { kind: "public_call".into(), closes_on: (k.store.today() + chrono::Days::new(3)).format("%Y-%m-%d").to_string(), ..PieceFacts::default() };
        let call = publish(&k, &n, call, bosnian("Javni poziv za stipendije", "", "Tekst."), None).await;
        let closed = PieceFacts { kind: "public_call".into(), closes_on: "2020-01-01".into(), ..PieceFacts::default() };
        publish(&k, &n, closed, bosnian("Stari poziv", "", "Tekst."), None).await;
        let page = publish(&k, &n, facts("page"), bosnian("O općini", "", "Tekst."), None).await;
        let list = |f: PieceFilter| {
            let store = k.store.clone();
            async move { store.public_pieces(&f, None, 50).await.unwrap().into_iter().map(|p| p.piece.id).collect::<Vec<_>>() }
        };
        assert!(!list(PieceFilter::default()).await.contains(&page.id), "standing pages are not news");
        assert_eq!(list(PieceFilter { kind: Some(PieceKind::Page), ..PieceFilter::default() }).await, [page.id]);
        assert_eq!(list(PieceFilter { kind: Some(PieceKind::News), ..PieceFilter::default() }).await, [ids[6], ids[4], ids[2], ids[0]]);
        assert_eq!(list(PieceFilter { category: Some("privreda".into()), ..PieceFilter::default() }).await, [ids[2], ids[1], ids[0]]);
        assert_eq!(list(PieceFilter { tag: Some("stipendije".into()), ..PieceFilter::default() }).await, [ids[4]]);
        assert_eq!(list(PieceFilter { local_community: Some("kraljeva-sutjeska".into()), ..PieceFilter::default() }).await, [ids[5]]);
        let open: Vec<_> = k.store.open_calls(10).await.unwrap().into_iter().map(|p| p.piece.id).collect();
        assert_eq!(open, [call.id], "a closed call is not open");
        // Pages of three follow each other without a gap or a repeat.
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = k.store.public_pieces(&PieceFilter::default(), cursor, 3).await.unwrap();
            seen.extend(page.iter().map(|p| p.piece.id));
            if page.len() < 3 {
                break;
            }
            let last = &page.last().unwrap().piece;
            cursor = Some(PieceCursor { publish_at: last.publish_at.unwrap(), id: last.id });
        }
        let mut expected = list(PieceFilter::default()).await;
        assert_eq!(seen, expected);
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(expected.len(), seen.len());
    }
}

backend_test! {
    async fn translations_are_kept_per_language(db: TestDb) {
        let k = Kakanj::set_up(&db).await;
        let n = publicinfo::set_up(&k).await;
        let piece = publish(&k, &n, facts("news"), bosnian("Vijest", "", "Tekst."), None).await;
        let english = PieceText { language: "en".into(), title: "News".into(), summary: String::new(), body: "Text.".into() };
        k.store.piece(&n.press, PieceOp::Save { piece_id: piece.id, facts: None, text: Some(english), reason: "Dodan prijevod".into() }).await.unwrap().unwrap();
        let page = k.store.public_piece(&piece.slug).await.unwrap().unwrap();
        let languages: Vec<_> = page.texts.iter().map(|t| t.language.as_str()).collect();
        assert_eq!(languages, ["bs", "en"]);
    }
}

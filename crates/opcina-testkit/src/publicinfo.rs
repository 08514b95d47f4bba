//! The website's editors on the Kakanj test node, and a piece taken all the way to
//! publication.

use opcina_core::publicinfo::piece::{PieceAction, PieceFacts, PieceText};
use opcina_core::registry::{Actor, Role, Timestamp};
use opcina_store::admin::UserSpec;
use opcina_store::publicinfo::{PieceDone, PieceOp};
use opcina_store::publicinfo_rows::PieceRow;

use crate::Kakanj;

/// The newsroom of the Kakanj test node.
pub struct Newsroom {
    pub editor: Actor,
    pub press: Actor,
    pub approver: Actor,
    /// A second approver (nobody approves their own text).
    pub approver2: Actor,
}

/// Adds the website's editors.
pub async fn set_up(k: &Kakanj) -> Newsroom {
    let system = Actor::system("test");
    let mut actors = Vec::new();
    for (username, role) in
        [("urednik", Role::Editor), ("pr", Role::PressOfficer), ("kabinet", Role::Approver), ("kabinet2", Role::Approver)]
    {
        let spec = UserSpec { username: username.into(), full_name: format!("{username} (web)"), role, office: None };
        k.store.add_user(&system, &spec).await.expect("add an editor");
        actors.push(Actor { username: username.into(), role, office: None });
    }
    let mut actors = actors.into_iter();
    let mut next = || actors.next().expect("actor");
    Newsroom { editor: next(), press: next(), approver: next(), approver2: next() }
}

/// Facts of a piece of `kind` with nothing else.
pub fn facts(kind: &str) -> PieceFacts {
    PieceFacts { kind: kind.into(), ..PieceFacts::default() }
}

/// A Bosnian text.
pub fn bosnian(title: &str, summary: &str, body: &str) -> PieceText {
    PieceText { language: "bs".into(), title: title.into(), summary: summary.into(), body: body.into() }
}

/// Takes a step, expecting it to be accepted.
pub async fn step(k: &Kakanj, actor: &Actor, piece_id: i64, action: PieceAction, reason: &str, publish_at: Option<Timestamp>) -> PieceDone {
    k.store
        .piece(actor, PieceOp::Step { piece_id, action, reason: reason.into(), publish_at })
        .await
        .expect("the store answers")
        .unwrap_or_else(|r| panic!("{} refused: {r}", action.as_str()))
}

/// Writes, submits, approves and publishes a piece (visible from `publish_at`, now when
/// `None`).
pub async fn publish(k: &Kakanj, n: &Newsroom, facts: PieceFacts, text: PieceText, publish_at: Option<Timestamp>) -> PieceRow {
    let done = k.store.piece(&n.editor, PieceOp::Create { facts, text }).await.expect("the store answers").expect("created");
    let id = done.piece.id;
    step(k, &n.editor, id, PieceAction::Submit, "", None).await;
    step(k, &n.approver, id, PieceAction::Approve, "", None).await;
    step(k, &n.press, id, PieceAction::Publish, "", publish_at).await.piece
}

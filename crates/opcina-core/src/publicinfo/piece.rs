//! A piece the municipality publishes, and the editorial workflow that puts it on the
//! website: an editor writes a draft and submits it for review; the PR officer reviews it
//! (and may edit it or return it); an approver approves it — never the person who wrote its
//! latest text; the PR officer or an approver publishes it, now or at a set time (until
//! then nothing of it is visible: not the page, not a feed, not the site map). A published
//! piece is corrected openly (each correction keeps its reason and time, and the page says
//! "updated on …"), or withdrawn with a reason and, if need be, reopened as a draft.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::registry::Role;

use super::key;

/// What kind of piece.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PieceKind {
    /// Vijest.
    News,
    /// Obavještenje.
    Announcement,
    /// Javni poziv or konkurs: open until a closing day.
    PublicCall,
    /// An act of the municipal council or the mayor, with its number in the official gazette.
    Act,
    /// A standing page: about the municipality, departments and contacts, local communities.
    Page,
}

impl PieceKind {
    pub const ALL: [PieceKind; 5] = [PieceKind::News, PieceKind::Announcement, PieceKind::PublicCall, PieceKind::Act, PieceKind::Page];

    pub fn as_str(self) -> &'static str {
        match self {
            PieceKind::News => "news",
            PieceKind::Announcement => "announcement",
            PieceKind::PublicCall => "public_call",
            PieceKind::Act => "act",
            PieceKind::Page => "page",
        }
    }

    pub fn parse(s: &str) -> Option<PieceKind> {
        PieceKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Where a piece stands in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PieceState {
    Draft,
    /// Submitted: with the PR officer.
    InReview,
    /// Approved, waiting to be published.
    Approved,
    /// Published (visible from its publishing time on).
    Published,
    /// Withdrawn from the website, with a reason.
    Unpublished,
}

impl PieceState {
    pub const ALL: [PieceState; 5] =
        [PieceState::Draft, PieceState::InReview, PieceState::Approved, PieceState::Published, PieceState::Unpublished];

    pub fn as_str(self) -> &'static str {
        match self {
            PieceState::Draft => "draft",
            PieceState::InReview => "in_review",
            PieceState::Approved => "approved",
            PieceState::Published => "published",
            PieceState::Unpublished => "unpublished",
        }
    }

    pub fn parse(s: &str) -> Option<PieceState> {
        PieceState::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PieceAction {
    /// Written (a new piece, or a text saved while it is a draft or in review).
    Write,
    /// Draft → in review.
    Submit,
    /// In review or approved → draft, with a reason.
    Return,
    /// In review → approved.
    Approve,
    /// Approved → published (now or at a set time).
    Publish,
    /// A published piece's text changed, with a reason shown to readers.
    Correct,
    /// Published → unpublished, with a reason.
    Unpublish,
    /// Unpublished → draft.
    Reopen,
}

impl PieceAction {
    pub const ALL: [PieceAction; 8] = [
        PieceAction::Write,
        PieceAction::Submit,
        PieceAction::Return,
        PieceAction::Approve,
        PieceAction::Publish,
        PieceAction::Correct,
        PieceAction::Unpublish,
        PieceAction::Reopen,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PieceAction::Write => "write",
            PieceAction::Submit => "submit",
            PieceAction::Return => "return",
            PieceAction::Approve => "approve",
            PieceAction::Publish => "publish",
            PieceAction::Correct => "correct",
            PieceAction::Unpublish => "unpublish",
            PieceAction::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<PieceAction> {
        PieceAction::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Steps that must say why (a return, a correction, a withdrawal).
    pub fn needs_reason(self) -> bool {
        matches!(self, PieceAction::Return | PieceAction::Correct | PieceAction::Unpublish)
    }
}

/// The roles that work on the website.
pub const EDITORS: [Role; 3] = [Role::Editor, Role::PressOfficer, Role::Approver];

/// Whether `role` may take `action` on a piece in `state`, and the state it leads to.
/// `wrote_last` says whether the actor wrote the piece's latest text (an approver may not
/// approve their own text).
pub fn step(role: Role, action: PieceAction, state: PieceState, wrote_last: bool) -> Result<PieceState, FieldError> {
    use PieceAction as A;
    use PieceState as S;
    let (allowed, next): (&[Role], Option<PieceState>) = match (action, state) {
        (A::Write, S::Draft) => (&[Role::Editor, Role::PressOfficer, Role::Approver], Some(S::Draft)),
        (A::Write, S::InReview) => (&[Role::PressOfficer, Role::Approver], Some(S::InReview)),
        (A::Submit, S::Draft) => (&[Role::Editor, Role::PressOfficer, Role::Approver], Some(S::InReview)),
        (A::Return, S::InReview | S::Approved) => (&[Role::PressOfficer, Role::Approver], Some(S::Draft)),
        (A::Approve, S::InReview) => (&[Role::Approver], Some(S::Approved)),
        (A::Publish, S::Approved) => (&[Role::PressOfficer, Role::Approver], Some(S::Published)),
        (A::Correct, S::Published) => (&[Role::PressOfficer, Role::Approver], Some(S::Published)),
        (A::Unpublish, S::Published) => (&[Role::PressOfficer, Role::Approver], Some(S::Unpublished)),
        (A::Reopen, S::Unpublished) => (&[Role::Editor, Role::PressOfficer, Role::Approver], Some(S::Draft)),
        _ => (&[], None),
    };
    let Some(next) = next else {
        return Err(FieldError::new(
            "publicinfo.step.not_now",
            "action",
            format!("a piece that is {} cannot be taken the step {}", state.as_str(), action.as_str()),
        ));
    };
    if !allowed.contains(&role) {
        return Err(FieldError::general(
            "publicinfo.permission",
            format!("a user with the role {role} may not take the step {} on a piece that is {}", action.as_str(), state.as_str()),
        ));
    }
    if action == A::Approve && wrote_last {
        return Err(FieldError::general("publicinfo.approve.own_text", "the latest text is yours: another approver must approve it"));
    }
    Ok(next)
}

/// The languages a piece's text is written in. Serbian is written once and shown in either
/// script; a page in a language without a text shows the Bosnian one, and says so.
pub const LANGUAGES: [&str; 4] = ["bs", "hr", "sr", "en"];

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_SUMMARY_CHARS: usize = 600;
pub const MAX_BODY_CHARS: usize = 100_000;
pub const MAX_LABEL_CHARS: usize = 80;
pub const MAX_TAGS: usize = 12;
pub const MAX_REASON_CHARS: usize = 1_000;

/// What describes a piece apart from its texts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PieceFacts {
    /// `news`, `announcement`, `public_call`, `act` or `page`.
    pub kind: String,
    /// A category (`Privreda`, `Kultura`); empty for none.
    #[serde(default)]
    pub category: String,
    /// Tags, comma-separated.
    #[serde(default)]
    pub tags: String,
    /// The local community (mjesna zajednica) the piece concerns; empty for the whole
    /// municipality.
    #[serde(default)]
    pub local_community: String,
    /// The act's number in the official gazette (`Službeni glasnik Općine Kakanj 5/2026`).
    #[serde(default)]
    pub gazette: String,
    /// The last day a public call is open (`YYYY-MM-DD`).
    #[serde(default)]
    pub closes_on: String,
}

/// A piece's facts, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFacts {
    pub kind: PieceKind,
    pub category: String,
    pub tags: Vec<String>,
    pub local_community: String,
    pub gazette: Option<String>,
    pub closes_on: Option<NaiveDate>,
}

/// The text of a piece in one language.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PieceText {
    /// `bs`, `hr`, `sr` or `en`.
    pub language: String,
    pub title: String,
    /// One or two sentences: the list, the feed and a shared link show it.
    #[serde(default)]
    pub summary: String,
    /// Paragraphs separated by an empty line.
    #[serde(default)]
    pub body: String,
}

fn one_line(field: &str, value: &str, max: usize, errors: &mut Vec<FieldError>) {
    super::text::line(field, value, max, None, errors);
}

/// Checks a piece's facts: every problem at once.
pub fn check_facts(facts: &PieceFacts) -> Result<CheckedFacts, Vec<FieldError>> {
    let mut errors = Vec::new();
    let kind = PieceKind::parse(facts.kind.trim());
    if kind.is_none() {
        errors.push(FieldError::new("publicinfo.kind.unknown", "kind", format!("there is no kind of piece {:?}", facts.kind)));
    }
    let category = facts.category.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line("category", &category, MAX_LABEL_CHARS, &mut errors);
    let local_community = facts.local_community.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line("local_community", &local_community, MAX_LABEL_CHARS, &mut errors);
    let tags = key::labels(&facts.tags);
    if tags.len() > MAX_TAGS {
        errors.push(FieldError::new("publicinfo.tags.too_many", "tags", format!("at most {MAX_TAGS} tags")));
    }
    for t in &tags {
        one_line("tags", t, MAX_LABEL_CHARS, &mut errors);
    }
    let gazette = facts.gazette.trim();
    one_line("gazette", gazette, MAX_LABEL_CHARS, &mut errors);
    if kind == Some(PieceKind::Act) && gazette.is_empty() {
        errors.push(FieldError::new(
            "publicinfo.gazette.required",
            "gazette",
            "an act is published with its number in the official gazette",
        ));
    }
    let closes = facts.closes_on.trim();
    let closes_on = if closes.is_empty() {
        None
    } else {
        let day = NaiveDate::parse_from_str(closes, "%Y-%m-%d").ok();
        if day.is_none() {
            errors.push(FieldError::new("publicinfo.closes_on.invalid", "closes_on", "a day as YYYY-MM-DD"));
        }
        day
    };
    if kind == Some(PieceKind::PublicCall) && closes.is_empty() {
        errors.push(FieldError::new("publicinfo.closes_on.required", "closes_on", "a public call says the last day it is open"));
    }
    errors.dedup();
    match (kind, errors.is_empty()) {
        (Some(kind), true) => Ok(CheckedFacts {
            kind,
            category,
            tags,
            local_community,
            gazette: (!gazette.is_empty()).then(|| gazette.to_string()),
            closes_on: closes_on.filter(|_| kind == PieceKind::PublicCall),
        }),
        _ => Err(errors),
    }
}

/// Checks a text: every problem at once. Line breaks are kept in the body (its
/// paragraphs), trimmed at both ends, and written with `\n` only.
pub fn check_text(text: &PieceText) -> Result<PieceText, Vec<FieldError>> {
    let mut errors = Vec::new();
    let language = text.language.trim().to_ascii_lowercase();
    if !LANGUAGES.contains(&language.as_str()) {
        errors.push(FieldError::new("publicinfo.language.unknown", "language", "one of bs, hr, sr, en"));
    }
    let title = text.title.split_whitespace().collect::<Vec<_>>().join(" ");
    if title.is_empty() {
        errors.push(FieldError::new("publicinfo.title.required", "title", "a piece needs a title"));
    }
    one_line("title", &title, MAX_TITLE_CHARS, &mut errors);
    let summary = text.summary.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line("summary", &summary, MAX_SUMMARY_CHARS, &mut errors);
    let body = super::text::paragraphs("body", &text.body, MAX_BODY_CHARS, None, &mut errors);
    if errors.is_empty() { Ok(PieceText { language, title, summary, body }) } else { Err(errors) }
}

/// Checks the reason of a step that needs one.
pub fn check_reason(action: PieceAction, reason: &str) -> Result<String, FieldError> {
    let reason = reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if action.needs_reason() && reason.is_empty() {
        return Err(FieldError::new("publicinfo.reason.required", "reason", format!("the step {} says why", action.as_str())));
    }
    let mut errors = Vec::new();
    super::text::line("reason", &reason, MAX_REASON_CHARS, None, &mut errors);
    errors.into_iter().next().map_or(Ok(reason), Err)
}

/// The paragraphs of a body (separated by an empty line), each with its lines.
pub fn paragraphs(body: &str) -> Vec<Vec<&str>> {
    let mut out: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in body.lines() {
        let line = line.trim_end();
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line.trim_start());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn the_workflow_goes_by_role() {
        use PieceAction as A;
        use PieceState as S;
        assert_eq!(step(Role::Editor, A::Write, S::Draft, true), Ok(S::Draft));
        assert_eq!(step(Role::Editor, A::Submit, S::Draft, true), Ok(S::InReview));
        assert_eq!(step(Role::Editor, A::Write, S::InReview, true).unwrap_err().code, "publicinfo.permission");
        assert_eq!(step(Role::PressOfficer, A::Write, S::InReview, false), Ok(S::InReview));
        assert_eq!(step(Role::PressOfficer, A::Approve, S::InReview, false).unwrap_err().code, "publicinfo.permission");
        assert_eq!(step(Role::Approver, A::Approve, S::InReview, false), Ok(S::Approved));
        assert_eq!(step(Role::Editor, A::Publish, S::Approved, false).unwrap_err().code, "publicinfo.permission");
        assert_eq!(step(Role::PressOfficer, A::Publish, S::Approved, true), Ok(S::Published));
        assert_eq!(step(Role::PressOfficer, A::Publish, S::InReview, false).unwrap_err().code, "publicinfo.step.not_now");
        assert_eq!(step(Role::Approver, A::Correct, S::Published, true), Ok(S::Published));
        assert_eq!(step(Role::PressOfficer, A::Unpublish, S::Published, false), Ok(S::Unpublished));
        assert_eq!(step(Role::Editor, A::Reopen, S::Unpublished, false), Ok(S::Draft));
        assert_eq!(step(Role::Registrar, A::Write, S::Draft, false).unwrap_err().code, "publicinfo.permission");
        assert_eq!(step(Role::Admin, A::Publish, S::Approved, false).unwrap_err().code, "publicinfo.permission");
    }

    #[test]
    fn nobody_approves_their_own_text() {
        let e = step(Role::Approver, PieceAction::Approve, PieceState::InReview, true).unwrap_err();
        assert_eq!(e.code, "publicinfo.approve.own_text");
    }

    #[test]
    fn facts_are_checked_together() {
        let errors = check_facts(&PieceFacts { kind: "act".into(), closes_on: "1.2.2026".into(), ..Default::default() }).unwrap_err();
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["publicinfo.gazette.required", "publicinfo.closes_on.invalid"]);
        let call = check_facts(&PieceFacts {
            kind: "public_call".into(),
            category: "  Privreda  i   poduzetništvo ".into(),
            tags: "poticaji, Poticaji, mladi".into(),
            closes_on: "2026-12-31".into(),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(call.category, "Privreda i poduzetništvo");
        assert_eq!(call.tags, vec!["poticaji", "mladi"]);
        assert_eq!(call.closes_on, NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(
            check_facts(&PieceFacts { kind: "public_call".into(), ..Default::default() }).unwrap_err()[0].code,
            "publicinfo.closes_on.required"
        );
        assert_eq!(check_facts(&PieceFacts { kind: "blog".into(), ..Default::default() }).unwrap_err()[0].code, "publicinfo.kind.unknown");
        let too_many = (0..13).map(|i| format!("t{i}")).collect::<Vec<_>>().join(",");
        assert_eq!(
            check_facts(&PieceFacts { kind: "news".into(), tags: too_many, ..Default::default() }).unwrap_err()[0].code,
            "publicinfo.tags.too_many"
        );
    }

    #[test]
    fn texts_keep_their_paragraphs_and_refuse_control_characters() {
        let t = check_text(&PieceText {
            language: " BS ".into(),
            title: "  Radovi na   putu ".into(),
            summary: "Kratko.".into(),
            body: "\r\nPrvi <pasus>.\r\ndrugi red\r\n\r\n\r\nDrugi pasus.\n".into(),
        })
        .unwrap();
        assert_eq!(t.language, "bs");
        assert_eq!(t.title, "Radovi na putu");
        assert_eq!(t.body, "Prvi <pasus>.\ndrugi red\n\n\nDrugi pasus.");
        assert_eq!(paragraphs(&t.body), vec![vec!["Prvi <pasus>.", "drugi red"], vec!["Drugi pasus."]]);
        let bad = check_text(&PieceText { language: "de".into(), title: "A\u{202E}B".into(), body: "x\u{0}".into(), ..Default::default() })
            .unwrap_err();
        let codes: Vec<_> = bad.iter().map(|e| (e.code, e.field.clone().unwrap())).collect();
        assert_eq!(
            codes,
            [
                ("publicinfo.language.unknown", "language".to_string()),
                ("publicinfo.field.control_character", "title".to_string()),
                ("publicinfo.field.control_character", "body".to_string())
            ]
        );
        assert_eq!(
            check_text(&PieceText { language: "en".into(), ..Default::default() }).unwrap_err()[0].code,
            "publicinfo.title.required"
        );
    }

    #[test]
    fn some_steps_say_why() {
        assert_eq!(check_reason(PieceAction::Unpublish, "  ").unwrap_err().code, "publicinfo.reason.required");
        assert_eq!(check_reason(PieceAction::Correct, " Pogrešan  datum ").unwrap(), "Pogrešan datum");
        assert_eq!(check_reason(PieceAction::Submit, "").unwrap(), "");
    }
}

//! Access to information (Zakon o slobodi pristupa informacijama u Federaciji BiH, "Službene
//! novine FBiH" 32/01 and 48/11 *[verify]* the amendments in force): anyone, a natural or a
//! legal person, may ask the body for information under its control, in writing, with their
//! name and address (Art. 11). The request is a case of the document flow — registered in the
//! UP-I book, answerable within 15 days of its receipt (Art. 14) — and ends in a decision
//! (rješenje) that grants access, grants it in part with the exempted part separated (Art. 10),
//! or refuses it; a refusal names the exemption — the functions of the body (Art. 6: defence
//! and security, the prevention and detection of crime, the protection of the body's
//! deliberations), confidential commercial information (Art. 7), a third person's privacy
//! (Art. 8) — and the outcome of the public-interest test (Art. 9), with the instruction on
//! the right of appeal and the Ombudsman. Information the body does not hold goes to the body
//! that does, and the requester is told (Art. 13) *[verify]* the article numbers and the
//! eight-day forwarding term against the consolidated text; the body reports figures of its
//! requests to the Ombudsman every quarter (Art. 20 *[verify]*).
//!
//! This module holds the request's and the decision's checks, the decision's entry in the
//! protocol book, and the quarter's figures.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::docflow::case::Outcome;
use crate::error::FieldError;

/// The kind of case under which the body registers requests for information.
pub const CASE_TYPE: &str = "informacija";
/// Days the body has to decide, from the receipt of the request (Art. 14).
pub const TERM_DAYS: u32 = 15;
/// Days the body has to forward a request for information it does not hold (Art. 13)
/// *[verify]*.
pub const FORWARD_DAYS: u32 = 8;

pub const MAX_NAME_CHARS: usize = 160;
pub const MAX_ADDRESS_CHARS: usize = 200;
pub const MAX_TEXT_CHARS: usize = 5_000;
/// The request's subject in the protocol book: the first words of what is asked.
pub const SUBJECT_CHARS: usize = 160;

/// Who asks, as the quarter's figures count requesters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Requester {
    /// A citizen for themself.
    Person,
    /// A journalist or a media house.
    Media,
    /// An association, foundation or other non-governmental organisation.
    Ngo,
    /// A company or another legal person.
    LegalEntity,
}

impl Requester {
    pub const ALL: [Requester; 4] = [Requester::Person, Requester::Media, Requester::Ngo, Requester::LegalEntity];

    pub fn as_str(self) -> &'static str {
        match self {
            Requester::Person => "person",
            Requester::Media => "media",
            Requester::Ngo => "ngo",
            Requester::LegalEntity => "legal_entity",
        }
    }

    pub fn parse(s: &str) -> Option<Requester> {
        Requester::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// How the requester wants the information (Art. 11 lets them say; the body honours it
/// where it can).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AccessForm {
    /// A copy sent by e-mail.
    Email,
    /// A copy sent by post to the address given.
    Post,
    /// To look at it in the body's offices.
    Inspect,
}

impl AccessForm {
    pub const ALL: [AccessForm; 3] = [AccessForm::Email, AccessForm::Post, AccessForm::Inspect];

    pub fn as_str(self) -> &'static str {
        match self {
            AccessForm::Email => "email",
            AccessForm::Post => "post",
            AccessForm::Inspect => "inspect",
        }
    }

    pub fn parse(s: &str) -> Option<AccessForm> {
        AccessForm::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// A request as the requester writes it on the website.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestFields {
    /// The requester's name, or the legal person's.
    pub name: String,
    /// Where the decision is delivered.
    pub address: String,
    /// For the decision by e-mail and for news of the request; required to receive the
    /// information by e-mail.
    #[serde(default)]
    pub email: String,
    /// `person`, `media`, `ngo` or `legal_entity`.
    pub requester: String,
    /// `email`, `post` or `inspect`.
    pub access: String,
    /// The information asked for, described well enough to be found.
    pub information: String,
}

/// A request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub name: String,
    pub address: String,
    pub email: Option<String>,
    pub requester: Requester,
    pub access: AccessForm,
    pub information: String,
}

impl Request {
    /// The request's subject in the protocol book: the first words of what is asked, on
    /// one line.
    pub fn subject(&self) -> String {
        let line = self.information.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.chars().count() <= SUBJECT_CHARS {
            return format!("Zahtjev za pristup informaciji: {line}");
        }
        let cut: String = line.chars().take(SUBJECT_CHARS).collect();
        let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head).to_string();
        format!("Zahtjev za pristup informaciji: {cut} …")
    }
}

const REQUIRED: Option<&str> = Some("publicinfo.information.required");

/// Checks a request: every problem at once, each naming its field.
pub fn check_request(f: &RequestFields) -> Result<Request, Vec<FieldError>> {
    let mut errors = Vec::new();
    let name = super::text::line("name", &f.name, MAX_NAME_CHARS, REQUIRED, &mut errors);
    let address = super::text::line("address", &f.address, MAX_ADDRESS_CHARS, REQUIRED, &mut errors);
    let email = f.email.trim().to_lowercase();
    if !email.is_empty() && !crate::email::plausible(&email) {
        errors.push(FieldError::new("publicinfo.contact.email_invalid", "email", "one e-mail address, or none"));
    }
    let requester = Requester::parse(f.requester.trim());
    if requester.is_none() {
        errors.push(FieldError::new("publicinfo.information.requester_unknown", "requester", "say who asks"));
    }
    let access = AccessForm::parse(f.access.trim());
    match access {
        None => errors.push(FieldError::new("publicinfo.information.access_unknown", "access", "say how you want the information")),
        Some(AccessForm::Email) if email.is_empty() => {
            errors.push(FieldError::new("publicinfo.information.email_needed", "email", "the information goes by e-mail: give the address"))
        }
        Some(_) => {}
    }
    let information = super::text::paragraphs("information", &f.information, MAX_TEXT_CHARS, REQUIRED, &mut errors);
    match (requester, access) {
        (Some(requester), Some(access)) if errors.is_empty() => {
            Ok(Request { name, address, email: (!email.is_empty()).then_some(email), requester, access, information })
        }
        _ => Err(errors),
    }
}

/// A ground on which access may be refused, with the article of the law that gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Exemption {
    /// Defence, security and the protection of public safety (Art. 6).
    Security,
    /// The prevention and detection of crime (Art. 6).
    Crime,
    /// The body's deliberations: opinions, advice and recommendations before a decision (Art. 6).
    Deliberation,
    /// Confidential commercial information of a third party (Art. 7).
    Commercial,
    /// Personal information of a third person (Art. 8).
    Privacy,
}

impl Exemption {
    pub const ALL: [Exemption; 5] =
        [Exemption::Security, Exemption::Crime, Exemption::Deliberation, Exemption::Commercial, Exemption::Privacy];

    pub fn as_str(self) -> &'static str {
        match self {
            Exemption::Security => "security",
            Exemption::Crime => "crime",
            Exemption::Deliberation => "deliberation",
            Exemption::Commercial => "commercial",
            Exemption::Privacy => "privacy",
        }
    }

    pub fn parse(s: &str) -> Option<Exemption> {
        Exemption::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// The article of the law that provides for it.
    pub fn article(self) -> u8 {
        match self {
            Exemption::Security | Exemption::Crime | Exemption::Deliberation => 6,
            Exemption::Commercial => 7,
            Exemption::Privacy => 8,
        }
    }
}

/// How a request ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Access granted in full.
    Granted,
    /// Access granted to what is not exempted, the rest separated (Art. 10).
    Partial,
    /// Access refused on an exemption.
    Refused,
    /// The body does not hold the information: the request went to the body that does, or
    /// the requester is told none is known.
    NotHeld,
}

impl DecisionKind {
    pub const ALL: [DecisionKind; 4] = [DecisionKind::Granted, DecisionKind::Partial, DecisionKind::Refused, DecisionKind::NotHeld];

    pub fn as_str(self) -> &'static str {
        match self {
            DecisionKind::Granted => "granted",
            DecisionKind::Partial => "partial",
            DecisionKind::Refused => "refused",
            DecisionKind::NotHeld => "not_held",
        }
    }

    pub fn parse(s: &str) -> Option<DecisionKind> {
        DecisionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// How the case of the request is decided in the document flow.
    pub fn outcome(self) -> Outcome {
        match self {
            DecisionKind::Granted | DecisionKind::Partial => Outcome::Granted,
            DecisionKind::Refused => Outcome::Refused,
            DecisionKind::NotHeld => Outcome::Answered,
        }
    }

    /// Whether the decision withholds something, and so rests on an exemption, a
    /// public-interest test and an instruction on the right of appeal.
    pub fn withholds(self) -> bool {
        matches!(self, DecisionKind::Partial | DecisionKind::Refused)
    }
}

/// A decision as the official writes it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DecisionFields {
    /// `granted`, `partial`, `refused` or `not_held`.
    pub kind: String,
    /// The exemptions a partial grant or a refusal rests on (codes).
    #[serde(default)]
    pub exemptions: Vec<String>,
    /// Why the exemption applies to this information (for a partial grant or a refusal);
    /// for information not held, what the body found.
    #[serde(default)]
    pub reasons: String,
    /// The public-interest test: why disclosure would not serve the public interest more
    /// than the harm it would do.
    #[serde(default)]
    pub public_interest: String,
    /// What is given and how (for a grant, in full or in part).
    #[serde(default)]
    pub given: String,
    /// The body the request went to, when the information is held elsewhere.
    #[serde(default)]
    pub forwarded_to: String,
    /// To whom an appeal lies and how (for a partial grant or a refusal).
    #[serde(default)]
    pub appeal_to: String,
}

/// A decision, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub kind: DecisionKind,
    pub exemptions: Vec<Exemption>,
    pub reasons: String,
    pub public_interest: String,
    pub given: String,
    pub forwarded_to: Option<String>,
    pub appeal_to: Option<String>,
}

impl Decision {
    /// The decision's entry in the protocol book (in the book's language): what was decided
    /// and, for a withholding decision, on which articles.
    pub fn summary(&self) -> String {
        let articles = articles(&self.exemptions);
        match self.kind {
            DecisionKind::Granted => "Rješenje: odobren pristup informaciji".to_string(),
            DecisionKind::Partial => format!("Rješenje: djelimično odobren pristup informaciji (izuzetak: čl. {articles})"),
            DecisionKind::Refused => format!("Rješenje: odbijen pristup informaciji (izuzetak: čl. {articles})"),
            DecisionKind::NotHeld => match &self.forwarded_to {
                Some(to) => format!("Obavještenje: informacija nije pod kontrolom organa, zahtjev proslijeđen: {to}"),
                None => "Obavještenje: informacija nije pod kontrolom organa".to_string(),
            },
        }
    }
}

/// The articles `exemptions` rest on, once each, in order: `6, 8`.
pub fn articles(exemptions: &[Exemption]) -> String {
    let mut articles: Vec<u8> = exemptions.iter().map(|e| e.article()).collect();
    articles.sort_unstable();
    articles.dedup();
    articles.iter().map(u8::to_string).collect::<Vec<_>>().join(", ")
}

const DECISION_REQUIRED: Option<&str> = Some("publicinfo.information.decision_required");

/// Checks a decision: a grant says what is given; a partial grant or a refusal names at least
/// one exemption, why it applies, the public-interest test and where an appeal lies (Art. 9,
/// 14); information not held says what the body found, and where the request went if it went
/// anywhere. Every problem at once, each naming its field.
pub fn check_decision(f: &DecisionFields) -> Result<Decision, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(kind) = DecisionKind::parse(f.kind.trim()) else {
        return Err(vec![FieldError::new("publicinfo.information.decision_unknown", "kind", "grant, grant in part, refuse, or not held")]);
    };
    let mut exemptions = Vec::new();
    for code in f.exemptions.iter().map(|c| c.trim()).filter(|c| !c.is_empty()) {
        match Exemption::parse(code) {
            Some(e) if !exemptions.contains(&e) => exemptions.push(e),
            Some(_) => {}
            None => {
                errors.push(FieldError::new("publicinfo.information.exemption_unknown", "exemptions", format!("no exemption {code:?}")))
            }
        }
    }
    exemptions.sort_unstable();
    let withholds = kind.withholds();
    if withholds && exemptions.is_empty() && errors.is_empty() {
        errors.push(FieldError::new(
            "publicinfo.information.exemption_required",
            "exemptions",
            "a refusal, in full or in part, rests on an exemption of the law",
        ));
    }
    if !withholds && !exemptions.is_empty() {
        errors.push(FieldError::new(
            "publicinfo.information.exemption_unneeded",
            "exemptions",
            "only a refusal, in full or in part, rests on an exemption",
        ));
    }
    let required = |needed: bool| if needed { DECISION_REQUIRED } else { None };
    let reasons = super::text::paragraphs("reasons", &f.reasons, MAX_TEXT_CHARS, required(kind != DecisionKind::Granted), &mut errors);
    let public_interest = super::text::paragraphs("public_interest", &f.public_interest, MAX_TEXT_CHARS, required(withholds), &mut errors);
    let granting = matches!(kind, DecisionKind::Granted | DecisionKind::Partial);
    let given = super::text::paragraphs("given", &f.given, MAX_TEXT_CHARS, required(granting), &mut errors);
    let forwarded_to = super::text::line("forwarded_to", &f.forwarded_to, MAX_NAME_CHARS, None, &mut errors);
    if kind != DecisionKind::NotHeld && !forwarded_to.is_empty() {
        errors.push(FieldError::new(
            "publicinfo.information.forward_unneeded",
            "forwarded_to",
            "a request is forwarded only when the body does not hold the information",
        ));
    }
    let appeal_to = super::text::paragraphs("appeal_to", &f.appeal_to, MAX_ADDRESS_CHARS, required(withholds), &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Decision {
        kind,
        exemptions,
        reasons,
        public_interest: if withholds { public_interest } else { String::new() },
        given: if granting { given } else { String::new() },
        forwarded_to: (!forwarded_to.is_empty()).then_some(forwarded_to),
        appeal_to: (withholds && !appeal_to.is_empty()).then_some(appeal_to),
    })
}

/// A quarter of a year: its first and last day. `None` for a quarter other than 1–4.
pub fn quarter(year: i32, q: u32) -> Option<(NaiveDate, NaiveDate)> {
    if !(1..=4).contains(&q) {
        return None;
    }
    let from = NaiveDate::from_ymd_opt(year, 3 * q - 2, 1)?;
    let next = if q == 4 { NaiveDate::from_ymd_opt(year + 1, 1, 1)? } else { NaiveDate::from_ymd_opt(year, 3 * q + 1, 1)? };
    Some((from, next.pred_opt()?))
}

/// The quarter a day falls in.
pub fn quarter_of(day: NaiveDate) -> u32 {
    (day.month() - 1) / 3 + 1
}

/// One request, as the figures see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub received_on: NaiveDate,
    pub due_on: NaiveDate,
    /// Who asked; `None` for a request registered at the counter without saying.
    pub requester: Option<Requester>,
    /// The decision and its day, once taken.
    pub decided: Option<(DecisionKind, Vec<Exemption>, NaiveDate)>,
    /// An appeal was lodged against the decision.
    pub appealed: bool,
}

/// A count under a code (a requester, a decision, an exemption).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Count {
    pub code: String,
    pub count: u32,
}

/// The figures of a period, as the body reports them to the Ombudsman.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Requests received in the period.
    pub received: u32,
    /// Of them, by who asked (`unknown`: registered without saying).
    pub by_requester: Vec<Count>,
    /// Decisions taken in the period.
    pub decided: u32,
    /// Of them, by how they went.
    pub by_decision: Vec<Count>,
    /// How often each exemption was applied in the period's decisions.
    pub by_exemption: Vec<Count>,
    /// Decisions taken within the term.
    pub on_time: u32,
    /// Decisions taken after the term.
    pub late: u32,
    /// Requests undecided at the end of the period (or today, if the period has not ended).
    pub pending: u32,
    /// Of them, past their term.
    pub overdue: u32,
    /// Decisions of the period appealed against.
    pub appealed: u32,
}

/// The figures of `from..=to` as of `today`.
pub fn figures(entries: &[Entry], from: NaiveDate, to: NaiveDate, today: NaiveDate) -> Figures {
    let end = to.min(today);
    let within = |d: NaiveDate| d >= from && d <= to;
    let mut by_requester: Vec<Count> =
        Requester::ALL.iter().map(|r| r.as_str()).chain(["unknown"]).map(|c| Count { code: c.into(), count: 0 }).collect();
    let mut by_decision: Vec<Count> = DecisionKind::ALL.iter().map(|k| Count { code: k.as_str().into(), count: 0 }).collect();
    let mut by_exemption: Vec<Count> = Exemption::ALL.iter().map(|e| Count { code: e.as_str().into(), count: 0 }).collect();
    let bump = |counts: &mut Vec<Count>, code: &str| {
        if let Some(c) = counts.iter_mut().find(|c| c.code == code) {
            c.count += 1;
        }
    };
    let (mut received, mut decided, mut on_time, mut late, mut pending, mut overdue, mut appealed) = (0, 0, 0, 0, 0, 0, 0);
    for e in entries {
        if within(e.received_on) {
            received += 1;
            bump(&mut by_requester, e.requester.map_or("unknown", Requester::as_str));
        }
        match &e.decided {
            Some((kind, exemptions, on)) if within(*on) => {
                decided += 1;
                bump(&mut by_decision, kind.as_str());
                for x in exemptions {
                    bump(&mut by_exemption, x.as_str());
                }
                if *on <= e.due_on {
                    on_time += 1;
                } else {
                    late += 1;
                }
                if e.appealed {
                    appealed += 1;
                }
            }
            _ => {}
        }
        let undecided_at_end = e.decided.as_ref().is_none_or(|(_, _, on)| *on > end);
        if e.received_on <= end && undecided_at_end {
            pending += 1;
            if e.due_on < end {
                overdue += 1;
            }
        }
    }
    Figures { from, to, received, by_requester, decided, by_decision, by_exemption, on_time, late, pending, overdue, appealed }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn fields() -> RequestFields {
        RequestFields {
            name: " Amra  Hodžić ".into(),
            address: "Alije Izetbegovića 12, Kakanj".into(),
            email: "Amra@Example.ba".into(),
            requester: "person".into(),
            access: "email".into(),
            information: "Ugovori o održavanju javne rasvjete za 2025.\r\nI svi aneksi.".into(),
        }
    }

    #[test]
    fn a_request_is_checked_and_named_in_the_book() {
        let r = check_request(&fields()).unwrap();
        assert_eq!(r.name, "Amra Hodžić");
        assert_eq!(r.email.as_deref(), Some("amra@example.ba"));
        assert_eq!(r.information, "Ugovori o održavanju javne rasvjete za 2025.\nI svi aneksi.");
        assert_eq!(r.subject(), "Zahtjev za pristup informaciji: Ugovori o održavanju javne rasvjete za 2025. I svi aneksi.");
        let long = check_request(&RequestFields { information: "riječ ".repeat(100), ..fields() }).unwrap();
        let subject = long.subject();
        assert!(subject.ends_with("riječ …"), "{subject}");
        assert!(subject.chars().count() <= SUBJECT_CHARS + 40);
    }

    #[test]
    fn a_request_names_every_fault() {
        let bad = RequestFields {
            name: String::new(),
            address: "\u{202e}Kakanj".into(),
            email: String::new(),
            requester: "martian".into(),
            access: "email".into(),
            information: " ".into(),
        };
        let codes: Vec<(String, String)> =
            check_request(&bad).unwrap_err().into_iter().map(|e| (e.code.to_string(), e.field.unwrap_or_default())).collect();
        for (code, field) in [
            ("publicinfo.information.required", "name"),
            ("publicinfo.field.control_character", "address"),
            ("publicinfo.information.requester_unknown", "requester"),
            ("publicinfo.information.email_needed", "email"),
            ("publicinfo.information.required", "information"),
        ] {
            assert!(codes.contains(&(code.to_string(), field.to_string())), "{code} {field} in {codes:?}");
        }
        // By post, the e-mail may be left out; a wrong one is still wrong.
        assert!(check_request(&RequestFields { email: String::new(), access: "post".into(), ..fields() }).is_ok());
        let wrong = check_request(&RequestFields { email: "a@b\r\nBcc: x@y.z".into(), access: "post".into(), ..fields() }).unwrap_err();
        assert_eq!(wrong[0].code, "publicinfo.contact.email_invalid");
    }

    fn decision(kind: &str) -> DecisionFields {
        DecisionFields { kind: kind.into(), ..DecisionFields::default() }
    }

    #[test]
    fn a_grant_says_what_is_given() {
        let err = check_decision(&decision("granted")).unwrap_err();
        assert_eq!((err[0].code, err[0].field.as_deref()), ("publicinfo.information.decision_required", Some("given")));
        let d = check_decision(&DecisionFields { given: "Kopije ugovora u prilogu.".into(), ..decision("granted") }).unwrap();
        assert_eq!(d.kind.outcome(), Outcome::Granted);
        assert_eq!(d.summary(), "Rješenje: odobren pristup informaciji");
        assert_eq!(d.appeal_to, None);
        let err =
            check_decision(&DecisionFields { given: "x".into(), exemptions: vec!["privacy".into()], ..decision("granted") }).unwrap_err();
        assert_eq!(err[0].code, "publicinfo.information.exemption_unneeded");
    }

    #[test]
    fn a_refusal_rests_on_an_exemption_a_test_and_an_appeal() {
        let err = check_decision(&decision("refused")).unwrap_err();
        let fields: Vec<_> = err.iter().map(|e| e.field.clone().unwrap_or_default()).collect();
        assert_eq!(fields, ["exemptions", "reasons", "public_interest", "appeal_to"]);
        let full = DecisionFields {
            exemptions: vec!["privacy".into(), "commercial".into(), "privacy".into()],
            reasons: "Ugovor sadrži lične podatke radnika.".into(),
            public_interest: "Objava ne bi služila javnom interesu.".into(),
            appeal_to: "Općinskom načelniku, putem ovog organa, u roku od 15 dana.".into(),
            given: "ignored".into(),
            ..decision("refused")
        };
        let d = check_decision(&full).unwrap();
        assert_eq!(d.exemptions, [Exemption::Commercial, Exemption::Privacy]);
        assert_eq!(d.summary(), "Rješenje: odbijen pristup informaciji (izuzetak: čl. 7, 8)");
        assert_eq!(d.given, "");
        assert_eq!(d.kind.outcome(), Outcome::Refused);
        let partial =
            check_decision(&DecisionFields { kind: "partial".into(), given: "Ugovor bez priloga 3.".into(), ..full.clone() }).unwrap();
        assert_eq!(partial.summary(), "Rješenje: djelimično odobren pristup informaciji (izuzetak: čl. 7, 8)");
        let unknown = check_decision(&DecisionFields { exemptions: vec!["mood".into()], ..full }).unwrap_err();
        assert_eq!(unknown[0].code, "publicinfo.information.exemption_unknown");
        assert_eq!(check_decision(&decision("maybe")).unwrap_err()[0].code, "publicinfo.information.decision_unknown");
    }

    #[test]
    fn information_not_held_is_forwarded_or_explained() {
        let err = check_decision(&decision("not_held")).unwrap_err();
        assert_eq!(err[0].field.as_deref(), Some("reasons"));
        let d = check_decision(&DecisionFields {
            reasons: "Registar vodi kanton.".into(),
            forwarded_to: "Ministarstvo za privredu ZDK".into(),
            ..decision("not_held")
        })
        .unwrap();
        assert_eq!(d.kind.outcome(), Outcome::Answered);
        assert!(d.summary().ends_with("proslijeđen: Ministarstvo za privredu ZDK"));
        let err = check_decision(&DecisionFields { forwarded_to: "X".into(), given: "y".into(), ..decision("granted") }).unwrap_err();
        assert_eq!(err[0].code, "publicinfo.information.forward_unneeded");
    }

    #[test]
    fn quarters_cover_the_year() {
        assert_eq!(quarter(2026, 1), Some((day(1, 1), day(3, 31))));
        assert_eq!(quarter(2026, 4), Some((day(10, 1), day(12, 31))));
        assert_eq!(quarter(2026, 5), None);
        assert_eq!(quarter_of(day(7, 1)), 3);
    }

    #[test]
    fn the_quarter_counts_what_came_what_was_decided_and_what_waits() {
        let entry = |received: NaiveDate, due: NaiveDate, requester, decided| Entry {
            received_on: received,
            due_on: due,
            requester,
            decided,
            appealed: false,
        };
        let entries = vec![
            // Received in Q3, decided on time.
            entry(day(7, 1), day(7, 16), Some(Requester::Media), Some((DecisionKind::Granted, vec![], day(7, 10)))),
            // Received in Q3, refused late, appealed.
            Entry {
                appealed: true,
                ..entry(day(9, 1), day(9, 16), Some(Requester::Person), Some((DecisionKind::Refused, vec![Exemption::Privacy], day(9, 20))))
            },
            // Received in Q3, decided in Q4: pending at the end of Q3 and overdue by then.
            entry(day(9, 10), day(9, 25), None, Some((DecisionKind::Partial, vec![Exemption::Commercial, Exemption::Privacy], day(10, 2)))),
            // Received in Q2, decided in Q3.
            entry(day(6, 28), day(7, 13), Some(Requester::Ngo), Some((DecisionKind::NotHeld, vec![], day(7, 3)))),
            // Received in Q3, still undecided, not yet due at the end of Q3.
            entry(day(9, 29), day(10, 14), Some(Requester::LegalEntity), None),
        ];
        let (from, to) = quarter(2026, 3).unwrap();
        let f = figures(&entries, from, to, day(12, 1));
        assert_eq!((f.received, f.decided, f.on_time, f.late, f.pending, f.overdue, f.appealed), (4, 3, 2, 1, 2, 1, 1));
        let count = |counts: &[Count], code: &str| counts.iter().find(|c| c.code == code).unwrap().count;
        assert_eq!(
            [
                count(&f.by_requester, "person"),
                count(&f.by_requester, "media"),
                count(&f.by_requester, "ngo"),
                count(&f.by_requester, "unknown")
            ],
            [1, 1, 0, 1]
        );
        assert_eq!([count(&f.by_decision, "granted"), count(&f.by_decision, "refused"), count(&f.by_decision, "not_held")], [1, 1, 1]);
        assert_eq!(count(&f.by_exemption, "privacy"), 1);
        // The Q4 partial decision counts in Q4, as of a day within it.
        let (from, to) = quarter(2026, 4).unwrap();
        let q4 = figures(&entries, from, to, day(10, 20));
        assert_eq!((q4.received, q4.decided, q4.late, q4.pending, q4.overdue), (0, 1, 1, 1, 1));
        assert_eq!(count(&q4.by_exemption, "commercial"), 1);
    }
}

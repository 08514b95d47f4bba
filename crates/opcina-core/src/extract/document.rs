//! What an issued document prints, laid out as data: the header, the title, the fields with
//! their labels, the annotations written out as sentences, the issue block and the seal —
//! in the language and script asked for. The PDF crate turns it into pages; the text is
//! decided here, so that it can be tested without rendering.

use chrono::NaiveDate;
use serde::Serialize;

use super::ciec::{self, Label};
use super::content::ExtractContent;
use super::kind::{ExtractKind, Language};
use super::seal::{extract_keyword, file_seal_placeholder, verify_url};
use super::words::{Words, fill_in, words};
use crate::names::Script;
use crate::registry::annotation::{AnnotationContent, AnnotationRecord, MarriageEndReason, PersonRef};
use crate::registry::entry::{CitizenshipBasis, EntryContent, ParentData, PersonData, SpouseData};
use crate::registry::person::MaritalStatus;
use crate::registry::{EntryRecord, Place, Sex, as_it_stands};

/// A labelled value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}

/// A field of a CIEC form: its number, its label in every language, its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IntlField {
    pub number: u8,
    pub labels: Vec<String>,
    pub value: String,
}

/// A document ready to lay out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Document {
    /// The text language for hyphenation and shaping: `bs`, `hr`, `sr`.
    pub lang: String,
    /// The PDF's title (metadata).
    pub meta_title: String,
    pub header: Vec<String>,
    pub title: String,
    /// The register entry cited (`MKR 12/2024, KAK`), or empty.
    pub reference: String,
    pub fields: Vec<Field>,
    pub intl: Vec<IntlField>,
    /// The legend of the CIEC codes, one line per language.
    pub codes: Vec<String>,
    pub statement: String,
    pub annotations_title: String,
    pub annotations: Vec<String>,
    /// Printed instead of the annotations when there are none.
    pub no_annotations: String,
    pub issue: Vec<Field>,
    pub validity: String,
    pub official_label: String,
    pub official: String,
    pub seal_label: String,
    pub seal: String,
    pub verify_label: String,
    pub verify_url: String,
    /// The PDF's keywords: the extract's identity and the file seal's placeholder.
    pub keywords: Vec<String>,
}

/// Writes a document in the requested script: the form's own text, and what was recorded —
/// names, places, the municipality and office, acts — transliterated too (a word with a
/// letter of neither alphabet stays as recorded, see [`Script::write_recorded`]). Only
/// identifiers stay as they are: the document's number, its seal and its address.
struct Pen {
    w: &'static Words,
    script: Script,
}

impl Pen {
    /// Form text.
    fn t(&self, text: &str) -> String {
        self.script.write(text)
    }

    /// Recorded text.
    fn r(&self, text: &str) -> String {
        self.script.write_recorded(text)
    }

    fn say(&self, template: &str, values: &[(&str, &str)]) -> String {
        fill_in(self.script, template, values)
    }

    fn field(&self, label: &str, value: impl AsRef<str>) -> Field {
        Field { label: self.t(label), value: self.r(value.as_ref()) }
    }

    fn sexed(&self, pair: [&str; 2], sex: Sex) -> String {
        self.t(pair[usize::from(sex == Sex::Female)])
    }
}

/// `05.03.1990.`
pub fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y.").to_string()
}

fn place(p: &Place) -> String {
    p.to_string()
}

fn person_ref(p: &PersonRef) -> String {
    match &p.jmbg {
        Some(j) => format!("{} {}, JMBG {j}", p.given_name, p.surname),
        None => format!("{} {}", p.given_name, p.surname),
    }
}

fn parent(pen: &Pen, p: &ParentData) -> String {
    let mut s = format!("{} {}", p.given_name, p.surname);
    if let Some(m) = p.maiden_surname.as_deref().filter(|m| *m != p.surname) {
        s.push_str(&format!(" ({}: {m})", pen.t(pen.w.maiden_surname).to_lowercase()));
    }
    if let Some(j) = &p.jmbg {
        s.push_str(&format!(", JMBG {j}"));
    }
    s
}

fn person_line(pen: &Pen, p: &PersonData) -> String {
    format!(
        "{} {}, JMBG {}, {} {}, {}",
        p.given_name,
        p.surname,
        p.jmbg,
        pen.sexed(pen.w.born, p.sex),
        date(p.birth_date),
        place(&p.birth_place)
    )
}

fn sex(pen: &Pen, s: Sex) -> String {
    pen.t(if s == Sex::Male { pen.w.male } else { pen.w.female })
}

fn marital(pen: &Pen, status: MaritalStatus, s: Sex) -> String {
    let w = pen.w;
    let pair = match status {
        MaritalStatus::Single => w.status_single,
        MaritalStatus::Married => w.status_married,
        MaritalStatus::Divorced => w.status_divorced,
        MaritalStatus::Widowed => w.status_widowed,
        MaritalStatus::Annulled => w.status_annulled,
    };
    pen.sexed(pair, s)
}

fn title(w: &Words, kind: ExtractKind) -> &'static str {
    match kind {
        ExtractKind::Birth | ExtractKind::BirthInternational => w.title_birth,
        ExtractKind::Marriage | ExtractKind::MarriageInternational => w.title_marriage,
        ExtractKind::Death | ExtractKind::DeathInternational => w.title_death,
        ExtractKind::Citizenship => w.title_citizenship,
        ExtractKind::NoImpediment => w.title_no_impediment,
        ExtractKind::Life => w.title_life,
    }
}

/// The title of a kind in a language (Latin script), for decisions and listings.
pub fn kind_title(language: Language, kind: ExtractKind) -> &'static str {
    title(words(language), kind)
}

/// The annotations a document or the counter prints: all but a full adoption and a change of
/// sex, which are not disclosed (see [`AnnotationContent::undisclosed`]; the original entry
/// is the registrar's to read).
fn disclosed(annotations: &[AnnotationRecord]) -> impl Iterator<Item = &AnnotationRecord> {
    annotations.iter().filter(|a| !a.annotation.content.undisclosed())
}

/// An entry as the counter shows it on `on`: its fields as they stand then (see
/// [`as_it_stands`]) and its annotations written out with their legal basis, in the language
/// and script asked for — the same text a document prints.
pub fn entry_text(
    language: Language,
    script: Script,
    entry: &EntryRecord,
    annotations: &[AnnotationRecord],
    on: NaiveDate,
) -> (Vec<Field>, Vec<String>) {
    let pen = Pen { w: words(language), script };
    let standing = as_it_stands(entry, annotations, on);
    (entry_fields(&pen, &standing), disclosed(annotations).map(|a| annotation_text(&pen, a, &a.recorded_by)).collect())
}

/// One annotation as the sentence a document prints, with its legal basis (the recorder by
/// username: for staff).
pub fn annotation_sentence(language: Language, script: Script, a: &AnnotationRecord) -> String {
    annotation_text(&Pen { w: words(language), script }, a, &a.recorded_by)
}

/// Who recorded an annotation, as a document names them: full name and title when the
/// document kept them, else as recorded.
fn recorder(pen: &Pen, officials: &std::collections::BTreeMap<String, String>, a: &AnnotationRecord) -> String {
    match officials.get(&a.recorded_by) {
        Some(name) => pen.say(pen.w.a_registrar, &[("name", name)]),
        None => a.recorded_by.clone(),
    }
}

/// A marital status as the forms word it for a person of this sex.
pub fn marital_status_text(language: Language, script: Script, status: MaritalStatus, sex: Sex) -> String {
    marital(&Pen { w: words(language), script }, status, sex)
}

/// One annotation as a sentence, with its legal basis, when and by whom (`by`) it was recorded.
fn annotation_text(pen: &Pen, a: &AnnotationRecord, by: &str) -> String {
    let w = pen.w;
    let ann = &a.annotation;
    let d = date(ann.effective_date);
    let main = match &ann.content {
        AnnotationContent::Marriage { marriage, spouse, surname_after } => {
            let mut s = pen.say(w.a_marriage, &[("date", &d), ("name", &person_ref(spouse)), ("ref", &marriage.reference)]);
            s.push(' ');
            s.push_str(&pen.say(w.a_surname_after, &[("surname", surname_after)]));
            s
        }
        AnnotationContent::MarriageEnded { marriage, reason, surname_after, spouse } => {
            let template = match reason {
                MarriageEndReason::Divorce => w.a_divorce,
                MarriageEndReason::Annulment => w.a_annulment,
                MarriageEndReason::SpouseDeath => w.a_spouse_death,
            };
            let mut s = pen.say(template, &[("ref", &marriage.reference)]);
            if let Some(p) = spouse {
                s.push_str(&format!(" ({})", person_ref(p)));
            }
            if let Some(surname) = surname_after {
                s.push(' ');
                s.push_str(&pen.say(w.a_surname_after, &[("surname", surname)]));
            }
            s
        }
        AnnotationContent::Death { death, date: died, place: at } => {
            let at = at.as_ref().map(place).unwrap_or_default();
            pen.say(w.a_death, &[("date", &date(*died)), ("place", &at), ("ref", &death.reference)])
        }
        AnnotationContent::NameChange { given_name, surname } | AnnotationContent::Adoption { given_name, surname, .. } => {
            let name = [given_name.as_deref(), surname.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" ");
            let template = if matches!(ann.content, AnnotationContent::NameChange { .. }) { w.a_name_change } else { w.a_adoption };
            pen.say(template, &[("name", &name)])
        }
        AnnotationContent::PaternityRecognized { father } => pen.say(w.a_paternity, &[("name", &parent(pen, father))]),
        AnnotationContent::CitizenshipAcquired { citizenship } => pen.say(w.a_citizenship_acquired, &[("new", citizenship)]),
        AnnotationContent::CitizenshipLost { citizenship } => pen.say(w.a_citizenship_lost, &[("new", citizenship)]),
        AnnotationContent::Correction { field, old_value, new_value } => {
            pen.say(w.a_correction, &[("field", &field_label(pen, field)), ("old", old_value), ("new", new_value)])
        }
        // Printed only when the sex stays (see `disclosed`).
        AnnotationContent::IdentityCorrection { sex: s, birth_date, old_jmbg, new_jmbg } => {
            let number = |j: &Option<crate::jmbg::Jmbg>| j.as_ref().map(|j| j.to_string()).unwrap_or_default();
            let sex = sex(pen, *s);
            pen.say(
                w.a_identity_correction,
                &[("sex", &sex), ("date", &date(*birth_date)), ("old", &number(old_jmbg)), ("new", &number(new_jmbg))],
            )
        }
    };
    let b = &ann.legal_basis;
    let basis = pen.say(w.a_basis, &[("act", &b.act), ("issuer", &b.issuer), ("number", &b.number), ("date", &date(b.date))]);
    let effective = pen.say(w.a_effective, &[("date", &d)]);
    let recorded = pen.say(w.a_recorded, &[("date", &date(a.recorded_at.to_datetime().date_naive())), ("office", &a.office), ("by", by)]);
    let note = ann.note.as_deref().map(|n| format!(" {}", pen.r(n))).unwrap_or_default();
    format!("{main} {basis} {effective} {recorded}{note}")
}

/// A corrected field as a reader names it — `mother.maiden_surname` is "majka, djevojačko
/// prezime" — never as the path the annotation stores.
fn field_label(pen: &Pen, path: &str) -> String {
    let w = pen.w;
    let steps: Vec<&str> = path.split('.').collect();
    let (who, rest) = match steps.as_slice() {
        ["mother", rest @ ..] => (Some(w.mother), rest),
        ["father", rest @ ..] => (Some(w.father), rest),
        ["spouses", i, rest @ ..] => (Some(w.husband_wife[usize::from(*i == "1")]), rest),
        [first, rest @ ..] if matches!(*first, "child" | "person" | "deceased") => (None, rest),
        rest => (None, rest),
    };
    let rest = match rest {
        ["person", inner @ ..] => inner,
        other => other,
    };
    let what = match rest.first().copied() {
        Some("given_name") => Some(w.given_name),
        Some("surname") => Some(w.surname),
        Some("maiden_surname") => Some(w.maiden_surname),
        Some("birth_place") => Some(w.birth_place),
        Some("death_place") => Some(w.death_place),
        Some("place") => Some(w.marriage_place),
        Some("citizenship") => Some(w.citizenship),
        Some("residence") => Some(w.residence),
        Some("last_residence") => Some(w.last_residence),
        Some("surname_after") => Some(w.surname_after),
        Some("witnesses") => Some(w.witnesses),
        Some("officiant") => Some(w.officiant),
        Some("informant") => Some(w.informant),
        Some("death_confirmation") => Some(w.death_confirmation),
        Some("spouse_name") => Some(w.spouse),
        Some("father_name") => Some(w.father),
        Some("mother_name") => Some(w.mother),
        _ => None,
    };
    let label = match (who, what) {
        (Some(who), Some(what)) => format!("{who}, {}", what.to_lowercase()),
        (Some(one), None) | (None, Some(one)) => one.to_string(),
        // A field without a printed label: the entry as a whole.
        (None, None) => w.entry_ref.to_string(),
    };
    pen.t(&label.to_lowercase())
}

fn entry_fields(pen: &Pen, e: &EntryRecord) -> Vec<Field> {
    let w = pen.w;
    let mut f = Vec::new();
    match &e.content {
        EntryContent::Birth(b) => {
            let c = &b.child;
            f.push(pen.field(w.given_name, &c.given_name));
            f.push(pen.field(w.surname, &c.surname));
            f.push(pen.field(w.sex, sex(pen, c.sex)));
            f.push(pen.field(w.birth_date, date(c.birth_date)));
            if let Some(t) = c.birth_time {
                f.push(pen.field(w.birth_time, t.format("%H:%M").to_string()));
            }
            f.push(pen.field(w.birth_place, place(&c.birth_place)));
            f.push(pen.field(w.jmbg, c.jmbg.to_string()));
            f.push(pen.field(w.citizenship, &c.citizenship));
            if let Some(father) = &b.father {
                f.push(pen.field(w.father, parent(pen, father)));
            }
            f.push(pen.field(w.mother, parent(pen, &b.mother)));
        }
        EntryContent::Marriage(m) => {
            f.push(pen.field(w.marriage_date, date(m.date)));
            f.push(pen.field(w.marriage_place, place(&m.place)));
            for (i, s) in m.spouses.iter().enumerate() {
                f.push(pen.field(w.husband_wife[i], spouse_line(pen, s)));
                f.push(pen.field(w.surname_after, &s.surname_after));
            }
            if !m.witnesses.is_empty() {
                f.push(pen.field(w.witnesses, m.witnesses.join(", ")));
            }
            f.push(pen.field(w.officiant, &m.officiant));
        }
        EntryContent::Death(d) => {
            let p = &d.deceased;
            f.push(pen.field(w.given_name, &p.given_name));
            f.push(pen.field(w.surname, &p.surname));
            f.push(pen.field(w.sex, sex(pen, p.sex)));
            f.push(pen.field(w.jmbg, p.jmbg.to_string()));
            f.push(pen.field(w.birth_date, date(p.birth_date)));
            f.push(pen.field(w.birth_place, place(&p.birth_place)));
            f.push(pen.field(w.death_date, date(d.death_date)));
            if let Some(t) = d.death_time {
                f.push(pen.field(w.death_time, t.format("%H:%M").to_string()));
            }
            f.push(pen.field(w.death_place, place(&d.death_place)));
            f.push(pen.field(w.last_residence, &d.last_residence));
            if let Some(c) = &d.citizenship {
                f.push(pen.field(w.citizenship, c));
            }
            for (label, value) in [(w.spouse, &d.spouse_name), (w.father, &d.father_name), (w.mother, &d.mother_name)] {
                if let Some(v) = value {
                    f.push(pen.field(label, v));
                }
            }
            f.push(pen.field(w.death_confirmation, &d.death_confirmation));
        }
        EntryContent::Citizenship(c) => {
            let p = &c.person;
            f.push(pen.field(w.given_name, &p.given_name));
            f.push(pen.field(w.surname, &p.surname));
            f.push(pen.field(w.jmbg, p.jmbg.to_string()));
            f.push(pen.field(w.birth_date, date(p.birth_date)));
            f.push(pen.field(w.birth_place, place(&p.birth_place)));
            f.push(pen.field(w.citizenship, &c.citizenship));
            let basis = match c.basis {
                CitizenshipBasis::Origin => w.basis_origin,
                CitizenshipBasis::Birth => w.basis_birth,
                CitizenshipBasis::Naturalisation => w.basis_naturalisation,
                CitizenshipBasis::InternationalAgreement => w.basis_agreement,
            };
            f.push(pen.field(w.basis, pen.t(basis)));
            f.push(pen.field(w.acquired_on, date(c.acquired_on)));
        }
    }
    f.push(pen.field(w.registered_on, date(e.registered_on)));
    if e.late {
        f.push(pen.field(w.entry_ref, pen.t(w.late)));
    }
    f
}

fn spouse_line(pen: &Pen, s: &SpouseData) -> String {
    format!("{}; {}: {}; {}: {}", person_line(pen, &s.person), pen.t(pen.w.citizenship), s.citizenship, pen.t(pen.w.residence), s.residence)
}

/// The subject's identity as the entry gives it (for statements).
fn identity(e: &EntryRecord) -> Option<(String, String, Sex, NaiveDate, String)> {
    match &e.content {
        EntryContent::Birth(b) => {
            let c = &b.child;
            Some((format!("{} {}", c.given_name, c.surname), c.jmbg.to_string(), c.sex, c.birth_date, place(&c.birth_place)))
        }
        EntryContent::Citizenship(c) => {
            let p = &c.person;
            Some((format!("{} {}", p.given_name, p.surname), p.jmbg.to_string(), p.sex, p.birth_date, place(&p.birth_place)))
        }
        _ => None,
    }
}

fn statement(pen: &Pen, c: &ExtractContent, entry: &EntryRecord) -> String {
    let w = pen.w;
    let Some((_, jmbg, s, born_on, born_at)) = identity(entry) else { return String::new() };
    let name = format!("{} {}", c.state.given_name, c.state.surname);
    let reference = c.entry.reference();
    let citizenship = c.state.citizenships.join(", ");
    let status = marital(pen, c.state.marital_status, s);
    let (born, alive, entered) = (pen.sexed(w.born, s), pen.sexed(w.alive, s), pen.sexed(w.entered, s));
    let values = [
        ("name", name.as_str()),
        ("jmbg", jmbg.as_str()),
        ("date", &date(born_on)),
        ("place", born_at.as_str()),
        ("ref", reference.as_str()),
        ("born", born.as_str()),
        ("alive", alive.as_str()),
        ("entered", entered.as_str()),
        ("status", status.as_str()),
        ("citizenship", citizenship.as_str()),
    ];
    let template = match c.kind {
        ExtractKind::Life => w.life_statement,
        ExtractKind::NoImpediment => w.no_impediment_statement,
        ExtractKind::Citizenship => w.citizenship_statement,
        _ => return String::new(),
    };
    pen.say(template, &values)
}

/// A CIEC label: the document's language and script first (the national form's wording),
/// then the convention's other languages.
fn labels(pen: &Pen, l: Label) -> Vec<String> {
    let w = pen.w;
    let national = [
        (ciec::DATE_BIRTH, w.birth_date),
        (ciec::PLACE_BIRTH, w.birth_place),
        (ciec::SEX, w.sex),
        (ciec::SURNAME, w.surname),
        (ciec::FORENAMES, w.given_name),
        (ciec::FATHER, w.father),
        (ciec::MOTHER, w.mother),
        (ciec::DATE_MARRIAGE, w.marriage_date),
        (ciec::PLACE_MARRIAGE, w.marriage_place),
        (ciec::SPOUSE_1, w.husband_wife[0]),
        (ciec::SPOUSE_2, w.husband_wife[1]),
        (ciec::NAME_AFTER, w.surname_after),
        (ciec::DATE_DEATH, w.death_date),
        (ciec::PLACE_DEATH, w.death_place),
        (ciec::ANNOTATIONS, w.annotations),
    ]
    .into_iter()
    .find(|(label, _)| *label == l)
    .map_or(l[0], |(_, own)| own);
    std::iter::once(pen.t(national)).chain(l[1..].iter().map(|s| s.to_string())).collect()
}

fn intl_fields(pen: &Pen, entry: &EntryRecord) -> Vec<IntlField> {
    let mut out = Vec::new();
    // Values are written by the caller: names and places in the document's script, the
    // convention's codes (sex `M`/`F`) and dates as the convention writes them.
    let mut add = |label: Label, value: String| {
        let number = u8::try_from(out.len() + 1).unwrap_or(u8::MAX);
        out.push(IntlField { number, labels: labels(pen, label), value });
    };
    let name = |given: &str, surname: &str| pen.r(&format!("{surname}, {given}"));
    let at = |p: &Place| pen.r(&place(p));
    match &entry.content {
        EntryContent::Birth(b) => {
            let ch = &b.child;
            add(ciec::DATE_BIRTH, ciec::date(ch.birth_date));
            add(ciec::PLACE_BIRTH, at(&ch.birth_place));
            add(ciec::SEX, ch.sex.code().to_string());
            add(ciec::SURNAME, pen.r(&ch.surname));
            add(ciec::FORENAMES, pen.r(&ch.given_name));
            if let Some(f) = &b.father {
                add(ciec::FATHER, name(&f.given_name, &f.surname));
            }
            add(ciec::MOTHER, name(&b.mother.given_name, &b.mother.surname));
        }
        EntryContent::Marriage(m) => {
            add(ciec::DATE_MARRIAGE, ciec::date(m.date));
            add(ciec::PLACE_MARRIAGE, at(&m.place));
            for (i, s) in m.spouses.iter().enumerate() {
                let p = &s.person;
                let label = if i == 0 { ciec::SPOUSE_1 } else { ciec::SPOUSE_2 };
                let spouse =
                    format!("{}; {}; {}; {}", name(&p.given_name, &p.surname), p.sex.code(), ciec::date(p.birth_date), at(&p.birth_place));
                add(label, spouse);
                add(ciec::NAME_AFTER, pen.r(&s.surname_after));
            }
        }
        EntryContent::Death(d) => {
            let p = &d.deceased;
            add(ciec::DATE_DEATH, ciec::date(d.death_date));
            add(ciec::PLACE_DEATH, at(&d.death_place));
            add(ciec::SURNAME, pen.r(&p.surname));
            add(ciec::FORENAMES, pen.r(&p.given_name));
            add(ciec::SEX, p.sex.code().to_string());
            add(ciec::DATE_BIRTH, ciec::date(p.birth_date));
            add(ciec::PLACE_BIRTH, at(&p.birth_place));
        }
        EntryContent::Citizenship(_) => {}
    }
    out
}

/// Lays out `content` sealed with `content_seal` by the key whose fingerprint is `key_id`.
pub fn document(c: &ExtractContent, content_seal: &[u8; 64], key_id: &str) -> Document {
    let w = words(c.language);
    let pen = Pen { w, script: c.script };
    let i = &c.issue;
    let international = c.kind.is_international();
    let form_title = match c.kind.ciec_form() {
        Some('A') => ciec::TITLE_A,
        Some('B') => ciec::TITLE_B,
        _ => ciec::TITLE_C,
    };
    let title_text = if international {
        std::iter::once(pen.t(title(w, c.kind))).chain(form_title[1..].iter().map(|s| s.to_string())).collect::<Vec<_>>().join(" / ")
    } else {
        pen.t(title(w, c.kind))
    };
    let mut issue = vec![
        // The number identifies the document (its verification, its QR code): as issued.
        Field { label: pen.t(w.number), value: i.number.to_string() },
        pen.field(w.place_date, format!("{}, {}", i.place, date(i.issued_on))),
        pen.field(
            w.fee,
            match &i.fee.exemption {
                Some(reason) => format!("{} ({reason})", pen.t(w.fee_exempt)),
                None => i.fee.display_amount(),
            },
        ),
    ];
    if !c.purpose.is_empty() {
        issue.push(pen.field(w.purpose, &c.purpose));
    }
    let hash = c.hash();
    // The fields print the entry as it stands on the day of issue; the annotations say how.
    let mut entry = as_it_stands(&c.entry, &c.annotations, i.issued_on);
    if let EntryContent::Citizenship(e) = &mut entry.content {
        // A change of name is annotated on the birth entry, and on the citizens' entry only
        // where the registrar did so too: the certificate names the person as they are named.
        e.person.given_name.clone_from(&c.state.given_name);
        e.person.surname.clone_from(&c.state.surname);
    }
    Document {
        lang: c.language.as_str().to_string(),
        meta_title: format!("{} {}", pen.t(title(w, c.kind)), i.number),
        header: vec![
            pen.t(w.country),
            pen.t(w.entity),
            pen.say(w.municipality, &[("name", &i.municipality)]),
            pen.t(w.service),
            pen.r(&i.office_name),
        ],
        title: title_text,
        reference: match &c.holder {
            // A register kept elsewhere is named with the municipality that keeps it.
            Some(h) => format!("{}: {} — {}", pen.t(w.entry_ref), pen.r(&c.entry.reference()), pen.r(&h.municipality)),
            None => format!("{}: {}", pen.t(w.entry_ref), pen.r(&c.entry.reference())),
        },
        fields: if international || matches!(c.kind, ExtractKind::Life | ExtractKind::NoImpediment) {
            Vec::new()
        } else {
            entry_fields(&pen, &entry)
        },
        intl: if international { intl_fields(&pen, &entry) } else { Vec::new() },
        codes: if international {
            // The codes themselves (Jo, Mo, An, M, F) are the convention's, in every script.
            let own = format!(
                "Jo = {}, Mo = {}, An = {}; M = {}, F = {}",
                pen.t(w.day),
                pen.t(w.month),
                pen.t(w.year),
                pen.t(w.male),
                pen.t(w.female)
            );
            std::iter::once(own).chain(ciec::CODES[1..].iter().map(|s| s.to_string())).collect()
        } else {
            Vec::new()
        },
        statement: statement(&pen, c, &entry),
        annotations_title: if international { labels(&pen, ciec::ANNOTATIONS).join(" / ") } else { pen.t(w.annotations) },
        annotations: disclosed(&c.annotations).map(|a| annotation_text(&pen, a, &recorder(&pen, &c.officials, a))).collect(),
        no_annotations: pen.t(w.no_annotations),
        issue,
        validity: pen.t(w.no_expiry),
        official_label: pen.t(w.official),
        official: pen.r(&i.official),
        seal_label: pen.t(w.seal),
        seal: format!("{key_id} · {}", &hex::encode(content_seal)[..32]),
        verify_label: pen.t(w.verify),
        verify_url: verify_url(&i.verify_base, &i.number, content_seal),
        keywords: vec![extract_keyword(&i.number, &hash, content_seal), file_seal_placeholder()],
    }
}

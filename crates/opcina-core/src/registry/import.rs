//! Digitised books: the line format of `opcina import` (one JSON object per line) and the
//! checks each line must pass on its own. Checks that need the database (the office
//! exists, the entry number is free) are the importer's.
//!
//! A line transcribes one entry as it stands in the book, with the annotations written in
//! its margin:
//!
//! ```json
//! {"register":"MKR","office":"KAK","year":1975,"number":123,"registered_on":"1975-03-02",
//!  "script":"latin","data":{"child":{…},"mother":{…},"informant":"otac"},
//!  "annotations":[{"kind":"name_change","given_name":"Minela","legal_basis":{…},"effective_date":"1990-01-01"}]}
//! ```
//! `data` has exactly the shape the API shows for an entry of that register.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::annotation::{Annotation, AnnotationContent};
use super::entry::{BirthEntry, CitizenshipEntry, DeathEntry, EntryContent, MarriageEntry, ParentData, PersonData, is_late};
use super::types::{Place, Register};
use super::validate;
use crate::error::{FieldError, Problems};
use crate::jmbg::{CheckMode, Jmbg};
use crate::names::Script;

/// One line of an import file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportLine {
    pub register: Register,
    pub office: String,
    pub year: i32,
    pub number: i64,
    pub registered_on: NaiveDate,
    #[serde(default)]
    pub script: Script,
    pub data: Value,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub annotations: Vec<Annotation>,
}

/// A line that passed its own checks, ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedLine {
    pub office: String,
    pub year: i32,
    pub number: i64,
    pub registered_on: NaiveDate,
    pub script: Script,
    pub late: bool,
    pub content: EntryContent,
    pub annotations: Vec<Annotation>,
}

/// A line read the fast way: `data` left raw and read straight into its register's type.
#[derive(Deserialize)]
struct RawLine<'a> {
    register: Register,
    office: String,
    year: i32,
    number: i64,
    registered_on: NaiveDate,
    #[serde(default)]
    script: Script,
    #[serde(borrow)]
    data: &'a serde_json::value::RawValue,
    #[serde(default)]
    annotations: Vec<Annotation>,
}

/// Parses and checks a line. Well-formed lines take a fast path (no intermediate values, no
/// path tracking); a malformed one is read again slowly, to name the field at fault.
pub fn parse_and_check(text: &str, mode: CheckMode, today: NaiveDate) -> Result<CheckedLine, Vec<FieldError>> {
    let fast = serde_json::from_str::<RawLine<'_>>(text).ok().and_then(|raw| {
        let content = match raw.register {
            Register::Births => serde_json::from_str(raw.data.get()).map(EntryContent::Birth),
            Register::Citizens => serde_json::from_str(raw.data.get()).map(EntryContent::Citizenship),
            Register::Marriages => serde_json::from_str(raw.data.get()).map(EntryContent::Marriage),
            Register::Deaths => serde_json::from_str(raw.data.get()).map(EntryContent::Death),
        }
        .ok()?;
        Some((raw, content))
    });
    match fast {
        Some((raw, content)) => {
            let header = Header {
                register: raw.register,
                office: &raw.office,
                year: raw.year,
                number: raw.number,
                registered_on: raw.registered_on,
                script: raw.script,
            };
            check_parts(&header, Ok(content), raw.annotations, mode, today)
        }
        None => {
            let line = parse_line(text).map_err(|e| vec![e])?;
            check_line(&line, mode, today)
        }
    }
}

/// Parses a line, naming the field of a malformed value (e.g. `data.child.birth_date`).
pub fn parse_line(text: &str) -> Result<ImportLine, FieldError> {
    let mut de = serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(&mut de).map_err(|e| malformed(e.path().to_string(), e.inner()))
}

fn malformed(path: String, e: &serde_json::Error) -> FieldError {
    let path = if path == "." || path.is_empty() { None } else { Some(path) };
    let message = e.to_string();
    // A JMBG refused while reading keeps its own code (its message ends with "[jmbg.…]").
    let code = match crate::jmbg::CODES.iter().find(|c| message.contains(&format!("[{c}]"))) {
        Some(c) => c,
        None if e.is_syntax() || e.is_eof() => "import.json.syntax",
        None => "import.json.invalid",
    };
    FieldError { code, field: path, message }
}

fn content_of(register: Register, data: &Value) -> Result<EntryContent, FieldError> {
    fn de<T: serde::de::DeserializeOwned>(v: &Value) -> Result<T, FieldError> {
        serde_path_to_error::deserialize(v).map_err(|e| {
            let path = e.path().to_string();
            malformed(if path == "." { "data".into() } else { format!("data.{path}") }, &serde::de::Error::custom(e.inner()))
        })
    }
    Ok(match register {
        Register::Births => EntryContent::Birth(de::<BirthEntry>(data)?),
        Register::Citizens => EntryContent::Citizenship(de::<CitizenshipEntry>(data)?),
        Register::Marriages => EntryContent::Marriage(de::<MarriageEntry>(data)?),
        Register::Deaths => EntryContent::Death(de::<DeathEntry>(data)?),
    })
}

/// Checks a line on its own: the content has the register's shape, names are names, JMBGs
/// are valid (in `mode`) and agree with the dates and sexes beside them, dates are in order,
/// and every annotation may stand on this register.
pub fn check_line(line: &ImportLine, mode: CheckMode, today: NaiveDate) -> Result<CheckedLine, Vec<FieldError>> {
    let header = Header {
        register: line.register,
        office: &line.office,
        year: line.year,
        number: line.number,
        registered_on: line.registered_on,
        script: line.script,
    };
    check_parts(&header, content_of(line.register, &line.data), line.annotations.clone(), mode, today)
}

/// The fields of a line other than its content and annotations.
struct Header<'a> {
    register: Register,
    office: &'a str,
    year: i32,
    number: i64,
    registered_on: NaiveDate,
    script: Script,
}

fn check_parts(
    line: &Header<'_>,
    content: Result<EntryContent, FieldError>,
    annotations: Vec<Annotation>,
    mode: CheckMode,
    today: NaiveDate,
) -> Result<CheckedLine, Vec<FieldError>> {
    let mut p = Problems::new();
    if line.number <= 0 {
        p.push(FieldError::new("import.number.invalid", "number", "the entry number is a positive integer"));
    }
    if !(1850..=chrono::Datelike::year(&today)).contains(&line.year) {
        p.push(FieldError::new("import.year.invalid", "year", format!("the book's year {} is not between 1850 and this year", line.year)));
    }
    if line.office.trim().is_empty() {
        p.push(FieldError::new("registry.field.required", "office", "the office is required"));
    }
    let _ = p.take(validate::past_date("registered_on", line.registered_on, today));
    let content = match content {
        Ok(c) => {
            check_content(&mut p, &c, mode, today);
            // The entry as a line gives it: `{"register": …, "data": {…}}`.
            if let Ok(tree) = serde_json::to_value(&c) {
                printable_tree(&mut p, "data", tree.get("data").unwrap_or(&tree));
            }
            Some(c)
        }
        Err(e) => {
            p.push(e);
            None
        }
    };
    let event = content.as_ref().map(EntryContent::event_date);
    if let Some(event) = event.filter(|e| line.registered_on < *e) {
        p.push(FieldError::new(
            "registry.registered_on.before_event",
            "registered_on",
            format!("registered before the event it records ({event})"),
        ));
    }
    for (i, a) in annotations.iter().enumerate() {
        let field = format!("annotations[{i}]");
        if let Ok(tree) = serde_json::to_value(a) {
            printable_tree(&mut p, &field, &tree);
        }
        if !a.content.allowed_on(line.register) {
            p.push(FieldError::new(
                "registry.annotation.not_allowed",
                format!("{field}.kind"),
                format!("'{}' cannot stand on an entry of {}", a.content.kind(), line.register),
            ));
        }
        if event.is_some_and(|e| a.effective_date < e) {
            p.push(FieldError::new(
                "registry.annotation.before_event",
                format!("{field}.effective_date"),
                "an annotation cannot take effect before the entry's event",
            ));
        }
        if let Err(es) = validate::legal_basis(
            &format!("{field}.legal_basis"),
            &a.legal_basis,
            today,
            a.content.kind(),
            a.content.follows_its_act().then_some(a.effective_date),
        ) {
            es.into_iter().for_each(|e| p.push(e));
        }
        let _ = p.take(validate::past_date(&format!("{field}.effective_date"), a.effective_date, today));
        check_annotation(&mut p, &field, &a.content, mode);
    }
    let Some(content) = content.filter(|_| p.is_empty()) else {
        return Err(finish(p));
    };
    let event = content.event_date();
    let late = matches!(line.register, Register::Births | Register::Deaths) && is_late(event, line.registered_on);
    Ok(CheckedLine {
        office: line.office.trim().to_string(),
        year: line.year,
        number: line.number,
        registered_on: line.registered_on,
        script: line.script,
        late,
        content,
        annotations,
    })
}

fn finish(p: Problems) -> Vec<FieldError> {
    p.finish().err().map(|r| r.errors).unwrap_or_default()
}

fn strict_jmbg(p: &mut Problems, field: &str, j: &Jmbg, mode: CheckMode) {
    if mode == CheckMode::Strict {
        let _ = p.take(validate::jmbg(field, j.as_str(), mode));
    }
}

fn name(p: &mut Problems, field: &str, value: &str) {
    let _ = p.take(validate::name(field, value));
}

fn place(p: &mut Problems, field: &str, value: &Place) {
    if let Err(es) = validate::place(field, value) {
        es.into_iter().for_each(|e| p.push(e));
    }
}

fn person(p: &mut Problems, field: &str, d: &PersonData, mode: CheckMode) {
    strict_jmbg(p, &format!("{field}.jmbg"), &d.jmbg, mode);
    name(p, &format!("{field}.given_name"), &d.given_name);
    name(p, &format!("{field}.surname"), &d.surname);
    place(p, &format!("{field}.birth_place"), &d.birth_place);
    if d.jmbg.birth_date() != d.birth_date {
        p.push(FieldError::new(
            "registry.jmbg.date_mismatch",
            format!("{field}.birth_date"),
            format!("differs from the date in the JMBG ({})", d.jmbg.birth_date()),
        ));
    }
    if d.jmbg.sex() != d.sex {
        p.push(FieldError::new("registry.jmbg.sex_mismatch", format!("{field}.sex"), "differs from the sex encoded in the JMBG"));
    }
}

fn parent(p: &mut Problems, field: &str, d: &ParentData, mode: CheckMode) {
    name(p, &format!("{field}.given_name"), &d.given_name);
    name(p, &format!("{field}.surname"), &d.surname);
    if let Some(j) = &d.jmbg {
        strict_jmbg(p, &format!("{field}.jmbg"), j, mode);
        if let Some(b) = d.birth_date {
            if b != j.birth_date() {
                p.push(FieldError::new("registry.jmbg.date_mismatch", format!("{field}.birth_date"), "differs from the date in the JMBG"));
            }
        }
    }
}

fn check_content(p: &mut Problems, content: &EntryContent, mode: CheckMode, today: NaiveDate) {
    match content {
        EntryContent::Birth(b) => {
            let c = &b.child;
            strict_jmbg(p, "data.child.jmbg", &c.jmbg, mode);
            name(p, "data.child.given_name", &c.given_name);
            name(p, "data.child.surname", &c.surname);
            place(p, "data.child.birth_place", &c.birth_place);
            let _ = p.take(validate::past_date("data.child.birth_date", c.birth_date, today));
            if c.jmbg.birth_date() != c.birth_date {
                p.push(FieldError::new(
                    "registry.jmbg.date_mismatch",
                    "data.child.birth_date",
                    format!("differs from the date in the JMBG ({})", c.jmbg.birth_date()),
                ));
            }
            if c.jmbg.sex() != c.sex {
                p.push(FieldError::new("registry.jmbg.sex_mismatch", "data.child.sex", "differs from the sex encoded in the JMBG"));
            }
            parent(p, "data.mother", &b.mother, mode);
            if let Some(f) = &b.father {
                parent(p, "data.father", f, mode);
            }
        }
        EntryContent::Citizenship(c) => {
            person(p, "data.person", &c.person, mode);
            if c.acquired_on < c.person.birth_date {
                p.push(FieldError::new(
                    "registry.citizenship.before_birth",
                    "data.acquired_on",
                    "citizenship cannot be acquired before birth",
                ));
            }
        }
        EntryContent::Marriage(m) => {
            for (i, s) in m.spouses.iter().enumerate() {
                person(p, &format!("data.spouses[{i}].person"), &s.person, mode);
                name(p, &format!("data.spouses[{i}].surname_after"), &s.surname_after);
                if m.date < s.person.birth_date {
                    p.push(FieldError::new("import.marriage.before_birth", "data.date", "the marriage is dated before a spouse's birth"));
                }
            }
            if m.spouses[0].person.jmbg == m.spouses[1].person.jmbg {
                p.push(FieldError::new("registry.marriage.same_person", "data.spouses[1].person.jmbg", "a person cannot marry themselves"));
            }
            let _ = p.take(validate::past_date("data.date", m.date, today));
        }
        EntryContent::Death(d) => {
            person(p, "data.deceased", &d.deceased, mode);
            let _ = p.take(validate::past_date("data.death_date", d.death_date, today));
            if d.death_date < d.deceased.birth_date {
                p.push(FieldError::new("registry.death.before_birth", "data.death_date", "the date of death is before the date of birth"));
            }
        }
    }
}

fn check_annotation(p: &mut Problems, field: &str, content: &AnnotationContent, mode: CheckMode) {
    use AnnotationContent as A;
    match content {
        A::Marriage { spouse, surname_after, .. } => {
            name(p, &format!("{field}.spouse.given_name"), &spouse.given_name);
            name(p, &format!("{field}.spouse.surname"), &spouse.surname);
            name(p, &format!("{field}.surname_after"), surname_after);
            if let Some(j) = &spouse.jmbg {
                strict_jmbg(p, &format!("{field}.spouse.jmbg"), j, mode);
            }
        }
        A::MarriageEnded { surname_after, .. } => {
            if let Some(s) = surname_after {
                name(p, &format!("{field}.surname_after"), s);
            }
        }
        A::NameChange { given_name, surname } => {
            if given_name.is_none() && surname.is_none() {
                p.push(FieldError::new("registry.annotation.empty", format!("{field}.given_name"), "a change of name gives a new name"));
            }
            for (f, v) in [("given_name", given_name), ("surname", surname)] {
                if let Some(v) = v {
                    name(p, &format!("{field}.{f}"), v);
                }
            }
        }
        A::PaternityRecognized { father } => parent(p, &format!("{field}.father"), father, mode),
        A::Correction { field: f, new_value, .. } => {
            if f.trim().is_empty() || new_value.trim().is_empty() {
                p.push(FieldError::new(
                    "registry.field.required",
                    format!("{field}.field"),
                    "a correction names the field and its new value",
                ));
            }
        }
        A::IdentityCorrection { sex, birth_date, old_jmbg, new_jmbg } => match (old_jmbg, new_jmbg) {
            (Some(old), Some(new)) => {
                strict_jmbg(p, &format!("{field}.new_jmbg"), new, mode);
                let at = format!("{field}.new_jmbg");
                if new.sex() != *sex {
                    p.push(FieldError::new("registry.jmbg.sex_mismatch", &at, "the new JMBG encodes the other sex"));
                }
                if new.birth_date() != *birth_date {
                    p.push(FieldError::new("registry.jmbg.date_mismatch", &at, "the new JMBG encodes another date of birth"));
                }
                if old == new {
                    p.push(FieldError::new("registry.correction.unchanged", at, "the new JMBG is the one replaced"));
                }
            }
            _ => p.push(FieldError::new(
                "registry.field.required",
                format!("{field}.new_jmbg"),
                "a correction of the sex or the date of birth records the JMBG replaced and the one assigned",
            )),
        },
        A::Death { .. } | A::Adoption { .. } | A::CitizenshipAcquired { .. } | A::CitizenshipLost { .. } => {}
    }
}

/// Every text in a line's data, whatever its field (a note, an informant, a residence), meets
/// the rule of the API's free text ([`validate::printable`]), named by its path.
fn printable_tree(p: &mut Problems, field: &str, value: &serde_json::Value) {
    match value {
        serde_json::Value::String(s) => {
            let _ = p.take(validate::printable(field, s));
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                printable_tree(p, &format!("{field}[{i}]"), v);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                printable_tree(p, &format!("{field}.{k}"), v);
            }
        }
        _ => {}
    }
}

/// The key that must be unique across the registers: register, office, year, number.
pub fn entry_key(register: Register, office: &str, year: i32, number: i64) -> String {
    format!("{}/{}/{}/{}", register.code(), office, year, number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()
    }

    const GOOD: &str = r#"{"register":"MKR","office":"KAK","year":1990,"number":7,"registered_on":"1990-01-20",
      "data":{"child":{"given_name":"Amar","surname":"Hodžić","sex":"male","birth_date":"1990-01-01",
        "birth_place":{"settlement":"Kakanj","municipality":"Kakanj"},"jmbg":"0101990190004","citizenship":"BiH"},
        "mother":{"given_name":"Amra","surname":"Hodžić"},"informant":"otac"},
      "annotations":[{"kind":"name_change","given_name":"Amir","legal_basis":{"act":"rješenje","issuer":"Općina Kakanj","number":"1/20","date":"2020-01-01"},"effective_date":"2020-02-01"}]}"#;

    /// A good line with up to eight characters inserted, removed or replaced.
    fn mangled() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let good: Vec<char> = GOOD.replace('\n', " ").chars().collect();
        let n = good.len();
        proptest::collection::vec((0..n, 0u8..3, any::<char>()), 0..8).prop_map(move |edits| {
            let mut text = good.clone();
            for (at, how, c) in edits {
                let at = at.min(text.len().saturating_sub(1));
                match how {
                    0 => text.insert(at, c),
                    1 if !text.is_empty() => {
                        text.remove(at);
                    }
                    _ if !text.is_empty() => text[at] = c,
                    _ => {}
                }
            }
            text.into_iter().collect()
        })
    }

    proptest::proptest! {
        /// Fuzzing (`PROPTEST_CASES` bounds the run): a mangled or arbitrary line is read or
        /// refused with codes that are in the table and name a field, and never panics.
        #[test]
        fn fuzz_import_line(text in proptest::prop_oneof![mangled(), proptest::prelude::any::<String>()]) {
            match parse_and_check(&text, CheckMode::Lenient, today()) {
                Ok(checked) => proptest::prop_assert!(checked.number > 0),
                Err(errors) => {
                    proptest::prop_assert!(!errors.is_empty());
                    for e in errors {
                        proptest::prop_assert!(crate::codes::problem(e.code).is_some(), "{} is not in the table of codes", e.code);
                    }
                }
            }
        }
    }

    #[test]
    fn a_good_line_passes() {
        let line = parse_line(&GOOD.replace('\n', " "));
        let checked = line.map_err(|e| vec![e]).and_then(|l| check_line(&l, CheckMode::Strict, today()));
        let checked = checked.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(checked.number, 7);
        assert!(!checked.late);
        assert_eq!(checked.annotations.len(), 1);
    }

    #[test]
    fn a_malformed_value_names_its_path() {
        let bad = GOOD
            .replace('\n', " ")
            .replace("\"1990-01-01\",\n", "x")
            .replace("\"birth_date\":\"1990-01-01\"", "\"birth_date\":\"1990-13-01\"");
        let line = parse_line(&bad).unwrap_or_else(|e| panic!("{e}"));
        let errors = check_line(&line, CheckMode::Strict, today()).err().unwrap_or_default();
        assert_eq!(errors.first().and_then(|e| e.field.as_deref()), Some("data.child.birth_date"), "{errors:?}");
    }

    #[test]
    fn a_wrong_check_digit_and_an_impossible_annotation_are_both_reported() {
        let bad = GOOD.replace('\n', " ").replace("0101990190004", "0101990190005").replace(
            r#""kind":"name_change","given_name":"Amir""#,
            r#""kind":"marriage_ended","marriage":{"municipality":"Zenica","reference":"MKV 1/2010"},"reason":"spouse_death""#,
        );
        let line = parse_line(&bad).unwrap_or_else(|e| panic!("{e}"));
        let errors = check_line(&line, CheckMode::Strict, today()).err().unwrap_or_default();
        let fields: Vec<_> = errors.iter().map(|e| (e.code, e.field.clone().unwrap_or_default())).collect();
        assert!(fields.contains(&("jmbg.checksum", "data.child.jmbg".into())), "{fields:?}");
        assert!(fields.iter().any(|(_, f)| f.starts_with("annotations[0]")), "{fields:?}");
    }

    #[test]
    fn the_fast_and_the_slow_path_agree() {
        let good = GOOD.replace('\n', " ");
        let fast = parse_and_check(&good, CheckMode::Strict, today());
        let slow = parse_line(&good).map_err(|e| vec![e]).and_then(|l| check_line(&l, CheckMode::Strict, today()));
        assert_eq!(fast, slow);
        let bad = good.replace("0101990190004", "0101990190005");
        let fast = parse_and_check(&bad, CheckMode::Strict, today());
        let slow = parse_line(&bad).map_err(|e| vec![e]).and_then(|l| check_line(&l, CheckMode::Strict, today()));
        assert_eq!(fast, slow);
        assert!(fast.is_err());
    }

    #[test]
    fn free_text_follows_the_rules_of_the_api_whatever_its_field() {
        // Issue 16: a 10 MB note and NUL, BEL, ESC or RLO characters were accepted.
        let long = "x".repeat(validate::MAX_TEXT_CHARS + 1);
        for (informant, note, code, field) in [
            ("otac", long.as_str(), "registry.field.too_long", "data.note"),
            ("otac\\u0007", "", "registry.field.control_character", "data.informant"),
            ("otac\\u202e", "", "registry.field.control_character", "data.informant"),
            ("<b>otac</b>", "", "registry.field.markup", "data.informant"),
        ] {
            let mut line = GOOD.replace('\n', " ").replace("\"informant\":\"otac\"", &format!("\"informant\":\"{informant}\""));
            if !note.is_empty() {
                line = line.replace("\"informant\":", &format!("\"note\":\"{note}\",\"informant\":"));
            }
            let parsed = parse_line(&line).unwrap_or_else(|e| panic!("{e}"));
            let errors = check_line(&parsed, CheckMode::Strict, today()).err().unwrap_or_default();
            let found: Vec<_> = errors.iter().map(|e| (e.code, e.field.clone().unwrap_or_default())).collect();
            assert!(found.contains(&(code, field.to_string())), "{informant:?}: {found:?}");
            assert_eq!(parse_and_check(&line, CheckMode::Strict, today()).err().unwrap_or_default(), errors, "both paths agree");
        }
        let marked = GOOD.replace('\n', " ").replace("\"issuer\":\"Općina Kakanj\"", "\"issuer\":\"<i>Općina</i>\"");
        let parsed = parse_line(&marked).unwrap_or_else(|e| panic!("{e}"));
        let errors = check_line(&parsed, CheckMode::Strict, today()).err().unwrap_or_default();
        assert!(errors.iter().any(|e| e.field.as_deref() == Some("annotations[0].legal_basis.issuer")), "{errors:?}");
    }

    #[test]
    fn broken_json_is_a_syntax_error() {
        let e = parse_line("{\"register\":").err();
        assert_eq!(e.map(|e| e.code), Some("import.json.syntax"));
    }
}

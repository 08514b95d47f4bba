//! Field validators shared by the registration commands and the import. Each returns the
//! cleaned value or a [`FieldError`] naming the field and the reason.

use chrono::NaiveDate;

use super::annotation::{ACT_KINDS, ActKind, LegalBasis};
use super::types::Place;
use crate::error::FieldError;
use crate::jmbg::{CheckMode, Jmbg};

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_TEXT_CHARS: usize = 500;

/// The earliest date the registers accept (historical books are digitised back to 1850).
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1850, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// A personal name: letters of any script (Q, W, X, Y included), spaces, hyphens,
/// apostrophes and dots; inner whitespace collapsed.
pub fn name(field: &str, value: &str) -> Result<String, FieldError> {
    let cleaned = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if cleaned.is_empty() {
        return Err(FieldError::new("registry.name.empty", field, "the name is empty"));
    }
    if cleaned.chars().count() > MAX_NAME_CHARS {
        return Err(FieldError::new("registry.name.too_long", field, format!("a name has at most {MAX_NAME_CHARS} characters")));
    }
    if let Some(bad) = cleaned.chars().find(|c| !(c.is_alphabetic() || matches!(c, ' ' | '-' | '\'' | '’' | '.'))) {
        return Err(FieldError::new(
            "registry.name.invalid_character",
            field,
            format!("a name may contain letters, spaces, hyphens and apostrophes; '{bad}' is not allowed"),
        ));
    }
    if !cleaned.chars().next().is_some_and(char::is_alphabetic) {
        return Err(FieldError::new("registry.name.invalid_character", field, "a name starts with a letter"));
    }
    Ok(cleaned)
}

/// An optional name: absent or blank is `None`, otherwise validated like [`name`].
pub fn optional_name(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => name(field, v).map(Some),
    }
}

/// A required free text (informant, residence, references).
pub fn text(field: &str, value: &str) -> Result<String, FieldError> {
    let cleaned = value.trim();
    if cleaned.is_empty() {
        return Err(FieldError::new("registry.field.required", field, "this field is required"));
    }
    printable(field, cleaned)?;
    Ok(cleaned.to_string())
}

/// What any text the registers print must be: at most [`MAX_TEXT_CHARS`] characters, no
/// control character, no bidirectional control (which makes a printed line read otherwise
/// than it was typed: U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C) and no markup
/// (`<`, `>`: escaped on pages, but printed verbatim on sealed documents). The API, the forms
/// and the import apply it alike.
pub fn printable(field: &str, value: &str) -> Result<(), FieldError> {
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(FieldError::new("registry.field.too_long", field, format!("at most {MAX_TEXT_CHARS} characters")));
    }
    if crate::text::unprintable_line(value) {
        return Err(FieldError::new("registry.field.control_character", field, "control characters are not allowed"));
    }
    if value.contains(['<', '>']) {
        return Err(FieldError::new("registry.field.markup", field, "markup (< or >) is not allowed"));
    }
    Ok(())
}

pub fn optional_text(field: &str, value: Option<&str>) -> Result<Option<String>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => text(field, v).map(Some),
    }
}

/// A date of an event that has happened: not in the future, not before 1850.
pub fn past_date(field: &str, date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, FieldError> {
    if date > today {
        return Err(FieldError::new("registry.date.in_future", field, format!("{date} is in the future")));
    }
    if date < earliest_date() {
        return Err(FieldError::new("registry.date.too_early", field, format!("{date} is before {}", earliest_date())));
    }
    Ok(date)
}

pub fn jmbg(field: &str, value: &str, mode: CheckMode) -> Result<Jmbg, FieldError> {
    Jmbg::parse(value, mode).map_err(|mut e| {
        e.field = Some(field.to_string());
        e
    })
}

pub fn optional_jmbg(field: &str, value: Option<&str>, mode: CheckMode) -> Result<Option<Jmbg>, FieldError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => jmbg(field, v, mode).map(Some),
    }
}

pub fn place(field: &str, p: &Place) -> Result<Place, Vec<FieldError>> {
    let mut errors = Vec::new();
    let settlement = text(&format!("{field}.settlement"), &p.settlement).map_err(|e| errors.push(e)).ok();
    let municipality = text(&format!("{field}.municipality"), &p.municipality).map_err(|e| errors.push(e)).ok();
    let country = text(&format!("{field}.country"), &p.country).map_err(|e| errors.push(e)).ok();
    match (settlement, municipality, country) {
        (Some(settlement), Some(municipality), Some(country)) if errors.is_empty() => Ok(Place { settlement, municipality, country }),
        _ => Err(errors),
    }
}

/// Checks the act a change rests on: its kind is one of [`ACT_KINDS`] and can be the basis of
/// `ground` (a kind of annotation, `court_permission`, `citizenship`), the issuing body and the
/// number are recognisable as such, the date is not in the future and — when the change
/// follows its act — not after `takes_effect`. The kind is stored by its name.
pub fn legal_basis(
    field: &str,
    b: &LegalBasis,
    today: NaiveDate,
    ground: &str,
    takes_effect: Option<NaiveDate>,
) -> Result<LegalBasis, Vec<FieldError>> {
    let mut errors = Vec::new();
    let act = text(&format!("{field}.act"), &b.act).map_err(|e| errors.push(e)).ok().and_then(|act| match ActKind::find(&act) {
        Some(kind) if kind.grounds(ground) => Some(kind.name.to_string()),
        Some(kind) => {
            errors.push(FieldError::new(
                "registry.legal_basis.act_not_for_this",
                format!("{field}.act"),
                format!("a {} is not the basis of {}", kind.name, ground.replace('_', " ")),
            ));
            None
        }
        None => {
            let known = ACT_KINDS.iter().map(|k| k.code).collect::<Vec<_>>().join(", ");
            errors.push(FieldError::new("registry.legal_basis.unknown_act", format!("{field}.act"), format!("the act is one of: {known}")));
            None
        }
    });
    let issuer = text(&format!("{field}.issuer"), &b.issuer).map_err(|e| errors.push(e)).ok();
    if issuer.as_deref().is_some_and(|i| i.chars().filter(|c| c.is_alphabetic()).count() < 3) {
        errors.push(FieldError::new("registry.legal_basis.issuer_unclear", format!("{field}.issuer"), "name the body that issued the act"));
    }
    let number = text(&format!("{field}.number"), &b.number).map_err(|e| errors.push(e)).ok();
    if number.as_deref().is_some_and(|n| !n.chars().any(|c| c.is_ascii_digit())) {
        errors.push(FieldError::new(
            "registry.legal_basis.number_unclear",
            format!("{field}.number"),
            "the act's number as it stands on the act (it has digits)",
        ));
    }
    let date = past_date(&format!("{field}.date"), b.date, today).map_err(|e| errors.push(e)).ok();
    if let Some(effect) = takes_effect.filter(|effect| b.date > *effect) {
        errors.push(FieldError::new(
            "registry.legal_basis.after_effect",
            format!("{field}.date"),
            format!("the act is dated after the change takes effect ({effect})"),
        ));
    }
    match (act, issuer, number, date) {
        (Some(act), Some(issuer), Some(number), Some(date)) if errors.is_empty() => Ok(LegalBasis { act, issuer, number, date }),
        _ => Err(errors),
    }
}

/// Whole years between two dates (age on `on` of someone born on `born`).
pub fn age_on(born: NaiveDate, on: NaiveDate) -> i32 {
    use chrono::Datelike;
    let mut years = on.year() - born.year();
    if (on.month(), on.day()) < (born.month(), born.day()) {
        years -= 1;
    }
    years
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_accept_all_scripts_and_foreign_letters() {
        assert_eq!(name("n", "  Ana   Marija ").ok().as_deref(), Some("Ana Marija"));
        assert!(name("n", "Љубица").is_ok());
        assert!(name("n", "Wolfgang-Xaver O'Yeats").is_ok());
    }

    #[test]
    fn names_refuse_digits_and_empty() {
        assert_eq!(name("child.given_name", "Ana3").err().map(|e| e.code), Some("registry.name.invalid_character"));
        let e = name("child.given_name", "  ").err();
        assert_eq!(e.as_ref().map(|e| e.code), Some("registry.name.empty"));
        assert_eq!(e.and_then(|e| e.field).as_deref(), Some("child.given_name"));
    }

    #[test]
    fn age_counts_whole_years() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap_or_default();
        assert_eq!(age_on(d(2000, 5, 10), d(2010, 5, 9)), 9);
        assert_eq!(age_on(d(2000, 5, 10), d(2010, 5, 10)), 10);
        assert_eq!(age_on(d(2000, 2, 29), d(2018, 2, 28)), 17);
    }

    fn basis(act: &str, issuer: &str, number: &str, date: NaiveDate) -> LegalBasis {
        LegalBasis { act: act.into(), issuer: issuer.into(), number: number.into(), date }
    }

    fn codes(r: Result<LegalBasis, Vec<FieldError>>) -> Vec<(String, String)> {
        r.err().unwrap_or_default().into_iter().map(|e| (e.code.to_string(), e.field.unwrap_or_default())).collect()
    }

    #[test]
    fn a_legal_basis_names_a_known_act_a_body_and_a_number() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        let day = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        let ok = legal_basis(
            "legal_basis",
            &basis("Divorce_judgment", "Općinski sud u Zenici", "43 0 P 1 24 P", day),
            today,
            "marriage_ended",
            None,
        );
        assert_eq!(ok.unwrap().act, "presuda o razvodu braka", "given by its code, stored by its name");
        let ok =
            legal_basis("legal_basis", &basis("  Rješenje ", "Općina Kakanj", "UP-I-03-13-5/24", day), today, "name_change", Some(day));
        assert_eq!(ok.unwrap().act, "rješenje");
        let x = codes(legal_basis("legal_basis", &basis("x", "y", "z", day), today, "name_change", None));
        assert_eq!(
            x,
            [
                ("registry.legal_basis.unknown_act".into(), "legal_basis.act".into()),
                ("registry.legal_basis.issuer_unclear".into(), "legal_basis.issuer".into()),
                ("registry.legal_basis.number_unclear".into(), "legal_basis.number".into()),
            ]
        );
        let wrong = codes(legal_basis("legal_basis", &basis("divorce_judgment", "Općinski sud", "1", day), today, "name_change", None));
        assert_eq!(wrong, [("registry.legal_basis.act_not_for_this".into(), "legal_basis.act".into())]);
        let late =
            codes(legal_basis("legal_basis", &basis("decision", "Općina Kakanj", "1/24", day), today, "name_change", day.pred_opt()));
        assert_eq!(late, [("registry.legal_basis.after_effect".into(), "legal_basis.date".into())]);
        let future = codes(legal_basis(
            "court_permission",
            &basis("court_decision", "Općinski sud", "1", today.succ_opt().unwrap()),
            today,
            "court_permission",
            None,
        ));
        assert_eq!(future, [("registry.date.in_future".into(), "court_permission.date".into())]);
    }
}

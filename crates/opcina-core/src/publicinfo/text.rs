//! The checks every text of public information shares: one line (a name, a subject, a
//! label) and a text of paragraphs (a message, an answer, a description). Markup is text
//! here: it is escaped wherever it is shown, and nothing of it goes into a mail header.

use crate::error::FieldError;
use crate::text::{unprintable_line, unprintable_text};

/// One line as typed: its words joined by one space. Pushes what is wrong with it: empty
/// when `required` names the code to refuse it with, longer than `max` characters, a control
/// or disguising character.
pub fn line(field: &str, value: &str, max: usize, required: Option<&'static str>, errors: &mut Vec<FieldError>) -> String {
    let v = value.split_whitespace().collect::<Vec<_>>().join(" ");
    if let Some(code) = required.filter(|_| v.is_empty()) {
        errors.push(FieldError::new(code, field, "required"));
    }
    if v.chars().count() > max {
        errors.push(FieldError::new("publicinfo.field.too_long", field, format!("at most {max} characters")));
    }
    if unprintable_line(value) {
        errors.push(FieldError::new("publicinfo.field.control_character", field, "control characters are not allowed"));
    }
    v
}

/// A text of lines and paragraphs as typed: written with `\n` only and trimmed at both ends;
/// checked like [`line`].
pub fn paragraphs(field: &str, value: &str, max: usize, required: Option<&'static str>, errors: &mut Vec<FieldError>) -> String {
    let v = value.replace("\r\n", "\n").replace('\r', "\n").trim().to_string();
    if let Some(code) = required.filter(|_| v.is_empty()) {
        errors.push(FieldError::new(code, field, "required"));
    }
    if v.chars().count() > max {
        errors.push(FieldError::new("publicinfo.field.too_long", field, format!("at most {max} characters")));
    }
    if unprintable_text(&v) {
        errors.push(FieldError::new("publicinfo.field.control_character", field, "control characters are not allowed"));
    }
    v
}

/// [`paragraphs`] for one field alone: the text, or the first thing wrong with it.
pub fn one_text(field: &str, value: &str, max: usize, required: Option<&'static str>) -> Result<String, FieldError> {
    let mut errors = Vec::new();
    let v = paragraphs(field, value, max, required, &mut errors);
    match errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(v),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_line_is_joined_and_checked() {
        let mut errors = Vec::new();
        assert_eq!(line("name", "  Amra   Hodžić ", 20, Some("x.required"), &mut errors), "Amra Hodžić");
        assert!(errors.is_empty());
        line("name", " ", 20, Some("x.required"), &mut errors);
        line("subject", "A\nBcc: b", 20, None, &mut errors);
        line("subject", &"a".repeat(21), 20, None, &mut errors);
        let codes: Vec<_> = errors.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["x.required", "publicinfo.field.control_character", "publicinfo.field.too_long"]);
    }

    #[test]
    fn paragraphs_keep_their_lines() {
        assert_eq!(one_text("text", " a\r\n\r\nb\rc ", 10, None).unwrap(), "a\n\nb\nc");
        assert_eq!(one_text("text", "", 10, Some("x.required")).unwrap_err().code, "x.required");
        assert_eq!(one_text("text", "a\u{202E}b", 10, None).unwrap_err().code, "publicinfo.field.control_character");
    }
}

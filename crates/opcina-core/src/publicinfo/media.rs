//! The media list (media houses and journalists the PR officer keeps) and the letter a press
//! release becomes for each of them: in their language and script, with the link to the
//! piece and a link to leave the list.

use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::names::Script;

use super::key::{key, labels};
use super::piece::{LANGUAGES, paragraphs};

pub const MAX_NAME_CHARS: usize = 120;

/// A contact as the PR officer enters it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ContactFields {
    /// The media house (`Radio Kakanj`).
    pub outlet: String,
    /// The journalist or the desk (`Redakcija`).
    #[serde(default)]
    pub name: String,
    pub email: String,
    /// Topics they follow, comma-separated (`privreda, sport`); empty for everything.
    #[serde(default)]
    pub beats: String,
    /// `bs`, `hr`, `sr` or `en`.
    pub language: String,
    /// `latin` or `cyrillic`.
    pub script: String,
}

/// A contact, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub outlet: String,
    pub name: String,
    /// Lowercase.
    pub email: String,
    pub beats: Vec<String>,
    pub language: String,
    pub script: Script,
}

fn line(field: &str, value: &str, max: usize, required: bool, errors: &mut Vec<FieldError>) -> String {
    let before = errors.len();
    let v = super::text::line(field, value, max, required.then_some("publicinfo.contact.required"), errors);
    // A name goes into a message's header: nothing that could end it or hide what it says.
    let refused = errors[before..].iter().any(|e| e.code == "publicinfo.field.control_character");
    if !refused && v.contains(['<', '>', '"']) {
        errors.push(FieldError::new(
            "publicinfo.field.control_character",
            field,
            "control characters, quotes and angle brackets are not allowed",
        ));
    }
    v
}

/// Checks a contact: every problem at once.
pub fn check_contact(f: &ContactFields) -> Result<Contact, Vec<FieldError>> {
    let mut errors = Vec::new();
    let outlet = line("outlet", &f.outlet, MAX_NAME_CHARS, true, &mut errors);
    let name = line("name", &f.name, MAX_NAME_CHARS, false, &mut errors);
    let email = f.email.trim().to_lowercase();
    if !crate::email::plausible(&email) {
        errors.push(FieldError::new("publicinfo.contact.email_invalid", "email", "one e-mail address, e.g. redakcija@radio.example.ba"));
    }
    let beats = labels(&f.beats);
    for b in &beats {
        line("beats", b, 80, false, &mut errors);
    }
    let language = f.language.trim().to_ascii_lowercase();
    if !LANGUAGES.contains(&language.as_str()) {
        errors.push(FieldError::new("publicinfo.language.unknown", "language", "one of bs, hr, sr, en"));
    }
    let script = match f.script.trim() {
        "" | "latin" => Some(Script::Latin),
        "cyrillic" => Some(Script::Cyrillic),
        _ => None,
    };
    if script.is_none() {
        errors.push(FieldError::new("publicinfo.contact.script_unknown", "script", "latin or cyrillic"));
    }
    errors.dedup();
    match script {
        Some(script) if errors.is_empty() => Ok(Contact { outlet, name, email, beats, language, script }),
        _ => Err(errors),
    }
}

/// Whether a contact with `beat_keys` (`|a|b|`, empty for everything) is sent a release for
/// `beat` (a key; empty: for everyone).
pub fn follows(beat_keys: &str, beat: &str) -> bool {
    beat.is_empty() || beat_keys.is_empty() || beat_keys.contains(&format!("|{}|", key(beat)))
}

/// The words of a letter that are not the piece's (the presentation gives them in the
/// reader's language).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LetterWords {
    /// Before the subject: `Saopćenje za javnost`.
    pub subject_prefix: String,
    /// Before the link to the piece: `Na web stranici:`.
    pub read_online: String,
    /// Before the link to leave the list.
    pub unsubscribe: String,
    /// The sender's name (`Općina Kakanj`).
    pub signature: String,
}

/// A press release as one contact reads it: the subject (`prefix: title`) and a plain-text
/// body (summary, paragraphs, link, signature, the link to leave the list), in `script`.
pub fn press_letter(
    title: &str,
    summary: &str,
    body: &str,
    link: &str,
    unsubscribe: &str,
    words: &LetterWords,
    script: Script,
) -> (String, String) {
    let write = |t: &str| script.write_recorded(t);
    let subject = format!("{}: {}", words.subject_prefix, write(title)).replace(['\r', '\n'], " ");
    let mut text = String::new();
    text.push_str(&write(title));
    text.push_str("\n\n");
    if !summary.is_empty() {
        text.push_str(&write(summary));
        text.push_str("\n\n");
    }
    for p in paragraphs(body) {
        text.push_str(&write(&p.join("\n")));
        text.push_str("\n\n");
    }
    text.push_str(&format!("{} {link}\n\n-- \n{}\n{} {unsubscribe}\n", words.read_online, words.signature, words.unsubscribe));
    (subject, text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn fields() -> ContactFields {
        ContactFields {
            outlet: "Radio  Kakanj".into(),
            name: "Amra Hodžić".into(),
            email: " Amra@Radio.Example.BA ".into(),
            beats: "Privreda, sport".into(),
            language: "sr".into(),
            script: "cyrillic".into(),
        }
    }

    #[test]
    fn contacts_are_checked_and_names_cannot_carry_headers() {
        let c = check_contact(&fields()).unwrap();
        assert_eq!((c.outlet.as_str(), c.email.as_str(), c.script), ("Radio Kakanj", "amra@radio.example.ba", Script::Cyrillic));
        let bad = ContactFields {
            outlet: String::new(),
            name: "Amra\r\nBcc: svi@example.ba".into(),
            email: "amra@example.ba\nBcc: x@example.ba".into(),
            language: "de".into(),
            script: "gothic".into(),
            ..fields()
        };
        let codes: Vec<_> = check_contact(&bad).unwrap_err().iter().map(|e| (e.code, e.field.clone().unwrap())).collect();
        assert_eq!(
            codes,
            [
                ("publicinfo.contact.required", "outlet".to_string()),
                ("publicinfo.field.control_character", "name".to_string()),
                ("publicinfo.contact.email_invalid", "email".to_string()),
                ("publicinfo.language.unknown", "language".to_string()),
                ("publicinfo.contact.script_unknown", "script".to_string()),
            ]
        );
    }

    #[test]
    fn beats_choose_who_gets_a_release() {
        assert!(follows("|privreda|sport|", "Privreda"));
        assert!(!follows("|sport|", "privreda"));
        assert!(follows("", "privreda"), "no beats: everything");
        assert!(follows("|sport|", ""), "no beat: everyone");
    }

    #[test]
    fn a_letter_is_in_the_readers_script_on_one_subject_line() {
        let words = LetterWords {
            subject_prefix: "Saopštenje".into(),
            read_online: "Na veb stranici:".into(),
            unsubscribe: "Odjava sa liste:".into(),
            signature: "Opština Kakanj".into(),
        };
        let (subject, body) = press_letter(
            "Nova škola",
            "Kratko.",
            "Prvi.\n\nDrugi.",
            "https://k.test/news/nova-skola",
            "https://k.test/u/t",
            &words,
            Script::Cyrillic,
        );
        assert_eq!(subject, "Saopštenje: Нова школа");
        assert!(body.starts_with("Нова школа\n\nКратко.\n\nПрви.\n\nДруги.\n\n"), "{body}");
        assert!(body.contains("https://k.test/news/nova-skola") && body.ends_with("Odjava sa liste: https://k.test/u/t\n"));
    }
}

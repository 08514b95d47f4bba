//! Stable keys for addresses and filters: `Općinsko vijeće — 12. sjednica` becomes
//! `opcinsko-vijece-12-sjednica`; `Ђорђевић`, `Đorđević` and `Djordjević` all become
//! `djordjevic` (Latin, lowercase, `đ` written `dj` as people type it without diacritics).
//! A key is what a link, a feed's address and a filter use; the text keeps its spelling.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::names::to_latin;

/// A text folded for a key: Latin, lowercase, without diacritics, words separated by one
/// space.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = true;
    for c in to_latin(text).chars().flat_map(char::to_lowercase) {
        let mapped: Option<&str> = match c {
            'č' | 'ć' => Some("c"),
            'š' => Some("s"),
            'ž' => Some("z"),
            'đ' => Some("dj"),
            _ => None,
        };
        if let Some(m) = mapped {
            out.push_str(m);
            space = false;
            continue;
        }
        for d in std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)) {
            if d.is_ascii_alphanumeric() {
                out.push(d);
                space = false;
            } else if !space {
                out.push(' ');
                space = true;
            }
        }
    }
    out.trim_end().to_string()
}

/// The longest key (an address stays readable and within every limit).
pub const MAX_KEY_CHARS: usize = 80;

/// The key of a text: folded (Latin, lowercase, without diacritics), words joined by `-`,
/// at most [`MAX_KEY_CHARS`] characters, cut at a word. Empty when the text has no letter or
/// digit.
pub fn key(text: &str) -> String {
    let mut out = String::new();
    for word in fold(text).split(' ').filter(|w| !w.is_empty()) {
        let extra = if out.is_empty() { word.len() } else { word.len() + 1 };
        if out.len() + extra > MAX_KEY_CHARS {
            if out.is_empty() {
                out.extend(word.chars().take(MAX_KEY_CHARS));
            }
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(word);
    }
    out
}

/// Whether `s` could be a key (what an address may carry before it is looked up).
pub fn is_key(s: &str) -> bool {
    !s.is_empty() && s.len() <= MAX_KEY_CHARS + 8 && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A list of labels as typed (`Kultura, sport;  Mladi`): trimmed, without empty or repeated
/// ones (by key), in the order given.
pub fn labels(text: &str) -> Vec<String> {
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for label in text.split([',', ';', '\n']).map(|l| l.split_whitespace().collect::<Vec<_>>().join(" ")) {
        let k = key(&label);
        if k.is_empty() || seen.contains(&k) {
            continue;
        }
        seen.push(k);
        out.push(label);
    }
    out
}

/// The stored form of a list of keys, `|a|b|`, so that one key is found with `LIKE '%|a|%'`.
pub fn key_list(labels: &[String]) -> String {
    if labels.is_empty() {
        return String::new();
    }
    let mut out = String::from("|");
    for l in labels {
        out.push_str(&key(l));
        out.push('|');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fold_scripts_and_diacritics() {
        assert_eq!(key("Općinsko vijeće — 12. sjednica"), "opcinsko-vijece-12-sjednica");
        assert_eq!(key("Ђорђевић"), "djordjevic");
        assert_eq!(key("Djordjević"), key("Đorđević"));
        assert_eq!(key("Javni konkurs za dodjelu stipendija"), "javni-konkurs-za-dodjelu-stipendija");
        assert_eq!(key("Müller & Ærø"), "muller-r");
        assert_eq!(key("  !!  "), "");
        assert!(is_key(&key("Javni poziv za dodjelu stipendija 2026/2027")));
        assert!(!is_key("a/b"));
        assert!(!is_key(""));
    }

    #[test]
    fn keys_are_cut_at_a_word() {
        let long = "riječ ".repeat(40);
        let k = key(&long);
        assert!(k.len() <= MAX_KEY_CHARS);
        assert!(k.ends_with("rijec"));
        assert_eq!(key(&"a".repeat(200)).len(), MAX_KEY_CHARS);
    }

    #[test]
    fn labels_drop_empty_and_repeated() {
        assert_eq!(labels("Kultura, sport;  Mladi ,kultura,, "), vec!["Kultura", "sport", "Mladi"]);
        assert_eq!(key_list(&labels("Kultura, Šport")), "|kultura|sport|");
        assert_eq!(key_list(&[]), "");
    }
}

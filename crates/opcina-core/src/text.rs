//! What any text people type must not carry, whichever context keeps it.

/// Characters that make text read otherwise than it is stored: the bidirectional controls
/// (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C).
pub fn disguising(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Whether one line of text carries a control character or a disguising one.
pub fn unprintable_line(value: &str) -> bool {
    value.chars().any(|c| c.is_control() || disguising(c))
}

/// Whether a text of several lines does (line feeds and tabs are its own).
pub fn unprintable_text(value: &str) -> bool {
    value.chars().any(|c| (c.is_control() && c != '\n' && c != '\t') || disguising(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_overrides_are_unprintable() {
        assert!(unprintable_line("a\nb"));
        assert!(!unprintable_text("a\n\tb"));
        assert!(unprintable_text("evil\u{202E}txt.exe"));
        assert!(!unprintable_line("Đorđević, Ђорђевић"));
    }
}

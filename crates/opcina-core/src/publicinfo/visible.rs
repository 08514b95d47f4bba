//! What the public sees of a piece, and in which language.

use chrono::NaiveDate;

use super::piece::{PieceKind, PieceState};

/// Whether the public sees a piece at `now` (microseconds): published, and its publishing
/// time (the end of an embargo) has come. Nothing else is visible — a draft, a piece
/// waiting for its time, a withdrawn one — on a page, in a feed, in the site map or in the
/// search.
pub fn visible(state: PieceState, publish_at: Option<i64>, now: i64) -> bool {
    state == PieceState::Published && publish_at.is_some_and(|at| at <= now)
}

/// Whether a public call still takes applications on `today` (its closing day included).
pub fn open_call(kind: PieceKind, closes_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    kind == PieceKind::PublicCall && closes_on.is_some_and(|d| d >= today)
}

/// The text to show a reader of `language` (`bs`, `hr`, `sr`, `en`): theirs when there is
/// one, else the Bosnian one, else the first written; and whether it is another language's
/// (the page then says the text is not translated).
pub fn choose<'a, T>(texts: &'a [T], language_of: impl Fn(&T) -> &str, language: &str) -> Option<(&'a T, bool)> {
    if let Some(t) = texts.iter().find(|t| language_of(t) == language) {
        return Some((t, false));
    }
    texts.iter().find(|t| language_of(t) == "bs").or_else(|| texts.first()).map(|t| (t, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_is_visible_before_its_time() {
        assert!(!visible(PieceState::Published, Some(1_000), 999));
        assert!(visible(PieceState::Published, Some(1_000), 1_000));
        assert!(!visible(PieceState::Published, None, 1_000));
        assert!(!visible(PieceState::Approved, Some(0), 1_000));
        assert!(!visible(PieceState::Unpublished, Some(0), 1_000));
    }

    #[test]
    fn calls_are_open_through_their_last_day() {
        let d = |day| NaiveDate::from_ymd_opt(2026, 12, day);
        assert!(open_call(PieceKind::PublicCall, d(7), d(7).unwrap_or_default()));
        assert!(!open_call(PieceKind::PublicCall, d(6), d(7).unwrap_or_default()));
        assert!(!open_call(PieceKind::News, d(9), d(7).unwrap_or_default()));
    }

    #[test]
    fn a_missing_translation_falls_back_to_bosnian() {
        let texts = [("hr", "Vijest"), ("bs", "Vijest BS"), ("en", "News")];
        assert_eq!(choose(&texts, |t| t.0, "en"), Some((&texts[2], false)));
        assert_eq!(choose(&texts, |t| t.0, "sr"), Some((&texts[1], true)));
        let only_hr = [("hr", "Vijest")];
        assert_eq!(choose(&only_hr, |t| t.0, "sr"), Some((&only_hr[0], true)));
        let none: [(&str, &str); 0] = [];
        assert_eq!(choose(&none, |t| t.0, "bs"), None);
    }
}

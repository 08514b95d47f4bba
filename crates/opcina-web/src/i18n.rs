//! The interface's languages: Bosnian (the default), Croatian, Serbian in Latin and in
//! Cyrillic script, and English.
//!
//! Messages are Fluent files, one per language (`locales/*.ftl`). Serbian Cyrillic has no
//! file of its own: it is the Serbian text written in Cyrillic at formatting time, so the two
//! scripts can never drift apart. What must stay as it is — the values put into a message
//! (names, numbers, codes) and text marked `{ KEEP("PDF") }` — is fenced off before the
//! transliteration and unfenced after it.

use std::sync::LazyLock;

use chrono::NaiveDate;
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use opcina_core::extract::Language;
use opcina_core::names::{Script, to_cyrillic};

/// A language and script of the interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Locale {
    Bs,
    Hr,
    SrLatn,
    SrCyrl,
    En,
}

impl Locale {
    pub const ALL: [Locale; 5] = [Locale::Bs, Locale::Hr, Locale::SrLatn, Locale::SrCyrl, Locale::En];

    /// The BCP 47 tag, for `lang` attributes.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::Bs => "bs",
            Locale::Hr => "hr",
            Locale::SrLatn => "sr-Latn",
            Locale::SrCyrl => "sr-Cyrl",
            Locale::En => "en",
        }
    }

    /// The value of `?lang=` and of the `lang` cookie.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Bs => "bs",
            Locale::Hr => "hr",
            Locale::SrLatn => "sr",
            Locale::SrCyrl => "sr-cyrl",
            Locale::En => "en",
        }
    }

    /// The language's name in itself, for the language switch.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::Bs => "Bosanski",
            Locale::Hr => "Hrvatski",
            Locale::SrLatn => "Srpski",
            Locale::SrCyrl => "Српски",
            Locale::En => "English",
        }
    }

    /// Reads `bs`, `hr`, `sr`, `sr-latn`, `sr-cyrl`, `en` (any case, `_` for `-`).
    pub fn parse(s: &str) -> Option<Locale> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "bs" | "bs-latn" | "bs-ba" => Some(Locale::Bs),
            "hr" | "hr-hr" | "hr-ba" => Some(Locale::Hr),
            "sr" | "sr-latn" | "sr-latn-ba" | "sr-latn-rs" => Some(Locale::SrLatn),
            "sr-cyrl" | "sr-cyrl-ba" | "sr-cyrl-rs" => Some(Locale::SrCyrl),
            "en" | "en-gb" | "en-us" => Some(Locale::En),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header this interface speaks (plain `sr`
    /// is read as Cyrillic there, as browsers set in Serbia and Republika Srpska send it).
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut choices: Vec<(f32, &str)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let tag = it.next()?.trim();
                let q = it.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse().ok()).unwrap_or(1.0);
                Some((q, tag))
            })
            .collect();
        choices.sort_by(|a, b| b.0.total_cmp(&a.0));
        choices.into_iter().find_map(|(_, tag)| match tag.to_ascii_lowercase().as_str() {
            "sr" | "sr-rs" | "sr-ba" => Some(Locale::SrCyrl),
            other => Locale::parse(other).or_else(|| Locale::parse(other.split('-').next().unwrap_or(""))),
        })
    }

    /// The language register documents are written in for this interface language (an
    /// English interface shows the registers' own Bosnian wording).
    pub fn register_language(self) -> Language {
        match self {
            Locale::Hr => Language::Hr,
            Locale::SrLatn | Locale::SrCyrl => Language::Sr,
            Locale::Bs | Locale::En => Language::Bs,
        }
    }

    pub fn script(self) -> Script {
        if self == Locale::SrCyrl { Script::Cyrillic } else { Script::Latin }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        let c = &*CATALOG;
        match self {
            Locale::Bs => &c.bs,
            Locale::Hr => &c.hr,
            Locale::SrLatn | Locale::SrCyrl => &c.sr,
            Locale::En => &c.en,
        }
    }

    /// Whether this locale's file (or the Bosnian one) has the message.
    pub fn has(self, id: &str) -> bool {
        let (message, _) = id.split_once('.').unwrap_or((id, ""));
        self.bundle().has_message(message) || CATALOG.bs.has_message(message)
    }

    /// A message without arguments.
    pub fn t(self, id: &str) -> String {
        self.format(id, None)
    }

    /// A message with arguments.
    pub fn t_args(self, id: &str, args: &[(&str, Arg<'_>)]) -> String {
        let mut fluent = FluentArgs::new();
        for (name, value) in args {
            match value {
                Arg::Text(s) => fluent.set(*name, FluentValue::from(fence(s))),
                Arg::Number(n) => fluent.set(*name, FluentValue::from(*n)),
            }
        }
        self.format(id, Some(&fluent))
    }

    fn format(self, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        let text = format_in(self.bundle(), id, args)
            .or_else(|| {
                tracing::warn!(id, locale = self.tag(), "message missing; shown in Bosnian");
                format_in(&CATALOG.bs, id, args)
            })
            .unwrap_or_else(|| {
                tracing::error!(id, "message missing in every language");
                id.to_string()
            });
        self.finish(&text)
    }

    /// Writes formatted text in the locale's script and removes the fences.
    fn finish(self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() * 2);
        for (i, part) in text.split([FENCE_OPEN, FENCE_CLOSE]).enumerate() {
            // Even parts are outside fences (a value cannot contain a fence character: see `fence`).
            if i % 2 == 0 && self == Locale::SrCyrl {
                out.push_str(&to_cyrillic(part));
            } else {
                out.push_str(part);
            }
        }
        out
    }

    /// A date as people write it here: `28.11.2026.`, in English `28 Nov 2026`.
    pub fn date(self, d: NaiveDate) -> String {
        match self {
            Locale::En => d.format("%-d %b %Y").to_string(),
            _ => d.format("%d.%m.%Y.").to_string(),
        }
    }

    /// A moment (microseconds since the epoch) in the node's local time: `28.11.2026. 14:05`.
    pub fn date_time(self, micros: i64) -> String {
        let t = opcina_core::registry::Timestamp(micros).to_datetime().with_timezone(&chrono::Local);
        match self {
            Locale::En => t.format("%-d %b %Y %H:%M").to_string(),
            _ => t.format("%d.%m.%Y. %H:%M").to_string(),
        }
    }

    /// The local day of a moment (microseconds since the epoch).
    pub fn day(self, micros: i64) -> String {
        self.date(opcina_core::registry::Timestamp(micros).to_datetime().with_timezone(&chrono::Local).date_naive())
    }

    /// An amount in fening as convertible marks: `4,00 KM` (`KM 4.00` in English).
    pub fn money(self, fening: i64) -> String {
        let (km, f) = (fening / 100, (fening % 100).abs());
        let km = group_thousands(km, if self == Locale::En { ',' } else { '.' });
        match self {
            Locale::En => format!("KM {km}.{f:02}"),
            Locale::SrCyrl => format!("{km},{f:02} КМ"),
            _ => format!("{km},{f:02} KM"),
        }
    }

    /// A whole number with thousands grouped: `37.542` (`37,542` in English).
    pub fn number(self, n: i64) -> String {
        group_thousands(n, if self == Locale::En { ',' } else { '.' })
    }
}

fn group_thousands(n: i64, sep: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// A value put into a message.
#[derive(Debug, Clone, Copy)]
pub enum Arg<'a> {
    Text(&'a str),
    Number(i64),
}

const FENCE_OPEN: char = '\u{E000}';
const FENCE_CLOSE: char = '\u{E001}';

fn fence(s: &str) -> String {
    let clean: String = s.chars().filter(|c| *c != FENCE_OPEN && *c != FENCE_CLOSE).collect();
    format!("{FENCE_OPEN}{clean}{FENCE_CLOSE}")
}

fn format_in(bundle: &FluentBundle<FluentResource>, id: &str, args: Option<&FluentArgs<'_>>) -> Option<String> {
    let (id, attribute) = match id.split_once('.') {
        Some((m, a)) => (m, Some(a)),
        None => (id, None),
    };
    let message = bundle.get_message(id)?;
    let pattern = match attribute {
        Some(a) => message.get_attribute(a)?.value(),
        None => message.value()?,
    };
    let mut errors = Vec::new();
    let text = bundle.format_pattern(pattern, args, &mut errors).into_owned();
    if !errors.is_empty() {
        tracing::warn!(id, ?errors, "message formatted with errors");
    }
    Some(text)
}

struct Catalog {
    bs: FluentBundle<FluentResource>,
    hr: FluentBundle<FluentResource>,
    sr: FluentBundle<FluentResource>,
    en: FluentBundle<FluentResource>,
}

/// The message files, by language code.
pub const SOURCES: [(&str, &str); 4] = [
    ("bs", include_str!("../locales/bs.ftl")),
    ("hr", include_str!("../locales/hr.ftl")),
    ("sr", include_str!("../locales/sr.ftl")),
    ("en", include_str!("../locales/en.ftl")),
];

fn bundle(lang: &str, source: &str) -> FluentBundle<FluentResource> {
    let id: unic_langid::LanguageIdentifier = lang.parse().unwrap_or_default();
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    bundle.set_use_isolating(false);
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(r) => r,
        Err((r, errors)) => {
            tracing::error!(lang, ?errors, "the message file has syntax errors; the readable messages are used");
            r
        }
    };
    if let Err(errors) = bundle.add_resource(resource) {
        tracing::error!(lang, ?errors, "the message file defines a message twice");
    }
    let _ = bundle.add_function("KEEP", |positional, _named| match positional.first() {
        Some(FluentValue::String(s)) => FluentValue::from(fence(s)),
        Some(other) => other.clone(),
        None => FluentValue::None,
    });
    bundle
}

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| {
    let [bs, hr, sr, en] = SOURCES.map(|(lang, source)| bundle(lang, source));
    Catalog { bs, hr, sr, en }
});

/// The message ids a Fluent file defines (attributes as `id.attribute`), in file order.
pub fn message_ids(source: &str) -> Vec<String> {
    let resource = match FluentResource::try_new(source.to_string()) {
        Ok(r) => r,
        Err((r, _)) => r,
    };
    let mut ids = Vec::new();
    for entry in resource.entries() {
        if let fluent_syntax::ast::Entry::Message(m) = entry {
            if m.value.is_some() {
                ids.push(m.id.name.to_string());
            }
            for a in &m.attributes {
                ids.push(format!("{}.{}", m.id.name, a.id.name));
            }
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn every_language_has_every_message_and_nothing_else() {
        let reference = message_ids(SOURCES[0].1);
        assert!(reference.len() > 50, "the Bosnian file is read");
        for (lang, source) in &SOURCES[1..] {
            let ids = message_ids(source);
            let missing: Vec<_> = reference.iter().filter(|id| !ids.contains(id)).collect();
            let extra: Vec<_> = ids.iter().filter(|id| !reference.contains(id)).collect();
            assert!(missing.is_empty() && extra.is_empty(), "{lang}: missing {missing:?}, not in bs {extra:?}");
        }
    }

    #[test]
    fn every_error_code_has_its_message_in_every_language() {
        // With the test above (every language has every Bosnian message), this holds for all
        // five locales: Serbian Cyrillic is the Serbian file transliterated.
        for (lang, source) in SOURCES {
            let ids = message_ids(source);
            let missing: Vec<String> = opcina_core::codes::CODES
                .iter()
                .map(|c| opcina_core::codes::message_key(c.code))
                .filter(|key| !ids.contains(key))
                .collect();
            assert!(missing.is_empty(), "{lang} has no message for {missing:?}");
        }
    }

    #[test]
    fn every_action_of_the_access_log_is_labelled_in_every_language() {
        // A citizen reading who looked at their data reads these labels, never a code.
        for (lang, source) in SOURCES {
            let ids = message_ids(source);
            let missing: Vec<String> =
                opcina_store::shown::ACTIONS.iter().map(|a| crate::ui::counter::action_key(a)).filter(|key| !ids.contains(key)).collect();
            assert!(missing.is_empty(), "{lang} has no label for {missing:?}");
        }
    }

    #[test]
    fn every_file_parses_and_every_message_is_text_in_every_locale() {
        for (lang, source) in SOURCES {
            let resource = FluentResource::try_new(source.to_string()).map_err(|(_, e)| format!("{lang}: {e:?}")).unwrap();
            assert!(resource.entries().count() > 0, "{lang} has messages");
        }
        for locale in Locale::ALL {
            for id in message_ids(SOURCES[0].1) {
                let text = locale.t(&id);
                assert!(!text.is_empty() && text != id, "{locale:?} {id}");
                assert!(!text.contains(FENCE_OPEN) && !text.contains(FENCE_CLOSE), "{locale:?} {id}");
            }
        }
    }

    #[test]
    fn serbian_cyrillic_is_the_serbian_text_in_cyrillic_with_values_kept() {
        let latin = Locale::SrLatn.t_args("counter-results", &[("count", Arg::Number(3)), ("query", Arg::Text("Ljubić"))]);
        let cyrillic = Locale::SrCyrl.t_args("counter-results", &[("count", Arg::Number(3)), ("query", Arg::Text("Ljubić"))]);
        assert!(latin.contains("Ljubić") && cyrillic.contains("Ljubić"), "{latin} / {cyrillic}");
        assert_eq!(to_cyrillic(&latin.replace("Ljubić", "")), cyrillic.replace("Ljubić", ""));
        assert!(opcina_core::names::is_cyrillic(&Locale::SrCyrl.t("nav-counter")));
    }

    #[test]
    fn plurals_follow_the_language() {
        let n = |locale: Locale, count| locale.t_args("counter-results", &[("count", Arg::Number(count)), ("query", Arg::Text("x"))]);
        assert_ne!(n(Locale::Bs, 1), n(Locale::Bs, 1).replace('1', "2"), "sanity");
        assert!(n(Locale::Bs, 1).contains("osoba") || n(Locale::Bs, 1).contains("osobu"), "{}", n(Locale::Bs, 1));
        assert!(n(Locale::En, 1).contains("person") && n(Locale::En, 5).contains("people"), "{}", n(Locale::En, 5));
    }

    #[test]
    fn locales_parse_from_codes_and_accept_language() {
        for l in Locale::ALL {
            assert_eq!(Locale::parse(l.code()), Some(l));
            assert_eq!(Locale::parse(l.tag()), Some(l));
        }
        assert_eq!(Locale::from_accept_language("de-DE,de;q=0.9,hr;q=0.8,en;q=0.5"), Some(Locale::Hr));
        assert_eq!(Locale::from_accept_language("sr-RS,sr;q=0.9"), Some(Locale::SrCyrl));
        assert_eq!(Locale::from_accept_language("en-US,en;q=0.9"), Some(Locale::En));
        assert_eq!(Locale::from_accept_language("de-DE"), None);
    }

    #[test]
    fn dates_money_and_numbers_are_written_the_local_way() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        assert_eq!(Locale::Bs.date(d), "05.11.2026.");
        assert_eq!(Locale::En.date(d), "5 Nov 2026");
        assert_eq!(Locale::Bs.money(400), "4,00 KM");
        assert_eq!(Locale::SrCyrl.money(123_456), "1.234,56 КМ");
        assert_eq!(Locale::En.money(1000), "KM 10.00");
        assert_eq!(Locale::Bs.number(37_542), "37.542");
        assert_eq!(Locale::En.number(1_234_567), "1,234,567");
    }
}

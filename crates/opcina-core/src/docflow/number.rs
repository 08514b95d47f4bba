//! Registry numbers (broj akta) as a body writes them. The pattern is the body's own and
//! configurable: Kakanj writes `01/1-25-366/18` (organisational unit `01/1`, classification
//! mark `25`, serial `366`, year `18`), Tuzla `01-05-5969-2008`; administrative-procedure cases
//! carry `UP-I` (first instance) or `UP-II` (appeal) in front; a later act in a case takes a
//! sub-number after the serial. The serial is gap-free per book and year (the store assigns it).
//!
//! A pattern is text with placeholders: `{unit}`, `{class}` (two digits), `{serial}`,
//! `{sub}` (with the separator before it, left out when there is no sub-number: write it as
//! `{-sub}` or `{/sub}`), `{yy}` or `{yyyy}`, and `{up}` (`UP-I-`/`UP-II-` or nothing).

use serde::{Deserialize, Serialize};

use crate::error::FieldError;

/// The book a record is entered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Book {
    /// The djelovodnik: every record that is not an administrative procedure.
    Djelovodnik,
    /// The upisnik of first-instance administrative procedures (UP-I).
    UpI,
    /// The upisnik of appeals (UP-II).
    UpII,
}

impl Book {
    pub fn as_str(self) -> &'static str {
        match self {
            Book::Djelovodnik => "djelovodnik",
            Book::UpI => "up_i",
            Book::UpII => "up_ii",
        }
    }

    pub fn parse(s: &str) -> Option<Book> {
        [Book::Djelovodnik, Book::UpI, Book::UpII].into_iter().find(|b| b.as_str() == s)
    }

    /// What a number in this book starts with.
    fn prefix(self) -> &'static str {
        match self {
            Book::Djelovodnik => "",
            Book::UpI => "UP-I-",
            Book::UpII => "UP-II-",
        }
    }
}

/// The parts of a registry number.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegistryNumber {
    pub book: Book,
    /// The organisational unit's code, as the body writes it (`01/1`).
    pub unit: String,
    /// The classification mark, 1–49.
    pub class: u8,
    /// Gap-free per book, unit and year.
    pub serial: i64,
    /// The act's sub-number within its case (none for the case's first record).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sub: Option<u32>,
    pub year: i32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Up,
    Unit,
    Class,
    Serial,
    Sub(String),
    Year2,
    Year4,
}

/// A body's way of writing registry numbers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    text: String,
    parts: Vec<Part>,
}

impl Pattern {
    /// Kakanj's pattern: `{up}{unit}-{class}-{serial}{-sub}/{yy}`.
    pub const KAKANJ: &'static str = "{up}{unit}-{class}-{serial}{-sub}/{yy}";

    /// Reads a pattern; it must place the unit, the class, the serial and a year once each.
    pub fn parse(text: &str) -> Result<Pattern, FieldError> {
        let bad = |why: String| FieldError::new("docflow.pattern.invalid", "pattern", why);
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            match rest.find('{') {
                Some(0) => {
                    let end = rest.find('}').ok_or_else(|| bad(format!("{text:?}: a placeholder is not closed")))?;
                    let name = &rest[1..end];
                    parts.push(match name {
                        "up" => Part::Up,
                        "unit" => Part::Unit,
                        "class" => Part::Class,
                        "serial" => Part::Serial,
                        "yy" => Part::Year2,
                        "yyyy" => Part::Year4,
                        n if n.ends_with("sub") && n.len() == 4 => Part::Sub(n[..1].to_string()),
                        "sub" => Part::Sub(String::new()),
                        other => return Err(bad(format!("{{{other}}} is not a placeholder (unit, class, serial, sub, yy, yyyy, up)"))),
                    });
                    rest = &rest[end + 1..];
                }
                Some(at) => {
                    parts.push(Part::Text(rest[..at].to_string()));
                    rest = &rest[at..];
                }
                None => {
                    parts.push(Part::Text(rest.to_string()));
                    rest = "";
                }
            }
        }
        let count = |p: &dyn Fn(&Part) -> bool| parts.iter().filter(|x| p(x)).count();
        for (name, n) in [
            ("{unit}", count(&|p| *p == Part::Unit)),
            ("{class}", count(&|p| *p == Part::Class)),
            ("{serial}", count(&|p| *p == Part::Serial)),
            ("a year ({yy} or {yyyy})", count(&|p| matches!(p, Part::Year2 | Part::Year4))),
        ] {
            if n != 1 {
                return Err(bad(format!("{text:?} must contain {name} once")));
            }
        }
        // Two placeholders side by side could not be read back.
        if parts.windows(2).any(|w| !matches!(w[0], Part::Text(_) | Part::Up) && !matches!(w[1], Part::Text(_) | Part::Sub(_))) {
            return Err(bad(format!("{text:?}: separate the placeholders with text")));
        }
        Ok(Pattern { text: text.to_string(), parts })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Writes a number.
    pub fn format(&self, n: &RegistryNumber) -> String {
        let mut out = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => out.push_str(t),
                Part::Up => out.push_str(n.book.prefix()),
                Part::Unit => out.push_str(&n.unit),
                Part::Class => out.push_str(&format!("{:02}", n.class)),
                Part::Serial => out.push_str(&n.serial.to_string()),
                Part::Sub(sep) => {
                    if let Some(s) = n.sub {
                        out.push_str(sep);
                        out.push_str(&s.to_string());
                    }
                }
                Part::Year2 => out.push_str(&format!("{:02}", n.year.rem_euclid(100))),
                Part::Year4 => out.push_str(&n.year.to_string()),
            }
        }
        out
    }

    /// Reads a number written in this pattern (as a citizen types it from a receipt);
    /// a two-digit year is read as 20yy.
    pub fn read(&self, text: &str) -> Option<RegistryNumber> {
        let mut rest = text.trim();
        let mut n = RegistryNumber { book: Book::Djelovodnik, unit: String::new(), class: 0, serial: 0, sub: None, year: 0 };
        let mut parts = self.parts.iter().peekable();
        while let Some(p) = parts.next() {
            // A variable part ends where the next literal text begins.
            let next_text = match parts.peek() {
                Some(Part::Text(t)) => Some(t.as_str()),
                Some(Part::Sub(sep)) if !sep.is_empty() => Some(sep.as_str()),
                _ => None,
            };
            let take = |rest: &mut &str, digits_only: bool| -> Option<String> {
                let end = match next_text {
                    Some(t) if !digits_only => rest.find(t)?,
                    _ => rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len()),
                };
                let (v, r) = rest.split_at(end);
                *rest = r;
                (!v.is_empty()).then(|| v.to_string())
            };
            match p {
                Part::Text(t) => rest = rest.strip_prefix(t.as_str())?,
                Part::Up => {
                    for book in [Book::UpII, Book::UpI] {
                        if let Some(r) = rest.strip_prefix(book.prefix()) {
                            n.book = book;
                            rest = r;
                            break;
                        }
                    }
                }
                Part::Unit => n.unit = take(&mut rest, false)?,
                Part::Class => n.class = take(&mut rest, true)?.parse().ok().filter(|c| (1..=49).contains(c))?,
                Part::Serial => n.serial = take(&mut rest, true)?.parse().ok().filter(|s: &i64| *s > 0)?,
                Part::Sub(sep) => {
                    if let Some(r) = rest.strip_prefix(sep.as_str()).filter(|r| r.starts_with(|c: char| c.is_ascii_digit())) {
                        rest = r;
                        n.sub = Some(take(&mut rest, true)?.parse().ok()?);
                    }
                }
                Part::Year2 => n.year = 2000 + take(&mut rest, true)?.parse::<i32>().ok().filter(|y| (0..100).contains(y))?,
                Part::Year4 => n.year = take(&mut rest, true)?.parse().ok()?,
            }
        }
        rest.is_empty().then_some(n)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn n(book: Book, unit: &str, class: u8, serial: i64, sub: Option<u32>, year: i32) -> RegistryNumber {
        RegistryNumber { book, unit: unit.into(), class, serial, sub, year }
    }

    fn placeholder() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::prop_oneof![
            proptest::strategy::Just("{unit}".to_string()),
            proptest::strategy::Just("{class}".to_string()),
            proptest::strategy::Just("{serial}".to_string()),
            proptest::strategy::Just("{yy}".to_string()),
            proptest::strategy::Just("{yyyy}".to_string()),
            proptest::strategy::Just("{up}".to_string()),
            proptest::strategy::Just("{-sub}".to_string()),
            "[-/. ]{1,2}",
            "\\PC{0,3}",
        ]
    }

    proptest::proptest! {
        /// Fuzzing (`PROPTEST_CASES` bounds the run): any pattern is taken or refused with its
        /// code; a pattern taken writes numbers that read back as written, and reading any text
        /// with it never panics.
        #[test]
        fn fuzz_registry_number_pattern(
            parts in proptest::collection::vec(placeholder(), 0..9),
            text in "\\PC{0,30}",
            unit in "[0-9]{2}(/[0-9])?",
            class in 1u8..50,
            serial in 1i64..100_000,
            sub in proptest::option::of(1u32..20),
            year in 1990i32..2100,
        ) {
            let pattern = parts.concat();
            match Pattern::parse(&pattern) {
                Ok(p) => {
                    let number = n(Book::Djelovodnik, &unit, class, serial, sub, year);
                    let written = p.format(&number);
                    // A pattern may lose what it does not place (the sub-number, the book): it
                    // must read back what it wrote.
                    if let Some(read) = p.read(&written) {
                        proptest::prop_assert_eq!(p.format(&read), written);
                    }
                    let _ = p.read(&text);
                }
                Err(e) => proptest::prop_assert_eq!(e.code, "docflow.pattern.invalid"),
            }
        }
    }

    #[test]
    fn kakanj_and_tuzla_write_their_numbers() {
        let kakanj = Pattern::parse(Pattern::KAKANJ).unwrap();
        assert_eq!(kakanj.format(&n(Book::Djelovodnik, "01/1", 25, 366, None, 2018)), "01/1-25-366/18");
        assert_eq!(kakanj.format(&n(Book::UpI, "03", 5, 12, Some(2), 2026)), "UP-I-03-05-12-2/26");
        let tuzla = Pattern::parse("{unit}-{class}-{serial}-{yyyy}").unwrap();
        assert_eq!(tuzla.format(&n(Book::Djelovodnik, "01", 5, 5969, None, 2008)), "01-05-5969-2008");
    }

    #[test]
    fn numbers_read_back_as_written() {
        let kakanj = Pattern::parse(Pattern::KAKANJ).unwrap();
        for number in [
            n(Book::Djelovodnik, "01/1", 25, 366, None, 2018),
            n(Book::UpI, "03", 5, 12, Some(2), 2026),
            n(Book::UpII, "01/1", 49, 1, None, 2027),
        ] {
            assert_eq!(kakanj.read(&kakanj.format(&number)), Some(number.clone()), "{}", kakanj.format(&number));
        }
        assert_eq!(kakanj.read(" 01/1-25-366/18 ").map(|n| n.serial), Some(366));
        for wrong in ["01/1-25-366", "01/1-50-366/18", "01/1-25-0/18", "01/1-25-366/18x", "", "UP-III-01-25-1/18"] {
            assert_eq!(kakanj.read(wrong), None, "{wrong}");
        }
    }

    #[test]
    fn a_pattern_must_place_each_part_once_and_readably() {
        for bad in [
            "{unit}-{serial}/{yy}",
            "{unit}-{class}-{serial}",
            "{unit}-{class}-{serial}/{yy}/{yyyy}",
            "{unit}{class}-{serial}/{yy}",
            "{unit}-{klasa}-{serial}/{yy}",
            "{unit-{class}",
        ] {
            let e = Pattern::parse(bad).unwrap_err();
            assert_eq!((e.code, e.field.as_deref()), ("docflow.pattern.invalid", Some("pattern")), "{bad}");
        }
    }
}

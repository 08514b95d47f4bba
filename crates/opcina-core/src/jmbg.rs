//! JMBG (jedinstveni matični broj građana), the unique master citizen number:
//! 13 digits `DD MM YYY RR BBB K` — day, month, last three digits of the year
//! (`9xx` → 19xx, `0xx` → 20xx; `8xx` → 18xx for historical entries), register region,
//! serial (000–499 male, 500–999 female) and a mod-11 check digit.
//!
//! A [`Jmbg`] is parsed once at the edge and is valid thereafter. Sources disagree on the
//! check digit when the weighted sum leaves remainder 1 (`m = 10`): [`CheckMode::Strict`]
//! refuses such numbers (and never assigns one), [`CheckMode::Lenient`] accepts `K = 0`
//! for legacy data.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::error::FieldError;
use crate::registry::Sex;

/// How to treat the ambiguous check digit of a weighted sum with remainder 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckMode {
    /// `m = 10` makes the number invalid (the rule used for numbers assigned today).
    #[default]
    Strict,
    /// `m = 10` is accepted with check digit 0 (found in legacy records).
    Lenient,
}

/// Every code a JMBG can be refused with.
pub const CODES: [&str; 5] = ["jmbg.length", "jmbg.digits", "jmbg.date", "jmbg.checksum", "jmbg.check_digit_ten"];

/// Weights of the first twelve digits in the check-digit formula.
const WEIGHTS: [u32; 12] = [7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2];

/// The check value `m = 11 − (Σ wᵢ·dᵢ mod 11)`, in `1..=11`.
fn check_value(digits: &[u8; 12]) -> u32 {
    // The weighted sum reaches 486: computed in u32, never in u8.
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| u32::from(*d) * w).sum();
    11 - sum % 11
}

/// The check digit for the first twelve digits, or `None` when `m = 10` in strict mode.
pub fn check_digit(first12: &[u8; 12], mode: CheckMode) -> Option<u8> {
    match check_value(first12) {
        m @ 1..=9 => u8::try_from(m).ok(),
        11 => Some(0),
        _ => match mode {
            CheckMode::Strict => None,
            CheckMode::Lenient => Some(0),
        },
    }
}

/// A valid JMBG.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Jmbg(String);

impl Jmbg {
    /// Parses and validates a JMBG. Errors name the field `jmbg`; callers re-root them
    /// (`mother.jmbg`) with [`FieldError::under`].
    pub fn parse(input: &str, mode: CheckMode) -> Result<Jmbg, FieldError> {
        let s = input.trim();
        if s.chars().count() != 13 {
            return Err(FieldError::new(
                "jmbg.length",
                "jmbg",
                format!("a JMBG has 13 digits; {} characters were given", s.chars().count()),
            ));
        }
        let mut digits = [0u8; 13];
        for (i, c) in s.chars().enumerate() {
            let Some(d) = c.to_digit(10) else {
                return Err(FieldError::new("jmbg.digits", "jmbg", format!("a JMBG has only digits; character {} is '{c}'", i + 1)));
            };
            digits[i] = d as u8;
        }
        if decode_date(&digits).is_none() {
            return Err(FieldError::new("jmbg.date", "jmbg", "the first seven digits of the JMBG are not a valid date of birth"));
        }
        let mut first12 = [0u8; 12];
        first12.copy_from_slice(&digits[..12]);
        match check_digit(&first12, mode) {
            None => Err(FieldError::new(
                "jmbg.check_digit_ten",
                "jmbg",
                "this JMBG has a weighted sum that gives no valid check digit (m = 10)",
            )),
            Some(k) if k != digits[12] => Err(FieldError::new(
                "jmbg.checksum",
                "jmbg",
                format!("the check digit of the JMBG is wrong (expected {k}, found {})", digits[12]),
            )),
            Some(_) => Ok(Jmbg(s.to_string())),
        }
    }

    /// Composes the JMBG of a person born on `date` in `region` with `serial`, or `None` when
    /// the combination cannot form a valid number (serial out of range, unrepresentable year,
    /// or a check value of 10 in strict mode, which is never assigned).
    pub fn compose(date: NaiveDate, region: u8, serial: u16, mode: CheckMode) -> Option<Jmbg> {
        if region > 99 || serial > 999 {
            return None;
        }
        let year = date.year();
        let yyy = match year {
            1800..=1999 => year - 1000,
            2000..=2099 => year - 2000,
            _ => return None,
        };
        let head = format!("{:02}{:02}{:03}{:02}{:03}", date.day(), date.month(), yyy, region, serial);
        let mut first12 = [0u8; 12];
        for (i, b) in head.bytes().enumerate() {
            first12[i] = b - b'0';
        }
        let k = check_digit(&first12, mode)?;
        Some(Jmbg(format!("{head}{k}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    fn digit(&self, i: usize) -> u8 {
        self.0.as_bytes().get(i).map_or(0, |b| b - b'0')
    }

    fn digits(&self) -> [u8; 13] {
        let mut d = [0u8; 13];
        for (i, slot) in d.iter_mut().enumerate() {
            *slot = self.digit(i);
        }
        d
    }

    /// The date of birth encoded in the first seven digits.
    pub fn birth_date(&self) -> NaiveDate {
        decode_date(&self.digits()).unwrap_or(NaiveDate::MIN)
    }

    /// The register region `RR` (19 for Zenica, hence Kakanj).
    pub fn region(&self) -> u8 {
        self.digit(7) * 10 + self.digit(8)
    }

    /// The serial `BBB`.
    pub fn serial(&self) -> u16 {
        u16::from(self.digit(9)) * 100 + u16::from(self.digit(10)) * 10 + u16::from(self.digit(11))
    }

    /// Sex as encoded by the serial: 000–499 male, 500–999 female.
    pub fn sex(&self) -> Sex {
        if self.serial() < 500 { Sex::Male } else { Sex::Female }
    }

    /// The first nine digits (date and region): all numbers sharing them compete for the
    /// same serials.
    pub fn prefix(&self) -> &str {
        self.0.get(..9).unwrap_or("")
    }
}

/// The serials a person of `sex` may receive.
pub fn serial_range(sex: Sex) -> std::ops::RangeInclusive<u16> {
    match sex {
        Sex::Male => 0..=499,
        Sex::Female => 500..=999,
    }
}

/// The share of a region's serials one municipality assigns. Several municipalities share a
/// JMBG region (Kakanj and Zenica are both 19) and count serials in their own databases, so
/// each is given a disjoint block: the same offsets in the men's range (000–499) and in the
/// women's (500–999). `first` 100, `count` 100 is 100–199 and 600–699.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SerialBlock {
    pub first: u16,
    pub count: u16,
}

impl SerialBlock {
    /// The whole range: a municipality alone in its region.
    pub const WHOLE: SerialBlock = SerialBlock { first: 0, count: 500 };

    /// A block of `count` serials from `first`, within 0–499.
    pub fn new(first: u16, count: u16) -> Result<SerialBlock, FieldError> {
        if count == 0 || u32::from(first) + u32::from(count) > 500 {
            return Err(FieldError::new(
                "registry.jmbg.block_invalid",
                "jmbg_block",
                format!("a block of serials lies within 000–499: {first} + {count} does not"),
            ));
        }
        Ok(SerialBlock { first, count })
    }

    /// `100+100` (first and count), as an operator writes it.
    pub fn parse(text: &str) -> Result<SerialBlock, FieldError> {
        let bad = || FieldError::new("registry.jmbg.block_invalid", "jmbg_block", format!("'{text}' is not FIRST+COUNT, e.g. 100+100"));
        let (first, count) = text.trim().split_once('+').ok_or_else(bad)?;
        let first = first.trim().parse().map_err(|_| bad())?;
        let count = count.trim().parse().map_err(|_| bad())?;
        SerialBlock::new(first, count)
    }

    /// The serials of the block a person of `sex` may receive, in order.
    pub fn serials(self, sex: Sex) -> std::ops::Range<u16> {
        let base = *serial_range(sex).start() + self.first;
        base..base + self.count
    }

    /// Does a serial (of either sex) fall in the block?
    pub fn contains(self, serial: u16) -> bool {
        self.serials(Sex::Male).contains(&serial) || self.serials(Sex::Female).contains(&serial)
    }

    /// Do two blocks share a serial?
    pub fn overlaps(self, other: SerialBlock) -> bool {
        self.first < other.first + other.count && other.first < self.first + self.count
    }
}

impl fmt::Display for SerialBlock {
    /// `100+100`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}+{}", self.first, self.count)
    }
}

/// The nine-digit prefix (date and region) of numbers for people born on `date` in `region`.
pub fn prefix_for(date: NaiveDate, region: u8) -> Option<String> {
    Jmbg::compose(date, region, 0, CheckMode::Lenient).map(|j| j.prefix().to_string())
}

fn decode_date(d: &[u8; 13]) -> Option<NaiveDate> {
    let day = u32::from(d[0]) * 10 + u32::from(d[1]);
    let month = u32::from(d[2]) * 10 + u32::from(d[3]);
    let yyy = i32::from(d[4]) * 100 + i32::from(d[5]) * 10 + i32::from(d[6]);
    let year = match d[4] {
        8 | 9 => 1000 + yyy,
        0 => 2000 + yyy,
        _ => return None,
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

impl fmt::Display for Jmbg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Jmbg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Jmbg({})", self.0)
    }
}

impl FromStr for Jmbg {
    type Err = FieldError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Jmbg::parse(s, CheckMode::Strict)
    }
}

impl Serialize for Jmbg {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Stored records are read leniently: a legacy number accepted once stays readable.
impl<'de> Deserialize<'de> for Jmbg {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Jmbg::parse(&s, CheckMode::Lenient).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Jmbg {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[0-9]{13}$"))
            .description(Some("JMBG, the 13-digit unique master citizen number"))
            .examples([serde_json::json!("0101990190004")])
            .into()
    }
}

impl utoipa::ToSchema for Jmbg {}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn known_valid_number_parses_with_its_parts() {
        // 01.01.1990, region 19, serial 000: weighted sum 7+0+0+4*1+... computed by hand below.
        let j = Jmbg::compose(d(1990, 1, 1), 19, 0, CheckMode::Strict);
        let j = j.or_else(|| Jmbg::compose(d(1990, 1, 1), 19, 1, CheckMode::Strict));
        let Some(j) = j else { panic!("no valid serial") };
        let parsed = Jmbg::parse(j.as_str(), CheckMode::Strict);
        assert_eq!(parsed.as_ref().ok(), Some(&j));
        assert_eq!(j.birth_date(), d(1990, 1, 1));
        assert_eq!(j.region(), 19);
        assert_eq!(j.sex(), Sex::Male);
    }

    #[test]
    fn check_digit_matches_the_formula_by_hand() {
        // 0101990190007 → digits 0 1 0 1 9 9 0 1 9 0 0 0:
        // 7(0+0) + 6(1+1) + 5(0+9) + 4(1+0) + 3(9+0) + 2(9+0) = 0+12+45+4+27+18 = 106;
        // 106 mod 11 = 7; m = 4 → K = 4.
        let first12 = [0, 1, 0, 1, 9, 9, 0, 1, 9, 0, 0, 0];
        assert_eq!(check_digit(&first12, CheckMode::Strict), Some(4));
        assert!(Jmbg::parse("0101990190004", CheckMode::Strict).is_ok());
        let err = Jmbg::parse("0101990190005", CheckMode::Strict).err().map(|e| e.code);
        assert_eq!(err, Some("jmbg.checksum"));
    }

    #[test]
    fn remainder_one_is_refused_strictly_and_accepted_leniently() {
        // Find a 12-digit head whose check value is 10.
        let mut found = None;
        for serial in 0..1000u16 {
            let head = format!("0101990190{:02}", serial % 100);
            let mut first12 = [0u8; 12];
            for (i, b) in head.bytes().take(12).enumerate() {
                first12[i] = b - b'0';
            }
            if check_value(&first12) == 10 {
                found = Some(head);
                break;
            }
        }
        let Some(head) = found else { panic!("no head with m = 10") };
        let number = format!("{head}0");
        assert_eq!(Jmbg::parse(&number, CheckMode::Strict).err().map(|e| e.code), Some("jmbg.check_digit_ten"));
        assert!(Jmbg::parse(&number, CheckMode::Lenient).is_ok());
    }

    #[test]
    fn wrong_length_digits_and_dates_are_named() {
        let code = |s: &str| Jmbg::parse(s, CheckMode::Strict).err().map(|e| e.code);
        assert_eq!(code("123"), Some("jmbg.length"));
        assert_eq!(code("01019901900a4"), Some("jmbg.digits"));
        assert_eq!(code("3102990190004"), Some("jmbg.date"));
        assert_eq!(code("0113990190004"), Some("jmbg.date"));
        assert_eq!(code("0101590190004"), Some("jmbg.date"));
    }

    #[test]
    fn year_digits_decode_to_the_right_century() {
        let j = Jmbg::compose(d(2024, 3, 15), 19, 500, CheckMode::Lenient);
        assert_eq!(j.as_ref().map(|j| &j.as_str()[..7]), Some("1503024"));
        assert_eq!(j.map(|j| j.birth_date()), Some(d(2024, 3, 15)));
        let old = Jmbg::compose(d(1899, 12, 31), 17, 1, CheckMode::Lenient);
        assert_eq!(old.map(|j| j.birth_date()), Some(d(1899, 12, 31)));
    }

    #[test]
    fn serde_round_trips_as_a_string() {
        let j = Jmbg::parse("0101990190004", CheckMode::Strict).ok();
        let s = serde_json::to_string(&j).unwrap_or_default();
        assert_eq!(s, "\"0101990190004\"");
        let back: Option<Jmbg> = serde_json::from_str(&s).ok().flatten();
        assert_eq!(back, j);
    }

    fn date_strategy() -> impl Strategy<Value = NaiveDate> {
        (1900i32..2100, 1u32..=12, 1u32..=28).prop_map(|(y, m, day)| d(y, m, day))
    }

    proptest! {
        /// Fuzzing (`PROPTEST_CASES` bounds the run; CI runs many): any text, digits or not,
        /// is refused with a code or read as a number that reads back the same.
        #[test]
        fn fuzz_jmbg_parse(text in prop_oneof!["[0-9]{0,16}", "[0-9 .\\-]{10,16}", "\\PC{0,20}", any::<String>()]) {
            for mode in [CheckMode::Strict, CheckMode::Lenient] {
                match Jmbg::parse(&text, mode) {
                    Ok(j) => {
                        prop_assert_eq!(j.as_str().len(), 13);
                        prop_assert!(j.as_str().bytes().all(|b| b.is_ascii_digit()));
                        prop_assert_eq!(Jmbg::parse(j.as_str(), mode).ok(), Some(j.clone()));
                    }
                    Err(e) => prop_assert!(CODES.contains(&e.code), "{}", e.code),
                }
            }
        }
    }

    proptest! {
        #[test]
        fn composed_numbers_parse_back_to_their_parts(date in date_strategy(), region in 0u8..100, serial in 0u16..1000) {
            if let Some(j) = Jmbg::compose(date, region, serial, CheckMode::Strict) {
                let parsed = Jmbg::parse(j.as_str(), CheckMode::Strict);
                prop_assert_eq!(parsed.as_ref().ok(), Some(&j));
                prop_assert_eq!(j.birth_date(), date);
                prop_assert_eq!(j.region(), region);
                prop_assert_eq!(j.serial(), serial);
                prop_assert_eq!(j.sex(), if serial < 500 { Sex::Male } else { Sex::Female });
            }
        }

        #[test]
        fn strict_composition_fails_only_for_check_value_ten(date in date_strategy(), region in 0u8..100, serial in 0u16..1000) {
            let strict = Jmbg::compose(date, region, serial, CheckMode::Strict);
            let lenient = Jmbg::compose(date, region, serial, CheckMode::Lenient);
            prop_assert!(lenient.is_some());
            if let (None, Some(l)) = (&strict, &lenient) {
                prop_assert_eq!(&l.as_str()[12..], "0");
                prop_assert!(Jmbg::parse(l.as_str(), CheckMode::Strict).is_err());
            }
        }

        #[test]
        fn changing_any_single_digit_is_detected(date in date_strategy(), serial in 0u16..1000, pos in 0usize..13, delta in 1u8..10) {
            if let Some(j) = Jmbg::compose(date, 19, serial, CheckMode::Strict) {
                let mut bytes = j.as_str().as_bytes().to_vec();
                bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
                let changed = String::from_utf8(bytes).unwrap_or_default();
                // A mod-11 code with weights 2..7 detects every single-digit change,
                // except in the check digit itself when m = 10 maps onto 0 leniently.
                prop_assert!(Jmbg::parse(&changed, CheckMode::Strict).is_err());
            }
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,20}") {
            let _ = Jmbg::parse(&s, CheckMode::Lenient);
        }
    }

    #[test]
    fn serial_blocks_take_the_same_share_of_both_sexes() {
        let b = SerialBlock::parse(" 100 + 100 ").unwrap();
        assert_eq!(b.serials(Sex::Male), 100..200);
        assert_eq!(b.serials(Sex::Female), 600..700);
        assert!(b.contains(150) && b.contains(699) && !b.contains(200) && !b.contains(99));
        assert!(b.overlaps(SerialBlock::new(150, 100).unwrap()) && !b.overlaps(SerialBlock::new(200, 300).unwrap()));
        assert_eq!(SerialBlock::new(450, 51).unwrap_err().code, "registry.jmbg.block_invalid");
        assert!(SerialBlock::new(0, 0).is_err() && SerialBlock::parse("100-199").is_err());
        assert_eq!(SerialBlock::WHOLE.serials(Sex::Female), 500..1000);
        assert_eq!(b.to_string(), "100+100");
    }
}

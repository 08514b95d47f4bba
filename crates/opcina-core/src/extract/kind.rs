//! What can be issued (extracts and certificates), and in which language and script.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::names::Script;
use crate::registry::Register;

/// A kind of document issued from the registers (izvod, uvjerenje, CIEC multilingual extract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ExtractKind {
    /// Izvod iz matične knjige rođenih (MKR).
    Birth,
    /// Izvod iz matične knjige vjenčanih (MKV).
    Marriage,
    /// Izvod iz matične knjige umrlih (MKU).
    Death,
    /// Uvjerenje o državljanstvu, from the register of citizens (MKD).
    Citizenship,
    /// Uvjerenje o slobodnom bračnom stanju: from the birth entry and its annotations.
    NoImpediment,
    /// Uvjerenje o životu: the person is alive according to the registers.
    Life,
    /// CIEC Convention No. 16, form A: multilingual extract of a birth entry.
    BirthInternational,
    /// CIEC Convention No. 16, form B: multilingual extract of a marriage entry.
    MarriageInternational,
    /// CIEC Convention No. 16, form C: multilingual extract of a death entry.
    DeathInternational,
}

impl ExtractKind {
    pub const ALL: [ExtractKind; 9] = [
        ExtractKind::Birth,
        ExtractKind::Marriage,
        ExtractKind::Death,
        ExtractKind::Citizenship,
        ExtractKind::NoImpediment,
        ExtractKind::Life,
        ExtractKind::BirthInternational,
        ExtractKind::MarriageInternational,
        ExtractKind::DeathInternational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExtractKind::Birth => "birth",
            ExtractKind::Marriage => "marriage",
            ExtractKind::Death => "death",
            ExtractKind::Citizenship => "citizenship",
            ExtractKind::NoImpediment => "no-impediment",
            ExtractKind::Life => "life",
            ExtractKind::BirthInternational => "birth-international",
            ExtractKind::MarriageInternational => "marriage-international",
            ExtractKind::DeathInternational => "death-international",
        }
    }

    pub fn parse(s: &str) -> Option<ExtractKind> {
        let s = s.trim().to_ascii_lowercase().replace('_', "-");
        ExtractKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The register whose entry the document is drawn from.
    pub fn register(self) -> Register {
        match self {
            ExtractKind::Birth | ExtractKind::BirthInternational | ExtractKind::NoImpediment | ExtractKind::Life => Register::Births,
            ExtractKind::Marriage | ExtractKind::MarriageInternational => Register::Marriages,
            ExtractKind::Death | ExtractKind::DeathInternational => Register::Deaths,
            ExtractKind::Citizenship => Register::Citizens,
        }
    }

    /// A CIEC Convention No. 16 form (printed in many languages at once).
    pub fn is_international(self) -> bool {
        matches!(self, ExtractKind::BirthInternational | ExtractKind::MarriageInternational | ExtractKind::DeathInternational)
    }

    /// The CIEC form letter: A birth, B marriage, C death.
    pub fn ciec_form(self) -> Option<char> {
        match self {
            ExtractKind::BirthInternational => Some('A'),
            ExtractKind::MarriageInternational => Some('B'),
            ExtractKind::DeathInternational => Some('C'),
            _ => None,
        }
    }
}

impl fmt::Display for ExtractKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The official languages of BiH an extract is issued in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Bosanski.
    Bs,
    /// Hrvatski.
    Hr,
    /// Srpski.
    Sr,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Bs, Language::Hr, Language::Sr];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Bs => "bs",
            Language::Hr => "hr",
            Language::Sr => "sr",
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        let s = s.trim().to_ascii_lowercase();
        Language::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub fn parse_script(s: &str) -> Option<Script> {
    match s.trim().to_ascii_lowercase().as_str() {
        "latin" | "latn" | "latinica" => Some(Script::Latin),
        "cyrillic" | "cyrl" | "ćirilica" | "cirilica" => Some(Script::Cyrillic),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_parses_from_its_name() {
        for k in ExtractKind::ALL {
            assert_eq!(ExtractKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(ExtractKind::parse("no_impediment"), Some(ExtractKind::NoImpediment));
        assert_eq!(ExtractKind::parse("passport"), None);
    }

    #[test]
    fn international_forms_have_their_ciec_letters() {
        assert_eq!(ExtractKind::BirthInternational.ciec_form(), Some('A'));
        assert_eq!(ExtractKind::MarriageInternational.ciec_form(), Some('B'));
        assert_eq!(ExtractKind::DeathInternational.ciec_form(), Some('C'));
        assert_eq!(ExtractKind::Birth.ciec_form(), None);
    }
}

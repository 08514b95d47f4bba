//! Municipalities a node can be set up as without writing their details by hand. Kakanj is
//! the project's model municipality (the demo uses it): its service centre and the three
//! local registry offices the seed document names.

use opcina_core::extract::ExtractKind;

use crate::admin::{NodeSpec, OfficeSpec};

/// The names `opcina init --preset` accepts.
pub const NAMES: [&str; 3] = ["kakanj", "zenica", "sarajevo-centar"];

pub fn preset(name: &str) -> Option<(NodeSpec, Vec<OfficeSpec>)> {
    match name.to_ascii_lowercase().as_str() {
        "kakanj" => Some(kakanj()),
        "zenica" => Some(zenica()),
        "sarajevo-centar" => Some(sarajevo_centar()),
        _ => None,
    }
}

fn office(code: &str, name: &str, settlement: &str, address: &str, hours: &str) -> OfficeSpec {
    OfficeSpec { code: code.into(), name: name.into(), settlement: settlement.into(), address: address.into(), hours: hours.into() }
}

/// Grad Zenica, Zenica-Doboj canton: JMBG region 19 (Kakanj's neighbour in the federation
/// demo). The offices are illustrative.
pub fn zenica() -> (NodeSpec, Vec<OfficeSpec>) {
    (
        NodeSpec {
            code: "ZEN".into(),
            municipality: "Zenica".into(),
            region: 19,
            lenient_jmbg: false,
            canton: "Zeničko-dobojski kanton".into(),
            entity: "Federacija Bosne i Hercegovine".into(),
        },
        vec![
            office("ZEN", "Matični ured Zenica", "Zenica", "Trg BiH 6, Zenica", "pon–pet 07:30–15:30"),
            office("ZNP", "Matični ured Nemila", "Nemila", "Nemila bb, Zenica", "pon–pet 08:00–15:00"),
        ],
    )
}

/// Općina Centar Sarajevo, Sarajevo canton: JMBG region 17. The offices are illustrative.
pub fn sarajevo_centar() -> (NodeSpec, Vec<OfficeSpec>) {
    (
        NodeSpec {
            code: "SCE".into(),
            municipality: "Centar Sarajevo".into(),
            region: 17,
            lenient_jmbg: false,
            canton: "Kanton Sarajevo".into(),
            entity: "Federacija Bosne i Hercegovine".into(),
        },
        vec![office("SCE", "Matični ured Centar", "Sarajevo", "Mis Irbina 1, Sarajevo", "pon–pet 08:00–16:00")],
    )
}

/// Općina Kakanj, Zenica-Doboj canton: JMBG region 19.
pub fn kakanj() -> (NodeSpec, Vec<OfficeSpec>) {
    (
        NodeSpec {
            code: "KAK".into(),
            municipality: "Kakanj".into(),
            region: 19,
            lenient_jmbg: false,
            canton: "Zeničko-dobojski kanton".into(),
            entity: "Federacija Bosne i Hercegovine".into(),
        },
        vec![
            office(
                "KAK",
                "Centar za pružanje usluga građanima Kakanj",
                "Kakanj",
                "Alije Izetbegovića 123, Kakanj",
                "pon–pet 07:30–15:30, sub 08:00–12:00",
            ),
            office("KSU", "Matični ured Kraljeva Sutjeska", "Kraljeva Sutjeska", "Kraljeva Sutjeska bb, Kakanj", "pon–pet 08:00–15:00"),
            office("BRN", "Matični ured Brnjica", "Brnjica", "Brnjica bb, Kakanj", "pon–pet 08:00–15:00"),
            office("BIL", "Matični ured Bilješevo", "Bilješevo", "Bilješevo bb, Kakanj", "pon–pet 08:00–15:00"),
        ],
    )
}

/// A rule of a preset's fee schedule.
#[derive(Debug, Clone, Copy)]
pub struct FeeRule {
    pub kind: Option<ExtractKind>,
    pub purpose: Option<&'static str>,
    /// In fening.
    pub amount: i64,
    pub note: &'static str,
}

/// The demo fee schedule of Kakanj: 4 KM a national document, 10 KM an international one,
/// no fee for social-welfare purposes. The amounts are illustrative *[verify]* against the
/// canton's law on administrative fees before real use.
pub fn kakanj_fees() -> Vec<FeeRule> {
    let international = [ExtractKind::BirthInternational, ExtractKind::MarriageInternational, ExtractKind::DeathInternational];
    let mut rules = vec![FeeRule { kind: None, purpose: None, amount: 400, note: "administrativna taksa (demo)" }];
    rules.extend(international.into_iter().map(|k| FeeRule {
        kind: Some(k),
        purpose: None,
        amount: 1000,
        note: "administrativna taksa (demo)",
    }));
    rules.push(FeeRule {
        kind: None,
        purpose: Some("socijalna zaštita"),
        amount: 0,
        note: "oslobođeno takse: ostvarivanje prava iz socijalne zaštite (demo)",
    });
    rules
}

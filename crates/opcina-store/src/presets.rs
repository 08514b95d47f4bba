//! Municipalities a node can be set up as without writing their details by hand. Kakanj is
//! the project's model municipality (the demo uses it): its service centre and the three
//! local registry offices the seed document names.

use opcina_core::extract::ExtractKind;
use opcina_core::extract::decision::AppealRoute;

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

/// Settlements of a preset's municipality beyond its offices' seats, with the office whose
/// books hold their entries. Kakanj's list is partial and illustrative *[verify]*: a body
/// completes it from the official list of its settlements (`opcina settlement add`).
pub fn settlements(preset: &str) -> &'static [(&'static str, &'static str)] {
    match preset {
        "kakanj" => &[
            ("Donji Kakanj", "KAK"),
            ("Doboj", "KAK"),
            ("Haljinići", "KAK"),
            ("Ričica", "KAK"),
            ("Zgošća", "KAK"),
            ("Modrinje", "KAK"),
            ("Vukanovići", "KSU"),
            ("Dubovo Brdo", "KSU"),
            ("Papratnica", "KSU"),
            ("Slapnica", "BRN"),
            ("Poljani", "BRN"),
            ("Mračaj", "BIL"),
        ],
        _ => &[],
    }
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

/// How a refusal is appealed in the demo: to the cantonal ministry of internal affairs, within
/// 15 days, with a 10 KM fee. The body and the fee are *[verify]* against the FBiH law on
/// civil registers and the canton's law on administrative fees before real use.
pub fn demo_appeal_route(canton_ministry: &str) -> AppealRoute {
    AppealRoute { body: canton_ministry.to_string(), days: 15, fee: 1000, fee_note: "kantonalna administrativna taksa (demo)".into() }
}

/// The ministry that decides appeals for a preset's municipality.
pub fn appeal_body(preset: &str) -> &'static str {
    match preset {
        "sarajevo-centar" => "Ministarstvo unutrašnjih poslova Kantona Sarajevo",
        _ => "Ministarstvo unutrašnjih poslova Zeničko-dobojskog kantona",
    }
}

/// Kakanj's document flow as the demo sets it up: the registry-number pattern of its acts
/// (`01/1-25-366/18`), its services as units, a classification plan and the kinds of case
/// the counter takes most. Illustrative: the unit codes follow the pattern of Kakanj's
/// numbers, but the classification titles, retention periods and the deadlines of special
/// procedures are examples for a body to replace with its own plan *[verify]*.
pub fn kakanj_docflow() -> crate::docflow::DocflowSetup {
    use opcina_core::docflow::deadline::Term;
    use opcina_core::docflow::number::{Book, Pattern};

    use crate::docflow::{CaseTypeSpec, DocflowSetup};
    let units = [
        ("01/1", "Služba za opću upravu i društvene djelatnosti"),
        ("02", "Služba za finansije"),
        ("03", "Služba za privredu i poljoprivredu"),
        ("04", "Služba za prostorno uređenje, imovinsko-pravne i geodetske poslove"),
        ("05", "Služba za stambeno-komunalne poslove i zaštitu okoliša"),
    ];
    let classes: [(i64, &str, Option<i64>); 8] = [
        (1, "Organizacija i rad organa", None),
        (5, "Predstavke, prijedlozi i pritužbe građana", Some(5)),
        (12, "Socijalna zaštita", Some(10)),
        (20, "Finansije i budžet", Some(10)),
        (25, "Opća uprava i lična stanja građana", None),
        (30, "Privreda i obrt", Some(10)),
        (35, "Prostorno uređenje i građenje", None),
        (40, "Komunalni poslovi", Some(5)),
    ];
    let case_type = |code: &str, title: &str, book: Book, class: i64, term: Term, unit: &str| CaseTypeSpec {
        code: code.into(),
        title: title.into(),
        book,
        class,
        term,
        unit: unit.into(),
    };
    DocflowSetup {
        pattern: Some(Pattern::KAKANJ.into()),
        units: units.iter().map(|(c, n)| (c.to_string(), n.to_string())).collect(),
        classes: classes.iter().map(|(m, t, y)| (*m, t.to_string(), *y)).collect(),
        case_types: vec![
            case_type("uvjerenje", "Uvjerenje o činjenicama iz službene evidencije", Book::UpI, 25, Term::Special { days: 8 }, "01/1"),
            // The registry's refusals of extracts and certificates are entered under this kind
            // (`docflow::REGISTRY_REFUSALS`).
            case_type("izvod", "Izvod ili uvjerenje iz matičnih knjiga", Book::UpI, 25, Term::Direct, "01/1"),
            case_type("pomoc", "Jednokratna novčana pomoć", Book::UpI, 12, Term::Direct, "01/1"),
            case_type("obrt", "Odobrenje za obavljanje obrta", Book::UpI, 30, Term::Direct, "03"),
            case_type("urbanisticka", "Urbanistička saglasnost", Book::UpI, 35, Term::Examination, "04"),
            case_type("komunalni", "Prijava komunalnog problema", Book::Djelovodnik, 40, Term::Direct, "05"),
            case_type("predstavka", "Predstavka ili prijedlog građana", Book::Djelovodnik, 5, Term::Direct, "01/1"),
            case_type("dopis", "Dopis drugog organa", Book::Djelovodnik, 1, Term::Direct, "01/1"),
            case_type("zalba", "Žalba na prvostepeno rješenje", Book::UpII, 25, Term::Direct, "01/1"),
            // Requests for access to information (ZOSPI FBiH): decided within 15 days
            // (`publicinfo::information`), by the official for information in 01/1.
            case_type(
                opcina_core::publicinfo::information::CASE_TYPE,
                "Zahtjev za pristup informacijama",
                Book::UpI,
                1,
                Term::Special { days: opcina_core::publicinfo::information::TERM_DAYS },
                "01/1",
            ),
        ],
        staff: Vec::new(),
    }
}

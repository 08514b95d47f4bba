//! The form text of extracts and certificates in Bosnian, Croatian and Serbian (Latin; the
//! Cyrillic text is transliterated from it). Names and places are never translated: they
//! are printed as registered.

use super::kind::Language;
use super::request::Relation;
use crate::names::Script;

/// Every phrase a national extract or certificate prints. Phrases with `{…}` are filled in
/// by [`fill`].
#[derive(Debug)]
pub struct Words {
    pub country: &'static str,
    pub entity: &'static str,
    /// `{name}`: the municipality.
    pub municipality: &'static str,
    pub service: &'static str,
    pub title_birth: &'static str,
    pub title_marriage: &'static str,
    pub title_death: &'static str,
    pub title_citizenship: &'static str,
    pub title_no_impediment: &'static str,
    pub title_life: &'static str,
    pub entry_ref: &'static str,
    pub given_name: &'static str,
    pub surname: &'static str,
    pub maiden_surname: &'static str,
    pub sex: &'static str,
    pub male: &'static str,
    pub female: &'static str,
    pub birth_date: &'static str,
    pub birth_time: &'static str,
    pub birth_place: &'static str,
    pub jmbg: &'static str,
    pub citizenship: &'static str,
    pub residence: &'static str,
    pub father: &'static str,
    pub mother: &'static str,
    pub informant: &'static str,
    pub marriage_date: &'static str,
    pub marriage_place: &'static str,
    pub husband_wife: [&'static str; 2],
    pub spouse_n: &'static str,
    pub surname_after: &'static str,
    pub witnesses: &'static str,
    pub officiant: &'static str,
    pub death_date: &'static str,
    pub death_time: &'static str,
    pub death_place: &'static str,
    pub last_residence: &'static str,
    pub death_confirmation: &'static str,
    pub spouse: &'static str,
    pub acquired_on: &'static str,
    pub basis: &'static str,
    pub basis_origin: &'static str,
    pub basis_birth: &'static str,
    pub basis_naturalisation: &'static str,
    pub basis_agreement: &'static str,
    pub registered_on: &'static str,
    pub late: &'static str,
    pub annotations: &'static str,
    pub no_annotations: &'static str,
    pub number: &'static str,
    pub place_date: &'static str,
    pub fee: &'static str,
    pub fee_exempt: &'static str,
    pub purpose: &'static str,
    pub official: &'static str,
    pub no_expiry: &'static str,
    pub seal: &'static str,
    pub verify: &'static str,
    /// The parts of a date, for the legend of the CIEC codes.
    pub day: &'static str,
    pub month: &'static str,
    pub year: &'static str,
    pub status_single: [&'static str; 2],
    pub status_married: [&'static str; 2],
    pub status_divorced: [&'static str; 2],
    pub status_widowed: [&'static str; 2],
    pub status_annulled: [&'static str; 2],
    pub marital_status: &'static str,
    /// `{name}`, `{jmbg}`, `{date}`, `{place}`, `{ref}`, `{born}` (rođen/rođena).
    pub life_statement: &'static str,
    pub no_impediment_statement: &'static str,
    pub citizenship_statement: &'static str,
    pub born: [&'static str; 2],
    pub alive: [&'static str; 2],
    pub entered: [&'static str; 2],
    // Annotations: `{date}`, `{name}`, `{ref}`, `{surname}`, `{place}`, `{field}`, `{old}`, `{new}`.
    pub a_marriage: &'static str,
    pub a_surname_after: &'static str,
    pub a_divorce: &'static str,
    pub a_annulment: &'static str,
    pub a_spouse_death: &'static str,
    pub a_death: &'static str,
    pub a_name_change: &'static str,
    pub a_paternity: &'static str,
    pub a_adoption: &'static str,
    pub a_citizenship_acquired: &'static str,
    pub a_citizenship_lost: &'static str,
    pub a_correction: &'static str,
    pub a_identity_correction: &'static str,
    /// `{act} {issuer}, br. {number} od {date}`.
    pub a_basis: &'static str,
    /// `upisano {date}, {office}, {by}`.
    pub a_recorded: &'static str,
    /// `{name}, matičar`: the registrar who recorded an annotation.
    pub a_registrar: &'static str,
    pub a_effective: &'static str,
    // Refusal decision.
    pub decision_title: &'static str,
    pub decision_intro: &'static str,
    pub decision_operative: &'static str,
    pub decision_reasoning: &'static str,
    pub decision_no_relation: &'static str,
    pub decision_not_confirmed: &'static str,
    /// Refusals because the registers do not bear out what the certificate would certify.
    pub decision_deceased: &'static str,
    pub decision_married: &'static str,
    pub decision_no_citizenship: &'static str,
    pub decision_appeal: &'static str,
    /// The instruction when the body has set its appeal route: `{days}`, `{body}`.
    pub decision_appeal_route: &'static str,
    /// `{amount}{note}`: the fee of an appeal, the note in brackets when there is one.
    pub decision_appeal_fee: &'static str,
    pub decision_appeal_free: &'static str,
    pub requester: &'static str,
    pub relation: &'static str,
    pub kind_requested: &'static str,
    /// The relations, in the order of `Relation::ALL`.
    pub relations: [&'static str; 13],
}

pub const BS: Words = Words {
    country: "Bosna i Hercegovina",
    entity: "Federacija Bosne i Hercegovine",
    municipality: "Općina {name}",
    service: "Služba za opću upravu — matični ured",
    title_birth: "IZVOD IZ MATIČNE KNJIGE ROĐENIH",
    title_marriage: "IZVOD IZ MATIČNE KNJIGE VJENČANIH",
    title_death: "IZVOD IZ MATIČNE KNJIGE UMRLIH",
    title_citizenship: "UVJERENJE O DRŽAVLJANSTVU",
    title_no_impediment: "UVJERENJE O SLOBODNOM BRAČNOM STANJU",
    title_life: "UVJERENJE O ŽIVOTU",
    entry_ref: "Upis",
    given_name: "Ime",
    surname: "Prezime",
    maiden_surname: "Djevojačko prezime",
    sex: "Spol",
    male: "muški",
    female: "ženski",
    birth_date: "Datum rođenja",
    birth_time: "Vrijeme rođenja",
    birth_place: "Mjesto rođenja",
    jmbg: "JMBG",
    citizenship: "Državljanstvo",
    residence: "Prebivalište",
    father: "Otac",
    mother: "Majka",
    informant: "Prijavitelj",
    marriage_date: "Datum zaključenja braka",
    marriage_place: "Mjesto zaključenja braka",
    husband_wife: ["Prvi bračni drug", "Drugi bračni drug"],
    spouse_n: "Bračni drug",
    surname_after: "Prezime nakon zaključenja braka",
    witnesses: "Svjedoci",
    officiant: "Matičar pred kojim je brak zaključen",
    death_date: "Datum smrti",
    death_time: "Vrijeme smrti",
    death_place: "Mjesto smrti",
    last_residence: "Posljednje prebivalište",
    death_confirmation: "Potvrda o smrti",
    spouse: "Bračni drug",
    acquired_on: "Datum sticanja državljanstva",
    basis: "Osnov sticanja",
    basis_origin: "porijeklom",
    basis_birth: "rođenjem na teritoriji",
    basis_naturalisation: "prirođenjem",
    basis_agreement: "po međunarodnom ugovoru",
    registered_on: "Datum upisa",
    late: "naknadni upis (nakon roka od 30 dana)",
    annotations: "Naknadni upisi i zabilješke",
    no_annotations: "Nema naknadnih upisa i zabilješki.",
    number: "Broj",
    place_date: "Mjesto i datum izdavanja",
    fee: "Administrativna taksa",
    fee_exempt: "oslobođeno plaćanja takse",
    purpose: "Izdaje se u svrhu",
    official: "Službeno lice",
    no_expiry: "Izvod i uvjerenje nemaju rok važenja.",
    seal: "Elektronski pečat",
    verify: "Provjera autentičnosti",
    day: "dan",
    month: "mjesec",
    year: "godina",
    status_single: ["neoženjen", "neudata"],
    status_married: ["oženjen", "udata"],
    status_divorced: ["razveden", "razvedena"],
    status_widowed: ["udovac", "udovica"],
    status_annulled: ["brak poništen", "brak poništen"],
    marital_status: "Bračno stanje",
    life_statement: "Na osnovu podataka iz matične knjige rođenih ({ref}) uvjerava se da je {name}, JMBG {jmbg}, {born} {date} u mjestu {place}, na dan izdavanja ovog uvjerenja {alive}, jer u matičnim knjigama nije upisana smrt.",
    no_impediment_statement: "Na osnovu podataka iz matične knjige rođenih ({ref}) i naknadnih upisa u nju uvjerava se da {name}, JMBG {jmbg}, {born} {date} u mjestu {place}, nije u braku i da prema podacima matičnih knjiga nema bračne smetnje. Bračno stanje: {status}.",
    citizenship_statement: "Na osnovu podataka iz matične knjige državljana ({ref}) uvjerava se da je {name}, JMBG {jmbg}, {born} {date} u mjestu {place}, {entered} u matičnu knjigu državljana i da ima državljanstvo: {citizenship}.",
    born: ["rođen", "rođena"],
    alive: ["živ", "živa"],
    entered: ["upisan", "upisana"],
    a_marriage: "Zaključen brak {date} s {name} ({ref}).",
    a_surname_after: "Prezime nakon zaključenja braka: {surname}.",
    a_divorce: "Brak ({ref}) razveden.",
    a_annulment: "Brak ({ref}) poništen.",
    a_spouse_death: "Brak ({ref}) prestao smrću bračnog druga.",
    a_death: "Umro/la {date} u mjestu {place} ({ref}).",
    a_name_change: "Promijenjeno lično ime u: {name}.",
    a_paternity: "Utvrđeno očinstvo: otac {name}.",
    a_adoption: "Usvojenje; lično ime nakon usvojenja: {name}.",
    a_citizenship_acquired: "Stečeno državljanstvo: {new}.",
    a_citizenship_lost: "Prestalo državljanstvo: {new}.",
    a_correction: "Ispravljena greška u upisu ({field}): „{old}” ispravljeno u „{new}”.",
    a_identity_correction: "Upisani spol i datum rođenja: {sex}, {date}; dosadašnji JMBG {old} zamijenjen je JMBG-om {new}.",
    a_basis: "Osnov: {act}, {issuer}, broj {number} od {date}",
    a_recorded: "Upisano {date}, {office}, {by}.",
    a_registrar: "{name}, matičar",
    a_effective: "Pravno dejstvo od {date}",
    decision_title: "RJEŠENJE",
    decision_intro: "Rješavajući po zahtjevu za izdavanje dokumenta iz matičnih knjiga, na osnovu {basis}, donosi se",
    decision_operative: "Odbija se zahtjev podnosioca {requester} za izdavanje dokumenta „{kind}” o licu JMBG {jmbg}, u svrhu: {purpose}.",
    decision_reasoning: "Obrazloženje",
    decision_no_relation: "Podnosilac zahtjeva je naveo odnos prema licu: „{relation}”. Prema {basis} izvod i uvjerenje iz matičnih knjiga izdaju se licu na koje se podaci odnose, njegovom punomoćniku, članovima uže i šire porodice, usvojiocu i staratelju. Podnosilac nije nijedno od navedenih lica, pa je odlučeno kao u dispozitivu.",
    decision_not_confirmed: "Podnosilac zahtjeva je naveo odnos prema licu: „{relation}”. Uvidom u matične knjige taj odnos nije utvrđen, a drugi dokaz nije priložen. Kako prema {basis} dokument mogu dobiti samo lica u propisanom odnosu prema licu, odlučeno je kao u dispozitivu.",
    decision_appeal: "Pouka o pravnom lijeku: protiv ovog rješenja može se izjaviti žalba u roku od 15 dana od dana prijema, putem ovog organa.",
    decision_appeal_route: "Pouka o pravnom lijeku: protiv ovog rješenja može se izjaviti žalba u roku od {days} dana od dana prijema, putem ovog organa. O žalbi odlučuje {body}.",
    decision_appeal_fee: "Na žalbu se plaća taksa od {amount}{note}.",
    decision_appeal_free: "Na žalbu se ne plaća taksa.",
    decision_deceased: "Uvidom u matične knjige utvrđeno je da je u njih upisana smrt lica na koje se zahtjev odnosi. Traženo uvjerenje potvrđuje da je lice živo, odnosno da nema bračne smetnje, što se prema {basis} ne može potvrditi, pa je odlučeno kao u dispozitivu.",
    decision_married: "Uvidom u matične knjige utvrđeno je da je lice na koje se zahtjev odnosi u braku. Uvjerenje o slobodnom bračnom stanju prema {basis} ne može se izdati licu koje je u braku, pa je odlučeno kao u dispozitivu.",
    decision_no_citizenship: "Uvidom u matične knjige utvrđeno je da lice na koje se zahtjev odnosi na dan odlučivanja nema upisano državljanstvo. Uvjerenje o državljanstvu prema {basis} ne može se izdati, pa je odlučeno kao u dispozitivu.",
    requester: "Podnosilac zahtjeva",
    relation: "Navedeni odnos",
    kind_requested: "Traženi dokument",
    relations: [
        "lice na koje se podaci odnose",
        "punomoćnik",
        "bračni drug",
        "vanbračni partner",
        "dijete",
        "pastorak / pastorka",
        "roditelj",
        "očuh / maćeha",
        "unuk / unuka",
        "djed / nena",
        "brat / sestra",
        "staratelj",
        "drugo lice",
    ],
};

pub const HR: Words = Words {
    service: "Služba za opću upravu — matični ured",
    title_birth: "IZVADAK IZ MATIČNE KNJIGE ROĐENIH",
    title_marriage: "IZVADAK IZ MATIČNE KNJIGE VJENČANIH",
    title_death: "IZVADAK IZ MATIČNE KNJIGE UMRLIH",
    title_citizenship: "UVJERENJE O DRŽAVLJANSTVU",
    title_no_impediment: "UVJERENJE O SLOBODNOM BRAČNOM STANJU",
    informant: "Prijavitelj",
    basis: "Temelj stjecanja",
    basis_birth: "rođenjem na teritoriju",
    basis_agreement: "po međunarodnom ugovoru",
    acquired_on: "Datum stjecanja državljanstva",
    annotations: "Naknadni upisi i bilješke",
    no_annotations: "Nema naknadnih upisa i bilješki.",
    fee: "Upravna pristojba",
    fee_exempt: "oslobođeno plaćanja pristojbe",
    purpose: "Izdaje se u svrhu",
    official: "Službena osoba",
    no_expiry: "Izvadak i uvjerenje nemaju rok valjanosti.",
    seal: "Elektronički pečat",
    verify: "Provjera vjerodostojnosti",
    day: "dan",
    month: "mjesec",
    year: "godina",
    status_single: ["neoženjen", "neudana"],
    status_married: ["oženjen", "udana"],
    life_statement: "Na temelju podataka iz matične knjige rođenih ({ref}) uvjerava se da je {name}, JMBG {jmbg}, {born} {date} u mjestu {place}, na dan izdavanja ovog uvjerenja {alive}, jer u matičnim knjigama nije upisana smrt.",
    no_impediment_statement: "Na temelju podataka iz matične knjige rođenih ({ref}) i naknadnih upisa u nju uvjerava se da {name}, JMBG {jmbg}, {born} {date} u mjestu {place}, nije u braku i da prema podacima matičnih knjiga nema bračne zapreke. Bračno stanje: {status}.",
    citizenship_statement: "Na temelju podataka iz matične knjige državljana ({ref}) uvjerava se da je {name}, JMBG {jmbg}, {born} {date} u mjestu {place}, {entered} u matičnu knjigu državljana i da ima državljanstvo: {citizenship}.",
    a_marriage: "Sklopljen brak {date} s {name} ({ref}).",
    a_surname_after: "Prezime nakon sklapanja braka: {surname}.",
    a_death: "Umro/la {date} u mjestu {place} ({ref}).",
    a_name_change: "Promijenjeno osobno ime u: {name}.",
    a_adoption: "Posvojenje; osobno ime nakon posvojenja: {name}.",
    a_citizenship_acquired: "Stečeno državljanstvo: {new}.",
    a_basis: "Temelj: {act}, {issuer}, broj {number} od {date}",
    a_effective: "Pravni učinak od {date}",
    marriage_date: "Datum sklapanja braka",
    marriage_place: "Mjesto sklapanja braka",
    surname_after: "Prezime nakon sklapanja braka",
    officiant: "Matičar pred kojim je brak sklopljen",
    decision_intro: "Rješavajući po zahtjevu za izdavanje isprave iz matičnih knjiga, na temelju {basis}, donosi se",
    decision_operative: "Odbija se zahtjev podnositelja {requester} za izdavanje isprave „{kind}” o osobi JMBG {jmbg}, u svrhu: {purpose}.",
    decision_no_relation: "Podnositelj zahtjeva naveo je odnos prema osobi: „{relation}”. Prema {basis} izvadak i uvjerenje iz matičnih knjiga izdaju se osobi na koju se podaci odnose, njezinu punomoćniku, članovima uže i šire obitelji, posvojitelju i skrbniku. Podnositelj nije nijedna od navedenih osoba, pa je odlučeno kao u izreci.",
    decision_not_confirmed: "Podnositelj zahtjeva naveo je odnos prema osobi: „{relation}”. Uvidom u matične knjige taj odnos nije utvrđen, a drugi dokaz nije priložen. Kako prema {basis} ispravu mogu dobiti samo osobe u propisanom odnosu prema osobi, odlučeno je kao u izreci.",
    decision_appeal: "Uputa o pravnom lijeku: protiv ovog rješenja može se izjaviti žalba u roku od 15 dana od dana primitka, putem ovog tijela.",
    decision_appeal_route: "Uputa o pravnom lijeku: protiv ovog rješenja može se izjaviti žalba u roku od {days} dana od dana primitka, putem ovog tijela. O žalbi odlučuje {body}.",
    decision_appeal_fee: "Na žalbu se plaća pristojba od {amount}{note}.",
    decision_appeal_free: "Na žalbu se ne plaća pristojba.",
    decision_deceased: "Uvidom u matične knjige utvrđeno je da je u njih upisana smrt osobe na koju se zahtjev odnosi. Traženo uvjerenje potvrđuje da je osoba živa, odnosno da nema bračne zapreke, što se prema {basis} ne može potvrditi, pa je odlučeno kao u izreci.",
    decision_married: "Uvidom u matične knjige utvrđeno je da je osoba na koju se zahtjev odnosi u braku. Uvjerenje o slobodnom bračnom stanju prema {basis} ne može se izdati osobi koja je u braku, pa je odlučeno kao u izreci.",
    decision_no_citizenship: "Uvidom u matične knjige utvrđeno je da osoba na koju se zahtjev odnosi na dan odlučivanja nema upisano državljanstvo. Uvjerenje o državljanstvu prema {basis} ne može se izdati, pa je odlučeno kao u izreci.",
    requester: "Podnositelj zahtjeva",
    kind_requested: "Tražena isprava",
    relations: [
        "osoba na koju se podaci odnose",
        "punomoćnik",
        "bračni drug",
        "izvanbračni partner",
        "dijete",
        "pastorak / pastorka",
        "roditelj",
        "očuh / maćeha",
        "unuk / unuka",
        "djed / baka",
        "brat / sestra",
        "skrbnik",
        "druga osoba",
    ],
    ..BS
};

pub const SR: Words = Words {
    municipality: "Opština {name}",
    service: "Služba za opštu upravu — matična služba",
    title_birth: "IZVOD IZ MATIČNE KNJIGE ROĐENIH",
    title_marriage: "IZVOD IZ MATIČNE KNJIGE VJENČANIH",
    title_death: "IZVOD IZ MATIČNE KNJIGE UMRLIH",
    sex: "Pol",
    informant: "Prijavilac",
    basis: "Osnov sticanja",
    fee: "Administrativna taksa",
    official: "Službeno lice",
    no_expiry: "Izvod i uvjerenje nemaju rok važenja.",
    seal: "Elektronski pečat",
    verify: "Provjera autentičnosti",
    annotations: "Naknadni upisi i zabilješke",
    life_statement: "Na osnovu podataka iz matične knjige rođenih ({ref}) uvjerava se da je {name}, JMBG {jmbg}, {born} {date} u mjestu {place}, na dan izdavanja ovog uvjerenja {alive}, jer u matičnim knjigama nije upisana smrt.",
    a_name_change: "Promijenjeno lično ime u: {name}.",
    a_identity_correction: "Upisani pol i datum rođenja: {sex}, {date}; dosadašnji JMBG {old} zamijenjen je JMBG-om {new}.",
    decision_appeal: "Pouka o pravnom lijeku: protiv ovog rješenja može se izjaviti žalba u roku od 15 dana od dana prijema, preko ovog organa.",
    decision_appeal_route: "Pouka o pravnom lijeku: protiv ovog rješenja može se izjaviti žalba u roku od {days} dana od dana prijema, preko ovog organa. O žalbi odlučuje {body}.",
    ..BS
};

/// A relation's name in a language (Latin script).
pub fn relation_name(language: Language, relation: Relation) -> &'static str {
    let i = Relation::ALL.iter().position(|r| *r == relation).unwrap_or(Relation::ALL.len() - 1);
    words(language).relations[i]
}

pub fn words(language: Language) -> &'static Words {
    match language {
        Language::Bs => &BS,
        Language::Hr => &HR,
        Language::Sr => &SR,
    }
}

/// Fills `{key}` placeholders.
pub fn fill(template: &str, values: &[(&str, &str)]) -> String {
    fill_with(template, values, str::to_string)
}

/// Fills `{key}` placeholders for a document in `script`: the template's words are form text
/// ([`Script::write`]), the values recorded text — names, places, acts — written word by word
/// ([`Script::write_recorded`]).
pub fn fill_in(script: Script, template: &str, values: &[(&str, &str)]) -> String {
    let written: Vec<(&str, String)> = values.iter().map(|(k, v)| (*k, script.write_recorded(v))).collect();
    let values: Vec<(&str, &str)> = written.iter().map(|(k, v)| (*k, v.as_str())).collect();
    fill_with(template, &values, |s| script.write(s))
}

/// Fills `{key}` placeholders, passing the template's own text (not the values) through
/// `literal` — to write the form's words in Cyrillic and leave names as registered.
pub fn fill_with(template: &str, values: &[(&str, &str)], literal: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&literal(&rest[..open]));
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let key = &after[..close];
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&literal(&rest[open..]));
                rest = "";
            }
        }
    }
    out.push_str(&literal(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_replaces_known_keys_and_keeps_unknown_ones() {
        assert_eq!(fill("{a} i {b} {c}", &[("a", "Ana"), ("b", "Đuro")]), "Ana i Đuro {c}");
        assert_eq!(fill("no braces", &[]), "no braces");
        assert_eq!(fill("open {brace", &[]), "open {brace");
    }

    #[test]
    fn the_languages_differ_where_the_standards_do() {
        assert_eq!(words(Language::Hr).title_birth, "IZVADAK IZ MATIČNE KNJIGE ROĐENIH");
        assert_eq!(words(Language::Sr).sex, "Pol");
        assert_eq!(words(Language::Bs).sex, "Spol");
    }
}

//! The labels of the multilingual extracts of CIEC Convention No. 16 (Vienna, 8 September
//! 1976): form A (birth), B (marriage), C (death). Each field is labelled in every language
//! at once, dates are written `DD MM YYYY` under the codes `Jo Mo An`, and sex is coded
//! `M`/`F`, so that an official anywhere can read the form without a translation.
//! The field list follows the convention's forms; their exact numbering and wording is
//! *[verify]* against the official formulary.

/// The languages of the labels, in print order: Bosnian/Croatian/Serbian, English, French,
/// German, Italian, Spanish, Turkish, Dutch, Portuguese.
pub const LANGUAGES: [&str; 9] = ["bs", "en", "fr", "de", "it", "es", "tr", "nl", "pt"];

/// A label in every language of [`LANGUAGES`].
pub type Label = [&'static str; 9];

pub const STATE: Label = ["Država", "State", "État", "Staat", "Stato", "Estado", "Devlet", "Staat", "Estado"];
pub const OFFICE: Label = [
    "Matični ured",
    "Civil registry office",
    "Bureau de l'état civil",
    "Standesamt",
    "Ufficio dello stato civile",
    "Registro civil",
    "Nüfus idaresi",
    "Bureau burgerlijke stand",
    "Conservatória do registo civil",
];
pub const TITLE_A: Label = [
    "Izvod iz matične knjige rođenih",
    "Extract of the record of birth",
    "Extrait de l'acte de naissance",
    "Auszug aus dem Geburtseintrag",
    "Estratto dell'atto di nascita",
    "Extracto del acta de nacimiento",
    "Doğum kaydı örneği",
    "Uittreksel uit de akte van geboorte",
    "Extracto do assento de nascimento",
];
pub const TITLE_B: Label = [
    "Izvod iz matične knjige vjenčanih",
    "Extract of the record of marriage",
    "Extrait de l'acte de mariage",
    "Auszug aus dem Heiratseintrag",
    "Estratto dell'atto di matrimonio",
    "Extracto del acta de matrimonio",
    "Evlenme kaydı örneği",
    "Uittreksel uit de akte van huwelijk",
    "Extracto do assento de casamento",
];
pub const TITLE_C: Label = [
    "Izvod iz matične knjige umrlih",
    "Extract of the record of death",
    "Extrait de l'acte de décès",
    "Auszug aus dem Sterbeeintrag",
    "Estratto dell'atto di morte",
    "Extracto del acta de defunción",
    "Ölüm kaydı örneği",
    "Uittreksel uit de akte van overlijden",
    "Extracto do assento de óbito",
];
pub const DATE_BIRTH: Label = [
    "Datum rođenja",
    "Date of birth",
    "Date de naissance",
    "Tag der Geburt",
    "Data di nascita",
    "Fecha de nacimiento",
    "Doğum tarihi",
    "Datum van geboorte",
    "Data de nascimento",
];
pub const PLACE_BIRTH: Label = [
    "Mjesto rođenja",
    "Place of birth",
    "Lieu de naissance",
    "Ort der Geburt",
    "Luogo di nascita",
    "Lugar de nacimiento",
    "Doğum yeri",
    "Plaats van geboorte",
    "Lugar de nascimento",
];
pub const SEX: Label = ["Spol", "Sex", "Sexe", "Geschlecht", "Sesso", "Sexo", "Cinsiyeti", "Geslacht", "Sexo"];
pub const SURNAME: Label = ["Prezime", "Surname", "Nom", "Familienname", "Cognome", "Apellidos", "Soyadı", "Geslachtsnaam", "Apelido"];
pub const FORENAMES: Label = ["Ime", "Forenames", "Prénoms", "Vornamen", "Nome", "Nombre", "Adı", "Voornamen", "Nome próprio"];
pub const FATHER: Label = ["Otac", "Father", "Père", "Vater", "Padre", "Padre", "Babası", "Vader", "Pai"];
pub const MOTHER: Label = ["Majka", "Mother", "Mère", "Mutter", "Madre", "Madre", "Anası", "Moeder", "Mãe"];
pub const DATE_MARRIAGE: Label = [
    "Datum zaključenja braka",
    "Date of marriage",
    "Date du mariage",
    "Tag der Eheschließung",
    "Data del matrimonio",
    "Fecha del matrimonio",
    "Evlenme tarihi",
    "Datum van het huwelijk",
    "Data do casamento",
];
pub const PLACE_MARRIAGE: Label = [
    "Mjesto zaključenja braka",
    "Place of marriage",
    "Lieu du mariage",
    "Ort der Eheschließung",
    "Luogo del matrimonio",
    "Lugar del matrimonio",
    "Evlenme yeri",
    "Plaats van het huwelijk",
    "Lugar do casamento",
];
pub const SPOUSE_1: Label = [
    "Prvi bračni drug",
    "First spouse",
    "Premier époux",
    "Erster Ehegatte",
    "Primo coniuge",
    "Primer cónyuge",
    "Birinci eş",
    "Eerste echtgenoot",
    "Primeiro cônjuge",
];
pub const SPOUSE_2: Label = [
    "Drugi bračni drug",
    "Second spouse",
    "Second époux",
    "Zweiter Ehegatte",
    "Secondo coniuge",
    "Segundo cónyuge",
    "İkinci eş",
    "Tweede echtgenoot",
    "Segundo cônjuge",
];
pub const NAME_AFTER: Label = [
    "Prezime nakon braka",
    "Surname after marriage",
    "Nom après le mariage",
    "Name nach der Eheschließung",
    "Cognome dopo il matrimonio",
    "Apellido después del matrimonio",
    "Evlilikten sonraki soyadı",
    "Naam na het huwelijk",
    "Apelido depois do casamento",
];
pub const DATE_DEATH: Label = [
    "Datum smrti",
    "Date of death",
    "Date du décès",
    "Tag des Todes",
    "Data di morte",
    "Fecha de defunción",
    "Ölüm tarihi",
    "Datum van overlijden",
    "Data do óbito",
];
pub const PLACE_DEATH: Label = [
    "Mjesto smrti",
    "Place of death",
    "Lieu du décès",
    "Ort des Todes",
    "Luogo di morte",
    "Lugar de defunción",
    "Ölüm yeri",
    "Plaats van overlijden",
    "Lugar do óbito",
];
pub const ANNOTATIONS: Label = [
    "Naknadni upisi i zabilješke",
    "Other annotations",
    "Autres énonciations",
    "Sonstige Vermerke",
    "Altre annotazioni",
    "Otras menciones",
    "Diğer şerhler",
    "Andere vermeldingen",
    "Outros averbamentos",
];
pub const DATE_ISSUE: Label = [
    "Datum izdavanja, potpis, pečat",
    "Date of issue, signature, seal",
    "Date de délivrance, signature, sceau",
    "Ausstellungsdatum, Unterschrift, Siegel",
    "Data di rilascio, firma, timbro",
    "Fecha de expedición, firma, sello",
    "Veriliş tarihi, imza, mühür",
    "Datum van afgifte, handtekening, zegel",
    "Data de emissão, assinatura, selo",
];
/// The codes used on every form.
pub const CODES: Label = [
    "Jo = dan, Mo = mjesec, An = godina; M = muški, F = ženski",
    "Jo = day, Mo = month, An = year; M = male, F = female",
    "Jo = jour, Mo = mois, An = année; M = masculin, F = féminin",
    "Jo = Tag, Mo = Monat, An = Jahr; M = männlich, F = weiblich",
    "Jo = giorno, Mo = mese, An = anno; M = maschile, F = femminile",
    "Jo = día, Mo = mes, An = año; M = masculino, F = femenino",
    "Jo = gün, Mo = ay, An = yıl; M = erkek, F = kadın",
    "Jo = dag, Mo = maand, An = jaar; M = mannelijk, F = vrouwelijk",
    "Jo = dia, Mo = mês, An = ano; M = masculino, F = feminino",
];

/// A date as the convention writes it: `DD MM YYYY`.
pub fn date(d: chrono::NaiveDate) -> String {
    d.format("%d %m %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_is_given_in_every_language() {
        for label in [
            STATE,
            OFFICE,
            TITLE_A,
            TITLE_B,
            TITLE_C,
            DATE_BIRTH,
            PLACE_BIRTH,
            SEX,
            SURNAME,
            FORENAMES,
            FATHER,
            MOTHER,
            DATE_MARRIAGE,
            PLACE_MARRIAGE,
            SPOUSE_1,
            SPOUSE_2,
            NAME_AFTER,
            DATE_DEATH,
            PLACE_DEATH,
            ANNOTATIONS,
            DATE_ISSUE,
            CODES,
        ] {
            assert!(label.iter().all(|l| !l.trim().is_empty()), "{label:?}");
        }
        assert!(LANGUAGES.len() >= 8);
    }

    #[test]
    fn dates_are_written_day_month_year_with_spaces() {
        assert_eq!(date(chrono::NaiveDate::from_ymd_opt(1990, 3, 5).unwrap()), "05 03 1990");
    }
}

//! The receipt (potvrda o prijemu podneska) the registry office hands the party: the
//! registry number its submission got, when it was received, the legal deadline, and the
//! access code with a QR code of the tracking address. The code is printed here and nowhere
//! else: the body keeps only its hash.

use chrono::NaiveDate;
use serde::Serialize;

/// What a receipt states.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptFacts {
    pub municipality: String,
    /// The unit that handles the case.
    pub unit: String,
    pub number: String,
    pub received_on: NaiveDate,
    /// When it was registered, `28.11.2026. 10:15` (local time).
    pub registered_at: String,
    pub party: String,
    pub subject: String,
    /// The kind of case, as the body names it.
    pub kind: String,
    pub term_days: i64,
    pub due_on: NaiveDate,
    pub access_code: String,
    /// The full tracking address (number and code in it), for the QR code.
    pub tracking_url: String,
    /// Where a party without the QR code goes (the tracking page).
    pub tracking_page: String,
    pub clerk: String,
}

/// A receipt ready to lay out (`opcina-pdf`'s `receipt.typ` reads it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptDocument {
    pub lang: String,
    pub meta_title: String,
    pub header: Vec<String>,
    pub title: String,
    pub number: String,
    /// Label and value, in the order printed.
    pub rows: Vec<(String, String)>,
    pub code_label: String,
    pub code: String,
    pub how_to_track: String,
    pub tracking_url: String,
    pub clerk_label: String,
    pub clerk: String,
    pub keywords: Vec<String>,
}

fn date(d: NaiveDate) -> String {
    d.format("%d.%m.%Y.").to_string()
}

/// The receipt in the body's official language (Bosnian, Latin script).
pub fn receipt(f: &ReceiptFacts) -> ReceiptDocument {
    let term = match f.term_days {
        1 => "1 dan".to_string(),
        n => format!("{n} dana"),
    };
    ReceiptDocument {
        lang: "bs".into(),
        meta_title: format!("Potvrda o prijemu podneska {}", f.number),
        header: vec!["Bosna i Hercegovina".into(), "Federacija Bosne i Hercegovine".into(), f.municipality.clone(), f.unit.clone()],
        title: "POTVRDA O PRIJEMU PODNESKA".into(),
        number: f.number.clone(),
        rows: vec![
            ("Broj predmeta".into(), f.number.clone()),
            ("Primljeno".into(), date(f.received_on)),
            ("Zavedeno".into(), f.registered_at.clone()),
            ("Podnosilac".into(), f.party.clone()),
            ("Predmet".into(), f.subject.clone()),
            ("Vrsta predmeta".into(), f.kind.clone()),
            ("Nadležna služba".into(), f.unit.clone()),
            ("Zakonski rok".into(), format!("{term}, do {}", date(f.due_on))),
        ],
        code_label: "Pristupni kod".into(),
        code: f.access_code.clone(),
        how_to_track: format!(
            "Tok predmeta pratite skeniranjem QR koda ili na stranici {} upisom broja predmeta i pristupnog koda. \
             Rok miruje dok se čeka na dopunu podneska. Kod čuvajte: općina ga ne može ponovo pročitati.",
            f.tracking_page
        ),
        tracking_url: f.tracking_url.clone(),
        clerk_label: "Podnesak primio/la".into(),
        clerk: f.clerk.clone(),
        keywords: vec!["potvrda o prijemu".into(), f.number.clone()],
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::docflow::tests::d;

    #[test]
    fn the_receipt_states_number_deadline_and_code() {
        let facts = ReceiptFacts {
            municipality: "Općina Kakanj".into(),
            unit: "Služba za opću upravu".into(),
            number: "UP-I-01/1-25-7/26".into(),
            received_on: d(2026, 11, 24),
            registered_at: "24.11.2026. 10:15".into(),
            party: "Amra Hodžić".into(),
            subject: "Uvjerenje o kućnoj listi".into(),
            kind: "Uvjerenje".into(),
            term_days: 8,
            due_on: d(2026, 12, 2),
            access_code: "ABCD-EFGH-JKLM".into(),
            tracking_url: "https://kakanj.example/track?number=UP-I-01%2F1-25-7%2F26&code=ABCD-EFGH-JKLM".into(),
            tracking_page: "https://kakanj.example/track".into(),
            clerk: "Lejla Begić".into(),
        };
        let doc = receipt(&facts);
        assert_eq!(doc.number, "UP-I-01/1-25-7/26");
        assert!(doc.rows.contains(&("Zakonski rok".into(), "8 dana, do 02.12.2026.".into())));
        assert_eq!(doc.code, "ABCD-EFGH-JKLM");
        assert!(doc.how_to_track.contains("https://kakanj.example/track"));
    }
}

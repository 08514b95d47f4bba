//! Places: the settlements of Kakanj with the registry office each belongs to, and other
//! municipalities (with their JMBG register regions) where people are born or come from.

use opcina_core::registry::Place;

pub const COUNTRY: &str = "Bosna i Hercegovina";

/// Settlements of Kakanj and the office whose books hold their entries.
pub const SETTLEMENTS: &[(&str, &str)] = &[
    ("Kakanj", "KAK"),
    ("Kakanj", "KAK"),
    ("Kakanj", "KAK"),
    ("Donji Kakanj", "KAK"),
    ("Doboj", "KAK"),
    ("Haljinići", "KAK"),
    ("Ričica", "KAK"),
    ("Zgošća", "KAK"),
    ("Modrinje", "KAK"),
    ("Mramor", "KAK"),
    ("Kraljeva Sutjeska", "KSU"),
    ("Vukanovići", "KSU"),
    ("Dubovo Brdo", "KSU"),
    ("Papratnica", "KSU"),
    ("Brnjica", "BRN"),
    ("Slapnica", "BRN"),
    ("Poljani", "BRN"),
    ("Bilješevo", "BIL"),
    ("Termoelektrana", "BIL"),
    ("Mračaj", "BIL"),
];

/// Other municipalities and their JMBG register region.
pub const ELSEWHERE: &[(&str, u8)] = &[
    ("Zenica", 19),
    ("Visoko", 17),
    ("Sarajevo - Centar", 17),
    ("Novi Grad Sarajevo", 17),
    ("Vareš", 17),
    ("Breza", 17),
    ("Travnik", 19),
    ("Tuzla", 18),
    ("Mostar", 15),
    ("Doboj", 12),
    ("Banja Luka", 10),
    ("Bihać", 11),
];

/// The hospital where most children of Kakanj are born.
pub fn maternity_ward() -> Place {
    Place::new("Zenica", "Zenica", COUNTRY)
}

pub fn kakanj(settlement: &str) -> Place {
    Place::new(settlement, "Kakanj", COUNTRY)
}

pub fn elsewhere(municipality: &str) -> Place {
    Place::new(municipality, municipality, COUNTRY)
}

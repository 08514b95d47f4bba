//! Small value types shared by the registers: registers themselves, sex, places, the
//! recording time, and who acted.

use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// One of the four civil registers (matične knjige).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
pub enum Register {
    /// MKR, matična knjiga rođenih: births, the base register.
    #[serde(rename = "MKR")]
    Births,
    /// MKD, matična knjiga državljana: citizens.
    #[serde(rename = "MKD")]
    Citizens,
    /// MKV, matična knjiga vjenčanih: marriages.
    #[serde(rename = "MKV")]
    Marriages,
    /// MKU, matična knjiga umrlih: deaths.
    #[serde(rename = "MKU")]
    Deaths,
}

impl Register {
    pub const ALL: [Register; 4] = [Register::Births, Register::Citizens, Register::Marriages, Register::Deaths];

    pub fn code(self) -> &'static str {
        match self {
            Register::Births => "MKR",
            Register::Citizens => "MKD",
            Register::Marriages => "MKV",
            Register::Deaths => "MKU",
        }
    }

    pub fn from_code(code: &str) -> Option<Register> {
        Register::ALL.into_iter().find(|r| r.code().eq_ignore_ascii_case(code))
    }
}

impl fmt::Display for Register {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    pub fn code(self) -> &'static str {
        match self {
            Sex::Male => "M",
            Sex::Female => "F",
        }
    }

    pub fn from_code(code: &str) -> Option<Sex> {
        match code.trim().to_ascii_lowercase().as_str() {
            "m" | "male" | "muški" | "muski" => Some(Sex::Male),
            "f" | "ž" | "z" | "female" | "ženski" | "zenski" => Some(Sex::Female),
            _ => None,
        }
    }
}

/// A place as written in the registers: settlement, municipality, state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Place {
    /// Settlement (naselje), e.g. `Kraljeva Sutjeska`.
    pub settlement: String,
    /// Municipality (općina), e.g. `Kakanj`.
    pub municipality: String,
    /// State, e.g. `Bosna i Hercegovina`.
    #[serde(default = "default_country")]
    pub country: String,
}

pub fn default_country() -> String {
    "Bosna i Hercegovina".to_string()
}

impl Place {
    pub fn new(settlement: &str, municipality: &str, country: &str) -> Self {
        Self { settlement: settlement.into(), municipality: municipality.into(), country: country.into() }
    }
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.settlement == self.municipality || self.settlement.is_empty() {
            write!(f, "{}, {}", self.municipality, self.country)
        } else {
            write!(f, "{}, {}, {}", self.settlement, self.municipality, self.country)
        }
    }
}

/// When something was recorded: microseconds since the Unix epoch, UTC. Stored as an
/// integer, shown as RFC 3339.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub i64);

impl Timestamp {
    pub fn now() -> Self {
        Timestamp(Utc::now().timestamp_micros())
    }

    pub fn from_datetime(dt: DateTime<Utc>) -> Self {
        Timestamp(dt.timestamp_micros())
    }

    pub fn to_datetime(self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.0).unwrap_or(DateTime::UNIX_EPOCH)
    }

    /// The end of a calendar day (UTC), for "as recorded on date X" questions.
    pub fn end_of_day(date: NaiveDate) -> Self {
        let next = date.succ_opt().unwrap_or(date);
        Timestamp(next.and_hms_opt(0, 0, 0).map_or(i64::MAX, |dt| dt.and_utc().timestamp_micros()) - 1)
    }

    pub fn micros(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.to_datetime().to_rfc3339_opts(chrono::SecondsFormat::Micros, true))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_datetime().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        DateTime::<Utc>::deserialize(d).map(Timestamp::from_datetime)
    }
}

impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::DateTime)))
            .into()
    }
}

impl utoipa::ToSchema for Timestamp {}

/// The roles a user of a node can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Matičar: keeps the registers of an office (registers entries, adds annotations).
    Registrar,
    /// Šalterski službenik: serves citizens at an office's counter (searches, reads, issues).
    CounterClerk,
    /// Reads the journal and access logs to audit the node; no office.
    Auditor,
    /// Manages users and offices; no office.
    Admin,
    /// Službenik: handles the cases of the unit they work in (document flow).
    Official,
    /// Urednik: writes the website's pieces and submits them for review; no office.
    Editor,
    /// Službenik za odnose s javnošću: reviews and publishes pieces, keeps the media list.
    PressOfficer,
    /// Approves pieces for publishing (never their own text); no office.
    Approver,
}

impl Role {
    pub const ALL: [Role; 8] =
        [Role::Registrar, Role::CounterClerk, Role::Auditor, Role::Admin, Role::Official, Role::Editor, Role::PressOfficer, Role::Approver];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Registrar => "registrar",
            Role::CounterClerk => "counter_clerk",
            Role::Auditor => "auditor",
            Role::Admin => "admin",
            Role::Official => "official",
            Role::Editor => "editor",
            Role::PressOfficer => "press_officer",
            Role::Approver => "approver",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Registrars, counter clerks and officials work at an office; the others do not.
    pub fn needs_office(self) -> bool {
        matches!(self, Role::Registrar | Role::CounterClerk | Role::Official)
    }

    /// May this role read people's records (person view, entries)?
    pub fn reads_records(self) -> bool {
        matches!(self, Role::Registrar | Role::CounterClerk)
    }

    /// May this role register entries and annotations?
    pub fn registers(self) -> bool {
        matches!(self, Role::Registrar)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Who performs an action: recorded with every entry, annotation, journal item and read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Actor {
    pub username: String,
    pub role: Role,
    /// The office the user works at; `None` for auditors, admins and the system itself.
    pub office: Option<String>,
}

impl Actor {
    /// The node itself (migrations, imports run by an operator, seeding).
    pub fn system(name: &str) -> Self {
        Self { username: name.to_string(), role: Role::Admin, office: None }
    }
}

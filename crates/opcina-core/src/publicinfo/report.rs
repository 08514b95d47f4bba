//! Reports of communal problems (komunalni problemi): a pothole, a broken street light,
//! illegal dumping. A citizen reports one from the website, at a counter or through an
//! Open311 client; it is numbered, routed by category and local community to a unit, and
//! followed on a public page through its states until it is fixed, closed or found to be
//! another body's responsibility (which the page then names). Its reporter adds to it and
//! reopens it with the access code they were given.
//!
//! The categories are the services an Open311 GeoReport v2 client sees; their optional
//! attributes are the service definitions.

use serde::{Deserialize, Serialize};

use super::key;
use super::text::{line, paragraphs};
use crate::error::FieldError;

/// Where a report stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Open,
    Investigating,
    ActionScheduled,
    InProgress,
    Fixed,
    Closed,
    /// Not the municipality's: the report names the body that is responsible.
    NotResponsible,
}

impl ReportState {
    pub const ALL: [ReportState; 7] = [
        ReportState::Open,
        ReportState::Investigating,
        ReportState::ActionScheduled,
        ReportState::InProgress,
        ReportState::Fixed,
        ReportState::Closed,
        ReportState::NotResponsible,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportState::Open => "open",
            ReportState::Investigating => "investigating",
            ReportState::ActionScheduled => "action_scheduled",
            ReportState::InProgress => "in_progress",
            ReportState::Fixed => "fixed",
            ReportState::Closed => "closed",
            ReportState::NotResponsible => "not_responsible",
        }
    }

    pub fn parse(s: &str) -> Option<ReportState> {
        ReportState::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Whether the report is done with (Open311's `closed`).
    pub fn is_closed(self) -> bool {
        matches!(self, ReportState::Fixed | ReportState::Closed | ReportState::NotResponsible)
    }

    /// The states Open311's `open` or `closed` stands for.
    pub fn of_open311(status: &str) -> Option<Vec<ReportState>> {
        let closed = match status {
            "open" => false,
            "closed" => true,
            _ => return None,
        };
        Some(ReportState::ALL.into_iter().filter(|s| s.is_closed() == closed).collect())
    }
}

/// An attribute a category asks for beyond the common fields (an Open311 service
/// definition's attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    pub code: &'static str,
    pub required: bool,
    /// The values to choose from; empty for free text.
    pub values: &'static [&'static str],
    pub max_chars: usize,
}

/// A category of problem (an Open311 service).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Category {
    /// The service code.
    pub code: &'static str,
    /// The group it is listed under (roads, lighting, waste, green areas, other).
    pub group: &'static str,
    pub attributes: &'static [Attribute],
}

/// The categories, in the order a form lists them.
pub const CATEGORIES: [Category; 9] = [
    Category {
        code: "pothole",
        group: "roads",
        attributes: &[Attribute { code: "size", required: false, values: &["small", "medium", "large"], max_chars: 10 }],
    },
    Category { code: "road_sign", group: "roads", attributes: &[] },
    Category { code: "snow_ice", group: "roads", attributes: &[] },
    Category {
        code: "street_light",
        group: "lighting",
        attributes: &[Attribute { code: "pole_number", required: false, values: &[], max_chars: 20 }],
    },
    Category { code: "illegal_dumping", group: "waste", attributes: &[] },
    Category { code: "waste_collection", group: "waste", attributes: &[] },
    Category { code: "green_area", group: "green", attributes: &[] },
    Category { code: "stormwater", group: "roads", attributes: &[] },
    Category { code: "other", group: "other", attributes: &[] },
];

/// A category by its code.
pub fn category(code: &str) -> Option<&'static Category> {
    CATEGORIES.iter().find(|c| c.code == code)
}

pub const MAX_DESCRIPTION_CHARS: usize = 4_000;
pub const MAX_PLACE_CHARS: usize = 160;
pub const MAX_NAME_CHARS: usize = 120;
pub const MAX_NOTE_CHARS: usize = 2_000;

/// A report as its reporter gives it: every field as typed (coordinates too, so a wrong one
/// is refused naming its field).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportFields {
    /// The category's code (`pothole`, `street_light`, …).
    pub category: String,
    pub description: String,
    /// The local community (mjesna zajednica) or settlement.
    #[serde(default)]
    pub local_community: String,
    /// The street and number, or how to find the place.
    #[serde(default)]
    pub address: String,
    /// Latitude in decimal degrees (WGS 84), when given.
    #[serde(default)]
    pub lat: String,
    /// Longitude in decimal degrees (WGS 84), when given.
    #[serde(default)]
    pub lon: String,
    #[serde(default)]
    pub name: String,
    /// Where the reporter hears of every change; may be empty.
    #[serde(default)]
    pub email: String,
    /// The category's attributes, by code.
    #[serde(default)]
    pub attributes: Vec<(String, String)>,
}

/// A point in millionths of a degree (about 0.1 m): exact to store and compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    pub lat_e6: i64,
    pub lon_e6: i64,
}

impl Point {
    /// `43.123456`.
    pub fn degrees(e6: i64) -> String {
        let sign = if e6 < 0 { "-" } else { "" };
        let a = e6.unsigned_abs();
        format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
    }
}

/// A report, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    pub category: &'static Category,
    pub description: String,
    pub local_community: String,
    pub local_community_key: String,
    pub address: String,
    pub point: Option<Point>,
    pub name: String,
    pub email: Option<String>,
    /// The category's attributes that were given, in its order.
    pub attributes: Vec<(String, String)>,
}

/// A coordinate in decimal degrees within `limit`, in millionths of a degree.
fn coordinate(field: &str, value: &str, limit: i64, errors: &mut Vec<FieldError>) -> Option<i64> {
    let v = value.trim();
    let parsed = v.parse::<f64>().ok().filter(|d| d.is_finite() && v.len() <= 24);
    let Some(degrees) = parsed else {
        errors.push(FieldError::new("publicinfo.report.coordinate_invalid", field, "a number of degrees, such as 44.1275"));
        return None;
    };
    let e6 = (degrees * 1e6).round() as i64;
    if e6.abs() > limit * 1_000_000 {
        errors.push(FieldError::new("publicinfo.report.coordinate_invalid", field, format!("between -{limit} and {limit} degrees")));
        return None;
    }
    Some(e6)
}

/// Checks a report: every problem at once. A report needs a place: a local community, an
/// address or coordinates.
pub fn check_report(f: &ReportFields) -> Result<Report, Vec<FieldError>> {
    let mut errors = Vec::new();
    let category = category(f.category.trim());
    if category.is_none() {
        errors.push(FieldError::new("publicinfo.report.category_unknown", "category", "choose what kind of problem it is"));
    }
    let description = paragraphs("description", &f.description, MAX_DESCRIPTION_CHARS, Some("publicinfo.report.required"), &mut errors);
    let local_community = line("local_community", &f.local_community, MAX_PLACE_CHARS, None, &mut errors);
    let address = line("address", &f.address, MAX_PLACE_CHARS, None, &mut errors);
    let point = match (f.lat.trim().is_empty(), f.lon.trim().is_empty()) {
        (true, true) => None,
        (false, false) => {
            let lat = coordinate("lat", &f.lat, 90, &mut errors);
            let lon = coordinate("lon", &f.lon, 180, &mut errors);
            lat.zip(lon).map(|(lat_e6, lon_e6)| Point { lat_e6, lon_e6 })
        }
        (true, false) => {
            errors.push(FieldError::new("publicinfo.report.coordinate_invalid", "lat", "give both coordinates or neither"));
            None
        }
        (false, true) => {
            errors.push(FieldError::new("publicinfo.report.coordinate_invalid", "lon", "give both coordinates or neither"));
            None
        }
    };
    let placed = !local_community.is_empty() || !address.is_empty() || !f.lat.trim().is_empty() || !f.lon.trim().is_empty();
    if !placed {
        errors.push(FieldError::new(
            "publicinfo.report.place_required",
            "address",
            "say where: the local community, the street or the point",
        ));
    }
    let name = line("name", &f.name, MAX_NAME_CHARS, None, &mut errors);
    let email = f.email.trim().to_lowercase();
    if !email.is_empty() && !crate::email::plausible(&email) {
        errors.push(FieldError::new("publicinfo.contact.email_invalid", "email", "one e-mail address, for news of the report"));
    }
    let mut attributes = Vec::new();
    if let Some(c) = category {
        for (code, _) in &f.attributes {
            if !c.attributes.iter().any(|a| a.code == code) {
                errors.push(FieldError::new(
                    "publicinfo.report.attribute_unknown",
                    format!("attribute[{code}]"),
                    format!("the category {} has no such attribute", c.code),
                ));
            }
        }
        for a in c.attributes {
            let field = format!("attribute[{}]", a.code);
            let given = f.attributes.iter().find(|(code, _)| code == a.code).map(|(_, v)| v.as_str()).unwrap_or("");
            let v = line(&field, given, a.max_chars, a.required.then_some("publicinfo.report.required"), &mut errors);
            if v.is_empty() {
                continue;
            }
            if !a.values.is_empty() && !a.values.contains(&v.as_str()) {
                errors.push(FieldError::new("publicinfo.report.attribute_invalid", field, format!("one of {}", a.values.join(", "))));
            }
            attributes.push((a.code.to_string(), v));
        }
    }
    errors.dedup();
    match category {
        Some(category) if errors.is_empty() => Ok(Report {
            category,
            description,
            local_community_key: key::key(&local_community),
            local_community,
            address,
            point,
            name,
            email: (!email.is_empty()).then_some(email),
            attributes,
        }),
        _ => Err(errors),
    }
}

/// A change to a report: by the unit (a new state, a note, the responsible body) or by its
/// reporter (a note, or reopening it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ReportChange {
    /// The new state; empty to add a note only.
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub note: String,
    /// The body that is responsible, when the state is `not_responsible`.
    #[serde(default)]
    pub body: String,
}

/// A change, checked: the state after it, its note and the responsible body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub state: ReportState,
    pub note: String,
    pub body: Option<String>,
}

/// Checks a change to a report in `current` state, made by its unit (`by_reporter` false)
/// or by its reporter. The unit moves it to any other state, or adds a note; a report
/// found not to be the municipality's names the responsible body; reopening a closed report
/// says why. The reporter adds a note, or reopens a closed report saying why.
pub fn check_change(current: ReportState, change: &ReportChange, by_reporter: bool) -> Result<Step, Vec<FieldError>> {
    let mut errors = Vec::new();
    let note = paragraphs("note", &change.note, MAX_NOTE_CHARS, None, &mut errors);
    let wanted = change.state.trim();
    let state = if wanted.is_empty() {
        current
    } else {
        match ReportState::parse(wanted) {
            Some(s) => s,
            None => {
                errors.push(FieldError::new("publicinfo.report.state_unknown", "state", format!("there is no state {wanted:?}")));
                current
            }
        }
    };
    if by_reporter && state != current && !(current.is_closed() && state == ReportState::Open) {
        errors.push(FieldError::new("publicinfo.report.reporter_step", "state", "a reporter adds a note or reopens a closed report"));
    }
    if state == current && note.is_empty() && errors.is_empty() {
        errors.push(FieldError::new("publicinfo.report.required", "note", "say what changed"));
    }
    if current.is_closed() && !state.is_closed() && note.is_empty() {
        errors.push(FieldError::new("publicinfo.report.required", "note", "say why the report is opened again"));
    }
    let body = line("body", &change.body, MAX_PLACE_CHARS, None, &mut errors);
    if state == ReportState::NotResponsible && state != current && body.is_empty() {
        errors.push(FieldError::new("publicinfo.report.body_required", "body", "name the body that is responsible"));
    }
    errors.dedup();
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Step { state, note, body: (state == ReportState::NotResponsible && !body.is_empty()).then_some(body) })
}

/// A report's number: `K-2026-00042`.
pub fn number(year: i64, serial: i64) -> String {
    format!("K-{year}-{serial:05}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn fields() -> ReportFields {
        ReportFields {
            category: "street_light".into(),
            description: "Ne radi lampa\r\nkod škole.".into(),
            local_community: " Centar ".into(),
            address: "Alije Izetbegovića 12".into(),
            lat: "44.132471".into(),
            lon: "18.1175".into(),
            name: "Amra Hodžić".into(),
            email: "Amra@Example.BA".into(),
            attributes: vec![("pole_number".into(), " JR-114 ".into())],
        }
    }

    #[test]
    fn a_report_is_checked_whole() {
        let r = check_report(&fields()).unwrap();
        assert_eq!(r.category.code, "street_light");
        assert_eq!((r.local_community.as_str(), r.local_community_key.as_str()), ("Centar", "centar"));
        assert_eq!(r.point, Some(Point { lat_e6: 44_132_471, lon_e6: 18_117_500 }));
        assert_eq!(r.attributes, vec![("pole_number".to_string(), "JR-114".to_string())]);
        assert_eq!(r.description, "Ne radi lampa\nkod škole.");
        assert_eq!(Point::degrees(-1_500_000), "-1.500000");
        let bad = ReportFields {
            category: "pothole".into(),
            description: " ".into(),
            lat: "444".into(),
            lon: "NaN".into(),
            email: "x".into(),
            attributes: vec![("size".into(), "huge".into()), ("colour".into(), "red".into())],
            ..ReportFields::default()
        };
        let codes: Vec<_> = check_report(&bad).unwrap_err().iter().map(|e| (e.code, e.field.clone().unwrap())).collect();
        assert_eq!(
            codes,
            [
                ("publicinfo.report.required", "description".to_string()),
                ("publicinfo.report.coordinate_invalid", "lat".to_string()),
                ("publicinfo.report.coordinate_invalid", "lon".to_string()),
                ("publicinfo.contact.email_invalid", "email".to_string()),
                ("publicinfo.report.attribute_unknown", "attribute[colour]".to_string()),
                ("publicinfo.report.attribute_invalid", "attribute[size]".to_string()),
            ]
        );
        let nowhere =
            ReportFields { local_community: String::new(), address: String::new(), lat: String::new(), lon: String::new(), ..fields() };
        assert_eq!(check_report(&nowhere).unwrap_err()[0].code, "publicinfo.report.place_required");
        let half = ReportFields { lon: String::new(), ..fields() };
        assert_eq!(check_report(&half).unwrap_err()[0].field.as_deref(), Some("lon"));
    }

    #[test]
    fn changes_follow_who_makes_them() {
        use ReportState::*;
        let change = |state: &str, note: &str, body: &str| ReportChange { state: state.into(), note: note.into(), body: body.into() };
        assert_eq!(check_change(Open, &change("in_progress", "", ""), false).unwrap().state, InProgress);
        assert_eq!(check_change(Open, &change("", "", ""), false).unwrap_err()[0].code, "publicinfo.report.required");
        let not_ours = check_change(Open, &change("not_responsible", "", ""), false).unwrap_err();
        assert_eq!(not_ours[0].code, "publicinfo.report.body_required");
        let not_ours = check_change(Open, &change("not_responsible", "Vodovod", "JKP Vodokanal"), false).unwrap();
        assert_eq!(not_ours.body.as_deref(), Some("JKP Vodokanal"));
        assert_eq!(check_change(Fixed, &change("open", "", ""), true).unwrap_err()[0].field.as_deref(), Some("note"));
        assert_eq!(check_change(Fixed, &change("open", "Opet ne radi.", ""), true).unwrap().state, Open);
        assert_eq!(check_change(Open, &change("fixed", "", ""), true).unwrap_err()[0].code, "publicinfo.report.reporter_step");
        assert_eq!(check_change(Open, &change("", "Još je gore.", ""), true).unwrap().state, Open);
        assert_eq!(check_change(Open, &change("gone", "x", ""), false).unwrap_err()[0].code, "publicinfo.report.state_unknown");
        assert_eq!(ReportState::of_open311("closed").unwrap(), vec![Fixed, Closed, NotResponsible]);
        assert_eq!(number(2026, 7), "K-2026-00007");
    }
}

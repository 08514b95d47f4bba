//! Reports of communal problems on the Kakanj test node: a report's fields, the letter the
//! store is given, and the routes of two categories.

use opcina_core::publicinfo::report::ReportFields;
use opcina_core::registry::Actor;
use opcina_store::mail::Letter;
use opcina_store::publicinfo_reports::ReportLetter;

use crate::Kakanj;

/// A street light out in `local_community`, reported by Amra with her address.
pub fn street_light(local_community: &str) -> ReportFields {
    ReportFields {
        category: "street_light".into(),
        description: "Ne radi svjetiljka ispred škole već sedmicu dana.".into(),
        local_community: local_community.into(),
        address: "Alije Izetbegovića 12".into(),
        lat: "44.132471".into(),
        lon: "18.117500".into(),
        name: "Amra Hodžić".into(),
        email: "amra@example.test".into(),
        attributes: vec![("pole_number".into(), "JR-114".into())],
    }
}

/// A letter naming the report and the state it is in.
pub fn letter() -> ReportLetter {
    Box::new(|r, step| Letter { subject: format!("{} {}", r.number, step.state.as_str()), body: step.note.clone() })
}

/// Street lights go to unit 04 in Centar, and to 01/1 anywhere else.
pub async fn routes(k: &Kakanj) {
    let admin: &Actor = &k.admin;
    k.store.route_reports(admin, "street_light", "Centar", "04").await.expect("the store answers").expect("routed");
    k.store.route_reports(admin, "street_light", "", "01/1").await.expect("the store answers").expect("routed");
}

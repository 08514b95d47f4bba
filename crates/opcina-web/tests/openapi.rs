//! The OpenAPI description is a contract: it is committed (`openapi.json`) and any change to
//! it shows up in review. Regenerate with `OPCINA_UPDATE_SNAPSHOTS=1 cargo test -p opcina-web`.

use opcina_web::openapi::ApiDoc;
use utoipa::OpenApi;

#[test]
fn the_openapi_description_matches_the_committed_one() {
    let spec = ApiDoc::openapi().to_pretty_json().unwrap_or_default();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi.json");
    if std::env::var("OPCINA_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(path, format!("{spec}\n")).unwrap_or_else(|e| panic!("write {path}: {e}"));
        return;
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed.trim() == spec.trim(),
        "the API description changed: review it and run `OPCINA_UPDATE_SNAPSHOTS=1 cargo test -p opcina-web --test openapi`"
    );
}

#[test]
fn every_schema_reference_resolves() {
    let spec = serde_json::to_value(ApiDoc::openapi()).unwrap_or_default();
    let schemas = spec["components"]["schemas"].as_object().cloned().unwrap_or_default();
    let text = spec.to_string();
    let dangling: Vec<&str> = text
        .split("\"#/components/schemas/")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|name| !schemas.contains_key(*name))
        .collect();
    assert!(dangling.is_empty(), "references to missing schemas: {dangling:?}");
}

//! The OpenAPI description of the JSON API, served at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).description(Some("An API token from `opcina token create`")).build(),
            ),
        );
    }
}

#[derive(OpenApi)]
#[openapi(
    info(title = "opcina", description = "The civil registry of a municipality: people, entries of the four registers (MKR, MKD, MKV, MKU) and their annotations; the document flow: protocol books and cases. Errors: `{\"error\": {\"code\", \"message\", \"field\", \"details\"}}` with stable codes.", license(name = "EUPL-1.2")),
    paths(
        api::health::health,
        api::offices::list,
        api::persons::search,
        api::persons::view,
        api::persons::access_log,
        api::entries::read,
        api::registrations::birth,
        api::registrations::citizenship,
        api::registrations::marriage,
        api::registrations::death,
        api::registrations::divorce,
        api::registrations::annotate,
        api::extracts::issue,
        api::extracts::pdf,
        api::extracts::refusal_pdf,
        api::extracts::of_person,
        api::cases::config,
        api::cases::records,
        api::cases::open,
        api::cases::list,
        api::cases::read,
        api::cases::take_step,
        api::cases::file,
        api::cases::on_time,
        api::cases::track,
        api::cases::attach,
        api::cases::attachments,
        api::cases::download,
        api::cases::track_decision,
        api::cases::search_documents,
        api::cases::reissue,
        api::archive::archive,
        api::archive::book,
        api::archive::hold,
        api::archive::holds,
        api::archive::propose,
        api::archive::disposals,
        api::archive::disposal,
        api::archive::answer,
        api::archive::destroy,
        api::archive::export,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "persons", description = "Search people, read a person's records, see who read them"),
        (name = "entries", description = "Entries of the registers with their annotations"),
        (name = "registrations", description = "Register births, citizenship, marriages, deaths, divorces and annotations"),
        (name = "extracts", description = "Issue extracts and certificates, fetch their PDFs, list what was issued"),
        (name = "cases", description = "The document flow: protocol books, cases and their steps, deadlines, public tracking"),
        (name = "archive", description = "The archive: the archive book, legal holds, disposal proposals and their destruction, case-file export"),
        (name = "node", description = "The node: health and offices"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI document.
pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

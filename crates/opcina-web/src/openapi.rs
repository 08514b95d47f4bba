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

/// Every failure the server answers, stated on each operation it can happen to (each the
/// error body with its stable code): 400 for a query, path or body it cannot read; 401 and
/// 403 for an operation that needs a token; 404 for one that names something in its path
/// or body; 422 for a body (or a JMBG in the path) a rule refuses. An operation's own statements stay as they are.
struct ErrorAnswers;

impl Modify for ErrorAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
        let error = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content("application/json", ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build())
                    .build(),
            )
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let named = path.contains('{');
            for op in [&mut item.get, &mut item.post, &mut item.put, &mut item.delete, &mut item.patch].into_iter().flatten() {
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let reads = named || op.request_body.is_some() || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let body = op.request_body.is_some();
                let answers = &mut op.responses.responses;
                let mut add = |status: &str, description: &str| {
                    answers.entry(status.to_string()).or_insert_with(|| error(description));
                };
                if reads {
                    add("400", "The request could not be read: a query parameter, a path segment or the body (`request.*`)");
                }
                if secured {
                    add("401", "No API token, or one that is not valid (`auth.token.*`)");
                    add("403", "The token's user may not do this (`auth.forbidden`, or the rule's own code)");
                }
                if named || body {
                    add("404", "Nothing of that identifier here (in the path, or named in the body)");
                }
                // A JMBG in the path may be well formed and still break a rule (its date, its
                // check digit), refused as in a body.
                if body || path.contains("{jmbg}") {
                    add("422", "A rule refused the request; the error names the field and the reason");
                }
            }
        }
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
        api::publicinfo::list,
        api::publicinfo::read,
        api::publicinfo::newsroom,
        api::publicinfo::newsroom_piece,
        api::publicinfo::create,
        api::publicinfo::save,
        api::publicinfo::step,
    ),
    modifiers(&BearerAuth, &ErrorAnswers),
    tags(
        (name = "persons", description = "Search people, read a person's records, see who read them"),
        (name = "entries", description = "Entries of the registers with their annotations"),
        (name = "registrations", description = "Register births, citizenship, marriages, deaths, divorces and annotations"),
        (name = "extracts", description = "Issue extracts and certificates, fetch their PDFs, list what was issued"),
        (name = "cases", description = "The document flow: protocol books, cases and their steps, deadlines, public tracking"),
        (name = "archive", description = "The archive: the archive book, legal holds, disposal proposals and their destruction, case-file export"),
        (name = "website", description = "The municipality's website: published news, announcements, public calls, acts and pages; the newsroom's editorial workflow"),
        (name = "node", description = "The node: health and offices"),
    )
)]
pub struct ApiDoc;

/// The OpenAPI document.
pub async fn spec() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

//! Registering at the counter: births, marriages, deaths, citizenship, divorces, and
//! annotations on an entry — each a form described in [`super::forms`], carried out by the
//! same command as the JSON API, refused with every problem next to its field.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use opcina_core::registry::commands::{
    AddAnnotation, Command, RegisterBirth, RegisterCitizenship, RegisterDeath, RegisterDivorce, RegisterMarriage,
};
use opcina_core::registry::{Annotation, Role};
use serde_json::Value;

use super::forms::{self, Errors, Input, Preset, Section, SectionView, Values, field, preset};
use super::{Ui, error_page, internal_error, render, render_with};
use crate::{AppState, INDEX_WAIT};

const SEX: &[&str] = &["female", "male"];
const SCRIPT: &[&str] = &["latin", "cyrillic"];
/// The codes of `opcina_core::registry::annotation::ACT_KINDS` (a test keeps them equal).
const ACTS: &[&str] = &[
    "decision",
    "court_decision",
    "judgment",
    "foreign_document",
    "birth_extract",
    "name_change_decision",
    "correction_decision",
    "sex_change_decision",
    "adoption_decision",
    "citizenship_decision",
    "divorce_judgment",
    "annulment_judgment",
    "paternity_judgment",
    "paternity_record",
    "marriage_record",
    "marriage_extract",
    "death_extract",
    "death_entry",
    "citizens_entry",
    "late_registration_decision",
    "competence_decision",
];
const BASIS: &[&str] = &["origin", "birth", "naturalisation", "international_agreement"];
const DIVORCE: &[&str] = &["divorce", "annulment"];

const REGISTRATION: Section = Section {
    title: "section-registration",
    optional: false,
    fields: &[
        preset("registered_on", "field-registered-on", Input::Date, false, Preset::Today),
        preset("script", "field-script", Input::Select(SCRIPT), true, Preset::Script),
    ],
};

/// An act a birth or death registration may rest on (`competence`, `late_decision`).
macro_rules! grounds {
    ($key:literal, $title:literal) => {
        Section {
            title: $title,
            optional: true,
            fields: &[
                field(concat!($key, ".act"), "field-act", Input::Select(ACTS), true),
                field(concat!($key, ".issuer"), "field-issuer", Input::Text, true),
                field(concat!($key, ".number"), "field-act-number", Input::Text, true),
                field(concat!($key, ".date"), "field-act-date", Input::Date, true),
            ],
        }
    };
}

const COMPETENCE: Section = grounds!("competence", "section-competence");
const LATE_DECISION: Section = grounds!("late_decision", "section-late-decision");

/// A parent on the birth form: required names, the rest as known (the mother's residence is
/// required: it decides which office enters the birth).
macro_rules! parent {
    ($who:literal, $title:literal, $optional:literal, $residence:literal, [$($extra:expr),*]) => {
        Section {
            title: $title,
            optional: $optional,
            fields: &[
                field(concat!($who, ".given_name"), "field-given-name", Input::Text, true),
                field(concat!($who, ".surname"), "field-surname", Input::Text, true),
                $($extra,)*
                field(concat!($who, ".jmbg"), "field-jmbg", Input::Text, false),
                field(concat!($who, ".birth_date"), "field-birth-date", Input::Date, false),
                field(concat!($who, ".birth_place.settlement"), "field-settlement", Input::Text, false),
                field(concat!($who, ".birth_place.municipality"), "field-municipality", Input::Text, false),
                field(concat!($who, ".citizenship"), "field-citizenship", Input::Text, false),
                field(concat!($who, ".residence"), "field-residence", Input::Text, $residence),
            ],
        }
    };
}

const BIRTH: &[Section] = &[
    Section {
        title: "section-child",
        optional: false,
        fields: &[
            field("child.given_name", "field-given-name", Input::Text, true),
            field("child.surname", "field-surname", Input::Text, true),
            field("child.sex", "field-sex", Input::Select(SEX), true),
            field("child.birth_date", "field-birth-date", Input::Date, true),
            field("child.birth_time", "field-birth-time", Input::Time, false),
            field("child.birth_place.settlement", "field-settlement", Input::Text, true),
            field("child.birth_place.municipality", "field-municipality", Input::Text, true),
            preset("child.birth_place.country", "field-country", Input::Text, true, Preset::Country),
            preset("child.citizenship", "field-citizenship", Input::Text, true, Preset::Country),
        ],
    },
    parent!("mother", "section-mother", false, true, [field("mother.maiden_surname", "field-maiden-surname", Input::Text, false)]),
    parent!("father", "section-father", true, false, []),
    Section {
        title: "section-registration",
        optional: false,
        fields: &[
            field("informant", "field-informant", Input::Text, true),
            preset("registered_on", "field-registered-on", Input::Date, false, Preset::Today),
            preset("script", "field-script", Input::Select(SCRIPT), true, Preset::Script),
            field("note", "field-note", Input::Textarea, false),
        ],
    },
    COMPETENCE,
    LATE_DECISION,
];

macro_rules! spouse {
    ($n:literal, $title:literal, $other:literal) => {
        [
            Section {
                title: $title,
                optional: false,
                fields: &[
                    field(concat!("spouses.", $n, ".jmbg"), "field-jmbg", Input::Text, true),
                    field(concat!("spouses.", $n, ".surname_after"), "field-surname-after", Input::Text, true),
                    field(concat!("spouses.", $n, ".residence"), "field-residence", Input::Text, true),
                    preset(concat!("spouses.", $n, ".citizenship"), "field-citizenship", Input::Text, true, Preset::Country),
                    field(concat!("spouses.", $n, ".father_name"), "field-father-name", Input::Text, false),
                    field(concat!("spouses.", $n, ".mother_name"), "field-mother-name", Input::Text, false),
                ],
            },
            Section {
                title: $other,
                optional: true,
                fields: &[
                    field(concat!("spouses.", $n, ".person.given_name"), "field-given-name", Input::Text, true),
                    field(concat!("spouses.", $n, ".person.surname"), "field-surname", Input::Text, true),
                    field(concat!("spouses.", $n, ".person.birth_place.settlement"), "field-birth-settlement", Input::Text, true),
                    field(concat!("spouses.", $n, ".person.birth_place.municipality"), "field-birth-municipality", Input::Text, true),
                ],
            },
        ]
    };
}

const SPOUSE_1: [Section; 2] = spouse!("0", "section-spouse-1", "section-not-here");
const SPOUSE_2: [Section; 2] = spouse!("1", "section-spouse-2", "section-not-here");

const MARRIAGE: &[Section] = &[
    Section {
        title: "section-marriage",
        optional: false,
        fields: &[
            field("date", "field-marriage-date", Input::Date, true),
            field("place.settlement", "field-settlement", Input::Text, true),
            field("place.municipality", "field-municipality", Input::Text, true),
            preset("place.country", "field-country", Input::Text, true, Preset::Country),
            field("officiant", "field-officiant", Input::Text, true),
            field("witnesses", "field-witnesses", Input::Lines, true),
        ],
    },
    SPOUSE_1[0],
    SPOUSE_1[1],
    SPOUSE_2[0],
    SPOUSE_2[1],
    Section {
        title: "section-court-permission",
        optional: true,
        fields: &[
            field("court_permission.act", "field-act", Input::Select(ACTS), true),
            field("court_permission.issuer", "field-issuer", Input::Text, true),
            field("court_permission.number", "field-act-number", Input::Text, true),
            field("court_permission.date", "field-act-date", Input::Date, true),
        ],
    },
    REGISTRATION,
];

const NOT_HERE: Section = Section {
    title: "section-not-here",
    optional: true,
    fields: &[
        field("person.given_name", "field-given-name", Input::Text, true),
        field("person.surname", "field-surname", Input::Text, true),
        field("person.birth_place.settlement", "field-birth-settlement", Input::Text, true),
        field("person.birth_place.municipality", "field-birth-municipality", Input::Text, true),
    ],
};

const DEATH: &[Section] = &[
    Section {
        title: "section-deceased",
        optional: false,
        fields: &[
            field("jmbg", "field-jmbg", Input::Text, true),
            field("father_name", "field-father-name", Input::Text, false),
            field("mother_name", "field-mother-name", Input::Text, false),
            field("citizenship", "field-citizenship", Input::Text, false),
        ],
    },
    NOT_HERE,
    Section {
        title: "section-death",
        optional: false,
        fields: &[
            field("death_date", "field-death-date", Input::Date, true),
            field("death_time", "field-death-time", Input::Time, false),
            field("death_place.settlement", "field-settlement", Input::Text, true),
            field("death_place.municipality", "field-municipality", Input::Text, true),
            preset("death_place.country", "field-country", Input::Text, true, Preset::Country),
            field("last_residence", "field-last-residence", Input::Text, true),
            field("death_confirmation", "field-death-confirmation", Input::Text, true),
        ],
    },
    Section {
        title: "section-registration",
        optional: false,
        fields: &[
            field("informant", "field-informant", Input::Text, true),
            preset("registered_on", "field-registered-on", Input::Date, false, Preset::Today),
            preset("script", "field-script", Input::Select(SCRIPT), true, Preset::Script),
        ],
    },
    COMPETENCE,
    LATE_DECISION,
];

const ACT: Section = Section {
    title: "section-act",
    optional: false,
    fields: &[
        field("legal_basis.act", "field-act", Input::Select(ACTS), true),
        field("legal_basis.issuer", "field-issuer", Input::Text, true),
        field("legal_basis.number", "field-act-number", Input::Text, true),
        field("legal_basis.date", "field-act-date", Input::Date, true),
    ],
};

const CITIZENSHIP: &[Section] = &[
    Section {
        title: "section-person",
        optional: false,
        fields: &[
            field("jmbg", "field-jmbg", Input::Text, true),
            field("father_name", "field-father-name", Input::Text, false),
            field("mother_name", "field-mother-name", Input::Text, false),
            field("residence", "field-residence", Input::Text, false),
        ],
    },
    NOT_HERE,
    Section {
        title: "section-citizenship",
        optional: false,
        fields: &[
            preset("citizenship", "field-citizenship", Input::Text, true, Preset::Country),
            field("basis", "field-citizenship-basis", Input::Select(BASIS), true),
            field("acquired_on", "field-acquired-on", Input::Date, true),
        ],
    },
    Section { optional: true, ..ACT },
    REGISTRATION,
];

const DIVORCE_FORM: &[Section] = &[
    Section {
        title: "section-divorce",
        optional: false,
        fields: &[
            field("marriage_entry_id", "field-marriage-entry", Input::Text, true),
            field("reason", "field-divorce-reason", Input::Select(DIVORCE), true),
            field("effective_date", "field-final-on", Input::Date, true),
            field("surnames_after.0", "field-surname-after-1", Input::Text, false),
            field("surnames_after.1", "field-surname-after-2", Input::Text, false),
        ],
    },
    Section { title: "section-judgment", ..ACT },
];

/// A registration the counter offers.
struct Kind {
    key: &'static str,
    title: &'static str,
    sections: &'static [Section],
    build: fn(&Ui, &[Section], Value) -> Result<Command, Errors>,
}

const KINDS: [Kind; 5] = [
    Kind {
        key: "birth",
        title: "register-birth",
        sections: BIRTH,
        build: |ui, s, j| forms::parse::<RegisterBirth>(ui, s, j).map(Command::RegisterBirth),
    },
    Kind {
        key: "marriage",
        title: "register-marriage",
        sections: MARRIAGE,
        build: |ui, s, j| forms::parse::<RegisterMarriage>(ui, s, j).map(Command::RegisterMarriage),
    },
    Kind {
        key: "death",
        title: "register-death",
        sections: DEATH,
        build: |ui, s, j| forms::parse::<RegisterDeath>(ui, s, j).map(Command::RegisterDeath),
    },
    Kind {
        key: "citizenship",
        title: "register-citizenship",
        sections: CITIZENSHIP,
        build: |ui, s, j| forms::parse::<RegisterCitizenship>(ui, s, j).map(Command::RegisterCitizenship),
    },
    Kind {
        key: "divorce",
        title: "register-divorce",
        sections: DIVORCE_FORM,
        build: |ui, s, mut j| {
            // The entry's number is typed as text; the command wants a number.
            if let Some(id) = j.get("marriage_entry_id").and_then(Value::as_str).map(|s| s.trim().parse::<i64>()) {
                match id {
                    Ok(n) => j["marriage_entry_id"] = Value::from(n),
                    Err(_) => return Err(Errors::from([("marriage_entry_id".to_string(), ui.t("err-form-number"))])),
                }
            }
            forms::parse::<RegisterDivorce>(ui, s, j).map(Command::RegisterDivorce)
        },
    },
];

/// How far an adoption goes: incomplete (the adopters beside the parents) or full (in their
/// place, not disclosed on documents).
const ADOPTION_EXTENTS: [&str; 2] = ["incomplete", "full"];

/// An adoptive parent's fields under `who` (`adoptive_mother`, `adoptive_father`).
macro_rules! adopter {
    ($who:literal) => {
        &[
            field(concat!($who, ".given_name"), "field-given-name", Input::Text, true),
            field(concat!($who, ".surname"), "field-surname", Input::Text, true),
            field(concat!($who, ".jmbg"), "field-jmbg", Input::Text, false),
            field(concat!($who, ".residence"), "field-residence", Input::Text, false),
        ]
    };
}

/// Annotations a registrar adds by hand (marriages, deaths and divorces annotate entries
/// through their own registrations).
const ANNOTATIONS: [(&str, &[Section]); 7] = [
    (
        "name_change",
        &[Section {
            title: "section-annotation",
            optional: false,
            fields: &[
                field("given_name", "field-new-given-name", Input::Text, false),
                field("surname", "field-new-surname", Input::Text, false),
            ],
        }],
    ),
    (
        "correction",
        &[Section {
            title: "section-annotation",
            optional: false,
            fields: &[
                field("field", "field-corrected-field", Input::Text, true),
                field("old_value", "field-old-value", Input::Text, true),
                field("new_value", "field-new-value", Input::Text, true),
            ],
        }],
    ),
    // The sex and the date of birth as they are to read; the node assigns the new JMBG.
    (
        "identity_correction",
        &[Section {
            title: "section-annotation",
            optional: false,
            fields: &[field("sex", "field-sex", Input::Select(SEX), true), field("birth_date", "field-birth-date", Input::Date, true)],
        }],
    ),
    (
        "paternity_recognized",
        &[Section {
            title: "section-father",
            optional: false,
            fields: &[
                field("father.given_name", "field-given-name", Input::Text, true),
                field("father.surname", "field-surname", Input::Text, true),
                field("father.jmbg", "field-jmbg", Input::Text, false),
                field("father.citizenship", "field-citizenship", Input::Text, false),
                field("father.residence", "field-residence", Input::Text, false),
            ],
        }],
    ),
    (
        "adoption",
        &[
            Section {
                title: "section-annotation",
                optional: false,
                fields: &[
                    field("extent", "field-adoption-extent", Input::Select(&ADOPTION_EXTENTS), true),
                    field("given_name", "field-new-given-name", Input::Text, false),
                    field("surname", "field-new-surname", Input::Text, false),
                ],
            },
            Section { title: "section-adoptive-mother", optional: true, fields: adopter!("adoptive_mother") },
            Section { title: "section-adoptive-father", optional: true, fields: adopter!("adoptive_father") },
        ],
    ),
    (
        "citizenship_acquired",
        &[Section {
            title: "section-annotation",
            optional: false,
            fields: &[field("citizenship", "field-citizenship", Input::Text, true)],
        }],
    ),
    (
        "citizenship_lost",
        &[Section {
            title: "section-annotation",
            optional: false,
            fields: &[field("citizenship", "field-citizenship", Input::Text, true)],
        }],
    ),
];

const ANNOTATION_COMMON: [Section; 2] = [
    ACT,
    Section {
        title: "section-effect",
        optional: false,
        fields: &[field("effective_date", "field-effective-date", Input::Date, true), field("note", "field-note", Input::Textarea, false)],
    },
];

/// A choice of what to register or annotate.
pub struct Link {
    pub href: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "register_menu.html")]
struct Menu<'a> {
    ui: &'a Ui,
    links: Vec<Link>,
}

#[derive(Template)]
#[template(path = "register.html")]
struct FormPage<'a> {
    ui: &'a Ui,
    title: String,
    intro: Option<String>,
    failed: bool,
    action: String,
    sections: Vec<SectionView>,
    general: Option<String>,
    hidden: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "registered.html")]
struct Done<'a> {
    ui: &'a Ui,
    reference: Option<String>,
    jmbg: Option<String>,
    annotations: Vec<String>,
    people: Vec<Link>,
}

pub(crate) const REGISTRARS: [Role; 1] = [Role::Registrar];

/// `GET /counter/register`: what can be registered.
pub async fn menu(Extension(ui): Extension<Ui>) -> Response {
    if let Err(page) = ui.require(&REGISTRARS) {
        return page;
    }
    let mut links: Vec<Link> = KINDS.iter().map(|k| Link { href: format!("/counter/register/{}", k.key), label: ui.t(k.title) }).collect();
    links.push(Link { href: "/counter/notices".into(), label: ui.t("notices-title") });
    render(&Menu { ui: &ui, links })
}

fn kind(key: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.key == key)
}

/// `GET /counter/register/{kind}`: the empty form (fields may be prefilled from the query,
/// e.g. the marriage entry of a divorce).
pub async fn form(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(key): Path<String>,
    Query(q): Query<Values>,
) -> Response {
    if let Err(page) = ui.require(&REGISTRARS) {
        return page;
    }
    let Some(k) = kind(&key) else { return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("error-404")) };
    let mut values = forms::presets(&ui, k.sections, state.store.today());
    values.extend(q.into_iter().filter(|(name, _)| k.sections.iter().flat_map(|s| s.fields).any(|f| f.name == name)));
    render(&form_page(&ui, k.title, None, format!("/counter/register/{key}"), k.sections, &values, &Errors::new(), Vec::new()))
}

#[allow(clippy::too_many_arguments)]
fn form_page<'a>(
    ui: &'a Ui,
    title: &str,
    intro: Option<String>,
    action: String,
    sections: &[Section],
    values: &Values,
    errors: &Errors,
    hidden: Vec<(String, String)>,
) -> FormPage<'a> {
    FormPage {
        ui,
        title: ui.t(title),
        intro,
        failed: !errors.is_empty(),
        action,
        sections: forms::view(ui, sections, values, errors),
        general: errors.get("general").cloned(),
        hidden,
    }
}

/// The submitted fields, without the CSRF token.
fn submitted(fields: Vec<(String, String)>) -> Values {
    fields.into_iter().filter(|(k, _)| k != super::CSRF_FIELD).collect()
}

/// `POST /counter/register/{kind}`
pub async fn submit(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(key): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(page) = ui.require(&REGISTRARS) {
        return page;
    }
    let Some(k) = kind(&key) else { return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("error-404")) };
    let values = submitted(fields);
    let action = format!("/counter/register/{key}");
    let refuse = |errors: Errors| {
        render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&ui, k.title, Some(ui.t("issue-fix")), action.clone(), k.sections, &values, &errors, Vec::new()),
        )
    };
    let mut errors = forms::missing(&ui, k.sections, &values);
    if !errors.is_empty() {
        return refuse(errors);
    }
    let command = match (k.build)(&ui, k.sections, forms::to_json(k.sections, &values)) {
        Ok(c) => c,
        Err(e) => return refuse(e),
    };
    match execute(&state, &ui, k.sections, command).await {
        Ok(page) => page,
        Err(Some(found)) => {
            errors.extend(found);
            refuse(errors)
        }
        Err(None) => internal_error(&ui, &"the registration failed"),
    }
}

/// Carries out a command; the success page, or the problems by field (`None`: a failure of
/// the store, already logged).
async fn execute(state: &AppState, ui: &Ui, sections: &[Section], command: Command) -> Result<Response, Option<Errors>> {
    let caller = ui.require(&REGISTRARS).map_err(|_| None)?;
    let applied = match state.store.execute(&caller.actor, command).await {
        Ok(Ok(applied)) => applied,
        Ok(Err(refusal)) => {
            let mut errors = Errors::new();
            for e in &refusal.errors {
                let field = e
                    .field
                    .as_deref()
                    .map_or_else(|| "general".to_string(), |f| forms::owner(sections, &f.replace('[', ".").replace(']', "")));
                errors.entry(field).or_insert_with(|| ui.error_text(e.code, &e.message));
            }
            return Err(Some(errors));
        }
        Err(error) => {
            tracing::error!(%error, "a registration failed");
            return Err(None);
        }
    };
    if let Some(seq) = applied.annotations.last().map(|a| a.id).or(applied.entry.as_ref().map(|e| e.id)) {
        if !opcina_search::indexer::wait_for(&state.index, seq, INDEX_WAIT).await {
            tracing::warn!(seq, "a registration is committed but not yet searchable");
        }
    }
    // The JMBG a birth assigned, or the one a corrected sex or date of birth did.
    let jmbg = match applied.entry.as_ref().map(|e| &e.content) {
        Some(opcina_core::registry::EntryContent::Birth(b)) => Some(b.child.jmbg.to_string()),
        _ => applied.annotations.iter().find_map(|a| a.annotation.content.jmbg_change()).map(|(_, new)| new.to_string()),
    };
    let people = applied
        .affected
        .iter()
        .map(|j| Link { href: format!("/counter/persons/{j}?purpose=registration"), label: j.to_string() })
        .collect();
    let page = Done {
        ui,
        reference: applied.entry.as_ref().map(|e| e.reference()),
        jmbg,
        annotations: applied
            .annotations
            .iter()
            .map(|a| opcina_core::extract::document::annotation_sentence(ui.locale.register_language(), ui.locale.script(), a))
            .collect(),
        people,
    };
    Ok(super::render_with(StatusCode::CREATED, &page))
}

/// `GET /counter/entries/{id}/annotate[?kind=…]`: the kinds, then the form of one.
pub async fn annotation_form(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Query(q): Query<Values>,
) -> Response {
    if let Err(page) = ui.require(&REGISTRARS) {
        return page;
    }
    let reference = match state.store.entry_reference(id).await {
        Ok(Some(reference)) => reference,
        Ok(None) => return error_page(&ui, StatusCode::NOT_FOUND, "error-404-title", &ui.t("err-registry-entry-not-found")),
        Err(error) => return internal_error(&ui, &error),
    };
    let Some((kind, sections)) = q.get("kind").and_then(|k| ANNOTATIONS.iter().find(|(key, _)| key == k)) else {
        let links = ANNOTATIONS
            .iter()
            .map(|(key, _)| Link {
                href: format!("/counter/entries/{id}/annotate?kind={key}"),
                label: ui.t(&format!("annotation-{}", key.replace('_', "-"))),
            })
            .collect();
        return render(&Menu { ui: &ui, links });
    };
    let all: Vec<Section> = sections.iter().chain(ANNOTATION_COMMON.iter()).copied().collect();
    let page = form_page(
        &ui,
        &format!("annotation-{}", kind.replace('_', "-")),
        Some(ui.ta("annotation-on", "entry", &reference)),
        format!("/counter/entries/{id}/annotate"),
        &all,
        &forms::presets(&ui, &all, state.store.today()),
        &Errors::new(),
        vec![("kind".into(), (*kind).into())],
    );
    render(&page)
}

/// `POST /counter/entries/{id}/annotate`
pub async fn annotate(
    State(state): State<AppState>,
    Extension(ui): Extension<Ui>,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    if let Err(page) = ui.require(&REGISTRARS) {
        return page;
    }
    let mut values = submitted(fields);
    let kind = values.remove("kind").unwrap_or_default();
    let Some((kind, sections)) = ANNOTATIONS.iter().find(|(key, _)| *key == kind) else {
        return error_page(&ui, StatusCode::BAD_REQUEST, "error-form-title", &ui.t("issue-choose"));
    };
    let all: Vec<Section> = sections.iter().chain(ANNOTATION_COMMON.iter()).copied().collect();
    let refuse = |errors: Errors| {
        let page = form_page(
            &ui,
            &format!("annotation-{}", kind.replace('_', "-")),
            Some(ui.t("issue-fix")),
            format!("/counter/entries/{id}/annotate"),
            &all,
            &values,
            &errors,
            vec![("kind".into(), (*kind).into())],
        );
        render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    let errors = forms::missing(&ui, &all, &values);
    if !errors.is_empty() {
        return refuse(errors);
    }
    let mut json = forms::to_json(&all, &values);
    json["kind"] = Value::from(*kind);
    // The form asks how far an adoption goes; the register records whether it is full.
    if let Some(extent) = json.as_object_mut().and_then(|o| o.remove("extent")) {
        json["full"] = Value::Bool(extent == "full");
    }
    let annotation: Annotation = match forms::parse(&ui, &all, json) {
        Ok(a) => a,
        Err(e) => return refuse(e),
    };
    match execute(&state, &ui, &all, Command::AddAnnotation(AddAnnotation { entry_id: id, annotation })).await {
        Ok(page) => page,
        Err(Some(errors)) => refuse(errors),
        Err(None) => internal_error(&ui, &"the annotation failed"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_forms_offer_every_kind_of_act_the_registers_accept() {
        let codes: Vec<&str> = opcina_core::registry::annotation::ACT_KINDS.iter().map(|k| k.code).collect();
        assert_eq!(super::ACTS, codes.as_slice());
    }
}

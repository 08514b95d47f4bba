//! Registration forms described as data: sections of fields named by their path in the
//! command's JSON (`child.birth_place.settlement`, `spouses.1.jmbg`). One template renders
//! any form; one function turns the submitted fields into the command, so the form and the
//! JSON API cannot drift apart, and a refusal's field path names the input to mark.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::Ui;

/// How a field is typed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Text,
    Date,
    Time,
    Textarea,
    /// One value a line (witnesses), sent as a list.
    Lines,
    /// One of these values; labels are the messages `opt-{value}`.
    Select(&'static [&'static str]),
    /// One of the values the page gives (units, kinds of case), with their labels.
    Options,
}

/// A field's value before the clerk types anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preset {
    None,
    Today,
    Country,
    /// The script of the interface (Latin, or Cyrillic for a Serbian Cyrillic interface).
    Script,
}

#[derive(Debug, Clone, Copy)]
pub struct Field {
    pub name: &'static str,
    /// Message id of the label.
    pub label: &'static str,
    pub input: Input,
    pub required: bool,
    pub preset: Preset,
}

pub const fn field(name: &'static str, label: &'static str, input: Input, required: bool) -> Field {
    Field { name, label, input, required, preset: Preset::None }
}

pub const fn preset(name: &'static str, label: &'static str, input: Input, required: bool, preset: Preset) -> Field {
    Field { name, label, input, required, preset }
}

#[derive(Debug, Clone, Copy)]
pub struct Section {
    /// Message id of the heading.
    pub title: &'static str,
    /// An optional section (the father) is checked only when something in it is filled in.
    pub optional: bool,
    pub fields: &'static [Field],
}

/// The submitted values, by field name.
pub type Values = BTreeMap<String, String>;
/// Messages, by field name (`general` for the form as a whole).
pub type Errors = BTreeMap<String, String>;

/// The values a new form starts with.
pub fn presets(ui: &Ui, sections: &[Section], today: chrono::NaiveDate) -> Values {
    let mut v = Values::new();
    for f in sections.iter().flat_map(|s| s.fields) {
        let value = match f.preset {
            Preset::None => continue,
            Preset::Today => today.to_string(),
            Preset::Country => opcina_core::registry::types::default_country(),
            Preset::Script => ui.locale.script().as_str().to_string(),
        };
        v.insert(f.name.to_string(), value);
    }
    v
}

fn filled(values: &Values, f: &Field) -> bool {
    values.get(f.name).is_some_and(|v| !v.trim().is_empty())
}

/// Whether a section is part of the submission: always, unless it is optional and the clerk
/// typed nothing into it (its presets do not count).
fn submitted(s: &Section, values: &Values) -> bool {
    !s.optional || s.fields.iter().any(|f| f.preset == Preset::None && filled(values, f))
}

/// Fields the clerk left empty although they are required (all of them at once).
pub fn missing(ui: &Ui, sections: &[Section], values: &Values) -> Errors {
    let filled = |f: &Field| filled(values, f);
    let mut errors = Errors::new();
    for s in sections {
        if !submitted(s, values) {
            continue;
        }
        for f in s.fields.iter().filter(|f| f.required && !filled(f)) {
            errors.insert(f.name.to_string(), ui.t("err-form-required"));
        }
    }
    errors
}

/// Builds the command from the submitted values: empty fields are left out (so optional
/// parts are absent), numeric path segments make lists, `Lines` fields become lists of their
/// non-empty lines. An optional section with nothing but its presets filled is left out.
pub fn to_json(sections: &[Section], values: &Values) -> Value {
    let mut root = Value::Object(Map::new());
    for s in sections {
        if !submitted(s, values) {
            continue;
        }
        for f in s.fields {
            let Some(raw) = values.get(f.name).map(|v| v.trim()).filter(|v| !v.is_empty()) else { continue };
            let value = match f.input {
                Input::Lines => {
                    Value::Array(raw.lines().map(str::trim).filter(|l| !l.is_empty()).map(|l| Value::String(l.into())).collect())
                }
                _ => Value::String(raw.to_string()),
            };
            insert(&mut root, &f.name.split('.').collect::<Vec<_>>(), value);
        }
    }
    root
}

fn insert(node: &mut Value, path: &[&str], value: Value) {
    let Some((head, rest)) = path.split_first() else { return };
    let next_is_index = rest.first().is_some_and(|s| s.parse::<usize>().is_ok());
    let empty = || if next_is_index { Value::Array(Vec::new()) } else { Value::Object(Map::new()) };
    match (head.parse::<usize>(), node) {
        (Ok(i), Value::Array(items)) => {
            while items.len() <= i {
                items.push(Value::Null);
            }
            if rest.is_empty() {
                items[i] = value;
            } else {
                if items[i].is_null() {
                    items[i] = empty();
                }
                insert(&mut items[i], rest, value);
            }
        }
        (_, Value::Object(map)) => {
            if rest.is_empty() {
                map.insert((*head).to_string(), value);
            } else {
                insert(map.entry((*head).to_string()).or_insert_with(empty), rest, value);
            }
        }
        _ => {}
    }
}

/// Reads the command from its JSON; a value of the wrong form is named by its field.
pub fn parse<T: DeserializeOwned>(ui: &Ui, sections: &[Section], json: Value) -> Result<T, Errors> {
    serde_path_to_error::deserialize(json).map_err(|e| {
        let path = e.path().to_string().replace('[', ".").replace(']', "");
        let message = e.inner().to_string();
        let mut errors = Errors::new();
        let (field, text) = if let Some(name) = message.strip_prefix("missing field `").and_then(|m| m.split('`').next()) {
            let full = if path == "." || path.is_empty() { name.to_string() } else { format!("{path}.{name}") };
            (full, ui.t("err-form-required"))
        } else if message.starts_with("unknown variant") {
            (path.clone(), ui.t("issue-choose"))
        } else if message.contains("input contains invalid characters")
            || message.contains("premature end of input")
            || message.contains("input is out of range")
        {
            (path.clone(), ui.t("err-form-date"))
        } else {
            (path.clone(), message)
        };
        errors.insert(owner(sections, &field), text);
        errors
    })
}

/// The form field a path belongs to: itself, the first field below it, or the form.
pub fn owner(sections: &[Section], path: &str) -> String {
    let fields = || sections.iter().flat_map(|s| s.fields);
    if fields().any(|f| f.name == path) {
        return path.to_string();
    }
    let below = format!("{path}.");
    fields().find(|f| f.name.starts_with(&below)).map_or_else(|| "general".to_string(), |f| f.name.to_string())
}

/// A field as the template shows it.
pub struct FieldView {
    pub id: String,
    pub name: &'static str,
    pub label: String,
    /// `text`, `date`, `time`, `textarea`, `select`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub required: bool,
    pub error: Option<String>,
}

pub struct SectionView {
    pub title: String,
    pub optional: bool,
    pub fields: Vec<FieldView>,
}

/// The sections with the values typed and the messages found.
pub fn view(ui: &Ui, sections: &[Section], values: &Values, errors: &Errors) -> Vec<SectionView> {
    view_with(ui, sections, values, errors, &Options::new())
}

/// The choices of [`Input::Options`] fields, by field name: (value, label).
pub type Options = BTreeMap<&'static str, Vec<(String, String)>>;

/// [`view`] for forms with choices the page gives.
pub fn view_with(ui: &Ui, sections: &[Section], values: &Values, errors: &Errors, given: &Options) -> Vec<SectionView> {
    sections
        .iter()
        .map(|s| SectionView {
            title: ui.t(s.title),
            optional: s.optional,
            fields: s
                .fields
                .iter()
                .map(|f| {
                    let value = values.get(f.name).cloned().unwrap_or_default();
                    let (kind, options) = match f.input {
                        Input::Text => ("text", Vec::new()),
                        Input::Date => ("date", Vec::new()),
                        Input::Time => ("time", Vec::new()),
                        Input::Textarea | Input::Lines => ("textarea", Vec::new()),
                        Input::Select(_) | Input::Options => {
                            let mut options: Vec<Choice> = match f.input {
                                Input::Select(values) => values
                                    .iter()
                                    .map(|v| Choice {
                                        value: (*v).to_string(),
                                        label: ui.t(&format!("opt-{}", v.replace('_', "-"))),
                                        selected: *v == value,
                                    })
                                    .collect(),
                                _ => given
                                    .get(f.name)
                                    .into_iter()
                                    .flatten()
                                    .map(|(v, label)| Choice { value: v.clone(), label: label.clone(), selected: *v == value })
                                    .collect(),
                            };
                            // Nothing is chosen for the clerk: a required choice starts empty too.
                            if !f.required || value.is_empty() {
                                options.insert(0, Choice { value: String::new(), label: ui.t("form-choose"), selected: value.is_empty() });
                            }
                            ("select", options)
                        }
                    };
                    FieldView {
                        id: format!("f-{}", f.name.replace('.', "-")),
                        name: f.name,
                        label: ui.t(f.label),
                        kind,
                        value,
                        options,
                        required: f.required && !s.optional,
                        error: errors.get(f.name).cloned(),
                    }
                })
                .collect(),
        })
        .collect()
}

/// A choice in a select.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    const SECTIONS: &[Section] = &[
        Section {
            title: "t",
            optional: false,
            fields: &[field("child.given_name", "l", Input::Text, true), field("child.birth_place.settlement", "l", Input::Text, true)],
        },
        Section {
            title: "t",
            optional: true,
            fields: &[
                field("father.given_name", "l", Input::Text, true),
                preset("father.birth_place.country", "l", Input::Text, false, Preset::Country),
            ],
        },
        Section {
            title: "t",
            optional: false,
            fields: &[field("spouses.1.jmbg", "l", Input::Text, true), field("witnesses", "l", Input::Lines, true)],
        },
    ];

    fn values(pairs: &[(&str, &str)]) -> Values {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn fields_become_nested_json_and_empty_optional_sections_are_left_out() {
        let v = values(&[
            ("child.given_name", " Hana "),
            ("child.birth_place.settlement", "Kakanj"),
            ("father.given_name", ""),
            ("father.birth_place.country", "Bosna i Hercegovina"),
            ("spouses.1.jmbg", "123"),
            ("witnesses", "Ana Anić\n\n Marko Marić \n"),
        ]);
        let json = to_json(SECTIONS, &v);
        assert_eq!(
            json,
            serde_json::json!({"child": {"given_name": "Hana", "birth_place": {"settlement": "Kakanj"}},
                               "spouses": [null, {"jmbg": "123"}], "witnesses": ["Ana Anić", "Marko Marić"]})
        );
        let with_father = to_json(SECTIONS, &values(&[("father.given_name", "Emir"), ("father.birth_place.country", "BiH")]));
        assert_eq!(with_father["father"], serde_json::json!({"given_name": "Emir", "birth_place": {"country": "BiH"}}));
    }

    #[test]
    fn a_path_names_its_field_or_the_first_field_below_it() {
        assert_eq!(owner(SECTIONS, "child.given_name"), "child.given_name");
        assert_eq!(owner(SECTIONS, "child.birth_place"), "child.birth_place.settlement");
        assert_eq!(owner(SECTIONS, "nothing"), "general");
    }
}

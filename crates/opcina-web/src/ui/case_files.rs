//! The files and the archive entry of a case, as its page shows them: the files with their
//! versions, the entry in the archive book, the legal hold, and which of the section's forms
//! the visitor may use.

use opcina_core::docflow::case::CaseState;
use opcina_store::archive::{CaseFile, on_hold};
use opcina_store::rows::ArchiveEntryRow;

use super::{Ui, date_label};
use crate::auth::KEEPERS;

/// A file in the case's list.
pub struct FileLine {
    pub id: i64,
    pub name: String,
    pub version: i64,
    pub record: String,
    pub size: String,
    pub added: String,
}

/// What the case page shows of its files and its place in the archive.
#[derive(Default)]
pub struct CaseArchive {
    pub files: Vec<FileLine>,
    /// The files were destroyed after a disposal.
    pub destroyed: bool,
    pub may_upload: bool,
    pub upload_open: bool,
    /// The records of the case a file may belong to: (id, number).
    pub records: Vec<(String, String)>,
    /// The entry in the archive book, as (label, value) lines.
    pub entry: Vec<(String, String)>,
    pub may_archive: bool,
    pub on_hold: bool,
    pub hold_reason: String,
    pub may_hold: bool,
    pub hold_open: bool,
}

fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.0} KB", b as f64 / 1024.0),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

fn entry_lines(ui: &Ui, e: &ArchiveEntryRow) -> Vec<(String, String)> {
    let keep = match (&e.retention_years, &e.keep_until) {
        (Some(years), Some(until)) => format!(
            "{}, {}",
            ui.tn("archive-years", usize::try_from(*years).unwrap_or(0)),
            ui.ta("archive-until", "date", &date_label(ui, until))
        ),
        _ => ui.t("archive-permanent"),
    };
    vec![
        (ui.t("archive-entry"), format!("{}/{}", e.serial, e.year)),
        (ui.t("archive-retention"), keep),
        (ui.t("archive-entry-state"), ui.t(&format!("archive-state-{}", e.state))),
    ]
}

/// The files and archive section of a case's page.
///
/// `failed` names the form of this section that was refused (it is shown open again).
/// `may_work`: whether the user may add files to the case (`docflow::access`).
pub(super) fn case_archive(ui: &Ui, file: &CaseFile, may_work: bool, failed: Option<&str>) -> CaseArchive {
    let (case, records, entry, holds) = (&file.case, &file.records, &file.entry, &file.holds);
    let role = ui.staff.as_ref().map(|s| s.caller.actor.role);
    let numbers: std::collections::BTreeMap<i64, &str> = records.iter().map(|r| (r.id, r.number.as_str())).collect();
    let files = file
        .attachments
        .iter()
        .map(|a| FileLine {
            id: a.id,
            record: a.record_id.and_then(|r| numbers.get(&r).map(|n| n.to_string())).unwrap_or_default(),
            name: a.name.clone(),
            version: a.version,
            size: size_label(a.size),
            added: ui.locale.date_time(a.uploaded_at),
        })
        .collect();
    let state_now = case.state;
    let held = on_hold(holds);
    CaseArchive {
        files,
        destroyed: entry.as_ref().is_some_and(ArchiveEntryRow::destroyed),
        may_upload: may_work && state_now != CaseState::Joined && state_now != CaseState::Archived,
        upload_open: failed == Some("upload"),
        records: records.iter().map(|r| (r.id.to_string(), r.number.clone())).collect(),
        entry: entry.as_ref().map(|e| entry_lines(ui, e)).unwrap_or_default(),
        may_archive: state_now == CaseState::Closed && role.is_some_and(|r| KEEPERS.contains(&r)),
        on_hold: held,
        hold_reason: holds.last().filter(|h| h.placed).map(|h| h.reason.clone()).unwrap_or_default(),
        may_hold: role.is_some_and(|r| KEEPERS.contains(&r)) && entry.as_ref().is_none_or(|e| !e.destroyed()),
        hold_open: failed == Some("hold"),
    }
}

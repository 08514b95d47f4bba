//! `opcina import`: digitised books from a JSON-lines file (format in
//! `opcina_core::registry::import` and the README).
//!
//! Two passes over the file. The first checks every line — on its own, against the other
//! lines (no entry number or person twice) and against the database (office exists, number
//! free, person not already entered) — and reports every bad line with its number, field
//! and reason. Unless told where to put rejected lines, a single bad line stops the import
//! before anything is written. The second pass writes the good lines in one transaction:
//! a crash or a kill leaves the database as it was.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use opcina_core::journal::JournalHead;
use opcina_core::registry::entry::EntryRecord;
use opcina_core::registry::import::{CheckedLine, check_line, parse_line};
use opcina_core::registry::{Actor, AnnotationRecord, Register, Timestamp};
use opcina_core::{CheckMode, FieldError};

use crate::error::{Result, StoreError};
use crate::rows::{AnnotationRow, EntryRow, Row};
use crate::store::Store;

/// Environment variable naming a number of entries after which a (test) import aborts the
/// process before committing, to prove that a crash leaves nothing half-written.
pub const ABORT_AFTER_VAR: &str = "OPCINA_FAULT_IMPORT_ABORT_AFTER";

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Where to write rejected lines; without it, any bad line stops the import.
    pub rejects: Option<PathBuf>,
    /// The JMBG check mode; the node's when absent.
    pub mode: Option<CheckMode>,
    pub today: NaiveDate,
}

/// A bad line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number in the file.
    pub line: usize,
    pub error: FieldError,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.error)
    }
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub lines: usize,
    pub entries: usize,
    pub annotations: usize,
    /// Bad lines (each may have several errors).
    pub rejected: usize,
    pub errors: Vec<LineError>,
    /// The journal head after the import; `None` when nothing was written.
    pub head: Option<JournalHead>,
}

/// Progress callbacks: `checked(lines)` during the first pass, `written(entries)` during
/// the second.
pub trait Progress: Sync {
    fn checked(&self, _lines: u64) {}
    fn written(&self, _entries: u64) {}
}

impl Progress for () {}

struct Pending {
    line: usize,
    register: Register,
    office: String,
    year: i32,
    number: i64,
    subject: Option<String>,
}

fn io(path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Invalid(FieldError::new("import.file.unreadable", "file", format!("{}: {e}", path.display())))
}

/// Lines of a file, numbered from 1, skipping blank ones.
fn numbered_lines(path: &Path) -> Result<impl Iterator<Item = (usize, std::io::Result<String>)>> {
    let file = File::open(path).map_err(|e| io(path, e))?;
    Ok(BufReader::with_capacity(1 << 20, file)
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| l.as_ref().map_or(true, |t| !t.trim().is_empty())))
}

impl Store {
    /// Imports a file of digitised entries as `actor`.
    pub async fn import(&self, actor: &Actor, path: &Path, options: &ImportOptions, progress: &dyn Progress) -> Result<ImportReport> {
        let node = self.node().await?;
        let mode = options.mode.unwrap_or_else(|| node.check_mode());
        let offices: HashSet<String> = self.backend().offices().await?.into_iter().map(|o| o.code).collect();
        let database_has_entries = !self.backend().person_jmbgs_after("", 1).await?.is_empty();

        // Pass 1: check everything.
        let mut report = ImportReport::default();
        let mut bad: HashSet<usize> = HashSet::new();
        let mut keys: HashSet<(Register, String, i32, i64)> = HashSet::new();
        let mut subjects: HashSet<(Register, String)> = HashSet::new();
        let mut pending: Vec<Pending> = Vec::new();
        for (n, text) in numbered_lines(path)? {
            report.lines += 1;
            let text = text.map_err(|e| io(path, e))?;
            let reject = |error: FieldError, bad: &mut HashSet<usize>, report: &mut ImportReport| {
                bad.insert(n);
                report.errors.push(LineError { line: n, error });
            };
            let line = match parse_line(&text) {
                Ok(l) => l,
                Err(e) => {
                    reject(e, &mut bad, &mut report);
                    continue;
                }
            };
            let checked = match check_line(&line, mode, options.today) {
                Ok(c) => c,
                Err(errors) => {
                    for e in errors {
                        reject(e, &mut bad, &mut report);
                    }
                    continue;
                }
            };
            if !offices.contains(&checked.office) {
                reject(
                    FieldError::new(
                        "import.office.unknown",
                        "office",
                        format!("no office {} on this node (see `opcina office list`)", checked.office),
                    ),
                    &mut bad,
                    &mut report,
                );
                continue;
            }
            let register = line.register;
            if !keys.insert((register, checked.office.clone(), checked.year, checked.number)) {
                reject(
                    FieldError::new(
                        "import.number.duplicate",
                        "number",
                        format!("{} {}/{} of {} appears twice in the file", register, checked.number, checked.year, checked.office),
                    ),
                    &mut bad,
                    &mut report,
                );
                continue;
            }
            let once = matches!(register, Register::Births | Register::Deaths);
            let subject = checked.content.subject().to_string();
            if once && !subjects.insert((register, subject.clone())) {
                reject(
                    FieldError::new(
                        "import.person.duplicate",
                        "data",
                        format!("the person {subject} has two entries in {register} in the file"),
                    ),
                    &mut bad,
                    &mut report,
                );
                continue;
            }
            if database_has_entries {
                pending.push(Pending {
                    line: n,
                    register,
                    office: checked.office.clone(),
                    year: checked.year,
                    number: checked.number,
                    subject: once.then_some(subject),
                });
                if pending.len() >= 2_000 {
                    self.check_against_database(&mut pending, &mut bad, &mut report).await?;
                }
            }
            if report.lines % 10_000 == 0 {
                progress.checked(report.lines as u64);
            }
        }
        self.check_against_database(&mut pending, &mut bad, &mut report).await?;
        progress.checked(report.lines as u64);
        report.errors.sort_by_key(|e| e.line);
        report.rejected = bad.len();
        if !bad.is_empty() {
            match &options.rejects {
                None => return Ok(report),
                Some(file) => write_rejects(path, file, &bad)?,
            }
        }

        // Pass 2: write the good lines in one transaction.
        let abort_after: Option<usize> = std::env::var(ABORT_AFTER_VAR).ok().and_then(|v| v.parse().ok());
        let now = Timestamp::now();
        let mut ex = self.exclusive().await?;
        for (n, text) in numbered_lines(path)? {
            if bad.contains(&n) {
                continue;
            }
            let text = text.map_err(|e| io(path, e))?;
            let line = parse_line(&text).map_err(StoreError::Invalid)?;
            let checked = check_line(&line, mode, options.today).map_err(|e| {
                StoreError::Invalid(
                    e.into_iter().next().unwrap_or_else(|| FieldError::general("import.changed", "the file changed during the import")),
                )
            })?;
            let written = write_line(&mut ex.txn, actor, checked, now).await?;
            report.entries += 1;
            report.annotations += written;
            if report.entries % 10_000 == 0 {
                progress.written(report.entries as u64);
            }
            if abort_after.is_some_and(|a| report.entries >= a) {
                tracing::error!("{ABORT_AFTER_VAR} reached: aborting the process before the import commits");
                std::process::abort();
            }
        }
        progress.written(report.entries as u64);
        report.head = Some(ex.commit().await?);
        self.backend().after_bulk_load().await?;
        Ok(report)
    }

    async fn check_against_database(&self, pending: &mut Vec<Pending>, bad: &mut HashSet<usize>, report: &mut ImportReport) -> Result<()> {
        let mut books: HashMap<(Register, String, i32), Vec<(i64, usize)>> = HashMap::new();
        let mut people: HashMap<Register, Vec<(String, usize)>> = HashMap::new();
        for p in pending.drain(..) {
            books.entry((p.register, p.office, p.year)).or_default().push((p.number, p.line));
            if let Some(s) = p.subject {
                people.entry(p.register).or_default().push((s, p.line));
            }
        }
        for ((register, office, year), numbers) in books {
            let asked: Vec<i64> = numbers.iter().map(|(n, _)| *n).collect();
            let taken: HashSet<i64> =
                self.backend().taken_entry_numbers(register.code(), &office, i64::from(year), &asked).await?.into_iter().collect();
            for (number, line) in numbers.into_iter().filter(|(n, _)| taken.contains(n)) {
                bad.insert(line);
                report.errors.push(LineError {
                    line,
                    error: FieldError::new(
                        "import.number.taken",
                        "number",
                        format!("{register} {number}/{year} of {office} is already in the register"),
                    ),
                });
            }
        }
        for (register, subjects) in people {
            let asked: Vec<String> = subjects.iter().map(|(s, _)| s.clone()).collect();
            let known: HashSet<String> = self.backend().registered_subjects(register.code(), &asked).await?.into_iter().collect();
            for (subject, line) in subjects.into_iter().filter(|(s, _)| known.contains(s)) {
                bad.insert(line);
                report.errors.push(LineError {
                    line,
                    error: FieldError::new("import.person.registered", "data", format!("{subject} already has an entry in {register}")),
                });
            }
        }
        Ok(())
    }
}

async fn write_line(txn: &mut crate::txn::Txn, actor: &Actor, line: CheckedLine, now: Timestamp) -> Result<usize> {
    let entry = EntryRecord {
        id: 0,
        office: line.office.clone(),
        year: line.year,
        number: line.number,
        registered_on: line.registered_on,
        recorded_at: now,
        recorded_by: actor.username.clone(),
        late: line.late,
        script: line.script,
        content: line.content,
    };
    let entry_id = txn.append(Row::Entry(EntryRow::from_record(&entry)?), now, actor, "import.entry").await?;
    for annotation in &line.annotations {
        let record = AnnotationRecord {
            id: 0,
            entry_id,
            annotation: annotation.clone(),
            recorded_at: now,
            office: line.office.clone(),
            recorded_by: actor.username.clone(),
            cause_entry_id: None,
        };
        txn.append(Row::Annotation(AnnotationRow::from_record(&record)?), now, actor, "import.annotation").await?;
    }
    Ok(line.annotations.len())
}

fn write_rejects(source: &Path, target: &Path, bad: &HashSet<usize>) -> Result<()> {
    let file = File::create(target).map_err(|e| io(target, e))?;
    let mut out = BufWriter::new(file);
    for (n, text) in numbered_lines(source)? {
        if bad.contains(&n) {
            let text = text.map_err(|e| io(source, e))?;
            writeln!(out, "{text}").map_err(|e| io(target, e))?;
        }
    }
    out.flush().map_err(|e| io(target, e))
}

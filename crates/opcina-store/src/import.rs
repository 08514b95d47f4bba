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
use opcina_core::registry::import::{CheckedLine, parse_and_check};
use opcina_core::registry::{Actor, AnnotationRecord, Register, Timestamp};
use opcina_core::{CheckMode, FieldError};

use crate::error::{Result, StoreError};
use crate::rows::{AnnotationRow, EntryRow, JmbgChangeRow, Row};
use crate::sql::prelude::*;
use crate::store::Store;

/// Environment variable naming a number of entries after which a (test) import aborts the
/// process before committing, to prove that a crash leaves nothing half-written.
pub const ABORT_AFTER_VAR: &str = "OPCINA_FAULT_IMPORT_ABORT_AFTER";

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Where to write rejected lines; without it, any bad line stops the import. Never the
    /// file imported, and an existing file only with `overwrite_rejects`.
    pub rejects: Option<PathBuf>,
    pub overwrite_rejects: bool,
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
    /// Time spent checking (pass 1) and writing (pass 2).
    pub check_seconds: f64,
    pub write_seconds: f64,
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

/// Lines of a file as they are (without the line break), numbered from 1, skipping blank
/// ones.
fn numbered_lines(path: &Path) -> Result<impl Iterator<Item = (usize, std::io::Result<Vec<u8>>)>> {
    let file = File::open(path).map_err(|e| io(path, e))?;
    Ok(BufReader::with_capacity(1 << 20, file)
        .split(b'\n')
        .enumerate()
        .map(|(i, l)| {
            let l = l.map(|mut bytes| {
                if bytes.last() == Some(&b'\r') {
                    bytes.pop();
                }
                bytes
            });
            (i + 1, l)
        })
        .filter(|(_, l)| l.as_ref().map_or(true, |t| !t.iter().all(u8::is_ascii_whitespace))))
}

/// A line's text; a line that is not UTF-8 is refused on its own, naming the first bad byte
/// (counted from 1), so the rest of the file is still read.
fn line_text(bytes: Vec<u8>) -> std::result::Result<String, FieldError> {
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to() + 1;
        FieldError::new("import.line.encoding", "line", format!("the line is not UTF-8 text: byte {at} is not part of a character"))
    })
}

/// Lines read and checked at a time.
const CHUNK: usize = 4_096;

/// What pass 1 keeps of a good line.
struct Summary {
    register: Register,
    office: String,
    year: i32,
    number: i64,
    subject: String,
}

/// A chunk of numbered lines, checked: a summary or the errors of each.
type Checked<T> = Vec<(usize, Result<T, Vec<FieldError>>)>;

/// Checks the lines of a chunk on every core; `keep` turns a good line into what is kept.
fn check_chunk<T: Send>(
    lines: &[(usize, std::result::Result<String, FieldError>)],
    mode: CheckMode,
    today: NaiveDate,
    keep: &(dyn Fn(CheckedLine) -> Result<T> + Sync),
) -> Checked<T> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
    let per = lines.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = lines
            .chunks(per)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|(n, text)| {
                            let checked = match text {
                                Ok(text) => parse_and_check(text, mode, today)
                                    .and_then(|c| keep(c).map_err(|e| vec![FieldError::general("import.line.unwritable", e.to_string())])),
                                Err(encoding) => Err(vec![encoding.clone()]),
                            };
                            (*n, checked)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        parts.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    })
}

/// Reads a file in chunks on a thread of its own, checks each chunk on every core, and
/// sends the results; lines in `skip` are passed over.
fn produce<T: Send + 'static>(
    path: PathBuf,
    skip: HashSet<usize>,
    mode: CheckMode,
    today: NaiveDate,
    keep: impl Fn(CheckedLine) -> Result<T> + Sync + Send + 'static,
) -> (tokio::sync::mpsc::Receiver<Result<Checked<T>>>, tokio::task::JoinHandle<()>) {
    let (tx, rx) = tokio::sync::mpsc::channel(4);
    let handle = tokio::task::spawn_blocking(move || {
        let lines = match numbered_lines(&path) {
            Ok(l) => l,
            Err(e) => {
                let _ = tx.blocking_send(Err(e));
                return;
            }
        };
        let mut chunk = Vec::with_capacity(CHUNK);
        let send = |chunk: &mut Vec<(usize, std::result::Result<String, FieldError>)>| {
            let checked = check_chunk(chunk, mode, today, &keep);
            chunk.clear();
            tx.blocking_send(Ok(checked)).is_ok()
        };
        for (n, text) in lines {
            if skip.contains(&n) {
                continue;
            }
            match text {
                Ok(bytes) => chunk.push((n, line_text(bytes))),
                Err(e) => {
                    let _ = tx.blocking_send(Err(io(&path, e)));
                    return;
                }
            }
            if chunk.len() == CHUNK && !send(&mut chunk) {
                return;
            }
        }
        if !chunk.is_empty() {
            send(&mut chunk);
        }
    });
    (rx, handle)
}

/// The rows of a good line: its entry (its id is assigned when it is appended) and its
/// annotations (which point at it).
struct LineRows {
    entry: EntryRow,
    annotations: Vec<AnnotationRow>,
    /// JMBGs the annotations replace (a corrected sex or date of birth).
    changes: Vec<JmbgChangeRow>,
}

fn rows_of(line: CheckedLine, actor: &str, now: Timestamp) -> Result<LineRows> {
    let entry = EntryRecord {
        id: 0,
        office: line.office.clone(),
        year: line.year,
        number: line.number,
        registered_on: line.registered_on,
        recorded_at: now,
        recorded_by: actor.to_string(),
        late: line.late,
        script: line.script,
        content: line.content,
    };
    let records: Vec<AnnotationRecord> = line
        .annotations
        .into_iter()
        .map(|annotation| AnnotationRecord {
            id: 0,
            entry_id: 0,
            annotation,
            recorded_at: now,
            office: line.office.clone(),
            recorded_by: actor.to_string(),
            cause_entry_id: None,
        })
        .collect();
    let annotations = records.iter().map(AnnotationRow::from_record).collect::<Result<_>>()?;
    Ok(LineRows { entry: EntryRow::from_record(&entry)?, annotations, changes: JmbgChangeRow::of(&records) })
}

impl Store {
    /// Imports a file of digitised entries as `actor`.
    pub async fn import(&self, actor: &Actor, path: &Path, options: &ImportOptions, progress: &dyn Progress) -> Result<ImportReport> {
        let node = self.node().await?;
        let mode = options.mode.unwrap_or_else(|| node.check_mode());
        let offices: HashSet<String> = self.backend().reads().offices().await?.into_iter().map(|o| o.code).collect();
        let database_has_entries = !self.backend().reads().person_jmbgs_after("", 1).await?.is_empty();
        let _ = File::open(path).map_err(|e| io(path, e))?;
        if let Some(target) = &options.rejects {
            rejects_target(path, target, options.overwrite_rejects)?;
        }

        // Pass 1: check everything.
        let started = std::time::Instant::now();
        let mut report = ImportReport::default();
        let mut bad: HashSet<usize> = HashSet::new();
        let mut keys: HashSet<(Register, String, i32, i64)> = HashSet::new();
        let mut subjects: HashSet<(Register, String)> = HashSet::new();
        let mut pending: Vec<Pending> = Vec::new();
        let keep = |c: CheckedLine| {
            Ok(Summary {
                register: c.content.register(),
                office: c.office,
                year: c.year,
                number: c.number,
                subject: c.content.subject().to_string(),
            })
        };
        let (mut chunks, producer) = produce(path.to_path_buf(), HashSet::new(), mode, options.today, keep);
        while let Some(chunk) = chunks.recv().await {
            for (n, checked) in chunk? {
                report.lines += 1;
                let mut reject = |error: FieldError| {
                    bad.insert(n);
                    report.errors.push(LineError { line: n, error });
                };
                let line = match checked {
                    Ok(s) => s,
                    Err(errors) => {
                        errors.into_iter().for_each(&mut reject);
                        continue;
                    }
                };
                if !offices.contains(&line.office) {
                    reject(FieldError::new(
                        "import.office.unknown",
                        "office",
                        format!("no office {} on this node (see `opcina office list`)", line.office),
                    ));
                    continue;
                }
                let register = line.register;
                if !keys.insert((register, line.office.clone(), line.year, line.number)) {
                    reject(FieldError::new(
                        "import.number.duplicate",
                        "number",
                        format!("{} {}/{} of {} appears twice in the file", register, line.number, line.year, line.office),
                    ));
                    continue;
                }
                let once = matches!(register, Register::Births | Register::Deaths);
                if once && !subjects.insert((register, line.subject.clone())) {
                    reject(FieldError::new(
                        "import.person.duplicate",
                        "data",
                        format!("the person {} has two entries in {register} in the file", line.subject),
                    ));
                    continue;
                }
                if database_has_entries {
                    pending.push(Pending {
                        line: n,
                        register,
                        office: line.office,
                        year: line.year,
                        number: line.number,
                        subject: once.then_some(line.subject),
                    });
                }
            }
            if pending.len() >= 2_000 {
                self.check_against_database(&mut pending, &mut bad, &mut report).await?;
            }
            progress.checked(report.lines as u64);
        }
        producer.await.map_err(|e| StoreError::Invalid(FieldError::general("import.failed", e.to_string())))?;
        self.check_against_database(&mut pending, &mut bad, &mut report).await?;
        report.errors.sort_by_key(|e| e.line);
        report.rejected = bad.len();
        report.check_seconds = started.elapsed().as_secs_f64();
        if !bad.is_empty() {
            match &options.rejects {
                None => return Ok(report),
                Some(file) => write_rejects(path, file, &bad)?,
            }
        }
        drop(keys);
        drop(subjects);

        // Pass 2: write the good lines in one transaction; a thread reads, checks and turns
        // the lines into rows ahead of the writing.
        let started = std::time::Instant::now();
        let abort_after: Option<usize> = std::env::var(ABORT_AFTER_VAR).ok().and_then(|v| v.parse().ok());
        let now = self.now();
        let username = actor.username.clone();
        let (mut chunks, producer) = produce(path.to_path_buf(), bad, mode, options.today, move |c| rows_of(c, &username, now));
        let mut ex = self.exclusive().await?;
        while let Some(chunk) = chunks.recv().await {
            for (_, rows) in chunk? {
                let rows = rows.map_err(|e| {
                    StoreError::Invalid(
                        e.into_iter().next().unwrap_or_else(|| FieldError::general("import.changed", "the file changed during the import")),
                    )
                })?;
                let entry_id = ex.txn.append(Row::new(rows.entry), now, actor, "import.entry").await?;
                for mut a in rows.annotations {
                    a.entry_id = entry_id;
                    ex.txn.append(Row::new(a), now, actor, "import.annotation").await?;
                    report.annotations += 1;
                }
                for change in rows.changes {
                    ex.txn.append(Row::new(change), now, actor, "import.annotation").await?;
                }
                report.entries += 1;
                if abort_after.is_some_and(|a| report.entries >= a) {
                    tracing::error!("{ABORT_AFTER_VAR} reached: aborting the process before the import commits");
                    std::process::abort();
                }
            }
            progress.written(report.entries as u64);
        }
        producer.await.map_err(|e| StoreError::Invalid(FieldError::general("import.failed", e.to_string())))?;
        report.head = Some(ex.commit().await?);
        self.backend().after_bulk_load().await?;
        report.write_seconds = started.elapsed().as_secs_f64();
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
                self.backend().reads().taken_entry_numbers(register.code(), &office, i64::from(year), &asked).await?.into_iter().collect();
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
            let known: HashSet<String> = self.backend().reads().registered_subjects(register.code(), &asked).await?.into_iter().collect();
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

/// Checks where rejected lines would go before anything is read: writing them would truncate
/// the file imported itself (then nothing is left to import), or another file someone keeps.
fn rejects_target(source: &Path, target: &Path, overwrite: bool) -> Result<()> {
    let Ok(existing) = std::fs::metadata(target) else { return Ok(()) };
    let same = match (std::fs::canonicalize(source), std::fs::canonicalize(target)) {
        (Ok(a), Ok(b)) if a == b => true,
        _ => same_file(source, &existing),
    };
    let refuse = |code: &'static str, message: String| Err(StoreError::Invalid(FieldError::new(code, "rejects", message)));
    if same {
        return refuse(
            "import.rejects.is_input",
            format!("{} is the file being imported: name another file for the rejected lines", target.display()),
        );
    }
    if !overwrite {
        return refuse("import.rejects.exists", format!("{} exists: name a new file, or pass --force to overwrite it", target.display()));
    }
    Ok(())
}

/// The same file under another name (a hard link).
#[cfg(unix)]
fn same_file(source: &Path, target: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(source).is_ok_and(|s| s.dev() == target.dev() && s.ino() == target.ino())
}

#[cfg(not(unix))]
fn same_file(_: &Path, _: &std::fs::Metadata) -> bool {
    false
}

fn write_rejects(source: &Path, target: &Path, bad: &HashSet<usize>) -> Result<()> {
    let file = File::create(target).map_err(|e| io(target, e))?;
    let mut out = BufWriter::new(file);
    for (n, text) in numbered_lines(source)? {
        if bad.contains(&n) {
            // As it was, byte for byte (a line refused for its encoding too).
            let bytes = text.map_err(|e| io(source, e))?;
            out.write_all(&bytes).and_then(|()| out.write_all(b"\n")).map_err(|e| io(target, e))?;
        }
    }
    out.flush().map_err(|e| io(target, e))
}

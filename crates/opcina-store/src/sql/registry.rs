//! The node's and the registers' reads (node, offices, staff, entries, annotations, the
//! access log), written once for both databases.

use std::collections::{BTreeSet, HashMap};

use async_trait::async_trait;
use opcina_core::Jmbg;
use opcina_core::registry::{AnnotationRecord, EntryRecord, PersonRecords};

use crate::backend::{Reads, all, one};
use crate::error::Result;
use crate::rows::{AccessRow, AnnotationRow, EntryRow, JmbgBlockRow, NodeRow, OfficeRow, SettlementRow, UserRow};
use crate::sql::shared::{about_person, people_of, placeholders};
use crate::table::{Param, Record};

/// A person's JMBG and their spouse's, as an entry names them.
struct Parties {
    subject_jmbg: String,
    partner_jmbg: Option<String>,
}

crate::record!(Parties, [subject_jmbg, partner_jmbg]);

/// A JMBG replaced by another (a corrected sex or date of birth).
struct Link {
    old_jmbg: String,
    new_jmbg: String,
}

crate::record!(Link, [old_jmbg, new_jmbg]);

#[async_trait]
pub trait RegistryReads: Reads {
    async fn node(&mut self) -> Result<Option<NodeRow>> {
        one(self, &format!("SELECT {} FROM node ORDER BY id LIMIT 1", NodeRow::COLUMNS), &[]).await
    }

    /// The share of the region's JMBG serials in force (the latest set), if any.
    async fn jmbg_block(&mut self) -> Result<Option<JmbgBlockRow>> {
        one(self, &format!("SELECT {} FROM jmbg_blocks ORDER BY id DESC LIMIT 1", JmbgBlockRow::COLUMNS), &[]).await
    }

    async fn offices(&mut self) -> Result<Vec<OfficeRow>> {
        all(self, &format!("SELECT {} FROM offices ORDER BY id", OfficeRow::COLUMNS), &[]).await
    }

    /// The settlements the node knows by name, in the order they were added.
    async fn settlements(&mut self) -> Result<Vec<SettlementRow>> {
        all(self, &format!("SELECT {} FROM settlements ORDER BY id", SettlementRow::COLUMNS), &[]).await
    }

    async fn office(&mut self, code: &str) -> Result<Option<OfficeRow>> {
        one(self, &format!("SELECT {} FROM offices WHERE code = $1", OfficeRow::COLUMNS), &[&code]).await
    }

    async fn users(&mut self) -> Result<Vec<UserRow>> {
        all(self, &format!("SELECT {} FROM users ORDER BY id", UserRow::COLUMNS), &[]).await
    }

    async fn user(&mut self, username: &str) -> Result<Option<UserRow>> {
        one(self, &format!("SELECT {} FROM users WHERE username = $1", UserRow::COLUMNS), &[&username]).await
    }

    async fn user_by_id(&mut self, id: i64) -> Result<Option<UserRow>> {
        one(self, &format!("SELECT {} FROM users WHERE id = $1", UserRow::COLUMNS), &[&id]).await
    }

    /// The active user holding a live token with this hash.
    async fn user_by_token(&mut self, token_hash: &[u8]) -> Result<Option<UserRow>> {
        let sql = "SELECT u.id, u.username, u.full_name, u.role, u.office_code, u.active, u.created_at \
                   FROM api_tokens t JOIN users u ON u.id = t.user_id \
                   WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = $2";
        one(self, sql, &[&token_hash, &true]).await
    }

    /// A person's entries (as subject or spouse), their annotations, and their children's
    /// entries with their annotations, under every JMBG the person has had (see
    /// [`JmbgChangeRow`](crate::rows::JmbgChangeRow)).
    async fn person_records(&mut self, jmbg: &Jmbg) -> Result<PersonRecords> {
        let numbers = numbers_of(self, jmbg.as_str()).await?;
        let entries = entries_naming(self, ["subject_jmbg", "partner_jmbg"], &numbers).await?;
        let ids: Vec<i64> = entries.iter().map(|e| e.id).collect();
        let annotations = annotations_of(self, &ids).await?;
        let children = entries_naming(self, ["mother_jmbg", "father_jmbg"], &numbers).await?;
        let child_ids: Vec<i64> = children.iter().map(|e| e.id).collect();
        let children_annotations = annotations_of(self, &child_ids).await?;
        Ok(PersonRecords { entries, annotations, children, children_annotations })
    }

    /// Records of many people at once, without their children (for indexing).
    async fn person_records_many(&mut self, asked: &[Jmbg]) -> Result<Vec<(Jmbg, PersonRecords)>> {
        // Every number of the people asked for: entries made before a correction of the sex
        // or the date of birth name the old one.
        let links = links_of(self, asked).await?;
        let numbers_of: Vec<Vec<Jmbg>> = asked.iter().map(|j| chain(j, &links)).collect();
        let mut jmbgs: Vec<Jmbg> = numbers_of.iter().flatten().cloned().collect();
        jmbgs.sort();
        jmbgs.dedup();
        let mut by_person: HashMap<String, PersonRecords> = HashMap::new();
        let mut entry_owners: HashMap<i64, Vec<String>> = HashMap::new();
        for chunk in jmbgs.chunks(500) {
            let jmbgs: Vec<&str> = chunk.iter().map(Jmbg::as_str).collect();
            let params: Vec<&dyn Param> = jmbgs.iter().map(|j| j as &dyn Param).collect();
            let list = placeholders(1, chunk.len());
            let sql =
                format!("SELECT {} FROM entries WHERE subject_jmbg IN ({list}) OR partner_jmbg IN ({list}) ORDER BY id", EntryRow::COLUMNS);
            for row in all::<EntryRow, _>(self, &sql, &params).await? {
                let record = row.to_record()?;
                for owner in [Some(row.subject_jmbg.clone()), row.partner_jmbg.clone()].into_iter().flatten() {
                    entry_owners.entry(row.id).or_default().push(owner.clone());
                    by_person.entry(owner).or_default().entries.push(record.clone());
                }
            }
        }
        let ids: Vec<i64> = entry_owners.keys().copied().collect();
        for a in annotations_of(self, &ids).await? {
            for owner in entry_owners.get(&a.entry_id).into_iter().flatten() {
                by_person.entry(owner.clone()).or_default().annotations.push(a.clone());
            }
        }
        Ok(asked
            .iter()
            .zip(numbers_of)
            .map(|(j, numbers)| {
                let mut records = PersonRecords::default();
                for n in &numbers {
                    if let Some(r) = by_person.get(n.as_str()) {
                        records.entries.extend(r.entries.iter().cloned());
                        records.annotations.extend(r.annotations.iter().cloned());
                    }
                }
                records.entries.sort_by_key(|e| e.id);
                (j.clone(), records)
            })
            .collect())
    }

    async fn entry(&mut self, id: i64) -> Result<Option<(EntryRecord, Vec<AnnotationRecord>)>> {
        let sql = format!("SELECT {} FROM entries WHERE id = $1", EntryRow::COLUMNS);
        let Some(row) = one::<EntryRow, _>(self, &sql, &[&id]).await? else {
            return Ok(None);
        };
        let annotations = annotations_of(self, &[id]).await?;
        Ok(Some((row.to_record()?, annotations)))
    }

    /// Serials in use among all JMBGs known to the node with a nine-digit prefix.
    async fn used_serials(&mut self, prefix: &str) -> Result<Vec<u16>> {
        // Every JMBG the node knows with this date and region ('0' < digits < ':' bound the
        // range), in one statement of four index range scans.
        let upper = format!("{prefix}:");
        let sql = "SELECT subject_jmbg FROM entries WHERE subject_jmbg >= $1 AND subject_jmbg < $2 \
                   UNION ALL SELECT partner_jmbg FROM entries WHERE partner_jmbg >= $1 AND partner_jmbg < $2 \
                   UNION ALL SELECT mother_jmbg FROM entries WHERE mother_jmbg >= $1 AND mother_jmbg < $2 \
                   UNION ALL SELECT father_jmbg FROM entries WHERE father_jmbg >= $1 AND father_jmbg < $2 \
                   UNION ALL SELECT new_jmbg FROM jmbg_changes WHERE new_jmbg >= $1 AND new_jmbg < $2";
        let found: Vec<String> = all(self, sql, &[&prefix, &upper]).await?;
        let used: BTreeSet<u16> = found.iter().filter_map(|j| j.get(9..12).and_then(|s| s.parse::<u16>().ok())).collect();
        Ok(used.into_iter().collect())
    }

    async fn last_entry_number(&mut self, register: &str, office: &str, year: i64) -> Result<i64> {
        let sql = "SELECT COALESCE(MAX(number), 0) FROM entries WHERE register = $1 AND office_code = $2 AND year = $3";
        Ok(one::<i64, _>(self, sql, &[&register, &office, &year]).await?.unwrap_or(0))
    }

    /// Reads of a person's records, newest first, before the id `before` when given.
    async fn access_log(&mut self, jmbg: &str, before: Option<i64>, limit: i64) -> Result<Vec<AccessRow>> {
        about_person(self, "access_log", jmbg, before, limit).await
    }

    /// Which of `jmbgs` were logged as read by `username` doing `action` at or after `since`.
    async fn logged_since(&mut self, username: &str, action: &str, since: i64, jmbgs: &[&str]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for chunk in jmbgs.chunks(500) {
            let mut params: Vec<&dyn Param> = vec![&username, &action, &since];
            params.extend(chunk.iter().map(|j| j as &dyn Param));
            let sql = format!(
                "SELECT DISTINCT subject_jmbg FROM access_log WHERE username = $1 AND action = $2 AND at >= $3 AND subject_jmbg IN ({})",
                placeholders(4, chunk.len())
            );
            out.extend(all::<String, _>(self, &sql, &params).await?);
        }
        Ok(out)
    }

    /// People whose records changed in journal positions `(after, upto]`.
    async fn persons_touched(&mut self, after: i64, upto: i64) -> Result<Vec<String>> {
        let entries: Vec<Parties> =
            all(self, "SELECT subject_jmbg, partner_jmbg FROM entries WHERE id > $1 AND id <= $2", &[&after, &upto]).await?;
        let annotated: Vec<Parties> = all(
            self,
            "SELECT e.subject_jmbg, e.partner_jmbg FROM annotations a JOIN entries e ON e.id = a.entry_id WHERE a.id > $1 AND a.id <= $2",
            &[&after, &upto],
        )
        .await?;
        let mut out = BTreeSet::new();
        for p in entries.into_iter().chain(annotated) {
            out.insert(p.subject_jmbg);
            out.extend(p.partner_jmbg);
        }
        Ok(out.into_iter().collect())
    }

    /// Distinct JMBGs that are the subject or a spouse of an entry, in order, after `after`.
    async fn person_jmbgs_after(&mut self, after: &str, limit: i64) -> Result<Vec<String>> {
        let mut out = BTreeSet::new();
        for column in ["subject_jmbg", "partner_jmbg"] {
            let sql = format!("SELECT DISTINCT {column} FROM entries WHERE {column} > $1 ORDER BY {column} LIMIT $2");
            out.extend(all::<String, _>(self, &sql, &[&after, &limit]).await?);
        }
        // Both lists are sorted; only the first `limit` of their union are complete.
        Ok(out.into_iter().take(usize::try_from(limit).unwrap_or(0)).collect())
    }

    /// Which of these entry numbers are already taken in a book (register, office, year).
    async fn taken_entry_numbers(&mut self, register: &str, office: &str, year: i64, numbers: &[i64]) -> Result<Vec<i64>> {
        let mut out = Vec::new();
        for chunk in numbers.chunks(1000) {
            let mut params: Vec<&dyn Param> = vec![&register, &office, &year];
            params.extend(chunk.iter().map(|n| n as &dyn Param));
            let sql = format!(
                "SELECT number FROM entries WHERE register = $1 AND office_code = $2 AND year = $3 AND number IN ({})",
                placeholders(4, chunk.len())
            );
            out.extend(all::<i64, _>(self, &sql, &params).await?);
        }
        Ok(out)
    }

    /// Which of these people already have an entry in `register`.
    async fn registered_subjects(&mut self, register: &str, jmbgs: &[String]) -> Result<Vec<String>> {
        let mut out = Vec::new();
        for chunk in jmbgs.chunks(1000) {
            let mut params: Vec<&dyn Param> = vec![&register];
            params.extend(chunk.iter().map(|j| j as &dyn Param));
            let sql =
                format!("SELECT subject_jmbg FROM entries WHERE register = $1 AND subject_jmbg IN ({})", placeholders(2, chunk.len()));
            out.extend(all::<String, _>(self, &sql, &params).await?);
        }
        Ok(out)
    }

    /// Entries an office recorded in `[from, to)` (microseconds), oldest first, at most `limit`.
    async fn entries_recorded(&mut self, office: &str, from: i64, to: i64, limit: i64) -> Result<Vec<EntryRecord>> {
        let sql = format!(
            "SELECT {} FROM entries WHERE office_code = $1 AND recorded_at >= $2 AND recorded_at < $3 ORDER BY recorded_at, id LIMIT $4",
            EntryRow::COLUMNS
        );
        all::<EntryRow, _>(self, &sql, &[&office, &from, &to, &limit]).await?.iter().map(EntryRow::to_record).collect()
    }

    /// How many entries an office recorded in `[from, to)`, counting no further than `cap`.
    async fn count_entries_recorded(&mut self, office: &str, from: i64, to: i64, cap: i64) -> Result<i64> {
        let sql = "SELECT COUNT(*) FROM (SELECT 1 FROM entries WHERE office_code = $1 AND recorded_at >= $2 AND recorded_at < $3 LIMIT $4) AS day";
        Ok(one::<i64, _>(self, sql, &[&office, &from, &to, &cap]).await?.unwrap_or(0))
    }

    /// Annotations an office recorded in `[from, to)`, oldest first, at most `limit`.
    async fn annotations_recorded(&mut self, office: &str, from: i64, to: i64, limit: i64) -> Result<Vec<AnnotationRecord>> {
        let sql = format!(
            "SELECT {} FROM annotations WHERE office_code = $1 AND recorded_at >= $2 AND recorded_at < $3 ORDER BY recorded_at, id LIMIT $4",
            AnnotationRow::COLUMNS
        );
        all::<AnnotationRow, _>(self, &sql, &[&office, &from, &to, &limit]).await?.iter().map(AnnotationRow::to_record).collect()
    }

    /// The people (subjects and spouses) of these entries.
    async fn entry_people(&mut self, entry_ids: &[i64]) -> Result<Vec<String>> {
        people_of(self, "entries", &["subject_jmbg", "partner_jmbg"], entry_ids).await
    }
}

impl<R: Reads + ?Sized> RegistryReads for R {}

/// Entries naming any of `jmbgs` in either of two columns (a person's numbers: one, or a
/// few after a correction of the sex or the date of birth).
async fn entries_naming<R: Reads + ?Sized>(db: &mut R, columns: [&str; 2], jmbgs: &[String]) -> Result<Vec<EntryRecord>> {
    let params: Vec<&dyn Param> = jmbgs.iter().map(|j| j as &dyn Param).collect();
    let list = placeholders(1, jmbgs.len());
    let [a, b] = columns;
    let sql = format!("SELECT {} FROM entries WHERE {a} IN ({list}) OR {b} IN ({list}) ORDER BY id", EntryRow::COLUMNS);
    all::<EntryRow, _>(db, &sql, &params).await?.iter().map(EntryRow::to_record).collect()
}

/// The replacements (old, new) that link these numbers to the other numbers of the same
/// people, however many steps away.
async fn links_of<R: Reads + ?Sized>(db: &mut R, jmbgs: &[Jmbg]) -> Result<Vec<(Jmbg, Jmbg)>> {
    let mut seen: BTreeSet<String> = jmbgs.iter().map(Jmbg::to_string).collect();
    let mut frontier: Vec<String> = seen.iter().cloned().collect();
    let mut links: BTreeSet<(String, String)> = BTreeSet::new();
    while !frontier.is_empty() {
        let mut next = Vec::new();
        for chunk in frontier.chunks(500) {
            let params: Vec<&dyn Param> = chunk.iter().map(|j| j as &dyn Param).collect();
            let list = placeholders(1, chunk.len());
            let sql = format!("SELECT old_jmbg, new_jmbg FROM jmbg_changes WHERE old_jmbg IN ({list}) OR new_jmbg IN ({list})");
            for l in all::<Link, _>(db, &sql, &params).await? {
                for j in [&l.old_jmbg, &l.new_jmbg] {
                    if seen.insert(j.clone()) {
                        next.push(j.clone());
                    }
                }
                links.insert((l.old_jmbg, l.new_jmbg));
            }
        }
        frontier = next;
    }
    let parse =
        |j: &str| Jmbg::parse(j, opcina_core::CheckMode::Lenient).map_err(|e| crate::error::StoreError::corrupt("jmbg_changes", 0, e));
    links.iter().map(|(o, n)| Ok((parse(o)?, parse(n)?))).collect()
}

/// Every number of the person this JMBG names, oldest first (the text as given when it is
/// no JMBG at all).
pub(crate) async fn numbers_of<R: Reads + ?Sized>(db: &mut R, jmbg: &str) -> Result<Vec<String>> {
    let Ok(parsed) = Jmbg::parse(jmbg, opcina_core::CheckMode::Lenient) else { return Ok(vec![jmbg.to_string()]) };
    let links = links_of(db, std::slice::from_ref(&parsed)).await?;
    Ok(chain(&parsed, &links).iter().map(Jmbg::to_string).collect())
}

/// The numbers of the person `jmbg` names, oldest first.
fn chain(jmbg: &Jmbg, links: &[(Jmbg, Jmbg)]) -> Vec<Jmbg> {
    opcina_core::registry::person::jmbg_chain(jmbg, links.iter().map(|(o, n)| (o, n)))
}

async fn annotations_of<R: Reads + ?Sized>(db: &mut R, entry_ids: &[i64]) -> Result<Vec<AnnotationRecord>> {
    let mut out = Vec::new();
    for chunk in entry_ids.chunks(1000) {
        let params: Vec<&dyn Param> = chunk.iter().map(|id| id as &dyn Param).collect();
        let sql =
            format!("SELECT {} FROM annotations WHERE entry_id IN ({}) ORDER BY id", AnnotationRow::COLUMNS, placeholders(1, chunk.len()));
        for row in all::<AnnotationRow, _>(db, &sql, &params).await? {
            out.push(row.to_record()?);
        }
    }
    out.sort_by_key(|a| a.id);
    Ok(out)
}

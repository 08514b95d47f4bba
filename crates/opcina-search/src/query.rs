//! Finding people by name in any script or spelling, with typos; or by JMBG.
//!
//! Each word of the query is folded (see `opcina_core::names::fold`) and expanded into the
//! names in the index it may mean: the same name, names one or two edits away (by word
//! length), and — for the last word, as it is being typed — names it begins. Each expansion
//! has a score: exact beats a prefix beats one typo beats two, a current name beats a former
//! one, and among equals a commoner name comes first (it is likelier what was meant).
//!
//! A person matches when every word matches one of their names. Rather than score every
//! person matching any expansion (hundreds of thousands at the scale of a country), the
//! combinations of expansions are visited best first, and each is the intersection of a few
//! posting lists, stopped as soon as enough people are found. An exact query costs one
//! intersection; a query with a typo, a few.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, HashSet};

use chrono::Datelike;
use std::ops::RangeInclusive;

use opcina_core::Jmbg;
use opcina_core::names::fold_tokens;
use opcina_core::registry::Sex;
use tantivy::postings::SegmentPostings;
use tantivy::query::FuzzyTermQuery;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, DocSet, Searcher, SegmentReader, TERMINATED, TantivyDocument, Term};

use crate::doc::PersonHit;
use crate::error::{Result, SearchError};
use crate::index::{PersonIndex, sex_term};

/// Words of a query beyond this are ignored.
const MAX_WORDS: usize = 4;
/// Expansions kept per word.
const MAX_EXPANSIONS: usize = 12;
/// Combinations of expansions visited at most.
const MAX_COMBINATIONS: usize = 64;
/// Names a prefix may expand to.
const MAX_PREFIX_TERMS: usize = 32;

/// A search for people.
#[derive(Debug, Clone, Default)]
pub struct PersonQuery {
    /// Names in any order, script or spelling; or a JMBG.
    pub text: String,
    pub limit: usize,
    pub birth_years: Option<RangeInclusive<i32>>,
    pub sex: Option<Sex>,
    /// Registry office holding the person's birth (or first) entry.
    pub office: Option<String>,
}

impl PersonQuery {
    pub fn new(text: &str, limit: usize) -> Self {
        PersonQuery { text: text.to_string(), limit, ..Default::default() }
    }
}

/// One name in the index a query word may mean.
#[derive(Debug, Clone)]
struct Expansion {
    field: Field,
    term: String,
    score: f32,
    exact: bool,
}

/// Optimal-string-alignment distance (a transposition of neighbours counts as one edit).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (d[i - 1][j] + 1).min(d[i][j - 1] + 1).min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = v;
        }
    }
    d[a.len()][b.len()]
}

/// Typos tolerated in a word of this many letters.
fn max_edits(len: usize) -> u8 {
    match len {
        0..=2 => 0,
        3..=5 => 1,
        _ => 2,
    }
}

fn level(edits: usize, prefix: bool) -> f32 {
    match (edits, prefix) {
        (0, _) => 1.0,
        (_, true) => 0.5,
        (1, _) => 0.6,
        _ => 0.35,
    }
}

#[derive(PartialEq)]
struct Combination {
    score: f32,
    picks: Vec<usize>,
}

impl Eq for Combination {}

impl PartialOrd for Combination {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Combination {
    fn cmp(&self, other: &Self) -> Ordering {
        self.score.total_cmp(&other.score).then_with(|| other.picks.cmp(&self.picks))
    }
}

impl PersonIndex {
    /// People matching the query, best first.
    pub fn search(&self, q: &PersonQuery) -> Result<Vec<PersonHit>> {
        let limit = q.limit.clamp(1, 1000);
        let compact: String = q.text.chars().filter(|c| !c.is_whitespace()).collect();
        if compact.len() == 13 && compact.chars().all(|c| c.is_ascii_digit()) {
            return Ok(self.by_jmbg_text(&compact)?.into_iter().collect());
        }
        let words: Vec<String> = fold_tokens(&q.text).into_iter().take(MAX_WORDS).collect();
        if words.is_empty() {
            return Ok(Vec::new());
        }
        let searcher = self.reader.searcher();
        let total = searcher.num_docs().max(1) as f32;
        let recent = self.recent.read().map_err(|_| SearchError::Index("index lock poisoned".into()))?;
        let mut groups = self.staged_groups(&recent.people, &words, q);
        let mut expansions = Vec::with_capacity(words.len());
        for (i, w) in words.iter().enumerate() {
            expansions.push(self.expand(&searcher, w, i + 1 == words.len(), total)?);
        }

        // Visit combinations of expansions best first.
        if expansions.iter().all(|e| !e.is_empty()) {
            let mut heap = BinaryHeap::new();
            let mut queued: HashSet<Vec<usize>> = HashSet::new();
            let first = vec![0usize; expansions.len()];
            heap.push(Combination { score: combination_score(&expansions, &first), picks: first.clone() });
            queued.insert(first);
            let mut seen: HashSet<DocAddress> = HashSet::new();
            let (mut exact_found, mut found, mut visited) = (0usize, 0usize, 0usize);
            while let Some(c) = heap.pop() {
                visited += 1;
                let picked: Vec<&Expansion> = c.picks.iter().enumerate().map(|(w, &i)| &expansions[w][i]).collect();
                let exact = picked.iter().all(|e| e.exact);
                let docs = self.matching(&searcher, &picked, q, limit, &seen)?;
                found += docs.len();
                if exact {
                    exact_found += docs.len();
                }
                seen.extend(docs.iter().copied());
                if !docs.is_empty() {
                    groups.push(Group { score: c.score, exact, members: docs.into_iter().map(Member::Indexed).collect() });
                }
                if exact_found >= limit || found >= 2 * limit || visited >= MAX_COMBINATIONS {
                    break;
                }
                for w in 0..c.picks.len() {
                    let mut next = c.picks.clone();
                    next[w] += 1;
                    if next[w] < expansions[w].len() && queued.insert(next.clone()) {
                        heap.push(Combination { score: combination_score(&expansions, &next), picks: next });
                    }
                }
            }
        }
        groups.sort_by(|a, b| b.score.total_cmp(&a.score));

        // Exact matches in full; near matches a few per spelling first, so that a query with a
        // typo shows the different names it may mean before more people of one of them.
        let cap = (limit / 3).max(2);
        let mut order: Vec<&Member> = Vec::new();
        let mut rest: Vec<&Member> = Vec::new();
        for g in &groups {
            let take = if g.exact { g.members.len() } else { cap.min(g.members.len()) };
            order.extend(&g.members[..take]);
            rest.extend(&g.members[take..]);
        }
        order.extend(rest);
        let mut hits = Vec::with_capacity(limit);
        let mut shown: HashSet<String> = HashSet::new();
        for m in order {
            if hits.len() >= limit {
                break;
            }
            let hit = match m {
                Member::Staged(h) => h.clone(),
                Member::Indexed(address) => {
                    let h = self.hit(&searcher, *address)?;
                    // A staged version of this person supersedes the committed one.
                    if recent.people.contains_key(h.jmbg.as_str()) {
                        continue;
                    }
                    h
                }
            };
            if shown.insert(hit.jmbg.to_string()) {
                hits.push(hit);
            }
        }
        Ok(hits)
    }

    /// Staged people matching every word, grouped by score as the index's would be.
    fn staged_groups(&self, staged: &HashMap<String, (PersonHit, u64)>, words: &[String], q: &PersonQuery) -> Vec<Group> {
        let mut groups: Vec<Group> = Vec::new();
        for (hit, _) in staged.values() {
            if q.sex.is_some_and(|s| s != hit.sex)
                || q.office.as_ref().is_some_and(|o| hit.registry_office.as_ref() != Some(o))
                || q.birth_years.as_ref().is_some_and(|r| !r.contains(&hit.birth_date.year()))
            {
                continue;
            }
            let current: Vec<String> = fold_tokens(&format!("{} {}", hit.given_name, hit.surname));
            let former: Vec<String> = hit.former_names.iter().flat_map(|n| fold_tokens(n)).collect();
            let mut score = 0.0;
            let mut exact = true;
            for (i, w) in words.iter().enumerate() {
                let last = i + 1 == words.len();
                let best = current
                    .iter()
                    .map(|t| word_score(w, t, last))
                    .chain(former.iter().map(|t| 0.8 * word_score(w, t, last)))
                    .fold(0.0, f32::max);
                if best <= 0.0 {
                    score = 0.0;
                    break;
                }
                score += best;
                exact &= current.iter().chain(&former).any(|t| t == w);
            }
            if score <= 0.0 {
                continue;
            }
            match groups.iter_mut().find(|g| (g.score - score).abs() < f32::EPSILON && g.exact == exact) {
                Some(g) => g.members.push(Member::Staged(hit.clone())),
                None => groups.push(Group { score, exact, members: vec![Member::Staged(hit.clone())] }),
            }
        }
        groups
    }

    /// The person with this JMBG, if indexed.
    pub fn by_jmbg(&self, jmbg: &Jmbg) -> Result<Option<PersonHit>> {
        self.by_jmbg_text(jmbg.as_str())
    }

    fn by_jmbg_text(&self, jmbg: &str) -> Result<Option<PersonHit>> {
        if let Some((hit, _)) = self.recent.read().ok().and_then(|r| r.people.get(jmbg).cloned()) {
            return Ok(Some(hit));
        }
        let searcher = self.reader.searcher();
        let term = Term::from_field_text(self.fields.jmbg, jmbg);
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(self.fields.jmbg)?;
            if let Some(mut postings) = inverted.read_postings(&term, IndexRecordOption::Basic)? {
                let mut doc = postings.doc();
                while doc != TERMINATED {
                    if !segment.is_deleted(doc) {
                        return self.hit(&searcher, DocAddress::new(ord as u32, doc)).map(Some);
                    }
                    doc = postings.advance();
                }
            }
        }
        Ok(None)
    }

    /// The names in the index a folded query word may mean, best first.
    fn expand(&self, searcher: &Searcher, word: &str, last: bool, total: f32) -> Result<Vec<Expansion>> {
        let edits = max_edits(word.chars().count());
        let mut found: HashMap<(Field, String), u64> = HashMap::new();
        for (field, _) in self.fields.name_fields() {
            for segment in searcher.segment_readers() {
                let inverted = segment.inverted_index(field)?;
                let terms = inverted.terms();
                if edits == 0 {
                    if let Some(info) = terms.get(word.as_bytes()).map_err(|e| SearchError::Index(e.to_string()))? {
                        *found.entry((field, word.to_string())).or_default() += u64::from(info.doc_freq);
                    }
                } else {
                    let automaton = FuzzyTermQuery::new(Term::from_field_text(field, word), edits, true).automaton()?;
                    let mut stream = terms.search(automaton).into_stream().map_err(|e| SearchError::Index(e.to_string()))?;
                    while stream.advance() {
                        let key = String::from_utf8_lossy(stream.key()).into_owned();
                        *found.entry((field, key)).or_default() += u64::from(stream.value().doc_freq);
                    }
                }
                if last && word.len() >= 3 {
                    let mut upper = word.as_bytes().to_vec();
                    upper.push(0xFF);
                    let mut stream =
                        terms.range().ge(word.as_bytes()).lt(&upper).into_stream().map_err(|e| SearchError::Index(e.to_string()))?;
                    let mut n = 0;
                    while stream.advance() && n < MAX_PREFIX_TERMS {
                        let key = String::from_utf8_lossy(stream.key()).into_owned();
                        *found.entry((field, key)).or_default() += u64::from(stream.value().doc_freq);
                        n += 1;
                    }
                }
            }
        }
        let weights: HashMap<Field, f32> = self.fields.name_fields().into_iter().collect();
        let mut out: Vec<Expansion> = found
            .into_iter()
            .filter(|(_, df)| *df > 0)
            .map(|((field, term), df)| {
                let distance = edit_distance(word, &term);
                let prefix = term.starts_with(word) && term.len() > word.len();
                let base = if distance <= usize::from(edits) { level(distance, false) } else { 0.0 }.max(if prefix {
                    level(1, true)
                } else {
                    0.0
                });
                // A slight preference for commoner names, never enough to outweigh an edit.
                let prior = 0.02 * ((1.0 + df as f32).ln() / (1.0 + total).ln());
                Expansion { field, score: base * weights.get(&field).copied().unwrap_or(1.0) + prior, exact: distance == 0, term }
            })
            .filter(|e| e.score > 0.02)
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score).then_with(|| a.term.cmp(&b.term)));
        out.truncate(MAX_EXPANSIONS);
        Ok(out)
    }

    /// People (not yet `seen`) having every picked name, passing the filters, at most `limit`.
    fn matching(
        &self,
        searcher: &Searcher,
        picked: &[&Expansion],
        q: &PersonQuery,
        limit: usize,
        seen: &HashSet<DocAddress>,
    ) -> Result<Vec<DocAddress>> {
        let mut out = Vec::new();
        let mut terms: Vec<Term> = picked.iter().map(|e| Term::from_field_text(e.field, &e.term)).collect();
        if let Some(sex) = q.sex {
            terms.push(Term::from_field_text(self.fields.sex, sex_term(sex)));
        }
        if let Some(office) = &q.office {
            terms.push(Term::from_field_text(self.fields.office, office));
        }
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let Some(mut postings) = postings_of(segment, &terms)? else { continue };
            let years = match &q.birth_years {
                Some(_) => Some(segment.fast_fields().i64("birth_year")?),
                None => None,
            };
            intersect(&mut postings, |doc| {
                let address = DocAddress::new(ord as u32, doc);
                if segment.is_deleted(doc) || seen.contains(&address) {
                    return true;
                }
                if let (Some(range), Some(column)) = (&q.birth_years, &years) {
                    if !column.first(doc).is_some_and(|y| range.contains(&(y as i32))) {
                        return true;
                    }
                }
                out.push(address);
                out.len() < limit
            });
            if out.len() >= limit {
                break;
            }
        }
        Ok(out)
    }

    fn hit(&self, searcher: &Searcher, address: DocAddress) -> Result<PersonHit> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let json = doc
            .get_first(self.fields.stored)
            .and_then(|v| v.as_str())
            .ok_or_else(|| SearchError::Index("a document has no stored person".into()))?;
        serde_json::from_str(json).map_err(|e| SearchError::Index(e.to_string()))
    }
}

/// A group of people matching with the same score: from the committed index, or staged.
struct Group {
    score: f32,
    exact: bool,
    members: Vec<Member>,
}

enum Member {
    Indexed(DocAddress),
    Staged(PersonHit),
}

/// How well a query word matches one name token (the index's expansion scores).
fn word_score(word: &str, token: &str, last: bool) -> f32 {
    let edits = max_edits(word.chars().count());
    let distance = edit_distance(word, token);
    let fuzzy = if distance <= usize::from(edits) { level(distance, false) } else { 0.0 };
    let prefix = if last && word.len() >= 3 && token.starts_with(word) && token.len() > word.len() { level(1, true) } else { 0.0 };
    fuzzy.max(prefix)
}

fn combination_score(expansions: &[Vec<Expansion>], picks: &[usize]) -> f32 {
    picks.iter().enumerate().map(|(w, &i)| expansions[w][i].score).sum()
}

/// The postings of every term in a segment, shortest first; `None` when a term is absent.
fn postings_of(segment: &SegmentReader, terms: &[Term]) -> Result<Option<Vec<SegmentPostings>>> {
    let mut lists = Vec::with_capacity(terms.len());
    for term in terms {
        let inverted = segment.inverted_index(term.field())?;
        match inverted.read_postings(term, IndexRecordOption::Basic)? {
            Some(p) => lists.push(p),
            None => return Ok(None),
        }
    }
    lists.sort_by_key(|p| p.doc_freq());
    Ok(Some(lists))
}

/// Calls `on_doc` for each document in all the lists, in order, while it returns true.
fn intersect(lists: &mut [SegmentPostings], mut on_doc: impl FnMut(DocId) -> bool) {
    let Some((first, others)) = lists.split_first_mut() else { return };
    let mut candidate = first.doc();
    'outer: while candidate != TERMINATED {
        for other in others.iter_mut() {
            let d = if other.doc() < candidate { other.seek(candidate) } else { other.doc() };
            if d > candidate {
                candidate = first.seek(d);
                continue 'outer;
            }
        }
        if !on_doc(candidate) {
            return;
        }
        candidate = first.advance();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_transpositions_once() {
        assert_eq!(edit_distance("dordevic", "dordevic"), 0);
        assert_eq!(edit_distance("dordevc", "dordevic"), 1);
        assert_eq!(edit_distance("odrdevic", "dordevic"), 1);
        assert_eq!(edit_distance("hodzic", "hadzic"), 1);
        assert_eq!(edit_distance("marko", "mirza"), 3);
    }
}

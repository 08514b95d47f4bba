//! Person search: spellings, scripts, typos, filters, JMBG; and the index following the
//! registers on SQLite and PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use opcina_core::registry::Sex;
use opcina_core::{CheckMode, Jmbg};
use opcina_search::indexer::{catch_up, rebuild, wait_for};
use opcina_search::{PersonHit, PersonIndex, PersonQuery};
use opcina_testkit::{Kakanj, backend_test, date};

fn person(serial: u16, given: &str, surname: &str, sex: Sex, born: NaiveDate, office: &str) -> PersonHit {
    let jmbg = (serial..serial + 20).find_map(|s| Jmbg::compose(born, 19, s, CheckMode::Strict)).unwrap();
    PersonHit {
        jmbg,
        former_jmbgs: vec![],
        given_name: given.into(),
        surname: surname.into(),
        former_names: vec![],
        sex,
        birth_date: born,
        birth_place: Some("Kakanj, Bosna i Hercegovina".into()),
        registry_office: Some(office.into()),
        alive: true,
        death_date: None,
    }
}

fn sample() -> (PersonIndex, Vec<PersonHit>) {
    let index = PersonIndex::in_memory(20_000_000, 1).unwrap();
    let mut people = vec![
        person(1, "Marko", "Đorđević", Sex::Male, date(1980, 1, 1), "KAK"),
        person(2, "Marko", "Đorđevac", Sex::Male, date(1981, 1, 1), "KAK"),
        person(500, "Ljubica", "Njegovan", Sex::Female, date(1990, 5, 5), "KSU"),
        person(3, "Džemal", "Hodžić", Sex::Male, date(1975, 3, 3), "BRN"),
        person(501, "Amra", "Hodžić", Sex::Female, date(1978, 4, 4), "KAK"),
        person(4, "Emir", "Hadžić", Sex::Male, date(2001, 2, 2), "BIL"),
        person(502, "Ана", "Јовановић", Sex::Female, date(1965, 6, 6), "KAK"),
    ];
    let mut married = person(503, "Selma", "Begić", Sex::Female, date(1988, 8, 8), "KAK");
    married.former_names = vec!["Selma Pašić".into()];
    people.push(married);
    // Many namesakes of one common name.
    for i in 0..30u16 {
        people.push(person(10 + i * 3, "Adnan", "Mehić", Sex::Male, date(1990, 1, 1) + chrono::Duration::days(i64::from(i)), "KAK"));
    }
    index.apply(&people, 1).unwrap();
    (index, people)
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { failure_persistence: None, ..Default::default() })]
    /// Fuzzing (`PROPTEST_CASES` bounds the run): whatever is typed in the search box —
    /// names in both scripts with typos and years, JMBG-like digits, punctuation, query
    /// syntax, any text — is answered within the limit, never an error or a panic.
    #[test]
    fn fuzz_person_query(
        text in proptest::prop_oneof![
            "[A-Za-zčćžšđČĆŽŠĐ]{1,12}( [A-Za-zčćžšđ]{1,12}){0,3}( (19|20)[0-9]{2})?",
            "[ЉЊЂЋЏА-Яа-я]{1,10}( [а-я]{1,10})?",
            "[0-9]{1,14}",
            "[-+*?~^:()\\[\\]{}\"'!&|/ a-z0-9]{0,30}",
            "\\PC{0,40}",
            proptest::prelude::any::<String>(),
        ],
        limit in 1usize..50,
        years in proptest::option::of((1900i32..2030, 0i32..30)),
    ) {
        let (index, _) = FUZZ_INDEX.get_or_init(sample);
        let mut q = PersonQuery::new(&text, limit);
        q.birth_years = years.map(|(from, span)| from..=from + span);
        let found = index.search(&q);
        proptest::prop_assert!(found.is_ok(), "{text:?}: {:?}", found.err());
        proptest::prop_assert!(found.unwrap_or_default().len() <= limit);
    }
}

/// One index for every fuzzed query.
static FUZZ_INDEX: std::sync::OnceLock<(PersonIndex, Vec<PersonHit>)> = std::sync::OnceLock::new();

fn names(index: &PersonIndex, q: &str) -> Vec<String> {
    index.search(&PersonQuery::new(q, 10)).unwrap().into_iter().map(|h| format!("{} {}", h.given_name, h.surname)).collect()
}

#[test]
fn djordjevic_is_found_in_every_spelling_and_script_and_with_a_typo() {
    let (index, _) = sample();
    for q in ["Đorđević", "djordjevic", "Dordevic", "ЂОРЂЕВИЋ", "Đorđevć", "marko djordjevic", "dordjevic marko"] {
        let found = names(&index, q);
        assert!(found.contains(&"Marko Đorđević".to_string()), "{q}: {found:?}");
    }
    // The exact spelling ranks before the similar name.
    assert_eq!(names(&index, "Đorđević").first().map(String::as_str), Some("Marko Đorđević"));
    assert_eq!(names(&index, "Marko Đorđevac").first().map(String::as_str), Some("Marko Đorđevac"));
}

#[test]
fn cyrillic_registered_names_are_found_from_latin() {
    let (index, _) = sample();
    assert_eq!(names(&index, "ana jovanovic"), vec!["Ана Јовановић"]);
    assert_eq!(names(&index, "Љубица"), vec!["Ljubica Njegovan"]);
}

#[test]
fn a_married_woman_is_found_by_her_maiden_name() {
    let (index, _) = sample();
    assert_eq!(names(&index, "selma pasic"), vec!["Selma Begić"]);
}

#[test]
fn every_word_must_match() {
    let (index, _) = sample();
    assert_eq!(names(&index, "amra hodzic"), vec!["Amra Hodžić"]);
    assert!(names(&index, "amra djordjevic").is_empty());
}

#[test]
fn filters_narrow_by_year_sex_and_office() {
    let (index, _) = sample();
    let q = |sex, office: Option<&str>, years: Option<std::ops::RangeInclusive<i32>>| {
        let mut q = PersonQuery::new("hodzic", 10);
        q.sex = sex;
        q.office = office.map(str::to_string);
        q.birth_years = years;
        index.search(&q).unwrap().into_iter().map(|h| h.given_name).collect::<Vec<_>>()
    };
    assert_eq!(q(Some(Sex::Female), None, None), vec!["Amra"]);
    assert_eq!(q(None, Some("BRN"), None), vec!["Džemal"]);
    assert_eq!(q(None, None, Some(1978..=1978)), vec!["Amra"]);
}

#[test]
fn the_limit_holds_and_namesakes_fill_it() {
    let (index, _) = sample();
    assert_eq!(names(&index, "adnan mehic").len(), 10);
    let all = index.search(&PersonQuery::new("adnan mehic", 100)).unwrap();
    assert_eq!(all.len(), 30);
}

#[test]
fn a_jmbg_finds_exactly_its_person() {
    let (index, people) = sample();
    let target = &people[3];
    let found = index.search(&PersonQuery::new(target.jmbg.as_str(), 10)).unwrap();
    assert_eq!(found, vec![target.clone()]);
    assert_eq!(index.by_jmbg(&target.jmbg).unwrap().as_ref(), Some(target));
}

#[test]
fn updating_a_person_replaces_their_document() {
    let (index, people) = sample();
    let mut renamed = people[4].clone();
    renamed.surname = "Kovač".into();
    index.apply(&[renamed.clone()], 2).unwrap();
    assert_eq!(index.watermark(), 2);
    assert_eq!(names(&index, "amra kovac"), vec!["Amra Kovač"]);
    assert!(names(&index, "amra hodzic").is_empty());
    assert_eq!(index.len() as usize, people.len());
}

#[test]
fn staged_people_are_searchable_before_the_commit_and_supersede_their_old_documents() {
    let (index, people) = sample();
    let mut renamed = people[4].clone();
    renamed.surname = "Kovač".into();
    let newcomer = person(600, "Nejra", "Ćatić", Sex::Female, date(2024, 1, 1), "KSU");
    index.stage(&[renamed.clone(), newcomer.clone()], 5).unwrap();
    assert_eq!((index.committed(), index.watermark(), index.staged()), (1, 5, 2));
    assert_eq!(names(&index, "amra kovac"), vec!["Amra Kovač"]);
    assert!(names(&index, "amra hodzic").is_empty(), "the committed document is superseded");
    assert_eq!(names(&index, "nejra catic"), vec!["Nejra Ćatić"]);
    assert_eq!(names(&index, "nejra catc"), vec!["Nejra Ćatić"], "typos work on staged people too");
    assert_eq!(index.by_jmbg(&newcomer.jmbg).unwrap(), Some(newcomer.clone()));
    let mut q = PersonQuery::new("nejra", 10);
    q.office = Some("KAK".into());
    assert!(index.search(&q).unwrap().is_empty(), "filters apply to staged people");
    assert_eq!(index.commit_staged().unwrap(), 0);
    assert_eq!((index.committed(), index.staged()), (5, 0));
    assert_eq!(names(&index, "amra kovac"), vec!["Amra Kovač"]);
    assert_eq!(names(&index, "nejra catic"), vec!["Nejra Ćatić"]);
    assert!(names(&index, "amra hodzic").is_empty());
}

mod registers {
    use super::*;

    use opcina_testkit::commands::*;

    backend_test! {
        async fn a_registration_is_searchable_once_indexed_and_a_rebuild_finds_everyone(db: TestDb) {
            let k = Kakanj::set_up(&db).await;
            let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
            let _task = opcina_search::indexer::spawn(Arc::clone(&index), k.store.clone());
            let (s, r) = (&k.store, &k.registrar);
            let him = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
            let her = born(s, r, "Selma", "Pašić", Sex::Female, date(1991, 3, 3)).await;
            let applied = ok(s, r, marriage(&him, "Begić", &her, "Begić", date(2015, 5, 10))).await;
            let seq = applied.annotations.last().unwrap().id;
            assert!(wait_for(&index, seq, Duration::from_secs(10)).await, "indexed within 10 s");
            let hits = index.search(&PersonQuery::new("selma begic", 10)).unwrap();
            assert_eq!(hits.iter().map(|h| h.jmbg.clone()).collect::<Vec<_>>(), vec![her.clone()]);
            assert_eq!(hits[0].former_names, vec!["Selma Pašić".to_string()]);
            assert_eq!(index.search(&PersonQuery::new("selma pasic", 10)).unwrap().len(), 1);

            // A fresh index is rebuilt from the database.
            let fresh = Arc::new(PersonIndex::in_memory(20_000_000, 1).unwrap());
            let n = rebuild(&fresh, k.store.raw(), &|_| {}).await.unwrap();
            assert_eq!(n, 2);
            assert_eq!(fresh.watermark(), k.store.raw().journal_head().await.unwrap().seq);
            assert_eq!(fresh.search(&PersonQuery::new("emir begic", 10)).unwrap()[0].jmbg, him);
            // Catching up with nothing new changes nothing.
            assert_eq!(catch_up(&fresh, k.store.raw()).await.unwrap(), 0);
        }
    }

    backend_test! {
        /// A corrected date of birth replaces the JMBG: the person is found once, under the
        /// new number, by name and by either number, before and after the index commits.
        async fn a_replaced_jmbg_finds_the_person_under_the_new_one(db: TestDb) {
            let k = Kakanj::set_up(&db).await;
            let index = Arc::new(PersonIndex::open(&db.scratch().join("index"), 20_000_000, 1).unwrap());
            let (s, r) = (&k.store, &k.registrar);
            let old = born(s, r, "Nedim", "Alić", Sex::Male, date(1992, 4, 4)).await;
            catch_up(&index, s.raw()).await.unwrap();
            opcina_search::indexer::commit(&index).await.unwrap();
            let new = correct_identity(s, r, &old, Sex::Male, date(1992, 3, 14), date(2024, 3, 1)).await;
            for committed in [false, true] {
                if committed {
                    opcina_search::indexer::commit(&index).await.unwrap();
                } else {
                    catch_up(&index, s.raw()).await.unwrap();
                }
                let by_name = index.search(&PersonQuery::new("nedim alic", 10)).unwrap();
                assert_eq!(by_name.iter().map(|h| h.jmbg.clone()).collect::<Vec<_>>(), vec![new.clone()], "committed: {committed}");
                assert_eq!(by_name[0].former_jmbgs, vec![old.clone()]);
                assert_eq!(by_name[0].birth_date, date(1992, 3, 14));
                for asked in [&old, &new] {
                    assert_eq!(index.by_jmbg(asked).unwrap().map(|h| h.jmbg), Some(new.clone()), "by {asked}, committed: {committed}");
                    let found = index.search(&PersonQuery::new(asked.as_str(), 10)).unwrap();
                    assert_eq!(found.iter().map(|h| h.jmbg.clone()).collect::<Vec<_>>(), vec![new.clone()], "by {asked}");
                }
            }
            // A rebuild indexes the person once.
            let fresh = Arc::new(PersonIndex::in_memory(20_000_000, 1).unwrap());
            rebuild(&fresh, s.raw(), &|_| {}).await.unwrap();
            assert_eq!(fresh.search(&PersonQuery::new("nedim alic", 10)).unwrap().len(), 1);
            assert_eq!(fresh.by_jmbg(&old).unwrap().map(|h| h.jmbg), Some(new));
        }
    }
}

mod on_disk {
    use super::*;

    use opcina_testkit::TestDb;
    use opcina_testkit::commands::*;

    /// Directories next to `dir` an unreadable index was moved to.
    fn set_aside(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let prefix = format!("{}.unreadable-", dir.file_name().unwrap().to_string_lossy());
        std::fs::read_dir(dir.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with(&prefix))
            .collect()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_current_index_is_kept_and_an_unreadable_one_is_moved_aside_and_built_anew() {
        let db = TestDb::sqlite().await;
        let k = Kakanj::set_up(&db).await;
        let (s, r) = (&k.store, &k.registrar);
        let him = born(s, r, "Emir", "Begić", Sex::Male, date(1990, 2, 2)).await;
        let head = s.raw().journal_head().await.unwrap().seq;
        let dir = db.scratch().join("index");

        // A new index, reopened before anything was added, is this version's: kept.
        drop(PersonIndex::open(&dir, 20_000_000, 1).unwrap());
        std::fs::write(dir.join("kept"), "").unwrap();
        let index = Arc::new(PersonIndex::open(&dir, 20_000_000, 1).unwrap());
        assert!(dir.join("kept").exists(), "a current index was rebuilt");
        rebuild(&index, s.raw(), &|_| {}).await.unwrap();
        drop(index);
        let index = PersonIndex::open(&dir, 20_000_000, 1).unwrap();
        assert_eq!(index.watermark(), head);
        assert!(dir.join("kept").exists());
        drop(index);

        // Every segment file cut in half, as a full disk or an interrupted copy leaves them.
        let mut cut = 0;
        for file in std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()) {
            let ext = file.extension().map(|e| e.to_string_lossy().into_owned()).unwrap_or_default();
            if ["idx", "term", "store", "pos", "fast", "fieldnorm"].contains(&ext.as_str()) {
                let len = std::fs::metadata(&file).unwrap().len();
                std::fs::OpenOptions::new().write(true).open(&file).unwrap().set_len(len / 2).unwrap();
                cut += 1;
            }
        }
        assert!(cut > 0, "no segment files in {}", dir.display());
        let index = Arc::new(PersonIndex::open(&dir, 20_000_000, 1).expect("an unreadable index does not stop the node"));
        assert_eq!(index.watermark(), 0, "built anew");
        assert_eq!(set_aside(&dir).len(), 1, "the unreadable index is kept aside for the operator");
        catch_up(&index, s.raw()).await.unwrap();
        assert_eq!(index.search(&PersonQuery::new("emir begic", 10)).unwrap()[0].jmbg, him);
        drop(index);

        // Files that are not an index at all.
        std::fs::write(dir.join("meta.json"), "{ not an index").unwrap();
        let index = PersonIndex::open(&dir, 20_000_000, 1).expect("a foreign directory does not stop the node");
        assert_eq!(index.watermark(), 0);
        assert_eq!(set_aside(&dir).len(), 2);
    }
}

//! `opcina demo`: Općina Kakanj with its four registry offices and a synthetic population,
//! served at once. The first run creates the demo directory (database, index, keys,
//! configuration, accounts); later runs reuse it.

use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::Args;
use opcina_core::registry::Role;
use opcina_store::admin::UserSpec;
use serde::{Deserialize, Serialize};

use super::admin::operator;
use super::serve::serve;
use crate::Database;
use opcina_web::mail::MailSettings;

#[derive(Args, Clone)]
pub struct DemoArgs {
    /// Directory of the demo node.
    #[arg(long, default_value = "opcina-demo")]
    pub dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// People born in the municipality (only when the directory is created).
    #[arg(long, default_value_t = 40_000)]
    pub persons: usize,
    /// Seed of the synthetic population.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Three municipalities in a federation — Kakanj, Zenica and Centar Sarajevo — on
    /// consecutive ports from --addr, with a signed directory (in DIR, default
    /// opcina-demo-federation).
    #[arg(long)]
    pub federation: bool,
}

/// A demo account and its API token (kept in the demo directory: synthetic data only).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Account {
    pub(crate) username: String,
    pub(crate) role: String,
    pub(crate) office: Option<String>,
    pub(crate) what: String,
    /// The password for the web application (demos made before it existed get one on reuse).
    #[serde(default)]
    pub(crate) password: String,
    pub(crate) token: String,
}

#[derive(Debug, Serialize, Deserialize)]
pub(crate) struct Accounts {
    pub(crate) account: Vec<Account>,
}

const ACCOUNTS: [(&str, Role, Option<&str>, &str); 14] = [
    ("maticar", Role::Registrar, Some("KAK"), "matičar, Centar za usluge Kakanj"),
    ("maticar.ksu", Role::Registrar, Some("KSU"), "matičar, Kraljeva Sutjeska"),
    ("maticar.brn", Role::Registrar, Some("BRN"), "matičar, Brnjica"),
    ("maticar.bil", Role::Registrar, Some("BIL"), "matičar, Bilješevo"),
    ("salter", Role::CounterClerk, Some("KAK"), "šalter, Centar za usluge Kakanj"),
    ("salter.ksu", Role::CounterClerk, Some("KSU"), "šalter, Kraljeva Sutjeska"),
    ("sluzbenik", Role::Official, Some("KAK"), "službenik, Služba za opću upravu (predmeti)"),
    ("urbanista", Role::Official, Some("KAK"), "službenik, Služba za prostorno uređenje (predmeti)"),
    ("komunalac", Role::Official, Some("KAK"), "službenik, Služba za stambeno-komunalne poslove (komunalne prijave)"),
    ("urednik", Role::Editor, None, "urednik web stranice (redakcija)"),
    ("pr", Role::PressOfficer, None, "odnosi s javnošću (redakcija)"),
    ("kabinet", Role::Approver, None, "šef kabineta, odobrava objave (redakcija)"),
    ("revizor", Role::Auditor, None, "revizor (dnevnik i pristupi)"),
    ("admin", Role::Admin, None, "administrator"),
];

/// Whom the demo node's e-mail comes from.
const DEMO_FROM: &str = "Općina Kakanj <portal@kakanj.example>";

pub async fn run(a: DemoArgs) -> anyhow::Result<ExitCode> {
    if a.federation {
        return super::demo_federation::run(a).await;
    }
    let started = Instant::now();
    let (store, fresh) = open_node_dir(&a.dir).await?;
    let accounts = if fresh {
        println!("Creating the demo node of Općina Kakanj in {} ({} people) …", a.dir.display(), a.persons);
        let accounts = create(&store, &a, None).await?;
        write_private(&a.dir.join(ACCOUNTS_FILE), &toml::to_string(&accounts)?)?;
        let config = format!(
            "# opcina node configuration (demo). Serve it with: opcina serve --config {}\ndatabase = \"sqlite://opcina.db\"\nindex = \"index\"\naddr = \"{}\"\nsigning_key = \"keys/node.key\"\n\n# No relay in the demo: messages are written as .eml files into this directory.\n[mail]\ndirectory = \"mail\"\nfrom = \"{DEMO_FROM}\"\n",
            a.dir.join("opcina.toml").display(),
            a.addr
        );
        std::fs::write(a.dir.join("opcina.toml"), config)?;
        accounts
    } else {
        println!("Reusing the demo node in {} (delete it to start afresh).", a.dir.display());
        reuse_accounts(&store, &a.dir).await?
    };
    let listener = tokio::net::TcpListener::bind(a.addr)
        .await
        .with_context(|| format!("cannot listen on {} (is another demo running? use --addr)", a.addr))?;
    let people = store.raw().journal_head().await?.seq;
    let index_dir = a.dir.join("index");
    store.set_files(opcina_store::files::Files::local(&a.dir.join("files"))?);
    let announce = Box::new(move |addr: SocketAddr| {
        print_welcome(addr, &accounts, started, people);
    });
    let public_url = format!("http://{}", a.addr);
    let seal = super::serve::load_seal(&store, &a.dir.join("keys/node.key"), &public_url).await?;
    let mail = MailSettings { relay: None, directory: Some(a.dir.join("mail")), from: DEMO_FROM.into() };
    let mail = super::serve::mailer(&mail, &public_url)?;
    println!(
        "E-mail (links that open citizens' accounts, press releases to the media list) is written to {} as .eml files.",
        mail.describe()
    );
    let options = super::serve::Options { http: Default::default(), mail: Some(mail), public_url };
    serve(store, &index_dir, listener, Some(seal), None, options, Some(announce)).await?;
    Ok(ExitCode::SUCCESS)
}

/// Creates Kakanj's demo node; `block` is its share of region 19's JMBG serials when other
/// nodes of the region run beside it (the federation demo).
pub(crate) async fn create(
    store: &opcina_store::Store,
    a: &DemoArgs,
    block: Option<opcina_core::jmbg::SerialBlock>,
) -> anyhow::Result<Accounts> {
    let (node, offices) = opcina_store::presets::kakanj();
    let admin = operator();
    store.init_node(&admin, &node, &offices).await?;
    if let Some(block) = block {
        store.set_jmbg_block(&admin, block, DEMO_BLOCK_BASIS).await?;
    }
    let accounts =
        add_accounts(store, ACCOUNTS.iter().map(|&(u, role, office, what)| (u, role, office.map(str::to_string), what.to_string())))
            .await?;
    keys_and_fees(store, &a.dir).await?;
    let mut docflow = opcina_store::presets::kakanj_docflow();
    docflow.staff = vec![("sluzbenik".into(), "01/1".into()), ("urbanista".into(), "04".into()), ("komunalac".into(), "05".into())];
    store.docflow_setup(&admin, &docflow).await?.map_err(|r| anyhow::anyhow!("document flow set-up refused: {r}"))?;
    let written = Instant::now();
    let w = seed_website(store).await?;
    println!(
        "  website: {} published, {} under embargo, {} in review, {} drafts ({:.1} s)",
        w[0],
        w[1],
        w[2],
        w[3],
        written.elapsed().as_secs_f64()
    );
    let written = Instant::now();
    let c = seed_conversation(store, &format!("http://{}", a.addr)).await?;
    println!(
        "  citizens: {} messages answered, {} waiting; journalists: {} questions replied to, {} waiting, {} accreditations; requests for information: {} decided, {} waiting; {} reports of communal problems, {} open, in {} local communities ({:.1} s)",
        c.answered,
        c.waiting,
        c.press_answered,
        c.press_waiting,
        c.accreditations,
        c.information_decided,
        c.information_waiting,
        c.reports,
        c.open,
        c.places,
        written.elapsed().as_secs_f64()
    );
    let seeded = Instant::now();
    let p = super::data::seed_store(store, a.persons, a.seed).await?;
    println!(
        "  population: {} births, {} marriages, {} divorces, {} deaths, {} name changes, {} corrections ({:.1} s)",
        p.births,
        p.marriages,
        p.divorces,
        p.deaths,
        p.name_changes,
        p.corrections,
        seeded.elapsed().as_secs_f64()
    );
    let indexed = Instant::now();
    let n = super::data::rebuild(store, &a.dir.join("index")).await?;
    println!("  search index: {n} people ({:.1} s)", indexed.elapsed().as_secs_f64());
    Ok(accounts)
}

/// Writes the demo's website through the newsroom's use cases, as its editors would: each
/// piece written by the editor, submitted, approved by the head of the mayor's office and
/// published by the PR officer (or left on the way); the media list of thirty outlets, and
/// the pieces marked as press releases sent to it (the node's press sender writes their
/// messages once each piece is visible, into the demo's mail directory). Returns how many were published, put
/// under embargo, left in review and left as drafts.
pub(crate) async fn seed_website(store: &opcina_store::Store) -> anyhow::Result<[usize; 4]> {
    use opcina_core::publicinfo::piece::PieceAction;
    use opcina_store::publicinfo::PieceOp;
    use opcina_synthetic::website::Plan;
    let actor = |username: &str, role: Role| opcina_core::registry::Actor { username: username.into(), role, office: None };
    let (editor, press, approver) = (actor("urednik", Role::Editor), actor("pr", Role::PressOfficer), actor("kabinet", Role::Approver));
    let refused = |what: &str, r: opcina_core::Refusal| anyhow::anyhow!("the demo's website: {what} refused: {r}");
    for contact in opcina_synthetic::website::media_list() {
        store.add_media_contact(&press, contact).await?.map_err(|r| refused("a contact of the media list", r))?;
    }
    let mut counts = [0; 4];
    for piece in opcina_synthetic::website::pieces(store.today()) {
        let release = piece.press;
        let mut texts = piece.texts.into_iter();
        let Some(first) = texts.next() else { continue };
        let done =
            store.piece(&editor, PieceOp::Create { facts: piece.facts, text: first }).await?.map_err(|r| refused("a new piece", r))?;
        let id = done.piece.id;
        for text in texts {
            store
                .piece(&editor, PieceOp::Save { piece_id: id, facts: None, text: Some(text), reason: String::new() })
                .await?
                .map_err(|r| refused("a translation", r))?;
        }
        let step = |who: opcina_core::registry::Actor, action: PieceAction, at: Option<opcina_core::registry::Timestamp>| {
            let store = store.clone();
            async move {
                store
                    .piece(&who, PieceOp::Step { piece_id: id, action, reason: String::new(), publish_at: at })
                    .await?
                    .map_err(|r| refused(action.as_str(), r))
            }
        };
        if piece.plan == Plan::Draft {
            counts[3] += 1;
            continue;
        }
        step(editor.clone(), PieceAction::Submit, None).await?;
        if piece.plan == Plan::InReview {
            counts[2] += 1;
            continue;
        }
        step(approver.clone(), PieceAction::Approve, None).await?;
        let at = match piece.plan {
            Plan::Embargoed(hours) => Some(opcina_core::registry::Timestamp(store.now().0 + i64::from(hours) * 3_600_000_000)),
            _ => None,
        };
        step(press.clone(), PieceAction::Publish, at).await?;
        if release {
            store.distribute(&press, id, "").await?.map_err(|r| refused("a press release", r))?;
        }
        counts[if at.is_some() { 1 } else { 0 }] += 1;
    }
    Ok(counts)
}

/// What [`seed_conversation`] wrote.
pub(crate) struct Conversation {
    answered: usize,
    waiting: usize,
    press_answered: usize,
    press_waiting: usize,
    accreditations: usize,
    information_decided: usize,
    information_waiting: usize,
    reports: usize,
    open: usize,
    places: usize,
}

/// Writes the citizens' side of the demo through the same use cases as the website: messages
/// to the units (some answered by them, by e-mail), journalists' questions (given to the
/// units by the PR officer, some replied to), reports of communal problems routed to
/// the communal unit (and the mayor's office for the rest) and moved on by its official, and
/// the Open311 key of a mobile application (printed, as the administrator would hand it
/// over). `public_url` is the node's address in the letters.
pub(crate) async fn seed_conversation(store: &opcina_store::Store, public_url: &str) -> anyhow::Result<Conversation> {
    use opcina_store::publicinfo_reports::Channel;
    let refused = |what: &str, r: opcina_core::Refusal| anyhow::anyhow!("the demo's citizens: {what} refused: {r}");
    let admin = operator();
    let public_url = public_url.to_string();
    let municipality = store.node_if_set_up().await?.map(|n| n.municipality).unwrap_or_default();
    let actor =
        |username: &str| opcina_core::registry::Actor { username: username.into(), role: Role::Official, office: Some("KAK".into()) };
    let mut done = Conversation {
        answered: 0,
        waiting: 0,
        press_answered: 0,
        press_waiting: 0,
        accreditations: 0,
        information_decided: 0,
        information_waiting: 0,
        reports: 0,
        open: 0,
        places: 0,
    };
    let units = store.docflow_config().await?;
    let pr = opcina_core::registry::Actor { username: "pr".into(), role: Role::PressOfficer, office: None };
    for m in opcina_synthetic::website::messages() {
        let unit = m.fields.unit.clone();
        let (row, _) = store.send_message(m.fields, "bs").await?.map_err(|r| refused("a message", r))?;
        let Some(answer) = m.answer else {
            done.waiting += 1;
            continue;
        };
        let official = units.staff.iter().find(|s| s.unit_code == unit).map(|s| actor(&s.username));
        let by = official.unwrap_or_else(|| pr.clone());
        let letter = opcina_web::ui::messages::answer_letter(public_url.clone(), municipality.clone());
        store.answer_message(&by, row.id, answer, letter).await?.map_err(|r| refused("an answer", r))?;
        done.answered += 1;
    }
    let desk_staff = store.desk_staff().await?;
    // The questions came in over the past days (the store's day is set back while they are
    // written, as when a history is generated), so the desk has one overdue and one late reply.
    let today = store.today();
    let calendar = opcina_core::docflow::deadline::Calendar::fbih();
    for q in opcina_synthetic::website::press_questions() {
        let mut received = today;
        for _ in 0..q.days_ago {
            received -= chrono::Duration::days(1);
            while !calendar.working(received) {
                received -= chrono::Duration::days(1);
            }
        }
        store.set_today(Some(received));
        let row = store.ask_press(q.fields, q.language).await?.map_err(|r| refused("a journalist's question", r))?;
        let Some(unit) = q.unit else {
            done.press_waiting += 1;
            continue;
        };
        let official = desk_staff.iter().find(|u| u.code == unit).and_then(|u| u.officials.first().cloned()).unwrap_or_default();
        store.assign_question(&pr, row.id, unit, &official).await?.map_err(|r| refused("an assignment", r))?;
        let Some(reply) = q.reply else {
            done.press_waiting += 1;
            continue;
        };
        let by = if official.is_empty() { pr.clone() } else { actor(&official) };
        let letter = opcina_web::ui::desk::reply_letter(municipality.clone());
        store.set_today(Some(calendar.after_working_days(received, q.replied_after).min(today)));
        store.reply_question(&by, row.id, reply, letter).await?.map_err(|r| refused("a reply", r))?;
        done.press_answered += 1;
    }
    store.set_today(None);
    // Requests for information, registered over the past weeks: the registry office hands
    // each to the unit, whose official decides most of them; two wait, one past its term.
    let clerk = opcina_core::registry::Actor { username: "salter".into(), role: Role::CounterClerk, office: Some("KAK".into()) };
    for r in opcina_synthetic::website::information_requests() {
        let received = today - chrono::Days::new(r.days_ago);
        store.set_today(Some(received));
        let registered = store.request_information(&r.fields, r.language).await?.map_err(|e| refused("a request for information", e))?;
        let hand_over =
            opcina_core::docflow::case::CaseAction::HandOver { unit: "01/1".into(), official: Some("sluzbenik".into()), note: None };
        let op = opcina_store::docflow::DocOp::Step { case_id: registered.case.id, action: Box::new(hand_over) };
        store.docflow(&clerk, op).await?.map_err(|e| refused("a hand-over", e))?;
        let Some(decision) = r.decision else {
            done.information_waiting += 1;
            continue;
        };
        store.set_today(Some(received + chrono::Days::new(r.decided_after)));
        let letter = opcina_web::ui::information::decision_letter(municipality.clone());
        store.decide_information(&actor("sluzbenik"), registered.case.id, decision, letter).await?.map_err(|e| refused("a decision", e))?;
        done.information_decided += 1;
    }
    store.set_today(None);
    // Accreditations: the local radio's for the year (granted), a portal's for the next
    // council session (waiting for the PR officer).
    let session = (today + chrono::Duration::days(3)).format("%Y-%m-%d").to_string();
    let accreditations = [
        ("Radio Kakanj", "Amel Begić", "amel.begic@radiokakanj.example", "year", "", "", true),
        ("Kakanjski portal", "Amra Delić", "amra.delic@portal.example", "event", "Sjednica Općinskog vijeća", session.as_str(), false),
    ];
    for (outlet, name, email, kind, event, event_on, grant) in accreditations {
        let fields = opcina_core::publicinfo::desk::AccreditationFields {
            outlet: outlet.into(),
            name: name.into(),
            email: email.into(),
            kind: kind.into(),
            event: event.into(),
            event_on: event_on.into(),
        };
        let row = store.request_accreditation(fields, "bs").await?.map_err(|r| refused("an accreditation", r))?;
        if grant {
            let letter = opcina_web::ui::desk::accreditation_letter(municipality.clone());
            let granted = opcina_core::publicinfo::desk::AccreditationState::Granted;
            store.decide_accreditation(&pr, row.id, granted, "", letter).await?.map_err(|r| refused("a decision", r))?;
        }
        done.accreditations += 1;
    }
    for category in opcina_core::publicinfo::report::CATEGORIES {
        let unit = if category.code == "other" { "01/1" } else { "05" };
        store.route_reports(&admin, category.code, "", unit).await?.map_err(|r| refused("a route", r))?;
    }
    let mut places = std::collections::BTreeSet::new();
    let komunalac = actor("komunalac");
    for r in opcina_synthetic::website::reports() {
        places.insert(r.fields.local_community.clone());
        let letter = opcina_web::ui::reports::change_letter(public_url.clone(), municipality.clone());
        let (row, _) = store
            .report_problem(&opcina_core::registry::Actor::system("portal"), Channel::Web, r.fields, "bs", Some(letter))
            .await?
            .map_err(|e| refused("a report", e))?;
        let mut closed = false;
        for (state, note, body) in r.steps {
            let change = opcina_core::publicinfo::report::ReportChange { state: state.into(), note: note.into(), body: body.into() };
            let by = if row.unit_code == "05" { komunalac.clone() } else { pr.clone() };
            let letter = opcina_web::ui::reports::change_letter(public_url.clone(), municipality.clone());
            let file = store.change_report(&by, row.id, change, letter).await?.map_err(|e| refused("a change to a report", e))?;
            closed = file.report.state.is_closed();
        }
        done.reports += 1;
        done.open += usize::from(!closed);
    }
    done.places = places.len();
    let (_, key) = store.add_open311_client(&admin, "Mobilna aplikacija (demo)").await?.map_err(|r| refused("an Open311 client", r))?;
    println!("  Open311 GeoReport v2 at /open311/v2/discovery.xml; the API key of the demo's mobile application: {key}");
    Ok(done)
}

/// The basis the demo's nodes record for their blocks of JMBG serials.
pub(crate) const DEMO_BLOCK_BASIS: &str = "demo: the federation's directory gives each member of a region its block";

/// Where a demo node keeps its accounts.
pub(crate) const ACCOUNTS_FILE: &str = "accounts.toml";

/// Opens a demo node's directory: `true` when the node is to be created (a half-made one —
/// interrupted before its accounts were written — is discarded first).
pub(crate) async fn open_node_dir(dir: &Path) -> anyhow::Result<(opcina_store::Store, bool)> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let db_path = dir.join("opcina.db");
    let fresh = !db_path.exists() || !dir.join(ACCOUNTS_FILE).exists();
    if fresh && db_path.exists() {
        for f in ["opcina.db", "opcina.db-wal", "opcina.db-shm"] {
            let _ = std::fs::remove_file(dir.join(f));
        }
        let _ = std::fs::remove_dir_all(dir.join("index"));
    }
    let store = super::open_store(&Database { url: format!("sqlite://{}", db_path.display()) }).await?;
    Ok((store, fresh))
}

/// The accounts of a demo node made earlier (those without a password get one).
pub(crate) async fn reuse_accounts(store: &opcina_store::Store, dir: &Path) -> anyhow::Result<Accounts> {
    let path = dir.join(ACCOUNTS_FILE);
    let mut accounts: Accounts = toml::from_str(&std::fs::read_to_string(&path)?)
        .with_context(|| format!("{} is unreadable; delete the demo directory", path.display()))?;
    if set_passwords(store, &mut accounts).await? {
        write_private(&path, &toml::to_string(&accounts)?)?;
    }
    Ok(accounts)
}

/// Adds the demo's users (username, role, office, what they are) with an API token and a
/// random password each.
pub(crate) async fn add_accounts(
    store: &opcina_store::Store,
    users: impl IntoIterator<Item = (&'static str, Role, Option<String>, String)>,
) -> anyhow::Result<Accounts> {
    let admin = operator();
    let mut account = Vec::new();
    for (username, role, office, what) in users {
        store.add_user(&admin, &UserSpec { username: username.into(), full_name: what.clone(), role, office: office.clone() }).await?;
        let token = store.create_token(&admin, username, "demo").await?;
        account.push(Account { username: username.into(), role: role.as_str().into(), office, what, password: String::new(), token });
    }
    let mut accounts = Accounts { account };
    set_passwords(store, &mut accounts).await?;
    Ok(accounts)
}

/// The node's key pair, the (demo) fee schedule, how its refusals are appealed and the
/// settlements of its preset.
pub(crate) async fn keys_and_fees(store: &opcina_store::Store, dir: &Path) -> anyhow::Result<()> {
    write_keys(&dir.join("keys"))?;
    for rule in opcina_store::presets::kakanj_fees() {
        store.set_fee(&operator(), rule.kind, rule.purpose, rule.amount, rule.note).await?;
    }
    let municipality = store.node().await?.municipality.to_lowercase();
    if store.settlements().await?.is_empty() {
        for (name, office) in opcina_store::presets::settlements(&municipality) {
            store.add_settlement(&operator(), name, office).await?;
        }
    }
    let body = opcina_store::presets::appeal_body("kakanj");
    store.set_appeal_route(&operator(), &opcina_store::presets::demo_appeal_route(body)).await?;
    Ok(())
}

/// Gives every demo account without a password a fresh random one; returns whether any was set.
pub(crate) async fn set_passwords(store: &opcina_store::Store, accounts: &mut Accounts) -> anyhow::Result<bool> {
    let mut changed = false;
    for a in accounts.account.iter_mut().filter(|a| a.password.is_empty()) {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness for a demo password: {e}"))?;
        a.password = format!("demo-{}", hex::encode(bytes));
        store.set_password(&operator(), &a.username, &a.password).await?;
        changed = true;
    }
    Ok(changed)
}

/// The node's Ed25519 key pair (used to sign extracts and federation messages).
pub(crate) fn write_keys(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| anyhow::anyhow!("no randomness for the node key: {e}"))?;
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    write_private(&dir.join("node.key"), &format!("{}\n", hex::encode(key.to_bytes())))?;
    std::fs::write(dir.join("node.pub"), format!("{}\n", hex::encode(key.verifying_key().to_bytes())))?;
    Ok(())
}

/// `opcina key generate --dir DIR`.
pub fn generate_key(dir: &Path) -> anyhow::Result<ExitCode> {
    if dir.join("node.key").exists() {
        anyhow::bail!("{} exists: a node keeps its key (documents and the directory name it)", dir.join("node.key").display());
    }
    write_keys(dir)?;
    let public = std::fs::read_to_string(dir.join("node.pub"))?;
    println!("created {} and {} (public key {})", dir.join("node.key").display(), dir.join("node.pub").display(), public.trim());
    Ok(ExitCode::SUCCESS)
}

/// Writes a file readable by its owner only.
pub(crate) fn write_private(path: &Path, content: &str) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path).with_context(|| format!("cannot write {}", path.display()))?;
    f.write_all(content.as_bytes())?;
    Ok(())
}

/// Prints the welcome; a closed stdout (output piped into `head`, say) must not stop the node.
fn print_welcome(addr: SocketAddr, accounts: &Accounts, started: Instant, journal: i64) {
    let _ = write_welcome(&mut std::io::stdout().lock(), addr, accounts, started, journal);
}

fn write_welcome(out: &mut impl Write, addr: SocketAddr, accounts: &Accounts, started: Instant, journal: i64) -> std::io::Result<()> {
    let url = format!("http://{addr}");
    writeln!(out)?;
    writeln!(out, "Općina Kakanj — opcina demo is ready at {url}  ({:.1} s, journal at {journal})", started.elapsed().as_secs_f64())?;
    writeln!(out)?;
    writeln!(out, "Open {url}/ for the citizen portal (services, online orders, verification, citizen accounts);")?;
    writeln!(out, "staff sign in at {url}/sign-in. Demo accounts (synthetic data only; the tokens are for the JSON API):")?;
    writeln!(out, "  {:<12} {:<14} {:<6} {:<14} API token", "username", "role", "office", "password")?;
    for a in &accounts.account {
        writeln!(out, "  {:<12} {:<14} {:<6} {:<14} {}", a.username, a.role, a.office.as_deref().unwrap_or("-"), a.password, a.token)?;
    }
    let clerk = accounts.account.iter().find(|a| a.username == "salter").map_or("TOKEN", |a| a.token.as_str());
    writeln!(out)?;
    writeln!(out, "Try:")?;
    writeln!(out, "  curl -s -H 'Authorization: Bearer {clerk}' '{url}/api/v1/persons?q=hodzic&limit=5'")?;
    writeln!(out, "  curl -s -H 'Authorization: Bearer {clerk}' '{url}/api/v1/persons/JMBG?purpose=izdavanje%20izvoda'")?;
    writeln!(
        out,
        "  curl -s -H 'Authorization: Bearer {clerk}' -H 'Content-Type: application/json' {url}/api/v1/extracts -d '{{\"kind\":\"birth\",\"jmbg\":\"JMBG\",\"language\":\"bs\",\"script\":\"latin\",\"relation\":\"self\",\"purpose\":\"penzija\",\"requester\":{{\"name\":\"NAME\",\"jmbg\":\"JMBG\"}}}}'"
    )?;
    writeln!(out, "  {url}/api/openapi.json   {url}/healthz")?;
    writeln!(out)?;
    writeln!(out, "Documents issued here link their QR code to {url}/verify (this machine only: a real node sets public_url).")?;
    writeln!(out)?;
    writeln!(out, "Stop with Ctrl-C.")?;
    out.flush()
}

//! `opcina demo --federation`: three municipalities — Kakanj, Zenica and Centar Sarajevo —
//! each its own node with its own database, index and key, on consecutive ports, in a
//! federation whose authority has enrolled them and published a signed directory. People
//! born in Zenica and Sarajevo live in Kakanj: their extracts are issued at Kakanj's
//! counter from the records the holder sends.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::NaiveDate;
use opcina_core::Jmbg;
use opcina_core::registry::commands::Command;
use opcina_core::registry::commands::examples::{birth, living_in};
use opcina_core::registry::entry::EntryContent;
use opcina_core::registry::{Actor, Place, Role, Sex};
use opcina_federation::directory::{Member, SERVICES};
use opcina_store::Store;
use opcina_web::federation::Settings;

use super::admin::operator;
use super::demo::{
    ACCOUNTS_FILE, Accounts, DEMO_BLOCK_BASIS, DemoArgs, add_accounts, create, keys_and_fees, open_node_dir, reuse_accounts, write_private,
};
use super::serve::{load_seal, serve};

/// One municipality of the demo.
struct Town {
    preset: &'static str,
    code: &'static str,
    name: &'static str,
    addr: SocketAddr,
    dir: PathBuf,
    /// Its share of the JMBG region's serials (FIRST, COUNT), when it shares the region.
    block: Option<(u16, u16)>,
}

/// People each smaller node registers (born there, living in Kakanj).
const BORN_ELSEWHERE: usize = 40;

pub async fn run(a: DemoArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let root = if a.dir == Path::new("opcina-demo") { PathBuf::from("opcina-demo-federation") } else { a.dir.clone() };
    let port = |n: u16| SocketAddr::new(a.addr.ip(), a.addr.port() + n);
    let towns = [
        // Kakanj and Zenica share JMBG region 19: each assigns its own block of serials.
        Town { preset: "kakanj", code: "KAK", name: "Općina Kakanj", addr: port(0), dir: root.join("kakanj"), block: Some((0, 100)) },
        Town { preset: "zenica", code: "ZEN", name: "Grad Zenica", addr: port(1), dir: root.join("zenica"), block: Some((100, 100)) },
        Town {
            preset: "sarajevo-centar",
            code: "SCE",
            name: "Općina Centar Sarajevo",
            addr: port(2),
            dir: root.join("sarajevo-centar"),
            block: None,
        },
    ];
    let mut listeners = Vec::new();
    for t in &towns {
        listeners.push(
            tokio::net::TcpListener::bind(t.addr)
                .await
                .with_context(|| format!("cannot listen on {} (is another demo running? use --addr)", t.addr))?,
        );
    }
    let authority = root.join("authority");
    if !authority.join("authority.key").exists() {
        super::federation::init_authority(&authority)?;
    }
    let mut stores: Vec<Store> = Vec::new();
    let mut listed = Vec::new();
    let mut tries = Vec::new();
    for t in &towns {
        let (store, accounts, born) = prepare(t, &a).await?;
        let key = super::extract::read_key(&t.dir.join("keys/node.key"))?;
        let services = SERVICES.iter().map(|s| s.to_string()).collect();
        super::federation::enroll(
            &authority,
            Member::with_key(t.code, t.name, &format!("http://{}", t.addr), &key.verifying_key(), services),
        )?;
        // Kakanj and Zenica share JMBG region 19 but assign serials from disjoint blocks: a
        // person born in Zenica has a JMBG no one in Kakanj's registers has.
        for (jmbg, name) in born.into_iter().take(3) {
            tries.push((t.name, jmbg, name));
        }
        stores.push(store);
        listed.push((t.name.to_string(), t.addr, accounts));
    }
    // Published afresh on every start: the addresses may have changed.
    let signed = super::federation::publish(&authority, 30, None)?;
    let authority_key = super::federation::authority_public(&authority)?;
    let ready = Arc::new(AtomicUsize::new(0));
    let welcome = Arc::new((listed, tries, signed.directory.serial));
    let mut servers = Vec::new();
    for ((t, store), listener) in towns.iter().zip(stores).zip(listeners) {
        let settings = Settings {
            member: t.code.to_string(),
            authority: authority_key,
            directory: authority.join("directory.json").display().to_string(),
            cache: t.dir.join("federation-directory.json"),
            skew: 30,
            timeout: Duration::from_secs(3),
        };
        let public_url = format!("http://{}", t.addr);
        // Each node's configuration, for the operator's commands (`opcina journal verify
        // --config …` asks the other two for the checkpoints they keep); written afresh on
        // every start, as the addresses may have changed.
        let config = format!(
            "# opcina node configuration ({} in the demo federation).\ndatabase = \"sqlite://opcina.db\"\nindex = \"index\"\naddr = \"{}\"\n\
             signing_key = \"keys/node.key\"\npublic_url = \"{public_url}\"\n\n[federation]\nauthority_key = \"{}\"\n\
             directory = \"../authority/directory.json\"\ncache = \"federation-directory.json\"\n",
            t.name,
            t.addr,
            hex::encode(authority_key.as_bytes())
        );
        std::fs::write(t.dir.join("opcina.toml"), config)?;
        let seal = load_seal(&store, &t.dir.join("keys/node.key"), &public_url).await?;
        let (ready, welcome) = (Arc::clone(&ready), Arc::clone(&welcome));
        let announce: Box<dyn FnOnce(SocketAddr) + Send> = Box::new(move |_| {
            // The last node to be ready prints the welcome.
            if ready.fetch_add(1, Ordering::SeqCst) == 2 {
                let (listed, tries, serial) = &*welcome;
                print_welcome(listed, tries, *serial, started);
            }
        });
        let index = t.dir.join("index");
        store.set_files(opcina_store::files::Files::local(&t.dir.join("files"))?);
        servers.push(tokio::spawn(async move {
            let options = super::serve::Options { http: Default::default(), mail: None, public_url };
            serve(store, &index, listener, Some(seal), Some(settings), options, Some(announce)).await
        }));
    }
    for s in servers {
        s.await.context("a node stopped unexpectedly")??;
    }
    Ok(ExitCode::SUCCESS)
}

/// Creates a town's node on the first run (reuses it later); returns its store, accounts
/// and some people born there who live in Kakanj.
async fn prepare(t: &Town, a: &DemoArgs) -> anyhow::Result<(Store, Accounts, Vec<(Jmbg, String)>)> {
    let (store, fresh) = open_node_dir(&t.dir).await?;
    let accounts = if fresh {
        println!("Creating the node of {} in {} …", t.name, t.dir.display());
        let accounts = if t.preset == "kakanj" {
            create(&store, &DemoArgs { dir: t.dir.clone(), ..a.clone() }, block(t)?).await?
        } else {
            create_small(&store, t).await?
        };
        write_private(&t.dir.join(ACCOUNTS_FILE), &toml::to_string(&accounts)?)?;
        accounts
    } else {
        reuse_accounts(&store, &t.dir).await?
    };
    let born = if t.preset == "kakanj" { Vec::new() } else { born_here(&store, 20).await? };
    Ok((store, accounts, born))
}

/// A node with a registrar, a clerk and an administrator, its key, the fee schedule and a
/// few dozen births.
async fn create_small(store: &Store, t: &Town) -> anyhow::Result<Accounts> {
    let (node, offices) = opcina_store::presets::preset(t.preset).context("unknown preset")?;
    let admin = operator();
    store.init_node(&admin, &node, &offices).await?;
    if let Some(block) = block(t)? {
        store.set_jmbg_block(&admin, block, DEMO_BLOCK_BASIS).await?;
    }
    let office = offices[0].code.clone();
    let accounts = add_accounts(
        store,
        [
            ("maticar", Role::Registrar, Some(office.clone()), format!("matičar, {}", offices[0].name)),
            ("salter", Role::CounterClerk, Some(office.clone()), format!("šalter, {}", offices[0].name)),
            ("admin", Role::Admin, None, "administrator".to_string()),
        ],
    )
    .await?;
    keys_and_fees(store, &t.dir).await?;
    let registrar = Actor { username: "maticar".into(), role: Role::Registrar, office: Some(office) };
    let names = opcina_synthetic::names::names(opcina_synthetic::names::Tradition::Bosniak);
    for i in 0..BORN_ELSEWHERE {
        let (sex, given) =
            if i % 2 == 0 { (Sex::Female, names.female[i % names.female.len()]) } else { (Sex::Male, names.male[i % names.male.len()]) };
        let surname = names.surnames[(i * 7) % names.surnames.len()];
        let on = NaiveDate::from_ymd_opt(1960 + (i as i32 % 45), 1 + (i as u32 % 12), 1 + (i as u32 % 28)).context("a demo birth date")?;
        let mut command = living_in(&node.municipality, birth(given, surname, sex, on));
        if let Command::RegisterBirth(b) = &mut command {
            b.child.birth_place = Place::new(&offices[0].settlement, &node.municipality, "Bosna i Hercegovina");
        }
        if let Err(refusal) = store.execute(&registrar, command).await? {
            anyhow::bail!("a demo birth was refused: {refusal}");
        }
    }
    super::data::rebuild(store, &t.dir.join("index")).await?;
    println!("  {} births registered", BORN_ELSEWHERE);
    Ok(accounts)
}

fn block(t: &Town) -> anyhow::Result<Option<opcina_core::jmbg::SerialBlock>> {
    t.block.map(|(first, count)| opcina_core::jmbg::SerialBlock::new(first, count).map_err(|e| anyhow::anyhow!("{e}"))).transpose()
}

/// Some people whose birth entries this node keeps (to try at Kakanj's counter).
async fn born_here(store: &Store, n: usize) -> anyhow::Result<Vec<(Jmbg, String)>> {
    let page = store.raw().rows_page("entries", 0, 50).await?;
    let mut found = Vec::new();
    for row in page {
        if let Ok(e) = row.downcast::<opcina_store::rows::EntryRow>() {
            if let Ok(record) = e.to_record() {
                if let EntryContent::Birth(b) = &record.content {
                    found.push((b.child.jmbg.clone(), format!("{} {}", b.child.given_name, b.child.surname)));
                }
            }
        }
        if found.len() == n {
            break;
        }
    }
    Ok(found)
}

fn print_welcome(all: &[(String, SocketAddr, Accounts)], tries: &[(&str, Jmbg, String)], serial: u64, started: Instant) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = (|| -> std::io::Result<()> {
        writeln!(out)?;
        writeln!(
            out,
            "A federation of three municipalities is ready ({:.1} s; directory {serial}, signed by the demo authority):",
            started.elapsed().as_secs_f64()
        )?;
        for (name, addr, accounts) in all {
            writeln!(out)?;
            writeln!(out, "  {name}: http://{addr}/   (staff sign in at http://{addr}/sign-in)")?;
            for a in &accounts.account {
                writeln!(out, "    {:<12} {:<14} {:<6} {}", a.username, a.role, a.office.as_deref().unwrap_or("-"), a.password)?;
            }
        }
        let kakanj = all.first().map(|(_, addr, _)| format!("http://{addr}")).unwrap_or_default();
        writeln!(out)?;
        writeln!(out, "Try — data travels, not citizens:")?;
        writeln!(out, "  1. Sign in at Kakanj ({kakanj}/sign-in) as salter, open {kakanj}/counter/elsewhere.")?;
        writeln!(out, "  2. Look up one of these people, born elsewhere and living in Kakanj (purpose e.g. \"penzija\"):")?;
        for (town, jmbg, name) in tries {
            writeln!(out, "       {jmbg}  {name}  (born in {town})")?;
        }
        writeln!(out, "  3. Issue the birth extract: Kakanj numbers and seals it, naming the municipality that keeps the entry.")?;
        writeln!(out, "  4. The holder's access log shows who read the entry: the citizen's account page there, or")?;
        writeln!(out, "     GET /api/v1/persons/JMBG/access-log with its clerk's token.")?;
        writeln!(out, "  5. Register a marriage at Kakanj with one of them as a spouse (\"not registered here\"): the notice")?;
        writeln!(out, "     reaches the holder's birth entry within seconds, and is retried if the holder is down.")?;
        writeln!(out, "  opcina federation log verify --database sqlite://DIR/kakanj/opcina.db checks a message log;")?;
        writeln!(out, "  opcina journal verify --config DIR/kakanj/opcina.toml checks Kakanj's journal against the checkpoints")?;
        writeln!(out, "  it signed and those Zenica and Sarajevo keep of it.")?;
        writeln!(out)?;
        writeln!(out, "Stop with Ctrl-C.")?;
        out.flush()
    })();
}

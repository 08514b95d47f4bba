//! Writes one sample PDF of every kind (synthetic family, test key) into a directory, to
//! look at the layout: `cargo run -p opcina-pdf --example samples -- DIR [LANGUAGE] [SCRIPT]`.

use ed25519_dalek::SigningKey;
use opcina_core::extract::examples::{content, family, subject_for};
use opcina_core::extract::kind::parse_script;
use opcina_core::extract::seal::sign_content;
use opcina_core::extract::{ExtractKind, Language};
use opcina_core::names::Script;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().unwrap_or_else(|| "samples".into()));
    let language = args.next().and_then(|l| Language::parse(&l)).unwrap_or(Language::Bs);
    let script = args.next().and_then(|s| parse_script(&s)).unwrap_or(Script::Latin);
    std::fs::create_dir_all(&dir)?;
    let key = SigningKey::from_bytes(&[42; 32]);
    let f = family();
    for kind in ExtractKind::ALL {
        let c = content(&f, subject_for(&f, kind), kind, language, script).map_err(|r| r.to_string())?;
        let seal = sign_content(&key, &c.issue.number, &c.hash());
        let pdf = opcina_pdf::issue_pdf(&c, &seal, &key)?;
        let path = dir.join(format!("{}.pdf", kind.as_str()));
        std::fs::write(&path, pdf.pdf)?;
        println!("{}", path.display());
    }
    Ok(())
}

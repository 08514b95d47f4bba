//! Times typesetting one extract again and again:
//! `cargo run --release -p opcina-pdf --example timing -- N`. The same document each time, so
//! typst's memoisation makes this the best case; opcina-bench measures distinct documents.

use std::time::Instant;

use ed25519_dalek::SigningKey;
use opcina_core::extract::document::document;
use opcina_core::extract::examples::{content, family};
use opcina_core::extract::seal::sign_content;
use opcina_core::extract::{ExtractKind, Language};
use opcina_core::names::Script;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let n: u32 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let key = SigningKey::from_bytes(&[42; 32]);
    let f = family();
    let c = content(&f, &f.son, ExtractKind::Birth, Language::Bs, Script::Latin).map_err(|r| r.to_string())?;
    let seal = sign_content(&key, &c.issue.number, &c.hash());
    let doc = document(&c, &seal, "0011223344556677");
    let _ = opcina_pdf::render_extract(&doc, "warm", c.issue.issued_at)?;
    let t = Instant::now();
    for _ in 0..n {
        let _ = document(&c, &seal, "0011223344556677");
    }
    println!("layout data: {:.3} ms", t.elapsed().as_secs_f64() * 1000.0 / f64::from(n));
    let t = Instant::now();
    for i in 0..n {
        let _ = opcina_pdf::render_extract(&doc, &format!("x{i}"), c.issue.issued_at)?;
    }
    println!("typeset + export: {:.3} ms", t.elapsed().as_secs_f64() * 1000.0 / f64::from(n));
    let t = Instant::now();
    for _ in 0..n {
        let _ = opcina_pdf::issue_pdf(&c, &seal, &key)?;
    }
    println!("issue_pdf (with seal): {:.3} ms", t.elapsed().as_secs_f64() * 1000.0 / f64::from(n));
    Ok(())
}

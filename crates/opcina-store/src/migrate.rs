//! Schema migrations, one SQL file per backend (`migrations/sqlite`, `migrations/postgres`),
//! embedded in the binary and declared by the context they belong to
//! ([`crate::contexts::CONTEXTS`]). Each applied migration is recorded with a checksum of
//! its SQL, so a migration changed after it was applied is refused instead of silently
//! diverging.

use sha2::{Digest, Sha256};

/// One migration step, in both dialects.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sqlite: &'static str,
    pub postgres: &'static str,
}

impl Migration {
    /// The SQL for a backend (`sqlite` or `postgres`).
    pub fn sql(&self, kind: &str) -> &'static str {
        if kind == "postgres" { self.postgres } else { self.sqlite }
    }

    pub fn checksum(&self, kind: &str) -> String {
        hex::encode(Sha256::digest(self.sql(kind).as_bytes()))
    }
}

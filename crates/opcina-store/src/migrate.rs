//! Schema migrations, one folder per backend (`migrations/sqlite`, `migrations/postgres`),
//! embedded in the binary. Each applied migration is recorded with a checksum of its SQL,
//! so a migration changed after it was applied is refused instead of silently diverging.

use sha2::{Digest, Sha256};

/// One migration step.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

impl Migration {
    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }
}

//! The contexts a node runs, and what each brings to the kernel: its tables (for the
//! writer and verification) and its schema migrations. This list is the one place a new
//! context is plugged in; the kernel (journal, writer, backends, verification) reads it and
//! names no context itself.

use crate::anchor_rows;
use crate::docflow_rows;
use crate::extract_rows;
use crate::federation_rows;
use crate::mail_rows;
use crate::migrate::Migration;
use crate::publicinfo_rows;
use crate::rows;
use crate::table::Table;

/// One context as the kernel sees it.
#[derive(Debug)]
pub struct Context {
    pub name: &'static str,
    /// Its authoritative tables, parents before children (rows are inserted in this order,
    /// and verified in it).
    pub tables: &'static [Table],
    /// Its schema migrations (versions are unique across contexts and applied in order).
    pub migrations: &'static [Migration],
}

macro_rules! migration {
    ($version:literal, $file:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $file, ".sql")),
            postgres: include_str!(concat!("../migrations/postgres/", $file, ".sql")),
        }
    };
}

/// Every context, in the order their tables are written and verified (a context's rows may
/// refer to those of a context before it).
pub const CONTEXTS: &[Context] = &[
    Context {
        name: "registry",
        tables: rows::TABLES,
        migrations: &[
            migration!(1, "0001_registry", "registry"),
            migration!(3, "0003_web", "web"),
            migration!(4, "0004_daily", "daily"),
            migration!(12, "0012_jmbg_blocks", "jmbg_blocks"),
            migration!(16, "0016_settlements", "settlements"),
            migration!(17, "0017_jmbg_changes", "jmbg_changes"),
        ],
    },
    Context {
        name: "extracts",
        tables: extract_rows::TABLES,
        migrations: &[
            migration!(2, "0002_extracts", "extracts"),
            migration!(5, "0005_orders", "orders"),
            migration!(6, "0006_citizens", "citizens"),
            migration!(13, "0013_extract_officials", "extract_officials"),
            migration!(14, "0014_appeal_routes", "appeal_routes"),
            migration!(15, "0015_refusal_records", "refusal_records"),
            migration!(19, "0019_account_requests", "account_requests"),
        ],
    },
    Context {
        name: "federation",
        tables: federation_rows::TABLES,
        migrations: &[migration!(7, "0007_federation", "federation"), migration!(8, "0008_notices", "notices")],
    },
    Context {
        name: "docflow",
        tables: docflow_rows::TABLES,
        migrations: &[
            migration!(9, "0009_docflow", "docflow"),
            migration!(10, "0010_attachments", "attachments"),
            migration!(11, "0011_archive", "archive"),
        ],
    },
    Context { name: "mail", tables: mail_rows::TABLES, migrations: &[migration!(18, "0018_mail", "mail")] },
    Context { name: "anchor", tables: anchor_rows::TABLES, migrations: &[migration!(20, "0020_checkpoints", "checkpoints")] },
    Context {
        name: "publicinfo",
        tables: publicinfo_rows::TABLES,
        migrations: &[
            migration!(21, "0021_publicinfo", "publicinfo"),
            migration!(22, "0022_media", "media"),
            migration!(23, "0023_messages", "messages"),
            migration!(24, "0024_reports", "reports"),
            migration!(25, "0025_press_desk", "press_desk"),
            migration!(26, "0026_accreditations", "accreditations"),
            migration!(27, "0027_information_requests", "information_requests"),
            migration!(28, "0028_piece_files", "piece_files"),
            migration!(29, "0029_pieces_calls", "pieces_calls"),
        ],
    },
];

/// Every authoritative table, in order.
pub fn tables() -> impl Iterator<Item = &'static Table> {
    CONTEXTS.iter().flat_map(|c| c.tables.iter())
}

/// An authoritative table by name.
pub fn table(name: &str) -> Option<&'static Table> {
    tables().find(|t| t.name == name)
}

/// Every migration, in version order.
pub fn migrations() -> Vec<Migration> {
    let mut all: Vec<Migration> = CONTEXTS.iter().flat_map(|c| c.migrations.iter().copied()).collect();
    all.sort_by_key(|m| m.version);
    all
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    #[test]
    fn tables_and_migrations_are_unique() {
        let mut names = HashSet::new();
        for t in tables() {
            assert!(names.insert(t.name), "table {} is declared twice", t.name);
        }
        let versions: Vec<i64> = migrations().iter().map(|m| m.version).collect();
        let expected: Vec<i64> = (1..=versions.len() as i64).collect();
        assert_eq!(versions, expected, "migration versions must be 1, 2, 3, … without gaps or repeats");
    }
}

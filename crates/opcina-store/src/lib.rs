//! Storage of an opcina node.
//!
//! One [`Backend`] per database (SQLite embedded by default, PostgreSQL when the node
//! grows), chosen once from the database URL; above them, written once: the journaled
//! transaction ([`txn`]), the node's single writer with group commit ([`writer`]) that
//! every context's writes go through, the node's clock ([`clock`]), and verification of the
//! journal against the tables ([`verify`]). The contexts' use cases are methods of
//! [`Store`] in their own modules: the registry ([`exec`], [`import`]), extracts
//! ([`extracts`], [`orders`]), the document flow ([`docflow`], [`archive`], [`files`]), the
//! federation ([`federation`]), staff and citizens ([`admin`], [`sessions`], [`citizens`]).

#![forbid(unsafe_code)]

pub mod admin;
pub mod anchor;
pub mod anchor_rows;
pub mod archive;
pub mod backend;
pub mod bulk;
pub mod citizens;
pub mod clock;
pub mod contexts;
pub mod docflow;
pub mod docflow_reads;
mod docflow_rows;
pub mod error;
pub mod exec;
mod extract_rows;
pub mod extracts;
pub mod federation;
mod federation_rows;
pub mod files;
pub mod import;
pub mod mail;
mod mail_rows;
pub mod migrate;
pub mod orders;
pub mod postgres;
pub mod presets;
pub mod publicinfo;
pub mod publicinfo_desk;
pub mod publicinfo_files;
pub mod publicinfo_information;
pub mod publicinfo_messages;
pub mod publicinfo_press;
pub mod publicinfo_reads;
pub mod publicinfo_reports;
pub mod publicinfo_rows;
pub mod reads;
pub mod rows;
pub mod sessions;
pub mod shown;
pub mod sql;
pub mod sqlite;
pub mod store;
pub mod table;
pub mod txn;
pub mod verify;
pub mod writer;

pub use backend::{Backend, WriteTx};
pub use clock::calendar_today;
pub use error::{Result, StorageFault, StoreError};
pub use store::{Exclusive, Store, connect};
pub use writer::{StorageProblem, WriteCx, WriteJob};

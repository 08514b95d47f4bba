//! Person search of a node: an embedded tantivy index over everyone the registers name,
//! folded for Bosnian, Croatian and Serbian in both scripts, tolerant of typos, with exact
//! JMBG lookup; kept in step with the journal by the [`indexer`]. Also the full-text index
//! of the files of cases ([`documents`]) and of the website's pieces ([`pieces`]).

#![forbid(unsafe_code)]

pub mod doc;
pub mod documents;
pub mod error;
pub mod index;
pub mod indexer;
mod on_disk;
pub mod pieces;
pub mod query;
pub mod tokenizer;

pub use doc::PersonHit;
pub use error::{Result, SearchError};
pub use index::PersonIndex;
pub use query::PersonQuery;

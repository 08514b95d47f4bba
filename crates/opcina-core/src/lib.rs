//! The domain of an e-municipality, pure: no I/O, no SQL, no HTTP.
//!
//! - [`jmbg`]: the unique master citizen number, parsed once and valid thereafter;
//! - [`names`]: scripts, transliteration, search folding, Bosnian alphabetical order;
//! - [`registry`]: the four civil registers, annotations, the person view and the commands
//!   that change the registers;
//! - [`extract`]: extracts and certificates: eligibility, canonical content, seal, layout;
//! - [`docflow`]: document flow: registry numbers of the protocol books, legal deadlines;
//! - [`publicinfo`]: the website's pieces, their editorial workflow and what the public sees;
//! - [`journal`]: the hash chain every change to authoritative data is appended to;
//! - [`error`]: refusals with stable codes that name the field at fault;
//! - [`codes`]: every error code in one table, with the kind of problem it names.

#![forbid(unsafe_code)]

pub mod checkpoint;
pub mod codes;
pub mod docflow;
pub mod email;
pub mod error;
pub mod extract;
pub mod jmbg;
pub mod journal;
pub mod names;
pub mod publicinfo;
pub mod registry;
pub mod text;

pub use error::{FieldError, Refusal};
pub use jmbg::{CheckMode, Jmbg};

//! Synthetic data, deterministic from a seed, never a real person's:
//! - [`population`]: a municipality lived year by year through the registrars' commands;
//! - [`historical`]: a stream of digitised book entries in the import format.

#![forbid(unsafe_code)]

pub mod historical;
pub mod names;
pub mod places;
pub mod population;
pub mod website;

pub use historical::Historical;
pub use population::{Options, Population, generate};

//! Helpers shared by the web test suites. Each suite uses some of them, so the rest would
//! be dead code in that suite.
#![allow(dead_code)]

pub mod http;
pub mod visitor;

//! Helpers shared by the web test suites.

pub mod http;

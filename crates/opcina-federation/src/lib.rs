//! The exchange between municipalities' nodes: each request and response signed with the
//! node's Ed25519 key as RFC 9421 HTTP Message Signatures, the body bound by an RFC 9530
//! `Content-Digest`. (The directory, the services and the outbox build on this.)

#![forbid(unsafe_code)]

pub mod digest;
pub mod directory;
pub mod httpsig;
pub mod profile;

#[cfg(test)]
mod tests;

//! The exchange between municipalities' nodes: each request and response signed with the
//! node's Ed25519 key as RFC 9421 HTTP Message Signatures, the body bound by an RFC 9530
//! `Content-Digest`; the directory of members signed by the federation authority; the
//! services' messages; and the client that signs requests and checks the answers.

#![forbid(unsafe_code)]

pub mod client;
pub mod digest;
pub mod directory;
pub mod httpsig;
pub mod messages;
pub mod profile;

#[cfg(test)]
mod tests;

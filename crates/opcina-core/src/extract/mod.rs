//! Extracts and certificates (izvodi i uvjerenja) issued from the registers: what can be
//! issued and in which language and script ([`kind`]), who may ask ([`request`],
//! [`eligibility`]), the canonical content that is signed and registered ([`content`]), the
//! municipality's seal ([`seal`]), and what the document prints ([`document`], with the
//! form text in [`words`] and the CIEC multilingual labels in [`ciec`]).

pub mod ciec;
pub mod content;
pub mod decision;
pub mod document;
pub mod eligibility;
pub mod examples;
pub mod form;
pub mod kind;
pub mod request;
pub mod seal;
pub mod words;

pub use content::{ContentHash, ContentSpec, ExtractContent, ExtractNumber, Fee, Issue};
pub use document::Document;
pub use eligibility::{Denial, Eligibility, Established};
pub use kind::{ExtractKind, Language};
pub use request::{ExtractRequest, Relation, Requester};

#[cfg(test)]
mod tests;

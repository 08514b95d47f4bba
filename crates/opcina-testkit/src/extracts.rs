//! Requests for extracts as tests make them, and the node's test seal.

use ed25519_dalek::SigningKey;
use opcina_core::Jmbg;
use opcina_core::extract::{ExtractKind, ExtractRequest, Relation};
use opcina_core::registry::Actor;
use opcina_store::Store;
use opcina_store::extracts::{IssuePlace, Outcome, Sealer};

/// The test node's signing key (registered by [`seal`]).
pub fn key() -> SigningKey {
    SigningKey::from_bytes(&[5; 32])
}

/// Registers the test key on the node and returns its seal.
pub async fn seal(store: &Store) -> Sealer {
    store.register_key(&Actor::system("test"), &key().verifying_key()).await.expect("register the key");
    Sealer::new(key())
}

pub fn place() -> IssuePlace {
    IssuePlace { verify_base: "https://kakanj.opcina.test".into() }
}

/// A request in Bosnian, Latin script, by `requester` (by JMBG) in `relation`.
pub fn request(kind: ExtractKind, subject: &Jmbg, requester: &Jmbg, relation: Relation) -> ExtractRequest {
    opcina_core::extract::examples::request(kind, subject, Some(requester), relation)
}

/// Issues or refuses; panics on an incomplete request or a store error.
pub async fn outcome(store: &Store, actor: &Actor, request: ExtractRequest, sealer: &Sealer) -> Outcome {
    match store.request_extract(actor, request, sealer, &place()).await {
        Ok(Ok(o)) => o,
        Ok(Err(refusal)) => panic!("refused as incomplete: {refusal}"),
        Err(e) => panic!("store error: {e}"),
    }
}

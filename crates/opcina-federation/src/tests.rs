//! The RFC test vectors, and what a verifier must refuse.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use ed25519_dalek::{SigningKey, VerifyingKey};

use crate::digest::{content_digest, digest_matches};
use crate::httpsig::{HttpMessage, SigError, SignatureParams, parse_signature, parse_signature_input, sign, signature_base, verify};

/// RFC 9421 Appendix B.1.4, `test-key-ed25519`: the PKCS#8 private key and the public key.
const TEST_KEY_PKCS8: &str = "MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF";
const TEST_KEY_PUBLIC: &str = "JrQLj5P_89iXES9-vFgrIy29clF9CC_oPPsw3c5D0bs";

fn test_key() -> SigningKey {
    let der = STANDARD.decode(TEST_KEY_PKCS8).unwrap();
    // A PKCS#8 Ed25519 key is a fixed 16-byte prefix and the 32-byte seed.
    let seed: [u8; 32] = der[16..].try_into().unwrap();
    SigningKey::from_bytes(&seed)
}

/// RFC 9421 Appendix B.2, the example request (`POST /foo?param=Value&Pet=dog`).
fn test_request() -> HttpMessage {
    HttpMessage {
        method: "POST".into(),
        authority: "example.com".into(),
        path: "/foo".into(),
        query: Some("param=Value&Pet=dog".into()),
        status: None,
        headers: vec![
            ("Host".into(), "example.com".into()),
            ("Date".into(), "Tue, 20 Apr 2021 02:07:55 GMT".into()),
            ("Content-Type".into(), "application/json".into()),
            (
                "Content-Digest".into(),
                "sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:".into(),
            ),
            ("Content-Length".into(), "18".into()),
        ],
    }
}

fn b26_params() -> SignatureParams {
    SignatureParams::new(&["date", "@method", "@path", "@authority", "content-type", "content-length"])
        .int("created", 1_618_884_473)
        .string("keyid", "test-key-ed25519")
}

#[test]
fn the_test_key_is_the_rfcs() {
    let public = URL_SAFE_NO_PAD.decode(TEST_KEY_PUBLIC).unwrap();
    assert_eq!(test_key().verifying_key().to_bytes().to_vec(), public);
}

#[test]
fn rfc_9421_b_2_6_signing_a_request_with_ed25519() {
    let base = signature_base(&test_request(), &b26_params()).unwrap();
    assert_eq!(
        base,
        "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n\"@method\": POST\n\"@path\": /foo\n\"@authority\": example.com\n\
         \"content-type\": application/json\n\"content-length\": 18\n\"@signature-params\": (\"date\" \"@method\" \"@path\" \
         \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
    );
    let fields = sign(&test_key(), "sig-b26", &test_request(), &b26_params()).unwrap();
    assert_eq!(
        fields.input,
        "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\""
    );
    assert_eq!(fields.signature, "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:");
}

fn rfc_key(keyid: &str) -> Option<VerifyingKey> {
    (keyid == "test-key-ed25519").then(|| test_key().verifying_key())
}

#[test]
fn the_rfcs_signature_verifies_and_any_change_is_refused() {
    let input = "sig-b26=(\"date\" \"@method\" \"@path\" \"@authority\" \"content-type\" \"content-length\");created=1618884473;keyid=\"test-key-ed25519\"";
    let signature = "sig-b26=:wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==:";
    let params = verify(&test_request(), input, signature, "sig-b26", rfc_key).unwrap();
    assert_eq!(params.get_int("created"), Some(1_618_884_473));

    let mut changed = test_request();
    changed.headers[2].1 = "text/plain".into();
    assert_eq!(verify(&changed, input, signature, "sig-b26", rfc_key), Err(SigError::BadSignature));
    let mut changed = test_request();
    changed.method = "PUT".into();
    assert_eq!(verify(&changed, input, signature, "sig-b26", rfc_key), Err(SigError::BadSignature));
    // Parameters are covered too: a later `created` breaks the signature.
    let later = input.replace("1618884473", "1618884474");
    assert_eq!(verify(&test_request(), &later, signature, "sig-b26", rfc_key), Err(SigError::BadSignature));
    assert_eq!(verify(&test_request(), input, signature, "sig-other", rfc_key), Err(SigError::MissingSignature("sig-other".into())));
    let stranger = input.replace("test-key-ed25519", "someone-else");
    assert_eq!(verify(&test_request(), &stranger, signature, "sig-b26", rfc_key), Err(SigError::UnknownKey("someone-else".into())));
    let mut headless = test_request();
    headless.headers.retain(|(n, _)| n != "Date");
    assert_eq!(verify(&headless, input, signature, "sig-b26", rfc_key), Err(SigError::MissingComponent("date".into())));
}

#[test]
fn rfc_9530_content_digests_of_the_example_body() {
    let body = br#"{"hello": "world"}"#;
    assert_eq!(content_digest(body), "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
    assert!(digest_matches("sha-512=:WZDPaVn/7XgHaAy8pmojAkGWoRx2UFChF41A2svX+TaPm+AbwAgBWnrIiYllu7BNNyealdVLvRwEmTHWXvJwew==:", body));
    assert!(
        digest_matches("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:, unixsum=:AAA=:", body),
        "unknown algorithms are skipped"
    );
    assert!(!digest_matches(&content_digest(b"{\"hello\": \"world!\"}"), body));
    assert!(!digest_matches("md5=:AAA=:", body), "at least one known algorithm must be given");
    assert!(!digest_matches("sha-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=", body), "malformed");
}

#[test]
fn signature_fields_are_read_as_structured_field_dictionaries() {
    let members = parse_signature_input(
        "sig1=(\"@method\" \"@path\" \"content-digest\");created=1;expires=61;nonce=\"n\\\"1\";keyid=\"KAK\", sig2=();created=5",
    )
    .unwrap();
    assert_eq!(members.len(), 2);
    let names: Vec<&str> = members[0].1.components.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["@method", "@path", "content-digest"]);
    assert_eq!(members[0].1.get_str("nonce"), Some("n\"1"));
    assert_eq!(members[0].1.get_int("expires"), Some(61));
    assert!(members[1].1.components.is_empty());
    // Reserialised exactly as read (the signature base depends on it).
    assert_eq!(members[0].1.serialize(), "(\"@method\" \"@path\" \"content-digest\");created=1;expires=61;nonce=\"n\\\"1\";keyid=\"KAK\"");
    let bound = parse_signature_input("res=(\"@status\" \"signature\";req;key=\"opcina\");created=7").unwrap();
    assert_eq!(bound[0].1.serialize(), "(\"@status\" \"signature\";req;key=\"opcina\");created=7");
    assert!(bound[0].1.components.contains(&crate::httpsig::ComponentId::request_member("signature", "opcina")));
    for bad in ["sig1=(\"@method\"", "Sig1=()", "sig1=(@method)", "sig1=();created=x", "sig1=()x"] {
        assert!(parse_signature_input(bad).is_err(), "{bad}");
    } // A member that is not what the field holds is refused, not skipped.
    for bad in ["sig1=tok", "sig1=(\"@method\";req=1)", "sig1=();created=?1", "sig1=(), sig2=:AAAA:"] {
        assert!(parse_signature_input(bad).is_err(), "{bad}");
    }
    assert_eq!(parse_signature("sig1=:AAEC:").unwrap(), vec![("sig1".to_string(), vec![0, 1, 2])]);
    for bad in ["sig1=\"AAEC\"", "sig1=(:AAEC:)", "sig1=:AAEC", "SIG=:AAEC:"] {
        assert!(parse_signature(bad).is_err(), "{bad}");
    }
}

#[test]
fn a_response_signs_its_status_and_a_query_is_covered_with_its_question_mark() {
    let key = SigningKey::from_bytes(&[7; 32]);
    let response =
        HttpMessage { status: Some(200), headers: vec![("Content-Digest".into(), content_digest(b"{}"))], ..HttpMessage::default() };
    let params = SignatureParams::new(&["@status", "content-digest"]).int("created", 10).string("keyid", "ZEN");
    let fields = sign(&key, "res", &response, &params).unwrap();
    let keys = |id: &str| (id == "ZEN").then(|| key.verifying_key());
    assert!(verify(&response, &fields.input, &fields.signature, "res", keys).is_ok());
    let refused = HttpMessage { status: Some(500), ..response.clone() };
    assert_eq!(verify(&refused, &fields.input, &fields.signature, "res", keys), Err(SigError::BadSignature));
    assert_eq!(test_request().component("@query").unwrap(), "?param=Value&Pet=dog");
    assert_eq!(HttpMessage::default().component("@query").unwrap(), "?");
    assert_eq!(HttpMessage::default().component("@target-uri"), Err(SigError::UnknownComponent("@target-uri".into())));
}

fn context(member: &str, legal_basis: &str) -> crate::messages::Context {
    crate::messages::Context {
        member: member.into(),
        office: "ZE".into(),
        office_name: "Matični ured Zenica".into(),
        username: "maticar".into(),
        official: "Amra Hodžić".into(),
        purpose: "izdavanje izvoda".into(),
        legal_basis: legal_basis.into(),
        case_number: None,
    }
}

#[test]
fn a_request_reads_the_registers_only_on_a_legal_basis_of_its_own_signer() {
    use opcina_core::extract::Relation;
    assert_eq!(context("ZEN", "parent").authorise("ZEN"), Ok(Relation::Parent));
    assert_eq!(context("ZEN", "parent").authorise("KAK").unwrap_err().code, "federation.context_mismatch");
    assert_eq!(context("ZEN", "other").authorise("ZEN").unwrap_err().code, "federation.no_legal_basis");
    assert_eq!(context("ZEN", "friend").authorise("ZEN").unwrap_err().code, "federation.no_legal_basis");
    let mut anonymous = context("ZEN", "self");
    anonymous.official = " ".into();
    assert_eq!(anonymous.authorise("ZEN").unwrap_err().code, "federation.context_incomplete");
    assert!(context("ZEN", "notice").check("ZEN").is_ok(), "a notice's context is checked without a relation");
}

/// A `Signature-Input` or `Signature` field as a sender might write one: dictionary members
/// of inner lists and byte sequences with parameters, well-formed or not.
fn signature_field() -> impl proptest::strategy::Strategy<Value = String> {
    proptest::prop_oneof![
        "sig[0-9a-z]{0,3}=\\((\"[@a-z-]{1,12}\"(;[a-z]{1,4}=\"[a-z]{0,6}\")? ?){0,6}\\)(;[a-z]{1,8}=([0-9]{1,12}|\"[ -~]{0,20}\"|\\?[01]))*",
        "sig[0-9]=:[A-Za-z0-9+/=]{0,90}:(, sig[0-9]=:[A-Za-z0-9+/=]{0,10}:)?",
        "[ -~]{0,80}",
        proptest::prelude::any::<String>(),
    ]
}

proptest::proptest! {
    /// Fuzzing (`PROPTEST_CASES` bounds the run): any field is parsed or refused, never a
    /// panic; what parses has a label for each member.
    #[test]
    fn fuzz_signature_input_and_signature(field in signature_field()) {
        if let Ok(members) = parse_signature_input(&field) {
            proptest::prop_assert!(members.iter().all(|(label, _)| !label.is_empty()));
        }
        if let Ok(members) = parse_signature(&field) {
            proptest::prop_assert!(members.iter().all(|(label, _)| !label.is_empty()));
        }
    }
}

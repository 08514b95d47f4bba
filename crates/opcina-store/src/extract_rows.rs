//! Rows of the extract tables (`extracts`, `extract_revocations`, `node_keys`,
//! `fee_rules`), exactly as stored, with their canonical hash (see `rows.rs`).

use opcina_core::journal::{Hash, RowHasher};

/// An issued document or a refused request, as registered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtractRow {
    pub id: i64,
    /// `issued` or `refused`.
    pub outcome: String,
    pub office_code: String,
    pub year: i64,
    pub serial: i64,
    pub kind: String,
    pub subject_jmbg: String,
    pub entry_id: Option<i64>,
    pub language: String,
    pub script: String,
    pub requester_name: String,
    pub requester_jmbg: Option<String>,
    pub requester_document: Option<String>,
    pub evidence: Option<String>,
    pub relation: String,
    /// How the relation was established (`identity`, `registers`, `document`).
    pub established: Option<String>,
    pub purpose: String,
    /// In fening; `None` for a refusal.
    pub fee: Option<i64>,
    pub fee_exemption: Option<String>,
    pub refusal_code: Option<String>,
    pub refusal_reason: Option<String>,
    pub official_username: String,
    pub official_name: String,
    pub municipality: String,
    pub office_name: String,
    pub place: String,
    pub at: i64,
    pub on_date: String,
    pub journal_position: i64,
    pub verify_base: String,
    pub content_hash: Option<Vec<u8>>,
    pub seal: Option<Vec<u8>>,
    pub key_id: Option<String>,
}

impl ExtractRow {
    /// The document's (or refusal's) number.
    pub fn number(&self) -> opcina_core::extract::ExtractNumber {
        opcina_core::extract::ExtractNumber {
            office: self.office_code.clone(),
            year: i32::try_from(self.year).unwrap_or(0),
            serial: self.serial,
        }
    }

    pub fn hash(&self) -> Hash {
        RowHasher::new("extracts")
            .int(self.id)
            .text(&self.outcome)
            .text(&self.office_code)
            .int(self.year)
            .int(self.serial)
            .text(&self.kind)
            .text(&self.subject_jmbg)
            .opt_int(self.entry_id)
            .text(&self.language)
            .text(&self.script)
            .text(&self.requester_name)
            .opt_text(self.requester_jmbg.as_deref())
            .opt_text(self.requester_document.as_deref())
            .opt_text(self.evidence.as_deref())
            .text(&self.relation)
            .opt_text(self.established.as_deref())
            .text(&self.purpose)
            .opt_int(self.fee)
            .opt_text(self.fee_exemption.as_deref())
            .opt_text(self.refusal_code.as_deref())
            .opt_text(self.refusal_reason.as_deref())
            .text(&self.official_username)
            .text(&self.official_name)
            .text(&self.municipality)
            .text(&self.office_name)
            .text(&self.place)
            .int(self.at)
            .text(&self.on_date)
            .int(self.journal_position)
            .text(&self.verify_base)
            .opt_bytes(self.content_hash.as_deref())
            .opt_bytes(self.seal.as_deref())
            .opt_text(self.key_id.as_deref())
            .finish()
    }
}

/// The revocation of an issued document (issued in error, say): its verification then
/// says "revoked".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationRow {
    pub id: i64,
    pub extract_id: i64,
    pub reason: String,
    pub revoked_by: String,
    pub revoked_at: i64,
}

impl RevocationRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("extract_revocations")
            .int(self.id)
            .int(self.extract_id)
            .text(&self.reason)
            .text(&self.revoked_by)
            .int(self.revoked_at)
            .finish()
    }
}

/// A public key of the node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeKeyRow {
    pub id: i64,
    pub key_id: String,
    pub public_key: Vec<u8>,
    pub created_at: i64,
}

impl NodeKeyRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("node_keys").int(self.id).text(&self.key_id).bytes(&self.public_key).int(self.created_at).finish()
    }
}

/// A rule of the fee schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeeRuleRow {
    pub id: i64,
    /// The kind it applies to; `None` for every kind.
    pub kind: Option<String>,
    /// The purpose it exempts or reduces; `None` for the kind's fee.
    pub purpose: Option<String>,
    /// In fening.
    pub amount: i64,
    /// The legal basis of an exemption, or a note.
    pub note: String,
    pub set_at: i64,
}

impl FeeRuleRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("fee_rules")
            .int(self.id)
            .opt_text(self.kind.as_deref())
            .opt_text(self.purpose.as_deref())
            .int(self.amount)
            .text(&self.note)
            .int(self.set_at)
            .finish()
    }
}

/// An extract ordered online, as the citizen submitted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRow {
    pub id: i64,
    /// The tracking code the citizen keeps (random; the only key to the public page).
    pub code: String,
    pub kind: String,
    pub subject_jmbg: String,
    pub subject_name: String,
    pub language: String,
    pub script: String,
    pub requester_name: String,
    pub requester_jmbg: Option<String>,
    pub requester_document: Option<String>,
    pub relation: String,
    pub evidence: Option<String>,
    pub purpose: String,
    /// `post` or `pickup`.
    pub delivery: String,
    /// The office that hands it over (pickup) or handles and posts it.
    pub office_code: String,
    pub address: Option<String>,
    pub contact: Option<String>,
    pub created_at: i64,
}

impl OrderRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("extract_orders")
            .int(self.id)
            .text(&self.code)
            .text(&self.kind)
            .text(&self.subject_jmbg)
            .text(&self.subject_name)
            .text(&self.language)
            .text(&self.script)
            .text(&self.requester_name)
            .opt_text(self.requester_jmbg.as_deref())
            .opt_text(self.requester_document.as_deref())
            .text(&self.relation)
            .opt_text(self.evidence.as_deref())
            .text(&self.purpose)
            .text(&self.delivery)
            .text(&self.office_code)
            .opt_text(self.address.as_deref())
            .opt_text(self.contact.as_deref())
            .int(self.created_at)
            .finish()
    }
}

/// A step in handling an order: `received`, `issued`, `refused`, `sent`, `ready`,
/// `collected`, `cancelled`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderEventRow {
    pub id: i64,
    pub order_id: i64,
    pub status: String,
    /// The document issued (or the refusal decided) for the order.
    pub extract_number: Option<String>,
    pub note: Option<String>,
    pub by_user: String,
    pub at: i64,
}

impl OrderEventRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("extract_order_events")
            .int(self.id)
            .int(self.order_id)
            .text(&self.status)
            .opt_text(self.extract_number.as_deref())
            .opt_text(self.note.as_deref())
            .text(&self.by_user)
            .int(self.at)
            .finish()
    }
}

/// A citizen's account on the portal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    pub id: i64,
    /// Lowercased.
    pub email: String,
    pub full_name: String,
    /// The code the citizen shows at a counter to have the account verified.
    pub code: String,
    pub created_at: i64,
}

impl AccountRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("citizen_accounts")
            .int(self.id)
            .text(&self.email)
            .text(&self.full_name)
            .text(&self.code)
            .int(self.created_at)
            .finish()
    }
}

/// A citizen's password (Argon2id PHC); the latest counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountPasswordRow {
    pub id: i64,
    pub account_id: i64,
    pub phc: String,
    pub set_at: i64,
}

impl AccountPasswordRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("citizen_passwords").int(self.id).int(self.account_id).text(&self.phc).int(self.set_at).finish()
    }
}

/// A clerk's confirmation that an account belongs to the holder of a JMBG (identity document
/// seen at the counter); the latest counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerificationRow {
    pub id: i64,
    pub account_id: i64,
    pub jmbg: String,
    /// The identity document shown (kind and number).
    pub document: String,
    pub verified_by: String,
    pub office_code: String,
    pub at: i64,
}

impl VerificationRow {
    pub fn hash(&self) -> Hash {
        RowHasher::new("citizen_verifications")
            .int(self.id)
            .int(self.account_id)
            .text(&self.jmbg)
            .text(&self.document)
            .text(&self.verified_by)
            .text(&self.office_code)
            .int(self.at)
            .finish()
    }
}

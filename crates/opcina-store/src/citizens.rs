//! Citizens' accounts on the portal: opened online, verified at a counter (a clerk who has
//! seen the identity document links the account to a JMBG), signed in to with a password.
//! A verified citizen reads who has accessed their records.

use opcina_core::registry::Actor;
use opcina_core::{CheckMode, FieldError, Jmbg, Refusal};

use crate::backend::{AccountKey, SessionKind};
use crate::error::{Result, StoreError};
use crate::orders::{normalise_code, readable_code};
use crate::reads::ReadReason;
use crate::rows::{AccessRow, AccountPasswordRow, AccountRow, ExtractRow, OfficeRow, Row, VerificationRow};
use crate::sessions::{DUMMY_PHC, blocking, check_new_password, hash_password, password_matches};
use crate::sql::prelude::*;
use crate::store::Store;

/// A citizen signed in, with the JMBG their account was verified for (if it was).
#[derive(Debug, Clone)]
pub struct Citizen {
    pub account: AccountRow,
    pub verification: Option<VerificationRow>,
}

/// What a verified citizen sees of their own records: who read them and which documents
/// were issued or refused about them.
#[derive(Debug, Clone)]
pub struct OwnRecords {
    /// Reads of the citizen's records, newest first.
    pub reads: Vec<AccessRow>,
    /// Documents about the citizen, newest first.
    pub documents: Vec<ExtractRow>,
    /// The node's offices, to name where a read was made.
    pub offices: Vec<OfficeRow>,
}

/// How many documents the citizen's page lists.
const OWN_DOCUMENTS: i64 = 50;

fn refuse(code: &'static str, field: &str, message: &str) -> Refusal {
    Refusal::one(FieldError::new(code, field, message))
}

/// A plausible e-mail address (the portal sends no mail yet; the address is the login name).
fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else { return false };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && email.len() <= 254
        && !email.contains(char::is_whitespace)
}

impl Store {
    /// Opens an account (unverified); refuses a taken address, a bad address or password.
    pub async fn open_account(&self, email: &str, full_name: &str, password: &str) -> Result<std::result::Result<AccountRow, Refusal>> {
        let email = email.trim().to_lowercase();
        let mut problems = Vec::new();
        if !valid_email(&email) {
            problems.push(FieldError::new("citizen.email_invalid", "email", "give a valid e-mail address"));
        }
        if full_name.trim().is_empty() {
            problems.push(FieldError::new("citizen.name_required", "full_name", "give your name"));
        }
        if let Err(StoreError::Invalid(e)) = check_new_password(password) {
            problems.push(e);
        }
        if !problems.is_empty() {
            return Ok(Err(Refusal { errors: problems }));
        }
        let phc = {
            let password = password.to_string();
            blocking(move || hash_password(&password)).await??
        };
        let portal = Actor::system("portal");
        let mut ex = self.exclusive().await?;
        if self.backend().reads().account(AccountKey::Email(&email)).await?.is_some() {
            let _ = ex.rollback().await;
            return Ok(Err(refuse("citizen.email_taken", "email", "an account with this address exists; sign in")));
        }
        let now = self.now();
        let mut account = AccountRow { id: 0, email, full_name: full_name.trim().to_string(), code: readable_code(2)?, created_at: now.0 };
        account.id = ex.txn.append(Row::new(account.clone()), now, &portal, "citizen.account.opened").await?;
        let password = AccountPasswordRow { id: 0, account_id: account.id, phc, set_at: now.0 };
        ex.txn.append(Row::new(password), now, &portal, "citizen.password.set").await?;
        ex.commit().await?;
        Ok(Ok(account))
    }

    /// Checks a citizen's address and password (an unknown address costs a full check too).
    pub async fn check_citizen(&self, email: &str, password: &str) -> Result<Option<AccountRow>> {
        let email = email.trim().to_lowercase();
        let account = self.backend().reads().account(AccountKey::Email(&email)).await?;
        let stored = match &account {
            Some(a) => self.backend().reads().account_password(a.id).await?.map(|p| p.phc),
            None => None,
        };
        let phc = stored.clone().unwrap_or_else(|| DUMMY_PHC.to_string());
        let password = password.to_string();
        let matches = blocking(move || password_matches(&phc, &password)).await?;
        Ok(account.filter(|_| matches && stored.is_some()))
    }

    /// Opens a citizen's session; returns the token for the cookie.
    pub async fn open_citizen_session(&self, account: &AccountRow) -> Result<String> {
        self.start_session(SessionKind::Citizen, account.id).await
    }

    /// A verified citizen's view of who read their records (a page of `limit` before the id
    /// `before`) and of the documents about them; the citizen's own reading is logged too.
    /// `None` for an account not verified (it has no records to show).
    pub async fn own_records(&self, citizen: &Citizen, before: Option<i64>, limit: i64) -> Result<Option<OwnRecords>> {
        let Some(v) = &citizen.verification else { return Ok(None) };
        let why = ReadReason::new("uvid građanina u evidenciju pristupa vlastitim podacima", None);
        let who = format!("citizen:{}", citizen.account.id);
        self.log_as(&who, "citizen", &[v.jmbg.as_str()], None, "access_log.own", &why).await?;
        let backend = &self.inner.backend;
        Ok(Some(OwnRecords {
            reads: backend.reads().access_log(&v.jmbg, before, limit).await?,
            documents: backend.reads().extracts_of(&v.jmbg, None, OWN_DOCUMENTS).await?,
            offices: backend.reads().offices().await?,
        }))
    }

    /// The citizen of a live session.
    pub async fn citizen_session(&self, token: &str) -> Result<Option<Citizen>> {
        let Some(session) = self.live_session(SessionKind::Citizen, token).await? else { return Ok(None) };
        let Some(account) = self.backend().reads().account(AccountKey::Id(session.user_id)).await? else { return Ok(None) };
        let verification = self.backend().reads().verification(account.id).await?;
        Ok(Some(Citizen { account, verification }))
    }

    pub async fn end_citizen_session(&self, token: &str) -> Result<()> {
        self.stop_session(SessionKind::Citizen, token).await
    }

    /// An account by the code its holder shows at the counter, as the clerk `actor` sees it;
    /// when the account is verified, the read of its holder is logged (`account.view`).
    pub async fn account_by_code(&self, actor: &Actor, code: &str) -> Result<Option<Citizen>> {
        let citizen = self.account_with_code(code).await?;
        self.disclose(actor, "account.view", &ReadReason::new("provjera korisničkog računa na šalteru", None), citizen).await
    }

    async fn account_with_code(&self, code: &str) -> Result<Option<Citizen>> {
        let code = normalise_code(code);
        if code.len() != 9 {
            return Ok(None);
        }
        let Some(account) = self.backend().reads().account(AccountKey::Code(&code)).await? else { return Ok(None) };
        let verification = self.backend().reads().verification(account.id).await?;
        Ok(Some(Citizen { account, verification }))
    }

    /// Records that a clerk saw the account holder's identity document showing `jmbg`. The
    /// node must hold records of that JMBG (its access log is what the citizen will read).
    pub async fn verify_account(
        &self,
        actor: &Actor,
        account_id: i64,
        jmbg: &str,
        document: &str,
    ) -> Result<std::result::Result<VerificationRow, Refusal>> {
        let Some(office) = actor.office.clone().filter(|_| actor.role.reads_records()) else {
            return Ok(Err(Refusal::one(FieldError::general("auth.forbidden", "accounts are verified by staff at an office"))));
        };
        let jmbg = match Jmbg::parse(jmbg.trim(), CheckMode::Strict) {
            Ok(j) => j,
            Err(mut e) => {
                e.field = Some("jmbg".into());
                return Ok(Err(Refusal::one(e)));
            }
        };
        if document.trim().is_empty() {
            return Ok(Err(refuse("citizen.document_required", "document", "give the identity document seen (kind and number)")));
        }
        if self.backend().reads().person_records(&jmbg).await?.is_empty() {
            return Ok(Err(refuse("citizen.person_unknown", "jmbg", "this node holds no entry for this JMBG")));
        }
        if self.backend().reads().account(AccountKey::Id(account_id)).await?.is_none() {
            return Ok(Err(refuse("citizen.account_unknown", "code", "no such account")));
        }
        let now = self.now();
        let mut row = VerificationRow {
            id: 0,
            account_id,
            jmbg: jmbg.to_string(),
            document: document.trim().to_string(),
            verified_by: actor.username.clone(),
            office_code: office,
            at: now.0,
        };
        let mut ex = self.exclusive().await?;
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, "citizen.account.verified").await?;
        ex.commit().await?;
        Ok(Ok(row))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_codes_have_their_form() {
        assert!(valid_email("ana.anic@example.ba"));
        for bad in ["ana", "@example.ba", "ana@example", "ana@.ba", "ana @example.ba"] {
            assert!(!valid_email(bad), "{bad}");
        }
        let code = readable_code(2).unwrap_or_default();
        assert_eq!(code.len(), 9, "{code}");
        assert_eq!(&code[4..5], "-");
    }
}

//! Citizens' accounts on the portal: opened online, verified at a counter (a clerk who has
//! seen the identity document links the account to a JMBG), signed in to with a password.
//! A verified citizen reads who has accessed their records.

use opcina_core::registry::{Actor, Timestamp};
use opcina_core::{CheckMode, FieldError, Jmbg, Refusal};

use crate::admin::{getrandom_fill, token_hash};
use crate::backend::{AccountKey, SessionKind};
use crate::error::{Result, StoreError};
use crate::mail::{Letter, queue};
use crate::orders::{normalise_code, readable_code};
use crate::reads::ReadReason;
use crate::rows::{AccessRow, AccountPasswordRow, AccountRequestRow, AccountRow, ExtractRow, OfficeRow, Row, VerificationRow};
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

/// How long the link to open an account may be followed (microseconds): a day.
pub const ACCOUNT_LINK_TTL: i64 = 24 * 3600 * 1_000_000;

/// The two messages registering may send, in the registering person's language: the link to
/// open the account (`{link}` in its body stands for the link), or, when the address already
/// has an account, a note to its owner.
#[derive(Debug, Clone)]
pub struct AccountLetters {
    pub confirm: Letter,
    pub exists: Letter,
}

impl Store {
    /// Registers a wish to open an account at `email`. The answer is the same whether the
    /// address has an account or not (so registering tells nobody which addresses do): a new
    /// address gets a message with a link, valid for a day, to choose a password and open the
    /// account (`link_base` followed by the link's token); a known one gets a note to its owner.
    /// Both are written to the mail outbox in the same transaction.
    pub async fn request_account(
        &self,
        email: &str,
        full_name: &str,
        letters: &AccountLetters,
        link_base: &str,
    ) -> Result<std::result::Result<(), Refusal>> {
        let (email, full_name) = (email.trim().to_lowercase(), full_name.trim());
        let mut problems = address_and_name_problems(&email, full_name);
        if !full_name.is_empty() {
            problems.extend(opcina_core::registry::validate::printable("full_name", full_name).err());
        }
        if !problems.is_empty() {
            return Ok(Err(Refusal { errors: problems }));
        }
        let portal = Actor::system("portal");
        let mut ex = self.exclusive().await?;
        let now = self.now();
        if ex.txn.reader().await?.account(AccountKey::Email(&email)).await?.is_some() {
            queue(&mut ex.txn, now, &portal, &email, &letters.exists, "account.exists").await?;
        } else {
            let mut bytes = [0u8; 32];
            getrandom_fill(&mut bytes)?;
            let token = hex::encode(bytes);
            let request = AccountRequestRow {
                id: 0,
                email: email.clone(),
                full_name: full_name.to_string(),
                token_hash: token_hash(&token),
                created_at: now.0,
                expires_at: now.0 + ACCOUNT_LINK_TTL,
            };
            ex.txn.append(Row::new(request), now, &portal, "citizen.account.requested").await?;
            let letter = Letter {
                subject: letters.confirm.subject.clone(),
                body: letters.confirm.body.replace("{link}", &format!("{link_base}{token}")),
            };
            queue(&mut ex.txn, now, &portal, &email, &letter, "account.confirm").await?;
        }
        ex.commit().await?;
        Ok(Ok(()))
    }

    /// The request a link's token opens, while it may still be followed: not expired, and no
    /// account with its address opened since.
    pub async fn account_request(&self, token: &str) -> Result<Option<AccountRequestRow>> {
        live_request(&mut *self.backend().reads(), token, self.now().0).await
    }

    /// Opens the account a link's token stands for, with the password its owner chose.
    pub async fn confirm_account(&self, token: &str, password: &str) -> Result<std::result::Result<AccountRow, Refusal>> {
        if let Err(StoreError::Invalid(e)) = check_new_password(password) {
            return Ok(Err(Refusal::one(e)));
        }
        let spent = || refuse("citizen.link_invalid", "token", "this link has expired or was already used; register again");
        if self.account_request(token).await?.is_none() {
            return Ok(Err(spent()));
        }
        let phc = {
            let password = password.to_string();
            blocking(move || hash_password(&password)).await??
        };
        let mut ex = self.exclusive().await?;
        let now = self.now();
        let Some(request) = live_request(ex.txn.reader().await?, token, now.0).await? else {
            ex.rollback().await?;
            return Ok(Err(spent()));
        };
        let account = open_in(&mut ex.txn, now, request.email, request.full_name, phc).await?;
        ex.commit().await?;
        Ok(Ok(account))
    }

    /// Opens an account (unverified) at once, without a link by mail: for the demo's seeding
    /// and for tests. The portal registers through [`Store::request_account`]. Refuses a taken
    /// address, a bad address or password.
    pub async fn open_account(&self, email: &str, full_name: &str, password: &str) -> Result<std::result::Result<AccountRow, Refusal>> {
        let email = email.trim().to_lowercase();
        let mut problems = address_and_name_problems(&email, full_name.trim());
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
        let mut ex = self.exclusive().await?;
        if self.backend().reads().account(AccountKey::Email(&email)).await?.is_some() {
            let _ = ex.rollback().await;
            return Ok(Err(refuse("citizen.email_taken", "email", "an account with this address exists; sign in")));
        }
        let account = open_in(&mut ex.txn, self.now(), email, full_name.trim().to_string(), phc).await?;
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

/// An address that is not one, a name left out.
fn address_and_name_problems(email: &str, full_name: &str) -> Vec<FieldError> {
    let mut problems = Vec::new();
    if !opcina_core::email::plausible(email) {
        problems.push(FieldError::new("citizen.email_invalid", "email", "give a valid e-mail address"));
    }
    if full_name.is_empty() {
        problems.push(FieldError::new("citizen.name_required", "full_name", "give your name"));
    }
    problems
}

/// Appends a new account with its first password to `txn`.
async fn open_in(txn: &mut crate::txn::Txn, now: Timestamp, email: String, full_name: String, phc: String) -> Result<AccountRow> {
    let portal = Actor::system("portal");
    let mut account = AccountRow { id: 0, email, full_name, code: readable_code(2)?, created_at: now.0 };
    account.id = txn.append(Row::new(account.clone()), now, &portal, "citizen.account.opened").await?;
    let password = AccountPasswordRow { id: 0, account_id: account.id, phc, set_at: now.0 };
    txn.append(Row::new(password), now, &portal, "citizen.password.set").await?;
    Ok(account)
}

/// The request a link's token opens while it may be followed (not expired, no account with
/// its address opened since), read where `reads` reads: the pool or a write transaction.
async fn live_request<R: crate::backend::Reads + ?Sized>(reads: &mut R, token: &str, now: i64) -> Result<Option<AccountRequestRow>> {
    let Some(request) = reads.account_request(&token_hash(token)).await? else { return Ok(None) };
    if !link_is_live(&request, now) || reads.account(AccountKey::Email(&request.email)).await?.is_some() {
        return Ok(None);
    }
    Ok(Some(request))
}

/// Whether a request's link may still be followed at `now` (microseconds).
fn link_is_live(request: &AccountRequestRow, now: i64) -> bool {
    now < request.expires_at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_lives_a_day() {
        let request = AccountRequestRow {
            id: 1,
            email: "ana@example.ba".into(),
            full_name: "Ana".into(),
            token_hash: vec![0; 32],
            created_at: 0,
            expires_at: ACCOUNT_LINK_TTL,
        };
        assert!(link_is_live(&request, ACCOUNT_LINK_TTL - 1));
        assert!(!link_is_live(&request, ACCOUNT_LINK_TTL));
    }

    #[test]
    fn codes_have_their_form() {
        let code = readable_code(2).unwrap_or_default();
        assert_eq!(code.len(), 9, "{code}");
        assert_eq!(&code[4..5], "-");
    }
}

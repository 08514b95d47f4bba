//! Staff sign-in: passwords (Argon2id, journaled) and web sessions (operational state).
//!
//! A session's token lives only in the browser's cookie; the database keeps its SHA-256, so
//! a copy of the database does not let anyone sign in. A session ends at sign-out, after
//! [`SESSION_IDLE`] without use, after [`SESSION_MAX`] in any case, and when its user is
//! deactivated.

use argon2::password_hash::{Output, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use opcina_core::FieldError;
use opcina_core::registry::Actor;

use crate::admin::{getrandom_fill, token_hash};
use crate::backend::SessionKind;
use crate::error::{Result, StoreError};
use crate::rows::{PasswordRow, Row, SessionRow, UserRow};
use crate::sql::prelude::*;
use crate::store::Store;

/// The shortest password accepted (NIST SP 800-63B asks for at least 8; staff accounts
/// open personal data, so a little more).
pub const MIN_PASSWORD_CHARS: usize = 10;
const MAX_PASSWORD_CHARS: usize = 256;
/// A session not used for this long has ended (a counter left unattended).
pub const SESSION_IDLE: i64 = 60 * 60 * 1_000_000;
/// A session lasts at most a working day.
pub const SESSION_MAX: i64 = 12 * 60 * 60 * 1_000_000;
/// How stale a session's "last seen" may get before it is written again (a write per
/// request would cost every page a database write).
const TOUCH_EVERY: i64 = 60 * 1_000_000;

fn hasher() -> Argon2<'static> {
    // The OWASP minimum for Argon2id: 19 MiB, 2 passes, 1 lane (about 25 ms here).
    let params = Params::new(19 * 1024, 2, 1, None).unwrap_or_default();
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn invalid(code: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(FieldError::new(code, "password", message))
}

/// Checks a new password against the policy.
pub fn check_new_password(password: &str) -> Result<()> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        return Err(invalid("auth.password.too_short", format!("a password has at least {MIN_PASSWORD_CHARS} characters")));
    }
    if chars > MAX_PASSWORD_CHARS {
        return Err(invalid("auth.password.too_long", format!("a password has at most {MAX_PASSWORD_CHARS} characters")));
    }
    Ok(())
}

/// The length of a password hash (Argon2's default output).
const HASH_BYTES: usize = 32;

thread_local! {
    /// This thread's Argon2 working memory (19 MiB), allocated at its first hash and reused.
    /// Allocated per hash, as the argon2 crate's own `hash_password` does, the allocator kept
    /// another 19 MiB every few sign-ins: a demo node went from 36 MB to 231 MB over 25
    /// sign-ins one after the other. The hashing threads ([`HASHING_THREADS`]) each keep one.
    static BLOCKS: std::cell::RefCell<Vec<argon2::Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Argon2id of `password` with `salt` and `params` into `out`, in this thread's memory.
fn argon2_into(params: Params, password: &[u8], salt: &[u8], out: &mut [u8]) -> std::result::Result<(), argon2::Error> {
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    BLOCKS.with(|blocks| {
        let mut blocks = blocks.borrow_mut();
        if blocks.len() < params.block_count() {
            *blocks = vec![argon2::Block::default(); params.block_count()];
        }
        argon2.hash_password_into_with_memory(password, salt, out, &mut blocks[..params.block_count()])
    })
}

/// The Argon2id PHC string of a password, with a fresh random salt.
pub fn hash_password(password: &str) -> Result<String> {
    let fail = |e: &dyn std::fmt::Display| invalid("auth.password.hash", e.to_string());
    let mut salt = [0u8; 16];
    getrandom_fill(&mut salt)?;
    let params = hasher().params().clone();
    let mut out = [0u8; HASH_BYTES];
    argon2_into(params.clone(), password.as_bytes(), &salt, &mut out).map_err(|e| fail(&e))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: params.try_into().map_err(|e: argon2::password_hash::Error| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches a PHC string (false for an unreadable one, or one not of
/// Argon2id version 19).
pub fn password_matches(phc: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else { return false };
    let (Some(expected), Some(salt)) = (parsed.hash, parsed.salt) else { return false };
    if parsed.algorithm != argon2::ARGON2ID_IDENT || parsed.version.is_some_and(|v| v != u32::from(Version::V0x13)) {
        return false;
    }
    let Ok(params) = Params::try_from(&parsed) else { return false };
    let mut salt_bytes = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_bytes) else { return false };
    let mut out = vec![0u8; expected.len()];
    // `Output`'s equality is constant-time.
    argon2_into(params, password.as_bytes(), salt, &mut out).is_ok() && Output::new(&out).is_ok_and(|computed| computed == expected)
}

/// Threads that compute password hashes. Each hash takes 19 MiB and a core for ~25 ms; run
/// on the blocking pool, 200 concurrent sign-ins took 200 threads and 4–6 GB that the
/// allocator never gave back. Two threads bound it to two hashes' memory; the rest of the
/// requests wait their turn in the queue (200 sign-ins: about 2.5 s for the last).
const HASHING_THREADS: usize = 2;

type Job = Box<dyn FnOnce() + Send>;

/// The queue of the hashing threads, started on first use.
fn hashing_queue() -> Option<&'static std::sync::Mutex<std::sync::mpsc::Sender<Job>>> {
    static QUEUE: std::sync::OnceLock<Option<std::sync::Mutex<std::sync::mpsc::Sender<Job>>>> = std::sync::OnceLock::new();
    QUEUE
        .get_or_init(|| {
            let (tx, rx) = std::sync::mpsc::channel::<Job>();
            let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
            for i in 0..HASHING_THREADS {
                let rx = std::sync::Arc::clone(&rx);
                let spawned = std::thread::Builder::new().name(format!("opcina-hash-{i}")).spawn(move || {
                    loop {
                        // The lock is held only to take the next job.
                        let job = match rx.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            // A job that panics drops its answer (its caller gets an error);
                            // the thread goes on with the next.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => return,
                        }
                    }
                });
                if spawned.is_err() {
                    return None;
                }
            }
            Some(std::sync::Mutex::new(tx))
        })
        .as_ref()
}

/// Runs CPU-heavy work (Argon2) off the async threads, on the hashing threads.
pub(crate) async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let failed = |why: &str| StoreError::Database(sqlx::Error::Io(std::io::Error::other(why.to_string())));
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    let queue = hashing_queue().ok_or_else(|| failed("the password hashing threads could not be started"))?;
    queue
        .lock()
        .map_err(|_| failed("the password hashing queue is poisoned"))?
        .send(job)
        .map_err(|_| failed("the password hashing threads stopped"))?;
    rx.await.map_err(|_| failed("a password hash was not computed"))
}

/// Why a sign-in failed (the page says only "wrong username or password"; the log says which).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignInFailure {
    UnknownUser,
    Inactive,
    NoPassword,
    WrongPassword,
}

impl Store {
    /// Sets a user's password (a new journaled row; the old ones stay as history) and ends
    /// the user's open sessions.
    pub async fn set_password(&self, actor: &Actor, username: &str, password: &str) -> Result<()> {
        check_new_password(password)?;
        let phc = {
            let password = password.to_string();
            blocking(move || hash_password(&password)).await??
        };
        let mut ex = self.exclusive().await?;
        let Some(user) = ex.txn.reader().await?.user(username).await? else {
            let _ = ex.rollback().await;
            return Err(StoreError::Invalid(FieldError::new("admin.user.unknown", "username", format!("no user {username}"))));
        };
        let now = self.now();
        let row = PasswordRow { id: 0, user_id: user.id, phc, set_by: actor.username.clone(), set_at: now.0 };
        ex.txn.append(Row::new(row), now, actor, "admin.password.set").await?;
        ex.commit().await?;
        crate::sql::accounts::end_sessions(self.backend(), SessionKind::Staff, None, Some(user.id), now.0).await?;
        Ok(())
    }

    /// Checks a username and password. Argon2 runs off the async threads; an unknown user
    /// costs the same as a wrong password, so timing does not tell which usernames exist.
    pub async fn check_password(&self, username: &str, password: &str) -> Result<std::result::Result<UserRow, SignInFailure>> {
        let user = self.backend().reads().user(username).await?;
        let stored = match &user {
            Some(u) => self.backend().reads().password(u.id).await?.map(|p| p.phc),
            None => None,
        };
        let phc = stored.clone().unwrap_or_else(|| DUMMY_PHC.to_string());
        let password = password.to_string();
        let matches = blocking(move || password_matches(&phc, &password)).await?;
        Ok(match (user, stored.is_some(), matches) {
            (None, _, _) => Err(SignInFailure::UnknownUser),
            (Some(_), false, _) => Err(SignInFailure::NoPassword),
            (Some(_), true, false) => Err(SignInFailure::WrongPassword),
            (Some(u), true, true) if !u.active => Err(SignInFailure::Inactive),
            (Some(u), true, true) => Ok(u),
        })
    }

    /// Opens a session for a signed-in user; returns the token for the cookie.
    pub async fn open_session(&self, user: &UserRow) -> Result<String> {
        self.start_session(SessionKind::Staff, user.id).await
    }

    /// The user of a live session, or `None` when the token is unknown, the session ended or
    /// expired, or the user was deactivated.
    pub async fn session_user(&self, token: &str) -> Result<Option<UserRow>> {
        let Some(session) = self.live_session(SessionKind::Staff, token).await? else { return Ok(None) };
        Ok(self.backend().reads().user_by_id(session.user_id).await?.filter(|u| u.active))
    }

    /// Ends a session (sign-out).
    pub async fn end_session(&self, token: &str) -> Result<()> {
        self.stop_session(SessionKind::Staff, token).await
    }

    /// Opens a session of either kind for `subject` (a user or a citizen's account).
    pub(crate) async fn start_session(&self, kind: SessionKind, subject: i64) -> Result<String> {
        let mut bytes = [0u8; 32];
        getrandom_fill(&mut bytes)?;
        let token = hex::encode(bytes);
        let now = self.now().0;
        let row = SessionRow {
            token_hash: token_hash(&token),
            user_id: subject,
            created_at: now,
            seen_at: now,
            expires_at: now + SESSION_MAX,
            ended_at: None,
        };
        crate::sql::accounts::insert_session(self.backend(), kind, &row).await?;
        Ok(token)
    }

    /// A session that has not ended, expired or idled out; its use is recorded.
    pub(crate) async fn live_session(&self, kind: SessionKind, token: &str) -> Result<Option<SessionRow>> {
        let hash = token_hash(token);
        let Some(session) = self.backend().reads().session(kind, &hash).await? else { return Ok(None) };
        let now = self.now().0;
        if session.ended_at.is_some() || now >= session.expires_at || now - session.seen_at >= SESSION_IDLE {
            return Ok(None);
        }
        if now - session.seen_at > TOUCH_EVERY {
            crate::sql::accounts::touch_session(self.backend(), kind, &hash, now).await?;
        }
        Ok(Some(session))
    }

    pub(crate) async fn stop_session(&self, kind: SessionKind, token: &str) -> Result<()> {
        crate::sql::accounts::end_sessions(self.backend(), kind, Some(&token_hash(token)), None, self.now().0).await?;
        Ok(())
    }
}

/// A valid Argon2id hash of a random password nobody knows, verified when the username is
/// unknown so that the answer takes as long as for a known one.
pub(crate) const DUMMY_PHC: &str = "$argon2id$v=19$m=19456,t=2,p=1$b3BjaW5hLWR1bW15LXNhbHQ$6b0P3wCS9kZXw5F2mfH2S7QxSlb7XjU0TRr2eD3ZqvM";

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() {
        let phc = hash_password("tačna lozinka").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(password_matches(&phc, "tačna lozinka"));
        assert!(!password_matches(&phc, "tacna lozinka"));
        assert!(!password_matches("not a hash", "tačna lozinka"));
        assert_ne!(phc, hash_password("tačna lozinka").unwrap(), "salted");
    }

    #[test]
    fn hashes_agree_with_the_argon2_crates_own() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let salt = SaltString::encode_b64(b"sol-od-16-bajtova").unwrap();
        let theirs = hasher().hash_password("lozinka-građanke".as_bytes(), &salt).unwrap().to_string();
        assert!(password_matches(&theirs, "lozinka-građanke") && !password_matches(&theirs, "lozinka-gradjanke"));
        let ours = hash_password("lozinka-građanke").unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(hasher().verify_password("lozinka-građanke".as_bytes(), &parsed).is_ok());
        assert!(hasher().verify_password("lozinka-gradjanke".as_bytes(), &parsed).is_err());
        let argon2i = theirs.replace("$argon2id$", "$argon2i$");
        assert!(!password_matches(&argon2i, "lozinka-građanke"), "only Argon2id is read");
    }

    #[test]
    fn the_dummy_hash_is_readable_so_that_unknown_users_cost_a_full_check() {
        assert!(PasswordHash::new(DUMMY_PHC).is_ok());
        assert!(!password_matches(DUMMY_PHC, ""));
    }

    #[test]
    fn short_and_overlong_passwords_are_refused() {
        assert!(check_new_password("kratka").is_err());
        assert!(check_new_password("dovoljno duga").is_ok());
        assert!(check_new_password(&"x".repeat(300)).is_err());
    }
}

//! Administration of a node: its identity and offices, its users and their API tokens.
//! Every change is journaled like any other.

use opcina_core::FieldError;
use opcina_core::registry::{Actor, Role, Timestamp};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};
use crate::rows::{JmbgBlockRow, NodeRow, OfficeRow, Row, SettlementRow, TokenRow, UserRow};
use crate::sql::prelude::*;
use crate::store::Store;

/// What a node is when it is set up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeSpec {
    pub code: String,
    pub municipality: String,
    pub region: u8,
    pub lenient_jmbg: bool,
    pub canton: String,
    pub entity: String,
}

/// A registry office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficeSpec {
    pub code: String,
    pub name: String,
    pub settlement: String,
    pub address: String,
    pub hours: String,
}

/// Changes to a user (what is `None` stays as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChange {
    pub full_name: Option<String>,
    pub role: Option<Role>,
    /// `Some(None)`: no office (auditors, admins).
    pub office: Option<Option<String>>,
    pub active: Option<bool>,
}

/// A new user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserSpec {
    pub username: String,
    pub full_name: String,
    pub role: Role,
    pub office: Option<String>,
}

fn invalid(code: &'static str, field: &str, message: impl Into<String>) -> StoreError {
    StoreError::Invalid(FieldError::new(code, field, message))
}

fn check_code(field: &str, code: &str) -> Result<()> {
    let ok = !code.is_empty() && code.len() <= 16 && code.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    if ok { Ok(()) } else { Err(invalid("admin.code.invalid", field, "a code has 1–16 capital letters, digits or hyphens")) }
}

/// The SHA-256 under which a token is stored (tokens are random, so a fast hash suffices).
pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.trim().as_bytes()).to_vec()
}

impl Store {
    /// Every user of the node (staff), active or not.
    pub async fn users(&self) -> Result<Vec<UserRow>> {
        self.inner.backend.reads().users().await
    }

    /// A user by username.
    pub async fn user(&self, username: &str) -> Result<Option<UserRow>> {
        self.inner.backend.reads().user(username).await
    }

    /// The active user holding a live API token with this hash ([`token_hash`]).
    pub async fn user_by_token(&self, token_hash: &[u8]) -> Result<Option<UserRow>> {
        self.inner.backend.reads().user_by_token(token_hash).await
    }

    /// Sets up the node: its municipality and its offices. Refused when already done.
    pub async fn init_node(&self, actor: &Actor, node: &NodeSpec, offices: &[OfficeSpec]) -> Result<NodeRow> {
        check_code("code", &node.code)?;
        if node.region > 99 {
            return Err(invalid("admin.region.invalid", "region", "a JMBG region has two digits"));
        }
        let mut ex = self.exclusive().await?;
        if ex.txn.reader().await?.node().await?.is_some() {
            let _ = ex.rollback().await;
            return Err(invalid("admin.node.exists", "code", "the node is already initialised"));
        }
        let now = self.now();
        let mut row = NodeRow {
            id: 0,
            code: node.code.clone(),
            municipality: node.municipality.clone(),
            region: i64::from(node.region),
            jmbg_mode: if node.lenient_jmbg { "lenient".into() } else { "strict".into() },
            canton: node.canton.clone(),
            entity: node.entity.clone(),
            created_at: now.0,
        };
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, "admin.node.initialised").await?;
        for o in offices {
            check_code("offices.code", &o.code)?;
            ex.txn.append(Row::new(office_row(o, now)), now, actor, "admin.office.added").await?;
        }
        ex.commit().await?;
        Ok(row)
    }

    /// Sets the share of its region's JMBG serials the node assigns from now on (see
    /// [`SerialBlock`](opcina_core::jmbg::SerialBlock)), on the `basis` the federation
    /// authority gave it. Serials assigned before stay taken whatever the block.
    pub async fn set_jmbg_block(&self, actor: &Actor, block: opcina_core::jmbg::SerialBlock, basis: &str) -> Result<JmbgBlockRow> {
        let basis = basis.trim();
        if basis.is_empty() {
            return Err(invalid("admin.jmbg_block.basis_required", "basis", "say on which act or directory the block is set"));
        }
        let mut ex = self.exclusive().await?;
        let Some(node) = ex.txn.reader().await?.node().await? else {
            let _ = ex.rollback().await;
            return Err(StoreError::NotInitialised);
        };
        let now = self.now();
        let mut row = JmbgBlockRow {
            id: 0,
            region: node.region,
            first_serial: i64::from(block.first),
            serial_count: i64::from(block.count),
            basis: basis.to_string(),
            set_by: actor.username.clone(),
            set_at: now.0,
        };
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, "admin.jmbg_block.set").await?;
        ex.commit().await?;
        Ok(row)
    }

    /// The share of the region's JMBG serials in force, when one was set.
    pub async fn jmbg_block(&self) -> Result<Option<JmbgBlockRow>> {
        self.inner.backend.reads().jmbg_block().await
    }

    /// Adds a registry office.
    pub async fn add_office(&self, actor: &Actor, office: &OfficeSpec) -> Result<OfficeRow> {
        check_code("code", &office.code)?;
        let mut ex = self.exclusive().await?;
        if ex.txn.reader().await?.office(&office.code).await?.is_some() {
            let _ = ex.rollback().await;
            return Err(invalid("admin.office.exists", "code", format!("the office {} already exists", office.code)));
        }
        let now = self.now();
        let mut row = office_row(office, now);
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, "admin.office.added").await?;
        ex.txn.forget_memo::<crate::exec::Offices>();
        ex.commit().await?;
        Ok(row)
    }

    /// Adds a settlement of the municipality, with the office whose books hold its entries: a
    /// residence naming it is then in the node's territory.
    pub async fn add_settlement(&self, actor: &Actor, name: &str, office_code: &str) -> Result<SettlementRow> {
        let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
        if name.chars().filter(|c| c.is_alphabetic()).count() < 2 {
            return Err(invalid("admin.settlement.name_required", "name", "give the settlement's name"));
        }
        let mut ex = self.exclusive().await?;
        if ex.txn.reader().await?.office(office_code).await?.is_none() {
            let _ = ex.rollback().await;
            return Err(invalid("admin.office.unknown", "office", format!("the office {office_code} does not exist on this node")));
        }
        let folded = opcina_core::names::fold(&name);
        if ex.txn.reader().await?.settlements().await?.iter().any(|s| opcina_core::names::fold(&s.name) == folded) {
            let _ = ex.rollback().await;
            return Err(invalid("admin.settlement.exists", "name", format!("{name} is already a settlement of this node")));
        }
        let now = self.now();
        let mut row = SettlementRow { id: 0, name, office_code: office_code.to_string(), added_at: now.0 };
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, "admin.settlement.added").await?;
        ex.txn.forget_memo::<crate::exec::Offices>();
        ex.commit().await?;
        Ok(row)
    }

    /// The settlements the node knows by name, beside its offices' seats.
    pub async fn settlements(&self) -> Result<Vec<SettlementRow>> {
        self.inner.backend.reads().settlements().await
    }

    /// Adds a user. Registrars and counter clerks belong to an office; auditors and admins
    /// do not.
    pub async fn add_user(&self, actor: &Actor, spec: &UserSpec) -> Result<UserRow> {
        let username = spec.username.trim();
        let valid = (2..=64).contains(&username.len())
            && username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'));
        if !valid {
            return Err(invalid(
                "admin.username.invalid",
                "username",
                "a username has 2–64 lowercase letters, digits, dots, underscores or hyphens",
            ));
        }
        match (spec.role.needs_office(), &spec.office) {
            (true, None) => {
                return Err(invalid("admin.office.required", "office", format!("a {} works at an office: give --office", spec.role)));
            }
            (false, Some(_)) => {
                return Err(invalid("admin.office.not_allowed", "office", format!("a {} does not belong to an office", spec.role)));
            }
            _ => {}
        }
        let mut ex = self.exclusive().await?;
        if let Some(code) = &spec.office {
            if ex.txn.reader().await?.office(code).await?.is_none() {
                let _ = ex.rollback().await;
                return Err(invalid("admin.office.unknown", "office", format!("no office with code {code}; see `opcina office list`")));
            }
        }
        if ex.txn.reader().await?.user(username).await?.is_some() {
            let _ = ex.rollback().await;
            return Err(invalid("admin.username.taken", "username", format!("the username {username} is taken")));
        }
        let now = self.now();
        let mut row = UserRow {
            id: 0,
            username: username.to_string(),
            full_name: if spec.full_name.trim().is_empty() { username.to_string() } else { spec.full_name.trim().to_string() },
            role: spec.role,
            office_code: spec.office.clone(),
            active: true,
            created_at: now.0,
        };
        row.id = ex.txn.append(Row::new(row.clone()), now, actor, "admin.user.added").await?;
        ex.commit().await?;
        Ok(row)
    }

    /// Changes a user's name, role, office or activity. A deactivated user's sessions end at
    /// once (API tokens stop within the token cache's lifetime). Nobody deactivates or demotes
    /// themself, so a node cannot lose its last way in by accident.
    pub async fn update_user(&self, actor: &Actor, username: &str, change: &UserChange) -> Result<UserRow> {
        if actor.username == username && (change.active == Some(false) || change.role.is_some_and(|r| r != actor.role)) {
            return Err(invalid("admin.user.self_change", "active", "you cannot deactivate yourself or change your own role"));
        }
        let mut ex = self.exclusive().await?;
        let Some(mut user) = ex.txn.reader().await?.user(username).await? else {
            let _ = ex.rollback().await;
            return Err(invalid("admin.user.unknown", "username", format!("no user {username}")));
        };
        if let Some(name) = &change.full_name {
            let name = name.trim();
            if name.is_empty() {
                let _ = ex.rollback().await;
                return Err(invalid("admin.user.name_required", "full_name", "give the user's full name"));
            }
            user.full_name = name.to_string();
        }
        if let Some(role) = change.role {
            user.role = role;
        }
        if let Some(office) = &change.office {
            user.office_code = office.clone();
        }
        if let Some(active) = change.active {
            user.active = active;
        }
        let role = user.role;
        match (role.needs_office(), &user.office_code) {
            (true, None) => {
                let _ = ex.rollback().await;
                return Err(invalid("admin.office.required", "office", format!("a {role} works at an office")));
            }
            (false, Some(_)) => {
                let _ = ex.rollback().await;
                return Err(invalid("admin.office.not_allowed", "office", format!("a {role} does not belong to an office")));
            }
            (true, Some(code)) => {
                if ex.txn.reader().await?.office(code).await?.is_none() {
                    let _ = ex.rollback().await;
                    return Err(invalid("admin.office.unknown", "office", format!("no office with code {code}")));
                }
            }
            (false, None) => {}
        }
        let now = self.now();
        ex.txn.update(Row::new(user.clone()), now, actor, "admin.user.changed").await?;
        ex.commit().await?;
        if !user.active {
            crate::sql::accounts::end_sessions(self.backend(), crate::backend::SessionKind::Staff, None, Some(user.id), now.0).await?;
        }
        Ok(user)
    }

    /// Creates an API token for a user and returns it; only its hash is stored, so it is
    /// shown once.
    pub async fn create_token(&self, actor: &Actor, username: &str, label: &str) -> Result<String> {
        let mut bytes = [0u8; 32];
        getrandom_fill(&mut bytes)?;
        let token = format!("opc_{}", hex::encode(bytes));
        let mut ex = self.exclusive().await?;
        let Some(user) = ex.txn.reader().await?.user(username).await? else {
            let _ = ex.rollback().await;
            return Err(invalid("admin.user.unknown", "username", format!("no user {username}")));
        };
        let now = self.now();
        let row = TokenRow {
            id: 0,
            user_id: user.id,
            token_hash: token_hash(&token),
            label: label.to_string(),
            created_at: now.0,
            revoked_at: None,
        };
        ex.txn.append(Row::new(row), now, actor, "admin.token.created").await?;
        ex.commit().await?;
        Ok(token)
    }
}

fn office_row(o: &OfficeSpec, now: Timestamp) -> OfficeRow {
    OfficeRow {
        id: 0,
        code: o.code.clone(),
        name: o.name.clone(),
        settlement: o.settlement.clone(),
        address: o.address.clone(),
        hours: o.hours.clone(),
        created_at: now.0,
    }
}

pub(crate) fn getrandom_fill(buf: &mut [u8]) -> Result<()> {
    getrandom::fill(buf).map_err(|e| StoreError::Database(sqlx::Error::Io(std::io::Error::other(e.to_string()))))
}

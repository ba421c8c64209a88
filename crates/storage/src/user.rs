//! 用户 — staff accounts, their roles over organisations, sign-in with lockout, API tokens.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::role::{Grant, Role};
use rand::rngs::OsRng;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::audit::{self, Actor, Change};
use crate::schema::{api_tokens, grants, organisations, users};
use crate::{write_txn, AnyConnection, Result, StorageError};

/// Failed sign-ins in a row before the account locks.
pub const LOCKOUT_AFTER: i32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_MINUTES: i64 = 15;
pub const MIN_PASSWORD_CHARS: usize = 10;

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub org_id: i64,
    pub disabled: bool,
    pub failed_logins: i32,
    pub locked_until: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    /// Where the daily health digest is mailed (optional).
    pub email: Option<String>,
}

impl User {
    pub fn actor(&self, ip: Option<String>) -> Actor {
        Actor {
            user_id: Some(self.id),
            name: self.username.clone(),
            ip,
        }
    }
    pub fn is_locked(&self, now: NaiveDateTime) -> bool {
        self.locked_until.is_some_and(|t| t > now)
    }
}

/// A role held over one organisation, with that organisation's path for scope checks.
#[derive(Debug, Clone, Serialize)]
pub struct UserGrant {
    pub role: String,
    pub org_id: i64,
    pub org_path: String,
    pub org_name: String,
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| StorageError::Conflict(format!("cannot hash password: {e}")))
}

fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password: &'a str,
    pub org_id: i64,
    pub roles: &'a [(Role, i64)],
}

pub fn create(conn: &mut AnyConnection, actor: &Actor, new: &NewUser<'_>) -> Result<User> {
    let mut errors = gongkai_domain::item::FieldErrors::default();
    let username = new.username.trim();
    if username.is_empty()
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        errors.add("username", "用户名只能使用字母、数字和 . _ -");
    }
    if new.password.chars().count() < MIN_PASSWORD_CHARS {
        errors.add("password", format!("密码至少 {MIN_PASSWORD_CHARS} 位"));
    }
    if new.display_name.trim().is_empty() {
        errors.add("display_name", "姓名必填");
    }
    if !errors.is_empty() {
        return Err(StorageError::Invalid(errors));
    }
    let hash = hash_password(new.password)?;
    write_txn(conn, |conn| {
        if find_by_username(conn, username)?.is_some() {
            let mut e = gongkai_domain::item::FieldErrors::default();
            e.add("username", "用户名已存在");
            return Err(StorageError::Invalid(e));
        }
        let id: i64 = diesel::insert_into(users::table)
            .values((
                users::username.eq(username),
                users::display_name.eq(new.display_name.trim()),
                users::password_hash.eq(&hash),
                users::org_id.eq(new.org_id),
                users::created_at.eq(crate::now()),
            ))
            .returning(users::id)
            .get_result(conn)?;
        for (role, org_id) in new.roles {
            diesel::insert_into(grants::table)
                .values((
                    grants::user_id.eq(id),
                    grants::role.eq(role.as_str()),
                    grants::org_id.eq(org_id),
                ))
                .execute(conn)?;
        }
        let roles: Vec<String> = new
            .roles
            .iter()
            .map(|(r, o)| format!("{}@{o}", r.as_str()))
            .collect();
        audit::record(
            conn,
            actor,
            Change {
                action: "user.create",
                entity: "user",
                entity_id: id.to_string(),
                org_id: Some(new.org_id),
                summary: format!("created user {username} with roles {}", roles.join(", ")),
                before: None,
                after: Some(serde_json::json!({"username": username, "roles": roles})),
            },
        )?;
        get(conn, id)
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<User> {
    users::table
        .find(id)
        .select(User::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "user",
            id: id.to_string(),
        })
}

pub fn find_by_username(conn: &mut AnyConnection, username: &str) -> Result<Option<User>> {
    Ok(users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()?)
}

pub fn all(conn: &mut AnyConnection) -> Result<Vec<User>> {
    Ok(users::table
        .order(users::username.asc())
        .select(User::as_select())
        .load(conn)?)
}

pub fn grants_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<UserGrant>> {
    let rows: Vec<(String, i64, String, String)> = grants::table
        .inner_join(organisations::table.on(organisations::id.eq(grants::org_id)))
        .filter(grants::user_id.eq(user_id))
        .select((
            grants::role,
            grants::org_id,
            organisations::path,
            organisations::name,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(role, org_id, org_path, org_name)| UserGrant {
            role,
            org_id,
            org_path,
            org_name,
        })
        .collect())
}

/// The domain's view of a user's grants, for permission checks.
pub fn domain_grants(grants: &[UserGrant]) -> Vec<Grant> {
    grants
        .iter()
        .filter_map(|g| {
            Some(Grant {
                role: g.role.parse().ok()?,
                scope_path: g.org_path.clone(),
            })
        })
        .collect()
}

/// Why a sign-in failed. The web layer shows the same message for unknown users and wrong
/// passwords, so accounts cannot be discovered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginFailure {
    BadCredentials,
    Locked { until: NaiveDateTime },
    Disabled,
}

/// Checks a password, counting failures: the `LOCKOUT_AFTER`th failure in a row locks the
/// account for `LOCKOUT_MINUTES`; a success resets the count.
pub fn authenticate(
    conn: &mut AnyConnection,
    username: &str,
    password: &str,
    now: NaiveDateTime,
) -> Result<std::result::Result<User, LoginFailure>> {
    let Some(user) = find_by_username(conn, username.trim())? else {
        // Spend the same time as a real check so timing does not reveal which names exist.
        let _ = verify_password("$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$T6MDd1UAmC/HYtZV8RCgG+zTfYSyGqD1XbJZQ3nSqEM", password);
        return Ok(Err(LoginFailure::BadCredentials));
    };
    if user.disabled {
        return Ok(Err(LoginFailure::Disabled));
    }
    if let Some(until) = user.locked_until.filter(|t| *t > now) {
        return Ok(Err(LoginFailure::Locked { until }));
    }
    let ok = verify_password(&user.password_hash, password);
    write_txn(conn, |conn| {
        if ok {
            diesel::update(users::table.find(user.id))
                .set((
                    users::failed_logins.eq(0),
                    users::locked_until.eq(None::<NaiveDateTime>),
                ))
                .execute(conn)?;
            return Ok(Ok(user.clone()));
        }
        let failures: i32 = diesel::update(users::table.find(user.id))
            .set(users::failed_logins.eq(users::failed_logins + 1))
            .returning(users::failed_logins)
            .get_result(conn)?;
        if failures >= LOCKOUT_AFTER {
            let until = now + Duration::minutes(LOCKOUT_MINUTES);
            diesel::update(users::table.find(user.id))
                .set((
                    users::locked_until.eq(Some(until)),
                    users::failed_logins.eq(0),
                ))
                .execute(conn)?;
            audit::record(
                conn,
                &Actor::system("login"),
                Change {
                    action: "user.lock",
                    entity: "user",
                    entity_id: user.id.to_string(),
                    org_id: Some(user.org_id),
                    summary: format!(
                        "{} locked after {LOCKOUT_AFTER} failed sign-ins",
                        user.username
                    ),
                    before: None,
                    after: None,
                },
            )?;
            return Ok(Err(LoginFailure::Locked { until }));
        }
        Ok(Err(LoginFailure::BadCredentials))
    })
}

/// Disables or re-enables an account (a disabled account cannot sign in and its sessions stop
/// working); re-enabling also clears a lockout.
pub fn set_disabled(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
    disabled: bool,
) -> Result<User> {
    write_txn(conn, |conn| {
        let u = get(conn, user_id)?;
        diesel::update(users::table.find(user_id))
            .set((
                users::disabled.eq(disabled),
                users::failed_logins.eq(0),
                users::locked_until.eq(None::<NaiveDateTime>),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: if disabled {
                    "user.disable"
                } else {
                    "user.enable"
                },
                entity: "user",
                entity_id: user_id.to_string(),
                org_id: Some(u.org_id),
                summary: format!(
                    "{} {}",
                    if disabled { "disabled" } else { "enabled" },
                    u.username
                ),
                before: Some(serde_json::json!({"disabled": u.disabled})),
                after: Some(serde_json::json!({"disabled": disabled})),
            },
        )?;
        get(conn, user_id)
    })
}

/// Sets or clears (`None` or blank) the address a user gets mail at. The address is checked for
/// shape only (one `@`, no spaces, at most 254 characters); whether it works shows when mail goes.
pub fn set_email(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
    email: Option<&str>,
) -> Result<User> {
    let email = email.map(str::trim).filter(|e| !e.is_empty());
    if let Some(e) = email {
        let ok = e.chars().count() <= 254
            && !e.chars().any(char::is_whitespace)
            && e.split_once('@')
                .is_some_and(|(l, d)| !l.is_empty() && d.contains('.') && !d.contains('@'));
        if !ok {
            return Err(gongkai_domain::DomainError::invalid("email", "邮箱地址格式不正确").into());
        }
    }
    write_txn(conn, |conn| {
        let u = get(conn, user_id)?;
        diesel::update(users::table.find(user_id))
            .set(users::email.eq(email))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "user.email",
                entity: "user",
                entity_id: user_id.to_string(),
                org_id: Some(u.org_id),
                summary: format!(
                    "{} the mail address of {}",
                    if email.is_some() { "set" } else { "cleared" },
                    u.username
                ),
                before: Some(serde_json::json!({"email": u.email})),
                after: Some(serde_json::json!({"email": email})),
            },
        )?;
        get(conn, user_id)
    })
}

/// Gives a user a role over an organisation (and its children).
pub fn grant(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
    role: Role,
    org_id: i64,
) -> Result<()> {
    write_txn(conn, |conn| {
        let u = get(conn, user_id)?;
        let exists: i64 = grants::table
            .filter(grants::user_id.eq(user_id))
            .filter(grants::role.eq(role.as_str()))
            .filter(grants::org_id.eq(org_id))
            .count()
            .get_result(conn)?;
        if exists > 0 {
            return Err(StorageError::Conflict(
                "the user already holds this role there".into(),
            ));
        }
        diesel::insert_into(grants::table)
            .values((
                grants::user_id.eq(user_id),
                grants::role.eq(role.as_str()),
                grants::org_id.eq(org_id),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "user.grant",
                entity: "user",
                entity_id: user_id.to_string(),
                org_id: Some(org_id),
                summary: format!(
                    "granted {} to {} over organisation {org_id}",
                    role.as_str(),
                    u.username
                ),
                before: None,
                after: None,
            },
        )
    })
}

/// Takes a role away.
pub fn revoke(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
    role: Role,
    org_id: i64,
) -> Result<()> {
    write_txn(conn, |conn| {
        let u = get(conn, user_id)?;
        let n = diesel::delete(
            grants::table
                .filter(grants::user_id.eq(user_id))
                .filter(grants::role.eq(role.as_str()))
                .filter(grants::org_id.eq(org_id)),
        )
        .execute(conn)?;
        if n == 0 {
            return Err(StorageError::NotFound {
                what: "grant",
                id: format!("{}@{org_id}", role.as_str()),
            });
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "user.revoke",
                entity: "user",
                entity_id: user_id.to_string(),
                org_id: Some(org_id),
                summary: format!(
                    "revoked {} from {} over organisation {org_id}",
                    role.as_str(),
                    u.username
                ),
                before: None,
                after: None,
            },
        )
    })
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Issues an API token for `user_id`; the token is shown once, only its hash is stored.
pub fn create_api_token(
    conn: &mut AnyConnection,
    actor: &Actor,
    user_id: i64,
    name: &str,
) -> Result<String> {
    let token = format!("gk_{}", crate::session::random_token());
    write_txn(conn, |conn| {
        diesel::insert_into(api_tokens::table)
            .values((
                api_tokens::user_id.eq(user_id),
                api_tokens::name.eq(name),
                api_tokens::token_hash.eq(token_hash(&token)),
                api_tokens::created_at.eq(crate::now()),
            ))
            .execute(conn)?;
        audit::record(
            conn,
            actor,
            Change {
                action: "api_token.create",
                entity: "user",
                entity_id: user_id.to_string(),
                org_id: None,
                summary: format!("API token {name} issued"),
                before: None,
                after: None,
            },
        )
    })?;
    Ok(token)
}

pub fn user_for_api_token(conn: &mut AnyConnection, token: &str) -> Result<Option<User>> {
    let user_id: Option<i64> = api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash(token)))
        .filter(api_tokens::revoked_at.is_null())
        .select(api_tokens::user_id)
        .first(conn)
        .optional()?;
    match user_id {
        Some(id) => Ok(Some(get(conn, id)?).filter(|u| !u.disabled)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};

    #[test]
    fn sign_in_locks_after_repeated_failures() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let u = create(
                &mut c,
                &Actor::system("test"),
                &NewUser {
                    username: "editor1",
                    display_name: "编辑一",
                    password: "correct horse battery",
                    org_id: org,
                    roles: &[(Role::Editor, org)],
                },
            )
            .unwrap();
            assert!(!u.password_hash.contains("correct"));
            let now = crate::now();
            assert!(
                authenticate(&mut c, "editor1", "correct horse battery", now)
                    .unwrap()
                    .is_ok()
            );
            assert_eq!(
                authenticate(&mut c, "nobody", "x", now)
                    .unwrap()
                    .unwrap_err(),
                LoginFailure::BadCredentials
            );
            for _ in 0..LOCKOUT_AFTER - 1 {
                assert_eq!(
                    authenticate(&mut c, "editor1", "wrong", now)
                        .unwrap()
                        .unwrap_err(),
                    LoginFailure::BadCredentials
                );
            }
            assert!(matches!(
                authenticate(&mut c, "editor1", "wrong", now).unwrap(),
                Err(LoginFailure::Locked { .. })
            ));
            // Even the right password is refused while locked, and accepted once the lock expires.
            assert!(matches!(
                authenticate(&mut c, "editor1", "correct horse battery", now).unwrap(),
                Err(LoginFailure::Locked { .. })
            ));
            let later = now + Duration::minutes(LOCKOUT_MINUTES + 1);
            assert!(
                authenticate(&mut c, "editor1", "correct horse battery", later)
                    .unwrap()
                    .is_ok()
            );
            let g = grants_of(&mut c, u.id).unwrap();
            assert_eq!(g.len(), 1);
            assert_eq!(domain_grants(&g)[0].role, Role::Editor);
            // Re-enabling clears the lockout; a disabled account cannot sign in at all.
            let a = Actor::system("test");
            set_disabled(&mut c, &a, u.id, true).unwrap();
            assert_eq!(
                authenticate(&mut c, "editor1", "correct horse battery", later)
                    .unwrap()
                    .unwrap_err(),
                LoginFailure::Disabled
            );
            set_disabled(&mut c, &a, u.id, false).unwrap();
            grant(&mut c, &a, u.id, Role::Reviewer, org).unwrap();
            assert!(
                grant(&mut c, &a, u.id, Role::Reviewer, org).is_err(),
                "no duplicate grants"
            );
            assert_eq!(grants_of(&mut c, u.id).unwrap().len(), 2);
            revoke(&mut c, &a, u.id, Role::Editor, org).unwrap();
            assert_eq!(
                domain_grants(&grants_of(&mut c, u.id).unwrap())[0].role,
                Role::Reviewer
            );
        });
    }

    #[test]
    fn weak_passwords_and_duplicate_names_are_refused() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let mk = |c: &mut AnyConnection, name: &str, pw: &str| {
                create(
                    c,
                    &Actor::system("test"),
                    &NewUser {
                        username: name,
                        display_name: "x",
                        password: pw,
                        org_id: org,
                        roles: &[],
                    },
                )
            };
            assert!(
                matches!(mk(&mut c, "a", "short"), Err(StorageError::Invalid(e)) if e.get("password").is_some())
            );
            mk(&mut c, "a", "long enough pw").unwrap();
            assert!(
                matches!(mk(&mut c, "a", "long enough pw"), Err(StorageError::Invalid(e)) if e.get("username").is_some())
            );
            let token = create_api_token(&mut c, &Actor::system("test"), 1, "ci").unwrap();
            assert_eq!(
                user_for_api_token(&mut c, &token)
                    .unwrap()
                    .unwrap()
                    .username,
                "a"
            );
            assert!(user_for_api_token(&mut c, "gk_forged").unwrap().is_none());
        });
    }
}

//! Staff sessions, kept in the database so several app nodes share them (ADR 0004). The cookie
//! holds a random token; only its SHA-256 is stored, so a database leak yields no live sessions.
//! Each session carries its CSRF token (synchroniser-token pattern).

use base64::Engine;
use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use rand::RngCore;

use crate::schema::sessions;
use crate::user::{self, token_hash, User};
use crate::{AnyConnection, Result};

/// Idle sessions end after this long; every request within it extends the session.
pub const IDLE_HOURS: i64 = 8;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
}

/// 32 random bytes, URL-safe base64.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Starts a session; returns the cookie token (never stored) and the session.
pub fn start(
    conn: &mut AnyConnection,
    user_id: i64,
    now: NaiveDateTime,
) -> Result<(String, Session)> {
    let token = random_token();
    let session = Session {
        token_hash: token_hash(&token),
        user_id,
        csrf_token: random_token(),
        created_at: now,
        expires_at: now + Duration::hours(IDLE_HOURS),
        last_seen_at: now,
    };
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(&session.token_hash),
            sessions::user_id.eq(user_id),
            sessions::csrf_token.eq(&session.csrf_token),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(session.expires_at),
            sessions::last_seen_at.eq(now),
        ))
        .execute(conn)?;
    Ok((token, session))
}

/// The live session for a cookie token, with its user; extends it when more than a minute has
/// passed since it was last seen (so not every request writes).
pub fn resume(
    conn: &mut AnyConnection,
    token: &str,
    now: NaiveDateTime,
) -> Result<Option<(Session, User)>> {
    let found: Option<Session> = sessions::table
        .find(token_hash(token))
        .filter(sessions::expires_at.gt(now))
        .select(Session::as_select())
        .first(conn)
        .optional()?;
    let Some(mut s) = found else { return Ok(None) };
    let user = user::get(conn, s.user_id)?;
    if user.disabled {
        return Ok(None);
    }
    if now - s.last_seen_at > Duration::minutes(1) {
        s.expires_at = now + Duration::hours(IDLE_HOURS);
        s.last_seen_at = now;
        diesel::update(sessions::table.find(&s.token_hash))
            .set((
                sessions::expires_at.eq(s.expires_at),
                sessions::last_seen_at.eq(now),
            ))
            .execute(conn)?;
    }
    Ok(Some((s, user)))
}

pub fn end(conn: &mut AnyConnection, token: &str) -> Result<()> {
    diesel::delete(sessions::table.find(token_hash(token))).execute(conn)?;
    Ok(())
}

/// Deletes expired sessions; run now and then.
pub fn purge_expired(conn: &mut AnyConnection, now: NaiveDateTime) -> Result<usize> {
    Ok(diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};
    use crate::Actor;

    #[test]
    fn sessions_resume_expire_and_end() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let org = seed_org(&mut c, None, "00001434");
            let u = user::create(
                &mut c,
                &Actor::system("t"),
                &user::NewUser {
                    username: "u",
                    display_name: "u",
                    password: "long enough pw",
                    org_id: org,
                    roles: &[],
                },
            )
            .unwrap();
            let now = crate::now();
            let (token, s) = start(&mut c, u.id, now).unwrap();
            assert_ne!(s.token_hash, token, "only the hash is stored");
            let (again, user) = resume(&mut c, &token, now + Duration::minutes(5))
                .unwrap()
                .unwrap();
            assert_eq!((again.csrf_token, user.id), (s.csrf_token, u.id));
            assert!(resume(&mut c, "forged", now).unwrap().is_none());
            assert!(
                resume(&mut c, &token, now + Duration::hours(IDLE_HOURS + 1))
                    .unwrap()
                    .is_none()
            );
            end(&mut c, &token).unwrap();
            assert!(resume(&mut c, &token, now).unwrap().is_none());
        });
    }
}

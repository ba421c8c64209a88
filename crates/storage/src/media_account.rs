//! 两微一端 — the registry of new-media accounts: one per organisation and platform, each with
//! the date it was last updated; the stale period is a platform setting.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use gongkai_domain::item::FieldErrors;
use gongkai_domain::media_account::{ValidAccount, DEFAULT_STALE_DAYS};
use serde::Serialize;

use crate::audit::{self, Actor, Change};
use crate::schema::media_accounts;
use crate::{settings, write_txn, AnyConnection, Result, StorageError};

pub const ENTITY: &str = "media_account";
/// Setting: days without an update after which an account is flagged.
pub const STALE_DAYS: &str = "media.stale_days";

#[derive(Debug, Clone, Queryable, Selectable, Serialize)]
#[diesel(table_name = media_accounts)]
pub struct Account {
    pub id: i64,
    pub org_id: i64,
    pub platform: String,
    pub name: String,
    pub url: String,
    pub last_updated_on: NaiveDate,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Registers an account (`id` None) or edits one. A second account of the same platform for the
/// same organisation is refused: the rule is one account per unit.
pub fn save(
    conn: &mut AnyConnection,
    actor: &Actor,
    id: Option<i64>,
    v: &ValidAccount,
) -> Result<Account> {
    write_txn(conn, |conn| {
        let other: Option<(i64, String)> = media_accounts::table
            .filter(media_accounts::org_id.eq(v.org_id))
            .filter(media_accounts::platform.eq(v.platform.as_str()))
            .select((media_accounts::id, media_accounts::name))
            .first(conn)
            .optional()?;
        if let Some((_, oname)) = other.filter(|(oid, _)| Some(*oid) != id) {
            let mut e = FieldErrors::default();
            e.add(
                "platform",
                format!(
                    "本单位已开设{}账号“{}”，每个单位每个平台只能开设一个账号",
                    v.platform.label_zh(),
                    oname
                ),
            );
            return Err(StorageError::Invalid(e));
        }
        let now = crate::now();
        let values = (
            media_accounts::org_id.eq(v.org_id),
            media_accounts::platform.eq(v.platform.as_str()),
            media_accounts::name.eq(&v.name),
            media_accounts::url.eq(&v.url),
            media_accounts::last_updated_on.eq(v.last_updated_on),
            media_accounts::updated_at.eq(now),
        );
        let id = match id {
            Some(id) => {
                get(conn, id)?;
                diesel::update(media_accounts::table.find(id))
                    .set(values)
                    .execute(conn)?;
                id
            }
            None => diesel::insert_into(media_accounts::table)
                .values((values, media_accounts::created_at.eq(now)))
                .returning(media_accounts::id)
                .get_result(conn)?,
        };
        audit::record(
            conn,
            actor,
            Change {
                action: "media_account.save",
                entity: ENTITY,
                entity_id: id.to_string(),
                org_id: Some(v.org_id),
                summary: format!("{} account {}", v.platform.as_str(), v.name),
                before: None,
                after: Some(
                    serde_json::json!({"platform": v.platform.as_str(), "name": v.name,
                    "last_updated_on": v.last_updated_on}),
                ),
            },
        )?;
        get(conn, id)
    })
}

pub fn get(conn: &mut AnyConnection, id: i64) -> Result<Account> {
    media_accounts::table
        .find(id)
        .select(Account::as_select())
        .first(conn)
        .optional()?
        .ok_or(StorageError::NotFound {
            what: "media account",
            id: id.to_string(),
        })
}

/// Accounts by organisation and platform; `org_ids` limits them to a role's scope.
pub fn list(conn: &mut AnyConnection, org_ids: Option<&[i64]>) -> Result<Vec<Account>> {
    let mut q = media_accounts::table
        .select(Account::as_select())
        .order((media_accounts::org_id, media_accounts::platform))
        .into_boxed();
    if let Some(ids) = org_ids {
        q = q.filter(media_accounts::org_id.eq_any(ids.to_vec()));
    }
    Ok(q.load(conn)?)
}

/// The configured stale period in days (default [`DEFAULT_STALE_DAYS`]).
pub fn stale_days(conn: &mut AnyConnection) -> Result<i64> {
    Ok(settings::get(conn, STALE_DAYS)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_STALE_DAYS))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{on_both, seed_org};
    use gongkai_domain::media_account::{is_stale, AccountInput};

    #[test]
    fn one_account_per_unit_and_platform_and_stale_period() {
        on_both(|db| {
            let mut c = db.conn().unwrap();
            let a = Actor::system("t");
            let org = seed_org(&mut c, None, "00001434");
            let today: NaiveDate = "2026-11-24".parse().unwrap();
            let input = |platform: &str, name: &str, last: &str| {
                AccountInput {
                    org_id: org.to_string(),
                    platform: platform.into(),
                    name: name.into(),
                    url: String::new(),
                    last_updated_on: last.into(),
                }
                .validate(today)
                .unwrap()
            };
            let wechat =
                save(&mut c, &a, None, &input("wechat", "示范发布", "2026-11-20")).unwrap();
            save(
                &mut c,
                &a,
                None,
                &input("weibo", "示范发布微博", "2026-10-01"),
            )
            .unwrap();
            let Err(StorageError::Invalid(e)) = save(
                &mut c,
                &a,
                None,
                &input("wechat", "示范发布二号", "2026-11-20"),
            ) else {
                panic!("a second WeChat account of one unit was accepted");
            };
            assert!(e.get("platform").unwrap().contains("示范发布"));
            // Editing the account itself is not a second account.
            save(
                &mut c,
                &a,
                Some(wechat.id),
                &input("wechat", "示范发布", "2026-11-23"),
            )
            .unwrap();
            assert_eq!(stale_days(&mut c).unwrap(), DEFAULT_STALE_DAYS);
            crate::settings::set(&mut c, &a, STALE_DAYS, "60").unwrap();
            let days = stale_days(&mut c).unwrap();
            assert_eq!(days, 60);
            let stale: Vec<String> = list(&mut c, None)
                .unwrap()
                .into_iter()
                .filter(|x| is_stale(x.last_updated_on, today, days))
                .map(|x| x.name)
                .collect();
            assert!(stale.is_empty(), "{stale:?}");
            let stale: Vec<String> = list(&mut c, Some(&[org]))
                .unwrap()
                .into_iter()
                .filter(|x| is_stale(x.last_updated_on, today, 14))
                .map(|x| x.name)
                .collect();
            assert_eq!(stale, ["示范发布微博"]);
        });
    }
}

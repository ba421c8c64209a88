//! Platform-wide settings admins edit in the back office, one text value per key; each change
//! is audited. Values are parsed by the domain type they configure (e.g. the fee schedule).

use diesel::prelude::*;

use crate::audit::{self, Actor, Change};
use crate::{write_txn, AnyConnection, Result};

diesel::table! {
    platform_settings (key) {
        key -> Text,
        value -> Text,
        updated_by -> Text,
        updated_at -> Timestamp,
    }
}

/// 信息处理费 tiers (`gongkai_domain::request::FeeSchedule::parse`); absent or empty: no fee.
pub const FEE_SCHEDULE: &str = "request.fee_schedule";

pub fn get(conn: &mut AnyConnection, key: &str) -> Result<Option<String>> {
    Ok(platform_settings::table
        .find(key)
        .select(platform_settings::value)
        .first(conn)
        .optional()?)
}

pub fn set(conn: &mut AnyConnection, actor: &Actor, key: &str, value: &str) -> Result<()> {
    write_txn(conn, |conn| {
        let before = get(conn, key)?;
        let now = crate::now();
        if before.is_some() {
            diesel::update(platform_settings::table.find(key))
                .set((
                    platform_settings::value.eq(value),
                    platform_settings::updated_by.eq(&actor.name),
                    platform_settings::updated_at.eq(now),
                ))
                .execute(conn)?;
        } else {
            diesel::insert_into(platform_settings::table)
                .values((
                    platform_settings::key.eq(key),
                    platform_settings::value.eq(value),
                    platform_settings::updated_by.eq(&actor.name),
                    platform_settings::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        audit::record(
            conn,
            actor,
            Change {
                action: "settings.set",
                entity: "setting",
                entity_id: key.to_string(),
                org_id: None,
                summary: format!("set {key}"),
                before: before.map(serde_json::Value::String),
                after: Some(serde_json::Value::String(value.to_string())),
            },
        )
    })
}

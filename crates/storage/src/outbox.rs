//! The ordered change log that search nodes replay (ADR 0003). Written in the same transaction as
//! the change, so a committed change is never missing from it.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::outbox;
use crate::{AnyConnection, Result};

/// What happened to an entity: it exists in a new state (re-index it) or is gone from public view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Upsert,
    Delete,
}

impl Op {
    fn as_str(self) -> &'static str {
        match self {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxEntry {
    pub id: i64,
    pub entity: String,
    pub entity_id: i64,
    pub op: String,
    pub at: NaiveDateTime,
}

impl OutboxEntry {
    pub fn is_delete(&self) -> bool {
        self.op == Op::Delete.as_str()
    }
}

pub fn push(conn: &mut AnyConnection, entity: &str, entity_id: i64, op: Op) -> Result<()> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::entity.eq(entity),
            outbox::entity_id.eq(entity_id),
            outbox::op.eq(op.as_str()),
            outbox::at.eq(crate::now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Entries after `cursor`, oldest first, at most `limit`.
///
/// On PostgreSQL, sequence values are handed out before commit, so a slow transaction can commit
/// an id lower than one already read. Readers therefore re-read a short window behind their cursor
/// (`since_id - overlap`) and treat replays as idempotent upserts.
pub fn since(conn: &mut AnyConnection, cursor: i64, limit: i64) -> Result<Vec<OutboxEntry>> {
    Ok(outbox::table
        .filter(outbox::id.gt(cursor))
        .order(outbox::id.asc())
        .limit(limit)
        .select(OutboxEntry::as_select())
        .load(conn)?)
}

pub fn last_id(conn: &mut AnyConnection) -> Result<i64> {
    Ok(outbox::table
        .select(diesel::dsl::max(outbox::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

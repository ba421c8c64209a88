//! Consistent copies of an SQLite database (PostgreSQL backups use pg_dump; see the CLI).

use std::path::Path;

use diesel::prelude::*;

use crate::{AnyConnection, Result, StorageError};

/// Writes a consistent copy of the open SQLite database to `target` (`VACUUM INTO`), safe while
/// other connections read and write.
pub fn vacuum_into(conn: &mut AnyConnection, target: &Path) -> Result<()> {
    if !matches!(conn, AnyConnection::Sqlite(_)) {
        return Err(StorageError::Conflict(
            "VACUUM INTO is for SQLite; back PostgreSQL up with pg_dump".into(),
        ));
    }
    let path = target.to_string_lossy().replace('\'', "''");
    diesel::sql_query(format!("VACUUM INTO '{path}'")).execute(conn)?;
    Ok(())
}

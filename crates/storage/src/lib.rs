//! Gongkai's persistence: one Diesel query path over SQLite (embedded default) and PostgreSQL
//! (production), see `docs/adr/0002-database-layer.md`. One module per domain concept.

pub mod attachment;
pub mod audit;
pub mod backup;
pub mod calendar;
pub mod consultation;
pub mod crypto;
pub mod error;
pub mod feedback;
pub mod index_number;
pub mod interpretation;
pub mod interview;
pub mod item;
pub mod mailbox;
pub mod org;
pub mod outbox;
pub mod request;
pub mod schema;
pub mod search_tools;
pub mod session;
pub mod settings;
pub mod site;
pub mod subject;
pub mod survey;
pub mod user;
// Key areas (issue 8).
pub mod channels;
pub mod gazette;
pub mod major_project;
pub mod media_account;
pub mod service_case;
pub mod service_guide;
pub mod trading;
// 网站健康 (issue 9)
pub mod health;
// Annual report statistics (issue 7).
pub mod annual_report;

use std::path::Path;
use std::time::Duration;

use diesel::prelude::*;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub use audit::Actor;
pub use error::{Result, StorageError};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever backend was configured; queries written once run on both.
#[derive(diesel::MultiConnection)]
pub enum AnyConnection {
    Postgresql(diesel::PgConnection),
    Sqlite(diesel::SqliteConnection),
}

/// Which backend a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite needs per-connection settings: WAL so readers never block the writer, a busy timeout so
/// concurrent writers queue instead of failing, and foreign keys (off by default in SQLite).
#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<AnyConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut AnyConnection) -> std::result::Result<(), diesel::r2d2::Error> {
        // One statement per call: SQLite prepares only the first statement of a string.
        for pragma in [
            "PRAGMA busy_timeout = 30000",
            "PRAGMA journal_mode = WAL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA synchronous = NORMAL",
        ] {
            diesel::sql_query(pragma)
                .execute(conn)
                .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The application's handle on its database: a pool of connections, migrations applied.
#[derive(Clone)]
pub struct Database {
    pool: Pool<ConnectionManager<AnyConnection>>,
    backend: Backend,
}

impl Database {
    /// Opens `url` (`postgres://…`, or a SQLite file path, optionally `sqlite://path`) and runs
    /// pending migrations.
    pub fn connect(url: &str) -> Result<Database> {
        let (backend, conn_url) =
            if url.starts_with("postgres://") || url.starts_with("postgresql://") {
                (Backend::Postgres, url.to_string())
            } else {
                let path = url.strip_prefix("sqlite://").unwrap_or(url);
                if path.is_empty() || path.contains("://") {
                    return Err(StorageError::BadUrl(url.into()));
                }
                (Backend::Sqlite, path.to_string())
            };
        let manager = ConnectionManager::<AnyConnection>::new(conn_url);
        let mut builder = Pool::builder().connection_timeout(Duration::from_secs(30));
        builder = match backend {
            Backend::Sqlite => builder
                .max_size(8)
                .connection_customizer(Box::new(SqlitePragmas)),
            Backend::Postgres => builder.max_size(16),
        };
        let pool = builder.build(manager)?;
        let db = Database { pool, backend };
        db.migrate()?;
        Ok(db)
    }

    /// Opens the embedded default: `gongkai.db` in the data directory.
    pub fn open_sqlite_in(dir: &Path) -> Result<Database> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StorageError::Migration(format!("{}: {e}", dir.display())))?;
        Database::connect(&dir.join("gongkai.db").to_string_lossy())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn conn(&self) -> Result<PooledConnection<ConnectionManager<AnyConnection>>> {
        Ok(self.pool.get()?)
    }

    fn migrate(&self) -> Result<()> {
        let mut conn = self.conn()?;
        let done = match &mut *conn {
            AnyConnection::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|_| ()),
            AnyConnection::Postgresql(c) => {
                c.run_pending_migrations(POSTGRES_MIGRATIONS).map(|_| ())
            }
        };
        done.map_err(|e| StorageError::Migration(e.to_string()))
    }
}

/// Runs `f` in a transaction that holds the write lock from its first statement. On SQLite a
/// transaction that reads and then writes fails (instead of waiting) when another writer commits
/// in between; taking the lock first makes writers queue behind the busy timeout instead.
pub fn write_txn<T>(
    conn: &mut AnyConnection,
    f: impl FnOnce(&mut AnyConnection) -> Result<T>,
) -> Result<T> {
    conn.transaction(|conn| {
        if matches!(conn, AnyConnection::Sqlite(_)) {
            diesel::update(schema::write_lock::table.find(1))
                .set(schema::write_lock::n.eq(schema::write_lock::n + 1))
                .execute(conn)?;
        }
        f(conn)
    })
}

/// One page of a list, with the total for pagination.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub rows: Vec<T>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// Clamps a requested page and page size to sane bounds and returns (page, per_page, offset).
pub fn page_window(page: i64, per_page: i64, max_per_page: i64) -> (i64, i64, i64) {
    let per_page = per_page.clamp(1, max_per_page);
    let page = page.max(1);
    (page, per_page, (page - 1) * per_page)
}

/// Checks the database answers (for `/healthz`).
pub fn ping(conn: &mut AnyConnection) -> Result<()> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}

pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

#[cfg(any(test, feature = "testing"))]
pub mod testing;

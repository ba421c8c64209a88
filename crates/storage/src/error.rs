//! The one error type of the storage crate.

use thiserror::Error;

#[derive(Debug, Error)]
pub enum StorageError {
    #[error("database URL {0:?} is neither a postgres:// URL nor a SQLite file path")]
    BadUrl(String),
    #[error("cannot open the database: {0}")]
    Pool(#[from] r2d2::Error),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error("cannot connect: {0}")]
    Connection(#[from] diesel::ConnectionError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error(transparent)]
    Domain(#[from] gongkai_domain::DomainError),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
}

pub type Result<T> = std::result::Result<T, StorageError>;

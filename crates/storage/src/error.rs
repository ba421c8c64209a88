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
    #[error("{0}")]
    Conflict(String),
    /// Staff lack the role for this action on this organisation.
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("{0}")]
    Invalid(gongkai_domain::item::FieldErrors),
    #[error("{what} {id} not found")]
    NotFound { what: &'static str, id: String },
}

pub type Result<T> = std::result::Result<T, StorageError>;

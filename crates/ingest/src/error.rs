//! The error type of bulk loading: whole-run failures only. A bad line of an import file is not an
//! error of the run; it is reported in [`crate::import::ImportReport`] and the run goes on.

use std::path::PathBuf;

use thiserror::Error;

#[derive(Debug, Error)]
pub enum IngestError {
    #[error(transparent)]
    Storage(#[from] gongkai_storage::StorageError),
    #[error("database error: {0}")]
    Query(#[from] diesel::result::Error),
    #[error(transparent)]
    Domain(#[from] gongkai_domain::DomainError),
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: line {line}: {message}", path.display())]
    Data {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// The database holds a portal that the demo loader did not make; loading the demo city on
    /// top of someone's real sites would mix fake and real records.
    #[error("{0}")]
    Conflict(String),
}

impl IngestError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> IngestError {
        IngestError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type Result<T> = std::result::Result<T, IngestError>;

//! The crate's one error type.

use std::path::PathBuf;

/// Why a query cannot be run as typed. Shown to citizens, so every message is bilingual.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QueryProblem {
    /// Nothing but whitespace was typed.
    Empty,
    /// Longer than [`crate::MAX_QUERY_CHARS`]; long inputs are pasted documents, not searches.
    TooLong { chars: usize, max: usize },
    /// Only punctuation or symbols: nothing can be matched.
    NoSearchableText,
    /// Only `-word` exclusions: excluding from everything is not a search.
    OnlyExclusions,
}

impl QueryProblem {
    pub fn message_zh(&self) -> String {
        match self {
            QueryProblem::Empty => "请输入检索词".to_string(),
            QueryProblem::TooLong { chars, max } => {
                format!("检索词过长（{chars} 字），请缩短到 {max} 字以内")
            }
            QueryProblem::NoSearchableText => "检索词只含标点符号，请输入文字或数字".to_string(),
            QueryProblem::OnlyExclusions => {
                "只有排除词（-词语），请至少输入一个要查找的词".to_string()
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            QueryProblem::Empty => "Please enter a search term".to_string(),
            QueryProblem::TooLong { chars, max } => {
                format!("The query is too long ({chars} characters); keep it under {max}")
            }
            QueryProblem::NoSearchableText => {
                "The query holds only punctuation; please type words or numbers".to_string()
            }
            QueryProblem::OnlyExclusions => {
                "The query only excludes words (-word); add at least one word to look for"
                    .to_string()
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// The query error: the request cannot be answered as typed (see [`QueryProblem`]).
    #[error("{} / {}", .0.message_zh(), .0.message_en())]
    Query(QueryProblem),

    /// URL query parameters that do not make a request (unknown names, unusable values).
    #[error("{0}")]
    Params(crate::params::ParamError),

    #[error("invalid search document {id:?}: {reason}")]
    InvalidDoc { id: String, reason: String },

    #[error("unknown {field} value {value:?}")]
    UnknownValue { field: &'static str, value: String },

    #[error("search index I/O at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    /// A directory to be recreated holds files tantivy did not write; deleting them could destroy
    /// someone's data, so the caller must point the index elsewhere.
    #[error("index directory {dir} holds {file:?}, which is not part of a search index; refusing to delete it")]
    ForeignFiles { dir: PathBuf, file: String },

    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),

    #[error("search index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
}

impl From<QueryProblem> for SearchError {
    fn from(p: QueryProblem) -> Self {
        SearchError::Query(p)
    }
}

impl From<crate::params::ParamError> for SearchError {
    fn from(p: crate::params::ParamError) -> Self {
        SearchError::Params(p)
    }
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_errors_are_bilingual() {
        let e = SearchError::from(QueryProblem::TooLong {
            chars: 250,
            max: 200,
        });
        let s = e.to_string();
        assert!(s.contains("检索词过长（250 字）"), "{s}");
        assert!(s.contains("too long (250 characters)"), "{s}");
    }
}

//! Errors of the person index.

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    #[error("search index: {0}")]
    Index(String),
    #[error("search index directory {0}: {1}")]
    Io(String, std::io::Error),
    #[error(transparent)]
    Store(#[from] opcina_store::StoreError),
}

impl From<tantivy::directory::error::OpenReadError> for SearchError {
    fn from(e: tantivy::directory::error::OpenReadError) -> Self {
        SearchError::Index(e.to_string())
    }
}

impl From<std::io::Error> for SearchError {
    fn from(e: std::io::Error) -> Self {
        SearchError::Io(String::new(), e)
    }
}

pub type Result<T, E = SearchError> = std::result::Result<T, E>;

//! The files of cases (scans, documents, decisions): content-addressed by their SHA-256 in an
//! object store — a local directory by default, an S3-compatible bucket when the node is
//! built with the `s3` feature and configured with `s3://bucket/prefix`. A file is written
//! once and never changed: a new version of a document is a new file, and the same content
//! is kept once however often it is attached.

use std::sync::Arc;

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, PutPayload};
use sha2::{Digest, Sha256};

use crate::error::{Result, StoreError};

/// Where the files are kept.
#[derive(Clone)]
pub struct Files {
    inner: Arc<dyn ObjectStore>,
    location: String,
}

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Files({})", self.location)
    }
}

fn failed(what: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Files(format!("{what}: {e}"))
}

/// The hex SHA-256 of some content.
pub fn sha256_hex(content: &[u8]) -> String {
    hex::encode(Sha256::digest(content))
}

impl Files {
    /// Files in a local directory (created when missing).
    pub fn local(dir: &std::path::Path) -> Result<Files> {
        std::fs::create_dir_all(dir).map_err(|e| failed(&format!("cannot create {}", dir.display()), e))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(|e| failed("local files", e))?;
        Ok(Files { inner: Arc::new(store), location: dir.display().to_string() })
    }

    /// Files kept in memory only (tests and benchmarks).
    pub fn memory() -> Files {
        Files { inner: Arc::new(object_store::memory::InMemory::new()), location: "memory".into() }
    }

    /// Files at `location`: `s3://bucket/prefix` (with the `s3` feature; credentials and
    /// endpoint from the usual `AWS_*` environment variables) or a local directory.
    pub fn open(location: &str) -> Result<Files> {
        match location.strip_prefix("s3://") {
            Some(rest) => s3(rest, location),
            None => Files::local(std::path::Path::new(location)),
        }
    }

    /// Where the files are (for the operator's logs).
    pub fn location(&self) -> &str {
        &self.location
    }

    fn key(sha256: &str) -> ObjectPath {
        ObjectPath::from(format!("sha256/{}/{sha256}", &sha256[..2.min(sha256.len())]))
    }

    /// Keeps `content` and returns its SHA-256 (hex). Content already kept is not written again.
    pub async fn put(&self, content: Bytes) -> Result<String> {
        let sha = sha256_hex(&content);
        if self.exists(&sha).await? {
            return Ok(sha);
        }
        let key = Files::key(&sha);
        self.inner.put(&key, PutPayload::from_bytes(content)).await.map_err(|e| failed("cannot keep a file", e))?;
        Ok(sha)
    }

    /// Whether content with this SHA-256 is kept.
    pub async fn exists(&self, sha256: &str) -> Result<bool> {
        match self.inner.head(&Files::key(sha256)).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(failed("cannot look up a file", e)),
        }
    }

    /// Removes the content with this SHA-256 (a disposal destroyed the last case holding
    /// it). Content already gone is not an error.
    pub async fn delete(&self, sha256: &str) -> Result<()> {
        match self.inner.delete(&Files::key(sha256)).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(failed(&format!("cannot remove file {sha256}"), e)),
        }
    }

    /// The content with this SHA-256, checked against it (a changed file is an error, not
    /// something to hand out).
    pub async fn get(&self, sha256: &str) -> Result<Bytes> {
        let got = self.inner.get(&Files::key(sha256)).await.map_err(|e| failed(&format!("cannot read file {sha256}"), e))?;
        let content = got.bytes().await.map_err(|e| failed(&format!("cannot read file {sha256}"), e))?;
        if sha256_hex(&content) != sha256 {
            return Err(StoreError::Files(format!("file {sha256} does not match its hash: it was changed outside the node")));
        }
        Ok(content)
    }
}

#[cfg(feature = "s3")]
fn s3(rest: &str, location: &str) -> Result<Files> {
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let store = object_store::aws::AmazonS3Builder::from_env().with_bucket_name(bucket).build().map_err(|e| failed("S3 files", e))?;
    let inner: Arc<dyn ObjectStore> =
        if prefix.is_empty() { Arc::new(store) } else { Arc::new(object_store::prefix::PrefixStore::new(store, ObjectPath::from(prefix))) };
    Ok(Files { inner, location: location.to_string() })
}

#[cfg(not(feature = "s3"))]
fn s3(_rest: &str, location: &str) -> Result<Files> {
    Err(StoreError::Files(format!("{location}: this node was built without S3 support (build with `--features opcina-store/s3`)")))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test]
    async fn content_is_kept_once_under_its_hash_and_checked_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let files = Files::local(dir.path()).unwrap();
        let sha = files.put(Bytes::from_static(b"Zahtjev za uvjerenje")).await.unwrap();
        assert_eq!(sha, sha256_hex(b"Zahtjev za uvjerenje"));
        assert_eq!(files.put(Bytes::from_static(b"Zahtjev za uvjerenje")).await.unwrap(), sha, "the same content again");
        assert_eq!(files.get(&sha).await.unwrap(), Bytes::from_static(b"Zahtjev za uvjerenje"));
        // A file changed on disk behind the node's back is refused, not handed out.
        let path = dir.path().join("sha256").join(&sha[..2]).join(&sha);
        std::fs::write(&path, b"izmijenjeno").unwrap();
        assert!(files.get(&sha).await.is_err());
        files.delete(&sha).await.unwrap();
        assert!(!files.exists(&sha).await.unwrap());
        files.delete(&sha).await.unwrap();
        assert!(Files::open("s3://bucket/x").is_err() || cfg!(feature = "s3"));
    }
}

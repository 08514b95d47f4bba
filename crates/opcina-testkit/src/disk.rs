//! A small disk that fills up: a tmpfs of a few megabytes mounted in a temporary directory,
//! for tests of what the node does when its database's disk is full. Mounting needs root
//! (as CI has); elsewhere [`SmallDisk::mount`] returns `None` and the test says it did not
//! run, unless `OPCINA_TEST_REQUIRE_TMPFS=1` demands it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The variable that makes a test fail, rather than skip, when no small disk can be mounted.
pub const REQUIRE_VAR: &str = "OPCINA_TEST_REQUIRE_TMPFS";

/// A tmpfs mounted for a test; unmounted when dropped.
pub struct SmallDisk {
    _dir: tempfile::TempDir,
    mount: PathBuf,
}

impl SmallDisk {
    /// Mounts a tmpfs of `megabytes`, or `None` when this process may not mount.
    pub fn mount(megabytes: u32) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().expect("temporary directory");
        let mount = dir.path().join("disk");
        std::fs::create_dir_all(&mount).expect("mount point");
        let done = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={megabytes}m"), "tmpfs"])
            .arg(&mount)
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !done {
            assert!(std::env::var(REQUIRE_VAR).is_err(), "{REQUIRE_VAR} is set but no tmpfs could be mounted (mounting needs root)");
            eprintln!("no tmpfs could be mounted (mounting needs root): the small-disk part of this test did not run");
            return None;
        }
        Some(SmallDisk { _dir: dir, mount })
    }

    pub fn path(&self) -> &Path {
        &self.mount
    }

    /// Fills what is left of the disk with a file; how many bytes it took.
    pub fn fill(&self) -> u64 {
        let mut file = std::fs::File::create(self.filler()).expect("filler");
        let chunk = vec![0u8; 16 * 1024];
        let mut written = 0u64;
        while file.write_all(&chunk).is_ok() {
            written += chunk.len() as u64;
        }
        // What did not fit in the last chunk: byte by byte.
        while file.write_all(&[0]).is_ok() && file.flush().is_ok() {
            written += 1;
        }
        written
    }

    /// Frees what [`SmallDisk::fill`] took.
    pub fn free(&self) {
        let _ = std::fs::remove_file(self.filler());
    }

    fn filler(&self) -> PathBuf {
        self.mount.join("filler")
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.mount).status();
    }
}

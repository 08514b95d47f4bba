//! A real SMTP server for the tests of outbound mail: aiosmtpd (from PyPI; `.ci/run`
//! installs it in `target/smtp` and names its Python in `OPCINA_TEST_SMTP_PYTHON`), run as a
//! process on a free port of 127.0.0.1, keeping what it receives in a maildir — or, with
//! [`SmtpServer::refusing`], answering every recipient `550` as a relay does for an unknown
//! mailbox. Where aiosmtpd is missing the tests that need it are skipped, unless
//! `OPCINA_TEST_REQUIRE_SMTP` is set (CI), where they fail.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running SMTP server; stopped when dropped.
pub struct SmtpServer {
    child: Child,
    pub addr: SocketAddr,
    dir: tempfile::TempDir,
    python: PathBuf,
}

/// The Python that has aiosmtpd, or `None` (the caller skips) where it is not required.
pub fn python() -> Option<PathBuf> {
    python_having("aiosmtpd", "OPCINA_TEST_SMTP_PYTHON", "OPCINA_TEST_REQUIRE_SMTP")
}

/// The Python named by `python_var` (else `python3`) if it imports `module`; otherwise
/// `None`, so that the caller skips — unless `require_var` is set (CI), where the test fails.
pub fn python_having(module: &str, python_var: &str, require_var: &str) -> Option<PathBuf> {
    let python = std::env::var_os(python_var).map_or_else(|| PathBuf::from("python3"), PathBuf::from);
    let has = Command::new(&python).args(["-c", &format!("import {module}")]).stderr(Stdio::null()).status().is_ok_and(|s| s.success());
    if has {
        return Some(python);
    }
    assert!(std::env::var_os(require_var).is_none(), "{module} is required ({require_var}) but {} cannot import it", python.display());
    eprintln!("{module} not installed: the tests that need it are skipped (set {python_var} to a Python that has it)");
    None
}

/// An address of 127.0.0.1 on which nothing listens now.
pub fn free_addr() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address")
}

impl SmtpServer {
    /// A server that accepts every message into its maildir.
    pub fn accepting(python: &Path) -> SmtpServer {
        Self::start(python, None)
    }

    /// A server that refuses every recipient for good (550).
    pub fn refusing(python: &Path) -> SmtpServer {
        Self::start(
            python,
            Some(
                "class Refuse:\n    async def handle_RCPT(self, server, session, envelope, address, options):\n        return '550 5.1.1 <' + address + '>: no such mailbox here'\n",
            ),
        )
    }

    fn start(python: &Path, refuse: Option<&str>) -> SmtpServer {
        let dir = tempfile::tempdir().expect("a directory for the server");
        let addr = free_addr();
        let mut command = Command::new(python);
        command.args(["-m", "aiosmtpd", "-n", "-l", &addr.to_string()]);
        match refuse {
            Some(handler) => {
                std::fs::write(dir.path().join("refuse.py"), handler).expect("the handler");
                command.env("PYTHONPATH", dir.path()).args(["-c", "refuse.Refuse"]);
            }
            None => {
                command.args(["-c", "aiosmtpd.handlers.Mailbox"]).arg(dir.path().join("maildir"));
            }
        }
        let child = command.stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("aiosmtpd starts");
        let started = Instant::now();
        while TcpStream::connect(addr).is_err() {
            assert!(started.elapsed() < Duration::from_secs(20), "aiosmtpd did not listen on {addr}");
            std::thread::sleep(Duration::from_millis(50));
        }
        SmtpServer { child, addr, dir, python: python.to_path_buf() }
    }

    /// The messages received, each as Python's e-mail parser reads it: the headers `To` and
    /// `Subject` decoded, then a blank line and the decoded text body.
    pub fn received(&self) -> Vec<String> {
        let new = self.dir.path().join("maildir").join("new");
        let Ok(entries) = std::fs::read_dir(&new) else { return Vec::new() };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        let parse = "import email, email.header, sys\n\
                     m = email.message_from_binary_file(open(sys.argv[1], 'rb'))\n\
                     decoded = lambda h: str(email.header.make_header(email.header.decode_header(m[h])))\n\
                     print('To: ' + decoded('To'))\n\
                     print('Subject: ' + decoded('Subject'))\n\
                     print()\n\
                     print(m.get_payload(decode=True).decode(m.get_content_charset() or 'utf-8'))\n";
        files
            .iter()
            .map(|f| {
                let out = Command::new(&self.python).args(["-c", parse]).arg(f).output().expect("python parses the message");
                assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                String::from_utf8(out.stdout).expect("UTF-8")
            })
            .collect()
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

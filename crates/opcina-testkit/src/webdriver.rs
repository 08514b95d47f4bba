//! A small WebDriver client for browser tests: Debian's `chromedriver` driving headless
//! `chromium`, spoken to over plain HTTP on loopback (W3C WebDriver, the few commands the
//! tests need), and axe-core run in the page for accessibility.
//!
//! Why not `fantoccini` or `thirtyfour`: measured on 2026-12-01, `fantoccini` 0.22 without
//! default features adds 21 crates to the build, 13 of them second versions of crates the
//! project already compiles (`http` 0.2 beside 1, `thiserror` 1 beside 2, ICU 1.5 beside 2
//! through the `webdriver` crate's segmenter, `cookie`, `yoke`, `zerovec`, `synstructure` …),
//! against the rule of one version of each dependency. The tests need a dozen commands; this
//! client is those, over the standard library.
//!
//! When the browser is not installed the tests say so in one line and pass, unless
//! `OPCINA_TEST_REQUIRE_BROWSER=1` (as in `.ci/run`), which makes a missing browser or a
//! missing axe-core a failure.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The key WebDriver uses for element references.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

fn required() -> bool {
    std::env::var("OPCINA_TEST_REQUIRE_BROWSER").is_ok_and(|v| v == "1")
}

fn skip(what: &str) -> Option<Browser> {
    assert!(!required(), "OPCINA_TEST_REQUIRE_BROWSER=1 but {what}");
    eprintln!("browser tests skipped: {what} (install Debian's chromium and chromium-driver, or run .ci/run)");
    None
}

fn find_program(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

/// axe-core's script, from `OPCINA_AXE_JS` or where `.ci/run` installs it
/// (`target/browser-deps/node_modules/axe-core/axe.min.js` in the workspace).
pub fn axe_source() -> Option<String> {
    let path = std::env::var("OPCINA_AXE_JS").map(PathBuf::from).ok().or_else(|| {
        let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
        let p = workspace.join("target/browser-deps/node_modules/axe-core/axe.min.js");
        p.exists().then_some(p)
    })?;
    std::fs::read_to_string(path).ok()
}

/// A headless Chromium under chromedriver, with one session.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    axe: Option<String>,
}

/// An element of the current page.
#[derive(Debug, Clone)]
pub struct Element(String);

impl Browser {
    /// Starts chromedriver and a browser session; `None` (after saying why) when the
    /// browser is not installed and not required.
    pub fn start() -> Option<Browser> {
        let Some(driver_bin) = find_program("OPCINA_CHROMEDRIVER", &["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]) else {
            return skip("chromedriver is not installed");
        };
        let Some(chromium) = find_program("OPCINA_CHROMIUM", &["/usr/bin/chromium", "/usr/bin/chromium-browser"]) else {
            return skip("chromium is not installed");
        };
        let axe = axe_source();
        if axe.is_none() {
            assert!(
                !required(),
                "OPCINA_TEST_REQUIRE_BROWSER=1 but axe-core is missing (npm install --prefix target/browser-deps axe-core)"
            );
            eprintln!("accessibility checks skipped: axe-core not found (OPCINA_AXE_JS or target/browser-deps)");
        }
        let port = TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("a free port");
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_bin.display()));
        let mut browser = Browser { driver, port, session: String::new(), axe };
        let deadline = Instant::now() + Duration::from_secs(20);
        while browser.request("GET", "/status", None).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = std::env::temp_dir().join(format!("opcina-chromium-{}-{port}", std::process::id()));
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                         "--window-size=1280,1000", format!("--user-data-dir={}", profile.display()), "--lang=bs"]
            }
        }}});
        let created = browser.request("POST", "/session", Some(&caps)).unwrap_or_else(|e| panic!("no browser session: {e}"));
        browser.session = created["value"]["sessionId"].as_str().unwrap_or_else(|| panic!("no session id in {created}")).to_string();
        Some(browser)
    }

    fn request(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
        let body = body.map(Value::to_string).unwrap_or_default();
        write!(
            s,
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
            self.port,
            body.len()
        )
        .map_err(|e| e.to_string())?;
        let mut reader = BufReader::new(s);
        let mut status_line = String::new();
        reader.read_line(&mut status_line).map_err(|e| e.to_string())?;
        let mut chunked = false;
        let mut length = None;
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).map_err(|e| e.to_string())?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let mut data = Vec::new();
        if chunked {
            loop {
                let mut size = String::new();
                reader.read_line(&mut size).map_err(|e| e.to_string())?;
                let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16).map_err(|e| e.to_string())?;
                if n == 0 {
                    break;
                }
                let mut chunk = vec![0; n + 2];
                reader.read_exact(&mut chunk).map_err(|e| e.to_string())?;
                data.extend_from_slice(&chunk[..n]);
            }
        } else if let Some(n) = length {
            data.resize(n, 0);
            reader.read_exact(&mut data).map_err(|e| e.to_string())?;
        } else {
            reader.read_to_end(&mut data).map_err(|e| e.to_string())?;
        }
        let value: Value = serde_json::from_slice(&data).map_err(|e| format!("{e}: {}", String::from_utf8_lossy(&data)))?;
        if let Some(error) = value["value"]["error"].as_str() {
            return Err(format!("{error}: {}", value["value"]["message"].as_str().unwrap_or("")));
        }
        Ok(value)
    }

    fn call(&self, method: &str, command: &str, body: Option<Value>) -> Value {
        let path = format!("/session/{}{command}", self.session);
        let body = body.or_else(|| (method == "POST").then(|| json!({})));
        match self.request(method, &path, body.as_ref()) {
            Ok(v) => v["value"].clone(),
            Err(e) => panic!("WebDriver {method} {command}: {e}"),
        }
    }

    pub fn goto(&self, url: &str) {
        self.call("POST", "/url", Some(json!({ "url": url })));
    }

    pub fn url(&self) -> String {
        self.call("GET", "/url", None).as_str().unwrap_or_default().to_string()
    }

    fn element(value: &Value) -> Element {
        Element(value[ELEMENT_KEY].as_str().unwrap_or_else(|| panic!("not an element: {value}")).to_string())
    }

    /// The first element matching a CSS selector (panics when there is none).
    pub fn find(&self, css: &str) -> Element {
        Self::element(&self.call("POST", "/element", Some(json!({"using": "css selector", "value": css}))))
    }

    pub fn find_all(&self, css: &str) -> Vec<Element> {
        let found = self.call("POST", "/elements", Some(json!({"using": "css selector", "value": css})));
        found.as_array().map(|a| a.iter().map(Self::element).collect()).unwrap_or_default()
    }

    pub fn click(&self, e: &Element) {
        self.call("POST", &format!("/element/{}/click", e.0), None);
    }

    /// Replaces an input's value with `text`.
    pub fn fill(&self, e: &Element, text: &str) {
        self.call("POST", &format!("/element/{}/clear", e.0), None);
        self.call("POST", &format!("/element/{}/value", e.0), Some(json!({ "text": text })));
    }

    /// Chooses a file (by its path on this machine) in a file input.
    pub fn choose_file(&self, e: &Element, path: &std::path::Path) {
        self.call("POST", &format!("/element/{}/value", e.0), Some(json!({ "text": path.display().to_string() })));
    }

    pub fn text(&self, e: &Element) -> String {
        self.call("GET", &format!("/element/{}/text", e.0), None).as_str().unwrap_or_default().to_string()
    }

    pub fn attribute(&self, e: &Element, name: &str) -> Option<String> {
        self.call("GET", &format!("/element/{}/attribute/{name}", e.0), None).as_str().map(str::to_string)
    }

    /// Runs a script in the page and returns its result.
    pub fn execute(&self, script: &str, args: Value) -> Value {
        self.call("POST", "/execute/sync", Some(json!({ "script": script, "args": args })))
    }

    /// The visible text of the page.
    pub fn page_text(&self) -> String {
        self.execute("return document.body.innerText;", json!([])).as_str().unwrap_or_default().to_string()
    }

    /// The `lang` attribute of the page.
    pub fn page_lang(&self) -> String {
        self.execute("return document.documentElement.lang;", json!([])).as_str().unwrap_or_default().to_string()
    }

    /// Whether axe-core is available for [`Browser::accessibility_violations`].
    pub fn can_check_accessibility(&self) -> bool {
        self.axe.is_some()
    }

    /// Serious and critical WCAG 2.1 A/AA violations on the current page, as readable lines
    /// (empty when axe-core is not available: see [`Browser::start`]).
    pub fn accessibility_violations(&self) -> Vec<String> {
        let Some(axe) = &self.axe else { return Vec::new() };
        self.execute(&format!("{axe}\n;return true;"), json!([]));
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
              .then(r => done(r.violations
                 .filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(e => done(['axe failed: ' + e]));
        "#;
        let found = self.call("POST", "/execute/async", Some(json!({ "script": script, "args": [] })));
        let Some(list) = found.as_array() else { panic!("axe-core gave no result: {found}") };
        list.iter().map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string)).collect()
    }

    /// Resizes the window (to check a phone's width, say).
    pub fn resize(&self, width: u32, height: u32) {
        self.call("POST", "/window/rect", Some(json!({ "width": width, "height": height })));
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self.request("DELETE", &format!("/session/{}", self.session), None);
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        let _ = std::fs::remove_dir_all(std::env::temp_dir().join(format!("opcina-chromium-{}-{}", std::process::id(), self.port)));
    }
}

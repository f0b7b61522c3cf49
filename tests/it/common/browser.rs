//! Headless Chromium driven over WebDriver (chromedriver + fantoccini), and the site served
//! by `portolan serve` on a free loopback port.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

use super::tools::require;

fn chromedriver() -> std::path::PathBuf {
    require(
        &["chromedriver"],
        "on Debian: apt-get install chromium-driver",
    )
}

fn chromium() -> std::path::PathBuf {
    require(
        &["chromium", "chromium-browser", "google-chrome"],
        "on Debian: apt-get install chromium",
    )
}

/// A child process killed on drop.
pub struct Proc(pub Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn wait_for_port(port: u16, what: &str) {
    let t = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            // A debug build of the largest fixture (1,500 pages) on a busy 2-core machine.
            t.elapsed() < Duration::from_secs(90),
            "{what} did not start listening"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// `portolan serve SITE` on a free port; returns the process and the base URL.
pub fn serve(site: &std::path::Path) -> (Proc, String) {
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(["serve", site.to_str().unwrap(), "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("portolan serve starts");
    let p = Proc(child);
    wait_for_port(port, "portolan serve");
    (p, format!("http://127.0.0.1:{port}"))
}

/// Where axe-core is: `PORTOLAN_AXE`, else where scripts/install-test-deps puts it.
pub fn axe_file() -> std::path::PathBuf {
    if let Some(p) = std::env::var_os("PORTOLAN_AXE") {
        return p.into();
    }
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
        .unwrap_or_default();
    cache.join("portolan/axe-core-4.10.3/axe.min.js")
}

fn axe_path() -> std::path::PathBuf {
    let p = axe_file();
    assert!(
        p.is_file(),
        "{} not found: run scripts/install-test-deps (or set PORTOLAN_AXE)",
        p.display()
    );
    p
}

/// A chromedriver process and a headless Chromium session; `extra` adds Chromium flags.
/// Chromium's flags for a light or a dark colour scheme (`prefers-color-scheme`).
pub fn color_scheme(dark: bool) -> &'static [&'static str] {
    if dark {
        &[
            "--force-dark-mode",
            "--blink-settings=preferredColorScheme=0",
        ]
    } else {
        &["--blink-settings=preferredColorScheme=1"]
    }
}

pub struct Browser {
    pub client: Client,
    _driver: Proc,
}

impl Browser {
    /// A session, tried three times: a chromedriver that has only just opened its port
    /// now and then resets the first connection.
    pub async fn start(width: u32, height: u32, extra: &[&str]) -> Browser {
        let mut last = String::new();
        for _ in 0..3 {
            match Browser::try_start(width, height, extra).await {
                Ok(b) => return b,
                Err(e) => last = e,
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("no WebDriver session in headless Chromium: {last}");
    }

    async fn try_start(width: u32, height: u32, extra: &[&str]) -> Result<Browser, String> {
        let port = free_port();
        let driver = Proc(
            Command::new(chromedriver())
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts"),
        );
        wait_for_port(port, "chromedriver");
        let profile = tempfile::tempdir().unwrap().keep();
        let mut args: Vec<String> = [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.push(format!("--user-data-dir={}", profile.display()));
        args.push(format!("--window-size={width},{height}"));
        args.extend(extra.iter().map(|s| s.to_string()));
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            serde_json::json!({"binary": chromium(), "args": args}),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&format!("http://127.0.0.1:{port}"))
            .await
            .map_err(|e| e.to_string())?;
        Ok(Browser {
            client,
            _driver: driver,
        })
    }

    /// Runs `script` (a function body) and returns its value.
    pub async fn eval(&self, script: &str) -> serde_json::Value {
        self.client
            .execute(script, vec![])
            .await
            .expect("script runs")
    }

    /// Sets the `<select>` (or input) at CSS `selector` to `value` and fires the `change`
    /// event a reader's choice fires (it bubbles, as the browser's own does).
    pub async fn choose(&self, selector: &str, value: &str) {
        let done = self
            .client
            .execute(
                "const s = document.querySelector(arguments[0]); s.value = arguments[1];\
                 s.dispatchEvent(new Event('change', {bubbles: true})); return true;",
                vec![selector.into(), value.into()],
            )
            .await
            .expect("the control takes the value");
        assert_eq!(done, serde_json::Value::Bool(true), "{selector}");
    }

    /// axe-core's WCAG 2.1 A/AA rules run over the page: each violation as `rule: target`.
    /// axe comes from scripts/install-test-deps (or `PORTOLAN_AXE`, a path to axe.min.js).
    pub async fn axe(&self) -> Vec<String> {
        let src = std::fs::read_to_string(axe_path()).expect("axe.min.js reads");
        // Injected through WebDriver, which the pages' Content-Security-Policy does not stop.
        self.client
            .execute(&format!("{src}\n;return true;"), vec![])
            .await
            .expect("axe loads");
        let found = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];\
                 axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})\
                   .then(r => done(r.violations.flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ')))))\
                   .catch(e => done(['axe failed: ' + e]));",
                vec![],
            )
            .await
            .expect("axe runs");
        serde_json::from_value(found).expect("a list of violations")
    }

    /// Runs axe-core (see [`Browser::axe`]) and fails, naming `what` and each violation,
    /// when it finds any.
    pub async fn assert_axe_clean(&self, what: &str) {
        let violations = self.axe().await;
        assert!(violations.is_empty(), "{what}:\n{}", violations.join("\n"));
    }

    /// Polls `script` until it returns true.
    pub async fn until(&self, what: &str, script: &str) {
        let t = Instant::now();
        loop {
            if self.eval(script).await == serde_json::Value::Bool(true) {
                return;
            }
            assert!(
                t.elapsed() < Duration::from_secs(10),
                "timed out waiting for: {what}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }
}

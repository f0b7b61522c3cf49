//! Helpers shared by the integration tests: run the real binary on fixture sites.

#![allow(dead_code)]

pub mod browser;
pub mod tools;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The repository root (the shipped site).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture site under tests/fixtures.
pub fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures").join(name)
}

/// Runs `portolan ARGS` and returns its output.
pub fn portolan(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(args)
        .output()
        .expect("the portolan binary runs")
}

/// Builds `site` into `out`, panicking with the error text when the build fails.
pub fn build_ok(site: &Path, out: &Path) -> String {
    let o = portolan(&[
        "build",
        site.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        o.status.success(),
        "build of {} failed:\n{stderr}",
        site.display()
    );
    stderr
}

/// A file's text, naming the file when it cannot be read.
pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The page body between the theme's `<main>` markers, so theme-only changes don't churn
/// content snapshots.
pub fn article(html: &str) -> &str {
    let start = html.find("<main").expect("page has <main>");
    let end = html.rfind("</main>").expect("page has </main>");
    &html[start..end + 7]
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    // A site's caches (`.portolan/`, left by earlier builds of a fixture) are not the site.
    let not_cache = |e: &walkdir::DirEntry| e.file_name() != ".portolan";
    for e in walkdir::WalkDir::new(from)
        .into_iter()
        .filter_entry(not_cache)
    {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Every file under `dir` with its bytes, for before/after comparisons.
pub fn snapshot_tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path()
                    .strip_prefix(dir)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

/// `html` without the highlighter's token spans (`<span class="k">…</span>`: a class of
/// one or two lowercase letters): the text of its code blocks as written, escaped. Other
/// spans stay, with their closing tags.
pub fn without_token_spans(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<bool> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest
        .find("<span")
        .into_iter()
        .chain(rest.find("</span>"))
        .min()
    {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        if let Some(tail) = after.strip_prefix("</span>") {
            if open.pop() != Some(true) {
                out.push_str("</span>");
            }
            rest = tail;
            continue;
        }
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        let tag = &after[..end];
        let token = tag
            .strip_prefix("<span class=\"")
            .and_then(|t| t.strip_suffix("\">"))
            .is_some_and(|c| {
                (1..=2).contains(&c.len()) && c.chars().all(|c| c.is_ascii_lowercase())
            });
        open.push(token);
        if !token {
            out.push_str(tag);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Starts `portolan serve SITE` on a port the system picks (`--port 0`); returns the child
/// (to kill, even with SIGKILL) and the address it printed, `127.0.0.1:PORT`.
pub fn spawn_serve(site: &Path) -> (std::process::Child, String) {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_portolan"))
        .args(["serve", site.to_str().unwrap(), "--port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines.next().expect("serve exited before serving").unwrap();
        if let Some(rest) = line.split_once("Serving on http://").map(|(_, r)| r) {
            break rest.split('/').next().unwrap().to_string();
        }
    };
    // Keep draining its log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, addr)
}

/// The whole HTTP response (head and body) to `GET path` from `addr` (`host:port`).
pub fn http_response(addr: &str, path: &str) -> String {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    String::from_utf8_lossy(&buf).into_owned()
}

/// `GET path` from `addr`: (status, body).
pub fn http_get(addr: &str, path: &str) -> (u16, String) {
    let text = http_response(addr, path);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (
        head.split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .unwrap_or(0),
        body.to_string(),
    )
}

//! The dev server for real: a temp site served on a loopback port, requested over TCP with
//! raw paths (so traversal attempts reach the server as written), edited while serving.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use portolan_serve::{start, ServeOptions};
use portolan_site::Options;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_tree(from: &Path, to: &Path) {
    for e in walkdir(from) {
        let dest = to.join(e.strip_prefix(from).unwrap());
        if e.is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(&e, &dest).unwrap();
        }
    }
}

fn walkdir(p: &Path) -> Vec<PathBuf> {
    let mut v = vec![p.to_path_buf()];
    if p.is_dir() {
        for e in std::fs::read_dir(p).unwrap() {
            v.extend(walkdir(&e.unwrap().path()));
        }
    }
    v
}

/// (status, headers, body) of a GET with `path` sent verbatim.
fn get(addr: SocketAddr, path: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head.to_ascii_lowercase(), body.to_string())
}

/// The page's stylesheet URL (asset names carry a content hash).
fn stylesheet(addr: SocketAddr) -> String {
    let (_, _, body) = get(addr, "/guide/dialect/");
    let at = body
        .find("href=\"/assets/style.")
        .expect("the page links its stylesheet")
        + 6;
    body[at..at + body[at..].find('"').unwrap()].to_string()
}

fn until(what: &str, mut f: impl FnMut() -> bool) {
    let t = Instant::now();
    while !f() {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "timed out waiting for: {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn serve_fixture() -> (tempfile::TempDir, PathBuf, portolan_serve::Server) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&repo().join("tests/fixtures/dialect"), &site);
    copy_tree(&repo().join("theme"), &site.join("theme"));
    let server = start(
        ServeOptions::new(Options::new(&site), "127.0.0.1:0".parse().unwrap()),
        |_| {},
    )
    .unwrap();
    (tmp, site, server)
}

/// (status, body) of a GET sent with `Host: host`.
fn get_as(addr: SocketAddr, host: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, text)
}

/// A page elsewhere that rebinds its own name to 127.0.0.1 cannot read the site: requests
/// for names the server does not answer get 421.
#[test]
fn only_its_own_host_names_are_answered() {
    let (_tmp, _site, server) = serve_fixture();
    for host in ["localhost", "127.0.0.1:1234", "[::1]", "docs.localhost"] {
        assert_eq!(get_as(server.addr, host, "/guide/").0, 200, "{host}");
    }
    for host in [
        "attacker.example",
        "attacker.example:8000",
        "127.0.0.1.attacker.example",
    ] {
        let (status, text) = get_as(server.addr, host, "/guide/");
        assert_eq!(status, 421, "{host}");
        assert!(!text.contains("<html"), "{text}");
    }
    assert_eq!(
        get_as(server.addr, "attacker.example", "/__portolan/events").0,
        421
    );
}

/// A file swapped for a link out of the site after it was served is never read through
/// the link: the last good build names the file, and the file is read as it is now.
#[test]
fn a_file_swapped_for_a_link_out_of_the_site_is_not_served() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&repo().join("tests/fixtures/dialect"), &site);
    copy_tree(&repo().join("theme"), &site.join("theme"));
    std::fs::write(site.join("content/file.txt"), "public text\n").unwrap();
    let secret = tmp.path().join("secret.txt");
    std::fs::write(&secret, "SECRET\n").unwrap();
    let server = start(
        ServeOptions::new(Options::new(&site), "127.0.0.1:0".parse().unwrap()),
        |_| {},
    )
    .unwrap();
    assert_eq!(get(server.addr, "/file.txt").2, "public text\n");
    std::fs::remove_file(site.join("content/file.txt")).unwrap();
    std::os::unix::fs::symlink(&secret, site.join("content/file.txt")).unwrap();
    // Whatever the rebuild makes of it (an error page, the last good outputs), the secret
    // never comes back.
    for _ in 0..50 {
        let (_, _, body) = get(server.addr, "/file.txt");
        assert!(!body.contains("SECRET"), "{body}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A connection that sends nothing is closed once the request head timeout passes.
#[test]
fn idle_connections_are_closed() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    copy_tree(&repo().join("tests/fixtures/dialect"), &site);
    copy_tree(&repo().join("theme"), &site.join("theme"));
    let opts = ServeOptions {
        request_head_timeout: Duration::from_millis(300),
        ..ServeOptions::new(Options::new(&site), "127.0.0.1:0".parse().unwrap())
    };
    let server = start(opts, |_| {}).unwrap();
    let mut idle = TcpStream::connect(server.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut buf = [0u8; 64];
    // The server closes it: the read ends (0 bytes, or a reset), it does not time out.
    match idle.read(&mut buf) {
        Ok(n) => assert_eq!(n, 0),
        Err(e) => assert_ne!(e.kind(), std::io::ErrorKind::WouldBlock, "{e}"),
    }
    assert_eq!(get(server.addr, "/guide/").0, 200);
}

/// The content folder deleted and made again (a branch switch) is watched again.
#[test]
fn the_watcher_survives_the_content_folder_being_replaced() {
    let (tmp, site, server) = serve_fixture();
    let content = site.join("content");
    let moved = tmp.path().join("content-moved");
    std::fs::rename(&content, &moved).unwrap();
    until("the error for the missing folder", || {
        get(server.addr, "/guide/").0 == 500
    });
    copy_tree(&moved, &content);
    until("the rebuild once it is back", || {
        get(server.addr, "/guide/").0 == 200
    });
    std::fs::write(
        content.join("guide/index.md"),
        "---\ntitle: Guide\n---\nSeen again.\n",
    )
    .unwrap();
    until("an edit in the new folder", || {
        get(server.addr, "/guide/").2.contains("Seen again.")
    });
}

#[test]
fn serves_pages_with_safe_headers_and_refuses_traversal() {
    let (_tmp, _site, server) = serve_fixture();
    assert!(server.addr.ip().is_loopback());
    let (status, head, body) = get(server.addr, "/guide/dialect/");
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/html; charset=utf-8"));
    assert!(head.contains("x-content-type-options: nosniff"));
    assert!(body.contains("<script src=\"/__portolan/live.js\"></script>"));
    let (status, head, _) = get(server.addr, "/guide/dialect");
    assert_eq!(status, 301);
    assert!(head.contains("location: /guide/dialect/"));
    let (status, head, _) = get(server.addr, &stylesheet(server.addr));
    assert_eq!(status, 200);
    assert!(head.contains("content-type: text/css"));
    assert_eq!(get(server.addr, "/no/such/page/").0, 404);
    // A folder without a page is not listed: the server only has the build's files.
    let (status, _, body) = get(server.addr, "/assets/");
    assert_eq!(status, 404, "/assets/ must not be listed");
    assert_eq!(
        body,
        get(server.addr, "/no/such/page/").2,
        "/assets/ gets the plain 404 page"
    );

    for bad in [
        "/../../../../etc/passwd",
        "/guide/../../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/%252e%252e/%252e%252e/etc/passwd",
        "/..%5c..%5cetc%5cpasswd",
        "/guide\\..\\..\\etc\\passwd",
        "//etc/passwd",
        "/C:/Windows/win.ini",
        "/index.html%00.txt",
        "/%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    ] {
        let (status, _, body) = get(server.addr, bad);
        assert_eq!(status, 400, "{bad} must be refused");
        assert!(!body.contains("root:"), "{bad} leaked a file");
    }
    // An absolute-form request target is not a way out either.
    let (status, _, body) = get(server.addr, "http://localhost/../../etc/passwd");
    assert!(status == 400 || status == 404, "{status}");
    assert!(!body.contains("root:"));
}

#[test]
fn edits_rebuild_errors_show_and_recover() {
    let (_tmp, site, server) = serve_fixture();
    let page = site.join("content/guide/dialect.md");
    let original = std::fs::read_to_string(&page).unwrap();
    let css = stylesheet(server.addr);

    std::fs::write(
        &page,
        original.replace("## Variables and raw", "## Variables, live"),
    )
    .unwrap();
    until("the edit to show", || {
        get(server.addr, "/guide/dialect/")
            .2
            .contains("Variables, live")
    });

    std::fs::write(
        &page,
        original.replace("{{site.product}} and", "{{site.produkt}} and"),
    )
    .unwrap();
    until("the error page", || {
        get(server.addr, "/guide/dialect/").0 == 500
    });
    let (_, _, body) = get(server.addr, "/guide/dialect/");
    assert!(body.contains("content/guide/dialect.md:30:3"), "{body}");
    assert!(body.contains("unknown site variable `site.produkt`"));
    assert!(
        body.contains("/__portolan/live.js"),
        "the error page reloads itself"
    );
    assert_eq!(get(server.addr, &css).0, 200, "assets stay available");

    std::fs::write(&page, &original).unwrap();
    until("recovery", || get(server.addr, "/guide/dialect/").0 == 200);
}

#[test]
fn live_reload_event_follows_a_save() {
    let (_tmp, site, server) = serve_fixture();
    let mut s = TcpStream::connect(server.addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(
        s,
        "GET /__portolan/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"
    )
    .unwrap();
    let mut buf = [0u8; 4096];
    let n = s.read(&mut buf).unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).contains("text/event-stream"));
    let page = site.join("content/guide/index.md");
    let saved = Instant::now();
    std::fs::write(&page, "---\ntitle: Guide\n---\nEdited.\n").unwrap();
    let mut got = String::new();
    while !got.contains("event: reload") {
        let n = s.read(&mut buf).unwrap();
        assert!(n > 0, "event stream closed");
        got.push_str(&String::from_utf8_lossy(&buf[..n]));
    }
    eprintln!("save to reload event: {:?}", saved.elapsed());
}

#[test]
fn a_thousand_idle_and_slow_clients_stall_neither_pages_nor_rebuilds() {
    // Client and server sockets share this process: make room for both (the hard limit allows it
    // on any ordinary machine; the soft limit is often 1024).
    let mut lim = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    if lim.current.is_some_and(|c| c < 4096) {
        lim.current = lim.maximum.map(|m| m.min(8192)).or(Some(8192));
        let _ = rustix::process::setrlimit(rustix::process::Resource::Nofile, lim);
    }
    let (_tmp, site, server) = serve_fixture();
    // 500 connections that never send anything, 500 that send half a request and stop.
    let mut held = Vec::new();
    for n in 0..1000 {
        let mut s = TcpStream::connect(server.addr).unwrap();
        if n % 2 == 1 {
            let _ = s.write_all(b"GET /guide/ HTTP/1.1\r\nHost: local");
        }
        held.push(s);
    }
    // Served (how fast is bench/serve-load's to measure, not a test's).
    let (status, _, _) = get(server.addr, "/guide/dialect/");
    assert_eq!(status, 200);

    let page = site.join("content/guide/index.md");
    std::fs::write(&page, "---\ntitle: Guide\n---\nRebuilt under load.\n").unwrap();
    until("a rebuild while 1000 clients hang", || {
        get(server.addr, "/guide/")
            .2
            .contains("Rebuilt under load.")
    });
    drop(held);
}

/// (headers, body bytes) of a GET that sends `Accept-Encoding: accept`.
fn get_encoded(addr: SocketAddr, path: &str, accept: &str) -> (String, Vec<u8>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept-Encoding: {accept}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).unwrap();
    let split = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap();
    let head = String::from_utf8_lossy(&buf[..split]).to_ascii_lowercase();
    let mut body = buf[split + 4..].to_vec();
    if head.contains("transfer-encoding: chunked") {
        body = dechunk(&body);
    }
    (head, body)
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data.windows(2).position(|w| w == b"\r\n").unwrap();
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..line_end]).unwrap(), 16).unwrap();
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[line_end + 2..line_end + 2 + size]);
        data = &data[line_end + 2 + size + 2..];
    }
}

#[test]
fn responses_are_compressed_for_browsers_that_accept_it() {
    let (_tmp, _site, server) = serve_fixture();
    let (_, _, plain) = get(server.addr, "/guide/dialect/");

    let (head, body) = get_encoded(server.addr, "/guide/dialect/", "gzip, deflate, br");
    assert!(head.contains("content-encoding: br"), "{head}");
    assert!(head.contains("vary: accept-encoding"), "{head}");
    let mut back = Vec::new();
    brotli::BrotliDecompress(&mut &body[..], &mut back).unwrap();
    assert_eq!(String::from_utf8(back).unwrap(), plain);
    assert!(body.len() < plain.len() / 2);

    let (head, body) = get_encoded(server.addr, &stylesheet(server.addr), "gzip");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let mut css = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&body[..]), &mut css).unwrap();
    assert!(css.contains("--"), "the stylesheet decodes: {css:.80}");

    let (head, _) = get_encoded(server.addr, "/guide/dialect/", "identity");
    assert!(!head.contains("content-encoding"), "{head}");
}

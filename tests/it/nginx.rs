//! Hosting for real: the shipped site built for /docs/, served by nginx (Debian's package,
//! installed by scripts/install-test-deps) on 127.0.0.1, and crawled: every page, asset and
//! sitemap entry reached from the home page must answer 200.

use crate::common::*;

use std::collections::{BTreeSet, VecDeque};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Nginx(Child);

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Debian's brotli_static module (libnginx-mod-http-brotli-static).
const BROTLI_STATIC: &str = "/usr/lib/nginx/modules/ngx_http_brotli_static_module.so";

fn start_nginx(dir: &Path, site: &Path, port: u16) -> Nginx {
    assert!(
        Path::new(BROTLI_STATIC).is_file(),
        "{BROTLI_STATIC} not found: install it with scripts/install-test-deps, or on Debian: apt-get install libnginx-mod-http-brotli-static"
    );
    let conf = dir.join("nginx.conf");
    std::fs::write(
        &conf,
        format!(
            r#"load_module {brotli};
user root;
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 256; }}
http {{
  include /etc/nginx/mime.types;
  types {{ application/wasm wasm; }}
  access_log off;
  client_body_temp_path {dir}/body;
  proxy_temp_path {dir}/proxy;
  fastcgi_temp_path {dir}/fastcgi;
  uwsgi_temp_path {dir}/uwsgi;
  scgi_temp_path {dir}/scgi;
  gzip_static on;
  brotli_static on;
  server {{
    listen 127.0.0.1:{port};
    location /docs/ {{
      alias {site}/;
      index index.html;
      error_page 404 /docs/404.html;
    }}
    location /docs/assets/ {{
      alias {site}/assets/;
      add_header Cache-Control "public, max-age=31536000, immutable";
    }}
  }}
}}
"#,
            dir = dir.display(),
            site = site.display(),
            brotli = BROTLI_STATIC,
        ),
    )
    .unwrap();
    let nginx = tools::require(&["nginx"], "on Debian: apt-get install nginx-light");
    let child = Command::new(nginx)
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("nginx starts");
    let nginx = Nginx(child);
    let t = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            t.elapsed() < Duration::from_secs(10),
            "nginx did not listen: {}",
            std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    nginx
}

/// (status, body) of a plain GET (no compression asked for).
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let (status, _, body) = get_encoded(addr, path, "identity");
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// Every href/src in `html` (attributes in double quotes, as the site writes them).
fn references(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attr) {
            rest = &rest[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    // The search client's index: its root plus meta.json, which names the shards.
    if let Some(i) = html.find("data-search-root=\"") {
        let rest = &html[i + 18..];
        out.push(format!("{}meta.json", &rest[..rest.find('"').unwrap_or(0)]));
    }
    out
}

#[test]
fn site_under_a_sub_path_crawls_clean_through_nginx() {
    crate::common::tools::requires!(Nginx);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = portolan(&[
        "build",
        repo().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        "/docs/",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let port = free_port();
    let _nginx = start_nginx(tmp.path(), &out, port);
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();

    let mut seen = BTreeSet::new();
    let mut queue = VecDeque::from([
        "/docs/".to_string(),
        "/docs/sitemap.xml".to_string(),
        "/docs/robots.txt".to_string(),
    ]);
    let mut failures = Vec::new();
    while let Some(path) = queue.pop_front() {
        if !seen.insert(path.clone()) {
            continue;
        }
        let (status, body) = get(addr, &path);
        if status != 200 {
            failures.push(format!("{status} {path}"));
            continue;
        }
        let is_html = path.ends_with('/') || path.ends_with(".html");
        let refs = if is_html {
            references(&body)
        } else if path.ends_with("search/meta.json") {
            // Every file of the index.
            let meta: serde_json::Value = serde_json::from_str(&body).unwrap();
            let root = path.trim_end_matches("meta.json");
            let mut v: Vec<String> = meta["shards"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| format!("{root}t/{}.json", s.as_str().unwrap()))
                .collect();
            let chunks = meta["docs"]
                .as_u64()
                .unwrap()
                .div_ceil(meta["chunk"].as_u64().unwrap());
            v.extend((0..chunks).map(|c| format!("{root}d/{c}.json")));
            // The files a visit loads once: vocabulary, priors and, when pages have
            // facets, the facets.
            v.push(format!("{root}v.json"));
            v.push(format!("{root}p.json"));
            if meta["facets"] == true {
                v.push(format!("{root}f.json"));
            }
            v
        } else if path.ends_with("sitemap.xml") {
            body.split("<loc>")
                .skip(1)
                .filter_map(|s| s.split("</loc>").next())
                .map(String::from)
                .collect()
        } else {
            Vec::new()
        };
        for r in refs {
            let r = r.split('#').next().unwrap_or("").to_string();
            if r.is_empty() || r.starts_with("http") || r.starts_with("mailto:") {
                continue;
            }
            assert!(
                r.starts_with("/docs/"),
                "{path} links outside the sub-path: {r}"
            );
            queue.push_back(r);
        }
    }
    assert!(failures.is_empty(), "non-200 responses: {failures:#?}");
    let pages = seen.iter().filter(|p| p.ends_with('/')).count();
    assert!(pages >= 9, "crawled only {pages} pages: {seen:#?}");
    assert!(
        seen.iter().any(|p| p.starts_with("/docs/assets/style.")),
        "the stylesheet was crawled"
    );
    // The 404 page works under the sub-path too.
    let (status, body) = get(addr, "/docs/no/such/page/");
    assert_eq!(status, 404);
    assert!(
        body.contains("/docs/assets/style."),
        "404 page uses the sub-path's assets"
    );
}

/// (status, lowercased headers, body bytes) of a GET sending `Accept-Encoding: accept`.
fn get_encoded(addr: SocketAddr, path: &str, accept: &str) -> (u16, String, Vec<u8>) {
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
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head, buf[split + 4..].to_vec())
}

#[test]
fn precompressed_output_is_served_with_content_encoding() {
    crate::common::tools::requires!(Nginx);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    let o = portolan(&[
        "build",
        repo().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--base-url",
        "/docs/",
        "--compress",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = "konnect-platform/network/index.html";
    let plain = std::fs::read(out.join(page)).unwrap();
    assert!(out.join(format!("{page}.gz")).is_file() && out.join(format!("{page}.br")).is_file());

    let port = free_port();
    let _nginx = start_nginx(tmp.path(), &out, port);
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let url = "/docs/konnect-platform/network/";

    let (status, head, body) = get_encoded(addr, url, "gzip, deflate, br");
    assert_eq!(status, 200);
    assert!(head.contains("content-encoding: br"), "{head}");
    let mut back = Vec::new();
    std::io::Read::read_to_end(&mut brotli_decoder(&body), &mut back).unwrap();
    assert_eq!(back, plain, "the .br copy is the page");

    let (_, head, body) = get_encoded(addr, url, "gzip");
    assert!(head.contains("content-encoding: gzip"), "{head}");
    let mut back = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&body[..]), &mut back).unwrap();
    assert_eq!(back, plain, "the .gz copy is the page");

    let (_, head, body) = get_encoded(addr, url, "identity");
    assert!(!head.contains("content-encoding"), "{head}");
    assert_eq!(body, plain);
}

fn brotli_decoder(bytes: &[u8]) -> impl std::io::Read + '_ {
    brotli::Decompressor::new(bytes, 4096)
}

//! `portolan serve`: the site served from memory, rebuilt as files change, with live reload.
//!
//! One thread owns the [`Session`]; file events (notify) reach it over a channel, are
//! gathered for a few milliseconds, and applied incrementally. Each rebuild publishes an
//! immutable snapshot of the outputs (so requests never see half a rebuild) and tells open
//! pages to reload over server-sent events. While the content has errors, HTML requests get
//! a page showing them (file:line and the message), which reloads itself once fixed.
//! Nothing is written to disk: `public/` is `portolan build`'s business.

mod encoding;
mod hosts;
mod listen;
pub mod paths;

pub use hosts::AllowedHosts;

use std::collections::BTreeMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{mpsc, Arc, RwLock};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, Response, StatusCode, Uri};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::routing::get;
use axum::Router;
use notify::Watcher as _;
use portolan_site::{MessageFormat, Options, OutFile, Session};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt as _;

use crate::paths::{content_type, resolve, Served};

/// The live-reload client, injected into every HTML page the server sends.
const LIVE_JS: &str = r#"(() => {
  let events = null;
  const connect = () => {
    events = new EventSource("/__portolan/events");
    // Says on the page when the connection is open (what tests, and the curious, wait for).
    events.addEventListener("open", () => { document.documentElement.dataset.portolanLive = "open"; });
    events.addEventListener("reload", () => location.reload());
  };
  connect();
  // A page the browser keeps for Back (its back-forward cache) would keep its connection
  // open, and browsers open six at most to one server: after a few pages, the next one
  // waited a minute. Close it on leaving; open it again on coming back.
  addEventListener("pagehide", () => { if (events) { events.close(); events = null; } });
  addEventListener("pageshow", (e) => { if (e.persisted && !events) connect(); });
})();
"#;

const LIVE_TAG: &str = "<script src=\"/__portolan/live.js\"></script>";

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site to build.
    pub site: Options,
    /// Address to listen on (127.0.0.1 by default: only this machine can connect).
    pub addr: SocketAddr,
    /// Print rebuild lines.
    pub verbose: bool,
    /// Host names answered besides addresses and `localhost` (`--allow-host`).
    pub allowed_hosts: AllowedHosts,
    /// How long a connection may wait before sending a request's head: after it opens, and
    /// between requests on a kept-alive connection. Then it is closed.
    pub request_head_timeout: Duration,
}

impl ServeOptions {
    /// Serving `site` on `addr`, quietly, with the default limits.
    pub fn new(site: Options, addr: SocketAddr) -> Self {
        ServeOptions {
            site,
            addr,
            verbose: false,
            allowed_hosts: AllowedHosts::default(),
            request_head_timeout: listen::REQUEST_HEAD_TIMEOUT,
        }
    }
}

/// What requests are answered from: the last good outputs and the current errors.
struct Snapshot {
    outputs: BTreeMap<String, OutFile>,
    errors: Option<String>,
    base: String,
    /// The site's redirect rules, answered with their status.
    redirects: portolan_site::Redirects,
    /// Where the outputs copied from disk are: read only from inside it.
    content_dir: PathBuf,
}

#[derive(Clone)]
struct App {
    snapshot: Arc<RwLock<Arc<Snapshot>>>,
    reload: broadcast::Sender<u64>,
}

/// A running server.
pub struct Server {
    /// The address it listens on.
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _watcher: Arc<std::sync::Mutex<notify::RecommendedWatcher>>,
}

/// The folders of a site watched whole (the site folder itself is watched for its files
/// and for these folders coming and going).
const WATCHED: [&str; 3] = ["content", "theme", "www"];

fn watch_folder(
    watcher: &mut notify::RecommendedWatcher,
    dir: &std::path::Path,
) -> notify::Result<()> {
    if dir.is_dir() {
        watcher.watch(dir, notify::RecursiveMode::Recursive)?;
    }
    Ok(())
}

impl Server {
    /// Blocks until the server stops (it stops when the process does).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(s) = self.shutdown.take() {
            let _ = s.send(());
        }
    }
}

fn snapshot_of(session: &Session, last_good: Option<&Snapshot>) -> Snapshot {
    let base = session_base(session);
    if session.has_errors() {
        let text = portolan_site::messages::render(
            &session.sources(),
            &session.diagnostics(),
            Some("build"),
            MessageFormat::Human,
        );
        let outputs = last_good.map(|s| s.outputs.clone()).unwrap_or_default();
        Snapshot {
            outputs,
            errors: Some(text),
            redirects: last_good.map(|s| s.redirects.clone()).unwrap_or_default(),
            base,
            content_dir: session.content_dir(),
        }
    } else {
        Snapshot {
            outputs: session.outputs().clone(),
            errors: None,
            redirects: session.redirects(),
            base,
            content_dir: session.content_dir(),
        }
    }
}

fn session_base(session: &Session) -> String {
    session.base_url().to_string()
}

/// Builds the site and starts serving it; returns once the server listens.
pub fn start(opts: ServeOptions, log: fn(&str)) -> std::io::Result<Server> {
    let started = Instant::now();
    let mut session = Session::new(opts.site.clone());
    let first = snapshot_of(&session, None);
    match &first.errors {
        Some(e) => log(e),
        None => log(&format!(
            "Built {} pages in {} ms",
            session.page_count(),
            started.elapsed().as_millis()
        )),
    }
    let (reload, _) = broadcast::channel(16);
    let app = App {
        snapshot: Arc::new(RwLock::new(Arc::new(first))),
        reload: reload.clone(),
    };

    // Watch the site folder; events go to the rebuild thread.
    let (tx, rx) = mpsc::channel::<PathBuf>();
    let mut watcher = notify::recommended_watcher(move |res: notify::Result<notify::Event>| {
        if let Ok(ev) = res {
            if matches!(ev.kind, notify::EventKind::Access(_)) {
                return;
            }
            for p in ev.paths {
                let _ = tx.send(p);
            }
        }
    })
    .map_err(std::io::Error::other)?;
    let site_dir = std::path::absolute(&opts.site.site_dir)?;
    watcher
        .watch(&site_dir, notify::RecursiveMode::NonRecursive)
        .map_err(std::io::Error::other)?;
    for sub in WATCHED {
        watch_folder(&mut watcher, &site_dir.join(sub)).map_err(std::io::Error::other)?;
    }
    let watcher = Arc::new(std::sync::Mutex::new(watcher));
    let rewatcher = watcher.clone();

    let rebuild_app = app.clone();
    let out_dir = opts
        .site
        .out_dir
        .clone()
        .map(|p| std::path::absolute(p).unwrap_or_default());
    std::thread::spawn(move || {
        let mut generation = 0u64;
        while let Ok(first) = rx.recv() {
            let mut changed = vec![first];
            // Editors write in bursts (temp file, rename, chmod): gather them.
            while let Ok(p) = rx.recv_timeout(Duration::from_millis(8)) {
                changed.push(p);
            }
            changed.sort();
            changed.dedup();
            let public = site_dir.join("public");
            changed.retain(|p| {
                !p.starts_with(&public) && out_dir.as_ref().is_none_or(|o| !p.starts_with(o))
            });
            if changed.is_empty() {
                continue;
            }
            // A watched folder deleted and made again (a branch switch, `mv`) lost its
            // watch with its old inode: watch the new one.
            if let Ok(mut w) = rewatcher.lock() {
                for sub in WATCHED {
                    let d = site_dir.join(sub);
                    if changed.contains(&d) {
                        let _ = w.unwatch(&d);
                        let _ = watch_folder(&mut w, &d);
                    }
                }
            }
            let changed: Vec<PathBuf> = changed
                .into_iter()
                .map(|p| relocate(&p, &site_dir, &session))
                .collect();
            let stats = session.update(&changed);
            let last = rebuild_app.snapshot.read().map(|s| s.clone()).ok();
            let snap = snapshot_of(
                &session,
                last.as_deref()
                    .filter(|s| s.errors.is_none())
                    .or(last.as_deref()),
            );
            match &snap.errors {
                Some(e) => log(e),
                None => log(&format!(
                    "Rebuilt in {:.1} ms ({} page{} rendered{})",
                    stats.elapsed.as_secs_f64() * 1000.0,
                    stats.rendered,
                    if stats.rendered == 1 { "" } else { "s" },
                    if stats.full { ", full reload" } else { "" }
                )),
            }
            if let Ok(mut s) = rebuild_app.snapshot.write() {
                *s = Arc::new(snap);
            }
            generation += 1;
            let _ = rebuild_app.reload.send(generation);
            // The search index reads every page: publish it after the page reload, not before.
            if !session.has_errors() {
                session.refresh_search();
                let last = rebuild_app.snapshot.read().map(|s| s.clone()).ok();
                let snap = snapshot_of(&session, last.as_deref());
                if let Ok(mut s) = rebuild_app.snapshot.write() {
                    *s = Arc::new(snap);
                }
            }
        }
    });

    let router = Router::new()
        .route(
            "/__portolan/live.js",
            get(|| async {
                text_response(
                    StatusCode::OK,
                    "text/javascript; charset=utf-8",
                    LIVE_JS.into(),
                )
            }),
        )
        .route("/__portolan/events", get(events))
        .fallback(get(page_compressed))
        .with_state(app)
        .layer(axum::middleware::from_fn_with_state(
            Arc::new(opts.allowed_hosts.clone()),
            only_allowed_hosts,
        ));
    let std_listener = std::net::TcpListener::bind(opts.addr)?;
    std_listener.set_nonblocking(true)?;
    let addr = std_listener.local_addr()?;
    let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
    let head_timeout = opts.request_head_timeout;
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(std_listener).expect("listener");
            listen::serve(listener, router, head_timeout, async {
                let _ = stop.await;
            })
            .await;
        });
    });
    Ok(Server {
        addr,
        shutdown: Some(shutdown),
        thread: Some(thread),
        _watcher: watcher,
    })
}

/// Paths from the watcher are absolute; the session knows the site folder as given.
fn relocate(p: &std::path::Path, abs_site: &std::path::Path, session: &Session) -> PathBuf {
    match p.strip_prefix(abs_site) {
        Ok(rel) => session.options().site_dir.join(rel),
        Err(_) => p.to_path_buf(),
    }
}

/// Answers only requests whose `Host` the server may answer (see [`AllowedHosts`]).
async fn only_allowed_hosts(
    State(allowed): State<Arc<AllowedHosts>>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response<Body> {
    let host = request
        .headers()
        .get(header::HOST)
        .map(|h| h.to_str().unwrap_or(""));
    if allowed.allows(host) {
        return next.run(request).await;
    }
    text_response(
        StatusCode::MISDIRECTED_REQUEST,
        "text/plain; charset=utf-8",
        b"421 Misdirected Request: this server answers its addresses and localhost; \
          start it with --allow-host NAME to answer another host name\n"
            .to_vec(),
    )
}

async fn events(
    State(app): State<App>,
) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let stream = BroadcastStream::new(app.reload.subscribe())
        .filter_map(|r| r.ok())
        .map(|generation| {
            Ok(Event::default()
                .event("reload")
                .data(generation.to_string()))
        });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

fn text_response(status: StatusCode, ctype: &'static str, body: Vec<u8>) -> Response<Body> {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    r
}

fn with_live_reload(html: &[u8]) -> Vec<u8> {
    let s = String::from_utf8_lossy(html);
    match s.rfind("</body>") {
        Some(i) => format!("{}{LIVE_TAG}{}", &s[..i], &s[i..]).into_bytes(),
        None => format!("{s}{LIVE_TAG}").into_bytes(),
    }
}

fn error_page(errors: &str) -> Vec<u8> {
    let escaped = portolan_htmlscan::escape_html(errors);
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Build error · Portolan</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"></head>\
         <body style=\"font-family: system-ui, sans-serif; margin: 2rem; background: #fff8f6; color: #3b0d0c\">\
         <h1>The site has errors</h1><p>Fix the file and save: this page reloads by itself.</p>\
         <pre style=\"white-space: pre-wrap; background: #fff; border: 1px solid #e5b5b0; padding: 1rem; overflow-x: auto\">{escaped}</pre>{LIVE_TAG}</body></html>"
    )
    .into_bytes()
}

/// [`page`], compressed for a browser that accepts it.
async fn page_compressed(state: State<App>, uri: Uri, request: HeaderMap) -> Response<Body> {
    encoding::negotiate(&request, page(state, uri).await).await
}

async fn page(State(app): State<App>, uri: Uri) -> Response<Body> {
    let snap = match app.snapshot.read() {
        Ok(s) => s.clone(),
        Err(_) => {
            return text_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "text/plain; charset=utf-8",
                b"server state poisoned".to_vec(),
            )
        }
    };
    let target = match resolve(uri.path(), &snap.base) {
        Ok(t) => t,
        Err(bad) => {
            return text_response(
                StatusCode::BAD_REQUEST,
                "text/plain; charset=utf-8",
                format!("400 Bad Request: {}\n", bad.0).into_bytes(),
            )
        }
    };
    let key = match target {
        Served::Redirect(to) => {
            let mut r = text_response(
                StatusCode::MOVED_PERMANENTLY,
                "text/plain; charset=utf-8",
                Vec::new(),
            );
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
        Served::NotFound => return not_found(&snap),
        Served::File(k) => k,
    };
    // An old URL a rule moved (no page holds it, and no file): its rule's status and new
    // place.
    if key.ends_with("index.html") || !snap.outputs.contains_key(&key) {
        let site_path = format!("/{}", key.strip_suffix("index.html").unwrap_or(&key));
        if let Some((to, code)) = snap.redirects.for_path(&site_path) {
            let status = StatusCode::from_u16(code).unwrap_or(StatusCode::MOVED_PERMANENTLY);
            let mut r = text_response(status, "text/plain; charset=utf-8", Vec::new());
            if let Ok(v) = HeaderValue::from_str(&to) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            return r;
        }
    }
    if let (Some(errors), true) = (&snap.errors, key.ends_with(".html")) {
        return text_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            "text/html; charset=utf-8",
            error_page(errors),
        );
    }
    match snap.outputs.get(&key) {
        Some(f) => serve_file(&snap.content_dir, &key, f).await,
        None if !key.rsplit('/').next().unwrap_or("").contains('.')
            && snap.outputs.contains_key(&format!("{key}/index.html")) =>
        {
            let mut r = text_response(
                StatusCode::MOVED_PERMANENTLY,
                "text/plain; charset=utf-8",
                Vec::new(),
            );
            if let Ok(v) = HeaderValue::from_str(&format!("{}/", uri.path())) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
        None => not_found(&snap),
    }
}

/// The largest file copied from content/ that `serve` sends (it reads it whole).
const MAX_SERVED_BYTES: u64 = 256 << 20;

async fn serve_file(content_dir: &std::path::Path, key: &str, f: &OutFile) -> Response<Body> {
    let ctype = content_type(key);
    let bytes = match f {
        OutFile::Bytes(b) => b.to_vec(),
        // Read now, from the folder as it is now: only a regular file still inside
        // content/ (an edit may have swapped it for a link since the last rebuild).
        OutFile::Disk(p) => match tokio::task::spawn_blocking({
            let (root, path) = (content_dir.to_path_buf(), p.clone());
            move || portolan_site::files::read_beneath(&root, &path, MAX_SERVED_BYTES)
        })
        .await
        {
            Ok(Ok(b)) => b,
            _ => {
                return text_response(
                    StatusCode::NOT_FOUND,
                    "text/plain; charset=utf-8",
                    b"404 Not Found\n".to_vec(),
                )
            }
        },
    };
    let body = if ctype.starts_with("text/html") {
        with_live_reload(&bytes)
    } else {
        bytes
    };
    text_response(StatusCode::OK, ctype, body)
}

fn not_found(snap: &Snapshot) -> Response<Body> {
    match snap.outputs.get("404.html") {
        Some(OutFile::Bytes(b)) => text_response(
            StatusCode::NOT_FOUND,
            "text/html; charset=utf-8",
            with_live_reload(b),
        ),
        _ => text_response(
            StatusCode::NOT_FOUND,
            "text/plain; charset=utf-8",
            b"404 Not Found\n".to_vec(),
        ),
    }
}

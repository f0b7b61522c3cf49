//! A site: the content tree read into a model, rendered with the Tera theme, and written
//! atomically.
//!
//! [`build`] is the whole job: [`load`] reads `portolan.yaml`, `content/` (pages, includes,
//! static files) and the theme; pages render in parallel through the dialect; cross-page
//! facts (breadcrumb titles, the home page's list) are resolved; Tera renders each page;
//! everything is written to a staging folder that replaces the output only when complete.

pub mod config;
pub mod links;
pub mod output;
mod page;
pub mod publish;
pub mod search;
mod session;
pub mod sources;
pub mod theme;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use portolan_dialect::{Diagnostic, FileId, IncludeError, IncludeResolver, Included, Span};
use rayon::prelude::*;
use walkdir::WalkDir;

pub use config::Config;
pub use page::PageModel;
pub use session::{OutFile, RebuildStats, Session};
pub use sources::Sources;
pub use theme::{Embedded, Theme};

/// Where content lives inside the site folder.
pub const CONTENT_DIR: &str = "content";
/// Where includes live inside the content folder.
pub const INCLUDES_DIR: &str = "_includes";

/// Reports progress: (phase, done, total). Called from many threads.
pub type Progress = std::sync::Arc<dyn Fn(&'static str, usize, usize) + Send + Sync>;

/// Where a build records the time of each phase (for `--verbose`).
pub type Timings = std::sync::Arc<std::sync::Mutex<Vec<(&'static str, Duration)>>>;

/// What to build.
#[derive(Clone)]
pub struct Options {
    /// The site folder (holds portolan.yaml, content/, optionally theme/ and www/).
    pub site_dir: PathBuf,
    /// The output folder; defaults to `site_dir/public`.
    pub out_dir: Option<PathBuf>,
    /// Overrides the config's base URL.
    pub base_url: Option<String>,
    /// The theme and calculator bundle built into the binary, used when the site has none.
    pub embedded: Embedded,
    /// Overrides the config's `minify`.
    pub minify: Option<bool>,
    /// Told how far a build has got.
    pub progress: Option<Progress>,
    /// Time spent in each phase of the last build, for `--verbose`.
    pub timings: Option<Timings>,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("site_dir", &self.site_dir)
            .field("out_dir", &self.out_dir)
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Options {
    /// Options for `site_dir` with defaults.
    pub fn new(site_dir: impl Into<PathBuf>) -> Self {
        Options {
            site_dir: site_dir.into(),
            out_dir: None,
            base_url: None,
            embedded: &[],
            minify: None,
            progress: None,
            timings: None,
        }
    }

    /// The output folder.
    pub fn out_dir(&self) -> PathBuf {
        self.out_dir
            .clone()
            .unwrap_or_else(|| self.site_dir.join("public"))
    }
}

/// A page's source.
#[derive(Debug, Clone)]
pub struct PageSource {
    /// Its file.
    pub file: FileId,
    /// Path relative to content/, `/`-separated.
    pub rel: String,
    /// Its URL path relative to the base, e.g. `konnect-platform/network/` (`` for home).
    pub url: String,
}

/// A static file copied as is.
#[derive(Debug, Clone)]
pub struct StaticFile {
    /// Output path relative to the output folder.
    pub rel: String,
    /// Where it is.
    pub disk: PathBuf,
    /// The text that was checked, for a file that is checked before it is published (SVG,
    /// XML): what is written, so an edit after the check cannot slip through.
    pub checked: Option<Arc<str>>,
}

/// What a file in content/ that is not a page may be, by its extension. A reader can open
/// any published file on the site's origin, where no page's CSP applies, and hosts pick its
/// content type by extension; so only types that cannot run script there are copied as
/// they are (an allow-list: a new kind of file is refused until it is known), drawings and
/// XML are checked like raw HTML, and pages and scripts (code) are refused: pages come from
/// markdown, scripts from the theme.
enum StaticKind {
    Copied,
    Checked,
    /// What it is, and a hint.
    Refused(&'static str, &'static str),
}

/// Images, fonts, media, documents, archives, and text or data that browsers show as text
/// or download. None has an HTML, XML or script type in mime-db (what most hosts use), which
/// is why `.rs` (`application/rls-services+xml`) is not here.
const COPIED: &[&str] = &[
    "png", "jpg", "jpeg", "gif", "webp", "avif", "apng", "ico", "bmp", "tif", "tiff", "jxl",
    "heic", "cur", "woff", "woff2", "ttf", "otf", "eot", "mp3", "mp4", "m4a", "m4v", "webm", "ogg",
    "oga", "ogv", "opus", "wav", "flac", "mov", "vtt", "pdf", "txt", "csv", "tsv", "json", "yaml",
    "yml", "toml", "ini", "conf", "cfg", "log", "css", "map", "zip", "gz", "tgz", "tar", "bz2",
    "xz", "zst", "7z", "whl", "deb", "rpm", "sh", "bash", "zsh", "ps1", "py", "rb", "go", "java",
    "kt", "c", "h", "cpp", "hpp", "cs", "lua", "pl", "proto", "sql", "graphql", "tf", "hcl",
    "diff", "patch", "pem", "crt", "pub", "asc", "sig", "sha256", "lock",
];

/// XML documents (a browser renders them, and runs script in them, when a host sends an
/// XML type): checked as XML.
const CHECKED: &[&str] = &[
    "svg", "xml", "xsd", "rng", "rdf", "kml", "gpx", "xul", "xaml", "wsdl", "smil", "ttml", "dae",
    "atom", "rss", "mathml", "mml", "plist", "xlf", "xliff", "opml", "gml", "dtd", "xbl",
];

fn static_kind(rel: &str) -> StaticKind {
    const HTML: &[&str] = &[
        "html", "htm", "xhtml", "xht", "shtml", "mhtml", "mht", "hta",
    ];
    const SCRIPT: &[&str] = &["js", "mjs", "cjs", "jsx", "ts", "wasm"];
    let refused_html = StaticKind::Refused(
        "an HTML page would run its script on the site's origin",
        "write the page as markdown (`.md`); raw HTML that formats is allowed inside it",
    );
    let refused_script = StaticKind::Refused(
        "a script would run on the site's origin",
        "scripts come from the theme (`theme/assets/`), which is code, never from content",
    );
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let exts: Vec<String> = name
        .split('.')
        .skip(1)
        .map(str::to_ascii_lowercase)
        .collect();
    let Some((last, inner)) = exts.split_last() else {
        return StaticKind::Copied; // `CNAME`, `LICENSE`: checked for markup at their start
    };
    let mut kind = match last.as_str() {
        e if COPIED.contains(&e) => StaticKind::Copied,
        e if CHECKED.contains(&e) => StaticKind::Checked,
        e if HTML.contains(&e) => return refused_html,
        e if SCRIPT.contains(&e) => return refused_script,
        _ => {
            return StaticKind::Refused(
                "not a kind of file known to be safe to publish (a host may serve it as a page)",
                "content/ publishes only files that cannot run script in a browser: images, fonts, media, PDFs, archives, text and data files (checked: SVG and XML); \
                 rename a text file to `.txt` to publish it as text",
            )
        }
    };
    // Some hosts (Apache's mod_mime) type a file by every extension they know, so
    // `d.svg.tf` is an SVG and `x.html.txt` a page; unknown inner parts (`kong-3.4.tar.gz`)
    // are skipped there too.
    for e in inner {
        if HTML.contains(&e.as_str()) {
            return refused_html;
        }
        if SCRIPT.contains(&e.as_str()) {
            return refused_script;
        }
        if CHECKED.contains(&e.as_str()) {
            kind = StaticKind::Checked;
        }
    }
    kind
}

/// True when a file starts (after a byte order mark and blanks) with `<`: served with no
/// content type (a host that knows neither its extension nor a default), a browser sniffs
/// such a file as HTML or XML. Copied files may not.
fn starts_with_markup(path: &Path) -> bool {
    let head = file_head(path, 1024);
    let rest = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    rest.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'<')
}

/// Up to `limit` bytes from the start of a file (none when it cannot be read: the copy
/// reports that).
fn file_head(path: &Path, limit: u64) -> Vec<u8> {
    use std::io::Read;
    let mut head = Vec::new();
    if let Ok(f) = std::fs::File::open(path) {
        let _ = f.take(limit).read_to_end(&mut head);
    }
    head
}

/// The error for a file in content/ that is not published, showing its first line (it is
/// read for that only).
fn refuse_static(
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
    display: &str,
    path: &Path,
    what: &str,
    hint: &str,
) {
    let head = file_head(path, 240);
    let first = String::from_utf8_lossy(&head)
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default()
        .to_string();
    let id = sources.add(
        display.to_string(),
        path.to_path_buf(),
        Arc::from(format!("{first}\n")),
    );
    diags.push(
        Diagnostic::error(Span::new(id, 0, 0), format!("`{display}`: {what}"))
            .with_label("not published")
            .with_hint(hint.to_string()),
    );
}

/// Checks a drawing or XML file from content/ the way raw HTML in a page is checked (see
/// [`portolan_htmlscan::unsafe_xml`]); returns its text when it is safe to publish.
fn check_static(
    sources: &mut Sources,
    display: String,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
) -> Option<Arc<str>> {
    let id = match sources::read_text(sources, display, path) {
        Ok(id) => id,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let text = sources.get(id).text.clone();
    let mut safe = true;
    for portolan_htmlscan::Finding { at, what } in portolan_htmlscan::unsafe_xml(&text) {
        safe = false;
        let end = portolan_dialect::diag::ceil_char_boundary(&text, at + 1);
        portolan_dialect::diag::push_limited(
            diags,
            Diagnostic::error(Span::new(id, at, end), format!("a file that can run script: {what}"))
                .with_label("not allowed in content")
                .with_hint("the site serves this file as it is, and a reader can open it on its own: a drawing may draw, not run script (no `<script>`, no `on...` attributes, no `javascript:` URLs)"),
        );
    }
    safe.then_some(text)
}

/// The site read from disk, before rendering.
pub struct Loaded {
    /// The config.
    pub config: Config,
    /// Every source file read.
    pub sources: Sources,
    /// Pages, sorted by URL.
    pub pages: Vec<PageSource>,
    /// Static files from content/.
    pub statics: Vec<StaticFile>,
    /// Include files by path relative to the includes folder.
    pub includes: Includes,
    /// The theme.
    pub theme: Theme,
    /// What the site owns, for rewriting links.
    pub links: links::LinkMap,
}

/// Include files, read up front so that rendering can resolve them from many threads.
#[derive(Debug, Default)]
pub struct Includes {
    by_path: HashMap<String, (FileId, Arc<str>)>,
}

impl IncludeResolver for Includes {
    fn resolve(&self, path: &str) -> Result<Included, IncludeError> {
        match self.by_path.get(path) {
            Some((file, text)) => Ok(Included {
                file: *file,
                text: text.clone(),
            }),
            None => {
                let known: Vec<&str> = self.by_path.keys().map(String::as_str).collect();
                Err(IncludeError {
                    message: format!("include `{path}` not found in {CONTENT_DIR}/{INCLUDES_DIR}/"),
                    hint: Some(
                        match portolan_dialect::diag::did_you_mean(path, known.iter().copied()) {
                            Some(s) => format!("did you mean `/{s}`?"),
                            None => format!(
                                "create {CONTENT_DIR}/{INCLUDES_DIR}/{path}, or fix the path"
                            ),
                        },
                    ),
                })
            }
        }
    }
}

/// A build's outcome.
#[derive(Debug)]
pub struct Report {
    /// Pages written.
    pub pages: usize,
    /// Other files written (assets, static files, JSON).
    pub files: usize,
    /// Warnings, rendered.
    pub warnings: String,
    /// Number of warnings.
    pub warning_count: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// Where the output went.
    pub out_dir: PathBuf,
}

/// Why a build failed.
#[derive(Debug)]
pub struct Failure {
    /// Every diagnostic, rendered with file:line:column and source lines.
    pub rendered: String,
    /// The diagnostics.
    pub diagnostics: Vec<Diagnostic>,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.rendered)
    }
}

fn display_rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Reads the site folder. Errors are collected, not returned at the first one.
pub fn load(opts: &Options, diags: &mut Vec<Diagnostic>) -> Option<Loaded> {
    let site = &opts.site_dir;
    let mut sources = Sources::default();

    let config_path = site.join(config::CONFIG_FILE);
    let mut config = if config_path.exists() {
        match sources::read_text(&mut sources, config::CONFIG_FILE.to_string(), &config_path) {
            Ok(id) => match Config::parse(id, &sources.get(id).text.clone()) {
                Ok(c) => c,
                Err(ds) => {
                    diags.extend(ds);
                    Config::default()
                }
            },
            Err(d) => {
                diags.push(d);
                Config::default()
            }
        }
    } else {
        Config::default()
    };
    if let Some(b) = &opts.base_url {
        config.base_url = config::normalize_base(b);
    }
    if let Some(m) = opts.minify {
        config.minify = m;
    }

    let content = site.join(CONTENT_DIR);
    if !content.is_dir() {
        diags.push(Diagnostic { span: None, ..Diagnostic::error(Span::new(0, 0, 0), format!("no `{CONTENT_DIR}/` folder in {}", site.display())) }
            .with_hint("run `portolan build` in a site folder, or pass the folder: `portolan build path/to/site`"));
        return None;
    }
    let includes_root = content.join(INCLUDES_DIR);
    let includes_canon = includes_root.canonicalize().ok();
    let mut pages = Vec::new();
    let mut statics = Vec::new();
    let mut includes = Includes::default();

    let walker = WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    for entry in walker.filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.')) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| display_rel(site, p)).unwrap_or_default();
                diags.push(Diagnostic {
                    span: None,
                    ..Diagnostic::error(Span::new(0, 0, 0), format!("cannot read `{path}`: {e}"))
                });
                continue;
            }
        };
        let path = entry.path();
        let display = display_rel(site, path);
        let ft = entry.file_type();
        if ft.is_symlink() {
            match symlink_target(&content, path) {
                Ok(true) => {}
                Ok(false) => {
                    let id = sources.add(display.clone(), path.to_path_buf(), Arc::from(""));
                    diags.push(
                        Diagnostic::error(
                            Span::new(id, 0, 0),
                            format!("symlink `{display}` points outside the site's content folder"),
                        )
                        .with_label("")
                        .with_hint("copy the file into content/ instead of linking to it"),
                    );
                    continue;
                }
                Err(e) => {
                    diags.push(sources::io_error(&mut sources, &display, path, &e));
                    continue;
                }
            }
            if path.is_dir() {
                // A linked folder could loop; content folders are walked only as real folders.
                let id = sources.add(display.clone(), path.to_path_buf(), Arc::from(""));
                diags.push(
                    Diagnostic::warning(
                        Span::new(id, 0, 0),
                        format!("symlinked folder `{display}` is not followed"),
                    )
                    .with_label(""),
                );
                continue;
            }
        } else if !ft.is_file() {
            continue;
        }
        let rel = display_rel(&content, path);
        if let Ok(inc_rel) = path.strip_prefix(&includes_root) {
            if let Some(canon) = &includes_canon {
                if !path
                    .canonicalize()
                    .map(|p| p.starts_with(canon))
                    .unwrap_or(false)
                {
                    continue;
                }
            }
            match sources::read_text(&mut sources, display, path) {
                Ok(id) => {
                    let key = inc_rel.to_string_lossy().replace('\\', "/");
                    includes
                        .by_path
                        .insert(key, (id, sources.get(id).text.clone()));
                }
                Err(d) => diags.push(d),
            }
            continue;
        }
        if rel.split('/').any(|c| c.starts_with('_')) {
            continue;
        }
        if rel.ends_with(".md") {
            match sources::read_text(&mut sources, display, path) {
                Ok(id) => pages.push(PageSource {
                    file: id,
                    url: url_for(&rel),
                    rel,
                }),
                Err(d) => diags.push(d),
            }
        } else {
            match static_kind(&rel) {
                StaticKind::Copied if starts_with_markup(path) => refuse_static(
                    &mut sources,
                    diags,
                    &display,
                    path,
                    "starts with `<`: a host that sends no content type lets the browser read it as a page",
                    "a copied file may not start like markup; for a drawing use `.svg`, for text start it with something else",
                ),
                StaticKind::Copied => statics.push(StaticFile { rel, disk: path.to_path_buf(), checked: None }),
                StaticKind::Checked => {
                    if let Some(text) = check_static(&mut sources, display, path, diags) {
                        statics.push(StaticFile { rel, disk: path.to_path_buf(), checked: Some(text) });
                    }
                }
                StaticKind::Refused(what, hint) => refuse_static(&mut sources, diags, &display, path, what, hint),
            }
        }
    }
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    for w in pages.windows(2) {
        if w[0].url == w[1].url {
            diags.push(
                Diagnostic::error(
                    Span::new(w[1].file, 0, 0),
                    format!(
                        "`{}` and `{}` both make the page /{}",
                        w[0].rel, w[1].rel, w[1].url
                    ),
                )
                .with_label("")
                .with_hint("rename one of them"),
            );
        }
    }

    let theme = match Theme::load(site, opts.embedded) {
        Ok(t) => t,
        Err(msg) => {
            diags.push(Diagnostic {
                span: None,
                ..Diagnostic::error(Span::new(0, 0, 0), msg)
            });
            return None;
        }
    };
    // A file from content/ may not take the place of one the build writes.
    let generated: std::collections::HashSet<String> = pages
        .iter()
        .map(|p| format!("{}index.json", p.url))
        .chain(["sitemap.xml", "robots.txt", "404.html"].map(String::from))
        .chain(theme.assets().map(|(n, _)| format!("assets/{n}")))
        .collect();
    for st in &statics {
        if generated.contains(&st.rel) || st.rel.starts_with("search/") {
            let display = format!("{CONTENT_DIR}/{}", st.rel);
            let id = sources.add(display.clone(), st.disk.clone(), Arc::from(""));
            diags.push(
                Diagnostic::error(
                    Span::new(id, 0, 0),
                    format!(
                        "`{display}` would replace `{}`, which the build writes",
                        st.rel
                    ),
                )
                .with_label("")
                .with_hint(
                    "rename or move the file (`search/` and the theme's asset names are reserved)",
                ),
            );
        }
    }
    let mut loaded = Loaded {
        config,
        sources,
        pages,
        statics,
        includes,
        theme,
        links: links::LinkMap::default(),
    };
    loaded.links = links::LinkMap::new(&loaded);
    Some(loaded)
}

fn symlink_target(content: &Path, path: &Path) -> std::io::Result<bool> {
    let target = path.canonicalize()?;
    Ok(target.starts_with(content.canonicalize()?))
}

/// `a/b.md` → `a/b/`; `a/index.md` → `a/`; `index.md` → ``.
pub fn url_for(rel: &str) -> String {
    let stem = rel.strip_suffix(".md").unwrap_or(rel);
    let stem = stem
        .strip_suffix("index")
        .map(|s| s.trim_end_matches('/'))
        .unwrap_or(stem);
    if stem.is_empty() {
        String::new()
    } else {
        format!("{stem}/")
    }
}

/// Builds the site: load, render, write atomically. On failure the previous output is left
/// as it was.
///
/// Unlike a [`Session`] (which keeps every page for incremental rebuilds), a build streams:
/// every page's frontmatter first (what pages show of each other), then each page is
/// rendered, templated and written to the staging folder and dropped, so memory holds the
/// sources and little else.
pub fn build(opts: &Options) -> Result<Report, Failure> {
    let started = Instant::now();
    let timer = |phase: &'static str, t: Instant| {
        if let Some(tm) = &opts.timings {
            if let Ok(mut tm) = tm.lock() {
                tm.push((phase, t.elapsed()));
            }
        }
    };
    let mut diags = Vec::new();
    let t = Instant::now();
    let Some(loaded) = load(opts, &mut diags) else {
        return Err(failure(&Sources::default(), diags));
    };
    timer("load", t);
    let tera = match loaded.theme.tera() {
        Ok(t) => t,
        Err(msg) => {
            diags.push(Diagnostic {
                span: None,
                ..Diagnostic::error(Span::new(0, 0, 0), msg)
            });
            return Err(failure(&loaded.sources, diags));
        }
    };
    let out = opts.out_dir();
    if let Err(msg) = check_out_dir(opts, &out) {
        diags.push(Diagnostic {
            span: None,
            ..Diagnostic::error(Span::new(0, 0, 0), msg)
        });
        return Err(failure(&loaded.sources, diags));
    }
    let staging = match output::Staging::new(&out) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic {
                span: None,
                ..Diagnostic::error(
                    Span::new(0, 0, 0),
                    format!("cannot write {}: {e}", out.display()),
                )
            });
            return Err(failure(&loaded.sources, diags));
        }
    };
    let trash = output::take_out_trash(&out);

    let t = Instant::now();
    let ctx = portolan_dialect::Context {
        site: &loaded.config.variables,
        includes: &loaded.includes,
        links: &loaded.links,
    };
    let read: Vec<(Option<portolan_dialect::FrontMatter>, Vec<Diagnostic>)> = loaded
        .pages
        .par_iter()
        .map(|p| {
            portolan_dialect::render_frontmatter(ctx, p.file, &loaded.sources.get(p.file).text)
        })
        .collect();
    let mut fronts = Vec::with_capacity(read.len());
    for (f, d) in read {
        diags.extend(d);
        fronts.push(f);
    }
    let known: Vec<(&PageSource, &portolan_dialect::FrontMatter)> = loaded
        .pages
        .iter()
        .zip(&fronts)
        .filter_map(|(p, f)| f.as_ref().map(|f| (p, f)))
        .collect();
    let index = page::SiteIndex::new(&loaded, &known, &mut diags);
    timer("index", t);

    let t = Instant::now();
    let progress = session::Ticker::new(opts, "Building pages", loaded.pages.len());
    let results: Vec<(Vec<Diagnostic>, bool, Option<search::SearchDoc>)> = loaded
        .pages
        .par_iter()
        .zip(&fronts)
        .map(|(src, front)| {
            let (rendered, mut d) = portolan_dialect::render_page_with_frontmatter(
                ctx,
                src.file,
                &loaded.sources.get(src.file).text,
                front.as_ref(),
            );
            let mut written = false;
            let doc = rendered
                .as_ref()
                .map(|r| search::doc_for(&format!("{}{}", loaded.config.base_url, src.url), r));
            if let Some(rendered) = rendered {
                match page::render(&loaded, &index, &tera, src, &rendered) {
                    Ok(o) => match staging
                        .write(&o.html_path, o.html.as_bytes())
                        .and_then(|()| staging.write(&o.json_path, o.json.as_bytes()))
                    {
                        Ok(()) => written = true,
                        Err(e) => d.push(Diagnostic {
                            span: None,
                            ..Diagnostic::error(
                                Span::new(0, 0, 0),
                                format!("cannot write {}: {e}", o.html_path),
                            )
                        }),
                    },
                    Err(e) => d.push(e),
                }
            }
            progress.tick();
            (d, written, doc)
        })
        .collect();
    let mut written = Vec::new();
    let mut docs = Vec::with_capacity(results.len());
    for ((d, ok, doc), src) in results.into_iter().zip(&loaded.pages) {
        diags.extend(d);
        if ok {
            written.push(src);
        }
        docs.extend(doc);
    }
    timer("pages", t);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(failure(&loaded.sources, diags));
    }

    let t = Instant::now();
    let (mut files, d) = session::site_files(&loaded, &tera);
    diags.extend(d);
    files.extend(session::sitemap_files(&loaded, &written));
    files.extend(
        search::build_index(&docs)
            .into_iter()
            .map(|(p, b)| (p, OutFile::Bytes(b.into()))),
    );
    let finished = files
        .par_iter()
        .try_for_each(|(rel, f)| write_file(&staging, rel, f))
        .and_then(|()| staging.commit());
    if let Err(e) = finished {
        diags.push(Diagnostic {
            span: None,
            ..Diagnostic::error(
                Span::new(0, 0, 0),
                format!("cannot write {}: {e}", out.display()),
            )
        });
        return Err(failure(&loaded.sources, diags));
    }
    if let Some(trash) = trash {
        let _ = trash.join();
    }
    timer("finish", t);
    Ok(Report {
        pages: written.len(),
        files: files.len() + written.len(),
        warnings: if diags.is_empty() {
            String::new()
        } else {
            loaded.sources.render(&diags)
        },
        warning_count: diags.len(),
        elapsed: started.elapsed(),
        out_dir: out,
    })
}

fn write_file(staging: &output::Staging, rel: &str, f: &OutFile) -> std::io::Result<()> {
    match f {
        OutFile::Bytes(b) => staging.write(rel, b),
        OutFile::Disk(p) => staging.copy(rel, p),
    }
}

pub(crate) fn failure(sources: &Sources, diagnostics: Vec<Diagnostic>) -> Failure {
    Failure {
        rendered: sources.render(&diagnostics),
        diagnostics,
    }
}

fn check_out_dir(opts: &Options, out: &Path) -> Result<(), String> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out_abs = abs(out);
    let site_abs = abs(&opts.site_dir);
    for protected in [
        site_abs.clone(),
        site_abs.join(CONTENT_DIR),
        site_abs.join("theme"),
    ] {
        if protected.starts_with(&out_abs) {
            return Err(format!(
                "refusing to write the output to {}: it holds the site's own files",
                out.display()
            ));
        }
    }
    Ok(())
}

/// Writes `files` as the new output folder, atomically.
pub fn write(out: &Path, files: &BTreeMap<String, OutFile>) -> std::io::Result<()> {
    let staging = output::Staging::new(out)?;
    files
        .par_iter()
        .try_for_each(|(rel, f)| write_file(&staging, rel, f))?;
    staging.commit()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_urls() {
        assert_eq!(url_for("index.md"), "");
        assert_eq!(url_for("konnect/index.md"), "konnect/");
        assert_eq!(
            url_for("konnect-platform/network.md"),
            "konnect-platform/network/"
        );
    }
}

//! Files in content/ that are not pages: which are published as they are, which are
//! checked first (drawings and other XML), and which are refused.
//!
//! A reader can open any published file on the site's origin, where no page's
//! Content-Security-Policy applies, and hosts pick its content type by extension. So the
//! extensions are an allow-list, every extension in a name counts (some hosts type
//! `d.svg.tf` as SVG), a copied file that starts like markup is checked as the HTML a
//! browser would sniff it as (a host that sends no type lets it), and none may replace a file the build writes.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use portolan_dialect::diag::{ceil_char_boundary, push_limited};
use portolan_dialect::{Diagnostic, Span};

use crate::content::CONTENT_DIR;
use crate::content::{PageSource, StaticFile};
use crate::publish::GENERATED_FILES;
use crate::sources::{self, Sources};
use crate::Theme;

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
    // text/markdown: only under content/assets/ (elsewhere a `.md` file is a page).
    "md", "markdown",
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

/// True when a file starts (after a byte order mark and blanks) with an XML declaration.
fn starts_with_xml_declaration(path: &Path) -> bool {
    let head = file_head(path, 1024);
    let rest = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&head);
    let start = rest
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(rest.len());
    rest[start..].len() >= 5 && rest[start..start + 5].eq_ignore_ascii_case(b"<?xml")
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

/// How a checked file is read: as XML (a drawing, a feed), or as the HTML a browser would
/// sniff in a text file that starts like markup (a markdown file that opens with a comment).
#[derive(Clone, Copy)]
enum Scan {
    Xml,
    SniffedHtml,
}

/// Checks a drawing or XML file from content/ the way raw HTML in a page is checked (see
/// [`portolan_htmlscan::unsafe_xml`]), or a text file that starts like markup as HTML;
/// returns its text when it is safe to publish.
fn check_static(
    sources: &mut Sources,
    display: String,
    path: &Path,
    diags: &mut Vec<Diagnostic>,
    scan: Scan,
) -> Option<Arc<str>> {
    let id = match sources::read_text(sources, display, path) {
        Ok(id) => id,
        Err(d) => {
            diags.push(d);
            return None;
        }
    };
    let text = sources.get(id).text();
    let mut safe = true;
    let findings = match scan {
        Scan::Xml => portolan_htmlscan::unsafe_xml(&text),
        Scan::SniffedHtml => portolan_htmlscan::unsafe_html(&text),
    };
    for portolan_htmlscan::Finding { at, what } in findings {
        safe = false;
        let end = ceil_char_boundary(&text, at + 1);
        push_limited(
            diags,
            Diagnostic::error(Span::new(id, at, end), format!("a file that can run script: {what}"))
                .with_label("not allowed in content")
                .with_hint(match scan {
                    Scan::Xml => "the site serves this file as it is, and a reader can open it on its own: a drawing may draw, not run script (no `<script>`, no `on...` attributes, no `javascript:` URLs)",
                    Scan::SniffedHtml => "the file starts with `<`, so a browser given no content type reads it as a page: it may not hold script (no `<script>`, no `on...` attributes, no `javascript:` URLs)",
                }),
        );
    }
    safe.then_some(text)
}

/// Sorts the file at `path` (`rel` under content/, `display` under the site folder) into
/// `statics`, or reports why it is not published.
pub(crate) fn add(
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
    statics: &mut Vec<StaticFile>,
    display: String,
    rel: String,
    path: &Path,
) {
    match static_kind(&rel) {
        // A host that sends no content type lets the browser sniff a file that starts with
        // `<` as a page (or, with `<?xml`, as XML): such a text file is published only when
        // it holds nothing that runs as HTML, and an XML declaration is refused outright.
        StaticKind::Copied if starts_with_markup(path) => {
            if starts_with_xml_declaration(path) {
                refuse_static(
                    sources,
                    diags,
                    &display,
                    path,
                    "starts with `<?xml`: a host that sends no content type lets the browser read it as XML",
                    "for a drawing use `.svg`, for XML `.xml` (both are checked); for text start it with something else",
                );
            } else if let Some(text) =
                check_static(sources, display, path, diags, Scan::SniffedHtml)
            {
                statics.push(StaticFile {
                    rel,
                    disk: path.to_path_buf(),
                    checked: Some(text),
                });
            }
        }
        StaticKind::Copied => statics.push(StaticFile {
            rel,
            disk: path.to_path_buf(),
            checked: None,
        }),
        StaticKind::Checked => {
            if let Some(text) = check_static(sources, display, path, diags, Scan::Xml) {
                statics.push(StaticFile {
                    rel,
                    disk: path.to_path_buf(),
                    checked: Some(text),
                });
            }
        }
        StaticKind::Refused(what, hint) => {
            refuse_static(sources, diags, &display, path, what, hint)
        }
    }
}

/// Refuses files from content/ that would take the place of one the build writes: a page's
/// model, the sitemap, robots.txt, the 404 page, the search index, the theme's assets.
pub(crate) fn refuse_generated_names(
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
    statics: &[StaticFile],
    pages: &[PageSource],
    theme: &Theme,
) {
    let generated: HashSet<String> = pages
        .iter()
        .map(|p| format!("{}index.json", p.url))
        .chain(GENERATED_FILES.map(String::from))
        .chain(theme.assets().map(|(n, _)| format!("assets/{n}")))
        .collect();
    for st in statics {
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
}

//! The site's [`Diagrams`]: Mermaid drawn at build time ([`crate::mermaid`], then
//! [`crate::diagram_svg`]), each drawing kept by the hash of its source, in memory for the
//! life of the process (`serve` redraws only what an edit changed) and on disk under the
//! cache folder's `diagrams/` (`.portolan/cache/diagrams/` by default) (a fresh build redraws only what changed since the
//! last one). A diagram that cannot be drawn here is left to mermaid.js in the browser, with
//! a warning that says why.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use portolan_dialect::{DiagramError, Diagrams, Drawing};
use sha2::{Digest, Sha256};

use crate::mermaid::{self, Drawn};

/// The drawings' folder in the cache folder.
pub const CACHE_DIR: &str = "diagrams";

/// What a cached drawing depends on besides its source: the renderer and this file's
/// finishing (bump when either changes what is drawn).
const DRAWING_VERSION: &str = "mermaid-rs-renderer 0.3.1; portolan prepare 2, finish 1";

/// Draws and caches diagrams.
pub struct SiteDiagrams {
    dir: Option<PathBuf>,
    /// Whether new drawings go to `dir` too (a build's do; `serve` writes nothing to disk).
    writes: bool,
    memory: Mutex<HashMap<String, Arc<str>>>,
    /// The drawings this build asked for (what [`SiteDiagrams::prune`] keeps).
    used: Mutex<HashSet<String>>,
    /// A diagram was left to the browser: the output needs mermaid.js.
    for_browser: AtomicBool,
}

impl SiteDiagrams {
    /// Keeps drawings in cache folder `cache_dir` (and in memory; in memory only without
    /// a folder).
    pub fn new(cache_dir: Option<&Path>) -> SiteDiagrams {
        SiteDiagrams {
            dir: cache_dir.map(|d| d.join(CACHE_DIR)),
            writes: true,
            memory: Mutex::new(HashMap::new()),
            used: Mutex::new(HashSet::new()),
            for_browser: AtomicBool::new(false),
        }
    }

    /// Reads drawings from cache folder `cache_dir`, keeps new ones in memory only (for
    /// `serve`, `check` and `hosts`, which write nothing to disk).
    pub fn reading(cache_dir: Option<&Path>) -> SiteDiagrams {
        SiteDiagrams {
            dir: cache_dir.map(|d| d.join(CACHE_DIR)),
            writes: false,
            memory: Mutex::new(HashMap::new()),
            used: Mutex::new(HashSet::new()),
            for_browser: AtomicBool::new(false),
        }
    }

    /// Keeps drawings in memory only.
    pub fn in_memory() -> SiteDiagrams {
        SiteDiagrams {
            dir: None,
            writes: false,
            memory: Mutex::new(HashMap::new()),
            used: Mutex::new(HashSet::new()),
            for_browser: AtomicBool::new(false),
        }
    }

    /// Whether any diagram drawn so far was left to the browser (the output then
    /// publishes mermaid.js; a site without such a diagram does not carry its 3.5 MB).
    pub fn any_for_browser(&self) -> bool {
        self.for_browser.load(Ordering::Relaxed)
    }

    fn remembered(&self, key: &str) -> Option<Arc<str>> {
        if let Some(svg) = self.memory.lock().ok()?.get(key) {
            return Some(svg.clone());
        }
        let path = self.dir.as_ref()?.join(format!("{key}.svg"));
        let svg = std::fs::read_to_string(path).ok()?;
        // The cache is a folder anyone may write: what comes back is checked again.
        if !portolan_htmlscan::unsafe_html(&svg).is_empty() || !svg.starts_with("<svg") {
            return None;
        }
        let svg: Arc<str> = svg.into();
        self.remember_in_memory(key, &svg);
        Some(svg)
    }

    fn remember(&self, key: &str, svg: &Arc<str>) {
        self.remember_in_memory(key, svg);
        if let Some(dir) = self.dir.as_ref().filter(|_| self.writes) {
            // A cache that cannot be written costs time, not correctness: no error.
            let _ = write_atomically(dir, &format!("{key}.svg"), svg.as_bytes());
        }
    }

    fn remember_in_memory(&self, key: &str, svg: &Arc<str>) {
        if let Ok(mut m) = self.memory.lock() {
            m.insert(key.to_string(), svg.clone());
        }
    }

    /// Takes out of the cache folder the drawings this build did not ask for, so the
    /// cache holds what the site draws now, not every drawing it ever had. Only a build
    /// that writes the folder does (call it once every page has rendered).
    pub fn prune(&self) {
        let (Some(dir), true, Ok(used)) = (&self.dir, self.writes, self.used.lock()) else {
            return;
        };
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(key) = name.strip_suffix(".svg") {
                if !used.contains(key) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
    }

    /// The finished drawing of `source`, from the cache or drawn now.
    fn finished(&self, source: &str) -> Result<Result<Arc<str>, Option<String>>, DiagramError> {
        let key = cache_key(source);
        if let Ok(mut used) = self.used.lock() {
            used.insert(key.clone());
        }
        if let Some(svg) = self.remembered(&key) {
            return Ok(Ok(svg));
        }
        match mermaid::draw(source)? {
            Drawn::Browser(why) => Ok(Err(why)),
            Drawn::Svg(svg) => {
                let title = title(source, &svg);
                let desc = mermaid::accessible_text(source, "accDescr");
                match crate::diagram_svg::finish(&svg, &title, desc.as_deref()) {
                    Ok(done) => {
                        let done: Arc<str> = done.into();
                        self.remember(&key, &done);
                        Ok(Ok(done))
                    }
                    Err(why) => Ok(Err(Some(why))),
                }
            }
        }
    }
}

impl Diagrams for SiteDiagrams {
    fn draw(&self, source: &str, id: &str) -> Result<Drawing, DiagramError> {
        match self.finished(source)? {
            Ok(svg) => Ok(Drawing::Svg(crate::diagram_svg::place(&svg, id).into())),
            Err(why) => {
                self.for_browser.store(true, Ordering::Relaxed);
                Ok(Drawing::Browser(why))
            }
        }
    }
}

/// The drawing's name in the cache: the hash of what it depends on.
fn cache_key(source: &str) -> String {
    let mut h = Sha256::new();
    h.update(DRAWING_VERSION.as_bytes());
    h.update([0]);
    h.update(source.as_bytes());
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The title screen readers announce: the author's `accTitle`, else the kind of diagram
/// and the first of its labels.
fn title(source: &str, svg: &str) -> String {
    if let Some(t) = mermaid::accessible_text(source, "accTitle") {
        return t;
    }
    let kind = match mermaid::kind(source) {
        "flowchart" | "graph" => "Flowchart",
        "sequenceDiagram" => "Sequence diagram",
        "classDiagram" => "Class diagram",
        "stateDiagram" | "stateDiagram-v2" => "State diagram",
        "erDiagram" => "Entity relationship diagram",
        "gantt" => "Gantt chart",
        "pie" => "Pie chart",
        "journey" => "User journey",
        "timeline" => "Timeline",
        "mindmap" => "Mind map",
        "gitGraph" => "Git graph",
        _ => "Diagram",
    };
    let mut labels: Vec<String> = Vec::new();
    let mut len = 0;
    for text in svg.split("<text").skip(1) {
        let label = label_text(text);
        if label.is_empty() || labels.contains(&label) {
            continue;
        }
        len += label.len() + 2;
        if len > 200 {
            labels.push("…".into());
            break;
        }
        labels.push(label);
    }
    if labels.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {}", labels.join(", "))
    }
}

/// The text of one `<text …>…</text>` element (its tspans joined by spaces), decoded.
fn label_text(from_text_tag: &str) -> String {
    let body = from_text_tag.split("</text>").next().unwrap_or("");
    let body = body.split_once('>').map_or("", |(_, b)| b);
    let mut words = String::new();
    let mut in_tag = false;
    for c in body.chars() {
        match c {
            '<' => {
                in_tag = true;
                words.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => words.push(c),
            _ => {}
        }
    }
    let decoded = portolan_htmlscan::decode_references(&words);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes `name` in `dir` whole or not at all (a temporary file renamed into place), so a
/// build running beside another never reads half a drawing.
fn write_atomically(dir: &Path, name: &str, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, dir.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drawing_is_kept_and_reused_from_disk() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = "flowchart LR\n  A[Client] --> B[Kong]\n";
        let first = SiteDiagrams::new(Some(dir.path()));
        let Ok(Drawing::Svg(svg)) = first.draw(src, "diagram-1") else {
            panic!("not drawn")
        };
        assert!(
            svg.contains("aria-label=\"Flowchart: Client, Kong\""),
            "{svg}"
        );
        assert!(svg.contains("id=\"diagram-1-arrow-0\""), "{svg}");
        let key = cache_key(src);
        let cached = dir.path().join(CACHE_DIR).join(format!("{key}.svg"));
        assert!(cached.is_file());
        // A second process reads the drawing instead of drawing it: prove it by changing it.
        let kept = std::fs::read_to_string(&cached)
            .expect("cached")
            .replace("Kong", "Kept");
        std::fs::write(&cached, kept).expect("write");
        let second = SiteDiagrams::new(Some(dir.path()));
        let Ok(Drawing::Svg(again)) = second.draw(src, "diagram-3") else {
            panic!("not drawn")
        };
        assert!(
            again.contains("Kept") && again.contains("diagram-3-arrow-0"),
            "{again}"
        );
    }

    #[test]
    fn a_build_keeps_only_the_drawings_it_asked_for() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = "flowchart LR\n  A[Old] --> B[Gone]\n";
        let now = "flowchart LR\n  A[New] --> B[Kept]\n";
        let first = SiteDiagrams::new(Some(dir.path()));
        first.draw(old, "diagram-1").expect("drawn");
        first.prune();
        let cached = |src: &str| {
            dir.path()
                .join(CACHE_DIR)
                .join(format!("{}.svg", cache_key(src)))
        };
        assert!(cached(old).is_file());
        // The next build draws another diagram instead: the old drawing goes.
        let second = SiteDiagrams::new(Some(dir.path()));
        second.draw(now, "diagram-1").expect("drawn");
        second.prune();
        assert!(cached(now).is_file());
        assert!(!cached(old).exists());
        // A reader (serve) never deletes.
        SiteDiagrams::reading(Some(dir.path())).prune();
        assert!(cached(now).is_file());
    }

    #[test]
    fn a_tampered_cache_entry_is_drawn_again() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = "flowchart LR\n  A --> B\n";
        let path = dir
            .path()
            .join(CACHE_DIR)
            .join(format!("{}.svg", cache_key(src)));
        write_atomically(
            path.parent().expect("dir"),
            &format!("{}.svg", cache_key(src)),
            b"<svg><script>x()</script></svg>",
        )
        .expect("write");
        let d = SiteDiagrams::new(Some(dir.path()));
        let Ok(Drawing::Svg(svg)) = d.draw(src, "d") else {
            panic!("not drawn")
        };
        assert!(!svg.contains("script"), "{svg}");
    }

    #[test]
    fn hostile_labels_and_links_come_out_as_text() {
        let d = SiteDiagrams::in_memory();
        for src in [
            "flowchart LR\n  A[\"<script>alert(1)</script>\"] --> B[\"<img src=x onerror=alert(1)>\"]\n",
            "flowchart LR\n  A --> B\n  click A \"javascript:alert(1)\"\n",
            "flowchart LR\n  A[\"x&quot;><svg onload=alert(1)>\"] --> B\n",
            "sequenceDiagram\n  A->>B: </text><script>alert(1)</script>\n",
        ] {
            match d.draw(src, "d") {
                Ok(Drawing::Svg(svg)) => {
                    assert!(portolan_htmlscan::unsafe_html(&svg).is_empty(), "{src}: {svg}");
                    assert!(!svg.contains("javascript:"), "{src}: {svg}");
                }
                other => panic!("{src}: {other:?}"),
            }
        }
    }

    #[test]
    fn the_browser_draws_what_is_sent_there() {
        let d = SiteDiagrams::in_memory();
        let r = d.draw("flowchart LR\n%% portolan: browser\nA-->B", "d");
        assert!(matches!(r, Ok(Drawing::Browser(None))), "{r:?}");
        assert!(d.any_for_browser());
    }
}

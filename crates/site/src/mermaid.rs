//! Mermaid diagrams drawn at build time with mermaid-rs-renderer (pure Rust, MIT): source in,
//! an SVG that a page can inline under its Content-Security-Policy out.
//!
//! Before drawing, label markup the renderer would print as text is taken out: `<img>`
//! (Kong's labels put an icon before the text), `<b>`, `<i>`, `<a>` and the like (their
//! text stays); `<br>` it draws as a line break. After drawing, [`crate::diagram_svg`] makes
//! the SVG fit a page.
//!
//! A diagram that does not parse is the author's to fix: its error comes back at its line.
//! Some the renderer draws worse than mermaid.js does, compared side by side on Kong's
//! diagrams: sequence diagrams with boxes, frames (`alt`, `loop`...) or notes, flowcharts
//! with subgraphs, labels written over several lines (which it reads as more nodes), and
//! drawings too wide to read at a column's width. Those go to mermaid.js in the browser, as
//! does one it fails on (a panic, caught) and one its author sends there (a line
//! `%% portolan: browser`); `%% portolan: build` keeps a diagram at build time regardless.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

use mermaid_rs_renderer::{compute_layout, parse_mermaid, parse_mermaid_strict, render_svg};
use mermaid_rs_renderer::{ParseError, RenderOptions};
use portolan_dialect::DiagramError;

/// A comment that sends a diagram to mermaid.js in the browser.
pub(crate) const BROWSER_DIRECTIVE: &str = "%% portolan: browser";

/// A comment that keeps a diagram at build time, however it is drawn.
pub(crate) const BUILD_DIRECTIVE: &str = "%% portolan: build";

/// The widest drawing kept: a column is about 720 px, and text shrunk below a third of
/// its size cannot be read.
const MAX_DRAWN_WIDTH: f32 = 2000.0;

/// The largest diagram drawn at build time; larger ones go to the browser (layout time
/// grows faster than the source).
pub(crate) const MAX_SOURCE_BYTES: usize = 32 << 10;

/// The most nodes and edges (together) laid out at build time; larger diagrams go to the
/// browser, with a warning. The renderer's layout time grows much faster than its input
/// (measured with `examples/diagram_layout_bench.rs`, release build: 25 nodes with 50
/// edges took 0.6 s, 50 with 100 took 2.2 s, 200 with 400 took 15 s; a hub with 400
/// spokes 24 s), and a build must not wait on one diagram.
pub(crate) const MAX_LAID_OUT_ITEMS: usize = 80;

/// What drawing one diagram gave.
#[derive(Debug)]
pub(crate) enum Drawn {
    /// The SVG (before [`crate::diagram_svg::finish`]).
    Svg(String),
    /// For the browser to draw, and why (`None`: its author asked).
    Browser(Option<String>),
}

/// Draws `source`.
pub(crate) fn draw(source: &str) -> Result<Drawn, DiagramError> {
    if source.lines().any(|l| l.trim() == BROWSER_DIRECTIVE) {
        return Ok(Drawn::Browser(None));
    }
    if source.len() > MAX_SOURCE_BYTES {
        return Ok(Drawn::Browser(Some(format!(
            "it is over {} KiB, too big to lay out at build time",
            MAX_SOURCE_BYTES >> 10
        ))));
    }
    let forced = source.lines().any(|l| l.trim() == BUILD_DIRECTIVE);
    // Read as more nodes than it has: not even its errors would be the right ones.
    if !forced && has_multiline_label(source) {
        return Ok(Drawn::Browser(None));
    }
    let prepared = prepare(source);
    let mut options = RenderOptions::default();
    // Labels measured by a fixed table of character widths, not the build machine's
    // fonts: the reader's browser picks its own font anyway, and so a drawing is the same
    // on every machine (reproducible output, a cache any machine may fill, snapshots that
    // hold in CI).
    options.layout.fast_text_metrics = true;
    // The renderer is a large layout engine: a panic in it must not end the build.
    let parsed = quietly(|| match parse_mermaid_strict(&prepared) {
        Ok(p) => Ok(p),
        // Mermaid declares a participant where it is first used; the strict parser wants
        // it declared first. The lenient one reads it as Mermaid does.
        Err(ParseError::UnknownParticipant { .. }) => {
            parse_mermaid(&prepared).map_err(|e| error(e.to_string(), None, None))
        }
        Err(e) => Err(parse_error(&e, &prepared)),
    });
    let parsed = match parsed {
        Ok(Ok(p)) => p,
        Ok(Err(e)) => return Err(e),
        Err(_) => return Ok(renderer_failed()),
    };
    // Parsed, so its mistakes are reported; drawn by mermaid.js where it draws better.
    if !forced && drawn_better_in_browser(source) {
        return Ok(Drawn::Browser(None));
    }
    // Even when its author asks: a diagram this large would hold the build for seconds.
    let items = parsed.graph.nodes.len() + parsed.graph.edges.len();
    if items > MAX_LAID_OUT_ITEMS {
        return Ok(Drawn::Browser(Some(format!(
            "it has {items} nodes and edges; laying out more than {MAX_LAID_OUT_ITEMS} at build time takes seconds"
        ))));
    }
    let drawn = quietly(|| {
        let layout = compute_layout(&parsed.graph, &options.theme, &options.layout);
        render_svg(&layout, &options.theme, &options.layout)
    });
    match drawn {
        Ok(svg) if !forced && width_of(&svg).is_some_and(|w| w > MAX_DRAWN_WIDTH) => {
            Ok(Drawn::Browser(None))
        }
        Ok(svg) => Ok(Drawn::Svg(svg)),
        Err(_) => Ok(renderer_failed()),
    }
}

/// A diagram the renderer panicked on (reading or laying it out): the browser draws it.
fn renderer_failed() -> Drawn {
    Drawn::Browser(Some("the build-time renderer failed on it".into()))
}

thread_local! {
    /// Set while the renderer runs on this thread: its panics are caught and reported as a
    /// warning at the diagram, so the panic hook's message would only alarm.
    static IN_RENDERER: Cell<bool> = const { Cell::new(false) };
}

/// Runs the renderer's `f`, a panic in it caught and not printed (other panics still are:
/// the hook installed here hands them to the one it replaced).
fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !IN_RENDERER.with(Cell::get) {
                previous(info);
            }
        }));
    });
    IN_RENDERER.with(|r| r.set(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    IN_RENDERER.with(|r| r.set(false));
    result
}

/// Whether mermaid.js draws `source` better than the build's renderer (see the module
/// comment: what a side-by-side comparison of Kong's diagrams found).
fn drawn_better_in_browser(source: &str) -> bool {
    const SEQUENCE_BLOCKS: &[&str] = &[
        "box",
        "alt",
        "opt",
        "loop",
        "par",
        "critical",
        "break",
        "rect",
        "note",
        "activate",
        "autonumber",
    ];
    let words = || {
        source
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_ascii_lowercase)
    };
    let drawn_poorly = match kind(source) {
        "sequenceDiagram" => {
            words().any(|w| SEQUENCE_BLOCKS.contains(&w.as_str()))
                || source.lines().any(is_self_message)
        }
        "flowchart" | "graph" => words().any(|w| w == "subgraph"),
        _ => false,
    };
    drawn_poorly
}

/// Whether a sequence diagram's line is a message from a participant to itself (`A->>A: x`),
/// whose loop the renderer draws over the next message's label.
fn is_self_message(line: &str) -> bool {
    let Some((arrow_part, _)) = line.split_once(':') else {
        return false;
    };
    let Some(at) = arrow_part.find("-") else {
        return false;
    };
    let from = arrow_part[..at].trim();
    let to = arrow_part[at..]
        .trim_start_matches(['-', '>', 'x', ')', '+'])
        .trim();
    !from.is_empty() && from == to
}

/// Whether a label runs on past its line (a bracket or quote left open at a line's end):
/// mermaid.js reads it as one label, the build's renderer as more nodes.
fn has_multiline_label(source: &str) -> bool {
    source.lines().any(|line| {
        let line = line.trim();
        if line.starts_with("%%") {
            return false;
        }
        let mut depth = 0i32;
        let mut quoted = false;
        for c in line.chars() {
            match c {
                '"' => quoted = !quoted,
                '[' | '(' | '{' if !quoted => depth += 1,
                ']' | ')' | '}' if !quoted => depth -= 1,
                _ => {}
            }
        }
        quoted || depth > 0
    })
}

/// The `width` the renderer gave its root `<svg>`.
fn width_of(svg: &str) -> Option<f32> {
    let root = &svg[..svg.find('>')?];
    let at = root.find(" width=\"")? + " width=\"".len();
    root[at..].split('"').next()?.parse().ok()
}

/// The diagram's kind as its header names it (`flowchart`, `sequenceDiagram`), for its
/// title.
pub(crate) fn kind(source: &str) -> &str {
    source
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("%%") && !l.starts_with("---"))
        .and_then(|l| l.split([' ', ';']).next())
        .unwrap_or("")
}

/// What the author wrote for screen readers: `accTitle: …` and `accDescr: …`.
pub(crate) fn accessible_text(source: &str, key: &str) -> Option<String> {
    source.lines().find_map(|l| {
        let rest = l.trim().strip_prefix(key)?.trim_start();
        let text = rest.strip_prefix(':')?.trim();
        (!text.is_empty()).then(|| text.to_string())
    })
}

/// The parser's error as the page shows it: at its line (the renderer's line numbers are
/// the diagram's, ours the file's, so the message leaves them out).
fn parse_error(e: &ParseError, source: &str) -> DiagramError {
    match e {
        ParseError::UnexpectedToken {
            line,
            col,
            found,
            expected,
        } if expected.contains("diagram header") => {
            let (at, kind) = source
                .lines()
                .enumerate()
                .map(|(i, l)| (i + 1, l.trim()))
                .find(|(_, l)| !l.is_empty() && !l.starts_with("%%"))
                .map_or((*line as usize, found.as_str()), |(i, l)| (i, l));
            let kind = kind.split_whitespace().next().unwrap_or(kind);
            DiagramError {
                message: format!("`{kind}` is not a kind of diagram"),
                line: Some(at),
                column: Some(1),
                hint: Some("a diagram starts with its kind: `flowchart LR`, `sequenceDiagram`, `classDiagram`, `stateDiagram-v2`, `erDiagram`, `gantt`, `pie`, `timeline`…".into()),
            }
        }
        ParseError::UnexpectedToken {
            line,
            col,
            found,
            expected,
        } => DiagramError {
            message: format!("unexpected `{found}`: expected {expected}"),
            line: Some(*line as usize),
            column: Some(*col as usize),
            hint: None,
        },
        ParseError::UnclosedSubgraph { opened_at } => error(
            "a subgraph (or block) is opened here and never closed".into(),
            Some(*opened_at as usize),
            Some("close it with `end` on a line of its own".into()),
        ),
        _ => error(e.to_string(), None, None),
    }
}

fn error(message: String, line: Option<usize>, hint: Option<String>) -> DiagramError {
    DiagramError {
        message,
        line,
        column: None,
        hint,
    }
}

/// Markup in labels the renderer would print as text, with its text kept; the same
/// number of lines, so errors keep their line numbers.
const DROPPED_TAGS: &[&str] = &[
    "img", "b", "strong", "i", "em", "u", "a", "span", "small", "sup", "sub",
];

/// The source as the renderer can read it: label markup out (see [`DROPPED_TAGS`]),
/// Font Awesome names (`fa:fa-file`, an icon in mermaid.js) out, Mermaid's character codes
/// (`#40;`, `#quot;`) as the characters, `\\n` in a label as a line break.
fn prepare(source: &str) -> String {
    let text = without_label_markup(source);
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(i) = rest.find(['#', 'f', '\\']) {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        if let Some(icon) = at
            .strip_prefix("fa:fa-")
            .or_else(|| at.strip_prefix("fab:fa-"))
        {
            let len = icon
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
                .unwrap_or(icon.len());
            rest = icon[len..].strip_prefix(' ').unwrap_or(&icon[len..]);
        } else if let Some((c, len)) = character_code(at) {
            out.push(c);
            rest = &at[len..];
        } else if let Some(after) = at.strip_prefix("\\n") {
            out.push_str("<br>");
            rest = after;
        } else {
            let c = at.chars().next().unwrap_or_default();
            out.push(c);
            rest = &at[c.len_utf8()..];
        }
    }
    out.push_str(rest);
    out
}

/// Mermaid's character code `text` starts with (`#40;`, `#lpar;`) and its length.
fn character_code(text: &str) -> Option<(char, usize)> {
    let body = text.strip_prefix('#')?;
    let end = body.find(';').filter(|e| (1..=8).contains(e))?;
    let code = &body[..end];
    let c = match code {
        "quot" => '"',
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "lpar" => '(',
        "rpar" => ')',
        "num" => '#',
        "colon" => ':',
        "semi" => ';',
        _ => char::from_u32(code.parse().ok()?)?,
    };
    // The renderer reads markup in labels: a `<` stays text.
    if c == '<' || c == '>' || c == '&' || c.is_control() {
        return None;
    }
    Some((c, end + 2))
}

fn without_label_markup(source: &str) -> String {
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(at) = rest.find('<') {
        out.push_str(&rest[..at]);
        let tag = &rest[at..];
        match dropped_tag_len(tag) {
            Some(len) => rest = &tag[len..],
            None => {
                out.push('<');
                rest = &tag[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The length of the dropped tag `text` starts with (`<b>`, `</a>`, `<img src=…/>`).
fn dropped_tag_len(text: &str) -> Option<usize> {
    let body = text.strip_prefix('<')?;
    let body = body.strip_prefix('/').unwrap_or(body);
    let name_len = body
        .find(|c: char| !c.is_ascii_alphanumeric())
        .unwrap_or(body.len());
    let name = &body[..name_len];
    if !DROPPED_TAGS.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return None;
    }
    let after = &body[name_len..];
    if !(after.starts_with('>') || after.starts_with('/') || after.starts_with(char::is_whitespace))
    {
        return None;
    }
    let close = text.find('>')?;
    // A tag ends on its own line; a `>` further on is an arrow, not the tag's end.
    if text[..close].contains('\n') {
        return None;
    }
    Some(close + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_markup_goes_and_its_text_stays() {
        let src = "flowchart LR\n  A(<img src=\"/i.svg\" style=\"x\"/> Kong) --> B[\"<b>Bold</b><br>next\"]\n  C --> D[a < b]";
        assert_eq!(
            without_label_markup(src),
            "flowchart LR\n  A( Kong) --> B[\"Bold<br>next\"]\n  C --> D[a < b]"
        );
    }

    #[test]
    fn icons_codes_and_line_breaks_are_read_as_mermaid_js_reads_them() {
        assert_eq!(
            prepare("A[fa:fa-file kong.yml] --> B(Kong \\n #40;inactive#41; #quot;x#quot; #60;)"),
            "A[kong.yml] --> B(Kong <br> (inactive) \"x\" #60;)"
        );
    }

    #[test]
    fn a_panic_in_the_renderer_is_caught() {
        let caught = quietly(|| -> u8 { panic!("the renderer gave up") });
        assert!(caught.is_err());
        assert_eq!(quietly(|| 7).ok(), Some(7));
        assert!(!IN_RENDERER.with(Cell::get), "cleared after the call");
    }

    #[test]
    fn a_flowchart_draws() {
        let Ok(Drawn::Svg(svg)) = draw("flowchart LR\n  A[Client] --> B[Kong]\n") else {
            panic!("not drawn");
        };
        assert!(svg.starts_with("<svg"), "{svg}");
        assert!(svg.contains(">Client<"), "{svg}");
    }

    #[test]
    fn participants_may_be_used_before_they_are_declared() {
        let src = "sequenceDiagram\n  actor Client\n  Client->>Kong: request\n  Kong-->>Client: response\n";
        assert!(matches!(draw(src), Ok(Drawn::Svg(_))));
    }

    #[test]
    fn a_mistake_comes_back_with_its_line() {
        let e = draw("flowchart LR\n  A --> B\n  subgraph one\n  C --> D\n").unwrap_err();
        assert_eq!(e.line, Some(3), "{e:?}");
        let e = draw("nonsense here\n").unwrap_err();
        assert_eq!(e.line, Some(1), "{e:?}");
        assert!(e.hint.is_some(), "{e:?}");
    }

    #[test]
    fn the_author_may_send_a_diagram_to_the_browser() {
        let src = "flowchart LR\n  %% portolan: browser\n  A --> B\n";
        assert!(matches!(draw(src), Ok(Drawn::Browser(None))));
    }

    #[test]
    fn what_the_renderer_draws_poorly_goes_to_the_browser() {
        for src in [
            "flowchart LR\n  subgraph one\n  A --> B\n  end\n",
            "sequenceDiagram\n  A->>B: hi\n  Note right of B: a note\n",
            "sequenceDiagram\n  alt ok\n  A->>B: hi\n  end\n",
            "sequenceDiagram\n  A->>A: think\n  A->>B: hi\n",
            "sequenceDiagram\n  activate A\n  A->>B: hi\n",
            "flowchart LR\n  A[\"one\n  two\"] --> B\n",
            "flowchart LR\n  A[one\n  two] --> B\n",
        ] {
            assert!(matches!(draw(src), Ok(Drawn::Browser(None))), "{src}");
        }
        // Unless its author keeps it at build time.
        let kept = "flowchart LR\n  %% portolan: build\n  subgraph one\n  A --> B\n  end\n";
        assert!(matches!(draw(kept), Ok(Drawn::Svg(_))));
        // Plain flowcharts and sequences stay.
        assert!(matches!(
            draw("sequenceDiagram\n  A->>B: hi [x] (y)\n"),
            Ok(Drawn::Svg(_))
        ));
        assert!(matches!(
            draw("flowchart LR\n  A{Ok?} -->|yes| B((done))\n"),
            Ok(Drawn::Svg(_))
        ));
    }

    /// A 4 KB chain `A-->A-->...` took 15 s to lay out; now it goes to the browser with a
    /// warning, before any layout.
    #[test]
    fn a_diagram_too_large_to_lay_out_goes_to_the_browser() {
        let chain = format!(
            "flowchart LR\n{}A\n%% portolan: build\n",
            "A-->".repeat(1000)
        );
        match draw(&chain).unwrap() {
            Drawn::Browser(Some(why)) => {
                assert!(why.contains("1001 nodes and edges"), "{why}");
            }
            other => panic!("{other:?}"),
        }
        let small = "flowchart LR\nA-->B\nB-->C\n";
        assert!(matches!(draw(small).unwrap(), Drawn::Svg(_)));
    }

    #[test]
    fn a_drawing_too_wide_to_read_goes_to_the_browser() {
        let chain: String = (0..30)
            .map(|i| {
                format!(
                    "  N{i}[A long label number {i}] --> N{}[A long label number {}]\n",
                    i + 1,
                    i + 1
                )
            })
            .collect();
        let src = format!("flowchart LR\n{chain}");
        assert!(matches!(draw(&src), Ok(Drawn::Browser(None))));
        assert_eq!(
            width_of("<svg xmlns=\"x\" width=\"985.5\" height=\"2\">"),
            Some(985.5)
        );
    }

    #[test]
    fn titles_come_from_the_header_and_acc_lines() {
        let src = "%% note\nflowchart LR;\n  accTitle: Request path\n  A --> B";
        assert_eq!(kind(src), "flowchart");
        assert_eq!(
            accessible_text(src, "accTitle").as_deref(),
            Some("Request path")
        );
        assert_eq!(accessible_text(src, "accDescr"), None);
    }
}

//! Diagnostics for machines: one JSON object per line (`--message-format json`) or GitHub
//! Actions workflow commands (`--message-format github`), which a pull request shows as
//! annotations on the offending lines. They carry the same facts as the human text
//! (severity, message, position, label, hint, notes) in a form a CI step can read without
//! parsing prose.

use portolan_dialect::{Diagnostic, Severity};
use serde_json::json;

use crate::sources::Sources;

/// Where a diagnostic is, in the units a machine reader expects: 1-based lines and
/// columns (columns count characters, as in the human text).
struct Place<'a> {
    /// The path as the human text shows it (relative to the site folder).
    file: &'a str,
    /// The path from the working directory (what an editor or CI opens).
    path: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

fn place<'a>(sources: &'a Sources, d: &Diagnostic) -> Option<Place<'a>> {
    let span = d.span?;
    let f = sources.get(span.file);
    let (line, column) = sources.line_col(span.file, span.start);
    let (end_line, end_column) = sources.line_col(span.file, span.end.max(span.start));
    let disk = f.disk.to_string_lossy().replace('\\', "/");
    let path = disk.strip_prefix("./").map(str::to_string).unwrap_or(disk);
    Some(Place {
        file: &f.path,
        path,
        line,
        column,
        end_line,
        end_column,
    })
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// One JSON object per diagnostic, one per line, in the order given.
pub(crate) fn json_lines(sources: &Sources, diags: &[&Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let at = place(sources, d);
        let object = json!({
            "severity": severity_name(d.severity),
            "message": d.message,
            "file": at.as_ref().map(|p| p.file),
            "path": at.as_ref().map(|p| p.path.as_str()),
            "line": at.as_ref().map(|p| p.line),
            "column": at.as_ref().map(|p| p.column),
            "end": at.as_ref().map(|p| json!({"line": p.end_line, "column": p.end_column})),
            "label": (!d.label.is_empty()).then_some(d.label.as_str()),
            "hint": d.hint,
            "notes": d.notes,
        });
        out.push_str(&object.to_string());
        out.push('\n');
    }
    out
}

/// GitHub Actions workflow commands, one per diagnostic. The title is the message; the
/// body adds the label, notes and hint. Paths are from the working directory, as the
/// runner resolves them against the checkout.
pub(crate) fn github_annotations(sources: &Sources, diags: &[&Diagnostic]) -> String {
    let mut out = String::new();
    for d in diags {
        let mut props = Vec::new();
        if let Some(p) = place(sources, d) {
            props.push(format!("file={}", escape_property(&p.path)));
            props.push(format!("line={}", p.line));
            props.push(format!("col={}", p.column));
            props.push(format!("endLine={}", p.end_line));
            // GitHub takes endColumn only on a one-line annotation.
            if p.end_line == p.line {
                props.push(format!("endColumn={}", p.end_column.max(p.column)));
            }
        }
        props.push(format!("title={}", escape_property(&d.message)));
        let mut body = vec![d.message.clone()];
        if !d.label.is_empty() {
            body.push(d.label.clone());
        }
        body.extend(d.notes.iter().cloned());
        if let Some(h) = &d.hint {
            body.push(format!("hint: {h}"));
        }
        out.push_str(&format!(
            "::{} {}::{}\n",
            severity_name(d.severity),
            props.join(","),
            escape_data(&body.join("\n"))
        ));
    }
    out
}

/// A workflow command's message: `%`, CR and LF are escaped so content cannot end the
/// command early or start another one.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A workflow command's property value: as [`escape_data`], and `:` and `,` too, which
/// separate properties.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use portolan_dialect::Span;
    use std::path::PathBuf;

    fn one_file(text: &str) -> Sources {
        let mut sources = Sources::default();
        sources.add(
            "content/a.md".into(),
            PathBuf::from("./content/a.md"),
            text.into(),
        );
        sources
    }

    #[test]
    fn json_has_positions_from_one_and_the_end() {
        let sources = one_file("---\ntitle: x\n---\nhé {{ oops }}\n");
        let start = "---\ntitle: x\n---\nhé ".len();
        let d = Diagnostic::error(Span::new(0, start, start + 10), "unknown variable")
            .with_label("here")
            .with_hint("define it");
        let line = json_lines(&sources, &[&d]);
        let v: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
        assert_eq!(v["file"], "content/a.md");
        assert_eq!(v["path"], "content/a.md");
        assert_eq!(v["line"], 4);
        assert_eq!(v["column"], 4, "columns count characters, not bytes");
        assert_eq!(v["end"]["column"], 14);
        assert_eq!(v["hint"], "define it");
        assert_eq!(v["severity"], "error");
    }

    #[test]
    fn a_diagnostic_without_a_file_has_null_positions() {
        let sources = Sources::default();
        let d = Diagnostic::global("theme is broken");
        let v: serde_json::Value =
            serde_json::from_str(json_lines(&sources, &[&d]).trim()).unwrap();
        assert!(v["file"].is_null() && v["line"].is_null());
        assert_eq!(
            github_annotations(&sources, &[&d]),
            "::error title=theme is broken::theme is broken\n"
        );
    }

    #[test]
    fn github_escapes_what_would_end_the_command() {
        let sources = one_file("x\n");
        let d = Diagnostic::warning(Span::new(0, 0, 1), "a: b, 100%\n::error::forged");
        let line = github_annotations(&sources, &[&d]);
        assert_eq!(line.matches('\n').count(), 1, "{line}");
        assert!(line.starts_with(
            "::warning file=content/a.md,line=1,col=1,endLine=1,endColumn=2,title=a%3A b%2C 100%25%0A%3A%3Aerror%3A%3Aforged::"
        ), "{line}");
    }
}

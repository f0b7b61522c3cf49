//! Diagnostics for eyes: each with the lines it points at, drawn by codespan-reporting
//! against an excerpt of its lines (bounded, escaped: see `excerpt.rs`).

use codespan_reporting::diagnostic::{Diagnostic as Report, Label, Severity as ReportSeverity};
use codespan_reporting::term::{self, Chars, Config};
use portolan_dialect::{Diagnostic, Severity, Span};

use super::excerpt::{shown, Excerpts};
use crate::sources::Sources;

/// Each diagnostic with the lines it points at, as codespan-reporting draws them; each
/// against an excerpt of its lines (bounded, escaped: see [`crate::excerpt`]).
pub(super) fn human(sources: &Sources, sorted: &[&Diagnostic]) -> String {
    let config = Config {
        chars: Chars::ascii(),
        ..Config::default()
    };
    let mut out = String::new();
    for d in sorted {
        let spans: Vec<Span> = d
            .span
            .iter()
            .chain(d.related.iter().map(|(s, _)| s))
            .copied()
            .collect();
        let (excerpts, placed) = Excerpts::new(sources, &spans);
        let report = to_report(d, &placed);
        match term::emit_into_string(&config, &excerpts, &report) {
            Ok(s) => out.push_str(&s),
            Err(_) => out.push_str(&format!("{}\n", shown(&d.to_string()))),
        }
        out.push('\n');
    }
    out
}

/// `d` as codespan-reporting's report, its labels at `placed` (each span's place in its
/// excerpt, in the order of `d.span` then `d.related`); every text escaped for a terminal.
fn to_report(d: &Diagnostic, placed: &[(usize, std::ops::Range<usize>)]) -> Report<usize> {
    let severity = match d.severity {
        Severity::Error => ReportSeverity::Error,
        Severity::Warning => ReportSeverity::Warning,
    };
    let mut places = placed.iter().cloned();
    let mut labels = Vec::new();
    if d.span.is_some() {
        if let Some((file, range)) = places.next() {
            labels.push(Label::primary(file, range).with_message(shown(&d.label)));
        }
    }
    for ((_, msg), (file, range)) in d.related.iter().zip(places) {
        labels.push(Label::secondary(file, range).with_message(shown(msg)));
    }
    let mut notes: Vec<String> = d.notes.iter().map(|n| shown(n).into_owned()).collect();
    if let Some(h) = &d.hint {
        notes.push(format!("hint: {}", shown(h)));
    }
    Report::new(severity)
        .with_message(shown(&d.message))
        .with_labels(labels)
        .with_notes(notes)
}

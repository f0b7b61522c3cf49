//! Printing diagnostics: [`render`] sorts them by file and position and writes them for eyes
//! (`human.rs`: each with the lines it points at, and a summary line) or for machines
//! (`machine.rs`: JSON lines or GitHub annotations).

mod excerpt;
mod human;
mod machine;

use portolan_dialect::Diagnostic;

use crate::sources::Sources;

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MessageFormat {
    /// For eyes: each diagnostic with its source line, then a summary.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions annotations: `::error file=...,line=...::message`.
    Github,
}

/// `diags` in `format`, sorted by file and position, duplicates dropped. The human text
/// ends with the line that sums up `job` when it failed (`None`: a build that went on past
/// errors sums up itself); the machine formats hold the diagnostics alone (see [`summary`]
/// for theirs). Deterministic, so tests can snapshot it.
pub fn render(
    sources: &Sources,
    diags: &[Diagnostic],
    job: Option<&str>,
    format: MessageFormat,
) -> String {
    let sorted = sorted(sources, diags);
    let mut out = match format {
        MessageFormat::Human => human::human(sources, &sorted),
        MessageFormat::Json => machine::json_lines(sources, &sorted),
        MessageFormat::Github => machine::github_annotations(sources, &sorted),
    };
    if let (MessageFormat::Human, Some(job)) = (format, job) {
        if let Some(line) = summary(diags, job) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Sorted by file and position, duplicates dropped: the order every format prints in.
fn sorted<'d>(sources: &Sources, diags: &'d [Diagnostic]) -> Vec<&'d Diagnostic> {
    let mut sorted: Vec<&Diagnostic> = diags.iter().collect();
    sorted.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.span.map(|s| (sources.get(s.file).path.clone(), s.start));
        key(a)
            .cmp(&key(b))
            .then(a.severity.cmp(&b.severity))
            .then(a.message.cmp(&b.message))
    });
    sorted.dedup_by(|a, b| a == b);
    sorted
}

/// The line that sums up a failed job (`error: build failed: 2 errors in 1 file, 1
/// warning`), or `None` when there are no errors. Duplicates count once, as printed.
pub fn summary(diags: &[Diagnostic], job: &str) -> Option<String> {
    let mut unique: Vec<&Diagnostic> = diags.iter().collect();
    unique.sort_by(|a, b| {
        let key = |d: &Diagnostic| d.span.map(|s| (s.file, s.start));
        key(a)
            .cmp(&key(b))
            .then(a.severity.cmp(&b.severity))
            .then(a.message.cmp(&b.message))
    });
    unique.dedup_by(|a, b| a == b);
    let errors = unique.iter().filter(|d| d.is_error()).count();
    if errors == 0 {
        return None;
    }
    let warnings = unique.len() - errors;
    let files: std::collections::BTreeSet<_> = unique
        .iter()
        .filter(|d| d.is_error())
        .filter_map(|d| d.span)
        .map(|s| s.file)
        .collect();
    let files = files.len().max(1);
    Some(format!(
        "error: {job} failed: {errors} error{} in {files} file{}{}",
        plural(errors),
        plural(files),
        if warnings > 0 {
            format!(", {warnings} warning{}", plural(warnings))
        } else {
            String::new()
        }
    ))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

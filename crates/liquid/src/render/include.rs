//! `{% include %}` and `{% include_cached %}`, as Jekyll runs them: the path (a word, a
//! quoted string or a small template) resolved by the host, the file parsed once per page,
//! its parameters as `include.*`, and the page's globals shared with it. Depth, count and
//! cycles are bounded; the include chain is kept so errors inside name the tags that led
//! there.

use std::sync::Arc;

use super::host::Host;
use super::{Flow, Parsed, Renderer};
use crate::buf::Buf;
use crate::diag::Diagnostic;
use crate::limits::{MAX_INCLUDES_PER_PAGE, MAX_INCLUDE_DEPTH, MAX_PAGE_BYTES};
use crate::parse::{parse, Include};
use crate::source::{Place, Source};
use crate::value::{Map, Value};

impl<H: Host> Renderer<'_, '_, H> {
    pub(super) fn include(&mut self, src: &Source<'_>, inc: &Include, buf: &mut Buf) -> Flow {
        let span = src.span(inc.range.clone());
        let path_span = src.span(inc.path_range.clone());
        let path = self.arg(src, &inc.path, false).scalar_text();
        let path = path.trim();
        if let Err(why) = check_include_path(path) {
            self.error(
                Diagnostic::error(path_span, format!("include path `{path}` {why}"))
                    .with_label("not allowed")
                    .with_hint("include paths are relative to the includes folder, e.g. `/sections/name.md`"),
            );
            return Flow::Normal;
        }
        if self.chain.len() >= MAX_INCLUDE_DEPTH {
            self.error(
                Diagnostic::error(
                    span,
                    format!("includes nested more than {MAX_INCLUDE_DEPTH} deep"),
                )
                .with_label("one include too many")
                .with_hint("an include probably includes itself through others"),
            );
            return Flow::Normal;
        }
        self.includes_expanded += 1;
        if self.includes_expanded > MAX_INCLUDES_PER_PAGE {
            return self.halt(
                Diagnostic::error(span, format!("more than {MAX_INCLUDES_PER_PAGE} includes in one page, counting includes inside includes and loops"))
                    .with_label("one include too many")
                    .with_hint("includes that include others several times multiply; include each section once"),
            );
        }
        let mut params = Map::new();
        for (k, v, _) in &inc.params {
            let value = self.arg(src, v, false);
            params.insert(k.as_str().into(), value);
        }
        let rel = path.trim_start_matches('/');
        let included = match self.host.include(rel) {
            Ok(i) => i,
            Err(e) => {
                let mut d = Diagnostic::error(path_span, e.message).with_label("included here");
                if let Some(h) = e.hint {
                    d = d.with_hint(h);
                }
                self.error(d);
                return Flow::Normal;
            }
        };
        if included.text.len() > MAX_PAGE_BYTES {
            self.error(
                Diagnostic::error(
                    path_span,
                    format!(
                        "include `{path}` is {} bytes; the limit is {} MiB",
                        included.text.len(),
                        MAX_PAGE_BYTES >> 20
                    ),
                )
                .with_label("included here")
                .with_hint("split the include file"),
            );
            return Flow::Normal;
        }
        if included.file == src.file || self.chain.iter().any(|(f, _)| *f == included.file) {
            self.error(
                Diagnostic::error(
                    path_span,
                    format!("include cycle: `{path}` includes itself"),
                )
                .with_label("cycle closes here")
                .with_hint("remove one of the includes in the cycle"),
            );
            return Flow::Normal;
        }
        if !self.included.contains(&included.file) {
            self.included.push(included.file);
        }
        if !self.parsed.contains_key(&included.file) {
            let start = if included.text.starts_with('\u{feff}') {
                3
            } else {
                0
            };
            let template = parse(&included.text, start, self.host.syntax());
            self.parsed.insert(
                included.file,
                Parsed {
                    template: Arc::new(template),
                    text: included.text.clone(),
                    reported: false,
                },
            );
        }
        let (template, text, report) = match self.parsed.get_mut(&included.file) {
            Some(parsed) => {
                let report = !parsed.reported;
                parsed.reported = true;
                (parsed.template.clone(), parsed.text.clone(), report)
            }
            None => return Flow::Normal,
        };
        let inner = Source {
            file: included.file,
            text: &text,
            place: Place::File,
        };
        self.chain.push((included.file, span));
        if report {
            self.report_parse_errors(&inner, &template);
        }
        self.scopes
            .push(vec![("include".into(), Value::map(params))]);
        let flow = if self.host.reflows_include(rel) {
            let mut apart = Buf::default();
            let flow = self.nodes(&inner, &template.nodes, &mut apart);
            let at_line_start = buf.current_line().trim().is_empty();
            self.host
                .splice_include(included.file, &apart, at_line_start, buf);
            flow
        } else {
            self.nodes(&inner, &template.nodes, buf)
        };
        self.scopes.pop();
        self.chain.pop();
        // An include on a line of its own ends its line, as a block does.
        let ends_line =
            src.text[inc.range.end..].starts_with(['\n', '\r']) || inc.range.end == src.text.len();
        if ends_line && !buf.is_empty() && !buf.text().ends_with('\n') && !self.halted {
            buf.generated(span, "\n");
        }
        if flow == Flow::Halt {
            Flow::Halt
        } else {
            Flow::Normal
        }
    }
}

/// Why an include path may not be used, if it may not.
pub fn check_include_path(path: &str) -> Result<(), &'static str> {
    let p = path.trim_start_matches('/');
    if p.is_empty() {
        return Err("is empty");
    }
    if path.contains('\\') || path.contains('\0') {
        return Err("contains a backslash or NUL");
    }
    if path.starts_with("//") || p.contains(':') {
        return Err("is not a relative path");
    }
    if p.split('/').any(|c| c == ".." || c == ".") {
        return Err("steps out of the includes folder");
    }
    Ok(())
}

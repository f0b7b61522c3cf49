//! Calls of the host's tags: arguments rendered (words that name nothing are their own
//! text), the body of a block tag rendered in its mode one level deeper, then the host
//! writes what the tag makes.

use super::host::{Host, TagCall};
use super::{Flow, Renderer};
use crate::buf::Buf;
use crate::diag::Diagnostic;
use crate::limits::MAX_RENDER_DEPTH;
use crate::parse::HostTag;
use crate::source::Source;
use crate::syntax::BodyMode;

impl<H: Host> Renderer<'_, '_, H> {
    pub(super) fn host_tag(&mut self, src: &Source<'_>, t: &HostTag, buf: &mut Buf) -> Flow {
        let span = src.span(t.range.clone());
        // A positional word that names nothing is its own text (`{% navtabs api %}`, as
        // Kong reads a tab group); a `key=value` value is a value (nil when unset).
        let args = t.args.iter().map(|a| self.arg(src, a, true)).collect();
        let params = t
            .params
            .iter()
            .map(|(k, a)| (k.clone(), self.arg(src, a, false)))
            .collect();
        let ends_line = {
            let rest = &src.text[t.range.end..];
            rest[..rest.find('\n').unwrap_or(rest.len())]
                .trim()
                .is_empty()
        };
        let call = TagCall {
            name: t.name.clone(),
            args,
            params,
            span,
            ends_line,
        };
        if self.depth >= MAX_RENDER_DEPTH {
            self.error(
                Diagnostic::error(
                    span,
                    format!("components nest more than {MAX_RENDER_DEPTH} deep"),
                )
                .with_label("one component too deep")
                .with_hint("a component's body holds the component again"),
            );
            return Flow::Normal;
        }
        let Some((nodes, mode)) = &t.body else {
            return H::tag(self, call, None, buf);
        };
        H::open_tag(self, &call);
        let mut body = Buf::default();
        self.depth += 1;
        // A text body is page text, not data: its values are not rendered again.
        let outer = self.data_bodies;
        self.data_bodies = match mode {
            BodyMode::Data => outer + 1,
            BodyMode::Text => 0,
        };
        let flow = self.nodes(src, nodes, &mut body);
        self.data_bodies = outer;
        self.depth -= 1;
        H::tag(self, call, Some((body, flow)), buf)
    }
}

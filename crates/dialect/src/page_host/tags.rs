//! The dialect's tags, rendered for the engine: `{% table %}` (its body read as YAML and
//! written as an HTML table), `{% hostname_calculator %}` (the widget's marker), and the
//! theme's components (their call made, their body read as its kind asks, the theme's
//! output checked and placed in the page).

use std::collections::HashMap;

use portolan_htmlscan::unsafe_html;
use portolan_liquid::{Buf, Flow, Renderer, TagCall};

use super::{Frame, PageHost};
use crate::component::{
    BodyKind, ComponentBody, ComponentCall, ComponentRef, OutputKind, BODY_MARKER,
};
use crate::diag::{Diagnostic, Span};
use crate::expanded::TableText;
use crate::place::{emit_block, wrap};
use crate::table::{self, TableContext, TableSource};
use crate::CALCULATOR_MARKER;

type R<'r, 'a, 'd> = Renderer<'a, 'd, PageHost<'r>>;

/// Arguments as the theme's templates take them: JSON, their walk charged.
fn json_args(
    r: &mut R<'_, '_, '_>,
    call: &TagCall,
) -> Option<(
    Vec<serde_json::Value>,
    std::collections::BTreeMap<String, serde_json::Value>,
)> {
    let mut args = Vec::with_capacity(call.args.len());
    for a in &call.args {
        match a.to_json_within(r.budget()) {
            Ok(j) => args.push(j),
            Err(e) => {
                r.exceeded(e, call.span);
                return None;
            }
        }
    }
    let mut params = std::collections::BTreeMap::new();
    for (k, v) in &call.params {
        match v.to_json_within(r.budget()) {
            Ok(j) => {
                params.insert(k.clone(), j);
            }
            Err(e) => {
                r.exceeded(e, call.span);
                return None;
            }
        }
    }
    Some((args, params))
}

/// The call of a component as its parent and children see it: its id on the page and its
/// place among its parent's children of the same name. Made when the tag is met (before its
/// body renders), so ids follow the page's order.
fn component_ref(r: &mut R<'_, '_, '_>, call: &TagCall) -> Option<ComponentRef> {
    let (args, params) = json_args(r, call)?;
    let host = &mut r.host;
    let n = host.ids.entry(call.name.clone()).or_insert(0);
    *n += 1;
    let id = format!("{}-{n}", call.name);
    let index = match host.frames.last_mut() {
        Some(f) => {
            let k = f.counts.entry(call.name.clone()).or_insert(0);
            *k += 1;
            *k - 1
        }
        None => 0,
    };
    host.gathered.reserved_ids.push(id.clone());
    if !host.gathered.components.contains(&call.name) {
        host.gathered.components.insert(call.name.clone());
    }
    Some(ComponentRef {
        name: call.name.clone(),
        id,
        index,
        args,
        params,
    })
}

/// Before a component's body renders: its call is made, and a markdown body collects the
/// components inside it as its children.
pub(crate) fn open_component(r: &mut R<'_, '_, '_>, call: &TagCall) {
    let Some(this) = component_ref(r, call) else {
        return;
    };
    let markdown = r.host.syntax.components.body(&call.name) == Some(BodyKind::Markdown);
    if markdown {
        r.host.frames.push(Frame {
            this: this.clone(),
            children: Vec::new(),
            counts: HashMap::new(),
        });
    }
    r.host.open.push(this);
}

/// A component: its body read as its kind asks, the theme's template called, and what it
/// writes checked and placed.
pub(crate) fn component(
    r: &mut R<'_, '_, '_>,
    call: TagCall,
    body: Option<(Buf, Flow)>,
    out: &mut Buf,
) -> Flow {
    let span = call.span;
    let kind = r
        .host
        .syntax
        .components
        .body(&call.name)
        .unwrap_or(BodyKind::None);
    let (this, children, rendered) = match body {
        Some((rendered, flow)) => {
            let children = if kind == BodyKind::Markdown {
                r.host.frames.pop().map(|f| f.children).unwrap_or_default()
            } else {
                Vec::new()
            };
            let Some(this) = r.host.open.pop() else {
                return flow;
            };
            if flow == Flow::Halt {
                return flow;
            }
            (this, children, rendered)
        }
        None => match component_ref(r, &call) {
            Some(this) => (this, Vec::new(), Buf::default()),
            None => return Flow::Halt,
        },
    };
    let body = match kind {
        BodyKind::None => ComponentBody::None,
        BodyKind::Markdown => ComponentBody::Markdown,
        BodyKind::Text => ComponentBody::Text(rendered.text().to_string()),
        BodyKind::Yaml => match yaml_body(r, &call.name, span, &rendered) {
            Some(v) => ComponentBody::Data(v),
            None => return Flow::Normal,
        },
    };
    let parent = r.host.frames.last().map(|f| f.this.clone());
    let result = {
        let host = &r.host;
        let call = ComponentCall {
            this: &this,
            body,
            parent: parent.as_ref(),
            children: &children,
            page: host.page_json(),
        };
        host.syntax.components.render(&call)
    };
    let written = match result {
        Ok(o) => o,
        Err(e) => {
            let mut d =
                Diagnostic::error(span, format!("component `{}`: {}", call.name, e.message))
                    .with_label("in this component");
            if let Some(h) = e.hint {
                d = d.with_hint(h);
            }
            r.error(d);
            return Flow::Normal;
        }
    };
    for w in &written.warnings {
        r.error(
            Diagnostic::warning(span, format!("component `{}`: {w}", call.name))
                .with_label("in this component"),
        );
    }
    if let Some(f) = r.host.frames.last_mut() {
        f.children.push(this.clone());
    }
    if written.kind == OutputKind::Html {
        if let Some(found) = unsafe_html(&written.text.replace(BODY_MARKER, ""))
            .into_iter()
            .next()
        {
            r.error(
                crate::markdown::unsafe_html_error(span, &found.what)
                    .with_label("written by this component")
                    .with_hint(format!("a component may format, not run script: look at what its arguments and body hold, and at the theme's `components/{}` template", call.name)),
            );
            return Flow::Normal;
        }
    }
    if !r.spend(written.text.len(), span) {
        return Flow::Halt;
    }
    if kind == BodyKind::Markdown {
        let mut halves = written.text.split(BODY_MARKER);
        let (Some(open), Some(close), None) = (halves.next(), halves.next(), halves.next()) else {
            r.error(
                Diagnostic::error(
                    span,
                    format!("component `{}` does not place its body once", call.name),
                )
                .with_label("its body is lost")
                .with_hint(
                    "a component with a markdown body writes `{{ body }}` once in its template",
                ),
            );
            return Flow::Normal;
        };
        wrap(out, span, open, close, written.kind, &rendered);
        return Flow::Normal;
    }
    match written.kind {
        OutputKind::Html if call.ends_line && out.current_line().trim().is_empty() => {
            emit_block(out, span, &written.text, true, true)
        }
        // Inline: the line breaks a template leaves around its markup would split the
        // line (and a YAML value) it sits in.
        OutputKind::Html => out.checked(span, written.text.trim_matches(['\n', '\r'])),
        // A markdown block ends itself: the line after the tag may be its attribute list.
        OutputKind::Markdown => emit_block(out, span, &written.text, false, !call.ends_line),
    }
    Flow::Normal
}

/// A component's YAML body, read after Liquid; errors placed in the page through the
/// body's source map.
fn yaml_body(
    r: &mut R<'_, '_, '_>,
    name: &str,
    tag: Span,
    rendered: &Buf,
) -> Option<serde_json::Value> {
    let text = rendered.text();
    if text.trim().is_empty() {
        return Some(serde_json::Value::Null);
    }
    match crate::yaml::read_body(text) {
        Ok((node, repeated)) => {
            for e in repeated {
                let at = rendered.map().locate(e.offset).unwrap_or(tag);
                // Reported like every diagnostic at the tag (a warning: the page builds).
                r.error(
                    Diagnostic::warning(at, format!("`{name}` YAML: {}", e.message))
                        .with_label("this value is the one used")
                        .with_related(tag, "in this block")
                        .with_hint("a key given twice keeps its last value, as Jekyll reads it; remove the one not meant"),
                );
            }
            Some(crate::yaml::to_value(&node).to_json_tree())
        }
        Err(e) => {
            let at = rendered.map().locate(e.offset).unwrap_or(tag);
            let d = if e.too_deep {
                Diagnostic::error(
                    at,
                    format!(
                        "`{name}` YAML nests more than {} levels deep",
                        crate::limits::MAX_YAML_DEPTH
                    ),
                )
                .with_label("one level too deep")
                .with_related(tag, "in this block")
            } else {
                Diagnostic::error(at, format!("invalid `{name}` YAML: {}", e.message))
                    .with_label("here")
                    .with_related(tag, "in this block")
                    .with_hint(format!(
                        "the body of `{{% {name} %}}` is YAML, after Liquid"
                    ))
            };
            r.error(d);
            None
        }
    }
}

/// `{% table %}`: its body, rendered as data, read as YAML and written as an HTML table.
pub(crate) fn table(
    r: &mut R<'_, '_, '_>,
    call: &TagCall,
    body: Option<(Buf, Flow)>,
    out: &mut Buf,
) -> Flow {
    let Some((rendered, flow)) = body else {
        return Flow::Normal;
    };
    if flow == Flow::Halt {
        return Flow::Halt;
    }
    let tag = call.span;
    let mut diags = Vec::new();
    let result = {
        let ctx = TableContext {
            rewriter: r.host.links,
            cells_left: &r.host.cells_left,
        };
        let source = TableSource {
            text: rendered.text(),
            map: rendered.map(),
            tag,
        };
        table::render(&ctx, source, &mut diags)
    };
    for d in diags {
        r.error(d);
    }
    if let Some(t) = result {
        let offset = out.len();
        emit_block(out, tag, &t.html, true, true);
        let gathered = &mut r.host.gathered;
        gathered.table_texts.push(TableText {
            offset,
            text: portolan_htmlscan::text(&t.html),
        });
        gathered.links.extend(t.links);
        gathered.tables.push(t.table);
    }
    Flow::Normal
}

/// `{% hostname_calculator %}`: the marker the site replaces with the widget.
pub(crate) fn calculator(r: &mut R<'_, '_, '_>, call: &TagCall, out: &mut Buf) -> Flow {
    let span = call.span;
    if r.host.gathered.has_calculator {
        // Its elements have fixed ids: a second one would break the first.
        r.error(
            Diagnostic::error(span, "a second `{% hostname_calculator %}` on the page")
                .with_label("the page already has its calculator")
                .with_hint("a page holds one calculator; remove this tag or the one before it"),
        );
        return Flow::Normal;
    }
    r.host.gathered.has_calculator = true;
    r.host.gathered.calculator_span = Some(span);
    emit_block(out, span, CALCULATOR_MARKER, true, true);
    Flow::Normal
}

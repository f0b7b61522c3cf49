//! Frontmatter a layout shows as content, rendered like a landing page's blocks (see
//! `yaml_tree.rs`): a how-to's TL;DR, prerequisites and cleanup, a cookbook's overview, a
//! series. Each is handed to the theme as data under `page.parts`, its markdown fields
//! beside their text as `*_html`.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diag::{Diagnostic, FileId};
use crate::model::FrontMatter;
use crate::yaml_tree::{rules, Gathered, Markdown, Tools, TreeRenderer};

/// The keys, and the fields of each written in markdown.
const PARTS: &[(&str, &[(&str, Markdown)])] = &[
    ("tldr", &[("q", Markdown::Inline), ("a", Markdown::Block)]),
    (
        "prereqs",
        &[
            ("inline.*.title", Markdown::Inline),
            ("inline.*.content", Markdown::Block),
        ],
    ),
    (
        "cleanup",
        &[
            ("inline.*.title", Markdown::Inline),
            ("inline.*.content", Markdown::Block),
        ],
    ),
    ("overview", &[("", Markdown::Block)]),
    ("series", &[]),
];

/// The parts `front` has, rendered; `taken` are the ids the page's body uses.
pub(crate) fn render(
    tools: &Tools<'_>,
    file: FileId,
    text: &str,
    front: &FrontMatter,
    taken: Vec<String>,
    diags: &mut Vec<Diagnostic>,
) -> (BTreeMap<String, Value>, Gathered) {
    let mut values = TreeRenderer {
        tools,
        file,
        text,
        base: front.spans.yaml.as_ref().map_or(0, |y| y.start),
        ids: Default::default(),
        taken,
        gathered: Gathered::default(),
        diags,
    };
    let mut parts = BTreeMap::new();
    for (key, fields) in PARTS {
        let Some(node) = front.raw.get(key).filter(|n| !n.is_null()) else {
            continue;
        };
        let (mut data, html) = values.value(node, &rules(fields));
        if let Some(html) = html {
            data = serde_json::json!({ "text": data, "html": html });
        }
        parts.insert(key.to_string(), data);
    }
    (parts, values.gathered)
}

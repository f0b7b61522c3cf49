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
        if *key == "prereqs" {
            entities(&mut values, node, &mut data);
        }
        if *key == "series" {
            series_title(&mut values, node, &mut data);
        }
        parts.insert(key.to_string(), data);
    }
    (parts, values.gathered)
}

/// A series' title and page, from the data folder's `series` (`ID: {title, url}`), Liquid
/// in the title rendered; the id when the data folder has no such series.
fn series_title(values: &mut TreeRenderer<'_, '_>, series: &portolan_yaml::Node, data: &mut Value) {
    let Some(id) = series.get("id").and_then(portolan_yaml::Node::key_text) else {
        return;
    };
    let entry = values.tools.env.site.get_json(&format!("data.series.{id}"));
    let title = entry
        .get("title")
        .and_then(Value::as_str)
        .unwrap_or(id)
        .to_string();
    let title = values.liquid(&title, &series.span);
    if let Value::Object(m) = data {
        m.insert("title".into(), Value::String(title));
        if let Some(url) = entry.get("url").and_then(Value::as_str) {
            m.insert("url".into(), Value::String(url.to_string()));
        }
    }
}

/// Kong's `prereqs.entities` (`services: [name]`, `routes: [name]`): the entities a guide
/// starts from, each an example in the data folder (`entity_examples/gateway/services/
/// NAME.yaml`), as the decK file to apply, in `entities_html` (and its text in
/// `entities_markdown`). A name without an example is a warning at the list.
fn entities(values: &mut TreeRenderer<'_, '_>, prereqs: &portolan_yaml::Node, data: &mut Value) {
    let Some(list) = prereqs.get("entities") else {
        return;
    };
    let mut config = serde_json::Map::new();
    config.insert("_format_version".into(), Value::String("3.0".into()));
    for kind in ["services", "routes"] {
        let Some(portolan_yaml::Kind::Seq(names)) = list.get(kind).map(|n| &n.kind) else {
            continue;
        };
        let mut found = Vec::new();
        for name in names.iter().filter_map(portolan_yaml::Node::key_text) {
            let example = values
                .tools
                .env
                .site
                .get_json(&format!("data.entity_examples.gateway.{kind}.{name}"));
            if example.is_null() {
                let span = values.span(&list.span);
                crate::diag::push_limited(
                    values.diags,
                    Diagnostic::warning(span, format!("no example of the {kind} entity `{name}`"))
                        .with_label("in these entities")
                        .with_hint(format!(
                            "add content/_data/entity_examples/gateway/{kind}/{name}.yaml"
                        )),
                );
                continue;
            }
            found.push(example);
        }
        if !found.is_empty() {
            config.insert(kind.into(), Value::Array(found));
        }
    }
    if config.len() == 1 {
        return;
    }
    let yaml = portolan_yaml::to_string(&Value::Object(config));
    let markdown = format!("```yaml\n{yaml}```\n\n```sh\ndeck gateway apply prereqs.yaml\n```\n");
    let (_, html) = values.block_part(&markdown, &list.span);
    if let Value::Object(m) = data {
        m.insert("entities_markdown".into(), Value::String(markdown));
        m.insert("entities_html".into(), Value::String(html));
    }
}

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
    let implied = implied_prereqs(&mut values, front);
    if !implied.is_empty() {
        let prereqs = parts
            .entry("prereqs".to_string())
            .or_insert_with(|| Value::Object(Default::default()));
        if let Value::Object(m) = prereqs {
            m.insert("implied".into(), Value::Array(implied));
        }
    }
    (parts, values.gathered)
}

/// The prerequisites a guide's own lists imply (Kong's: `works_on: [konnect]` needs a
/// Konnect account, `tools: [deck]` needs decK), from the rules its `implied_prereqs`
/// gives (a collection's default): `{key, id, include, if, unless}`. For each id the page
/// lists under `key` (only `id`, when the rule names one), the include `include` (`{id}`
/// replaced by the id; a missing one is skipped) is a prerequisite titled by the `summary`
/// the include assigns and holding the `details_content` it captures, as Kong's
/// prerequisite includes are written. `if: {works_on: on-prem}` applies the rule only to
/// a page that lists `on-prem` under `works_on`; `unless: skip_product` leaves it out when
/// the page's `prereqs.skip_product` is true. Each is `{title, title_html, content,
/// content_html}`.
fn implied_prereqs(values: &mut TreeRenderer<'_, '_>, front: &FrontMatter) -> Vec<Value> {
    let Some(portolan_yaml::Kind::Seq(rules)) = front.raw.get("implied_prereqs").map(|n| &n.kind)
    else {
        return Vec::new();
    };
    let skipped = |flag: &str| {
        front
            .raw
            .get("prereqs")
            .and_then(|p| p.get(flag))
            .and_then(|v| v.as_scalar())
            .is_some_and(|v| matches!(v.resolve(), portolan_yaml::Resolved::Bool(true)))
    };
    let mut items = Vec::new();
    let mut seen = Vec::new();
    for rule in rules {
        let text = |k: &str| rule.get(k).and_then(portolan_yaml::Node::key_text);
        let (Some(key), Some(include)) = (text("key"), text("include")) else {
            continue;
        };
        if text("unless").is_some_and(skipped) || !conditions_hold(rule.get("if"), front) {
            continue;
        }
        let Some(listed) = front.raw.get(key) else {
            continue;
        };
        let ids: Vec<&str> = match &listed.kind {
            portolan_yaml::Kind::Seq(ids) => ids.iter().filter_map(|i| i.key_text()).collect(),
            _ => listed.key_text().into_iter().collect(),
        };
        for id in ids
            .into_iter()
            .filter(|id| text("id").is_none_or(|want| want == *id))
        {
            let path = format!("{}.md", include.replace("{id}", id));
            if seen.contains(&path) || !values.tools.env.includes.exists(&path) {
                continue;
            }
            seen.push(path.clone());
            // The include's own output (Kong's accordion markup) is dropped: its title and
            // text are what it leaves in `summary` and `details_content`.
            let source = format!(
                "{{% capture implied_prereq_markup %}}{{% include {path} %}}{{% endcapture %}}{{{{ summary }}}}\u{1f}{{{{ details_content }}}}"
            );
            let rendered = values.liquid(&source, &listed.span);
            let (title, content) = rendered.split_once('\u{1f}').unwrap_or((&rendered, ""));
            // A summary assigned as a quoted string keeps its `{{site.x}}`: Kong renders it
            // once more (`liquify`), and so does this.
            let title = values.liquid(title.trim(), &listed.span).trim().to_string();
            if title.is_empty() && content.trim().is_empty() {
                continue;
            }
            let title_html = values.inline(&title, &listed.span);
            let (_, content_html) = values.block_part(content, &listed.span);
            items.push(serde_json::json!({
                "title": title,
                "title_html": title_html,
                "content": content,
                "content_html": content_html,
            }));
        }
    }
    items
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

/// True when the page lists each value of `conditions` (`{key: id}`) under its key.
fn conditions_hold(conditions: Option<&portolan_yaml::Node>, front: &FrontMatter) -> bool {
    let Some(conditions) = conditions.and_then(portolan_yaml::Node::as_map) else {
        return true;
    };
    conditions.iter().all(|(k, want)| {
        let (Some(key), Some(want)) = (k.key_text(), want.key_text()) else {
            return false;
        };
        match front.raw.get(key).map(|n| &n.kind) {
            Some(portolan_yaml::Kind::Seq(ids)) => ids.iter().any(|i| i.key_text() == Some(want)),
            Some(_) => front.raw.get(key).and_then(|n| n.key_text()) == Some(want),
            None => false,
        }
    })
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

//! The filters and functions component templates use, each a named function (or, when it
//! needs the site, a small struct that holds what it needs), registered by [`register`].
//! Generic helpers templates cannot express: shell quoting, HCL, fences no text can close
//! early, placeholders, maps with keys set or left out.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use portolan_dialect::LinkRewriter;

use crate::directory::Directory;
use crate::links::{LinkMap, Target};

/// Registers the filters and functions component templates use:
///
/// - `markdown`, `markdown_inline`: the dialect's markdown (no Liquid), links rewritten;
///   inline drops the paragraph;
/// - `link`: a site link's href (base path added, or sent upstream);
/// - `site_file`: the href of a file the site publishes (an image, say), else empty;
/// - `slug`: Jekyll's slug of a title (what tab groups match on);
/// - `yaml`, `hcl(ref_key=, ref=)`: a value written as YAML, as HashiCorp configuration
///   (`ref_key = ref` added, unquoted: a reference to another resource);
/// - `fenced(lang=)`: a fenced code block no text can close early;
/// - `step_sections`: a guide's body, each of its own `h2` sections an open disclosure;
/// - `shell_quote`, `shell_dquote`: a shell word, single- or double-quoted (variables in a
///   double-quoted one expand);
/// - `repeat(n=)`: text n times (at most 64), for indents;
/// - `latest_version`: of a map keyed by versions, the value under the latest;
/// - `omit(keys=[..])`, `set_key(key=, value=, first=)`: a map without some keys, with one
///   set (maps keep their order);
/// - `fill_placeholders(vars=, deck=)`: `${name}` in a value's strings replaced by
///   `vars.name.value` (or, for decK, its `env` lookup);
/// - `site_data(path=, default=)`: a value of the data folder, e.g. `kong-conf` or `a.b`
///   (`default`, else null, when there is none);
/// - `label(id=)`: the display name portolan.yaml's `labels` give an id;
/// - `upstream(path=)`: `path` on the upstream site (`upstream_url`), else empty;
/// - `warn(message=)`: a warning at the tag (the component went without something);
/// - `static_text(path=, drop_title=)`: the text of a file the site publishes from content/
///   (`assets/x.md`), else null; `drop_title` drops a first `# Title` line;
/// - `icon`: the href of an icon as written (a path, or a bare name in the settings'
///   `icon_folders`), else empty;
/// - `pages(collection=, content_type=, products=, tools=, tags=, plugins=, works_on=,
///   urls=, glob=, limit=)`: the cards (`url`, `title`, `description`, `icon`, `facets`...)
///   of the pages that pass every filter given, by title (`urls` keeps their order; `glob`,
///   `/a/**/*` for every page under `/a/`, URL order);
/// - `page_card(url=)`, `collection_page(collection=, name=)`: one page's card, else null;
/// - `api_schema(api=, path=)`: a schema of one of the site's OpenAPI specifications
///   (`api_specs`), references resolved; null when the site holds no such specification.
pub(crate) fn register(tera: &mut tera::Tera, site: &crate::Site) {
    // One map for every filter and function: it holds every page's and file's path.
    let links = Arc::new(site.links.clone());
    tera.register_filter(
        "icon",
        Icon {
            links: links.clone(),
            folders: site.config.icon_folders.clone(),
        },
    );
    tera.register_function("pages", Pages(site.directory.clone()));
    tera.register_function("page_card", PageCardOf(site.directory.clone()));
    tera.register_function("collection_page", CollectionPage(site.directory.clone()));
    tera.register_function("api_schema", ApiSchema(site.api_specs.clone()));
    for (name, inline) in [("markdown", false), ("markdown_inline", true)] {
        let links = links.clone();
        tera.register_filter(name, Markdown { links, inline });
    }
    tera.register_filter("link", Link(links.clone()));
    tera.register_filter("site_file", SiteFile(links.clone()));
    tera.register_filter("yaml", yaml);
    tera.register_filter("slug", slug);
    tera.register_filter("fenced", fenced_filter);
    tera.register_filter("step_sections", step_sections_filter);
    tera.register_filter("shell_quote", shell_quote_filter);
    tera.register_filter("shell_dquote", shell_dquote_filter);
    tera.register_filter("hcl", hcl_filter);
    tera.register_filter("repeat", repeat);
    tera.register_filter("omit", omit);
    tera.register_filter("set_key", set_key_filter);
    tera.register_filter("fill_placeholders", fill_placeholders_filter);
    tera.register_filter("latest_version", latest_version_filter);
    tera.register_function("warn", warn);
    tera.register_function("upstream", Upstream(links.clone()));
    tera.register_function("label", Label(site.config.clone()));
    tera.register_function("site_data", SiteData(site.values.clone()));
    // Only files the site publishes (so checked like any other, and never outside
    // content/), read when a component asks.
    tera.register_function(
        "static_text",
        StaticText {
            files: site
                .statics
                .iter()
                .map(|f| (f.rel.clone(), f.disk.clone()))
                .collect(),
            content_dir: site.content_dir.clone(),
        },
    );
}

type Args = HashMap<String, tera::Value>;

/// `markdown`, `markdown_inline`: the dialect's markdown (no Liquid), links rewritten.
struct Markdown {
    links: Arc<LinkMap>,
    inline: bool,
}

impl tera::Filter for Markdown {
    fn filter(&self, v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
        Ok(tera::Value::String(portolan_dialect::markdown_to_html(
            &text_of(v),
            &*self.links,
            self.inline,
        )))
    }
}

/// `link`: a site link's href.
struct Link(Arc<LinkMap>);

impl tera::Filter for Link {
    fn filter(&self, v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
        let url = text_of(v);
        Ok(tera::Value::String(self.0.rewrite(&url).unwrap_or(url)))
    }
}

/// `site_file`: the href of a file the site publishes, else empty.
struct SiteFile(Arc<LinkMap>);

impl tera::Filter for SiteFile {
    fn filter(&self, v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
        let url = text_of(v);
        Ok(tera::Value::String(match self.0.target(&url) {
            Target::File => self.0.rewrite(&url).unwrap_or(url),
            _ => String::new(),
        }))
    }
}

fn yaml(v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(
        portolan_yaml::to_string(v).trim_end().to_string(),
    ))
}

fn slug(v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(portolan_dialect::jekyll_slugify(
        &text_of(v),
    )))
}

fn fenced_filter(v: &tera::Value, args: &Args) -> tera::Result<tera::Value> {
    let lang = args.get("lang").map(text_of).unwrap_or_default();
    Ok(tera::Value::String(fenced(&text_of(v), &lang)))
}

fn shell_quote_filter(v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(shell_quote(&text_of(v))))
}

fn shell_dquote_filter(v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(shell_dquote(&text_of(v))))
}

/// `hcl(ref_key=, ref=)`: `ref_key = ref` added unquoted (a reference to another resource),
/// after the value's own attributes.
fn hcl_filter(v: &tera::Value, args: &Args) -> tera::Result<tera::Value> {
    let mut v = v.clone();
    let mut out = String::new();
    if let (tera::Value::Object(m), Some(k), Some(e)) =
        (&mut v, args.get("ref_key"), args.get("ref"))
    {
        m.insert(
            text_of(k),
            tera::Value::String(format!("{HCL_RAW}{}", text_of(e))),
        );
    }
    hcl(&v, 0, &mut out);
    Ok(tera::Value::String(out))
}

/// `repeat(n=)`: text n times, at most 64 (for indents).
fn repeat(v: &tera::Value, args: &Args) -> tera::Result<tera::Value> {
    let n = args
        .get("n")
        .and_then(|n| n.as_u64().or_else(|| text_of(n).parse().ok()))
        .unwrap_or(0);
    Ok(tera::Value::String(text_of(v).repeat(n.min(64) as usize)))
}

/// `omit(keys=[..])`: a map without some keys.
fn omit(v: &tera::Value, args: &Args) -> tera::Result<tera::Value> {
    let keys = args
        .get("keys")
        .and_then(tera::Value::as_array)
        .cloned()
        .unwrap_or_default();
    Ok(match v {
        tera::Value::Object(m) => tera::Value::Object(
            m.iter()
                .filter(|(k, _)| !keys.iter().any(|x| x.as_str() == Some(k.as_str())))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        ),
        other => other.clone(),
    })
}

fn set_key_filter(v: &tera::Value, args: &Args) -> tera::Result<tera::Value> {
    let key = args.get("key").map(text_of).unwrap_or_default();
    let value = args.get("value").cloned().unwrap_or(tera::Value::Null);
    let first = args
        .get("first")
        .and_then(tera::Value::as_bool)
        .unwrap_or(false);
    Ok(set_key(v, key, value, first))
}

fn fill_placeholders_filter(v: &tera::Value, args: &Args) -> tera::Result<tera::Value> {
    let vars = args.get("vars").cloned().unwrap_or(tera::Value::Null);
    let deck = args
        .get("deck")
        .and_then(tera::Value::as_bool)
        .unwrap_or(false);
    Ok(fill_placeholders(v, &vars, deck))
}

fn latest_version_filter(v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
    Ok(latest_version(v))
}

/// `warn(message=)`: a warning at the component's tag.
fn warn(args: &Args) -> tera::Result<tera::Value> {
    let message = args.get("message").map(text_of).unwrap_or_default();
    crate::components::warn(message);
    Ok(tera::Value::String(String::new()))
}

/// `upstream(path=)`: `path` on the upstream site, else empty.
struct Upstream(Arc<LinkMap>);

impl tera::Function for Upstream {
    fn call(&self, args: &Args) -> tera::Result<tera::Value> {
        let path = args.get("path").map(text_of).unwrap_or_default();
        Ok(tera::Value::String(
            self.0.upstream_of(&path).unwrap_or_default(),
        ))
    }
}

/// `label(id=)`: the display name portolan.yaml's `labels` give an id.
struct Label(crate::Config);

impl tera::Function for Label {
    fn call(&self, args: &Args) -> tera::Result<tera::Value> {
        let id = args.get("id").map(text_of).unwrap_or_default();
        Ok(tera::Value::String(self.0.label(&id)))
    }
}

/// `site_data(path=, default=)`: a value of the data folder.
struct SiteData(portolan_dialect::SiteValues);

impl tera::Function for SiteData {
    fn call(&self, args: &Args) -> tera::Result<tera::Value> {
        let path = args.get("path").map(text_of).unwrap_or_default();
        match self.0.get_json(&format!("data.{path}")) {
            tera::Value::Null => Ok(args.get("default").cloned().unwrap_or(tera::Value::Null)),
            v => Ok(v),
        }
    }
}

/// `icon`: the href of an icon as written, else empty.
struct Icon {
    links: Arc<LinkMap>,
    folders: Vec<String>,
}

impl tera::Filter for Icon {
    fn filter(&self, v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
        Ok(tera::Value::String(crate::directory::icon_href(
            &self.links,
            &self.folders,
            None,
            &text_of(v),
        )))
    }
}

/// A list argument: a list of strings, or one string.
fn list_arg(args: &Args, key: &str) -> Vec<String> {
    match args.get(key) {
        Some(tera::Value::Array(items)) => items.iter().map(text_of).collect(),
        Some(tera::Value::Null) | None => Vec::new(),
        Some(v) => vec![text_of(v)],
    }
}

/// `pages(...)`: the cards of the pages that pass every filter given.
struct Pages(Directory);

impl tera::Function for Pages {
    fn call(&self, args: &Args) -> tera::Result<tera::Value> {
        let cards = self.0.cards();
        let text = |k: &str| args.get(k).map(text_of).filter(|t| !t.is_empty());
        // Every other argument filters by the frontmatter key it names.
        let mut filters = BTreeMap::new();
        for key in args.keys() {
            if ["collection", "content_type", "urls", "glob", "limit"].contains(&key.as_str()) {
                continue;
            }
            let ids = list_arg(args, key);
            if !ids.is_empty() {
                filters.insert(key.clone(), ids);
            }
        }
        let urls = list_arg(args, "urls");
        let glob = text("glob");
        let mut found: Vec<&crate::directory::PageCard> = if let Some(glob) = glob {
            crate::directory::globbed(&cards, &glob)
        } else if urls.is_empty() {
            let mut found = crate::directory::matching(
                &cards,
                text("collection").as_deref(),
                text("content_type").as_deref(),
                &filters,
            );
            found.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
            found
        } else {
            urls.iter()
                .filter_map(|u| crate::directory::by_url(&cards, u))
                .collect()
        };
        if let Some(limit) = args.get("limit").and_then(tera::Value::as_u64) {
            found.truncate(limit as usize);
        }
        tera::to_value(found).map_err(tera::Error::msg)
    }
}

/// `page_card(url=)`: the card of the page at `url`, else null.
struct PageCardOf(Directory);

impl tera::Function for PageCardOf {
    fn call(&self, args: &Args) -> tera::Result<tera::Value> {
        let url = args.get("url").map(text_of).unwrap_or_default();
        let cards = self.0.cards();
        tera::to_value(crate::directory::by_url(&cards, &url)).map_err(tera::Error::msg)
    }
}

/// `collection_page(collection=, name=)`: the card of entry `name` of a collection.
struct CollectionPage(Directory);

impl tera::Function for CollectionPage {
    fn call(&self, args: &Args) -> tera::Result<tera::Value> {
        let collection = args.get("collection").map(text_of).unwrap_or_default();
        let name = args.get("name").map(text_of).unwrap_or_default();
        let cards = self.0.cards();
        let card = cards
            .iter()
            .find(|c| c.collection.as_deref() == Some(collection.as_str()) && c.name == name);
        tera::to_value(card).map_err(tera::Error::msg)
    }
}

/// `api_schema(api=, path=)`: a schema of the site's OpenAPI specifications, else null.
struct ApiSchema(crate::api_specs::ApiSpecs);

impl tera::Function for ApiSchema {
    fn call(&self, args: &Args) -> tera::Result<tera::Value> {
        let api = args.get("api").map(text_of).unwrap_or_default();
        let path = args.get("path").map(text_of).unwrap_or_default();
        match self.0.schema(api.trim(), path.trim()) {
            Ok(schema) => Ok(schema.unwrap_or(tera::Value::Null)),
            Err(e) => Err(tera::Error::msg(e)),
        }
    }
}

/// `step_sections`: see `step_sections.rs`.
fn step_sections_filter(v: &tera::Value, _: &Args) -> tera::Result<tera::Value> {
    Ok(tera::Value::String(crate::step_sections::step_sections(
        &text_of(v),
    )))
}

/// `static_text(path=, drop_title=)`: the text of a file the site publishes, else null.
struct StaticText {
    files: HashMap<String, PathBuf>,
    content_dir: PathBuf,
}

impl tera::Function for StaticText {
    fn call(&self, args: &Args) -> tera::Result<tera::Value> {
        let path = args.get("path").map(text_of).unwrap_or_default();
        let drop_title = args.get("drop_title").and_then(tera::Value::as_bool) == Some(true);
        Ok(self
            .files
            .get(path.trim_start_matches('/'))
            .and_then(|disk| static_text(&self.content_dir, disk, drop_title))
            .map_or(tera::Value::Null, tera::Value::String))
    }
}

/// The text of a published file (UTF-8, at most a page's size), its first line dropped
/// when `drop_title` and it is a `# Title` (the page that embeds it has its own).
fn static_text(
    content_dir: &std::path::Path,
    disk: &std::path::Path,
    drop_title: bool,
) -> Option<String> {
    let max = portolan_dialect::limits::MAX_PAGE_BYTES as u64;
    let bytes = crate::files::read_beneath(content_dir, disk, max).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    if drop_title {
        // The first line that is not blank or a whole `<!-- comment -->`.
        let mut at = 0;
        for line in text.split_inclusive('\n') {
            let t = line.trim();
            if t.starts_with("# ") {
                return Some(format!("{}{}", &text[..at], &text[at + line.len()..]));
            }
            if !(t.is_empty() || (t.starts_with("<!--") && t.ends_with("-->"))) {
                break;
            }
            at += line.len();
        }
    }
    Some(text.to_string())
}

/// `text` as a fenced code block in `lang`, its fence longer than any run of backticks in
/// it, so no text can end the block early.
fn fenced(text: &str, lang: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat((longest + 1).max(3));
    // The info string is one word: anything else could carry markup.
    let lang: String = lang
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_+".contains(*c))
        .collect();
    format!("{fence}{lang}\n{}\n{fence}\n", text.trim_end_matches('\n'))
}

/// `s` as one POSIX shell word: single-quoted, each `'` written as `'\''`.
fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// `s` as a double-quoted shell word, so that `$VARIABLES` in it expand when the reader
/// runs the command: `"`, `\\` and `` ` `` escaped.
fn shell_dquote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Marks a string [`hcl`] writes unquoted (an expression the template gave).
const HCL_RAW: &str = "\u{1}hcl-raw\u{1}";

/// A value in HashiCorp's configuration language, for Terraform examples: maps as blocks of
/// `key = value`, lists in brackets, strings quoted.
fn hcl(v: &tera::Value, depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth + 1);
    match v {
        tera::Value::Object(m) => {
            out.push_str("{\n");
            for (k, v) in m {
                out.push_str(&pad);
                let bare = !k.is_empty()
                    && k.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                    && !k.starts_with(|c: char| c.is_ascii_digit());
                if bare {
                    out.push_str(k);
                } else {
                    out.push_str(&tera::Value::String(k.clone()).to_string());
                }
                out.push_str(" = ");
                hcl(v, depth + 1, out);
                out.push('\n');
            }
            out.push_str(&"  ".repeat(depth));
            out.push('}');
        }
        tera::Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                hcl(v, depth, out);
            }
            out.push(']');
        }
        tera::Value::String(s) if s.starts_with(HCL_RAW) => out.push_str(&s[HCL_RAW.len()..]),
        // `${` and `%{` start interpolation in an HCL string: doubled, they are literal.
        tera::Value::String(s) => {
            let quoted =
                tera::Value::String(s.replace("${", "$${").replace("%{", "%%{")).to_string();
            out.push_str(&quoted);
        }
        tera::Value::Null => out.push_str("null"),
        other => out.push_str(&other.to_string()),
    }
}

/// Map `v` with `key` set to `value`: in place when it is there, else last (or first).
fn set_key(v: &tera::Value, key: String, value: tera::Value, first: bool) -> tera::Value {
    let mut m = match v {
        tera::Value::Object(m) => m.clone(),
        _ => serde_json::Map::new(),
    };
    if first && !m.contains_key(&key) {
        let mut out = serde_json::Map::with_capacity(m.len() + 1);
        out.insert(key, value);
        out.extend(m);
        return tera::Value::Object(out);
    }
    m.insert(key, value);
    tera::Value::Object(m)
}

/// Every `${name}` in the strings of `v` replaced by `vars.name.value` (a shell variable such
/// as `$API_KEY`), or for decK by its environment lookup (`${{ env "DECK_API_KEY" }}`).
fn fill_placeholders(v: &tera::Value, vars: &tera::Value, deck: bool) -> tera::Value {
    match v {
        tera::Value::String(s) if s.contains("${") => {
            let mut out = s.clone();
            if let tera::Value::Object(vars) = vars {
                for (name, var) in vars {
                    let value = var
                        .get("value")
                        .map(text_of)
                        .unwrap_or_else(|| format!("${name}"));
                    let filled = if deck {
                        let env: String = value
                            .trim_start_matches('$')
                            .chars()
                            .map(|c| {
                                if c.is_ascii_alphanumeric() {
                                    c.to_ascii_uppercase()
                                } else {
                                    '_'
                                }
                            })
                            .collect();
                        format!("${{{{ env \"DECK_{env}\" }}}}")
                    } else {
                        value
                    };
                    out = out.replace(&format!("${{{name}}}"), &filled);
                }
            }
            tera::Value::String(out)
        }
        tera::Value::Array(a) => {
            tera::Value::Array(a.iter().map(|x| fill_placeholders(x, vars, deck)).collect())
        }
        tera::Value::Object(m) => tera::Value::Object(
            m.iter()
                .map(|(k, x)| (k.clone(), fill_placeholders(x, vars, deck)))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Of a map keyed by version (`{"3.9": .., "3.10": ..}`), the value under the latest one.
fn latest_version(v: &tera::Value) -> tera::Value {
    let tera::Value::Object(m) = v else {
        return tera::Value::Null;
    };
    let key = |k: &str| -> Vec<u64> {
        k.split(['.', '-'])
            .map(|p| p.parse().unwrap_or(0))
            .collect()
    };
    m.iter()
        .max_by(|a, b| key(a.0).cmp(&key(b.0)))
        .map_or(tera::Value::Null, |(_, v)| v.clone())
}

fn text_of(v: &tera::Value) -> String {
    match v {
        tera::Value::String(s) => s.clone(),
        tera::Value::Null => String::new(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fence_outlasts_the_backticks_in_its_text() {
        assert_eq!(fenced("a", "bash"), "```bash\na\n```\n");
        assert_eq!(fenced("x ```` y\n", "md"), "`````md\nx ```` y\n`````\n");
        assert_eq!(fenced("a", "x\"><script>"), "```xscript\na\n```\n");
    }

    #[test]
    fn shell_words_survive_quotes() {
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
        assert_eq!(shell_quote("$HOME `x`"), "'$HOME `x`'");
        assert_eq!(
            shell_dquote(r#"a "b" $C `d` \e"#),
            r#""a \"b\" $C \`d\` \\e""#
        );
    }

    #[test]
    fn an_embedded_file_loses_its_title_only() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("CHANGELOG.md");
        let text = |body: &str, drop: bool| {
            std::fs::write(&file, body).unwrap();
            static_text(dir.path(), &file, drop).unwrap()
        };
        assert_eq!(
            text("<!-- generated -->\n\n# Changelog\n\n## 2.9\n", true),
            "<!-- generated -->\n\n\n## 2.9\n"
        );
        assert_eq!(text("\u{feff}# T\nx\n", true), "x\n");
        assert_eq!(
            text("Intro\n# Not the title\n", true),
            "Intro\n# Not the title\n"
        );
        assert_eq!(text("# T\nx", false), "# T\nx");
        std::fs::write(&file, b"\xff\xfe").unwrap();
        assert_eq!(static_text(dir.path(), &file, true), None, "not UTF-8");
    }

    #[test]
    fn values_as_hcl() {
        let v: tera::Value =
            serde_json::from_str(r#"{"name":"x","config":{"a b":[1,"${y}"],"on":true}}"#).unwrap();
        let mut out = String::new();
        hcl(&v, 0, &mut out);
        assert_eq!(
            out,
            "{\n  name = \"x\"\n  config = {\n    \"a b\" = [1, \"$${y}\"]\n    on = true\n  }\n}"
        );
    }

    #[test]
    fn placeholders_are_filled_for_each_format() {
        let v: tera::Value = serde_json::from_str(r#"{"auth":["Bearer ${key}", 3]}"#).unwrap();
        let vars: tera::Value = serde_json::from_str(r#"{"key":{"value":"$API_KEY"}}"#).unwrap();
        assert_eq!(
            fill_placeholders(&v, &vars, false).to_string(),
            r#"{"auth":["Bearer $API_KEY",3]}"#
        );
        assert_eq!(
            fill_placeholders(&v, &vars, true).to_string(),
            r#"{"auth":["Bearer ${{ env \"DECK_API_KEY\" }}",3]}"#
        );
        let m: tera::Value = serde_json::from_str(r#"{"a":1}"#).unwrap();
        assert_eq!(
            set_key(&m, "z".into(), 2.into(), true).to_string(),
            r#"{"z":2,"a":1}"#
        );
        assert_eq!(
            set_key(&m, "a".into(), 3.into(), true).to_string(),
            r#"{"a":3}"#
        );
    }

    #[test]
    fn the_latest_version_is_compared_as_numbers() {
        let v: tera::Value = serde_json::from_str(r#"{"3.9":1,"3.10":2,"3.4":3}"#).unwrap();
        assert_eq!(latest_version(&v), tera::Value::from(2));
        assert_eq!(latest_version(&tera::Value::Null), tera::Value::Null);
    }
}

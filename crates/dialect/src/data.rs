//! The `site` object pages see: portolan.yaml's `variables` (and `title`), the data folder
//! as `site.data.*` (nested by folder and file name), and `site.time`. Built once per site,
//! shared by every page; data files that do not parse are errors at their position.

use std::sync::Arc;

use portolan_liquid::{Env, Map, Value};

use crate::diag::{floor_char_boundary, Diagnostic, FileId, Span};
use crate::limits::MAX_YAML_DEPTH;

/// Site variables, reachable from content as `{{site.NAME}}` (nested maps as `site.a.b`):
/// a YAML mapping as written.
pub type Variables = portolan_yaml::Node;

/// The `site` object and how unknown names in it behave.
#[derive(Debug, Clone)]
pub struct SiteValues {
    pub(crate) env: Env,
}

impl Default for SiteValues {
    fn default() -> Self {
        SiteValues::new(&Variables::default())
    }
}

impl SiteValues {
    /// The site's variables.
    pub fn new(variables: &Variables) -> SiteValues {
        let site = match crate::yaml::to_value(variables) {
            v @ Value::Map(_) => v,
            _ => Value::map(Map::new()),
        };
        SiteValues {
            env: Env {
                site,
                undefined_site_is_empty: false,
                now: 0,
            },
        }
    }

    /// Renders an unknown `site.NAME` empty, with a warning, as Jekyll does, instead of
    /// failing on it.
    pub fn undefined_is_empty(mut self, yes: bool) -> Self {
        self.env.undefined_site_is_empty = yes;
        self
    }

    /// Sets the build's time (Unix seconds), `site.time`.
    pub fn at_time(mut self, unix_seconds: i64) -> Self {
        self.env.now = unix_seconds;
        let time = Value::str(date_time(unix_seconds));
        self.insert(&["time".to_string()], time);
        self
    }

    /// Reads a data file (`.yml`/`.yaml`, or JSON when `json`) and adds it at
    /// `site.data.<path...>`; a file that does not parse is an error at its position.
    pub fn insert_data_file(
        &mut self,
        path: &[String],
        file: FileId,
        text: &str,
        json: bool,
    ) -> Result<(), Diagnostic> {
        let at = |offset: usize| {
            let o = floor_char_boundary(text, offset);
            Span::new(file, o, o)
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value = if json {
            match serde_json::from_str::<serde_json::Value>(text) {
                Ok(v) => Value::from_json(&v),
                Err(e) => {
                    let offset = text
                        .split_inclusive('\n')
                        .take(e.line().saturating_sub(1))
                        .map(str::len)
                        .sum::<usize>()
                        + e.column().saturating_sub(1);
                    return Err(
                        Diagnostic::error(at(offset), format!("invalid JSON data: {e}"))
                            .with_label("here")
                            .with_hint("data files are read as `site.data.*`; fix the JSON"),
                    );
                }
            }
        } else {
            match crate::yaml::read(text) {
                Ok(node) => crate::yaml::to_value(&node),
                Err(e) if e.too_deep => {
                    return Err(Diagnostic::error(
                        at(e.offset),
                        format!("data nests more than {MAX_YAML_DEPTH} levels deep"),
                    )
                    .with_label("one level too deep"));
                }
                Err(e) => {
                    return Err(Diagnostic::error(
                        at(e.offset),
                        format!("invalid YAML data: {}", e.message),
                    )
                    .with_label("here")
                    .with_hint("data files are read as `site.data.*`; fix the YAML"));
                }
            }
        };
        let mut full = vec!["data".to_string()];
        full.extend(path.iter().cloned());
        self.insert(&full, value);
        Ok(())
    }

    /// Sets `site.<path...>` to `v`, making maps on the way (a value in the way is
    /// replaced by a map).
    fn insert(&mut self, path: &[String], v: Value) {
        fn put(at: &mut Value, path: &[String], v: Value) {
            let Some((first, rest)) = path.split_first() else {
                return;
            };
            if !matches!(at, Value::Map(_)) {
                *at = Value::map(Map::new());
            }
            let Value::Map(m) = at else { return };
            let dict = Arc::make_mut(m);
            if rest.is_empty() {
                dict.insert(first.as_str().into(), v);
            } else {
                dict.update(
                    first.as_str().into(),
                    || Value::map(Map::new()),
                    |entry| put(entry, rest, v),
                );
            }
        }
        put(&mut self.env.site, path, v);
    }

    /// The value at `path` (dotted, e.g. `data.kong-conf`), as JSON; null when unset.
    pub fn get_json(&self, path: &str) -> serde_json::Value {
        let mut v = self.env.site.clone();
        for key in path.split('.').filter(|k| !k.is_empty()) {
            v = v.member(key);
        }
        // Site values come from files: trees as large as the files they were read from.
        v.to_json_tree()
    }

    /// The names pages can use as `site.NAME`, for suggestions.
    pub fn names(&self) -> Vec<String> {
        match &self.env.site {
            Value::Map(m) => m.keys().map(|k| k.to_string()).collect(),
            _ => Vec::new(),
        }
    }
}

/// `2024-05-28 10:00:00 +0000` for Unix seconds, as Jekyll writes `site.time`.
fn date_time(secs: i64) -> String {
    let mut call = portolan_liquid::FilterCall {
        input: Value::Int(secs),
        args: vec![Value::str("%Y-%m-%d %H:%M:%S +0000")],
        keywords: Vec::new(),
        budget: &mut portolan_liquid::Budget::default(),
        now: secs,
    };
    portolan_liquid::apply_filter("date", &mut call)
        .and_then(Result::ok)
        .map(|v| v.scalar_text())
        .unwrap_or_default()
}

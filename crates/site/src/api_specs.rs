//! OpenAPI specifications a site keeps beside its content (`api_specs:` in portolan.yaml,
//! e.g. Kong's `api-specs/`), read when a component asks for one of their schemas and kept
//! for the rest of the build: an entity page's schema table, a table of roles.
//!
//! A specification is named by its folder (`gateway/admin-ee`); a folder of versions
//! (`3.13/`, `3.14/`, `v3/`) means its latest. Schemas come back with every `$ref` resolved
//! in place (within a budget: specifications refer to themselves) and `allOf` merged, so a
//! template can walk `properties` without knowing OpenAPI's indirections.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

/// How many nested `$ref`s one schema follows before it shows a reference by name.
const MAX_REF_DEPTH: usize = 8;
/// How many values one resolved schema may hold: a reference graph can fan out
/// exponentially, and a schema table is read by a person.
const MAX_RESOLVED_VALUES: usize = 50_000;

/// A specification file as read, or why it could not be.
type Read = Arc<Result<Value, String>>;

/// The specifications under one folder, each read once.
#[derive(Debug, Clone, Default)]
pub(crate) struct ApiSpecs {
    /// The folder (absolute), when the settings name one.
    root: Option<PathBuf>,
    /// Each specification file read so far, or why it could not be.
    read: Arc<Mutex<HashMap<PathBuf, Read>>>,
}

impl ApiSpecs {
    /// The specifications in `root`, when there is one.
    pub(crate) fn new(root: Option<PathBuf>) -> Self {
        ApiSpecs {
            root,
            read: Arc::default(),
        }
    }

    /// The schema at `path` (`/schemas/Service`, under the specification's `components`,
    /// or a pointer from its top, `#/components/...`) of specification `api`, resolved:
    /// from its latest version that has it (a schema an older release had stays
    /// documented). `None` when the site holds no specification `api`.
    pub(crate) fn schema(&self, api: &str, path: &str) -> Result<Option<Value>, String> {
        let Some(root) = &self.root else {
            return Ok(None);
        };
        if !is_spec_name(api) {
            return Err(format!(
                "API specification `{api}` is not a folder name under the specifications' folder"
            ));
        }
        let files = spec_files(&root.join(api));
        if files.is_empty() {
            return Ok(None);
        }
        let pointer = match path.strip_prefix('#') {
            Some(from_top) => from_top.to_string(),
            None => format!("/components/{}", path.trim_start_matches('/')),
        };
        for file in &files {
            let spec = self.read(root, api, file);
            let spec = match &*spec {
                Ok(spec) => spec,
                Err(e) => return Err(e.clone()),
            };
            if let Some(found) = spec.pointer(&pointer) {
                let mut budget = MAX_RESOLVED_VALUES;
                return Ok(Some(resolve(found, spec, 0, &mut budget)));
            }
        }
        Err(format!(
            "API specification `{api}` has no schema at `{path}` (in any of its {} versions)",
            files.len()
        ))
    }

    /// Specification file `file` as read (or why it could not be), read once.
    fn read(&self, root: &Path, api: &str, file: &Path) -> Read {
        if let Some(read) = self.read.lock().ok().and_then(|m| m.get(file).cloned()) {
            return read;
        }
        let read = Arc::new(read_spec(root, api, file));
        if let Ok(mut m) = self.read.lock() {
            m.insert(file.to_path_buf(), read.clone());
        }
        read
    }
}

/// A specification's name: folder names (`gateway/admin-ee`), none `.` or `..`.
fn is_spec_name(api: &str) -> bool {
    !api.is_empty()
        && api.split('/').all(|part| {
            !part.is_empty()
                && part != "."
                && part != ".."
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        })
}

/// Reads specification `api`, file `file` under `root` (never through a link that leaves
/// it).
fn read_spec(root: &Path, api: &str, file: &Path) -> Result<Value, String> {
    let named = || format!("API specification `{api}`");
    let bytes = crate::files::read_beneath(root, file, crate::files::MAX_READ_BYTES)
        .map_err(|e| format!("{} cannot be read: {e}", named()))?;
    let text = String::from_utf8(bytes).map_err(|_| format!("{} is not UTF-8", named()))?;
    let shown = file
        .strip_prefix(root)
        .unwrap_or(file)
        .display()
        .to_string();
    if file.extension().is_some_and(|e| e == "json") {
        return serde_json::from_str(&text).map_err(|e| format!("{shown}: invalid JSON: {e}"));
    }
    let node = portolan_yaml::load(&text, portolan_yaml::Limits::default()).map_err(|e| {
        let (line, column) = line_column(&text, e.offset);
        format!("{shown}:{line}:{column}: invalid YAML: {}", e.message)
    })?;
    portolan_yaml::from_node::<Value>(&node).map_err(|e| format!("{shown}: {e}"))
}

/// `openapi.yaml`, `.yml` or `.json` in `folder`, when there is one.
fn spec_file(folder: &Path) -> Option<PathBuf> {
    ["openapi.yaml", "openapi.yml", "openapi.json"]
        .iter()
        .map(|name| folder.join(name))
        .find(|f| f.is_file())
}

/// The specification files of `folder`: its own, else its version folders', latest first.
fn spec_files(folder: &Path) -> Vec<PathBuf> {
    if let Some(file) = spec_file(folder) {
        return vec![file];
    }
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut versions: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    versions.sort_by_key(|name| std::cmp::Reverse(version_key(name)));
    versions
        .iter()
        .filter_map(|v| spec_file(&folder.join(v)))
        .collect()
}

/// A version folder's name as numbers to order by (`v3.1` is `[3, 1]`); names that are not
/// versions order first.
fn version_key(name: &str) -> Vec<u64> {
    name.trim_start_matches(['v', 'V'])
        .split('.')
        .map(|part| part.parse().unwrap_or(0))
        .collect()
}

/// 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// `value` with its `$ref`s replaced by what they point at (with `ref_name`, the schema's
/// name, added) and `allOf` merged; a reference nested deeper than [`MAX_REF_DEPTH`], or
/// past the budget, stays `{"ref_name": name}`.
fn resolve(value: &Value, spec: &Value, depth: usize, budget: &mut usize) -> Value {
    *budget = budget.saturating_sub(1);
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                let name = target.rsplit('/').next().unwrap_or(target).to_string();
                let pointed = target
                    .strip_prefix('#')
                    .and_then(|pointer| spec.pointer(pointer));
                let mut out = match pointed {
                    Some(found) if depth < MAX_REF_DEPTH && *budget > 0 => {
                        match resolve(found, spec, depth + 1, budget) {
                            Value::Object(m) => m,
                            other => return other,
                        }
                    }
                    _ => Map::new(),
                };
                // Keys beside a `$ref` (a description, say) win over the target's.
                for (k, v) in map.iter().filter(|(k, _)| *k != "$ref") {
                    out.insert(k.clone(), resolve(v, spec, depth, budget));
                }
                out.entry("ref_name").or_insert(Value::String(name));
                return Value::Object(out);
            }
            let mut out = Map::new();
            for (k, v) in map {
                if *budget == 0 {
                    break;
                }
                if k == "allOf" {
                    if let Value::Array(parts) = v {
                        for part in parts {
                            merge(&mut out, resolve(part, spec, depth, budget));
                        }
                        continue;
                    }
                }
                let resolved = resolve(v, spec, depth, budget);
                match out.get_mut(k) {
                    Some(existing) => merge_value(existing, resolved),
                    None => {
                        out.insert(k.clone(), resolved);
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                if *budget == 0 {
                    break;
                }
                out.push(resolve(item, spec, depth, budget));
            }
            Value::Array(out)
        }
        other => other.clone(),
    }
}

/// Merges one `allOf` part into the schema being built (a part's name is not the whole's).
fn merge(into: &mut Map<String, Value>, part: Value) {
    let Value::Object(part) = part else { return };
    for (k, v) in part.into_iter().filter(|(k, _)| k != "ref_name") {
        match into.get_mut(&k) {
            Some(existing) => merge_value(existing, v),
            None => {
                into.insert(k, v);
            }
        }
    }
}

/// Two values for one key: maps merge (`properties`), lists join (`required`), else the
/// later wins.
fn merge_value(existing: &mut Value, new: Value) {
    match (existing, new) {
        (Value::Object(a), Value::Object(b)) => {
            for (k, v) in b {
                a.insert(k, v);
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for v in b {
                if !a.contains(&v) {
                    a.push(v);
                }
            }
        }
        (slot, new) => *slot = new,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec_dir(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let path = dir.path().join(path);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        dir
    }

    const SPEC: &str = "openapi: 3.0.0
components:
  schemas:
    Tags:
      type: array
      items: {type: string}
    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
    Service:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [host]
          properties:
            host: {type: string, description: Where requests go.}
            tags:
              $ref: '#/components/schemas/Tags'
              description: Labels.
    Loop:
      type: object
      properties:
        next: {$ref: '#/components/schemas/Loop'}
";

    #[test]
    fn latest_version_is_read_and_refs_resolved() {
        let dir = spec_dir(&[
            (
                "gw/3.9/openapi.yaml",
                "components: {schemas: {Service: {type: string}, OnlyOld: {type: integer}}}",
            ),
            ("gw/3.14/openapi.yaml", SPEC),
        ]);
        let specs = ApiSpecs::new(Some(dir.path().to_path_buf()));
        let service = specs.schema("gw", "/schemas/Service").unwrap().unwrap();
        let older = specs.schema("gw", "/schemas/OnlyOld").unwrap().unwrap();
        assert_eq!(
            older["type"], "integer",
            "an older version's schema when the latest has none"
        );
        assert_eq!(service["type"], "object");
        assert_eq!(
            service.get("ref_name"),
            None,
            "a part's name is not the whole's"
        );
        assert_eq!(service["required"], serde_json::json!(["id", "host"]));
        let props = &service["properties"];
        assert_eq!(props["id"]["type"], "string");
        assert_eq!(props["tags"]["type"], "array");
        assert_eq!(props["tags"]["description"], "Labels.");
        assert_eq!(props["tags"]["ref_name"], "Tags");
    }

    #[test]
    fn a_schema_that_refers_to_itself_ends() {
        let dir = spec_dir(&[("gw/openapi.yaml", SPEC)]);
        let specs = ApiSpecs::new(Some(dir.path().to_path_buf()));
        let looped = specs
            .schema("gw", "#/components/schemas/Loop")
            .unwrap()
            .unwrap();
        let mut depth = 0;
        let mut at = &looped;
        while let Some(next) = at.pointer("/properties/next") {
            at = next;
            depth += 1;
        }
        assert_eq!(depth, MAX_REF_DEPTH + 1);
        assert_eq!(at["ref_name"], "Loop");
    }

    #[test]
    fn bad_names_paths_and_files_are_errors_missing_specs_none() {
        let dir = spec_dir(&[("gw/openapi.yaml", SPEC), ("bad/openapi.yaml", "a: [")]);
        let specs = ApiSpecs::new(Some(dir.path().to_path_buf()));
        for api in ["../gw", "/etc", "gw/..", ""] {
            let e = specs.schema(api, "/schemas/Service").unwrap_err();
            assert!(e.contains("not a folder name"), "{api}: {e}");
        }
        assert_eq!(specs.schema("nope", "/schemas/Service"), Ok(None));
        let e = specs.schema("gw", "/schemas/Nope").unwrap_err();
        assert_eq!(
            e,
            "API specification `gw` has no schema at `/schemas/Nope` (in any of its 1 versions)"
        );
        let e = specs.schema("bad", "/schemas/Service").unwrap_err();
        assert!(e.starts_with("bad/openapi.yaml:1:"), "{e}");
        let e = specs.schema("gw/..", "/schemas/Service").unwrap_err();
        assert!(e.contains("not a folder name"), "{e}");
        assert_eq!(ApiSpecs::new(None).schema("gw", "/x"), Ok(None));
    }

    #[test]
    fn version_folders_order_by_number() {
        let mut names = vec!["3.9", "3.14", "v2", "beta", "3.10"];
        names.sort_by_key(|n| version_key(n));
        assert_eq!(names, ["beta", "v2", "3.9", "3.10", "3.14"]);
    }
}

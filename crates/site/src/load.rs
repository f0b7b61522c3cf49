//! Reading a site folder: `portolan.yaml`, `content/` (pages, includes, other files) and
//! the theme, into a [`Site`]. Every problem is collected, not just the first.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use portolan_dialect::{Diagnostic, FileId, IncludeError, IncludeResolver, Included, Span};
use walkdir::WalkDir;

use crate::sources::{self, Sources};
use crate::{config, links, page_url_key, statics, Config, Options, PageSource, Site, Theme};
use crate::{CONTENT_DIR, DATA_DIR, INCLUDES_DIR};

/// How deep folders may nest in content/ (walking deeper holds a file descriptor and a
/// path per level).
const MAX_FOLDER_DEPTH: usize = 32;

/// Reads the site folder. Errors are collected, not returned at the first one. When the
/// site cannot be read at all (no `content/`, no theme), the error holds the files read so
/// far, which the diagnostics point into.
pub fn load(opts: &Options, diags: &mut Vec<Diagnostic>) -> Result<Site, Sources> {
    let site = &opts.site_dir;
    let mut sources = Sources::default();

    let config_path = site.join(config::CONFIG_FILE);
    let mut config = if config_path.exists() {
        match sources::read_text(&mut sources, config::CONFIG_FILE.to_string(), &config_path) {
            Ok(id) => match Config::parse(id, &sources.get(id).text.clone()) {
                Ok(c) => c,
                Err(ds) => {
                    diags.extend(ds);
                    Config::default()
                }
            },
            Err(d) => {
                diags.push(d);
                Config::default()
            }
        }
    } else {
        Config::default()
    };
    if let Some(b) = &opts.base_url {
        config.base_url = config::normalize_base(b);
    }
    if let Some(m) = opts.minify {
        config.minify = m;
    }
    if let Some(c) = opts.compress {
        config.compress = c;
    }

    let content = site.join(CONTENT_DIR);
    if !content.is_dir() {
        diags.push(Diagnostic::global(format!("no `{CONTENT_DIR}/` folder in {}", site.display()))
            .with_hint("run `portolan build` in a site folder, or pass the folder: `portolan build path/to/site`"));
        return Err(sources);
    }
    let includes_root = content.join(INCLUDES_DIR);
    let data_root = content.join(DATA_DIR);
    let mut data_files = Vec::new();
    let includes_canon = includes_root.canonicalize().ok();
    let mut pages = Vec::new();
    let mut statics = Vec::new();
    let mut includes = Includes::default();

    let walker = WalkDir::new(&content)
        .follow_links(false)
        .max_depth(MAX_FOLDER_DEPTH + 1)
        .sort_by_file_name()
        .into_iter();
    for entry in walker.filter_entry(|e| !e.file_name().to_string_lossy().starts_with('.')) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().map(|p| display_rel(site, p)).unwrap_or_default();
                diags.push(Diagnostic::global(format!("cannot read `{path}`: {e}")));
                continue;
            }
        };
        let path = entry.path();
        let display = display_rel(site, path);
        let ft = entry.file_type();
        if entry.depth() > MAX_FOLDER_DEPTH {
            diags.push(
                Diagnostic::global(format!(
                    "`{display}` is nested more than {MAX_FOLDER_DEPTH} folders deep in content/, and is not read"
                ))
                .with_hint("move it up: URLs that deep are not a site's"),
            );
            continue;
        }
        if ft.is_symlink() {
            match symlink_target(&content, path) {
                Ok(true) => {}
                Ok(false) => {
                    let id = sources.add(display.clone(), path.to_path_buf(), Arc::from(""));
                    diags.push(
                        Diagnostic::error(
                            Span::new(id, 0, 0),
                            format!("symlink `{display}` points outside the site's content folder"),
                        )
                        .with_label("")
                        .with_hint("copy the file into content/ instead of linking to it"),
                    );
                    continue;
                }
                Err(e) => {
                    diags.push(sources::io_error(&mut sources, &display, path, &e));
                    continue;
                }
            }
            if path.is_dir() {
                // A linked folder could loop; content folders are walked only as real folders.
                let id = sources.add(display.clone(), path.to_path_buf(), Arc::from(""));
                diags.push(
                    Diagnostic::warning(
                        Span::new(id, 0, 0),
                        format!("symlinked folder `{display}` is not followed"),
                    )
                    .with_label(""),
                );
                continue;
            }
        } else if !ft.is_file() {
            continue;
        }
        let rel = display_rel(&content, path);
        if let Ok(inc_rel) = path.strip_prefix(&includes_root) {
            if let Some(canon) = &includes_canon {
                if !path
                    .canonicalize()
                    .map(|p| p.starts_with(canon))
                    .unwrap_or(false)
                {
                    continue;
                }
            }
            match sources::read_text(&mut sources, display, path) {
                Ok(id) => {
                    let key = inc_rel.to_string_lossy().replace('\\', "/");
                    includes
                        .by_path
                        .insert(key, (id, sources.get(id).text.clone()));
                }
                Err(d) => diags.push(d),
            }
            continue;
        }
        if let Ok(data_rel) = path.strip_prefix(&data_root) {
            data_files.push((display, path.to_path_buf(), data_rel.to_path_buf()));
            continue;
        }
        if rel.split('/').any(|c| c.starts_with('_')) {
            continue;
        }
        if crate::is_page_path(&rel) {
            match sources::read_text(&mut sources, display, path) {
                Ok(id) => match page_url_key(&rel, &sources.get(id).text) {
                    Ok(url) => pages.push(PageSource { file: id, url, rel }),
                    Err(bad) => diags.push(bad.diagnostic(id)),
                },
                Err(d) => diags.push(d),
            }
        } else {
            statics::add(&mut sources, diags, &mut statics, display, rel, path);
        }
    }
    pages.sort_by(|a, b| a.url.cmp(&b.url));
    for w in pages.windows(2) {
        if w[0].url == w[1].url {
            diags.push(
                Diagnostic::error(
                    Span::new(w[1].file, 0, 0),
                    format!(
                        "`{}` and `{}` both make the page /{}",
                        w[0].rel, w[1].rel, w[1].url
                    ),
                )
                .with_label("")
                .with_hint("rename one of them"),
            );
        }
    }

    let theme = match Theme::load(site, opts.embedded, config.minify) {
        Ok(t) => t,
        Err(msg) => {
            diags.push(Diagnostic::global(msg));
            return Err(sources);
        }
    };
    statics::refuse_generated_names(&mut sources, diags, &statics, &pages, &theme);
    let values = read_data(&config, &mut sources, diags, &data_files);
    let mut loaded = Site {
        config,
        sources,
        pages,
        statics,
        content_dir: content.clone(),
        includes,
        theme,
        links: links::LinkMap::default(),
        values,
    };
    loaded.links = links::LinkMap::new(&loaded);
    Ok(loaded)
}

fn symlink_target(content: &Path, path: &Path) -> std::io::Result<bool> {
    let target = path.canonicalize()?;
    Ok(target.starts_with(content.canonicalize()?))
}

/// The `site` object: the config's variables, then every data file under `content/_data/`
/// (`.yml`, `.yaml`, `.json`) as `site.data.<folders>.<name>`.
fn read_data(
    config: &Config,
    sources: &mut Sources,
    diags: &mut Vec<Diagnostic>,
    files: &[(String, std::path::PathBuf, std::path::PathBuf)],
) -> portolan_dialect::SiteValues {
    let mut values = config.site_values();
    for (display, disk, rel) in files {
        let name = rel.to_string_lossy().replace('\\', "/");
        let (stem, json) = if let Some(s) = name.strip_suffix(".json") {
            (s, true)
        } else if let Some(s) = name
            .strip_suffix(".yml")
            .or_else(|| name.strip_suffix(".yaml"))
        {
            (s, false)
        } else {
            continue;
        };
        let path: Vec<String> = stem.split('/').map(str::to_string).collect();
        match sources::read_text(sources, display.clone(), disk) {
            Ok(id) => {
                let text = sources.get(id).text.clone();
                if let Err(d) = values.insert_data_file(&path, id, &text, json) {
                    diags.push(d);
                }
            }
            Err(d) => diags.push(d),
        }
    }
    values
}

/// A page's `permalink:` as written, and the byte range of its value in `text` (a
/// top-level key of its frontmatter, read without parsing the YAML: the URL is needed
/// before any page is rendered).
pub(crate) fn permalink_of(text: &str) -> Option<(String, std::ops::Range<usize>)> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let rest = text[bom..]
        .strip_prefix("---")?
        .trim_start_matches([' ', '\t', '\r'])
        .strip_prefix('\n')?;
    let mut at = text.len() - rest.len();
    for line in rest.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let line = line.trim_end();
        if line == "---" || line == "..." {
            return None;
        }
        if let Some(v) = line.strip_prefix("permalink:") {
            let lead = v.len() - v.trim_start().len();
            let value = v.trim();
            let from = start + "permalink:".len() + lead;
            let unquoted = value.trim_matches(['"', '\'']).trim();
            return Some((unquoted.to_string(), from..from + value.len()));
        }
    }
    None
}

/// A path for messages: relative to `base`, `/`-separated.
pub(crate) fn display_rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Include files, read up front so that rendering can resolve them from many threads.
#[derive(Debug, Default)]
pub struct Includes {
    pub(crate) by_path: HashMap<String, (FileId, Arc<str>)>,
}

impl IncludeResolver for Includes {
    fn resolve(&self, path: &str) -> Result<Included, IncludeError> {
        match self.by_path.get(path) {
            Some((file, text)) => Ok(Included {
                file: *file,
                text: text.clone(),
            }),
            None => {
                let known: Vec<&str> = self.by_path.keys().map(String::as_str).collect();
                Err(IncludeError {
                    message: format!("include `{path}` not found in {CONTENT_DIR}/{INCLUDES_DIR}/"),
                    hint: Some(
                        match portolan_dialect::diag::did_you_mean(path, known.iter().copied()) {
                            Some(s) => format!("did you mean `/{s}`?"),
                            None => format!(
                                "create {CONTENT_DIR}/{INCLUDES_DIR}/{path}, or fix the path"
                            ),
                        },
                    ),
                })
            }
        }
    }
}

//! Reading a site folder: `portolan.yaml`, `content/` (pages, includes, other files) and
//! the theme, into a [`Site`]. Every problem is collected, not just the first.

use std::path::Path;
use std::sync::Arc;

use portolan_dialect::{Diagnostic, FileId, Span};
use walkdir::WalkDir;

use crate::config::{self, Config};
use crate::content::{PageKind, PageSource};
use crate::content::{CONTENT_DIR, DATA_DIR, INCLUDES_DIR};
use crate::includes::Includes;
use crate::page_url::page_url_key;
use crate::site::{Options, Site};
use crate::sources::{self, Sources};
use crate::structure::{SourceKind, Structure};
use crate::theme::Theme;
use crate::{links, statics};

/// How deep folders may nest in content/ (walking deeper holds a file descriptor and a
/// path per level).
const MAX_FOLDER_DEPTH: usize = 32;

/// Reads the site folder. Errors are collected, not returned at the first one. When the
/// site cannot be read at all (no `content/`, no theme), the error holds the files read so
/// far, which the diagnostics point into.
pub fn load(opts: &Options, diags: &mut Vec<Diagnostic>) -> Result<Site, Sources> {
    load_with(opts, diags, PageTexts::Keep)
}

/// What loading does with a page's text once it has the page's URL.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum PageTexts {
    /// Kept: a session renders pages again and again.
    Keep,
    /// Let go, read again when asked for ([`Sources::release`]): a streaming build reads
    /// each page twice more, and every text held from load to render was 600 MB at
    /// 100,000 pages.
    Release,
}

/// [`load`], with page texts kept or let go.
pub(crate) fn load_with(
    opts: &Options,
    diags: &mut Vec<Diagnostic>,
    texts: PageTexts,
) -> Result<Site, Sources> {
    let site = &opts.site_dir;
    let mut sources = Sources::default();

    let config_path = site.join(config::CONFIG_FILE);
    let mut config = if config_path.exists() {
        match sources::read_text(&mut sources, config::CONFIG_FILE.to_string(), &config_path) {
            Ok(id) => {
                match Config::parse_with_preset(id, &sources.get(id).text(), opts.preset.as_deref())
                {
                    Ok(c) => c,
                    Err(ds) => {
                        diags.extend(ds);
                        Config::default()
                    }
                }
            }
            Err(d) => {
                diags.push(d);
                Config::default()
            }
        }
    } else {
        if let Some(p) = &opts.preset {
            diags.push(
                Diagnostic::global(format!(
                    "preset `{p}` builds on the site's {}, and {} has none",
                    config::CONFIG_FILE,
                    site.display()
                ))
                .with_hint("write one with a `title:`"),
            );
        }
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
    let structure = config.structure();
    let mut redirects = None;

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
                    includes.by_path.insert(key, (id, sources.get(id).text()));
                }
                Err(d) => diags.push(d),
            }
            continue;
        }
        if let Ok(data_rel) = path.strip_prefix(&data_root) {
            data_files.push((display, path.to_path_buf(), data_rel.to_path_buf()));
            continue;
        }
        match structure.classify(&rel) {
            SourceKind::Markdown { .. } | SourceKind::Landing | SourceKind::Index => {
                match sources::read_text(&mut sources, display, path) {
                    Ok(id) => {
                        match page_source(&structure, &config, id, rel, &sources.get(id).text()) {
                            Ok(Some(page)) => pages.push(page),
                            Ok(None) => {}
                            Err(d) => diags.push(d),
                        }
                        if texts == PageTexts::Release {
                            sources.release(id);
                        }
                    }
                    Err(d) => diags.push(d),
                }
            }
            SourceKind::Redirects => match sources::read_text(&mut sources, display, path) {
                Ok(id) => redirects = Some(id),
                Err(d) => diags.push(d),
            },
            SourceKind::Other if rel.split('/').any(|c| c.starts_with('_')) => {}
            SourceKind::Other => {
                statics::add(&mut sources, diags, &mut statics, display, rel, path);
            }
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
    names_from_data(&mut config, &values);
    let redirect_rules = redirects
        .map(|id| crate::redirects::parse(id, &sources.get(id).text(), diags))
        .unwrap_or_default();
    let config_api_specs = config.api_specs.clone();
    let mut loaded = Site {
        config,
        structure,
        redirects,
        redirect_rules,
        sources,
        pages,
        statics,
        content_dir: content.clone(),
        includes,
        theme,
        links: links::LinkMap::default(),
        values,
        directory: Default::default(),
        generated: Vec::new(),
        api_specs: crate::api_specs::ApiSpecs::new(
            config_api_specs.map(|folder| site.join(folder)),
        ),
    };
    loaded.generated = crate::generated::plan(&loaded.config, &loaded.structure, &loaded.pages);
    loaded.links = links::LinkMap::new(
        &loaded.config,
        &loaded.pages,
        &loaded.generated,
        &loaded.redirect_rules,
        &loaded.statics,
        &loaded.theme,
    );
    Ok(loaded)
}

/// The page file `rel` (text `text`) makes, with its URL; `None` when it says
/// `published: false`.
pub(crate) fn page_source(
    structure: &Structure,
    config: &Config,
    file: FileId,
    rel: String,
    text: &str,
) -> Result<Option<PageSource>, Diagnostic> {
    let (kind, collection) = match structure.classify(&rel) {
        SourceKind::Landing => (PageKind::Landing, None),
        SourceKind::Index => (PageKind::Index, None),
        SourceKind::Markdown { collection } => (PageKind::Markdown, collection),
        _ => return Ok(None),
    };
    let url = match (kind, collection) {
        (PageKind::Landing, _) => {
            crate::landing_source::url(structure, &rel, text).map_err(|bad| bad.diagnostic(file))?
        }
        (PageKind::Index, _) => structure.index_url(&rel),
        (_, Some(c)) if crate::page_url::permalink_of(text).is_none() => {
            structure.collection_url(c, &rel).map_err(|bad| {
                Diagnostic::error(
                    Span::new(file, 0, 0),
                    format!(
                        "collection `{}`: {}",
                        structure.collections[c].name, bad.message
                    ),
                )
                .with_label("")
                .with_hint(
                    "the collection's `permalink:` in portolan.yaml names a page outside the site",
                )
            })?
        }
        _ => page_url_key(&rel, text).map_err(|bad| bad.diagnostic(file))?,
    };
    if kind == PageKind::Markdown && crate::page_url::is_unpublished(text) {
        return Ok(None);
    }
    Ok(Some(PageSource {
        file,
        url,
        rel,
        kind,
        collection,
        defaults: collection.and_then(|c| config.collections[c].defaults.clone()),
    }))
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
                let text = sources.get(id).text();
                if let Err(d) = values.insert_data_file(&path, id, &text, json) {
                    diags.push(d);
                }
            }
            Err(d) => diags.push(d),
        }
    }
    values
}

/// The display names `names_from_data` points at (`products` → each
/// `site.data.products.ID.name`), added to the labels portolan.yaml does not set.
fn names_from_data(config: &mut Config, values: &portolan_dialect::SiteValues) {
    for source in config.names_from_data.clone() {
        let serde_json::Value::Object(entries) = values.get_json(&format!("data.{source}")) else {
            continue;
        };
        for (id, entry) in entries {
            if let Some(name) = entry.get("name").and_then(serde_json::Value::as_str) {
                config.labels.entry(id).or_insert_with(|| name.to_string());
            }
        }
    }
}

/// A path for messages: relative to `base`, `/`-separated.
pub(crate) fn display_rel(base: &Path, p: &Path) -> String {
    p.strip_prefix(base)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

//! The build as a long-lived, incremental session.
//!
//! A full build is a [`Session::new`]; `portolan serve` keeps the session and feeds it the
//! paths that changed ([`Session::update`]). A page's dialect output is cached; an edit
//! re-renders that page, an include edit re-renders the pages that include it, and when
//! anything that other pages show changes (titles, order, URLs) every page is re-templated.
//! Config, theme and bundle changes (and anything unusual) reload everything. The result
//! is, by construction and by test, the same as a fresh build.

use std::collections::{BTreeMap, HashSet};
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use portolan_dialect::{Diagnostic, FileId, RenderedPage};
use rayon::prelude::*;

use crate::check::{CheckOptions, CheckReport};
use crate::content::PageSource;
use crate::content::{CONTENT_DIR, INCLUDES_DIR};
use crate::extras::{asset_files, is_mermaid_asset, site_files, sitemap_files};
use crate::index::SiteIndex;
use crate::load::display_rel;
use crate::nav::PageEntry;
use crate::output::OutFile;
use crate::progress::{record_time, Ticker};
use crate::site::{Options, Site};
use crate::sources::{self, Sources};
use crate::templates::Templates;
use crate::{calculator, load, page};

/// What an update did.
#[derive(Debug, Clone, Default)]
pub struct RebuildStats {
    /// Pages whose markdown was rendered again.
    pub rendered: usize,
    /// Pages whose template was rendered again.
    pub templated: usize,
    /// Whether everything was reloaded.
    pub full: bool,
    /// Wall time.
    pub elapsed: Duration,
}

struct PageState {
    /// Its frontmatter, read as the build reads it first (`None` when it has errors).
    front: Option<portolan_dialect::FrontMatter>,
    rendered: Option<RenderedPage>,
    diags: Vec<Diagnostic>,
    search: Option<Arc<crate::search::SearchDoc>>,
}

/// A site in memory, kept up to date.
pub struct Session {
    opts: Options,
    loaded: Option<Site>,
    /// When the site could not be read: the files read before it failed, which its
    /// diagnostics point into.
    unreadable: Sources,
    states: Vec<PageState>,
    load_diags: Vec<Diagnostic>,
    index_diags: Vec<Diagnostic>,
    template_diags: Vec<Option<Diagnostic>>,
    templates: Option<Templates>,
    nav_key: u64,
    outputs: BTreeMap<String, OutFile>,
    /// The search index is older than the pages (see [`Session::refresh_search`]).
    search_stale: bool,
    /// The index as last refreshed, kept so an edit rewrites only its part of it.
    search_index: Option<crate::search::LiveIndex>,
    /// What pages show of each other, kept while no title, order or URL changes.
    index: Option<SiteIndex>,
    /// Diagrams drawn so far, kept for the session: an edit redraws only what it changed.
    diagrams: crate::diagrams::SiteDiagrams,
    /// Code highlighted so far (and by the last build).
    highlighter: crate::highlight_cache::HighlightCache,
    /// A page's card changed since the generated pages were rendered.
    cards_changed: bool,
    /// The generated pages written, and what rendering them reported.
    generated_keys: Vec<String>,
    generated_diags: Vec<Diagnostic>,
    /// The redirects' files written.
    redirect_paths: Vec<String>,
}

impl Session {
    /// Loads and renders the whole site.
    pub fn new(opts: Options) -> Session {
        // Caches are read, never written: a session writes nothing to disk.
        let diagrams = crate::diagrams::SiteDiagrams::reading(opts.cache_dir().as_deref());
        let highlighter = crate::highlight_cache::HighlightCache::load(opts.cache_dir().as_deref());
        let mut s = Session {
            opts,
            diagrams,
            highlighter,
            loaded: None,
            unreadable: Sources::default(),
            states: Vec::new(),
            load_diags: Vec::new(),
            index_diags: Vec::new(),
            template_diags: Vec::new(),
            templates: None,
            nav_key: 0,
            outputs: BTreeMap::new(),
            search_stale: true,
            search_index: None,
            index: None,
            cards_changed: true,
            generated_keys: Vec::new(),
            generated_diags: Vec::new(),
            redirect_paths: Vec::new(),
        };
        s.reload();
        s.refresh_search();
        s
    }

    /// Rebuilds the search index from every page's cached search document. Separate from
    /// [`Session::update`] because it reads every page: `serve` publishes a rebuilt page
    /// first and the index right after.
    pub fn refresh_search(&mut self) -> Duration {
        let started = Instant::now();
        if !self.search_stale {
            return started.elapsed();
        }
        self.search_stale = false;
        if self.loaded.is_none() {
            self.outputs.retain(|k, _| !k.starts_with("search/"));
            self.search_index = None;
            return started.elapsed();
        }
        let docs: Vec<Arc<crate::search::SearchDoc>> = self
            .states
            .iter()
            .filter_map(|s| s.search.clone())
            .collect();
        // The same pages as before: only the shards and chunks of what changed.
        if let Some(changes) = self
            .search_index
            .as_mut()
            .and_then(|ix| ix.update(docs.clone()))
        {
            for path in changes.removed {
                self.outputs.remove(&path);
            }
            for (path, bytes) in changes.written {
                self.outputs.insert(path, OutFile::Bytes(bytes.into()));
            }
            return started.elapsed();
        }
        self.outputs.retain(|k, _| !k.starts_with("search/"));
        let (index, files) = crate::search::LiveIndex::new(docs);
        for (path, bytes) in files {
            self.outputs.insert(path, OutFile::Bytes(bytes.into()));
        }
        self.search_index = Some(index);
        started.elapsed()
    }

    /// Records how long a phase took (for `--verbose`).
    pub fn time(&self, phase: &'static str, d: Duration) {
        record_time(&self.opts, phase, d);
    }

    fn reload(&mut self) {
        self.load_diags.clear();
        self.outputs.clear();
        // Its files went with the outputs: the next refresh writes a whole index.
        self.search_index = None;
        self.generated_keys.clear();
        self.redirect_paths.clear();
        self.cards_changed = true;
        let t = Instant::now();
        (self.loaded, self.unreadable) = match load(&self.opts, &mut self.load_diags) {
            Ok(site) => (Some(site), Sources::default()),
            Err(sources) => (None, sources),
        };
        self.time("load", t.elapsed());
        self.states.clear();
        self.templates = None;
        self.index = None;
        let Some(loaded) = &self.loaded else { return };
        match Templates::new(loaded) {
            Ok(t) => self.templates = Some(t),
            Err(msg) => self.load_diags.push(Diagnostic::global(msg)),
        }
        let n = loaded.pages.len();
        let all: Vec<usize> = (0..n).collect();
        self.states = (0..n)
            .map(|_| PageState {
                front: None,
                rendered: None,
                diags: Vec::new(),
                search: None,
            })
            .collect();
        self.template_diags = vec![None; n];
        let t = Instant::now();
        self.render_markdown(&all, true);
        self.time("markdown", t.elapsed());
        let t = Instant::now();
        self.finish(&all, true);
        self.time("templates", t.elapsed());
        if let (Some(loaded), Some(templates)) = (&self.loaded, &self.templates) {
            let (files, d) = site_files(loaded, templates, self.diagrams.any_for_browser());
            self.outputs.extend(files);
            self.load_diags.extend(d);
        }
    }

    /// Renders pages `which`: their frontmatter first, then (their cards updated, every
    /// card with `all_cards`, as a build has them before it renders) each page. When a
    /// card changed, the pages whose components list pages are rendered again too.
    /// Returns every page rendered.
    fn render_markdown(&mut self, which: &[usize], all_cards: bool) -> Vec<usize> {
        let (Some(loaded), Some(templates)) = (&self.loaded, &self.templates) else {
            return Vec::new();
        };
        let ctx = templates.dialect_context(loaded, &self.diagrams, &self.highlighter);
        let read_fronts = |which: &[usize]| -> Vec<(
            usize,
            Option<portolan_dialect::FrontMatter>,
            Vec<Diagnostic>,
        )> {
            which
                .par_iter()
                .map(|&i| {
                    let (f, d) = crate::dialect_pass::frontmatter(ctx, loaded, &loaded.pages[i]);
                    (i, f, d)
                })
                .collect()
        };
        let mut front_diags: BTreeMap<usize, Vec<Diagnostic>> = BTreeMap::new();
        for (i, f, d) in read_fronts(which) {
            self.states[i].front = f;
            front_diags.insert(i, d);
        }
        // Every card anew after a load or when pages came or went; else only the pages
        // read again (a page whose frontmatter no longer reads has no card, as in a build).
        let changed = if all_cards {
            let known: Vec<(&PageSource, &portolan_dialect::FrontMatter)> = loaded
                .pages
                .iter()
                .zip(&self.states)
                .filter_map(|(p, s)| s.front.as_ref().map(|f| (p, f)))
                .collect();
            loaded.directory.set(crate::directory::cards(
                &loaded.config,
                &loaded.structure,
                &loaded.links,
                &known,
            ))
        } else {
            let mut changed = false;
            let mut known = Vec::new();
            for &i in which {
                match &self.states[i].front {
                    Some(f) => known.push((&loaded.pages[i], f)),
                    None => changed |= loaded.directory.remove(&loaded.pages[i].url),
                }
            }
            let cards =
                crate::directory::cards(&loaded.config, &loaded.structure, &loaded.links, &known);
            loaded.directory.update(cards) || changed
        };
        let mut which = which.to_vec();
        if changed {
            self.cards_changed = true;
            // Pages whose components list other pages show the cards: rendered again.
            let listed: Vec<usize> = self
                .states
                .iter()
                .enumerate()
                .filter(|(i, s)| {
                    !front_diags.contains_key(i)
                        && s.rendered
                            .as_ref()
                            .is_some_and(|r| templates.components().read_pages(&r.components))
                })
                .map(|(i, _)| i)
                .collect();
            for (i, f, d) in read_fronts(&listed) {
                self.states[i].front = f;
                front_diags.insert(i, d);
            }
            which.extend(listed);
            which.sort_unstable();
        }
        let progress = Ticker::new(&self.opts, "Rendering markdown", which.len());
        let states = &self.states;
        let results: Vec<(usize, Option<RenderedPage>, Vec<Diagnostic>)> = which
            .par_iter()
            .map(|&i| {
                let p = &loaded.pages[i];
                let (r, d, _) =
                    crate::dialect_pass::render(ctx, loaded, p, states[i].front.as_ref().into());
                progress.tick();
                (i, r, d)
            })
            .collect();
        let base = &loaded.config.base_url;
        for (i, rendered, diags) in results {
            let search = rendered.as_ref().and_then(|r| {
                crate::search::doc_for(&loaded.links, base, &loaded.pages[i].url, r, |id| {
                    loaded.config.label(id)
                })
                .map(Arc::new)
            });
            let mut all = front_diags.remove(&i).unwrap_or_default();
            all.extend(diags);
            let state = &mut self.states[i];
            state.rendered = rendered;
            state.diags = all;
            state.search = search;
        }
        self.search_stale = true;
        // An edit that leaves a diagram to the browser publishes mermaid.js, as a build
        // would (a build without one does not carry it).
        if self.diagrams.any_for_browser() {
            let outputs = &self.outputs;
            let missing: Vec<(String, OutFile)> = asset_files(loaded, |rel| {
                is_mermaid_asset(rel) && !outputs.contains_key(&format!("assets/{rel}"))
            })
            .collect();
            self.outputs.extend(missing);
        }
        which
    }

    /// Recomputes the site index and re-templates `dirty` pages (all pages when anything
    /// that pages show of each other changed, or `force`).
    fn finish(&mut self, dirty: &[usize], force: bool) {
        let (Some(loaded), Some(templates)) = (&self.loaded, &self.templates) else {
            return;
        };
        let rendered: Vec<(&PageSource, &RenderedPage)> = loaded
            .pages
            .iter()
            .zip(&self.states)
            .filter_map(|(p, s)| s.rendered.as_ref().map(|r| (p, r)))
            .collect();
        let fronts: Vec<(&PageSource, &portolan_dialect::FrontMatter)> =
            rendered.iter().map(|(p, r)| (*p, &r.front)).collect();
        let key = nav_key(&fronts);
        // A card changed (a series, a description): pages show each other's cards too.
        let all = force || key != self.nav_key || self.index.is_none() || self.cards_changed;
        self.nav_key = key;
        if all {
            // Titles, order, URLs or breadcrumbs changed: what pages show of each other.
            self.index_diags.clear();
            let entries: Vec<PageEntry> = fronts
                .iter()
                .map(|(p, f)| PageEntry::of(p.file, f))
                .collect();
            let entries: Vec<(&PageSource, &PageEntry)> =
                fronts.iter().map(|(p, _)| *p).zip(&entries).collect();
            self.index = Some(SiteIndex::new(
                loaded,
                &entries,
                &Default::default(),
                &mut self.index_diags,
            ));
            let pages: Vec<&PageSource> = rendered.iter().map(|(p, _)| *p).collect();
            self.outputs.extend(sitemap_files(loaded, &pages));
        }
        let Some(index) = &self.index else { return };
        let targets: Vec<usize> = if all {
            (0..loaded.pages.len()).collect()
        } else {
            dirty.to_vec()
        };
        let progress = Ticker::new(&self.opts, "Rendering templates", targets.len());
        let results: Vec<(usize, Option<Result<page::PageOutput, Diagnostic>>)> = targets
            .par_iter()
            .map(|&i| {
                let out = self.states[i].rendered.as_ref().map(|r| {
                    let src = &loaded.pages[i];
                    // A session holds every text: this is no reading.
                    let text = loaded.sources.get(src.file).text();
                    page::render(loaded, index, templates, src, r, &text)
                });
                progress.tick();
                (i, out)
            })
            .collect();
        self.template_diags.resize(loaded.pages.len(), None);
        for (i, result) in results {
            self.template_diags[i] = None;
            let url = &loaded.pages[i].url;
            match result {
                Some(Ok(o)) => {
                    self.outputs
                        .insert(o.html_path, OutFile::Bytes(o.html.into_bytes().into()));
                    self.outputs
                        .insert(o.json_path, OutFile::Bytes(o.json.into_bytes().into()));
                }
                Some(Err(d)) => {
                    self.template_diags[i] = Some(d);
                    remove_page_output(&mut self.outputs, url);
                }
                None => remove_page_output(&mut self.outputs, url),
            }
        }
        if all || self.cards_changed {
            // What the generated pages list: every card, and where the nav goes.
            self.cards_changed = false;
            // A folder page that a page of its own has replaced keeps that page's output.
            let pages: HashSet<&str> = loaded.pages.iter().map(|p| p.url.as_str()).collect();
            for key in std::mem::take(&mut self.generated_keys) {
                if !pages.contains(key.as_str()) {
                    remove_page_output(&mut self.outputs, &key);
                }
            }
            let (files, diags) = crate::hub_pages::render(loaded, index, templates);
            self.generated_diags = diags;
            self.generated_keys = loaded.generated.iter().map(|g| g.key.clone()).collect();
            self.outputs.extend(files);
            // Where redirects go follows the pages the site has.
            for path in std::mem::take(&mut self.redirect_paths) {
                let key = path.strip_suffix("index.html").unwrap_or(&path);
                if !pages.contains(key) {
                    self.outputs.remove(&path);
                }
            }
            let files = crate::extras::redirect_files(loaded);
            self.redirect_paths = files.iter().map(|(p, _)| p.clone()).collect();
            self.outputs.extend(files);
        }
    }

    /// Applies changed paths (created, modified or deleted files under the site folder).
    pub fn update(&mut self, changed: &[PathBuf]) -> RebuildStats {
        let started = Instant::now();
        let mut stats = RebuildStats::default();
        match self.plan(changed) {
            Some(plan) => {
                let (rendered, templated) = self.apply(plan);
                stats.rendered = rendered;
                stats.templated = templated;
            }
            None => {
                self.reload();
                self.search_stale = true;
                stats.full = true;
                stats.rendered = self.states.len();
                stats.templated = self.states.len();
            }
        }
        stats.elapsed = started.elapsed();
        stats
    }

    /// Sorts changes into page and include edits; `None` when only a reload will do.
    fn plan(&self, changed: &[PathBuf]) -> Option<Vec<Change>> {
        let reported = self.files_the_load_reported()?;
        let content = self.opts.site_dir.join(CONTENT_DIR);
        let includes = content.join(INCLUDES_DIR);
        let mut plan = Vec::new();
        let abs_site = std::path::absolute(&self.opts.site_dir).ok()?;
        for path in changed {
            // Compare absolute paths, then name the file the way load() does.
            let rel_site = std::path::absolute(path)
                .ok()?
                .strip_prefix(&abs_site)
                .ok()?
                .to_path_buf();
            let path = &self.opts.site_dir.join(&rel_site);
            if reported.contains(&rel_site.to_string_lossy().replace('\\', "/")) {
                return None; // an edit may mend what the load reported: only a load sees it
            }
            if !rel_site.starts_with(CONTENT_DIR) {
                if rel_site
                    .components()
                    .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
                {
                    continue; // editor swap files and the like
                }
                let first = rel_site
                    .components()
                    .next()?
                    .as_os_str()
                    .to_string_lossy()
                    .into_owned();
                if first == "public" || Some(path.as_path()) == self.opts.out_dir.as_deref() {
                    continue;
                }
                return None; // config, theme, www
            }
            let name = path.file_name()?.to_string_lossy().into_owned();
            if name.starts_with('.') || name.ends_with('~') {
                continue;
            }
            if path.is_dir() || path.is_symlink() {
                return None;
            }
            let exists = path.is_file();
            if let Ok(inc) = path.strip_prefix(&includes) {
                if !name.ends_with(".md") {
                    return None;
                }
                plan.push(Change::Include {
                    key: inc.to_string_lossy().replace('\\', "/"),
                    path: path.clone(),
                    exists,
                });
                continue;
            }
            let rel = path
                .strip_prefix(&content)
                .ok()?
                .to_string_lossy()
                .replace('\\', "/");
            let structure = &self.loaded.as_ref()?.structure;
            if !matches!(
                structure.classify(&rel),
                crate::structure::SourceKind::Markdown { .. }
                    | crate::structure::SourceKind::Landing
            ) {
                return None; // static files, data, redirects and other folders: reload
            }
            plan.push(Change::Page {
                rel,
                path: path.clone(),
                exists,
            });
        }
        Some(plan)
    }

    /// The files (site-relative paths) the last load reported problems in, when an edit
    /// elsewhere can leave those reports as they are: each is about a file that is not a
    /// page (a static file that can run script, say), which no page or include edit
    /// changes. `None` when only a reload will do: nothing is loaded, or a report belongs to
    /// no file or to a page (two pages claiming one URL are mended by editing either).
    fn files_the_load_reported(&self) -> Option<HashSet<String>> {
        let loaded = self.loaded.as_ref()?;
        let mut files = HashSet::new();
        for d in &self.load_diags {
            let spans = d.span.iter().chain(d.related.iter().map(|(s, _)| s));
            let mut any = false;
            for span in spans {
                if loaded.pages.iter().any(|p| p.file == span.file) {
                    return None;
                }
                files.insert(loaded.sources.get(span.file).path.clone());
                any = true;
            }
            if !any {
                return None;
            }
        }
        Some(files)
    }

    fn apply(&mut self, plan: Vec<Change>) -> (usize, usize) {
        let Some(loaded) = self.loaded.as_mut() else {
            return (0, 0);
        };
        let site_dir = self.opts.site_dir.clone();
        let mut dirty: HashSet<usize> = HashSet::new();
        let mut changed_includes: HashSet<FileId> = HashSet::new();
        let mut include_set_changed = false;
        let mut removed_urls = Vec::new();
        let mut page_set_changed = false;
        // Set when a change is one only a full load can report (a file that cannot be read,
        // two files claiming one URL).
        let mut needs_reload = false;
        for change in plan {
            match change {
                Change::Include { key, path, exists } => {
                    if exists {
                        match read(&path) {
                            Some(text) => {
                                match loaded.includes.by_path.get(&key).map(|(id, _)| *id) {
                                    Some(id) => {
                                        loaded.sources.replace(id, text.clone());
                                        loaded.includes.by_path.insert(key, (id, text));
                                        changed_includes.insert(id);
                                    }
                                    None => {
                                        let id = loaded.sources.add(
                                            display_rel(&site_dir, &path),
                                            path.clone(),
                                            text.clone(),
                                        );
                                        loaded.includes.by_path.insert(key, (id, text));
                                        include_set_changed = true;
                                    }
                                }
                            }
                            None => needs_reload = true,
                        }
                    } else if let Some((id, _)) = loaded.includes.by_path.remove(&key) {
                        changed_includes.insert(id);
                    }
                }
                Change::Page { rel, path, exists } => {
                    let pos = loaded.pages.iter().position(|p| p.rel == rel);
                    if exists {
                        let Some(text) = read(&path) else {
                            needs_reload = true;
                            continue;
                        };
                        // The URL comes from the file's name or its `permalink`; a page
                        // that stops being published is gone.
                        let source = load::page_source(
                            &loaded.structure,
                            &loaded.config,
                            pos.map_or(0, |i| loaded.pages[i].file),
                            rel.clone(),
                            &text,
                        );
                        let Ok(source) = source else {
                            // A permalink that cannot name a page: the full load reports it.
                            needs_reload = true;
                            continue;
                        };
                        let Some(source) = source else {
                            needs_reload = true;
                            continue;
                        };
                        let url = source.url.clone();
                        let taken = loaded.pages.iter().any(|p| p.url == url && p.rel != rel);
                        match pos {
                            Some(i) if loaded.pages[i].url == url => {
                                loaded.sources.replace(loaded.pages[i].file, text);
                                dirty.insert(i);
                            }
                            // A new permalink, or two files now claiming one URL: a full
                            // load re-sorts the pages and reports a clash.
                            Some(_) => needs_reload = true,
                            None if taken => needs_reload = true,
                            None => {
                                let file = loaded.sources.add(
                                    display_rel(&site_dir, &path),
                                    path.clone(),
                                    text,
                                );
                                let at = loaded.pages.partition_point(|p| p.url < url);
                                loaded.pages.insert(at, PageSource { file, ..source });
                                page_set_changed = true;
                                self.states.insert(
                                    at,
                                    PageState {
                                        front: None,
                                        rendered: None,
                                        diags: Vec::new(),
                                        search: None,
                                    },
                                );
                                self.template_diags.insert(at, None);
                                dirty = dirty
                                    .into_iter()
                                    .map(|d| if d >= at { d + 1 } else { d })
                                    .collect();
                                dirty.insert(at);
                            }
                        }
                    } else if let Some(i) = pos {
                        let url = loaded.pages[i].url.clone();
                        loaded.pages.remove(i);
                        self.states.remove(i);
                        self.template_diags.remove(i);
                        dirty = dirty
                            .into_iter()
                            .filter(|&d| d != i)
                            .map(|d| if d > i { d - 1 } else { d })
                            .collect();
                        removed_urls.push(url);
                        page_set_changed = true;
                        self.search_stale = true;
                    }
                }
            }
        }
        if needs_reload {
            self.reload();
            return (self.states.len(), self.states.len());
        }
        if page_set_changed {
            // Links elsewhere may now point at (or away from) these pages; the templates'
            // `link` filter holds the map too.
            loaded.generated =
                crate::generated::plan(&loaded.config, &loaded.structure, &loaded.pages);
            loaded.links = crate::links::LinkMap::new(
                &loaded.config,
                &loaded.pages,
                &loaded.generated,
                &loaded.redirect_rules,
                &loaded.statics,
                &loaded.theme,
            );
            match Templates::new(loaded) {
                Ok(t) => self.templates = Some(t),
                Err(_) => {
                    self.reload();
                    return (self.states.len(), self.states.len());
                }
            }
            dirty.extend(0..self.states.len());
        }
        for (i, s) in self.states.iter().enumerate() {
            let Some(r) = &s.rendered else {
                dirty.insert(i);
                continue;
            };
            let depends = r.includes.iter().any(|f| changed_includes.contains(f));
            let had_errors = s.diags.iter().any(Diagnostic::is_error);
            if depends || (include_set_changed && had_errors) {
                dirty.insert(i);
            }
        }
        for url in removed_urls {
            remove_page_output(&mut self.outputs, &url);
        }
        let mut dirty: Vec<usize> = dirty.into_iter().collect();
        dirty.sort_unstable();
        let dirty = self.render_markdown(&dirty, page_set_changed);
        let before = self.nav_key;
        // A page added or removed changes where breadcrumbs and links go (here or
        // upstream) even when no rendered page's title did.
        self.finish(&dirty, page_set_changed);
        let templated = if page_set_changed || self.nav_key != before {
            self.states.len()
        } else {
            dirty.len()
        };
        (dirty.len(), templated)
    }

    /// Every diagnostic of the current state, errors and warnings.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all = self.load_diags.clone();
        for s in &self.states {
            all.extend(s.diags.iter().cloned());
        }
        all.extend(self.index_diags.iter().cloned());
        all.extend(self.template_diags.iter().flatten().cloned());
        all.extend(self.generated_diags.iter().cloned());
        all
    }

    /// True when the current state has errors.
    pub fn has_errors(&self) -> bool {
        self.diagnostics().iter().any(Diagnostic::is_error) || self.loaded.is_none()
    }

    /// The source files, for rendering diagnostics.
    pub fn sources(&self) -> Sources {
        match &self.loaded {
            Some(site) => site.sources.clone(),
            None => self.unreadable.clone(),
        }
    }

    /// The output files by path.
    pub fn outputs(&self) -> &BTreeMap<String, OutFile> {
        &self.outputs
    }

    /// Number of pages.
    pub fn page_count(&self) -> usize {
        self.loaded.as_ref().map_or(0, |l| l.pages.len())
    }

    /// The calculator spec of every page that places the calculator: (URL, spec or error).
    pub fn calculator_specs(
        &self,
    ) -> Vec<(
        String,
        Result<portolan_endpoints::CalculatorSpec, Diagnostic>,
    )> {
        let Some(loaded) = &self.loaded else {
            return Vec::new();
        };
        loaded
            .pages
            .iter()
            .zip(&self.states)
            .filter_map(|(p, s)| {
                s.rendered
                    .as_ref()
                    .filter(|r| r.has_calculator)
                    .map(|r| (p, r))
            })
            .map(|(p, r)| {
                (
                    format!("{}{}", loaded.config.base_url, p.url),
                    calculator::calculator_spec(p, r),
                )
            })
            .collect()
    }

    /// Checks every link of every page (see [`crate::check`]).
    pub fn check(&self, opts: CheckOptions) -> Option<CheckReport> {
        let loaded = self.loaded.as_ref()?;
        let pages: Vec<(&PageSource, &RenderedPage)> = loaded
            .pages
            .iter()
            .zip(&self.states)
            .filter_map(|(p, s)| s.rendered.as_ref().map(|r| (p, r)))
            .collect();
        Some(crate::check::check(loaded, &pages, opts))
    }

    /// The base URL the site is built for (`/` when the config could not be read).
    pub fn base_url(&self) -> &str {
        self.loaded
            .as_ref()
            .map_or("/", |l| l.config.base_url.as_str())
    }

    /// The site's redirect rules, as `serve` answers them.
    pub fn redirects(&self) -> crate::redirects::Redirects {
        match &self.loaded {
            Some(l) => crate::redirects::Redirects::new(
                l.redirect_rules.clone(),
                l.pages
                    .iter()
                    .map(|p| p.url.clone())
                    .chain(l.generated.iter().map(|g| g.key.clone()))
                    .collect(),
                &l.config.base_url,
            ),
            None => Default::default(),
        }
    }

    /// The content folder: the only place the outputs copied from disk are read from.
    pub fn content_dir(&self) -> PathBuf {
        self.opts.site_dir.join(CONTENT_DIR)
    }

    /// The options the session was made with.
    pub fn options(&self) -> &Options {
        &self.opts
    }
}

enum Change {
    Include {
        key: String,
        path: PathBuf,
        exists: bool,
    },
    Page {
        rel: String,
        path: PathBuf,
        exists: bool,
    },
}

/// The text of a changed file, or `None` when it cannot be read as UTF-8 (a full reload
/// then reports why, with the file in the site's own table).
fn read(path: &Path) -> Option<Arc<str>> {
    let mut scratch = Sources::default();
    sources::read_text(&mut scratch, String::new(), path)
        .ok()
        .map(|id| scratch.get(id).text())
}

fn remove_page_output(outputs: &mut BTreeMap<String, OutFile>, url: &str) {
    outputs.remove(&format!("{url}index.html"));
    outputs.remove(&format!("{url}index.json"));
}

/// A hash of everything a page shows about other pages: URLs, titles, order, descriptions.
fn nav_key(pages: &[(&PageSource, &portolan_dialect::FrontMatter)]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for (p, f) in pages {
        p.url.hash(&mut h);
        f.title.hash(&mut h);
        f.short_title.hash(&mut h);
        f.description.hash(&mut h);
        f.weight.hash(&mut h);
        f.breadcrumbs.hash(&mut h);
    }
    h.finish()
}

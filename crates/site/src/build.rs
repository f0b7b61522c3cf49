//! The streaming build: every page's frontmatter first, each page keeping only what pages
//! show of each other (its card and its index entry), then each page read again,
//! rendered, templated, written to the staging folder and dropped, so memory holds the
//! file table, the cards and the index, and little else; the staging folder replaces the
//! output only when the build is complete.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use portolan_dialect::{Diagnostic, RenderedPage};
use rayon::prelude::*;

use crate::content::PageSource;
use crate::content::CONTENT_DIR;
use crate::dialect_pass::Front;
use crate::extras::{site_files, sitemap_files};
use crate::links::Target;
use crate::nav::PageEntry;
use crate::output::{self, OutFile};
use crate::progress::{record_time, Ticker};
use crate::site::{Failure, Options, Report, Site};
use crate::sources::Sources;
use crate::templates::Templates;
use crate::{index, load, page, search};

/// Builds the site: load, render, write atomically. On failure the previous output is left
/// as it was.
///
/// Unlike a [`Session`] (which keeps every page for incremental rebuilds), a build streams:
/// every page's frontmatter first (what pages show of each other), then each page is
/// read again, rendered, templated and written to the staging folder and dropped.
pub fn build(opts: &Options) -> Result<Report, Failure> {
    let started = Instant::now();
    let timer = |phase: &'static str, t: Instant| record_time(opts, phase, t.elapsed());
    let mut diags = Vec::new();
    let t = Instant::now();
    let loaded = match load::load_with(opts, &mut diags, load::PageTexts::Release) {
        Ok(site) => site,
        Err(sources) => return Err(failure(opts, &sources, diags)),
    };
    timer("load", t);
    // With --keep-going, a content file that cannot be published (one that cannot be read,
    // a static file refused) is left out like a page with errors.
    let mut files_left_out = Vec::new();
    if opts.keep_going {
        let (own, rest): (Vec<Diagnostic>, Vec<Diagnostic>) = diags
            .into_iter()
            .partition(|d| d.is_error() && is_content_file_error(&loaded, d));
        diags = rest;
        files_left_out = own;
    }
    let templates = match Templates::new(&loaded) {
        Ok(t) => t,
        Err(msg) => {
            diags.push(Diagnostic::global(msg));
            return Err(failure(opts, &loaded.sources, diags));
        }
    };
    let out = opts.out_dir();
    if let Err(msg) = check_out_dir(opts, &out) {
        diags.push(Diagnostic::global(msg));
        return Err(failure(opts, &loaded.sources, diags));
    }
    let lock = match output::OutputLock::acquire(&out) {
        Ok(l) => l,
        Err(e) => {
            diags.push(Diagnostic::global(format!(
                "cannot write {}: {e}",
                out.display()
            )));
            return Err(failure(opts, &loaded.sources, diags));
        }
    };
    let staging = match output::Staging::new(&out, &lock) {
        Ok(s) => s.compressing(loaded.config.compress),
        Err(e) => {
            diags.push(Diagnostic::global(format!(
                "cannot write {}: {e}",
                out.display()
            )));
            return Err(failure(opts, &loaded.sources, diags));
        }
    };
    let trash = output::take_out_trash(&out);

    let t = Instant::now();
    let diagrams = crate::diagrams::SiteDiagrams::new(opts.cache_dir().as_deref());
    let highlighter =
        crate::highlight_cache::HighlightCache::for_build(opts.cache_dir().as_deref());
    let ctx = templates.dialect_context(&loaded, &diagrams, &highlighter);
    // Each page's card and index entry are made as its frontmatter is read, and the
    // frontmatter let go: the page reads it again when it renders (a few per cent of
    // the CPU), where holding it for every page was 680 MB at 100,000 pages.
    let card_maker =
        crate::directory::CardMaker::new(&loaded.config, &loaded.structure, &loaded.links);
    let read: Vec<(Option<Known>, Vec<Diagnostic>)> = loaded
        .pages
        .par_iter()
        .map(|p| {
            let (front, diags) = crate::dialect_pass::frontmatter(ctx, &loaded, p);
            let known = front.map(|f| Known {
                card: card_maker.card(p, &f),
                entry: PageEntry::of(p.file, &f),
                searchable: search::searchable(&f),
            });
            (known, diags)
        })
        .collect();
    let mut cards = Vec::with_capacity(read.len());
    let mut entries: Vec<Option<PageEntry>> = Vec::with_capacity(read.len());
    // Search document ids, in page order: a page whose frontmatter says `search: false`
    // has none.
    let mut searchable = 0u32;
    let mut search_ids: Vec<Option<u32>> = Vec::with_capacity(read.len());
    for (known, d) in read {
        diags.extend(d);
        let id = known.as_ref().filter(|k| k.searchable).map(|_| searchable);
        searchable += u32::from(id.is_some());
        search_ids.push(id);
        entries.push(known.map(|k| {
            cards.push(k.card);
            k.entry
        }));
    }
    crate::directory::sort(&mut cards);
    loaded.directory.set(cards);
    timer("frontmatter", t);
    let index_of = |failed: &HashSet<usize>,
                    left_out: &HashMap<String, String>,
                    diags: &mut Vec<Diagnostic>| {
        let known: Vec<(&PageSource, &PageEntry)> = loaded
            .pages
            .iter()
            .zip(&entries)
            .enumerate()
            .filter(|(i, _)| !failed.contains(i))
            .filter_map(|(_, (p, e))| e.as_ref().map(|e| (p, e)))
            .collect();
        index::SiteIndex::new(&loaded, &known, left_out, diags)
    };
    // What a page's render knows of its frontmatter.
    let front_of = |i: usize| match entries[i] {
        Some(_) => Front::ReadBefore,
        None => Front::Unread,
    };
    let search_index = search::IndexWriter::new(searchable as usize);
    let page_ctx = PageCtx {
        site: &loaded,
        templates: &templates,
        staging: &staging,
        search: &search_index,
        write_failure: OnceLock::new(),
        not_written: AtomicUsize::new(0),
    };
    let t = Instant::now();
    let progress = Ticker::new(opts, "Building pages", loaded.pages.len());
    let (results, left_out, index) = if opts.keep_going {
        // Every page rendered first, so the pages with errors are known, and left out of
        // the nav, the index and the sitemap, before any page is written.
        let rendered: Vec<(Option<RenderedPage>, Vec<Diagnostic>, Arc<str>)> = loaded
            .pages
            .par_iter()
            .enumerate()
            .map(|(i, src)| crate::dialect_pass::render(ctx, &loaded, src, front_of(i)))
            .collect();
        let mut failed: HashSet<usize> = rendered
            .iter()
            .enumerate()
            .filter(|(i, (r, d, _))| {
                r.is_none() || entries[*i].is_none() || d.iter().any(Diagnostic::is_error)
            })
            .map(|(i, _)| i)
            .collect();
        let titles: HashMap<String, String> = failed
            .iter()
            .map(|&i| {
                let src = &loaded.pages[i];
                let title = entries[i].as_ref().map_or_else(
                    || {
                        loaded.config.label(
                            src.url
                                .trim_end_matches('/')
                                .rsplit('/')
                                .next()
                                .unwrap_or(""),
                        )
                    },
                    |e| e.nav_title.clone(),
                );
                (src.url.clone(), title)
            })
            .collect();
        let mut index_diags = Vec::new();
        let index = index_of(&failed, &titles, &mut index_diags);
        // A breadcrumb to no page at all still fails its page.
        for d in index_diags.iter().filter(|d| d.is_error()) {
            if let Some(i) = d
                .span
                .and_then(|s| loaded.pages.iter().position(|p| p.file == s.file))
            {
                failed.insert(i);
            }
        }
        timer("index", t);
        let left_out_keys: HashSet<&str> = failed
            .iter()
            .map(|&i| loaded.pages[i].url.as_str())
            .collect();
        let mut per_page: Vec<Vec<Diagnostic>> = vec![Vec::new(); loaded.pages.len()];
        for d in index_diags {
            match d
                .span
                .and_then(|s| loaded.pages.iter().position(|p| p.file == s.file))
            {
                Some(i) => per_page[i].push(d),
                None => diags.push(d),
            }
        }
        let results: Vec<PageResult> = rendered
            .into_par_iter()
            .zip(per_page)
            .enumerate()
            .map(|(i, ((r, mut d, text), index_d))| {
                d.extend(index_d);
                let src = &loaded.pages[i];
                let result = match r {
                    Some(r) if !failed.contains(&i) => {
                        d.extend(links_to_left_out(&loaded, &r, &left_out_keys));
                        page_ctx.write(&index, src, search_ids[i], (&r, &text), d)
                    }
                    _ => PageResult::left_out(d),
                };
                progress.tick();
                result
            })
            .collect();
        (results, failed, index)
    } else {
        let index = index_of(&HashSet::new(), &HashMap::new(), &mut diags);
        timer("index", t);
        let results: Vec<PageResult> = loaded
            .pages
            .par_iter()
            .enumerate()
            .zip(&search_ids)
            .map(|((i, src), &search_id)| {
                let (rendered, d, text) =
                    crate::dialect_pass::render(ctx, &loaded, src, front_of(i));
                let result = match rendered {
                    Some(r) => page_ctx.write(&index, src, search_id, (&r, &text), d),
                    None => PageResult::left_out(d),
                };
                progress.tick();
                result
            })
            .collect();
        (results, HashSet::new(), index)
    };
    if let Some(failure) = page_ctx.write_failure.get() {
        let others = page_ctx.not_written.load(Ordering::Relaxed);
        let more = match others {
            0 => String::new(),
            1 => " (and 1 other page)".to_string(),
            n => format!(" (and {n} other pages)"),
        };
        diags.push(Diagnostic::global(format!(
            "{failure}{more}; the output folder is left as it was"
        )));
    }
    let mut written = Vec::new();
    let mut indexed = Vec::with_capacity(results.len());
    let files_left = files_left_out
        .iter()
        .filter_map(|d| d.span.map(|s| s.file))
        .collect::<HashSet<_>>()
        .len();
    let mut page_errors = files_left_out;
    for (i, (r, src)) in results.into_iter().zip(&loaded.pages).enumerate() {
        if left_out.contains(&i) || (opts.keep_going && !r.written) {
            page_errors.extend(r.diags);
            continue;
        }
        diags.extend(r.diags);
        if r.written {
            written.push(src);
        }
        indexed.extend(r.indexed);
    }
    timer("pages", t);
    // A template that failed leaves its page out too.
    let left_out_count = loaded.pages.len() - written.len();
    if diags.iter().any(Diagnostic::is_error) || (!opts.keep_going && !page_errors.is_empty()) {
        diags.extend(page_errors);
        return Err(failure(opts, &loaded.sources, diags));
    }

    let t = Instant::now();
    // The index files are written as they are made, not held until the others are.
    let search_files = search_index.finish(indexed, |path, bytes| {
        staging
            .write(&path, &bytes)
            .map_err(|e| format!("cannot write {path}: {e}"))
    });
    let search_files = match search_files {
        Ok(n) => n,
        Err(msg) => {
            diags.push(Diagnostic::global(msg));
            return Err(failure(opts, &loaded.sources, diags));
        }
    };
    timer("search", t);

    let t = Instant::now();
    let (mut files, d) = site_files(&loaded, &templates, diagrams.any_for_browser());
    diags.extend(d);
    let (generated, d) = crate::hub_pages::render(&loaded, &index, &templates);
    files.extend(generated);
    diags.extend(d);
    files.extend(crate::extras::redirect_files(&loaded));
    files.extend(sitemap_files(&loaded, &written));
    let finished = files
        .par_iter()
        .try_for_each(|(rel, f)| write_file(&staging, &loaded.content_dir, rel, f))
        .and_then(|()| staging.commit());
    if let Err(e) = finished {
        diags.push(Diagnostic::global(format!(
            "cannot write {}: {e}",
            out.display()
        )));
        return Err(failure(opts, &loaded.sources, diags));
    }
    highlighter.save();
    diagrams.prune();
    if let Some(trash) = trash {
        let _ = trash.join();
    }
    drop(lock);
    timer("finish", t);
    Ok(Report {
        pages: written.len(),
        files: files.len() + search_files + written.len(),
        warnings: if diags.is_empty() {
            String::new()
        } else {
            crate::messages::render(&loaded.sources, &diags, Some("build"), opts.message_format)
        },
        warning_count: diags.len(),
        left_out: left_out_count,
        files_left_out: files_left,
        errors: crate::messages::render(&loaded.sources, &page_errors, None, opts.message_format),
        error_count: page_errors.iter().filter(|d| d.is_error()).count(),
        elapsed: started.elapsed(),
        out_dir: out,
    })
}

/// What the rest of a build keeps of a page's frontmatter.
struct Known {
    card: crate::directory::PageCard,
    entry: PageEntry,
    searchable: bool,
}

/// True for an error about one content file (not the settings, the theme or the data
/// folder, which every page depends on).
fn is_content_file_error(site: &Site, d: &Diagnostic) -> bool {
    let Some(span) = d.span else { return false };
    let path = &site.sources.get(span.file).path;
    path.starts_with(&format!("{CONTENT_DIR}/"))
        && !path.starts_with(&format!("{CONTENT_DIR}/{}/", crate::DATA_DIR))
}

/// One page's outcome: its diagnostics, whether it was written, what the search index
/// keeps of it.
struct PageResult {
    diags: Vec<Diagnostic>,
    written: bool,
    indexed: Option<search::IndexedPage>,
}

impl PageResult {
    /// A page not written, for the errors in `diags`.
    fn left_out(diags: Vec<Diagnostic>) -> Self {
        PageResult {
            diags,
            written: false,
            indexed: None,
        }
    }
}

/// What writing a page needs.
struct PageCtx<'a> {
    site: &'a Site,
    templates: &'a Templates,
    staging: &'a output::Staging,
    search: &'a search::IndexWriter,
    /// The first write that failed. A full disk fails every page after it: one error says
    /// it (with a count), not one per page, and the pages after it are not templated.
    write_failure: OnceLock<String>,
    /// Pages not written after the first failure.
    not_written: AtomicUsize,
}

impl PageCtx<'_> {
    /// Templates `rendered` (with the text it was rendered from) and writes it, unless it
    /// has errors (`diags` are its diagnostics so far; templating still runs, to report its
    /// own errors too).
    fn write(
        &self,
        index: &index::SiteIndex,
        src: &PageSource,
        search_id: Option<u32>,
        (rendered, text): (&RenderedPage, &str),
        mut diags: Vec<Diagnostic>,
    ) -> PageResult {
        let failed = diags.iter().any(Diagnostic::is_error);
        if self.write_failure.get().is_some() {
            self.not_written.fetch_add(1, Ordering::Relaxed);
            return PageResult::left_out(diags);
        }
        let written = match page::render(self.site, index, self.templates, src, rendered, text) {
            Ok(_) if failed => Ok(false),
            Ok(o) => self
                .staging
                .write(&o.html_path, o.html.as_bytes())
                .and_then(|()| self.staging.write(&o.json_path, o.json.as_bytes()))
                .map(|()| true)
                .map_err(|e| format!("cannot write {}: {e}", o.html_path)),
            Err(e) => {
                diags.push(e);
                Ok(false)
            }
        };
        // Only a written page is indexed: its document chunk may be written with it.
        let indexed = match (&written, search_id) {
            (Ok(true), Some(id)) => self.index_page(id, src, rendered),
            _ => Ok(None),
        };
        match written.and_then(|written| Ok((written, indexed?))) {
            Ok((written, indexed)) => PageResult {
                diags,
                written,
                indexed,
            },
            Err(first) => {
                if self.write_failure.set(first).is_err() {
                    self.not_written.fetch_add(1, Ordering::Relaxed);
                }
                PageResult::left_out(diags)
            }
        }
    }

    /// Adds a written page to the search index as document `id`, unless its frontmatter
    /// says `search: false`.
    fn index_page(
        &self,
        id: u32,
        src: &PageSource,
        rendered: &RenderedPage,
    ) -> Result<Option<search::IndexedPage>, String> {
        let Some(doc) = search::doc_for(
            &self.site.links,
            &self.site.config.base_url,
            &src.url,
            rendered,
            |id| self.site.config.label(id),
        ) else {
            return Ok(None);
        };
        self.search.add(id, &doc, |path, bytes| {
            self.staging
                .write(&path, &bytes)
                .map_err(|e| format!("cannot write {path}: {e}"))
        })
    }
}

/// Warnings for the links of `page` to pages left out of the build (`--keep-going`).
fn links_to_left_out(
    site: &Site,
    page: &RenderedPage,
    left_out: &HashSet<&str>,
) -> Vec<Diagnostic> {
    page.links
        .iter()
        .filter_map(|l| match site.links.target(&l.url) {
            Target::Page(key, _) if left_out.contains(key.as_str()) => Some(
                Diagnostic::warning(
                    l.span,
                    format!("links to `{}`, which is left out of this build", l.url),
                )
                .with_label("its page has errors")
                .with_hint("the link works again once that page builds"),
            ),
            _ => None,
        })
        .collect()
}

/// Writes one output file; a file copied from content/ is read only from inside it.
fn write_file(
    staging: &output::Staging,
    content_dir: &Path,
    rel: &str,
    f: &OutFile,
) -> std::io::Result<()> {
    match f {
        OutFile::Bytes(b) => staging.write(rel, b),
        OutFile::Disk(p) => staging.copy(rel, crate::files::open_beneath(content_dir, p)?),
    }
}

pub(crate) fn failure(opts: &Options, sources: &Sources, diagnostics: Vec<Diagnostic>) -> Failure {
    Failure {
        rendered: crate::messages::render(
            sources,
            &diagnostics,
            Some("build"),
            opts.message_format,
        ),
        diagnostics,
    }
}

/// Refuses an output folder that holds the site's own files, or lies inside its content
/// or theme, compared as the file system resolves them (links and `..` followed).
fn check_out_dir(opts: &Options, out: &Path) -> Result<(), String> {
    let out_real = real_path(out);
    let site_real = real_path(&opts.site_dir);
    let refuse = |why: &str| {
        Err(format!(
            "refusing to write the output to {}: {why}",
            out.display()
        ))
    };
    if site_real.starts_with(&out_real) {
        return refuse("it holds the site's own files");
    }
    for sub in [CONTENT_DIR, "theme"] {
        if out_real.starts_with(site_real.join(sub)) {
            return refuse(&format!("it is inside the site's `{sub}/` folder"));
        }
    }
    Ok(())
}

/// Where `path` is on the file system: its deepest existing ancestor resolved (links
/// followed), the rest appended with `.` and `..` applied.
fn real_path(path: &Path) -> std::path::PathBuf {
    use std::path::Component;
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    let base = loop {
        if let Ok(real) = existing.canonicalize() {
            break real;
        }
        match (existing.parent(), existing.components().next_back()) {
            (Some(parent), Some(last)) => {
                rest.push(last);
                existing = parent;
            }
            _ => break existing.to_path_buf(),
        }
    };
    let mut real = base;
    for c in rest.into_iter().rev() {
        match c {
            Component::ParentDir => {
                real.pop();
            }
            Component::CurDir => {}
            other => real.push(other),
        }
    }
    real
}

/// Writes `files` as the new output folder, atomically; files copied from disk are read
/// only from inside `content_dir`.
pub fn write(
    out: &Path,
    content_dir: &Path,
    files: &BTreeMap<String, OutFile>,
) -> std::io::Result<()> {
    let lock = output::OutputLock::acquire(out)?;
    let staging = output::Staging::new(out, &lock)?;
    files
        .par_iter()
        .try_for_each(|(rel, f)| write_file(&staging, content_dir, rel, f))?;
    staging.commit()
}

//! The streaming build: every page's frontmatter first (what pages show of each other),
//! then each page rendered, templated, written to the staging folder and dropped, so memory
//! holds the sources and little else; the staging folder replaces the output only when
//! the build is complete.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use portolan_dialect::Diagnostic;
use rayon::prelude::*;

use crate::context::Templates;
use crate::output::{self, OutFile};
use crate::progress::{record_time, Ticker};
use crate::publish::{site_files, sitemap_files};
use crate::sources::Sources;
use crate::CONTENT_DIR;
use crate::{index, load, page, search, Failure, Options, PageSource, Report};

/// Builds the site: load, render, write atomically. On failure the previous output is left
/// as it was.
///
/// Unlike a [`Session`] (which keeps every page for incremental rebuilds), a build streams:
/// every page's frontmatter first (what pages show of each other), then each page is
/// rendered, templated and written to the staging folder and dropped, so memory holds the
/// sources and little else.
pub fn build(opts: &Options) -> Result<Report, Failure> {
    let started = Instant::now();
    let timer = |phase: &'static str, t: Instant| record_time(opts, phase, t.elapsed());
    let mut diags = Vec::new();
    let t = Instant::now();
    let loaded = match load(opts, &mut diags) {
        Ok(site) => site,
        Err(sources) => return Err(failure(&sources, diags)),
    };
    timer("load", t);
    let templates = match Templates::new(&loaded) {
        Ok(t) => t,
        Err(msg) => {
            diags.push(Diagnostic::global(msg));
            return Err(failure(&loaded.sources, diags));
        }
    };
    let out = opts.out_dir();
    if let Err(msg) = check_out_dir(opts, &out) {
        diags.push(Diagnostic::global(msg));
        return Err(failure(&loaded.sources, diags));
    }
    let staging = match output::Staging::new(&out) {
        Ok(s) => s,
        Err(e) => {
            diags.push(Diagnostic::global(format!(
                "cannot write {}: {e}",
                out.display()
            )));
            return Err(failure(&loaded.sources, diags));
        }
    };
    let trash = output::take_out_trash(&out);

    let t = Instant::now();
    let ctx = portolan_dialect::Context {
        site: &loaded.config.variables,
        includes: &loaded.includes,
        links: &loaded.links,
    };
    let read: Vec<(Option<portolan_dialect::FrontMatter>, Vec<Diagnostic>)> = loaded
        .pages
        .par_iter()
        .map(|p| {
            portolan_dialect::render_frontmatter(ctx, p.file, &loaded.sources.get(p.file).text)
        })
        .collect();
    let mut fronts = Vec::with_capacity(read.len());
    for (f, d) in read {
        diags.extend(d);
        fronts.push(f);
    }
    let known: Vec<(&PageSource, &portolan_dialect::FrontMatter)> = loaded
        .pages
        .iter()
        .zip(&fronts)
        .filter_map(|(p, f)| f.as_ref().map(|f| (p, f)))
        .collect();
    let index = index::SiteIndex::new(&loaded, &known, &mut diags);
    timer("index", t);

    let t = Instant::now();
    let progress = Ticker::new(opts, "Building pages", loaded.pages.len());
    let results: Vec<(Vec<Diagnostic>, bool, Option<search::SearchDoc>)> = loaded
        .pages
        .par_iter()
        .zip(&fronts)
        .map(|(src, front)| {
            let (rendered, mut d) = portolan_dialect::render_page_with_frontmatter(
                ctx,
                src.file,
                &loaded.sources.get(src.file).text,
                front.as_ref(),
            );
            let mut written = false;
            let doc = rendered
                .as_ref()
                .map(|r| search::doc_for(&format!("{}{}", loaded.config.base_url, src.url), r));
            if let Some(rendered) = rendered {
                match page::render(&loaded, &index, &templates, src, &rendered) {
                    Ok(o) => match staging
                        .write(&o.html_path, o.html.as_bytes())
                        .and_then(|()| staging.write(&o.json_path, o.json.as_bytes()))
                    {
                        Ok(()) => written = true,
                        Err(e) => d.push(Diagnostic::global(format!(
                            "cannot write {}: {e}",
                            o.html_path
                        ))),
                    },
                    Err(e) => d.push(e),
                }
            }
            progress.tick();
            (d, written, doc)
        })
        .collect();
    let mut written = Vec::new();
    let mut docs = Vec::with_capacity(results.len());
    for ((d, ok, doc), src) in results.into_iter().zip(&loaded.pages) {
        diags.extend(d);
        if ok {
            written.push(src);
        }
        docs.extend(doc);
    }
    timer("pages", t);
    if diags.iter().any(Diagnostic::is_error) {
        return Err(failure(&loaded.sources, diags));
    }

    let t = Instant::now();
    let (mut files, d) = site_files(&loaded, &templates);
    diags.extend(d);
    files.extend(sitemap_files(&loaded, &written));
    files.extend(
        search::build_index(&docs)
            .into_iter()
            .map(|(p, b)| (p, OutFile::Bytes(b.into()))),
    );
    let finished = files
        .par_iter()
        .try_for_each(|(rel, f)| write_file(&staging, rel, f))
        .and_then(|()| staging.commit());
    if let Err(e) = finished {
        diags.push(Diagnostic::global(format!(
            "cannot write {}: {e}",
            out.display()
        )));
        return Err(failure(&loaded.sources, diags));
    }
    if let Some(trash) = trash {
        let _ = trash.join();
    }
    timer("finish", t);
    Ok(Report {
        pages: written.len(),
        files: files.len() + written.len(),
        warnings: if diags.is_empty() {
            String::new()
        } else {
            loaded.sources.render(&diags)
        },
        warning_count: diags.len(),
        elapsed: started.elapsed(),
        out_dir: out,
    })
}

fn write_file(staging: &output::Staging, rel: &str, f: &OutFile) -> std::io::Result<()> {
    match f {
        OutFile::Bytes(b) => staging.write(rel, b),
        OutFile::Disk(p) => staging.copy(rel, p),
    }
}

pub(crate) fn failure(sources: &Sources, diagnostics: Vec<Diagnostic>) -> Failure {
    Failure {
        rendered: sources.render(&diagnostics),
        diagnostics,
    }
}

fn check_out_dir(opts: &Options, out: &Path) -> Result<(), String> {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    let out_abs = abs(out);
    let site_abs = abs(&opts.site_dir);
    for protected in [
        site_abs.clone(),
        site_abs.join(CONTENT_DIR),
        site_abs.join("theme"),
    ] {
        if protected.starts_with(&out_abs) {
            return Err(format!(
                "refusing to write the output to {}: it holds the site's own files",
                out.display()
            ));
        }
    }
    Ok(())
}

/// Writes `files` as the new output folder, atomically.
pub fn write(out: &Path, files: &BTreeMap<String, OutFile>) -> std::io::Result<()> {
    let staging = output::Staging::new(out)?;
    files
        .par_iter()
        .try_for_each(|(rel, f)| write_file(&staging, rel, f))?;
    staging.commit()
}

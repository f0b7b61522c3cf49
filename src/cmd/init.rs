//! `portolan init [DIR]`: writes a new site to start from: commented settings, a home page,
//! and an example page that uses each construct of the dialect and a few components. The
//! files are `src/starter/`, built into the binary.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub(crate) struct Args {
    /// The folder to create the site in (created when missing)
    #[arg(default_value = ".")]
    dir: PathBuf,
    /// Write into a folder that is not empty. Files that exist are kept, never overwritten.
    #[arg(long)]
    force: bool,
}

/// The starter site: (path inside the site folder, contents).
const STARTER: &[(&str, &str)] = &[
    ("portolan.yaml", include_str!("../starter/portolan.yaml")),
    (
        "content/index.md",
        include_str!("../starter/content/index.md"),
    ),
    (
        "content/guide/index.md",
        include_str!("../starter/content/guide/index.md"),
    ),
    (
        "content/guide/example.md",
        include_str!("../starter/content/guide/example.md"),
    ),
    (
        "content/_includes/sections/support.md",
        include_str!("../starter/content/_includes/sections/support.md"),
    ),
    (
        "content/_data/releases.yml",
        include_str!("../starter/content/_data/releases.yml"),
    ),
    // The output folder is built, not written by hand.
    (".gitignore", "public/\n.public.*\n.portolan/\n"),
];

pub(crate) fn run(args: Args) -> ExitCode {
    match init(&args.dir, args.force) {
        Ok(outcome) => {
            for skipped in &outcome.kept {
                eprintln!("kept {skipped} (it exists)");
            }
            let shown = args.dir.display();
            eprintln!(
                "Created a site in {shown}: {} files. Next:\n  portolan serve {shown}   # preview at http://127.0.0.1:8000/, reloads on every edit\n  portolan build {shown}   # writes the site to {}",
                outcome.written,
                args.dir.join("public").display()
            );
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

struct Outcome {
    written: usize,
    /// Starter files not written because a file of that name exists (`--force`).
    kept: Vec<&'static str>,
}

fn init(dir: &Path, force: bool) -> Result<Outcome, String> {
    let shown = dir.display();
    if !force {
        if let Some(entry) = first_entry(dir).map_err(|e| format!("cannot read {shown}: {e}"))? {
            return Err(format!(
                "{shown} is not empty (it holds `{entry}`); portolan init writes a new site into an empty folder\n  hint: pick a new folder (`portolan init my-docs`), or pass --force to add the starter files beside what is there (existing files are kept)"
            ));
        }
    }
    let mut outcome = Outcome {
        written: 0,
        kept: Vec::new(),
    };
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        if path.exists() {
            outcome.kept.push(rel);
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::write(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        outcome.written += 1;
    }
    Ok(outcome)
}

/// The name of something in `dir` that makes it not empty, or `None` when it is empty or
/// missing. A repository's `.git` alone does not count: `git init` then `portolan init` is
/// a natural start.
fn first_entry(dir: &Path) -> std::io::Result<Option<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    // The first name in order, so the message is the same on every file system.
    let mut names = Vec::new();
    for entry in entries {
        let name = entry?.file_name().to_string_lossy().into_owned();
        if name != ".git" {
            names.push(name);
        }
    }
    Ok(names.into_iter().min())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_starter_lists_every_file_of_src_starter() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/starter");
        let mut on_disk: Vec<String> = walkdir::WalkDir::new(&root)
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file())
            .map(|e| {
                let rel = e.path().strip_prefix(&root).unwrap();
                rel.to_string_lossy().replace('\\', "/")
            })
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = STARTER
            .iter()
            .map(|(p, _)| p.to_string())
            .filter(|p| p != ".gitignore")
            .collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "a file added to src/starter/ must be listed in STARTER"
        );
    }

    #[test]
    fn a_folder_with_only_git_counts_as_empty() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir(tmp.path().join(".git")).unwrap();
        assert_eq!(first_entry(tmp.path()).unwrap(), None);
        std::fs::write(tmp.path().join("notes.txt"), "x").unwrap();
        assert_eq!(first_entry(tmp.path()).unwrap(), Some("notes.txt".into()));
        assert_eq!(first_entry(&tmp.path().join("missing")).unwrap(), None);
    }
}

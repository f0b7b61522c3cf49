//! Where a build keeps its caches when the site folder cannot hold them: a read-only
//! checkout, a mounted volume, a folder another user owns. The build must not fail for
//! that, nor silently start cold every time: the caches go to the user's cache folder
//! (`$XDG_CACHE_HOME/portolan/`, else `~/.cache/portolan/`), one folder per site, and the
//! build says so once; when that cannot be written either, they are off.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::site::{Cache, SITE_CACHE_DIR};

/// `cache` for the site at `site_dir` as a build can use it: the site folder's own when it
/// can be written, else the user's cache folder, else none; with a sentence for the
/// author when it is not the one asked for. `--cache-dir` and `--no-cache` stand as given.
pub fn writable(cache: Cache, site_dir: &Path) -> (Cache, Option<String>) {
    writable_in(cache, site_dir, user_cache_base())
}

fn writable_in(cache: Cache, site_dir: &Path, base: Option<PathBuf>) -> (Cache, Option<String>) {
    if cache != Cache::InSite {
        return (cache, None);
    }
    let own = site_dir.join(SITE_CACHE_DIR);
    if can_write(&own) {
        return (Cache::InSite, None);
    }
    match base.and_then(|base| user_folder(&base, site_dir)) {
        Some(dir) if can_write(&dir) => {
            let note = format!(
                "note: {} cannot be written: caches are kept in {} (or give --cache-dir, or --no-cache)",
                own.display(),
                dir.display()
            );
            (Cache::At(dir), Some(note))
        }
        _ => (
            Cache::Off,
            Some(format!(
                "note: {} cannot be written, nor the user's cache folder: this build starts cold (give --cache-dir to keep what it draws)",
                own.display()
            )),
        ),
    }
}

/// `cache` for the site at `site_dir` as `serve` and `check` read it (they write nothing):
/// the site folder's own, else what a build of a site that cannot be written kept in the
/// user's cache folder.
pub fn readable(cache: Cache, site_dir: &Path) -> Cache {
    readable_in(cache, site_dir, user_cache_base())
}

fn readable_in(cache: Cache, site_dir: &Path, base: Option<PathBuf>) -> Cache {
    if cache != Cache::InSite || site_dir.join(SITE_CACHE_DIR).is_dir() {
        return cache;
    }
    match base.and_then(|base| user_folder(&base, site_dir)) {
        Some(dir) if dir.is_dir() => Cache::At(dir),
        _ => cache,
    }
}

/// The user's cache folder: `$XDG_CACHE_HOME`, else `~/.cache`.
fn user_cache_base() -> Option<PathBuf> {
    std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })
}

/// The folder in the user's cache folder `base` for the site at `site_dir`: its folder
/// name and a hash of its absolute path, so two sites never share one.
fn user_folder(base: &Path, site_dir: &Path) -> Option<PathBuf> {
    let absolute = std::path::absolute(site_dir).ok()?;
    let mut h = std::collections::hash_map::DefaultHasher::new();
    absolute.hash(&mut h);
    let name: String = absolute
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .take(40)
        .collect();
    Some(
        base.join("portolan")
            .join(format!("{name}-{:016x}", h.finish())),
    )
}

/// Whether `dir` can be made (if missing) and written, asked of the system without
/// making or writing anything (`access`, which also says a read-only mount is one): a
/// build that stops early leaves nothing behind, and no other process sees a probe file.
/// The nearest folder that exists is asked when `dir` does not.
fn can_write(dir: &Path) -> bool {
    let Some(existing) = dir.ancestors().find(|a| a.symlink_metadata().is_ok()) else {
        return false;
    };
    existing.is_dir()
        && rustix::fs::access(
            existing,
            rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK,
        )
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_that_cannot_hold_its_cache_uses_the_users_and_says_so() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        // `.portolan` a file: no cache folder can be made under it.
        std::fs::write(site.join(".portolan"), "").unwrap();
        let home = tmp.path().join("cache-home");
        let base = || Some(home.clone());
        let (cache, note) = writable_in(Cache::InSite, &site, base());
        let Cache::At(dir) = cache else {
            panic!("{cache:?}")
        };
        assert!(dir.starts_with(home.join("portolan")), "{}", dir.display());
        assert!(dir
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("site-"));
        assert!(note
            .unwrap()
            .contains("cannot be written: caches are kept in"));
        assert!(
            !dir.exists(),
            "made by the build that writes to it, not here"
        );
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(
            readable_in(Cache::InSite, &site, base()),
            Cache::At(dir.clone())
        );
        // A site that can hold its cache keeps it, and nothing is said.
        let other = tmp.path().join("other");
        std::fs::create_dir_all(&other).unwrap();
        assert_eq!(
            writable_in(Cache::InSite, &other, base()),
            (Cache::InSite, None)
        );
        // What was given stands.
        assert_eq!(writable_in(Cache::Off, &site, base()), (Cache::Off, None));
        assert_eq!(readable_in(Cache::Off, &site, base()), Cache::Off);
        // Nowhere to write: off, and said.
        let (cache, note) = writable_in(Cache::InSite, &site, None);
        assert_eq!(cache, Cache::Off);
        assert!(note.unwrap().contains("this build starts cold"));
    }
}

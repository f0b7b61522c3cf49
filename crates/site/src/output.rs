//! Writing the output folder so that a failed or killed build never leaves a half site.
//!
//! A build writes into a hidden staging folder beside the output (same file system), and
//! only a complete build replaces the output, with one atomic `renameat2(RENAME_EXCHANGE)`
//! where the file system supports it (two renames otherwise). Until then the previous good
//! output is untouched. A marker file guards against replacing a folder Portolan did not
//! write, such as a mistyped `--out ~/Documents`.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Marks a folder as Portolan output, safe to replace.
pub const MARKER: &str = ".portolan-output";

/// A staging folder that becomes the output on [`Staging::commit`] and is removed if dropped.
///
/// When an earlier build left its previous output as trash, that folder is reused as the
/// staging folder: files are overwritten in place and the ones this build did not write are
/// removed at commit. Creating and deleting tens of thousands of files per build is what
/// file systems are slowest at; overwriting is not.
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
    reused: bool,
    written: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

fn sibling(target: &Path, tag: &str) -> io::Result<(PathBuf, String)> {
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output folder has no name"))?
        .to_string_lossy()
        .into_owned();
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let prefix = format!(".{name}.{tag}-");
    Ok((
        parent.join(format!("{prefix}{}", std::process::id())),
        prefix,
    ))
}

impl Staging {
    /// Prepares a fresh staging folder for output folder `target`, removing any left behind
    /// by a killed build. Refuses a `target` that exists and is not Portolan output.
    pub fn new(target: &Path) -> io::Result<Staging> {
        if target.exists() {
            if !target.is_dir() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a folder", target.display()),
                ));
            }
            let empty = fs::read_dir(target)?.next().is_none();
            if !empty && !target.join(MARKER).exists() {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} is not empty and was not written by Portolan (no {MARKER}); refusing to replace it", target.display()),
                ));
            }
        }
        let (dir, prefix) = sibling(target, "staging")?;
        let parent = dir.parent().map(Path::to_path_buf).unwrap_or_default();
        fs::create_dir_all(&parent)?;
        for e in fs::read_dir(&parent)?.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.starts_with(&prefix) {
                let _ = fs::remove_dir_all(e.path());
            }
        }
        let (_, trash_prefix) = sibling(target, "trash")?;
        let reusable = fs::read_dir(&parent)?.flatten().find(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(&trash_prefix)
                && !n.ends_with(".deleting")
                && e.path().join(MARKER).exists()
        });
        let reused = reusable.is_some_and(|e| fs::rename(e.path(), &dir).is_ok());
        fs::create_dir_all(&dir)?;
        fs::write(
            dir.join(MARKER),
            "This folder is written by Portolan and replaced on every build.\n",
        )?;
        let written = std::sync::Mutex::new(std::collections::HashSet::from([dir.join(MARKER)]));
        Ok(Staging {
            dir,
            target: target.to_path_buf(),
            committed: false,
            reused,
            written,
        })
    }

    /// The staging folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.prepare(rel)?;
        // In a reused folder most files already hold these bytes: leave them be, which
        // spares the file system a truncate and a write-back per file.
        if !(self.reused && same_content(&path, bytes)) {
            fs::write(&path, bytes)?;
        }
        self.record(path);
        Ok(())
    }

    /// Copies the file `from` to `rel` inside the staging folder.
    pub fn copy(&self, rel: &str, from: &Path) -> io::Result<()> {
        let path = self.prepare(rel)?;
        fs::copy(from, &path)?;
        self.record(path);
        Ok(())
    }

    fn record(&self, path: PathBuf) {
        if self.reused {
            if let Ok(mut w) = self.written.lock() {
                w.insert(path);
            }
        }
    }

    /// The path for `rel`, with its folders made; in a reused folder, whatever stands in the
    /// way (a folder where a file goes, a file where a folder goes) is removed.
    fn prepare(&self, rel: &str) -> io::Result<PathBuf> {
        let path = self.dir.join(rel.trim_start_matches('/'));
        if let Some(p) = path.parent() {
            if fs::create_dir_all(p).is_err() {
                let mut at = p.to_path_buf();
                while at.starts_with(&self.dir) && at != self.dir {
                    if at.is_file() {
                        fs::remove_file(&at)?;
                    }
                    at.pop();
                }
                fs::create_dir_all(p)?;
            }
        }
        if self.reused && path.is_dir() {
            fs::remove_dir_all(&path)?;
        }
        Ok(path)
    }

    /// In a reused folder, removes every file this build did not write, and folders left
    /// empty.
    fn sweep(&self) -> io::Result<()> {
        if !self.reused {
            return Ok(());
        }
        let written = self
            .written
            .lock()
            .map_err(|_| io::Error::other("staging lock poisoned"))?;
        fn walk(dir: &Path, written: &std::collections::HashSet<PathBuf>) -> io::Result<bool> {
            let mut empty = true;
            for e in fs::read_dir(dir)? {
                let e = e?;
                let p = e.path();
                if e.file_type()?.is_dir() {
                    if walk(&p, written)? {
                        fs::remove_dir(&p)?;
                    } else {
                        empty = false;
                    }
                } else if written.contains(&p) {
                    empty = false;
                } else {
                    fs::remove_file(&p)?;
                }
            }
            Ok(empty)
        }
        walk(&self.dir, &written).map(|_| ())
    }

    /// Makes the staging folder the output, atomically where possible. The previous output
    /// is moved aside as trash (hidden, beside it) for the next build to delete while it
    /// renders: deleting thousands of files is slow and need not delay this one.
    pub fn commit(mut self) -> io::Result<()> {
        self.sweep()?;
        if self.target.exists() {
            match rustix::fs::renameat_with(
                rustix::fs::CWD,
                &self.dir,
                rustix::fs::CWD,
                &self.target,
                rustix::fs::RenameFlags::EXCHANGE,
            ) {
                Ok(()) => {
                    // The staging path now holds the previous output.
                    self.committed = true;
                    let (trash, _) = sibling(&self.target, "trash")?;
                    if fs::rename(&self.dir, &trash).is_err() {
                        fs::remove_dir_all(&self.dir)?;
                    }
                    return Ok(());
                }
                Err(_) => {
                    let (old, _) = sibling(&self.target, "old")?;
                    let _ = fs::remove_dir_all(&old);
                    fs::rename(&self.target, &old)?;
                    fs::rename(&self.dir, &self.target)?;
                    self.committed = true;
                    let _ = fs::remove_dir_all(&old);
                    return Ok(());
                }
            }
        }
        fs::rename(&self.dir, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

fn same_content(path: &Path, bytes: &[u8]) -> bool {
    match fs::metadata(path) {
        Ok(m) if m.is_file() && m.len() == bytes.len() as u64 => {
            fs::read(path).is_ok_and(|old| old == bytes)
        }
        _ => false,
    }
}

/// Starts deleting the trash that earlier builds left beside `target`, on a thread; the
/// caller joins it before exiting.
pub fn take_out_trash(target: &Path) -> Option<std::thread::JoinHandle<()>> {
    let (_, prefix) = sibling(target, "trash").ok()?;
    let parent = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let old: Vec<PathBuf> = fs::read_dir(parent)
        .ok()?
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
        .map(|e| e.path())
        .collect();
    if old.is_empty() {
        return None;
    }
    // Renamed first, so a build that starts meanwhile does not count it as its own trash.
    let doomed: Vec<PathBuf> = old
        .into_iter()
        .filter_map(|p| {
            let to = p.with_file_name(format!("{}.deleting", p.file_name()?.to_string_lossy()));
            fs::rename(&p, &to).ok().map(|()| to)
        })
        .collect();
    Some(std::thread::spawn(move || {
        for d in doomed {
            let _ = fs::remove_dir_all(d);
        }
    }))
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commit_replaces_and_drop_discards() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        let s = Staging::new(&out).unwrap();
        s.write("a/index.html", b"one").unwrap();
        s.commit().unwrap();
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");

        let s = Staging::new(&out).unwrap();
        s.write("b/index.html", b"two").unwrap();
        drop(s); // a failed build
        assert_eq!(fs::read(out.join("a/index.html")).unwrap(), b"one");
        assert!(!out.join("b").exists());

        let s = Staging::new(&out).unwrap();
        s.write("b/index.html", b"two").unwrap();
        s.commit().unwrap();
        assert!(!out.join("a").exists());
        assert_eq!(fs::read(out.join("b/index.html")).unwrap(), b"two");
        // The previous output waits beside it as trash until the next build deletes it.
        let names = || {
            let mut v: Vec<String> = fs::read_dir(tmp.path())
                .unwrap()
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names().len(), 2);
        assert!(names()[0].starts_with(".public.trash-"), "{:?}", names());
        take_out_trash(&out).unwrap().join().unwrap();
        assert_eq!(names(), ["public"]);
    }

    #[test]
    fn reused_trash_holds_exactly_the_new_build() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("public");
        for files in [
            &["a/index.html", "b/index.html"][..],
            &["a/index.html", "c"][..],
            &["b/index.html", "c/index.html"][..],
            &["a/index.html"][..],
        ] {
            let s = Staging::new(&out).unwrap();
            for f in files {
                s.write(f, f.as_bytes()).unwrap();
            }
            s.commit().unwrap();
            let mut got: Vec<String> = walk_files(&out);
            got.sort();
            let mut want: Vec<String> = files
                .iter()
                .map(|f| f.to_string())
                .chain([MARKER.to_string()])
                .collect();
            want.sort();
            assert_eq!(got, want);
        }
    }

    fn walk_files(dir: &Path) -> Vec<String> {
        let mut v = Vec::new();
        for e in fs::read_dir(dir).unwrap().flatten() {
            if e.path().is_dir() {
                v.extend(
                    walk_files(&e.path())
                        .into_iter()
                        .map(|f| format!("{}/{f}", e.file_name().to_string_lossy())),
                );
            } else {
                v.push(e.file_name().to_string_lossy().into_owned());
            }
        }
        v
    }

    #[test]
    fn refuses_a_folder_it_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("precious.txt"), "keep").unwrap();
        let err = Staging::new(tmp.path()).unwrap_err();
        assert!(err.to_string().contains("refusing to replace it"), "{err}");
    }
}

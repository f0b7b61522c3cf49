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
#[derive(Debug)]
pub struct Staging {
    dir: PathBuf,
    target: PathBuf,
    committed: bool,
}

fn sibling(target: &Path, tag: &str) -> io::Result<(PathBuf, String)> {
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "output folder has no name"))?
        .to_string_lossy()
        .into_owned();
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let prefix = format!(".{name}.{tag}-");
    Ok((parent.join(format!("{prefix}{}", std::process::id())), prefix))
}

impl Staging {
    /// Prepares a fresh staging folder for output folder `target`, removing any left behind
    /// by a killed build. Refuses a `target` that exists and is not Portolan output.
    pub fn new(target: &Path) -> io::Result<Staging> {
        if target.exists() {
            if !target.is_dir() {
                return Err(io::Error::new(io::ErrorKind::AlreadyExists, format!("{} exists and is not a folder", target.display())));
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
        fs::create_dir_all(&dir)?;
        fs::write(dir.join(MARKER), "This folder is written by Portolan and replaced on every build.\n")?;
        Ok(Staging { dir, target: target.to_path_buf(), committed: false })
    }

    /// The staging folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at `rel` (a `/`-separated path) inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> io::Result<()> {
        let path = self.dir.join(rel.trim_start_matches('/'));
        if let Some(p) = path.parent() {
            fs::create_dir_all(p)?;
        }
        fs::write(path, bytes)
    }

    /// Makes the staging folder the output, atomically where possible, and removes the old
    /// output.
    pub fn commit(mut self) -> io::Result<()> {
        if self.target.exists() {
            match rustix::fs::renameat_with(rustix::fs::CWD, &self.dir, rustix::fs::CWD, &self.target, rustix::fs::RenameFlags::EXCHANGE) {
                Ok(()) => {
                    // The staging path now holds the previous output.
                    self.committed = true;
                    fs::remove_dir_all(&self.dir)?;
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
        let leftovers: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().map(|e| e.file_name()).collect();
        assert_eq!(leftovers, ["public"]);
    }

    #[test]
    fn refuses_a_folder_it_did_not_write() {
        let tmp = tempfile::tempdir().unwrap();
        fs::write(tmp.path().join("precious.txt"), "keep").unwrap();
        let err = Staging::new(tmp.path()).unwrap_err();
        assert!(err.to_string().contains("refusing to replace it"), "{err}");
    }
}

//! Reading files from a site folder: only regular files, their size checked before they are
//! read whole, and never through a link that leaves the folder they belong to.
//!
//! A site folder is content anyone can write in a pull request, and `serve` keeps reading
//! it while the author edits: a file swapped for a link to `/etc/passwd`, a FIFO that
//! blocks a read forever, or a 10 GB file must each be an error, never a leak or a hang.

use std::fs::File;
use std::io::{self, Read};
use std::os::unix::fs::OpenOptionsExt;
use std::path::Path;

/// The largest file Portolan reads whole (64 MiB): pages, includes, data files, settings
/// and checked drawings. Pages have a lower limit of their own
/// (`portolan_dialect::limits::MAX_PAGE_BYTES`), reported with its own message; this one
/// keeps a huge file from being read into memory before any limit can say so.
pub const MAX_READ_BYTES: u64 = 64 << 20;

/// Opens `path` for reading without blocking on a FIFO or taking a terminal, and checks it
/// is a regular file.
fn open_regular(path: &Path, extra_flags: rustix::fs::OFlags) -> io::Result<File> {
    let flags = rustix::fs::OFlags::NONBLOCK | rustix::fs::OFlags::NOCTTY | extra_flags;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags.bits() as i32)
        .open(path)?;
    regular(file)
}

fn regular(file: File) -> io::Result<File> {
    if file.metadata()?.is_file() {
        Ok(file)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "not a regular file",
        ))
    }
}

/// Reads a whole regular file of at most `max` bytes.
pub fn read_limited(path: &Path, max: u64) -> io::Result<Vec<u8>> {
    read_file(open_regular(path, rustix::fs::OFlags::empty())?, max)
}

fn read_file(file: File, max: u64) -> io::Result<Vec<u8>> {
    let len = file.metadata()?.len();
    if len > max {
        return Err(too_large(len, max));
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // The file may grow between the check and the read: read one byte more to know.
    file.take(max + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max {
        return Err(too_large(bytes.len() as u64, max));
    }
    Ok(bytes)
}

fn too_large(len: u64, max: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "the file is {len} bytes; Portolan reads files of at most {} MiB",
            max >> 20
        ),
    )
}

/// Opens the regular file `path`, which lies inside `root`, resolving it the way the file
/// system does now but refusing any step (a link, `..`) that leaves `root`: with Linux's
/// `openat2(RESOLVE_BENEATH)` where the kernel has it, else by resolving the path and
/// opening the result without following a link.
pub fn open_beneath(root: &Path, path: &Path) -> io::Result<File> {
    let rel = path.strip_prefix(root).map_err(|_| outside(path))?;
    #[cfg(target_os = "linux")]
    {
        use rustix::fs::{Mode, OFlags, ResolveFlags};
        let dir = rustix::fs::open(
            root,
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        match rustix::fs::openat2(
            &dir,
            rel,
            OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY | OFlags::CLOEXEC,
            Mode::empty(),
            ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS,
        ) {
            Ok(fd) => return regular(File::from(fd)),
            // A step left `root`, or a link is absolute (which the kernel refuses even when
            // it leads back inside); kernels before 5.6, and sandboxes that filter the
            // call: resolve by hand below, which tells the two apart.
            Err(rustix::io::Errno::XDEV | rustix::io::Errno::NOSYS | rustix::io::Errno::PERM) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let real = root.join(rel).canonicalize()?;
    if !real.starts_with(root.canonicalize()?) {
        return Err(outside(path));
    }
    open_regular(&real, rustix::fs::OFlags::NOFOLLOW)
}

fn outside(path: &Path) -> io::Error {
    io::Error::new(
        io::ErrorKind::PermissionDenied,
        format!("{} leads outside its folder", path.display()),
    )
}

/// Reads the regular file `path` inside `root` (see [`open_beneath`]), at most `max` bytes.
pub fn read_beneath(root: &Path, path: &Path, max: u64) -> io::Result<Vec<u8>> {
    read_file(open_beneath(root, path)?, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_and_refuses_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("content");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("a.txt"), "hello").unwrap();
        std::fs::write(tmp.path().join("secret"), "no").unwrap();
        std::os::unix::fs::symlink(tmp.path().join("secret"), root.join("out.txt")).unwrap();
        std::os::unix::fs::symlink(root.join("a.txt"), root.join("in.txt")).unwrap();
        std::fs::create_dir(root.join("d")).unwrap();

        assert_eq!(
            read_beneath(&root, &root.join("a.txt"), 10).unwrap(),
            b"hello"
        );
        // A link that stays inside is the file it names; one that leaves is refused.
        assert_eq!(
            read_beneath(&root, &root.join("in.txt"), 10).unwrap(),
            b"hello"
        );
        assert!(read_beneath(&root, &root.join("out.txt"), 10).is_err());
        assert!(read_beneath(&root, &root.join("../secret"), 10).is_err());
        assert!(read_beneath(&root, &tmp.path().join("secret"), 10).is_err());
        assert!(read_beneath(&root, &root.join("d"), 10).is_err());
        let big = read_beneath(&root, &root.join("a.txt"), 4).unwrap_err();
        assert_eq!(big.kind(), io::ErrorKind::FileTooLarge);
        assert!(read_limited(&root.join("d"), 10).is_err());
    }

    #[test]
    fn a_fifo_is_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("pipe.md");
        rustix::fs::mknodat(
            rustix::fs::CWD,
            &fifo,
            rustix::fs::FileType::Fifo,
            rustix::fs::Mode::RUSR | rustix::fs::Mode::WUSR,
            0,
        )
        .unwrap();
        let err = read_limited(&fifo, 10).unwrap_err();
        assert!(err.to_string().contains("not a regular file"), "{err}");
        assert!(read_beneath(tmp.path(), &fifo, 10).is_err());
    }
}

//! Writing output files safely: atomically, and a PDF always with its matching
//! `.sha256`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::Error;

/// Distinguishes the temporary files of one process's writes (a batch build
/// writes many files at once from several threads).
static NEXT_TEMP: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` via a temporary file in the same directory, so that a
/// failed build never leaves a half-written file or clobbers a good one, and a
/// reader never sees one: the rename is atomic. The temporary file is removed on
/// failure.
///
/// There is no `fsync` before the rename. It guards against a power cut in the
/// seconds before the kernel writes the file back, not against a failed or killed
/// build, and it cost 1.2–3.5 ms of a 14 ms build (two files, measured with
/// `strace -T`), more on a busy CI disk. Compilers and typesetters (rustc, Typst,
/// LaTeX) do not sync either; after a power cut, build again: the same YAML gives
/// the same bytes.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let staged = Staged::new(path, bytes)?;
    staged.commit()
}

/// Writes a release: the PDF at `path` and `<path>.sha256` beside it (in
/// `sha256sum -c` format, with the bare file name). Both are staged first, then
/// renamed into place while holding a lock on the folder, so that builds of the
/// same path in other processes cannot interleave and leave a checksum that
/// belongs to the other PDF. Returns the checksum.
pub fn write_release(path: &Path, bytes: &[u8]) -> Result<String, Error> {
    // The checksum of a long document is computed while it is written out.
    let (sha256, pdf) = rayon::join(|| hex_sha256(bytes), || Staged::new(path, bytes));
    let pdf = pdf?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut manifest = path.as_os_str().to_owned();
    manifest.push(".sha256");
    let sum = Staged::new(
        Path::new(&manifest),
        format!("{sha256}  {name}\n").as_bytes(),
    )?;
    let _lock = FolderLock::take(&pdf.dir);
    pdf.commit()?;
    sum.commit()?;
    Ok(sha256)
}

/// The hexadecimal SHA-256 of `bytes`.
pub fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A file written under a temporary name, renamed into place by
/// [`commit`](Staged::commit) and removed if dropped before.
struct Staged {
    dir: PathBuf,
    tmp: PathBuf,
    path: PathBuf,
    done: bool,
}

impl Staged {
    fn new(path: &Path, bytes: &[u8]) -> Result<Staged, Error> {
        let io = |action: &'static str, p: &Path| {
            let p = p.to_path_buf();
            move |source| Error::Io {
                path: p,
                action,
                source,
            }
        };
        if path.is_dir() {
            return Err(Error::Io {
                path: path.to_path_buf(),
                action: "write the output",
                source: std::io::Error::other(
                    "it is a directory; give a file name such as out.pdf",
                ),
            });
        }
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(io("create the output directory", &dir))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let n = NEXT_TEMP.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{}-{n}.tmp", std::process::id()));
        let staged = Staged {
            dir,
            tmp,
            path: path.to_path_buf(),
            done: false,
        };
        std::fs::File::create(&staged.tmp)
            .and_then(|mut f| f.write_all(bytes))
            .map_err(io("write the output", path))?;
        Ok(staged)
    }

    fn commit(mut self) -> Result<(), Error> {
        std::fs::rename(&self.tmp, &self.path).map_err(|source| Error::Io {
            path: self.path.clone(),
            action: "write the output",
            source,
        })?;
        self.done = true;
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// An advisory lock on a folder (`flock` on the folder itself, so no lock file is
/// left behind), released when dropped. Where folders cannot be locked the writes
/// go ahead unlocked: the lock only orders concurrent builds of the same path.
struct FolderLock(Option<std::fs::File>);

impl FolderLock {
    fn take(dir: &Path) -> FolderLock {
        #[cfg(unix)]
        {
            let file = std::fs::File::open(dir).ok();
            if let Some(f) = &file
                && f.lock().is_ok()
            {
                return FolderLock(file);
            }
        }
        let _ = dir;
        FolderLock(None)
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        if let Some(f) = &self.0 {
            let _ = f.unlock();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concurrent_releases_of_one_path_stay_matching_pairs() {
        let dir = std::env::temp_dir().join(format!("dpdf-release-{}", std::process::id()));
        let path = dir.join("x.pdf");
        let bodies: Vec<Vec<u8>> = (0..8).map(|i| vec![b'a' + i; 1000 + i as usize]).collect();
        std::thread::scope(|s| {
            for b in &bodies {
                let path = &path;
                s.spawn(move || write_release(path, b).unwrap());
            }
        });
        let pdf = std::fs::read(&path).unwrap();
        let sum = std::fs::read_to_string(dir.join("x.pdf.sha256")).unwrap();
        assert_eq!(sum, format!("{}  x.pdf\n", hex_sha256(&pdf)));
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert_eq!(left.len(), 2, "temporary files left behind");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

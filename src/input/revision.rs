//! A document named on the command line as a file or as `REV:PATH`, a version
//! of it in the git repository (for `diff` and the release guard).
//!
//! `REV:PATH` is read with `git show REV:PATH` run in the working directory,
//! so `PATH` is relative to the repository's root, or to the working
//! directory when written `./PATH` (git's own rule). A file that exists under
//! the whole name is read as a file, so a path with a colon in it still works.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::read::{MAX_INPUT_BYTES, read_text};
use crate::error::Error;

/// Where a document comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    File(PathBuf),
    /// A revision (anything git names a commit with) and a path in it.
    Revision {
        rev: String,
        path: String,
    },
}

impl Source {
    /// Reads `spec`: an existing file, else `REV:PATH`, else a file (whose
    /// absence is then the error).
    pub fn parse(spec: &str) -> Source {
        if Path::new(spec).exists() {
            return Source::File(PathBuf::from(spec));
        }
        match spec.split_once(':') {
            Some((rev, path)) if !rev.is_empty() && !path.is_empty() => Source::Revision {
                rev: rev.to_string(),
                path: path.to_string(),
            },
            _ => Source::File(PathBuf::from(spec)),
        }
    }

    /// The name messages give it: the path, or `REV:PATH`.
    pub fn name(&self) -> PathBuf {
        match self {
            Source::File(p) => p.clone(),
            Source::Revision { rev, path } => PathBuf::from(format!("{rev}:{path}")),
        }
    }

    /// The path pictures and fonts are relative to: the file's, or the
    /// working tree's copy of the revision's path.
    pub fn base(&self) -> PathBuf {
        match self {
            Source::File(p) => p.clone(),
            Source::Revision { path, .. } => PathBuf::from(path.trim_start_matches("./")),
        }
    }

    /// The document's text.
    pub fn read(&self) -> Result<String, Error> {
        match self {
            Source::File(p) => read_text(p),
            Source::Revision { rev, path } => git_show(rev, path),
        }
    }
}

/// `git show REV:PATH`, with errors that say what to do.
fn git_show(rev: &str, path: &str) -> Result<String, Error> {
    let spec = format!("{rev}:{path}");
    let fail = |message: String| Error::Revision {
        spec: spec.clone(),
        message,
    };
    let out = Command::new("git")
        .args(["show", "--no-textconv", &spec])
        .output()
        .map_err(|e| {
            fail(format!(
                "cannot run git ({e}); install git, or give the old version as a file"
            ))
        })?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let reason = stderr
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("fatal: ");
        return Err(fail(format!(
            "git cannot show it: {reason} (is this a git repository, does the revision exist, and is the path relative to its root or written ./PATH?)"
        )));
    }
    if out.stdout.len() as u64 > MAX_INPUT_BYTES {
        return Err(fail(format!(
            "the file is {} bytes; at most {MAX_INPUT_BYTES} are read",
            out.stdout.len()
        )));
    }
    String::from_utf8(out.stdout)
        .map_err(|_| fail("the file at that revision is not UTF-8".to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_first_then_revisions() {
        assert_eq!(
            Source::parse("Cargo.toml"),
            Source::File("Cargo.toml".into())
        );
        assert_eq!(
            Source::parse("v1.0:data/kamiless.yaml"),
            Source::Revision {
                rev: "v1.0".into(),
                path: "data/kamiless.yaml".into()
            }
        );
        assert_eq!(
            Source::parse("HEAD~1:./data/kamiless.yaml").base(),
            PathBuf::from("data/kamiless.yaml")
        );
        assert_eq!(
            Source::parse("missing.yaml"),
            Source::File("missing.yaml".into())
        );
        assert_eq!(Source::parse(":x"), Source::File(":x".into()));
    }
}

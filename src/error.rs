//! Errors and diagnostics, each saying where the input is at fault and what to do.

use std::fmt;
use std::path::PathBuf;

use crate::layout::LayoutError;
use crate::pdf::PdfError;
use crate::text::font::FontError;

/// How bad a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Warning,
    Error,
}

/// One finding about the input, at a position of the YAML file when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// 1-based line and column; `None` when the finding is about the whole file.
    pub position: Option<(usize, usize)>,
    pub message: String,
}

impl Diagnostic {
    /// An error at `position` (1-based line and column in characters).
    pub fn error(position: Option<(usize, usize)>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            position,
            message: message.into(),
        }
    }

    /// A warning at `position`.
    pub fn warning(position: Option<(usize, usize)>, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Warning,
            position,
            message: message.into(),
        }
    }

    /// `FILE:LINE:COL: error: message`, the form editors and CI logs link to.
    pub fn render(&self, file: &str) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.position {
            Some((line, col)) => format!("{file}:{line}:{col}: {kind}: {}", self.message),
            None => format!("{file}: {kind}: {}", self.message),
        }
    }
}

/// Everything that can stop a build.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        path: PathBuf,
        action: &'static str,
        source: std::io::Error,
    },
    /// The input has errors (and maybe warnings); all of them are listed.
    Invalid {
        path: PathBuf,
        diagnostics: Vec<Diagnostic>,
    },
    Font(FontError),
    Layout {
        path: PathBuf,
        error: LayoutError,
    },
    Pdf(PdfError),
    /// The PDF could not be signed.
    Sign(crate::sign::SignError),
    /// A setting outside the input is wrong (an environment variable).
    Usage(String),
    /// A document named `REV:PATH` could not be read from git.
    Revision {
        spec: String,
        message: String,
    },
    /// Errors were already printed one by one (a batch build).
    Reported,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io {
                path,
                action,
                source,
            } => {
                write!(f, "{}: cannot {action}: {source}", path.display())
            }
            Error::Invalid { path, diagnostics } => {
                let file = path.display().to_string();
                let lines: Vec<String> = diagnostics.iter().map(|d| d.render(&file)).collect();
                write!(f, "{}", lines.join("\n"))
            }
            Error::Font(e) => write!(f, "{e}"),
            Error::Layout { path, error } => write!(f, "{}: error: {error}", path.display()),
            Error::Pdf(e) => write!(f, "{e}"),
            Error::Sign(e) => write!(f, "{e}"),
            Error::Usage(m) => write!(f, "error: {m}"),
            Error::Revision { spec, message } => write!(f, "{spec}: error: {message}"),
            Error::Reported => write!(f, "errors were reported above"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Font(e) => Some(e),
            Error::Layout { error, .. } => Some(error),
            Error::Pdf(e) => Some(e),
            Error::Sign(e) => Some(e),
            Error::Invalid { .. } | Error::Usage(_) | Error::Revision { .. } | Error::Reported => {
                None
            }
        }
    }
}

impl From<FontError> for Error {
    fn from(e: FontError) -> Error {
        Error::Font(e)
    }
}

impl From<crate::sign::SignError> for Error {
    fn from(e: crate::sign::SignError) -> Error {
        Error::Sign(e)
    }
}

impl From<PdfError> for Error {
    fn from(e: PdfError) -> Error {
        Error::Pdf(e)
    }
}

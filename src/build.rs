//! The whole pipeline: read, check, lay out, write.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::check;
use crate::error::{Diagnostic, Error, Severity};
use crate::layout::{self, Orientation, Style};
use crate::model::{Date, Document};
use crate::pdf::{self, Metadata};
use crate::positions::Positions;
use crate::text::font::{FontFace, FontSet};

/// Choices that are not part of the document.
#[derive(Debug, Clone, Default)]
pub struct BuildOptions {
    pub orientation: Orientation,
    /// A regular face to use instead of the bundled one (overrides `fonts:` in the YAML).
    pub font: Option<PathBuf>,
    pub bold_font: Option<PathBuf>,
    /// Stamp a diagonal draft watermark on every page.
    pub draft: bool,
    /// Write PDF/A-2b.
    pub pdfa: bool,
    /// Creation and modification date in seconds since 1970 (the reproducible-builds
    /// `SOURCE_DATE_EPOCH`); `document.date` when not set.
    pub source_date_epoch: Option<i64>,
}

/// A finished PDF.
#[derive(Debug)]
pub struct Built {
    pub bytes: Vec<u8>,
    pub pages: usize,
    /// Warnings found while checking the input.
    pub warnings: Vec<Diagnostic>,
    /// Time spent in each phase, in pipeline order.
    pub timings: Vec<(&'static str, Duration)>,
}

/// A parsed input file and where each of its nodes is.
#[derive(Debug)]
pub struct Input {
    pub path: PathBuf,
    pub document: Document,
    pub positions: Positions,
}

impl Input {
    /// Parses YAML text as if read from `path`. Syntax and type errors come back as
    /// a diagnostic with the line and column.
    pub fn from_yaml(path: &Path, text: &str) -> Result<Input, Error> {
        let invalid = |position, message: String| Error::Invalid {
            path: path.to_path_buf(),
            diagnostics: vec![Diagnostic::error(Some(position), message)],
        };
        // Editors on Windows like to start UTF-8 files with a byte order mark.
        let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
        if let Some(position) = too_deep(text) {
            return Err(invalid(
                position,
                format!(
                    "brackets nest more than {MAX_FLOW_DEPTH} levels deep; this format needs a handful at most"
                ),
            ));
        }
        // libyaml rejects these without a line number; say where and what to do.
        if let Some((position, c)) = first_control(text) {
            return Err(invalid(
                position,
                format!(
                    "control character U+{:04X} is not allowed in YAML; remove it (disclosure-pdf fix --write does)",
                    c as u32
                ),
            ));
        }
        let document = Document::from_yaml(text).map_err(|e| Error::Invalid {
            path: path.to_path_buf(),
            diagnostics: vec![Diagnostic::error(
                e.location().map(|l| (l.line(), l.column())),
                yaml_message(&e),
            )],
        })?;
        Ok(Input {
            path: path.to_path_buf(),
            document,
            positions: Positions::of(text),
        })
    }
}

/// The deepest `[`/`{` nesting accepted. libyaml's time grows with the square of the
/// nesting depth (100,000 unclosed brackets took 43 s), and the format itself needs
/// three levels.
pub const MAX_FLOW_DEPTH: usize = 200;

/// Where flow brackets first nest deeper than [`MAX_FLOW_DEPTH`], if they do. Counts
/// every ASCII bracket, quoted or not: legitimate text never comes near the limit.
fn first_control(text: &str) -> Option<((usize, usize), char)> {
    let (mut line, mut col) = (1, 0);
    for c in text.chars() {
        col += 1;
        if c == '\n' {
            (line, col) = (line + 1, 0);
        } else if c.is_control() && c != '\t' && c != '\r' && c != '\u{85}' {
            return Some(((line, col), c));
        }
    }
    None
}

fn too_deep(text: &str) -> Option<(usize, usize)> {
    let (mut depth, mut line, mut col) = (0usize, 1, 0);
    for c in text.chars() {
        col += 1;
        match c {
            '\n' => (line, col) = (line + 1, 0),
            '[' | '{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some((line, col));
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

/// The largest input read. A disclosure document is some tens of kilobytes and the
/// 40,000-item benchmark document 29 MB; the limit keeps a wrong file (a log, a
/// disk image) from taking the machine's memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads and parses a YAML file.
pub fn load(path: &Path) -> Result<Input, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        action: "read the input",
        source,
    };
    let invalid = |position, message: String| Error::Invalid {
        path: path.to_path_buf(),
        diagnostics: vec![Diagnostic::error(position, message)],
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(invalid(
            None,
            format!(
                "the file is {:.1} MB; at most {} MB is read (is this the right file?)",
                size as f64 / 1e6,
                MAX_INPUT_BYTES / 1024 / 1024
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Up to `valid_up_to` the bytes are valid UTF-8 by definition.
        let before = std::str::from_utf8(good).unwrap_or_default();
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let byte = e.as_bytes()[good.len()];
        invalid(
            Some((line, col)),
            format!(
                "byte 0x{byte:02X} is not UTF-8; save the file as UTF-8 (not Shift_JIS or UTF-16)"
            ),
        )
    })?;
    if text.trim().is_empty() {
        return Err(invalid(
            None,
            "the file is empty; it needs `document:` and `categories:` (see the README for the format)".into(),
        ));
    }
    Input::from_yaml(path, &text)
}

/// serde_yaml's message without its own " at line X column Y" suffix (we print the
/// position in front, where editors look for it).
fn yaml_message(e: &serde_yaml::Error) -> String {
    let msg = e.to_string();
    let mut msg = match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    if msg.contains("cannot start any token") {
        msg.push_str(" (a tab? YAML indents with spaces only)");
    }
    match did_you_mean(&msg) {
        Some(key) => format!("{msg}; did you mean `{key}`?"),
        None => msg,
    }
}

/// For serde's "unknown field `contnet`, expected one of `no`, `title`, …", the
/// expected key closest to the unknown one, if it is a near miss.
fn did_you_mean(msg: &str) -> Option<&str> {
    let rest = msg.split("unknown field `").nth(1)?;
    let (unknown, expected) = rest.split_once('`')?;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|key| (strsim::levenshtein(unknown, key), key))
        .filter(|(d, key)| *d <= 2.max(key.len() / 3))
        .min()
        .map(|(_, key)| key)
}

/// The fonts for `doc`: options first, then the YAML's `fonts:` (relative to the
/// YAML file), then the bundled BIZ UDPGothic.
pub fn fonts_for(doc: &Document, input: &Path, opts: &BuildOptions) -> Result<FontSet, Error> {
    let base = input.parent().unwrap_or(Path::new("."));
    let from_yaml = |pick: fn(&crate::model::FontPaths) -> &Option<PathBuf>| {
        doc.fonts
            .as_ref()
            .and_then(|f| pick(f).as_ref())
            .map(|p| base.join(p))
    };
    let regular = opts.font.clone().or_else(|| from_yaml(|f| &f.regular));
    let bold = opts.bold_font.clone().or_else(|| from_yaml(|f| &f.bold));
    let bundled = FontSet::bundled();
    let load = |path: Option<PathBuf>, fallback: FontFace| -> Result<FontFace, Error> {
        Ok(match path {
            Some(p) => FontFace::from_path(&p)?,
            None => fallback,
        })
    };
    Ok(FontSet {
        regular: load(regular, bundled.regular)?,
        bold: load(bold, bundled.bold)?,
    })
}

/// Phase timings for `--timings`. Phases may run side by side (checking beside
/// layout, font subsetting beside page writing), so they can add up to more than
/// the whole.
struct Clock(std::sync::Mutex<(Vec<(&'static str, Duration)>, Instant)>);

impl Clock {
    fn start() -> Clock {
        Clock(std::sync::Mutex::new((Vec::new(), Instant::now())))
    }

    /// Ends phase `name` now: its time is from the end of the phase before.
    fn lap(&self, name: &'static str) {
        let now = Instant::now();
        // The lock is only poisoned if a thread panicked while pushing; the list
        // is still a valid list then.
        let mut inner = self.0.lock().unwrap_or_else(|e| e.into_inner());
        let took = now - inner.1;
        inner.0.push((name, took));
        inner.1 = now;
    }

    /// Records a phase that ran beside the others and took `took`.
    fn record(&self, name: &'static str, took: Duration) {
        let mut inner = self.0.lock().unwrap_or_else(|e| e.into_inner());
        inner.0.push((name, took));
    }

    fn timings(self) -> Vec<(&'static str, Duration)> {
        self.0.into_inner().unwrap_or_else(|e| e.into_inner()).0
    }
}

/// Checks `doc`, then lays it out and writes the PDF. Refuses to build on any error.
pub fn build_pdf(input: &Input, opts: &BuildOptions) -> Result<Built, Error> {
    let doc = &input.document;
    let clock = Clock::start();
    let fonts = fonts_for(doc, &input.path, opts)?;
    clock.lap("fonts");
    let style = Style::a4(opts.orientation);
    let layout_error = |error| Error::Layout {
        path: input.path.clone(),
        error,
    };
    // Checking and layout are independent: the layout runs while the document is
    // checked, and is thrown away if the check finds errors (whose messages say
    // more than a layout error would). A document with titles longer than the
    // layout is built for is checked first (see `check::fits_layout`).
    let checking = || {
        let start = Instant::now();
        let diagnostics = check::check(doc, &fonts, &input.positions);
        (diagnostics, start.elapsed())
    };
    let lay_out = || layout::layout_document(doc, &fonts, &style);
    let ((diagnostics, check_took), laid) = if check::fits_layout(doc) {
        rayon::join(checking, lay_out)
    } else {
        let checked = checking();
        if checked.0.iter().any(|d| d.severity == Severity::Error) {
            return Err(Error::Invalid {
                path: input.path.clone(),
                diagnostics: checked.0,
            });
        }
        (checked, lay_out())
    };
    clock.record("check", check_took);
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(Error::Invalid {
            path: input.path.clone(),
            diagnostics,
        });
    }
    let mut laid = laid.map_err(layout_error)?;
    if opts.draft {
        let phrases = doc.document.language.phrases();
        layout::add_watermark(&mut laid.pages, &fonts, phrases.draft, &style)
            .map_err(layout_error)?;
    }
    // Includes any wait for the check.
    clock.lap("layout");
    let mut meta = metadata(doc);
    meta.pdfa = opts.pdfa;
    if let Some(epoch) = opts.source_date_epoch {
        meta.date_epoch = epoch;
    }
    let pages = laid.pages.len();
    let bytes = pdf::write(laid, &fonts, &meta, &|name| clock.lap(name))?;
    Ok(Built {
        bytes,
        pages,
        warnings: diagnostics,
        timings: clock.timings(),
    })
}

/// The PDF metadata of `doc`.
pub fn metadata(doc: &Document) -> Metadata {
    let d = &doc.document;
    let subject = match &d.scope {
        Some(scope) => format!("{}（{}）", d.service, scope),
        None => d.service.clone(),
    };
    let language = d.language.pdf_tag();
    Metadata {
        title: d.title.clone(),
        author: d.issuer.clone(),
        subject,
        keywords: doc.categories.iter().map(|c| c.title.clone()).collect(),
        date_epoch: Date::parse(&d.date).map_or(0, |date| date.days_since_epoch() * 86_400),
        language,
        pdfa: false,
    }
}

/// Formats a duration for humans: `12.3 ms`.
pub fn format_duration(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

//! The input gate: reads a YAML file and checks it, once, for every command.
//!
//! `check`, `build` and `fix`'s callers go through [`read`] (or [`check_text`] for
//! text already in memory): size, encoding, byte order mark, control characters,
//! nesting, YAML syntax and types (with readable messages and indentation
//! mistakes placed where they are), then every rule of the format over every
//! printed field, and the fonts' coverage of the document and of the tool's own
//! phrases. What comes out is a [`Checked`] document that layout may trust: a
//! character the fonts cannot draw never reaches it.
//!
//! - `read`: the file's bytes, limits and the pre-parse checks;
//! - `yaml`: serde_yaml's messages made readable, indentation mistakes;
//! - `lines`: the file line by line (keys, values, comments, text blocks);
//! - `positions`: the line and column of every node and character, and the
//!   document from the same parse;
//! - `rules`: the format's rules and font coverage;
//! - `table`: the table's rules (categories or a flat list, columns, items);
//! - `pictures`: the pictures the text refers to, read and decoded;
//! - `artifacts`: copy-paste artifacts and the `fix` rewrite;
//! - `revision`: a document given as a file or as `REV:PATH` in git.

pub mod artifacts;
pub mod lines;
pub mod pictures;
pub mod positions;
pub mod read;
pub mod revision;
pub mod rules;
pub mod table;
pub mod yaml;

use std::path::{Path, PathBuf};

use crate::error::{Diagnostic, Error, Severity};
use crate::model::Document;
use crate::text::font::{FontFace, FontSet};
use positions::Positions;

pub use read::{MAX_FLOW_DEPTH, MAX_INPUT_BYTES};

/// What the check depends on besides the file.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A regular face to use instead of the YAML's `fonts:` or the bundled one.
    pub font: Option<PathBuf>,
    pub bold_font: Option<PathBuf>,
    /// The draft watermark will be printed (its text must be drawable too).
    pub draft: bool,
}

/// A document that passed every check, with the fonts it was checked against.
#[derive(Debug)]
pub struct Checked {
    pub path: PathBuf,
    pub document: Document,
    pub fonts: FontSet,
    /// Warnings, in file order.
    pub warnings: Vec<Diagnostic>,
}

/// Reads and checks the file at `path`. Every problem comes back at once, in file
/// order, each at its line and column.
pub fn read(path: &Path, opts: &Options) -> Result<Checked, Error> {
    let text = read::read_text(path)?;
    check_text(path, &text, opts)
}

/// Checks YAML `text` as if read from `path` (relative font paths are resolved
/// against its folder).
pub fn check_text(path: &Path, text: &str, opts: &Options) -> Result<Checked, Error> {
    let invalid = |mut diagnostics: Vec<Diagnostic>| {
        sort(&mut diagnostics);
        Error::Invalid {
            path: path.to_path_buf(),
            diagnostics,
        }
    };
    let text = read::precheck(path, text)?;
    let (parsed, positions) = parse(text);
    let mut document = parsed.map_err(|e| {
        // An indentation mistake makes the parser fail later and elsewhere, or
        // makes a key go missing: say where the mistake is instead.
        let mut found = yaml::indentation(text);
        if found.is_empty() {
            found.push(Diagnostic::error(
                e.location().map(|l| (l.line(), l.column())),
                yaml::message(&e),
            ));
        }
        invalid(found)
    })?;
    let fonts = fonts_for(&document, path, opts)?;
    // The index of nodes by path, which any finding needs, is built beside the
    // check (a finding's lookup waits for it).
    let ((), (mut diagnostics, fields)) = rayon::join(
        || positions.index(),
        || rules::check(&document, &fonts, &positions, opts.draft),
    );
    let (pictures, unusable) =
        pictures::load(&fields, path.parent().unwrap_or(Path::new(".")), &positions);
    drop(fields);
    diagnostics.extend(unusable);
    // A node map of a long document: freed beside the layout.
    crate::background::drop_in_background(positions);
    document.pictures = pictures;
    if diagnostics.iter().any(|d| d.severity == Severity::Error) {
        return Err(invalid(diagnostics));
    }
    sort(&mut diagnostics);
    Ok(Checked {
        path: path.to_path_buf(),
        document,
        fonts,
        warnings: diagnostics,
    })
}

/// The document and the positions of its nodes. One yaml-rust2 parse gives
/// both where the text is written in the subset of YAML that
/// [`Document::from_events`] reads as serde_yaml does; a text it leaves to
/// serde_yaml (or one with an error, for serde_yaml's message) is parsed by
/// serde_yaml, beside the positions' parse when the text shows it will be.
fn parse(text: &str) -> (Result<Document, serde_yaml::Error>, Positions) {
    if Document::may_read_events(text) {
        let (positions, doc) = Positions::with_document(text);
        return (doc.map_or_else(|| Document::from_yaml(text), Ok), positions);
    }
    // The second parse for positions runs beside serde's, which takes longer
    // (serde_yaml reads a long file at about two thirds of yaml-rust2's speed):
    // the index of nodes by path is built in that time.
    rayon::join(
        || Document::from_yaml(text),
        || {
            let positions = Positions::of(text);
            positions.index();
            positions
        },
    )
}

/// File order: by position, findings about the whole file first, then errors
/// before warnings at one place (stable otherwise).
fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.position, std::cmp::Reverse(d.severity)));
}

/// The fonts for `doc`: options first, then the YAML's `fonts:` (relative to the
/// YAML file), then the bundled BIZ UDPGothic.
pub fn fonts_for(doc: &Document, input: &Path, opts: &Options) -> Result<FontSet, Error> {
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

//! Layout: turns a [`Document`](crate::model::Document) into pages of positioned
//! text runs, rules, filled boxes and link areas.
//!
//! Nothing here knows about PDF. Coordinates are points from the top-left corner of
//! the page, y downwards; the PDF writer flips them. Tests inspect these pages
//! directly instead of parsing a PDF.

pub mod align;
pub mod block;
pub mod columns;
pub mod document;
pub mod flow;
pub mod grid;
pub mod revisions;
pub mod structure;
pub mod style;
pub mod table;

use crate::text::font::{FontStyle, MissingGlyph};
use crate::units::Pt;

pub use document::{Layout, add_watermark, layout_document};
pub use structure::{Artifact, NodeId, Role, Scope, Structure, Tag};
pub use style::{Orientation, Style};

/// An RGB colour, components 0–1.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Color(pub f32, pub f32, pub f32);

impl Color {
    pub const BLACK: Color = Color(0.0, 0.0, 0.0);

    pub const fn gray(v: f32) -> Color {
        Color(v, v, v)
    }
}

/// A glyph placed in a run. Eight bytes: a long document holds millions of them,
/// and their number and size decide the build's memory and much of its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunGlyph {
    /// The character it stands for, for the PDF text layer (ToUnicode).
    pub ch: char,
    /// Glyph id in the full font.
    pub gid: u16,
    /// Extra space before it in 1/1000 em (和欧間, a [`MilliEm`](crate::units::MilliEm)
    /// narrowed to two bytes to keep the glyph at eight); 0 for a run's first glyph.
    pub space_before: i16,
}

/// A run of glyphs in one font, size and colour on one baseline.
#[derive(Debug, Clone, PartialEq)]
pub struct TextRun {
    /// Left end of the first glyph's advance.
    pub x: Pt,
    pub baseline: Pt,
    pub size: Pt,
    pub style: FontStyle,
    pub color: Color,
    /// Advance width of the whole run, spaces included.
    pub width: Pt,
    /// Extra space after every glyph but the last (PDF character spacing `Tc`):
    /// the even part of justification.
    pub spacing: Pt,
    pub glyphs: Vec<RunGlyph>,
    /// Ignorable characters (variation selectors, joiners) that follow glyph `i`:
    /// drawn as nothing but part of the text layer. Rare, so kept aside.
    pub trailing: Vec<(u32, Box<str>)>,
    /// The structure element the run is content of, or why it is not content.
    pub tag: Tag,
    /// Extra space after the last glyph (1/1000 em) up to the next run of the
    /// line, when that gap is 和欧間 (`space_before` of what follows): the PDF
    /// writer carries it in the glyph's advance rather than leave a gap that
    /// text extraction reads as a space.
    pub gap_after: i16,
}

impl TextRun {
    /// The run's source text, as it will read in the PDF text layer.
    pub fn text(&self) -> String {
        (0..self.glyphs.len()).map(|i| self.glyph_text(i)).collect()
    }

    /// The source text glyph `i` stands for: its character and any that trail it.
    pub fn glyph_text(&self, i: usize) -> String {
        let mut s = String::new();
        if let Some(g) = self.glyphs.get(i) {
            s.push(g.ch);
        }
        for (_, t) in self.trailing.iter().filter(|(at, _)| *at as usize == i) {
            s.push_str(t);
        }
        s
    }
}

/// An axis-aligned rectangle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: Pt,
    pub y: Pt,
    pub width: Pt,
    pub height: Pt,
}

/// Something drawn on a page.
#[derive(Debug, Clone, PartialEq)]
pub enum Element {
    Text(TextRun),
    /// A straight line from `from` to `to`.
    Rule {
        from: (Pt, Pt),
        to: (Pt, Pt),
        width: Pt,
        color: Color,
    },
    /// A filled rectangle (header shading).
    Fill {
        rect: Rect,
        color: Color,
    },
    /// A clickable area that opens `uri`; `tag` is the element its text is in.
    Link {
        rect: Rect,
        uri: String,
        tag: Tag,
    },
    /// A picture scaled into `rect`; `alt` is its alternate text, `tag` the
    /// element it is in.
    Picture {
        rect: Rect,
        picture: std::sync::Arc<crate::model::picture::Picture>,
        alt: String,
        tag: Tag,
    },
    /// Text turned by `angle` degrees (counter-clockwise) about its origin
    /// (`run.x`, `run.baseline`), drawn under everything else: the draft watermark.
    Stamp {
        run: TextRun,
        angle: f32,
    },
}

impl Element {
    /// The element with its content tagged `tag` (rules and fills are never
    /// content).
    pub fn tagged(mut self, tag: Tag) -> Element {
        match &mut self {
            Element::Text(run) => run.tag = tag,
            Element::Link { tag: t, .. } | Element::Picture { tag: t, .. } => *t = tag,
            Element::Rule { .. } | Element::Fill { .. } | Element::Stamp { .. } => {}
        }
        self
    }

    /// The element moved by (`dx`, `dy`).
    pub fn shifted(mut self, dx: Pt, dy: Pt) -> Element {
        match &mut self {
            Element::Text(run) | Element::Stamp { run, .. } => {
                run.x += dx;
                run.baseline += dy;
            }
            Element::Rule { from, to, .. } => {
                *from = (from.0 + dx, from.1 + dy);
                *to = (to.0 + dx, to.1 + dy);
            }
            Element::Fill { rect, .. }
            | Element::Link { rect, .. }
            | Element::Picture { rect, .. } => {
                rect.x += dx;
                rect.y += dy;
            }
        }
        self
    }
}

/// A place in the document: page index (0-based) and y from the page top.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Anchor {
    pub page: usize,
    pub y: Pt,
}

/// An entry of the document outline (PDF bookmarks).
#[derive(Debug, Clone, PartialEq)]
pub struct Bookmark {
    pub title: String,
    pub at: Anchor,
    pub children: Vec<Bookmark>,
}

/// One laid-out page.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub width: Pt,
    pub height: Pt,
    pub elements: Vec<Element>,
}

impl Page {
    /// The text runs of the page, in drawing order.
    pub fn runs(&self) -> impl Iterator<Item = &TextRun> {
        self.elements.iter().filter_map(|e| match e {
            Element::Text(t) => Some(t),
            _ => None,
        })
    }

    /// Every run drawn, stamps first, with its rotation in degrees (0 for text).
    pub fn all_runs(&self) -> impl Iterator<Item = (&TextRun, f32)> {
        let stamps = self.elements.iter().filter_map(|e| match e {
            Element::Stamp { run, angle } => Some((run, *angle)),
            _ => None,
        });
        stamps.chain(self.runs().map(|r| (r, 0.0)))
    }

    /// All text of the page, runs separated by newlines (for tests and checks).
    pub fn text(&self) -> String {
        self.runs().map(|r| r.text() + "\n").collect()
    }
}

/// Why a document could not be laid out.
///
/// The input check refuses, before layout, a document with a character the fonts
/// cannot draw, in its own text or in a fixed phrase of its language
/// ([`Phrases::printed`](crate::locale::Phrases::printed)). A missing glyph here is
/// therefore an internal error: a gap in that check.
#[derive(Debug, Clone, PartialEq)]
pub enum LayoutError {
    /// A character none of the fonts can draw; `place` says where it occurs.
    MissingGlyph { ch: char, place: String },
    /// The columns do not fit the page (too many, or fixed widths too wide).
    Columns { message: String },
}

impl LayoutError {
    /// The mapping of a font's [`MissingGlyph`] to this error at `place`, for
    /// `map_err`: `layout_text(..).map_err(LayoutError::missing("the page number"))`.
    pub fn missing(place: impl Into<String>) -> impl FnOnce(MissingGlyph) -> LayoutError {
        let place = place.into();
        move |MissingGlyph(ch)| LayoutError::MissingGlyph { ch, place }
    }

    /// Like [`missing`](Self::missing), with the place worked out only if the
    /// error happens: for the calls made once per row, where formatting every
    /// place up front costs more than setting the text.
    pub fn missing_at(place: impl FnOnce() -> String) -> impl FnOnce(MissingGlyph) -> LayoutError {
        move |MissingGlyph(ch)| LayoutError::MissingGlyph { ch, place: place() }
    }
}

impl std::fmt::Display for LayoutError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LayoutError::MissingGlyph { ch, place } => write!(
                f,
                "internal error: the font has no glyph for {ch:?} (U+{:04X}) in {place}; \
                 the input check should have caught this, please report it",
                *ch as u32
            ),
            LayoutError::Columns { message } => f.write_str(message),
        }
    }
}

impl std::error::Error for LayoutError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_glyph_reads_as_an_internal_error_with_its_place() {
        let err = LayoutError::missing("the fixed phrase \"（続き）\"")(MissingGlyph('続'));
        assert_eq!(
            err.to_string(),
            "internal error: the font has no glyph for '続' (U+7D9A) in the fixed phrase \
             \"（続き）\"; the input check should have caught this, please report it"
        );
    }
}

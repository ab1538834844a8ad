//! PDF writing: turns laid-out [`Page`]s into PDF bytes.
//!
//! The files of this module, in the order a document passes through them:
//!
//! - `mod.rs` (here): [`write`], which runs the parts below (font subsetting beside
//!   page writing), [`Metadata`] and [`PdfError`];
//! - `subset`: font subsets of the glyphs used (with `subsetter`), and `hinting`,
//!   which strips the TrueType instructions from them;
//! - `content`: page content streams, written directly as operators;
//! - `coords`: the y-axis flip from layout (y down from the top) to PDF (y up);
//! - `shell`: the document shell around our pages (catalogue, page tree, Info)
//!   from the one dependency that builds it, with every patch of its output; the
//!   only file that uses that dependency;
//! - `sfnt`: the TrueType container both of them rewrite (`widen` adds widened
//!   glyph copies);
//! - `fonts`: the font objects, with widths and a ToUnicode map from the source text;
//! - `tags`: the structure tree of the tagged PDF over the pages' marked content,
//!   and the link annotations its Link elements point to;
//! - `catalog`: what the catalogue gets from us: outline, XMP, PDF/A output intent
//!   (`icc`: its sRGB profile), `/Lang` and viewer preferences;
//! - `deflate`: the one builder of compressed streams;
//! - `syntax`: numbers, strings and objects as PDF bytes;
//! - `file`: the file, with object streams built in parallel and a content-hash `/ID`.

mod catalog;
mod content;
mod coords;
mod deflate;
mod file;
mod fonts;
mod hinting;
mod icc;
mod pictures;
mod sfnt;
mod shell;
mod subset;
pub mod syntax;
mod tags;
mod widen;

use lopdf::{Dictionary, ObjectId};
use rayon::prelude::*;

use crate::layout::{Layout, Page};
use crate::text::font::FontSet;
use content::FontRef;
use fonts::GlyphUse;

/// Document-level facts written into the PDF.
#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub title: String,
    pub author: String,
    pub subject: String,
    pub keywords: Vec<String>,
    /// Seconds since 1970-01-01 UTC, for the creation and modification dates.
    pub date_epoch: i64,
    /// BCP 47 language, e.g. `ja-JP`.
    pub language: String,
    /// Write PDF/A-2b: XMP identification, sRGB output intent, PDF 1.7.
    pub pdfa: bool,
}

/// Why the PDF could not be written.
#[derive(Debug)]
pub enum PdfError {
    /// A font face could not be subset or its subset not read back.
    Subset {
        /// The face's name.
        font: String,
        /// What went wrong, from the subsetter or the font parser.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The document date cannot be written as a PDF date.
    Date {
        /// The date, in seconds since 1970-01-01 UTC.
        epoch: i64,
        /// Why, as the date conversion says it.
        reason: &'static str,
    },
    /// The document shell lacks a part we fill in: its builder's output changed
    /// (see `shell`).
    Shell {
        /// The missing part.
        missing: &'static str,
    },
}

impl std::fmt::Display for PdfError {
    /// One line, with the cause's message (the command line prints only this).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("cannot write the PDF: ")?;
        match self {
            PdfError::Subset { font, source } => write!(f, "subsetting {font}: {source}"),
            PdfError::Date { reason, .. } => write!(f, "date out of range: {reason}"),
            PdfError::Shell { missing } => write!(f, "the document shell has no {missing}"),
        }
    }
}

impl std::error::Error for PdfError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PdfError::Subset { source, .. } => Some(source.as_ref()),
            PdfError::Date { .. } | PdfError::Shell { .. } => None,
        }
    }
}

/// The creator/producer string.
pub const PRODUCER: &str = concat!("disclosure-pdf ", env!("CARGO_PKG_VERSION"));

/// Reports the end of a phase (for `--timings`); callable from any thread.
pub type Lap<'a> = &'a (dyn Fn(&'static str) + Sync);

/// Writes `layout` as a PDF. `lap` is called with a phase name as each phase ends
/// (page content, PDF objects, font subsetting, file).
///
/// The work is split between us and the `shell` dependency by cost: we subset the
/// fonts, write the page content streams and the font objects (the parts that grow
/// with the text); `shell` builds the document around them (catalogue, page tree,
/// Info), `tags` the structure tree and link annotations, and `file` writes it out. The fonts are subset and
/// deflated (a few milliseconds for the regular face) while the pages are written
/// and the document is built: the new glyph ids are known beforehand.
pub fn write(
    layout: Layout,
    fonts: &FontSet,
    meta: &Metadata,
    lap: Lap<'_>,
) -> Result<Vec<u8>, PdfError> {
    let uses = GlyphUse::collect(&layout.pages, fonts);
    let pictures = pictures::collect(&layout.pages);
    let maps: Vec<Vec<u16>> = uses.iter().map(|u| subset::gid_map(&u.gids())).collect();
    // rayon::join, not a thread of our own: waiting in it lets this thread help
    // with the other side's work (a plain join would block a pool thread, and in a
    // batch build every pool thread could end up blocked).
    let (subsets, document) = rayon::join(
        || fonts::subset_all(&uses, fonts),
        || document(layout, fonts, &uses, &maps, &pictures, meta, lap),
    );
    let Assembled {
        doc: mut lo,
        elements,
        resources,
        tables,
    } = document?;
    let subsets = subsets?;
    lap("subset fonts");

    let mut font_dict = Dictionary::new();
    for ((u, sub), tables) in uses.iter().zip(subsets).zip(tables) {
        let id = fonts::add_font(&mut lo, fonts.face(u.style), sub, tables);
        font_dict.set(fonts::resource_name(u.style), id);
    }
    let images = (!pictures.is_empty()).then(|| pictures::add(&mut lo, &pictures));
    if let Some(Ok(resources)) = resources.map(|id| lo.get_object_mut(id))
        && let Ok(resources) = resources.as_dict_mut()
    {
        resources.set("Font", font_dict);
        if let Some(images) = images {
            resources.set("XObject", images);
        }
    }

    let out = file::write(&lo, &elements);
    crate::background::drop_in_background((lo, elements));
    lap("serialise");
    Ok(out)
}

/// Everything of the document but the fonts: the page content streams (written
/// and deflated on all cores), the `shell` (page tree and Info), the structure tree
/// and link annotations of `tags`, and the catalogue entries of `catalog`.
fn document(
    mut layout: Layout,
    faces: &FontSet,
    uses: &[GlyphUse],
    maps: &[Vec<u16>],
    pictures: &[std::sync::Arc<crate::model::picture::Picture>],
    meta: &Metadata,
    lap: Lap<'_>,
) -> Result<Assembled, PdfError> {
    let refs: Vec<FontRef<'_>> = uses
        .iter()
        .zip(maps)
        .map(|(u, gids)| FontRef {
            style: u.style,
            resource: fonts::resource_name(u.style),
            gids,
            widened: u,
        })
        .collect();
    let structure = &layout.structure;
    // The shell needs only the pages' sizes and links, and the fonts' widths
    // and ToUnicode maps only the glyphs used: they are made while the content
    // streams are written on the other core.
    let ((contents, marks), (shell, tables)) = rayon::join(
        || {
            layout
                .pages
                .par_iter()
                .map(|p| {
                    let c = content::page_content(p, &refs, pictures, structure);
                    (
                        deflate::stream_at(Dictionary::new(), c.bytes, deflate::Level::Fast),
                        (c.marked, c.link_texts, c.objects),
                    )
                })
                .unzip::<_, _, Vec<lopdf::Stream>, Vec<_>>()
        },
        || {
            rayon::join(
                || shell::build(&layout.pages, meta),
                || {
                    uses.par_iter()
                        .zip(maps)
                        .map(|(u, gids)| fonts::FontTables::of(faces.face(u.style), u, gids))
                        .collect::<Vec<_>>()
                },
            )
        },
    );
    let mut marked = Vec::with_capacity(marks.len());
    let mut link_texts = Vec::with_capacity(marks.len());
    let mut objects = Vec::with_capacity(marks.len());
    for (m, l, o) in marks {
        marked.push(m);
        link_texts.push(l);
        objects.push(o);
    }
    let mut shell = shell?;
    shell.install(contents)?;
    lap("page content");

    // The pages' runs are written. Freeing millions of them takes a while (and at
    // 40,000 items made the allocator consolidate a gigabyte of small chunks in the
    // next phase), so it happens on another thread while the document is built;
    // the structure tree only needs the links and pictures, which the writer of
    // each page kept (looking for them again here touched every element of
    // every page, a serial 5 ms at 3,800 items).
    let written = std::mem::take(&mut layout.pages);
    layout.pages = written
        .iter()
        .zip(objects)
        .map(|(p, elements)| Page {
            width: p.width,
            height: p.height,
            elements,
        })
        .collect();
    crate::background::drop_in_background(written);

    let shell::Shell {
        doc: mut lo,
        resources,
        ..
    } = shell;
    let mut elements = tags::write(
        &mut lo,
        &layout.structure,
        &layout.pages,
        &marked,
        &link_texts,
    );
    elements.extend(catalog::finish(&mut lo, &layout, meta));
    crate::background::drop_in_background(layout);
    lap("pdf objects");
    Ok(Assembled {
        doc: lo,
        elements,
        resources,
        tables,
    })
}

/// The document without its fonts, as [`document`] leaves it.
struct Assembled {
    doc: lopdf::Document,
    /// The structure elements and outline entries, serialised (see `tags::write`
    /// and `catalog::finish`).
    elements: Vec<(ObjectId, Vec<u8>)>,
    /// The resource dictionary the pages share, which the fonts go into.
    resources: Option<ObjectId>,
    /// Each used face's widths and ToUnicode map, in the order of the uses.
    tables: Vec<fonts::FontTables>,
}

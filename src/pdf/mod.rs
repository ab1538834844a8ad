//! PDF writing: turns laid-out [`Page`]s into PDF bytes.
//!
//! - `subset`: font subsets of the glyphs used (with `subsetter`), without hinting;
//! - `content`: page content streams, written directly as operators;
//! - `fonts`: the font objects, with widths and a ToUnicode map from the source text;
//! - `catalog`: outline, XMP, PDF/A output intent and the content-derived `/ID`;
//! - printpdf builds the document around these;
//! - `file`: the file, with object streams built in parallel and a content-hash `/ID`.

mod catalog;
mod content;
mod deflate;
mod file;
mod fonts;
mod hinting;
mod icc;
mod subset;
mod syntax;

use lopdf::{Dictionary, Object, ObjectId};
use printpdf::{
    Actions, BorderArray, ColorArray, LinkAnnotation, Op, PdfDocument, PdfPage, PdfSaveOptions,
};
use rayon::prelude::*;

use crate::layout::{Element, Layout, Page};
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
pub struct PdfError(pub String);

impl std::fmt::Display for PdfError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot write the PDF: {}", self.0)
    }
}

impl std::error::Error for PdfError {}

/// The creator/producer string.
pub const PRODUCER: &str = concat!("disclosure-pdf ", env!("CARGO_PKG_VERSION"));

/// Reports the end of a phase (for `--timings`); callable from any thread.
pub type Lap<'a> = &'a (dyn Fn(&'static str) + Sync);

/// Writes `layout` as a PDF. `lap` is called with a phase name as each phase ends
/// (page content, PDF objects, font subsetting, file).
///
/// The work is split between us and printpdf by cost: we subset the fonts, write
/// the page content streams and the font objects (the parts that grow with the
/// text); printpdf builds the document around them (catalogue, page tree, link
/// annotations, Info), and `file` writes it out. The fonts are subset and
/// deflated (a few milliseconds for the regular face) while the pages are written
/// and the document is built: the new glyph ids are known beforehand.
pub fn write(
    layout: Layout,
    fonts: &FontSet,
    meta: &Metadata,
    lap: Lap<'_>,
) -> Result<Vec<u8>, PdfError> {
    let uses = GlyphUse::collect(&layout.pages);
    let maps: Vec<Vec<u16>> = uses.iter().map(|u| subset::gid_map(&u.gids())).collect();
    // rayon::join, not a thread of our own: waiting in it lets this thread help
    // with the other side's work (a plain join would block a pool thread, and in a
    // batch build every pool thread could end up blocked).
    let (subsets, document) = rayon::join(
        || fonts::subset_all(&uses, fonts),
        || document(layout, &uses, &maps, meta, lap),
    );
    let Assembled {
        doc: mut lo,
        resources,
        freeing,
    } = document?;
    let subsets = subsets?;
    lap("subset fonts");

    let mut font_dict = Dictionary::new();
    for (u, sub) in uses.iter().zip(subsets) {
        let id = fonts::add_font(&mut lo, fonts.face(u.style), u, sub);
        font_dict.set(fonts::resource_name(u.style), id);
    }
    if let Some(Ok(resources)) = resources.map(|id| lo.get_object_mut(id))
        && let Ok(resources) = resources.as_dict_mut()
    {
        resources.set("Font", font_dict);
    }

    let out = file::write(&lo);
    // A panic while freeing cannot leave anything behind worth reporting.
    if let Some(freeing) = freeing {
        let _ = freeing.join();
    }
    lap("serialise");
    Ok(out)
}

/// Everything of the document but the fonts: the page content streams (written
/// and deflated on all cores), printpdf's page tree, annotations and Info, and the
/// catalogue entries of `catalog`.
fn document(
    mut layout: Layout,
    uses: &[GlyphUse],
    maps: &[Vec<u16>],
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
        })
        .collect();
    let contents: Vec<lopdf::Stream> = layout
        .pages
        .par_iter()
        .map(|p| deflate::stream(Dictionary::new(), content::page_content(p, &refs)))
        .collect();
    lap("page content");

    // The pages' runs are written. Freeing millions of them takes a while (and at
    // 40,000 items made the allocator consolidate a gigabyte of small chunks in the
    // next phase), so it happens on another thread while the document is built;
    // printpdf only needs the links.
    let written = std::mem::take(&mut layout.pages);
    layout.pages = written
        .iter()
        .map(|p| Page {
            width: p.width,
            height: p.height,
            elements: p
                .elements
                .iter()
                .filter(|e| matches!(e, Element::Link { .. }))
                .cloned()
                .collect(),
        })
        .collect();
    let freeing = std::thread::Builder::new()
        .name("free pages".into())
        .spawn(move || drop(written))
        // Without a thread to spare, the pages are freed as `spawn` fails.
        .ok();

    let mut doc = PdfDocument::new(&meta.title);
    doc.pages = layout.pages.iter().map(page_skeleton).collect();
    let info = &mut doc.metadata.info;
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = PRODUCER.to_string();
    info.producer = PRODUCER.to_string();
    let date = printpdf::OffsetDateTime::from_unix_timestamp(meta.date_epoch)
        .map_err(|e| PdfError(format!("date out of range: {e}")))?;
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false, // done by us, see `subset`
        secure: true,
        image_optimization: None,
    };
    let mut lo = doc.to_lopdf_document(&opts, &mut Vec::new());
    let resources = install_pages(&mut lo, contents)?;
    catalog::finish(&mut lo, &layout, meta);
    lap("pdf objects");
    Ok(Assembled {
        doc: lo,
        resources,
        freeing,
    })
}

/// The document without its fonts, as [`document`] leaves it.
struct Assembled {
    doc: lopdf::Document,
    /// The resource dictionary the pages share, which the fonts go into.
    resources: Option<ObjectId>,
    /// The thread freeing the written pages, if one could be started.
    freeing: Option<std::thread::JoinHandle<()>>,
}

/// A page for printpdf: its size and link annotations; the content is ours.
fn page_skeleton(page: &Page) -> PdfPage {
    let h = page.height;
    let ops = page
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Link { rect: r, uri } => Some(Op::LinkAnnotation {
                link: LinkAnnotation::new(
                    printpdf::Rect {
                        x: printpdf::Pt(r.x.0),
                        y: printpdf::Pt((h - r.y - r.height).0),
                        width: printpdf::Pt(r.width.0),
                        height: printpdf::Pt(r.height.0),
                        mode: None,
                        winding_order: None,
                    },
                    Actions::Uri(uri.clone()),
                    // No visible border: the link text is coloured instead.
                    Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                    Some(ColorArray::Transparent),
                    None,
                ),
            }),
            _ => None,
        })
        .collect();
    PdfPage::new(
        printpdf::Mm(page.width.0 * 25.4 / 72.0),
        printpdf::Mm(page.height.0 * 25.4 / 72.0),
        ops,
    )
}

/// Puts our content streams into printpdf's pages. printpdf gives every page its
/// own copy of one resource dictionary; the pages share the first instead, whose
/// id is returned (the fonts go into it once they are ready).
fn install_pages(
    doc: &mut lopdf::Document,
    contents: Vec<lopdf::Stream>,
) -> Result<Option<ObjectId>, PdfError> {
    let broken = |what: &str| PdfError(format!("printpdf wrote no {what}"));
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    if page_ids.len() != contents.len() {
        return Err(broken("page for every laid-out page"));
    }
    let mut shared: Option<ObjectId> = None;
    for (&page_id, stream) in page_ids.iter().zip(contents) {
        let page = doc
            .get_dictionary(page_id)
            .map_err(|_| broken("page dictionary"))?;
        let content_id = page
            .get(b"Contents")
            .and_then(Object::as_reference)
            .map_err(|_| broken("page content"))?;
        let resources_id = page
            .get(b"Resources")
            .and_then(Object::as_reference)
            .map_err(|_| broken("page resources"))?;
        doc.objects.insert(content_id, Object::Stream(stream));
        match shared {
            None => {
                let resources = doc
                    .get_object_mut(resources_id)
                    .and_then(Object::as_dict_mut)
                    .map_err(|_| broken("resource dictionary"))?;
                // printpdf's (empty) Font, XObject, ExtGState and Shading dictionaries.
                let mut unused = Vec::new();
                for key in [&b"Font"[..], b"XObject", b"ExtGState", b"Shading"] {
                    if let Ok(id) = resources.get(key).and_then(Object::as_reference) {
                        unused.push(id);
                    }
                    resources.remove(key);
                }
                for id in unused {
                    doc.objects.remove(&id);
                }
                shared = Some(resources_id);
            }
            Some(shared) => {
                doc.objects.remove(&resources_id);
                if let Ok(page) = doc.get_object_mut(page_id).and_then(Object::as_dict_mut) {
                    page.set("Resources", shared);
                }
            }
        }
    }
    Ok(shared)
}

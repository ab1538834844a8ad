//! PDF writing: turns laid-out [`Page`]s into PDF bytes with printpdf.
//!
//! Text is written as glyph ids of our own font subsets (Identity-H), each glyph
//! carrying the exact source characters it stands for; printpdf builds the
//! ToUnicode CMap from those, so copying text out of the PDF gives back what the
//! YAML said, never the font's idea of it (a font that draws 用 and the Kangxi
//! radical ⽤ with one glyph would otherwise turn one into the other on copy).

mod catalog;
mod hinting;
mod icc;
mod subset;

use std::collections::{BTreeMap, HashMap};

use printpdf::{
    Actions, BorderArray, Codepoint, ColorArray, FontId, LinkAnnotation, Op, ParsedFont,
    PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, TextItem, TextMatrix,
};

use crate::layout::{Color, Element, Layout, Page, Rect};
use crate::text::font::{FontSet, FontStyle};
use crate::units::Pt;

pub use subset::{Subset, subset_font};

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

/// Writes `pages` as a PDF. `lap` is called with a phase name as each phase ends
/// (font subsetting, page content, serialisation), for `--timings`.
pub fn write(
    layout: &Layout,
    fonts: &FontSet,
    meta: &Metadata,
    lap: &mut dyn FnMut(&'static str),
) -> Result<Vec<u8>, PdfError> {
    let pages = &layout.pages;
    let mut doc = PdfDocument::new(&meta.title);
    let embedded = embed_fonts(&mut doc, pages, fonts)?;
    lap("subset fonts");

    doc.pages = pages.iter().map(|p| page_ops(p, &embedded)).collect();

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

    let mut warnings = Vec::new();
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false, // done by us, see `subset`
        secure: true,
        image_optimization: None,
    };
    let mut lo = doc.to_lopdf_document(&opts, &mut warnings);
    lap("pdf objects");
    catalog::finish(&mut lo, layout, meta);
    compress_streams(&mut lo);
    lap("compress");
    catalog::set_document_id(&mut lo);
    lap("document id");
    let mut out = Vec::new();
    // Object streams (PDF 1.5) deflate the dictionaries too: the outline, fonts'
    // /W arrays and page dictionaries are a tenth of the file otherwise.
    let options = lopdf::SaveOptions::builder()
        .use_object_streams(true)
        .use_xref_streams(true)
        .compression_level(6)
        .build();
    lo.save_with_options(&mut out, options)
        .map_err(|e| PdfError(e.to_string()))?;
    lap("serialise");
    Ok(out)
}

/// A subset font registered with the document.
struct Embedded {
    id: FontId,
    gids: HashMap<u16, u16>,
}

/// Subsets each face to the glyphs the pages use and adds it to `doc`.
fn embed_fonts(
    doc: &mut PdfDocument,
    pages: &[Page],
    fonts: &FontSet,
) -> Result<BTreeMap<FontStyle, Embedded>, PdfError> {
    let mut used: BTreeMap<FontStyle, BTreeMap<u16, String>> = BTreeMap::new();
    for (run, _) in pages.iter().flat_map(Page::all_runs) {
        let glyphs = used.entry(run.style).or_default();
        for g in &run.glyphs {
            glyphs.entry(g.gid).or_insert_with(|| g.text());
        }
    }
    let mut out = BTreeMap::new();
    // The two faces subset independently; do them side by side.
    let used: Vec<(FontStyle, BTreeMap<u16, String>)> = used.into_iter().collect();
    let subsets = crate::parallel::map(&used, |(style, glyphs)| {
        let face = fonts.face(*style);
        subset_font(face.data(), glyphs)
            .map_err(|e| PdfError(format!("subsetting {}: {e}", face.name())))
    });
    for ((style, _), sub) in used.iter().zip(subsets) {
        let (style, sub) = (*style, sub?);
        let face = fonts.face(style);
        let mut warnings = Vec::new();
        let mut parsed = ParsedFont::from_bytes(&sub.bytes, 0, &mut warnings)
            .ok_or_else(|| PdfError(format!("the subset of {} does not parse", face.name())))?;
        parsed.font_name = Some(format!(
            "{}+{}",
            sub.tag,
            postscript_name(face.data(), face.name())
        ));
        // Fixed resource names keep the output reproducible (printpdf's own ids are random).
        let id = FontId(match style {
            FontStyle::Regular => "FR".into(),
            FontStyle::Bold => "FB".into(),
        });
        doc.resources
            .fonts
            .map
            .insert(id.clone(), printpdf::PdfFont::new(parsed));
        out.insert(style, Embedded { id, gids: sub.gids });
    }
    Ok(out)
}

/// The font's PostScript name, with characters a PDF name should not hold removed.
fn postscript_name(data: &[u8], fallback: &str) -> String {
    let name = ttf_parser::Face::parse(data, 0).ok().and_then(|f| {
        f.names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
    });
    let name = name.unwrap_or_else(|| fallback.to_string());
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_graphic() && !"()<>[]{}/%#".contains(*c))
        .collect();
    if clean.is_empty() {
        "Font".into()
    } else {
        clean
    }
}

fn color(c: Color) -> printpdf::Color {
    printpdf::Color::Rgb(printpdf::Rgb {
        r: c.0,
        g: c.1,
        b: c.2,
        icc_profile: None,
    })
}

/// Converts one page, flipping y (layout grows downwards, PDF upwards).
fn page_ops(page: &Page, fonts: &BTreeMap<FontStyle, Embedded>) -> PdfPage {
    let h = page.height;
    let point = |x: Pt, y: Pt| Point {
        x: printpdf::Pt(x.0),
        y: printpdf::Pt((h - y).0),
    };
    let rect = |r: &Rect| printpdf::Rect {
        x: printpdf::Pt(r.x.0),
        y: printpdf::Pt((h - r.y - r.height).0),
        width: printpdf::Pt(r.width.0),
        height: printpdf::Pt(r.height.0),
        mode: Some(printpdf::PaintMode::Fill),
        winding_order: None,
    };
    let mut ops = Vec::new();
    // Fills under everything, then rules, then text on top.
    for e in &page.elements {
        if let Element::Fill { rect: r, color: c } = e {
            ops.push(Op::SetFillColor { col: color(*c) });
            ops.push(Op::DrawRectangle { rectangle: rect(r) });
        }
    }
    for e in &page.elements {
        if let Element::Rule {
            from,
            to,
            width,
            color: c,
        } = e
        {
            ops.push(Op::SetOutlineColor { col: color(*c) });
            ops.push(Op::SetOutlineThickness {
                pt: printpdf::Pt(width.0),
            });
            ops.push(Op::DrawLine {
                line: printpdf::Line {
                    points: vec![
                        printpdf::LinePoint {
                            p: point(from.0, from.1),
                            bezier: false,
                        },
                        printpdf::LinePoint {
                            p: point(to.0, to.1),
                            bezier: false,
                        },
                    ],
                    is_closed: false,
                },
            });
        }
    }
    ops.push(Op::StartTextSection);
    let mut current: Option<(FontStyle, Pt)> = None;
    for (run, angle) in page.all_runs() {
        // Every style that has runs was embedded by `embed_fonts`.
        let Some(font) = fonts.get(&run.style) else {
            continue;
        };
        if current != Some((run.style, run.size)) {
            ops.push(Op::SetFont {
                font: PdfFontHandle::External(font.id.clone()),
                size: printpdf::Pt(run.size.0),
            });
            current = Some((run.style, run.size));
        }
        // Set on every run, even when unchanged: it also stops printpdf from
        // merging runs that share a baseline (a cell of one column and the next)
        // into one TJ with large kerns, which text extraction reads as one word.
        ops.push(Op::SetFillColor {
            col: color(run.color),
        });
        let p = point(run.x, run.baseline);
        let matrix = if angle == 0.0 {
            TextMatrix::Translate(p.x, p.y)
        } else {
            let (sin, cos) = angle.to_radians().sin_cos();
            TextMatrix::Raw([cos, sin, -sin, cos, p.x.0, p.y.0])
        };
        ops.push(Op::SetTextMatrix { matrix });
        ops.push(Op::ShowText {
            items: show_items(run, font),
        });
    }
    ops.push(Op::EndTextSection);
    for e in &page.elements {
        if let Element::Link { rect: r, uri } = e {
            ops.push(Op::LinkAnnotation {
                link: LinkAnnotation::new(
                    rect(r),
                    Actions::Uri(uri.clone()),
                    // No visible border: the link text is coloured instead.
                    Some(BorderArray::Solid([0.0, 0.0, 0.0])),
                    Some(ColorArray::Transparent),
                    None,
                ),
            });
        }
    }
    PdfPage::new(
        printpdf::Mm(page.width.0 * 25.4 / 72.0),
        printpdf::Mm(page.height.0 * 25.4 / 72.0),
        ops,
    )
}

/// The TJ items of a run. TJ offsets are subtracted from the pen position, so the
/// space before a glyph (和欧間) is a negative offset.
///
/// Plain runs go as text: printpdf maps each character through the subset's cmap and
/// builds ToUnicode from the characters themselves, one string per run rather than
/// one object per glyph. A run with characters that have no glyph of their own
/// (variation selectors) goes glyph by glyph, each glyph carrying its full text.
fn show_items(run: &crate::layout::TextRun, font: &Embedded) -> Vec<TextItem> {
    if run.glyphs.iter().any(|g| g.trailing.is_some()) {
        let glyphs = run
            .glyphs
            .iter()
            .enumerate()
            .map(|(i, g)| Codepoint {
                gid: font.gids.get(&g.gid).copied().unwrap_or(0),
                offset: -(run.space_before.get(i + 1).copied().unwrap_or(0) as f32),
                cid: Some(g.text()),
            })
            .collect();
        return vec![TextItem::GlyphIds(glyphs)];
    }
    let mut items = Vec::new();
    let mut text = String::with_capacity(run.glyphs.len() * 3);
    for (g, &space) in run.glyphs.iter().zip(&run.space_before) {
        if space != 0 && !text.is_empty() {
            items.push(TextItem::Text(std::mem::take(&mut text)));
            items.push(TextItem::Offset(-(space as f32)));
        }
        text.push(g.ch);
    }
    items.push(TextItem::Text(text));
    items
}

/// Deflates every uncompressed stream at level 6. lopdf's own `compress` uses level 9,
/// which took 12 ms of a 25 ms build for 0.5% smaller output.
fn compress_streams(doc: &mut lopdf::Document) {
    use std::io::Write;
    let mut streams: Vec<&mut lopdf::Stream> = doc
        .objects
        .values_mut()
        .filter_map(|o| match o {
            lopdf::Object::Stream(s) if s.allows_compression && !s.dict.has(b"Filter") => Some(s),
            _ => None,
        })
        .collect();
    let deflate = |content: &[u8]| -> Option<Vec<u8>> {
        let mut encoder = flate2::write::ZlibEncoder::new(
            Vec::with_capacity(content.len() / 2),
            flate2::Compression::new(6),
        );
        encoder.write_all(content).ok()?;
        encoder.finish().ok().filter(|c| c.len() < content.len())
    };
    // Streams are independent: deflate them on all cores (the font programs are the
    // big ones, so they go first into the queue).
    streams.sort_by_key(|s| std::cmp::Reverse(s.content.len()));
    let packed = crate::parallel::map(&streams, |s| deflate(&s.content));
    for (stream, packed) in streams.into_iter().zip(packed) {
        if let Some(compressed) = packed {
            stream.dict.set("Filter", "FlateDecode");
            stream.set_content(compressed);
        }
    }
}

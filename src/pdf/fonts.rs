//! Embedded fonts: which glyphs the pages use, their subsets, and the PDF font
//! objects (Type0 / Identity-H over a CID font, with `/W` widths and a ToUnicode
//! map built from the source characters).
//!
//! The ToUnicode map comes from the characters the layout shaped, not from the
//! font's cmap, so copying text out of the PDF gives back what the YAML said,
//! variation selectors included. One glyph has one entry, though: where two
//! different texts are drawn with the same glyph (a plain 葛 and 葛 with a
//! selector, or a character and its Kangxi radical look-alike in a font that maps
//! both to one glyph), both copy as the first plain one drawn. `check` warns about
//! the usual source of that, radicals pasted from old PDFs.

use std::fmt::Write as _;

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};
use rayon::prelude::*;

use super::subset::{Subset, subset_font};
use super::{PdfError, deflate};
use crate::layout::Page;
use crate::text::font::{FontFace, FontSet, FontStyle};

/// The glyphs one face draws in the document, by original glyph id, each with the
/// source text of the first place it is drawn (a plain character is preferred to
/// one carrying a variation selector: one glyph has one ToUnicode entry). Owned,
/// so that the pages can be dropped once their content is written.
pub struct GlyphUse {
    pub style: FontStyle,
    /// Original glyph id, character and source text, by ascending glyph id.
    used: Vec<(u16, char, Box<str>)>,
    /// Glyphs drawn with space after them (original glyph id, 1/1000 em), sorted:
    /// each gets a widened copy (see `widen`), numbered after the subset's own
    /// glyphs in this order. Empty for a CFF face, which keeps `TJ` offsets.
    pub widened: Vec<(u16, i16)>,
    /// The subset glyph id of the first widened copy: after .notdef and the
    /// glyphs used.
    pub widened_base: u16,
}

/// The smallest space after a glyph that goes into a widened copy, in 1/1000
/// em: every 和欧間 (at least 1/8 em) and wider justification gaps. Smaller
/// gaps stay `TJ` offsets; no reader takes a gap under a tenth of an em for
/// a space, and each distinct width is a glyph more in the font.
pub const WIDEN_MIN: i16 = 50;

/// The space to carry in the advance of glyph `k` of `run`: what the layout
/// put before the next glyph, or after the run's last one.
pub fn space_after(run: &crate::layout::TextRun, k: usize) -> i16 {
    let space = match run.glyphs.get(k + 1) {
        Some(next) => next.space_before,
        None => run.gap_after,
    };
    if space >= WIDEN_MIN { space } else { 0 }
}

impl GlyphUse {
    /// Every face used on `pages`, in style order. The pages are read on all
    /// cores (at 3,800 items this pass took 6 ms on one); what each part saw is
    /// merged in page order, so the result is the one a single pass gives.
    pub fn collect(pages: &[Page], fonts: &FontSet) -> Vec<GlyphUse> {
        // One part per core, but at least 16 pages a part: each part keeps a
        // table by glyph id (some hundred KB to zero), which a short document's
        // few pages do not repay.
        let part = pages.len().div_ceil(rayon::current_num_threads()).max(16);
        let parts: Vec<Seen<'_>> = pages
            .par_chunks(part)
            .map(|pages| {
                let mut seen = Seen::default();
                for (run, _) in pages.iter().flat_map(Page::all_runs) {
                    seen.add(run);
                }
                seen
            })
            .collect();
        let seen = parts.into_iter().reduce(Seen::then).unwrap_or_default();
        let mut uses: Vec<GlyphUse> = seen
            .faces
            .into_iter()
            .map(|(style, face)| GlyphUse {
                style,
                used: face
                    .by_gid
                    .iter()
                    .enumerate()
                    .skip(1)
                    .filter_map(|(gid, first)| {
                        let (ch, text) = first.as_ref()?.text();
                        // Glyph ids are u16 in the font, so the index fits.
                        Some((gid as u16, ch, text))
                    })
                    .collect(),
                widened: face.widened,
                widened_base: 0,
            })
            .collect();
        uses.sort_by_key(|u| u.style);
        for u in &mut uses {
            // Copies go after the subset's glyphs, whose number must be known
            // now (the pages are written while the fonts are subset): TrueType
            // without composites, whose components the subset would add.
            let face = fonts.face(u.style);
            if !u.widened.is_empty()
                && (face.composite_free() || super::sfnt::all_simple(face.data(), &u.gids()))
            {
                u.widened.par_sort_unstable();
                u.widened.dedup();
            } else {
                u.widened = Vec::new();
            }
            // At most 65,535 glyph ids exist.
            u.widened_base = (1 + u.glyphs().count()) as u16;
        }
        uses
    }

    /// The glyph id of the widened copy of `gid` with `space` after it, in a
    /// subset of these glyphs, if it has one.
    pub fn widened_gid(&self, gid: u16, space: i16) -> Option<u16> {
        let k = self.widened.binary_search(&(gid, space)).ok()?;
        // `widen` refuses more than 65,535 glyphs, so ids past that never reach
        // a PDF.
        Some(self.widened_base.wrapping_add(k as u16))
    }

    /// The original glyph ids used, ascending, without .notdef.
    pub fn gids(&self) -> Vec<u16> {
        self.glyphs().map(|(gid, _, _)| gid).collect()
    }

    /// Glyph id, character and source text of every glyph used.
    fn glyphs(&self) -> impl Iterator<Item = (u16, char, &str)> + '_ {
        self.used.iter().map(|(gid, ch, text)| (*gid, *ch, &**text))
    }
}

/// What part of the pages showed of each face: for [`GlyphUse::collect`].
#[derive(Default)]
struct Seen<'a> {
    faces: Vec<(FontStyle, SeenFace<'a>)>,
}

#[derive(Default)]
struct SeenFace<'a> {
    /// By original glyph id.
    by_gid: Vec<Option<First<'a>>>,
    /// A bit per glyph id whose entry is settled (drawn plainly already): most
    /// glyphs of a long document are, and a bit in this small table is all
    /// that is read for them.
    settled: Vec<u64>,
    /// Every (glyph, space after it) drawn, unsorted, with repeats.
    widened: Vec<(u16, i16)>,
}

/// Where a glyph was first drawn, and the character of the first place it was
/// drawn plainly (with no variation selector or other text trailing it). Its
/// ToUnicode text is that plain character, or failing one the text of its first
/// place: one glyph has one entry.
struct First<'a> {
    run: &'a crate::layout::TextRun,
    at: u32,
    plain: Option<char>,
}

impl First<'_> {
    fn text(&self) -> (char, Box<str>) {
        match self.plain {
            Some(c) => (c, c.to_string().into()),
            None => (
                self.run.glyphs[self.at as usize].ch,
                self.run.glyph_text(self.at as usize).into(),
            ),
        }
    }
}

impl<'a> Seen<'a> {
    fn face(&mut self, style: FontStyle) -> &mut SeenFace<'a> {
        let i = match self.faces.iter().position(|(s, _)| *s == style) {
            Some(i) => i,
            None => {
                self.faces.push((style, SeenFace::default()));
                self.faces.len() - 1
            }
        };
        &mut self.faces[i].1
    }

    /// Takes in the glyphs of `run`, drawn after everything seen so far.
    fn add(&mut self, run: &'a crate::layout::TextRun) {
        // "Plain" below means "no trailing text", which is the old test (the
        // text is its one character) only while trailing text is never empty.
        debug_assert!(run.trailing.iter().all(|(_, t)| !t.is_empty()));
        let face = self.face(run.style);
        for (k, g) in run.glyphs.iter().enumerate() {
            let space = space_after(run, k);
            if space > 0 {
                face.widened.push((g.gid, space));
            }
            let gid = usize::from(g.gid);
            let (word, bit) = (gid / 64, 1u64 << (gid % 64));
            if face.settled.get(word).is_some_and(|w| w & bit != 0) {
                continue;
            }
            if gid >= face.by_gid.len() {
                face.by_gid.resize_with(gid + 1, || None);
                face.settled.resize(gid / 64 + 1, 0);
            }
            let plain = !run.trailing.iter().any(|t| t.0 as usize == k);
            match &mut face.by_gid[gid] {
                Some(first) => {
                    if first.plain.is_none() && plain {
                        first.plain = Some(g.ch);
                    }
                }
                none => {
                    *none = Some(First {
                        run,
                        // A run's glyphs are counted in u32 (see `trailing`).
                        at: k as u32,
                        plain: plain.then_some(g.ch),
                    })
                }
            }
            if plain {
                face.settled[word] |= bit;
            }
        }
    }

    /// `self`, then `later` (the pages after them).
    fn then(mut self, later: Seen<'a>) -> Seen<'a> {
        for (style, mut after) in later.faces {
            let face = self.face(style);
            if after.by_gid.len() > face.by_gid.len() {
                face.by_gid.resize_with(after.by_gid.len(), || None);
                face.settled.resize(after.settled.len(), 0);
            }
            for (mine, theirs) in face.settled.iter_mut().zip(&after.settled) {
                *mine |= theirs;
            }
            for (mine, theirs) in face.by_gid.iter_mut().zip(after.by_gid) {
                match (mine, theirs) {
                    (none @ None, theirs) => *none = theirs,
                    (Some(first), Some(theirs)) if first.plain.is_none() => {
                        first.plain = theirs.plain;
                    }
                    _ => {}
                }
            }
            face.widened.append(&mut after.widened);
        }
        self
    }
}

/// The resource name of a style's font; fixed names keep the output reproducible.
pub fn resource_name(style: FontStyle) -> &'static str {
    match style {
        FontStyle::Regular => "FR",
        FontStyle::Bold => "FB",
    }
}

/// A subset face ready to embed: its glyph numbering and its font file stream.
pub struct Embeddable {
    subset: Subset,
    file: Stream,
}

/// Subsets every used face and makes its (deflated) font file, side by side on
/// all cores.
pub fn subset_all(uses: &[GlyphUse], fonts: &FontSet) -> Result<Vec<Embeddable>, PdfError> {
    uses.par_iter()
        .map(|u| {
            let face = fonts.face(u.style);
            let mut subset =
                subset_font(face.data(), &u.gids(), !face.unhinted()).map_err(|source| {
                    PdfError::Subset {
                        font: face.name().to_string(),
                        source: Box::new(source),
                    }
                })?;
            let mut bytes = std::mem::take(&mut subset.bytes);
            if !u.widened.is_empty() {
                let per_em = f32::from(face.units_per_em());
                // The copy's advance in font units, rounded from its `/W` width
                // (the glyph's, as the layout measured it, plus the space), so the
                // two agree to a fraction of a unit.
                let copies: Vec<(u16, u16)> = u
                    .widened
                    .iter()
                    .map(|&(gid, space)| {
                        let new = subset.gids.get(usize::from(gid)).copied().unwrap_or(0);
                        let width = face.advance(gid).0 + i32::from(space);
                        (new, (width as f32 * per_em / 1000.0).round() as u16)
                    })
                    .collect();
                bytes = super::widen::widen(&bytes, &copies, u.widened_base).ok_or_else(|| {
                    PdfError::Subset {
                        font: face.name().to_string(),
                        source: "its glyph tables could not be extended with widened glyphs".into(),
                    }
                })?;
                subset.count += copies.len() as u16;
            }
            let dict = if subset.cff {
                dictionary! { "Subtype" => "OpenType" }
            } else {
                dictionary! { "Length1" => bytes.len() as i64 }
            };
            let file = deflate::stream_at(dict, bytes, deflate::Level::Fast);
            Ok(Embeddable { subset, file })
        })
        .collect()
}

/// A face's `/W` widths and ToUnicode map: they depend only on the glyphs used
/// and their new ids, not on the subset's bytes, so they are made while the
/// face is being subset.
pub struct FontTables {
    metrics: Metrics,
    widths: Vec<Object>,
    cmap: Stream,
}

impl FontTables {
    /// The tables of `used` in `face`, whose subset numbers original glyph id
    /// `g` as `gids[g]` (see `subset::gid_map`).
    pub fn of(face: &FontFace, used: &GlyphUse, gids: &[u16]) -> FontTables {
        let metrics = Metrics::of(face);
        // .notdef, the glyphs used, then their widened copies.
        let count = usize::from(used.widened_base) + used.widened.len();
        let mut widths = vec![Object::Integer(0); count];
        if let Some(w) = widths.first_mut() {
            *w = Object::Integer(i64::from(metrics.notdef_width));
        }
        let mut to_unicode = Vec::with_capacity(count);
        for (old, ch, text) in used.glyphs() {
            let new = gids.get(usize::from(old)).copied().unwrap_or(0);
            // The same lookup the layout measured with, so `/W` says what it assumed.
            let advance = face.lookup(ch).map_or(0, |(_, advance)| advance.0);
            if let Some(w) = widths.get_mut(usize::from(new)) {
                *w = Object::Integer(i64::from(advance));
            }
            to_unicode.push((new, text.to_string()));
        }
        // New ids follow the original order (`subset::gid_map`), so the glyphs'
        // own entries are sorted: the copies below find their base by search.
        debug_assert!(to_unicode.is_sorted_by_key(|(gid, _)| *gid));
        let plain = to_unicode.len();
        // The widened copies: the advance with the space after, the same text.
        for &(old, space) in &used.widened {
            let Some(new) = used.widened_gid(old, space) else {
                continue;
            };
            let base = gids.get(usize::from(old)).copied().unwrap_or(0);
            let Ok(k) = to_unicode[..plain].binary_search_by_key(&base, |(g, _)| *g) else {
                continue;
            };
            let text = to_unicode[k].1.clone();
            let advance = match &widths.get(usize::from(base)) {
                Some(Object::Integer(w)) => *w,
                _ => 0,
            };
            if let Some(w) = widths.get_mut(usize::from(new)) {
                *w = Object::Integer(advance + i64::from(space));
            }
            to_unicode.push((new, text));
        }
        to_unicode.sort_unstable_by_key(|(gid, _)| *gid);
        FontTables {
            metrics,
            widths,
            cmap: deflate::stream(Dictionary::new(), to_unicode_cmap(&to_unicode)),
        }
    }
}

/// Adds the font objects of one subset to `doc`, with its `tables`; returns the
/// Type0 font dictionary.
pub fn add_font(
    doc: &mut Document,
    face: &FontFace,
    font: Embeddable,
    tables: FontTables,
) -> ObjectId {
    let Embeddable { subset: sub, file } = font;
    let FontTables {
        metrics,
        widths,
        cmap,
    } = tables;
    debug_assert_eq!(widths.len(), usize::from(sub.count));
    let base_font = format!("{}+{}", sub.tag, postscript_name(face));

    let file_key = if sub.cff { "FontFile3" } else { "FontFile2" };
    let file = doc.add_object(file);
    let m = &metrics;
    let mut descriptor = dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(base_font.clone().into_bytes()),
        // Symbolic: the glyphs are addressed through our own encoding.
        "Flags" => 4,
        "FontBBox" => m.bbox.iter().map(|&v| Object::Integer(v.into())).collect::<Vec<_>>(),
        "ItalicAngle" => Object::Real(m.italic_angle),
        "Ascent" => m.ascent,
        "Descent" => m.descent,
        "CapHeight" => m.cap_height,
        "StemV" => 80,
    };
    descriptor.set(file_key, file);
    let descriptor = doc.add_object(descriptor);

    let mut cid_font = dictionary! {
        "Type" => "Font",
        "Subtype" => if sub.cff { "CIDFontType0" } else { "CIDFontType2" },
        "BaseFont" => Object::Name(base_font.clone().into_bytes()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "W" => vec![Object::Integer(0), Object::Array(widths)],
    };
    if !sub.cff {
        cid_font.set("CIDToGIDMap", Object::Name(b"Identity".to_vec()));
    }
    let cid_font = doc.add_object(cid_font);
    let cmap = doc.add_object(cmap);
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(base_font.into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![Object::Reference(cid_font)],
        "ToUnicode" => cmap,
    })
}

/// Font-wide metrics in the PDF's 1/1000 em.
struct Metrics {
    bbox: [i32; 4],
    ascent: i64,
    descent: i64,
    cap_height: i64,
    italic_angle: f32,
    notdef_width: i32,
}

impl Metrics {
    fn of(face: &FontFace) -> Metrics {
        // FontFace was parsed from these bytes when it was made.
        let Ok(f) = ttf_parser::Face::parse(face.data(), 0) else {
            return Metrics {
                bbox: [0, -200, 1000, 900],
                ascent: 880,
                descent: -120,
                cap_height: 700,
                italic_angle: 0.0,
                notdef_width: 1000,
            };
        };
        let scale = |v: i16| (i32::from(v) * 1000) / i32::from(f.units_per_em().max(1));
        let b = f.global_bounding_box();
        Metrics {
            bbox: [
                scale(b.x_min),
                scale(b.y_min),
                scale(b.x_max),
                scale(b.y_max),
            ],
            ascent: scale(f.ascender()).into(),
            descent: scale(f.descender()).into(),
            cap_height: scale(f.capital_height().unwrap_or(f.ascender())).into(),
            italic_angle: f.italic_angle(),
            notdef_width: face.advance(0).0,
        }
    }
}

/// The font's PostScript name, with characters a PDF name should not hold removed.
fn postscript_name(face: &FontFace) -> String {
    let name = ttf_parser::Face::parse(face.data(), 0).ok().and_then(|f| {
        f.names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            .find_map(|n| n.to_string())
    });
    let name = name.unwrap_or_else(|| face.name().to_string());
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

/// A ToUnicode CMap for 2-byte codes (the subset glyph ids), in blocks of at most
/// 100 entries as the CMap format requires.
fn to_unicode_cmap(entries: &[(u16, String)]) -> Vec<u8> {
    let mut s = String::with_capacity(200 + entries.len() * 24);
    s.push_str(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for block in entries.chunks(100) {
        // Writing to a String cannot fail.
        let _ = writeln!(s, "{} beginbfchar", block.len());
        for (gid, text) in block {
            let _ = write!(s, "<{gid:04X}> <");
            for unit in text.encode_utf16() {
                let _ = write!(s, "{unit:04X}");
            }
            s.push_str(">\n");
        }
        s.push_str("endbfchar\n");
    }
    s.push_str("endcmap\nCMapName currentdict /CMapResource defineresource pop\nend\nend\n");
    s.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Color, Element, RunGlyph, TextRun};
    use crate::units::Pt;

    fn run(text: &[(char, u16)], trailing: Vec<(u32, Box<str>)>) -> Element {
        Element::Text(TextRun {
            x: Pt(0.0),
            baseline: Pt(0.0),
            size: Pt(9.0),
            style: FontStyle::Regular,
            color: Color::BLACK,
            width: Pt(0.0),
            spacing: Pt(0.0),
            tag: crate::layout::Tag::Untagged,
            gap_after: 0,
            glyphs: text
                .iter()
                .map(|&(ch, gid)| RunGlyph {
                    ch,
                    gid,
                    space_before: 0,
                })
                .collect(),
            trailing,
        })
    }

    #[test]
    fn a_glyph_reads_as_its_plain_character_when_it_has_one() {
        // 葛 with an ideographic variation selector first, then plain, same glyph.
        let page = Page {
            width: Pt(100.0),
            height: Pt(100.0),
            elements: vec![
                run(&[('葛', 7), ('飾', 8)], vec![(0, "\u{E0100}".into())]),
                run(&[('葛', 7)], vec![]),
                run(&[('区', 9)], vec![(0, "\u{FE00}".into())]),
            ],
        };
        let uses = GlyphUse::collect(std::slice::from_ref(&page), &FontSet::bundled());
        assert_eq!(uses.len(), 1);
        assert_eq!(uses[0].gids(), vec![7, 8, 9]);
        let texts: Vec<(u16, char, &str)> = uses[0].glyphs().collect();
        assert_eq!(
            texts,
            vec![(7, '葛', "葛"), (8, '飾', "飾"), (9, '区', "区\u{FE00}")]
        );
    }

    #[test]
    fn the_bundled_faces_are_composite_free_as_they_say() {
        for style in [FontStyle::Regular, FontStyle::Bold] {
            let face = FontFace::bundled(style);
            let glyphs = ttf_parser::Face::parse(face.data(), 0)
                .unwrap()
                .number_of_glyphs();
            let all: Vec<u16> = (1..glyphs).collect();
            assert!(face.composite_free());
            assert!(
                super::super::sfnt::all_simple(face.data(), &all),
                "{style:?}"
            );
        }
    }

    #[test]
    fn cmap_maps_codes_to_utf16_including_surrogates() {
        let cmap = to_unicode_cmap(&[
            (1, "用".into()),
            (2, "𠮷".into()),
            (3, "葛\u{E0100}".into()),
        ]);
        let cmap = String::from_utf8(cmap).unwrap();
        assert!(
            cmap.contains("3 beginbfchar\n<0001> <7528>\n<0002> <D842DFB7>\n"),
            "{cmap}"
        );
        assert!(cmap.contains("<0003> <845BDB40DD00>"), "{cmap}");
    }

    #[test]
    fn cmap_blocks_hold_at_most_100_entries() {
        let entries: Vec<(u16, String)> = (1..=250).map(|g| (g, "a".to_string())).collect();
        let cmap = String::from_utf8(to_unicode_cmap(&entries)).unwrap();
        let blocks: Vec<&str> = cmap.matches(" beginbfchar").collect();
        assert_eq!(blocks.len(), 3);
        assert!(cmap.contains("100 beginbfchar") && cmap.contains("50 beginbfchar"));
    }
}

//! Removes TrueType hinting instructions from the glyphs of a subset font.
//!
//! PDF viewers rasterise embedded fonts without running TrueType bytecode (or with
//! their own auto-hinter), so the per-glyph instructions only add bytes: in BIZ
//! UDPGothic they are about a third of the glyph data. The outlines are copied
//! untouched, so the text renders identically. The font-wide programs (`fpgm`,
//! `prep`) and their data (`cvt `) go too, and `loca` uses short offsets when the
//! glyph data is small enough. Anything unexpected in the font
//! leaves it as it was rather than risk a broken program.
//!
//! The bundled faces are stripped once, at compile time (`build.rs` compiles this
//! file too), so that a run subsets a face without instructions and skips this
//! pass; fonts given by the user are stripped per subset. [`has_instructions`]
//! tells a face with hinting from one without (for tests and assertions: a
//! font's `maxp` may understate what its glyphs hold).

use super::sfnt::{be16, glyph_offsets, read_tables, table, write_sfnt};

/// `font` without glyph instructions, or `None` if it is not a plain `glyf` TrueType.
pub fn strip_instructions(font: &[u8]) -> Option<Vec<u8>> {
    let tables = read_tables(font)?;
    let (head, glyf) = (table(&tables, b"head")?, table(&tables, b"glyf")?);
    let offsets = glyph_offsets(head, table(&tables, b"loca")?)?;
    let num_glyphs = offsets.len().checked_sub(1)?;
    let offset = |i: usize| offsets.get(i).copied();

    let mut starts: Vec<usize> = Vec::with_capacity(num_glyphs);
    let mut new_glyf = Vec::with_capacity(glyf.len());
    for i in 0..num_glyphs {
        let (start, end) = (offset(i)?, offset(i + 1)?);
        let glyph = glyf.get(start..end)?;
        let at = new_glyf.len();
        if !glyph.is_empty() {
            strip_glyph(glyph, &mut new_glyf)?;
            // Even offsets, as the short loca format needs.
            if new_glyf.len() % 2 != 0 {
                new_glyf.push(0);
            }
        }
        starts.push(at);
    }
    // Short offsets (half the size) whenever the glyph data allows them.
    let short = new_glyf.len() <= 2 * usize::from(u16::MAX);
    let mut new_loca = Vec::with_capacity((num_glyphs + 1) * 4);
    for at in starts.into_iter().chain([new_glyf.len()]) {
        if short {
            new_loca.extend_from_slice(&((at / 2) as u16).to_be_bytes());
        } else {
            new_loca.extend_from_slice(&(at as u32).to_be_bytes());
        }
    }

    let mut new_head = head.to_vec();
    new_head[50..52].copy_from_slice(&u16::from(!short).to_be_bytes()); // indexToLocFormat
    new_head[8..12].copy_from_slice(&[0; 4]); // checkSumAdjustment, set below
    let mut new_maxp = table(&tables, b"maxp").unwrap_or_default().to_vec();
    // maxSizeOfInstructions: no glyph has any now, and `has_instructions` reads
    // the zero as "nothing to strip".
    if max_size_of_instructions(&new_maxp).is_some() {
        new_maxp[MAX_SIZE_OF_INSTRUCTIONS].copy_from_slice(&[0; 2]);
    }
    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = tables
        .iter()
        // The font-wide hinting programs and their data go with the glyphs' own.
        .filter(|(tag, _)| !matches!(tag, b"cvt " | b"fpgm" | b"prep"))
        .map(|(tag, data)| {
            let data = match tag {
                b"head" => std::mem::take(&mut new_head),
                b"loca" => std::mem::take(&mut new_loca),
                b"glyf" => std::mem::take(&mut new_glyf),
                b"maxp" => std::mem::take(&mut new_maxp),
                _ => data.to_vec(),
            };
            (*tag, data)
        })
        .collect();
    out_tables.sort_by_key(|t| t.0);
    Some(write_sfnt(&out_tables))
}

/// Whether `font` may hold TrueType instructions: it has a font-wide hinting
/// table (`cvt `, `fpgm`, `prep`) or its `maxp` allows glyph instructions
/// (maxSizeOfInstructions above zero). A font that is not plain `glyf`
/// TrueType has none to strip.
pub fn has_instructions(font: &[u8]) -> bool {
    let Some(tables) = read_tables(font) else {
        return false;
    };
    let hinting_table = tables
        .iter()
        .any(|(tag, _)| matches!(tag, b"cvt " | b"fpgm" | b"prep"));
    // Without a readable field the glyphs may have instructions.
    let glyph_instructions = table(&tables, b"maxp")
        .and_then(max_size_of_instructions)
        .is_none_or(|size| size > 0);
    hinting_table || glyph_instructions
}

/// Where maxSizeOfInstructions sits in a version 1.0 `maxp` table.
const MAX_SIZE_OF_INSTRUCTIONS: std::ops::Range<usize> = 26..28;

/// The maxSizeOfInstructions of a `maxp` table, if it is version 1.0 (the
/// TrueType one) and long enough to hold it.
fn max_size_of_instructions(maxp: &[u8]) -> Option<u16> {
    if be16(maxp, 0)? != 1 {
        return None;
    }
    be16(maxp, MAX_SIZE_OF_INSTRUCTIONS.start)
}

/// Copies one glyph with its instructions removed.
fn strip_glyph(g: &[u8], out: &mut Vec<u8>) -> Option<()> {
    let contours = be16(g, 0)? as i16;
    if contours >= 0 {
        let n = contours as usize;
        let ins_at = 10 + 2 * n;
        let ins_len = be16(g, ins_at)? as usize;
        out.extend_from_slice(g.get(..ins_at)?);
        out.extend_from_slice(&0u16.to_be_bytes());
        out.extend_from_slice(g.get(ins_at + 2 + ins_len..)?);
    } else {
        // Composite: walk the components, clear WE_HAVE_INSTRUCTIONS, drop the rest.
        let mut at = 10;
        let start = out.len();
        out.extend_from_slice(g.get(..10)?);
        loop {
            let flags = be16(g, at)?;
            let mut len = 4 + if flags & 0x0001 != 0 { 4 } else { 2 };
            len += match () {
                _ if flags & 0x0008 != 0 => 2,
                _ if flags & 0x0040 != 0 => 4,
                _ if flags & 0x0080 != 0 => 8,
                _ => 0,
            };
            let component = g.get(at..at + len)?;
            let flag_pos = out.len();
            out.extend_from_slice(component);
            out[flag_pos..flag_pos + 2].copy_from_slice(&(flags & !0x0100).to_be_bytes());
            at += len;
            if flags & 0x0020 == 0 {
                break;
            }
        }
        debug_assert!(out.len() > start);
    }
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::font::{DEFAULT_BOLD, DEFAULT_REGULAR};

    /// The bundled faces as distributed, with their hinting.
    const HINTED_REGULAR: &[u8] = include_bytes!("../../fonts/BIZUDPGothic-Regular.ttf");
    const HINTED_BOLD: &[u8] = include_bytes!("../../fonts/BIZUDPGothic-Bold.ttf");

    #[test]
    fn outlines_and_metrics_survive_and_the_font_shrinks() {
        let stripped = strip_instructions(HINTED_REGULAR).unwrap();
        assert!(stripped.len() < HINTED_REGULAR.len());
        let a = ttf_parser::Face::parse(HINTED_REGULAR, 0).unwrap();
        let b = ttf_parser::Face::parse(&stripped, 0).unwrap();
        assert_eq!(a.number_of_glyphs(), b.number_of_glyphs());
        for c in "用長あAg、●ｱ".chars() {
            let (ga, gb) = (a.glyph_index(c).unwrap(), b.glyph_index(c).unwrap());
            assert_eq!(ga, gb);
            assert_eq!(a.glyph_bounding_box(ga), b.glyph_bounding_box(gb));
            assert_eq!(a.glyph_hor_advance(ga), b.glyph_hor_advance(gb));
            let (mut pa, mut pb) = (Outline::default(), Outline::default());
            a.outline_glyph(ga, &mut pa);
            b.outline_glyph(gb, &mut pb);
            assert_eq!(pa.0, pb.0, "{c}");
        }
    }

    #[test]
    fn the_bundled_faces_are_stripped_at_compile_time() {
        for (hinted, bundled) in [
            (HINTED_REGULAR, DEFAULT_REGULAR),
            (HINTED_BOLD, DEFAULT_BOLD),
        ] {
            assert!(has_instructions(hinted));
            // Exactly what a run would make of the file: build.rs runs this code.
            let stripped = strip_instructions(hinted).unwrap();
            assert!(
                stripped == bundled,
                "the embedded face is the stripped file"
            );
            assert!(!has_instructions(bundled));
            // No glyph instructions left for a second pass to find.
            let again = strip_instructions(bundled).unwrap();
            assert_eq!(again.len(), bundled.len());
        }
    }

    #[test]
    fn instructions_are_found_by_table_or_by_maxp() {
        let tables = read_tables(HINTED_REGULAR).unwrap();
        let without = |drop: &[&[u8; 4]], maxp_size: Option<u16>| {
            let kept: Vec<([u8; 4], Vec<u8>)> = tables
                .iter()
                .filter(|(tag, _)| !drop.contains(&tag))
                .map(|(tag, data)| {
                    let mut data = data.to_vec();
                    if let (b"maxp", Some(size)) = (tag, maxp_size) {
                        data[MAX_SIZE_OF_INSTRUCTIONS].copy_from_slice(&size.to_be_bytes());
                    }
                    (*tag, data)
                })
                .collect();
            write_sfnt(&kept)
        };
        let programs: &[&[u8; 4]] = &[b"cvt ", b"fpgm", b"prep"];
        assert!(has_instructions(&without(&[], Some(0))), "hinting tables");
        assert!(
            has_instructions(&without(programs, Some(40))),
            "maxp allows some"
        );
        assert!(!has_instructions(&without(programs, Some(0))));
        assert!(has_instructions(&without(
            &[programs, &[b"maxp"]].concat(),
            None
        )));
        // Not a `glyf` TrueType font (a CFF font's `OTTO` tag): nothing to strip.
        assert!(!has_instructions(b"OTTO...."));
    }

    #[test]
    fn not_a_truetype_font_is_left_alone() {
        assert!(strip_instructions(b"OTTO....").is_none());
        assert!(strip_instructions(b"").is_none());
    }

    #[derive(Default)]
    struct Outline(Vec<(char, i32, i32)>);

    impl ttf_parser::OutlineBuilder for Outline {
        fn move_to(&mut self, x: f32, y: f32) {
            self.0.push(('M', x as i32, y as i32));
        }
        fn line_to(&mut self, x: f32, y: f32) {
            self.0.push(('L', x as i32, y as i32));
        }
        fn quad_to(&mut self, _: f32, _: f32, x: f32, y: f32) {
            self.0.push(('Q', x as i32, y as i32));
        }
        fn curve_to(&mut self, _: f32, _: f32, _: f32, _: f32, x: f32, y: f32) {
            self.0.push(('C', x as i32, y as i32));
        }
        fn close(&mut self) {
            self.0.push(('Z', 0, 0));
        }
    }
}

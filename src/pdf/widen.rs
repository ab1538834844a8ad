//! Widened glyphs: copies of subset glyphs whose advance includes the space
//! that follows them (和欧間, the quarter em between Japanese and Latin text).
//!
//! A gap written as a `TJ` offset is a gap between glyph boxes, and text
//! extraction turns such gaps into spaces the source does not have: `2024 年 6
//! 月`. Inside a glyph's advance there is no gap, so every reader gives back
//! `2024年6月`; the glyph is drawn the same. The copy's advance is stated
//! alike in the font's `hmtx` and in the PDF's `/W` (PDF/A wants the two to
//! agree).
//!
//! TrueType only: a copy is the glyph's `glyf` data again, with a `loca`
//! entry, a full `hmtx` entry and `maxp`/`hhea` counts raised; tables indexed
//! by glyph that would need the same (`hdmx`, `LTSH`, `VDMX`, `post` names)
//! are dropped or reduced, as they are optional. CFF faces keep their `TJ`
//! offsets.

use super::sfnt::{be16, be32, glyph_offsets, read_tables, table, write_sfnt};

/// Adds a copy of each `(glyph, advance)` in `widened` to the TrueType font
/// `font`, in that order after its glyphs, with that advance (font units).
/// Returns the new font, or `None` if the font is not one this can extend (CFF,
/// tables it cannot read) or does not hold exactly `count` glyphs, the number
/// the copies were numbered after.
pub fn widen(font: &[u8], widened: &[(u16, u16)], count: u16) -> Option<Vec<u8>> {
    if widened.is_empty() {
        return Some(font.to_vec());
    }
    let tables = read_tables(font)?;
    let get = |tag: &[u8; 4]| table(&tables, tag);
    let head = get(b"head")?;
    let maxp = get(b"maxp")?;
    let hhea = get(b"hhea")?;
    let hmtx = get(b"hmtx")?;
    let loca = get(b"loca")?;
    let glyf = get(b"glyf")?;
    let n = usize::from(be16(maxp, 4)?);
    let offsets = glyph_offsets(head, loca)?;
    if n != usize::from(count) || offsets.len() != n + 1 {
        return None;
    }
    let metrics = h_metrics(hmtx, usize::from(be16(hhea, 34)?), n)?;

    let total = n + widened.len();
    if total > usize::from(u16::MAX) {
        return None;
    }
    // glyf: the old glyphs as they are, then each copy, 4-byte aligned.
    let copied: usize = widened
        .iter()
        .filter_map(|&(g, _)| {
            Some(
                offsets
                    .get(usize::from(g) + 1)?
                    .checked_sub(*offsets.get(usize::from(g))?)?
                    + 3,
            )
        })
        .sum();
    let mut new_glyf = Vec::with_capacity(glyf.len() + copied);
    new_glyf.extend_from_slice(glyf);
    let mut new_offsets = offsets.clone();
    let mut new_metrics = metrics.clone();
    for &(gid, advance) in widened {
        let g = usize::from(gid);
        let data = glyf.get(*offsets.get(g)?..*offsets.get(g + 1)?)?;
        while new_glyf.len() % 4 != 0 {
            new_glyf.push(0);
        }
        // The copy's start; the previous glyph ends here too.
        *new_offsets.last_mut()? = new_glyf.len();
        new_glyf.extend_from_slice(data);
        new_offsets.push(new_glyf.len());
        let (_, lsb) = *metrics.get(g)?;
        new_metrics.push((advance, lsb));
    }
    let mut new_loca = Vec::with_capacity((total + 1) * 4);
    for o in &new_offsets {
        new_loca.extend_from_slice(&u32::try_from(*o).ok()?.to_be_bytes());
    }
    let mut new_hmtx = Vec::with_capacity(total * 4);
    for (advance, lsb) in &new_metrics {
        new_hmtx.extend_from_slice(&advance.to_be_bytes());
        new_hmtx.extend_from_slice(&lsb.to_be_bytes());
    }
    let mut new_head = head.to_vec();
    new_head
        .get_mut(50..52)?
        .copy_from_slice(&1i16.to_be_bytes());
    // checkSumAdjustment is set once the file is assembled.
    new_head.get_mut(8..12)?.copy_from_slice(&[0; 4]);
    let mut new_maxp = maxp.to_vec();
    new_maxp
        .get_mut(4..6)?
        .copy_from_slice(&(total as u16).to_be_bytes());
    let mut new_hhea = hhea.to_vec();
    new_hhea
        .get_mut(34..36)?
        .copy_from_slice(&(total as u16).to_be_bytes());
    let widest = new_metrics.iter().map(|m| m.0).max().unwrap_or(0);
    let max = be16(hhea, 10)?.max(widest);
    new_hhea
        .get_mut(10..12)?
        .copy_from_slice(&max.to_be_bytes());

    let mut out_tables: Vec<([u8; 4], Vec<u8>)> = Vec::with_capacity(tables.len());
    for &(tag, data) in &tables {
        let data = match &tag {
            // Each table once in a font: taken, not copied.
            b"head" => std::mem::take(&mut new_head),
            b"maxp" => std::mem::take(&mut new_maxp),
            b"hhea" => std::mem::take(&mut new_hhea),
            b"hmtx" => std::mem::take(&mut new_hmtx),
            b"loca" => std::mem::take(&mut new_loca),
            b"glyf" => std::mem::take(&mut new_glyf),
            // Indexed by glyph and optional: gone rather than wrong.
            b"hdmx" | b"LTSH" | b"VDMX" | b"vhea" | b"vmtx" => continue,
            // Glyph names (format 2) are indexed by glyph: keep the header only,
            // as format 3 (no names).
            b"post" if data.len() >= 32 && be32(data, 0)? == 0x0002_0000 => {
                let mut post = data[..32].to_vec();
                post[..4].copy_from_slice(&0x0003_0000u32.to_be_bytes());
                post
            }
            _ => data.to_vec(),
        };
        out_tables.push((tag, data));
    }
    out_tables.sort_by_key(|t| t.0);
    Some(write_sfnt(&out_tables))
}

/// Advance and left side bearing of each of `n` glyphs (`hmtx` holds
/// `long` full entries; later glyphs repeat the last advance).
fn h_metrics(hmtx: &[u8], long: usize, n: usize) -> Option<Vec<(u16, i16)>> {
    let mut out = Vec::with_capacity(n);
    let mut advance = 0;
    for i in 0..n {
        if i < long {
            advance = be16(hmtx, i * 4)?;
            out.push((advance, be16(hmtx, i * 4 + 2)? as i16));
        } else {
            out.push((advance, be16(hmtx, long * 4 + (i - long) * 2)? as i16));
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::sfnt::checksum;
    use super::*;
    use crate::text::font::DEFAULT_REGULAR;

    #[test]
    fn copies_draw_the_same_glyph_with_the_wider_advance() {
        let face = ttf_parser::Face::parse(DEFAULT_REGULAR, 0).unwrap();
        let mut used: Vec<u16> = "年A日"
            .chars()
            .map(|c| face.glyph_index(c).unwrap().0)
            .collect();
        used.sort_unstable();
        let sub = super::super::subset::subset_font(DEFAULT_REGULAR, &used, false).unwrap();
        let before = ttf_parser::Face::parse(&sub.bytes, 0).unwrap();
        let advance = |g: u16| before.glyph_hor_advance(ttf_parser::GlyphId(g)).unwrap();
        let copies = [
            (1u16, advance(1) + 512),
            (3, advance(3) + 100),
            (1, advance(1) + 256),
        ];
        let wide = widen(&sub.bytes, &copies, sub.count).unwrap();
        let after = ttf_parser::Face::parse(&wide, 0).expect("the widened font parses");
        assert_eq!(after.number_of_glyphs(), sub.count + 3);
        for (copy, (base, width)) in copies.into_iter().enumerate() {
            let (b, c) = (
                ttf_parser::GlyphId(base),
                ttf_parser::GlyphId(sub.count + copy as u16),
            );
            assert_eq!(after.glyph_hor_advance(c), Some(width));
            assert_eq!(after.glyph_bounding_box(c), before.glyph_bounding_box(b));
            assert_eq!(
                after.glyph_hor_side_bearing(c),
                before.glyph_hor_side_bearing(b)
            );
        }
        // The old glyphs are untouched.
        for g in 0..sub.count {
            let g = ttf_parser::GlyphId(g);
            assert_eq!(after.glyph_hor_advance(g), before.glyph_hor_advance(g));
            assert_eq!(after.glyph_bounding_box(g), before.glyph_bounding_box(g));
        }
        // The whole file sums to the magic number, as head.checkSumAdjustment asks.
        assert_eq!(checksum(&wide), 0xB1B0_AFBA);
        assert_eq!(widen(&sub.bytes, &[], sub.count).unwrap(), sub.bytes);
        assert!(widen(b"not a font", &[(1, 2)], 1).is_none());
        // Numbered after other glyphs than the font holds: refused.
        assert!(widen(&sub.bytes, &copies, sub.count + 1).is_none());
        // hhea's widest advance covers the copies.
        let hhea = after
            .raw_face()
            .table(ttf_parser::Tag::from_bytes(b"hhea"))
            .unwrap();
        assert!(u16::from_be_bytes([hhea[10], hhea[11]]) >= advance(1) + 512);
    }
}

//! The TrueType (`sfnt`) container, for the two passes that rewrite a subset's
//! tables (`hinting`, `widen`): big-endian fields, the table directory, glyph
//! offsets from `loca`, and the file written back with its checksums.

/// The big-endian `u16` at `at`.
pub fn be16(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

/// The big-endian `u32` at `at`.
pub fn be32(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The tables of a TrueType-outline font (not CFF, not a collection): tag and
/// bytes, in directory order.
pub fn read_tables(font: &[u8]) -> Option<Vec<([u8; 4], &[u8])>> {
    if be32(font, 0)? != 0x0001_0000 {
        return None;
    }
    let n = be16(font, 4)? as usize;
    (0..n)
        .map(|i| {
            let rec = font.get(12 + i * 16..28 + i * 16)?;
            let tag: [u8; 4] = rec[..4].try_into().ok()?;
            let (off, len) = (be32(rec, 8)? as usize, be32(rec, 12)? as usize);
            Some((tag, font.get(off..off.checked_add(len)?)?))
        })
        .collect()
}

/// The table `tag` of `tables`.
pub fn table<'a>(tables: &[([u8; 4], &'a [u8])], tag: &[u8; 4]) -> Option<&'a [u8]> {
    tables.iter().find(|t| &t.0 == tag).map(|t| t.1)
}

/// The start of each glyph in `glyf` and the end of the last (`n + 1`
/// offsets), from `loca` in the format `head.indexToLocFormat` says.
pub fn glyph_offsets(head: &[u8], loca: &[u8]) -> Option<Vec<usize>> {
    let long = be16(head, 50)? == 1;
    let entries = if long { loca.len() / 4 } else { loca.len() / 2 };
    (0..entries)
        .map(|i| {
            Some(if long {
                be32(loca, i * 4)? as usize
            } else {
                be16(loca, i * 2)? as usize * 2
            })
        })
        .collect()
}

/// Whether none of `gids` is a composite glyph (one made of others, whose
/// components a subset adds behind the glyphs asked for).
pub fn all_simple(font: &[u8], gids: &[u16]) -> bool {
    let simple = || -> Option<bool> {
        let tables = read_tables(font)?;
        let glyf = table(&tables, b"glyf")?;
        let offsets = glyph_offsets(table(&tables, b"head")?, table(&tables, b"loca")?)?;
        Some(gids.iter().all(|&g| {
            let g = usize::from(g);
            match (offsets.get(g), offsets.get(g + 1)) {
                // An empty glyph (a space) has no outline at all.
                (Some(start), Some(end)) if start == end => true,
                (Some(&start), Some(_)) => be16(glyf, start).is_some_and(|n| (n as i16) >= 0),
                _ => false,
            }
        }))
    };
    simple().unwrap_or(false)
}

/// The table checksum: the sum of its big-endian 32-bit words, zero-padded.
pub fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut word = [0u8; 4];
        word[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(word))
    })
}

/// A TrueType file of `tables` (sorted by tag, as the format asks), with its
/// table directory, checksums and `head.checkSumAdjustment` (which must be 0
/// in the `head` given).
pub fn write_sfnt(tables: &[([u8; 4], Vec<u8>)]) -> Vec<u8> {
    let n = tables.len() as u16;
    let entry_selector = 15 - n.max(1).leading_zeros() as u16;
    let search_range = (1u16 << entry_selector) * 16;
    let size = 12
        + 16 * tables.len()
        + tables
            .iter()
            .map(|t| t.1.len().div_ceil(4) * 4)
            .sum::<usize>();
    // Allocated once at its size: a font grown by doubling was copied a few times.
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&0x0001_0000u32.to_be_bytes());
    for v in [n, search_range, entry_selector, n * 16 - search_range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + 16 * tables.len();
    let mut head_at = None;
    for (tag, data) in tables {
        if tag == b"head" {
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in tables {
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(4) * 4, 0);
    }
    if let Some(at) = head_at {
        let adjust = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adjust.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::font::DEFAULT_REGULAR;

    #[test]
    fn the_bundled_font_reads_and_has_simple_glyphs() {
        let tables = read_tables(DEFAULT_REGULAR).unwrap();
        let offsets = glyph_offsets(
            table(&tables, b"head").unwrap(),
            table(&tables, b"loca").unwrap(),
        );
        let face = ttf_parser::Face::parse(DEFAULT_REGULAR, 0).unwrap();
        assert_eq!(
            offsets.unwrap().len(),
            usize::from(face.number_of_glyphs()) + 1
        );
        let gid = face.glyph_index('年').unwrap().0;
        assert!(all_simple(DEFAULT_REGULAR, &[gid, 3]));
        assert!(!all_simple(b"not a font", &[1]));
    }
}

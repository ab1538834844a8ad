//! Font subsetting: only the glyphs a document uses are embedded, without hinting.
//!
//! The subsetting itself is done by `subsetter`, the library Typst and krilla use:
//! it reads only the tables and glyphs it keeps, so subsetting a 4.6 MB face to a
//! few hundred glyphs takes about a millisecond. It drops `cmap` (a CID font in PDF
//! maps codes to glyphs through the PDF's own encoding) and rewrites CFF fonts as
//! CID-keyed. Hinting tables (`cvt `, `fpgm`, `prep`) and the glyphs' own
//! instructions are then removed (see `hinting`): PDF viewers do not run TrueType
//! bytecode, and it is a large part of a small subset. The bundled faces come
//! without them (removed at compile time), so their subsets skip that pass;
//! a font given by the user is stripped per subset.

use sha2::{Digest, Sha256};

/// A subset font program and how original glyph ids map into it.
pub struct Subset {
    /// The font program.
    pub bytes: Vec<u8>,
    /// Original glyph id → glyph id in `bytes` (0 for glyphs not kept).
    pub gids: Vec<u16>,
    /// Number of glyphs in `bytes`; new ids are `0..count`.
    pub count: u16,
    /// Six upper-case letters derived from the content, for the `ABCDEF+Name` PDF
    /// font name; the same glyphs of the same font always give the same tag.
    pub tag: String,
    /// Whether the outlines are CFF (embedded as `FontFile3`) rather than TrueType.
    pub cff: bool,
}

/// Why a face could not be subset.
#[derive(Debug)]
pub enum SubsetError {
    /// `subsetter` refused the face.
    Subsetter(subsetter::Error),
    /// The subset it made could not be read back.
    Parse(ttf_parser::FaceParsingError),
}

impl std::fmt::Display for SubsetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            // Debug, as before: subsetter's variant names are the clearer message.
            SubsetError::Subsetter(e) => write!(f, "{e:?}"),
            SubsetError::Parse(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for SubsetError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SubsetError::Subsetter(e) => Some(e),
            SubsetError::Parse(e) => Some(e),
        }
    }
}

/// Subsets `font` to the glyph ids in `used` (ascending, without duplicates).
/// Glyph 0 (.notdef) is always kept first, as the font formats require; the others
/// are numbered 1, 2, … in the order of `used`. With `strip`, TrueType hinting is
/// removed from the subset (see `hinting`); without, the font must have none.
pub fn subset_font(font: &[u8], used: &[u16], strip: bool) -> Result<Subset, SubsetError> {
    // The remapper starts with .notdef as 0.
    let mut remapper = subsetter::GlyphRemapper::new();
    for &g in used {
        remapper.remap(g);
    }
    let bytes = subsetter::subset(font, 0, &remapper).map_err(SubsetError::Subsetter)?;
    let bytes = if strip {
        super::hinting::strip_instructions(&bytes).unwrap_or(bytes)
    } else {
        // The bundled faces, stripped at compile time.
        debug_assert!(!super::hinting::has_instructions(&bytes));
        bytes
    };
    let cff = ttf_parser::RawFace::parse(&bytes, 0)
        .map_err(SubsetError::Parse)?
        .table(ttf_parser::Tag::from_bytes(b"glyf"))
        .is_none();
    let gids = gid_map(used);
    debug_assert!(
        used.iter()
            .all(|&g| remapper.get(g) == Some(gids[g as usize]))
    );
    Ok(Subset {
        tag: tag_for(font, used),
        count: remapper.num_gids(),
        bytes,
        gids,
        cff,
    })
}

/// Original glyph id → subset glyph id, for the glyphs `used` (ascending, without
/// duplicates or .notdef): they become 1, 2, … in that order, as [`subset_font`]
/// numbers them. Known before subsetting, so pages can be written meanwhile.
pub fn gid_map(used: &[u16]) -> Vec<u16> {
    let max = used.iter().copied().max().unwrap_or(0) as usize;
    let mut gids = vec![0u16; max + 1];
    for (new, &old) in used.iter().enumerate() {
        // At most 65,535 distinct glyph ids exist, so `new + 1` fits.
        gids[old as usize] = (new + 1) as u16;
    }
    gids
}

/// The subset tag: a hash of the font and the glyph set, as six letters A–Z.
fn tag_for(font: &[u8], ids: &[u16]) -> String {
    let mut h = Sha256::new();
    h.update((font.len() as u64).to_be_bytes());
    // The head table checksum adjustment and the first kilobyte identify the font
    // well enough without hashing megabytes on every build.
    h.update(&font[..font.len().min(1024)]);
    for id in ids {
        h.update(id.to_be_bytes());
    }
    h.finalize()
        .iter()
        .take(6)
        .map(|b| (b'A' + b % 26) as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::font::DEFAULT_REGULAR;

    #[test]
    fn subset_is_small_and_keeps_notdef_first() {
        let face = ttf_parser::Face::parse(DEFAULT_REGULAR, 0).unwrap();
        let mut used: Vec<u16> = "用長あA"
            .chars()
            .map(|c| face.glyph_index(c).unwrap().0)
            .collect();
        used.sort_unstable();
        let s = subset_font(DEFAULT_REGULAR, &used, false).unwrap();
        assert!(s.bytes.len() < 20_000, "{}", s.bytes.len());
        assert!(!s.cff);
        let sub = ttf_parser::Face::parse(&s.bytes, 0).unwrap();
        assert_eq!(sub.number_of_glyphs(), 5);
        assert_eq!(s.count, 5);
        // No hinting survives.
        for tag in [b"fpgm", b"prep", b"cvt "] {
            assert!(
                sub.raw_face()
                    .table(ttf_parser::Tag::from_bytes(tag))
                    .is_none()
            );
        }
        for (i, old) in used.iter().enumerate() {
            let new = s.gids[*old as usize];
            assert_eq!(new as usize, i + 1, "kept in the order given");
            let (o, n) = (ttf_parser::GlyphId(*old), ttf_parser::GlyphId(new));
            assert_eq!(sub.glyph_hor_advance(n), face.glyph_hor_advance(o));
            assert_eq!(sub.glyph_bounding_box(n), face.glyph_bounding_box(o));
        }
        assert_eq!(s.gids, gid_map(&used));
        assert_eq!(s.tag.len(), 6);
        assert!(s.tag.chars().all(|c| c.is_ascii_uppercase()));
    }

    #[test]
    fn a_hinted_font_is_stripped_per_subset() {
        // The bundled face as distributed, as a user's font would come.
        let hinted: &[u8] = include_bytes!("../../fonts/BIZUDPGothic-Regular.ttf");
        assert!(super::super::hinting::has_instructions(hinted));
        let kept = subset_font(hinted, &[10, 11], false).unwrap();
        let stripped = subset_font(hinted, &[10, 11], true).unwrap();
        assert!(super::super::hinting::has_instructions(&kept.bytes));
        assert!(!super::super::hinting::has_instructions(&stripped.bytes));
        assert!(stripped.bytes.len() < kept.bytes.len());
    }

    #[test]
    fn tag_depends_on_the_glyph_set() {
        let a = subset_font(DEFAULT_REGULAR, &[10], false).unwrap();
        let b = subset_font(DEFAULT_REGULAR, &[11], false).unwrap();
        let a2 = subset_font(DEFAULT_REGULAR, &[10], false).unwrap();
        assert_ne!(a.tag, b.tag);
        assert_eq!(a.tag, a2.tag);
        assert_eq!(a.bytes, a2.bytes);
    }
}

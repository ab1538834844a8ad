//! Font subsetting: only the glyphs a document uses are embedded, without hinting.
//!
//! printpdf without its `text_layout` feature embeds whole fonts (about 3 MB per
//! face for BIZ UDPGothic), so we subset here with allsorts, which printpdf already
//! depends on. Hinting tables (`cvt `, `fpgm`, `prep`) and the glyphs' own
//! instructions are dropped (see `hinting`): PDF viewers do not run TrueType
//! bytecode, and it is a large part of a small subset.

use std::collections::{BTreeMap, HashMap};

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::subset::{CmapTarget, SubsetProfile, subset};
use allsorts::tag;
use sha2::{Digest, Sha256};

/// A subset font program and how original glyph ids map into it.
pub struct Subset {
    pub bytes: Vec<u8>,
    /// Original glyph id → glyph id in `bytes`.
    pub gids: HashMap<u16, u16>,
    /// Six upper-case letters derived from the content, for the `ABCDEF+Name` PDF
    /// font name; the same glyphs of the same font always give the same tag.
    pub tag: String,
}

/// Subsets `font` to the glyph ids in `used` (keys). Glyph 0 (.notdef) is always kept
/// first, as the TrueType format requires.
pub fn subset_font(font: &[u8], used: &BTreeMap<u16, String>) -> Result<Subset, String> {
    let scope = ReadScope::new(font);
    let data = scope.read::<FontData<'_>>().map_err(|e| e.to_string())?;
    let provider = data.table_provider(0).map_err(|e| e.to_string())?;
    let ids: Vec<u16> = std::iter::once(0)
        .chain(used.keys().copied().filter(|&g| g != 0))
        .collect();
    let profile = SubsetProfile::Custom(vec![
        tag::CMAP,
        tag::HEAD,
        tag::HHEA,
        tag::HMTX,
        tag::MAXP,
        tag::NAME,
        tag::POST,
    ]);
    let bytes =
        subset(&provider, &ids, &profile, CmapTarget::Unicode).map_err(|e| e.to_string())?;
    let bytes = super::hinting::strip_instructions(&bytes).unwrap_or(bytes);
    // allsorts numbers the kept glyphs by their position in `ids`.
    let gids = ids
        .iter()
        .enumerate()
        .map(|(new, &old)| (old, new as u16))
        .collect();
    Ok(Subset {
        tag: tag_for(font, &ids),
        bytes,
        gids,
    })
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
        let used: BTreeMap<u16, String> = "用長あA"
            .chars()
            .map(|c| (face.glyph_index(c).unwrap().0, c.to_string()))
            .collect();
        let s = subset_font(DEFAULT_REGULAR, &used).unwrap();
        assert!(s.bytes.len() < 20_000, "{}", s.bytes.len());
        let sub = ttf_parser::Face::parse(&s.bytes, 0).unwrap();
        assert_eq!(sub.number_of_glyphs(), 5);
        for old in used.keys() {
            let new = s.gids[old];
            assert_eq!(
                sub.glyph_hor_advance(ttf_parser::GlyphId(new)),
                face.glyph_hor_advance(ttf_parser::GlyphId(*old))
            );
        }
        assert_eq!(s.tag.len(), 6);
        assert!(s.tag.chars().all(|c| c.is_ascii_uppercase()));
    }

    #[test]
    fn tag_depends_on_the_glyph_set() {
        let a = subset_font(DEFAULT_REGULAR, &[(10, "a".to_string())].into()).unwrap();
        let b = subset_font(DEFAULT_REGULAR, &[(11, "b".to_string())].into()).unwrap();
        let a2 = subset_font(DEFAULT_REGULAR, &[(10, "a".to_string())].into()).unwrap();
        assert_ne!(a.tag, b.tag);
        assert_eq!(a.tag, a2.tag);
        assert_eq!(a.bytes, a2.bytes);
    }
}

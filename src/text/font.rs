//! Font faces: loading, character coverage and advance widths (via ttf-parser).
//!
//! Widths are kept in *milli-ems* truncated to whole numbers, because that is what the
//! PDF `/W` array of the embedded font says: a viewer advances the pen by the `/W`
//! entry, so measuring with the exact font-unit advance would let a long line drift by
//! up to one unit per glyph from where the layout thinks it ends.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};

use crate::units::{MilliEm, Pt};

/// Regular face of the bundled default font (BIZ UDPGothic, SIL OFL 1.1, see
/// `fonts/OFL.txt`), as `fonts/BIZUDPGothic-Regular.ttf` without its TrueType
/// hinting: `build.rs` removes it at compile time (`pdf::hinting`), as every
/// subset we embed would have it removed anyway. Outlines and metrics are the
/// file's.
pub static DEFAULT_REGULAR: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/BIZUDPGothic-Regular.ttf"));
/// Bold face of the bundled default font, likewise.
pub static DEFAULT_BOLD: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/BIZUDPGothic-Bold.ttf"));

/// The largest font file read (CJK fonts run to 20 MB; collections more).
pub const MAX_FONT_BYTES: u64 = 64 * 1024 * 1024;

/// Which of the document's two faces a piece of text is set in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FontStyle {
    Regular,
    Bold,
}

/// A glyph as laid out: the font's glyph id, its advance and the source text it
/// stands for (one character, or a base character with its combining marks).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    pub gid: u16,
    /// Advance, exactly as the PDF `/W` array will state it.
    pub advance: MilliEm,
    /// The character this glyph represents, for the PDF text layer (ToUnicode).
    pub ch: char,
    /// Ignorable characters that followed `ch` (variation selectors, joiners): they
    /// have no glyph of their own but belong in the text layer. Rare, hence behind a
    /// thin pointer: a glyph is 24 bytes instead of 32, and a document holds millions.
    #[allow(clippy::box_collection)]
    pub trailing: Option<Box<String>>,
}

impl Glyph {
    /// The source text this glyph stands for.
    pub fn text(&self) -> String {
        let mut s = String::from(self.ch);
        if let Some(t) = &self.trailing {
            s.push_str(t);
        }
        s
    }
}

/// A character the font has no glyph for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingGlyph(pub char);

/// One font face, parsed once; character lookups are memoised because the same
/// few hundred characters recur throughout a document.
pub struct FontFace {
    name: String,
    data: Cow<'static, [u8]>,
    units_per_em: u16,
    ascender: i16,
    descender: i16,
    cache: GlyphCache,
    /// The face is known to have no composite glyphs (the bundled faces, checked
    /// by a test), so no document's glyphs need checking for them.
    composite_free: bool,
    /// The face has no TrueType hinting (the bundled faces, stripped at compile
    /// time), so its subsets need no stripping pass.
    unhinted: bool,
    /// Side bearings of the characters asked for by [`FontFace::side_bearings`].
    bearings: OnceLock<Vec<(char, MilliEm, MilliEm)>>,
}

/// Memoised character lookups, shared by the threads that set rows in parallel.
///
/// The Basic Multilingual Plane (all Japanese text in practice) goes through a
/// lock-free two-level table of 256-character blocks, made as first used: a hit is
/// two loads, with no hashing and no lock for the threads to queue on (a mutexed
/// map was a fifth of the layout time). Other planes use a locked map.
struct GlyphCache {
    blocks: [OnceLock<Box<[AtomicU64; 256]>>; 256],
    astral: Mutex<HashMap<char, Option<(u16, MilliEm)>>>,
}

impl Default for GlyphCache {
    fn default() -> Self {
        GlyphCache {
            blocks: std::array::from_fn(|_| OnceLock::new()),
            astral: Mutex::default(),
        }
    }
}

/// A cache slot: 0 = not looked up yet, 1 = no glyph, else `2 | gid << 16 | advance << 32`.
fn pack(found: Option<(u16, MilliEm)>) -> u64 {
    match found {
        None => 1,
        Some((gid, advance)) => 2 | (u64::from(gid) << 16) | (u64::from(advance.0 as u32) << 32),
    }
}

fn unpack(slot: u64) -> Option<Option<(u16, MilliEm)>> {
    match slot {
        0 => None,
        1 => Some(None),
        v => Some(Some(((v >> 16) as u16, MilliEm((v >> 32) as u32 as i32)))),
    }
}

impl GlyphCache {
    /// The cached answer for `c`, or `compute`'s (then cached).
    fn get(
        &self,
        c: char,
        compute: impl FnOnce() -> Option<(u16, MilliEm)>,
    ) -> Option<(u16, MilliEm)> {
        let code = c as u32;
        if code > 0xFFFF {
            let mut map = self.astral.lock().unwrap_or_else(|e| e.into_inner());
            return *map.entry(c).or_insert_with(compute);
        }
        let block = self.blocks[(code >> 8) as usize]
            .get_or_init(|| Box::new(std::array::from_fn(|_| AtomicU64::new(0))));
        let slot = &block[(code & 0xFF) as usize];
        if let Some(hit) = unpack(slot.load(Ordering::Relaxed)) {
            return hit;
        }
        // Two threads may both compute a miss; they store the same value.
        let found = compute();
        slot.store(pack(found), Ordering::Relaxed);
        found
    }
}

impl std::fmt::Debug for FontFace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FontFace")
            .field("name", &self.name)
            .finish()
    }
}

/// Why a font could not be used.
#[derive(Debug)]
pub enum FontError {
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    Parse {
        name: String,
        reason: String,
    },
}

impl std::fmt::Display for FontError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FontError::Read { path, source } => {
                write!(f, "{}: cannot read font: {source}", path.display())
            }
            FontError::Parse { name, reason } => write!(
                f,
                "{name}: not a usable TrueType/OpenType font ({reason}); give a .ttf or .otf file"
            ),
        }
    }
}

impl std::error::Error for FontError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FontError::Read { source, .. } => Some(source),
            FontError::Parse { .. } => None,
        }
    }
}

impl FontFace {
    /// Parses a face from bytes. `name` is used in messages only.
    pub fn from_bytes(name: &str, data: Cow<'static, [u8]>) -> Result<FontFace, FontError> {
        let parse_error = |reason: String| FontError::Parse {
            name: name.to_string(),
            reason,
        };
        let face = ttf_parser::Face::parse(&data, 0).map_err(|e| parse_error(e.to_string()))?;
        let units_per_em = face.units_per_em();
        if units_per_em == 0 {
            return Err(parse_error("units per em is zero".into()));
        }
        if face.tables().cmap.is_none() {
            return Err(parse_error("it has no character map (cmap)".into()));
        }
        let (ascender, descender) = (face.ascender(), face.descender());
        Ok(FontFace {
            name: name.to_string(),
            units_per_em,
            ascender,
            descender,
            data,
            cache: Default::default(),
            composite_free: false,
            unhinted: false,
            bearings: OnceLock::new(),
        })
    }

    /// Reads and parses a font file.
    pub fn from_path(path: &Path) -> Result<FontFace, FontError> {
        use std::io::Read;
        let read_error = |source| FontError::Read {
            path: path.to_path_buf(),
            source,
        };
        // Bounded read: a `fonts:` path may name anything, /dev/zero included.
        let mut data = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FONT_BYTES + 1).read_to_end(&mut data))
            .map_err(read_error)?;
        if data.len() as u64 > MAX_FONT_BYTES {
            return Err(FontError::Parse {
                name: path.display().to_string(),
                reason: format!("larger than {} MB", MAX_FONT_BYTES / 1024 / 1024),
            });
        }
        FontFace::from_bytes(&path.display().to_string(), Cow::Owned(data))
    }

    /// The bundled default face of the given style.
    pub fn bundled(style: FontStyle) -> FontFace {
        let (name, data) = match style {
            FontStyle::Regular => ("BIZUDPGothic-Regular", DEFAULT_REGULAR),
            FontStyle::Bold => ("BIZUDPGothic-Bold", DEFAULT_BOLD),
        };
        // The bundled files are fixed at compile time and covered by tests, so a parse
        // failure here is a broken build, not a user error.
        let mut face =
            FontFace::from_bytes(name, Cow::Borrowed(data)).expect("bundled font parses");
        // All 13,932 glyphs of each are simple (pdf::fonts tests it).
        face.composite_free = true;
        // Stripped by build.rs (a pdf::hinting test checks it).
        face.unhinted = true;
        face
    }

    /// Whether the face is known to have no composite glyphs (glyphs made of
    /// others): true for the bundled faces; a face from a file is not looked
    /// through as a whole, so `false`.
    pub fn composite_free(&self) -> bool {
        self.composite_free
    }

    /// Whether the face is known to have no TrueType hinting: true for the
    /// bundled faces; a face from a file is stripped per subset.
    pub fn unhinted(&self) -> bool {
        self.unhinted
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// The raw font program.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    /// Font units per em.
    pub fn units_per_em(&self) -> u16 {
        self.units_per_em
    }

    /// Distance from baseline to the top of the em box used for line placement.
    pub fn ascent(&self, size: Pt) -> Pt {
        Pt(size.0 * self.ascender as f32 / self.units_per_em as f32)
    }

    /// Distance from baseline to the bottom (negative).
    pub fn descent(&self, size: Pt) -> Pt {
        Pt(size.0 * self.descender as f32 / self.units_per_em as f32)
    }

    /// Glyph id and advance (truncated as in `/W`) of a character.
    pub fn lookup(&self, c: char) -> Option<(u16, MilliEm)> {
        self.with_lookup(|lookup| lookup(c))
    }

    /// Runs `f` with a memoised character lookup; the cache is locked once and the
    /// face parsed at most once per call, not per character.
    fn with_lookup<R>(
        &self,
        f: impl FnOnce(&mut dyn FnMut(char) -> Option<(u16, MilliEm)>) -> R,
    ) -> R {
        let mut face: Option<Option<ttf_parser::Face>> = None;
        let mut lookup = |c: char| {
            self.cache.get(c, || {
                let face = face
                    .get_or_insert_with(|| ttf_parser::Face::parse(&self.data, 0).ok())
                    .as_ref()?;
                let gid = face.glyph_index(c)?;
                let advance = face.glyph_hor_advance(gid).unwrap_or(0);
                Some((gid.0, self.milli_em(advance)))
            })
        };
        f(&mut lookup)
    }

    /// Advance of a glyph id (as in `/W`); 0 for an id the face lacks.
    pub fn advance(&self, gid: u16) -> MilliEm {
        ttf_parser::Face::parse(&self.data, 0)
            .ok()
            .and_then(|f| f.glyph_hor_advance(ttf_parser::GlyphId(gid)))
            .map_or(MilliEm::ZERO, |units| self.milli_em(units))
    }

    /// Left and right side bearings (the blank between the advance box and the
    /// ink) of each character of `set` the face has, measured once: the first call
    /// decides the set, so there must be one caller (the line breaker's
    /// punctuation, whose blank halves it may squeeze). A glyph without outline
    /// counts as all blank on the left.
    pub fn side_bearings(&self, set: &'static str) -> &[(char, MilliEm, MilliEm)] {
        self.bearings.get_or_init(|| {
            let Ok(face) = ttf_parser::Face::parse(&self.data, 0) else {
                return Vec::new();
            };
            set.chars()
                .filter_map(|c| {
                    let gid = face.glyph_index(c)?;
                    let advance = i32::from(face.glyph_hor_advance(gid)?);
                    let (left, right) = match face.glyph_bounding_box(gid) {
                        Some(b) => (i32::from(b.x_min), advance - i32::from(b.x_max)),
                        None => (advance, 0),
                    };
                    let em = |units: i32| {
                        MilliEm((units.max(0) as f32 * 1000.0 / self.units_per_em as f32) as i32)
                    };
                    Some((c, em(left), em(right)))
                })
                .collect()
        })
    }

    /// Horizontal extent of the ink of glyph `gid` (x min, x max) in milli-ems
    /// from its origin; `None` for a glyph without outline.
    pub fn ink_bounds(&self, gid: u16) -> Option<(MilliEm, MilliEm)> {
        let face = ttf_parser::Face::parse(&self.data, 0).ok()?;
        let b = face.glyph_bounding_box(ttf_parser::GlyphId(gid))?;
        let em =
            |units: i16| MilliEm((f32::from(units) * 1000.0 / self.units_per_em as f32) as i32);
        Some((em(b.x_min), em(b.x_max)))
    }

    /// Whether the face can draw `c` (ignorable format characters need no glyph).
    pub fn covers(&self, c: char) -> bool {
        self.covers_each(&[c])[0]
    }

    /// [`covers`](Self::covers) for each of `chars`, with the face parsed at most
    /// once (not once per character, as separate calls would).
    pub fn covers_each(&self, chars: &[char]) -> Vec<bool> {
        self.with_lookup(|lookup| {
            chars
                .iter()
                .map(|&c| is_ignorable(c) || lookup(c).is_some())
                .collect()
        })
    }

    fn milli_em(&self, units: u16) -> MilliEm {
        // Same truncation as the `/W` array of our font objects (src/pdf/fonts.rs; see module docs).
        MilliEm((units as f32 * 1000.0 / self.units_per_em as f32) as i32)
    }

    /// Maps text to glyphs. Characters without a glyph are reported, not replaced.
    /// Ignorable characters (variation selectors, joiners) ride along with the glyph
    /// before them so that the text layer keeps them.
    pub fn glyphs(&self, text: &str) -> Result<Vec<Glyph>, MissingGlyph> {
        self.with_lookup(|lookup| {
            let mut out: Vec<Glyph> = Vec::with_capacity(text.len() / 2);
            for c in text.chars() {
                if is_ignorable(c) {
                    if let Some(last) = out.last_mut() {
                        last.trailing.get_or_insert_default().push(c);
                    }
                    continue;
                }
                let (gid, advance) = lookup(c).ok_or(MissingGlyph(c))?;
                out.push(Glyph {
                    gid,
                    advance,
                    ch: c,
                    trailing: None,
                });
            }
            Ok(out)
        })
    }
}

/// Default-ignorable characters that are drawn as nothing (UAX #44): variation
/// selectors, zero-width joiners and the like.
pub fn is_ignorable(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' | '\u{2060}'..='\u{2064}' | '\u{FE00}'..='\u{FE0F}'
        | '\u{FEFF}' | '\u{E0100}'..='\u{E01EF}' | '\u{00AD}')
}

/// The pair of faces a document is set in.
#[derive(Debug)]
pub struct FontSet {
    pub regular: FontFace,
    pub bold: FontFace,
}

impl FontSet {
    /// The bundled BIZ UDPGothic pair.
    pub fn bundled() -> FontSet {
        FontSet {
            regular: FontFace::bundled(FontStyle::Regular),
            bold: FontFace::bundled(FontStyle::Bold),
        }
    }

    pub fn face(&self, style: FontStyle) -> &FontFace {
        match style {
            FontStyle::Regular => &self.regular,
            FontStyle::Bold => &self.bold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_faces_cover_kanji_but_not_radicals() {
        let f = FontSet::bundled();
        assert!(f.regular.covers('用'));
        assert!(f.bold.covers('長'));
        assert!(!f.regular.covers('\u{2F64}'));
        assert!(!f.regular.covers('\u{FE13}'));
        // The batch answers as the single calls do, on a fresh face too.
        let chars = ['用', '\u{2F64}', 'A', '\u{FE0F}', '\u{FE13}', '長', '😀'];
        let fresh = FontSet::bundled();
        let each: Vec<bool> = chars.iter().map(|&c| f.regular.covers(c)).collect();
        assert_eq!(fresh.regular.covers_each(&chars), each);
        assert_eq!(each, [true, false, true, true, false, true, false]);
    }

    #[test]
    fn advances_are_truncated_milli_ems() {
        let f = FontFace::bundled(FontStyle::Regular);
        // あ is 2007/2048 em in the font: 979.98 → 979, as /W will say.
        assert_eq!(f.lookup('あ').map(|g| g.1), Some(MilliEm(979)));
        assert_eq!(f.lookup('用').map(|g| g.1), Some(MilliEm(1000)));
    }

    #[test]
    fn cache_answers_like_the_font_in_every_plane() {
        let f = FontFace::bundled(FontStyle::Regular);
        let face = ttf_parser::Face::parse(DEFAULT_REGULAR, 0).unwrap();
        for c in [
            'あ',
            'A',
            '用',
            '\u{2F64}',
            '\u{20BB7}',
            '\u{1F600}',
            '\u{FFFF}',
            '\0',
        ] {
            let direct = face.glyph_index(c).map(|g| g.0);
            // Twice: the first fills the cache, the second reads it.
            for _ in 0..2 {
                assert_eq!(f.lookup(c).map(|g| g.0), direct, "{c:?}");
            }
        }
        for v in [
            None,
            Some((0, MilliEm(0))),
            Some((65535, MilliEm(1000))),
            Some((7, MilliEm(-5))),
        ] {
            assert_eq!(unpack(pack(v)), Some(v));
        }
    }

    #[test]
    fn glyphs_stay_small() {
        assert_eq!(std::mem::size_of::<Glyph>(), 24);
    }

    #[test]
    fn missing_glyph_is_reported() {
        let f = FontFace::bundled(FontStyle::Regular);
        assert_eq!(f.glyphs("使⽤").unwrap_err(), MissingGlyph('\u{2F64}'));
    }

    #[test]
    fn variation_selector_rides_along() {
        let f = FontFace::bundled(FontStyle::Regular);
        let g = f.glyphs("葛\u{FE00}").unwrap();
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].text(), "葛\u{FE00}");
    }

    #[test]
    fn endless_font_file_is_refused() {
        let err = FontFace::from_path(Path::new("/dev/zero")).unwrap_err();
        assert!(err.to_string().contains("larger than 64 MB"), "{err}");
    }

    #[test]
    fn garbage_is_a_parse_error() {
        assert!(FontFace::from_bytes("x", Cow::Borrowed(b"not a font")).is_err());
    }
}

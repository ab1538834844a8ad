//! Japanese line breaking and justification.
//!
//! Break opportunities come from UAX #14 (`unicode-linebreak`) and are then tailored:
//!
//! * kinsoku shori (jlreq 3.1.7, 3.1.8): no line starts with a character of the
//!   classes cl-02 to cl-07 and cl-09 to cl-11 (closing brackets, hyphens such as
//!   〜, dividing punctuation, middle dots, full stops, commas, iteration marks, the
//!   prolonged sound mark, small kana) and none ends with an opening bracket
//!   (cl-01); ＜ ＞ count as brackets;
//! * a line that overflows is fitted in this order (jlreq 3.8.1): 、。 hang past
//!   the edge (ぶら下げ) when that is allowed; else the line is squeezed (追い込み)
//!   when the blank halves of its punctuation can absorb the overflow; else the
//!   break moves earlier (追い出し);
//! * a Latin hyphen never ends a line (the break goes before it), so that
//!   copying a broken word keeps its hyphen;
//! * URLs break only at their own break points: after `/`, before `?` `&` `#` `-`,
//!   after `.` (never after `_` or `=`), the better kinds preferred;
//! * in phrase mode (narrow label cells) lines break only between BudouX
//!   phrases ([`super::phrases`]), inside a phrase only when it is wider than the
//!   cell, and never inside a katakana word unless that is wider still;
//! * a quarter em is added between Japanese and adjacent Latin letters or digits
//!   where the source has no space (和欧間アキ, jlreq 3.2.2), and a source space
//!   there is narrowed to the same quarter em; neither appears at a line edge.
//!
//! [`Shaped::justify`] then sets each line to the full measure (両端揃え,
//! jlreq 3.8): squeezed lines give up their punctuation's blank halves, other
//! lines but a paragraph's last are expanded at Latin word spaces, then at
//! 和欧間, then evenly between the Japanese characters; Latin words are never
//! letter-spaced.
//!
//! All widths are whole [`MilliEm`]s (1/1000 em of the font size), the unit of the
//! PDF `/W` array, so what the breaker measures is exactly what a viewer draws.

use std::ops::Range;

use unicode_linebreak::{BreakOpportunity, linebreaks};
use unicode_segmentation::UnicodeSegmentation;

use super::font::{FontFace, Glyph, MissingGlyph};
use crate::units::MilliEm;

/// Opening brackets (jlreq cl-01): never at a line end.
pub const OPENING: &str = "（［｛「『【〔〈《〘〖｟〝‘“＜([{«";
/// Closing brackets (jlreq cl-02).
pub const CLOSING: &str = "）］｝」』】〕〉》〙〗｠〟’”＞)]}»";
/// Characters that must not start a line (行頭禁則): closing brackets (cl-02),
/// hyphens (cl-03), dividing punctuation (cl-04), middle dots (cl-05), full stops
/// (cl-06), commas (cl-07), iteration marks (cl-09), the prolonged sound mark
/// (cl-10), small kana (cl-11), and their ASCII counterparts and `%`.
pub const NO_LINE_START: &str = "）］｝」』】〕〉》〙〗｠〟’”＞)]}»\
    ‐〜゠–～\
    ？！‼⁇⁈⁉?!\
    ・：；:;\
    。．.\
    、，,\
    ヽヾゝゞ々〻\
    ー\
    ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ%";
/// Characters that must not end a line (行末禁則): the opening brackets.
pub const NO_LINE_END: &str = OPENING;
/// Punctuation allowed to hang past the line end into the padding (ぶら下げ).
pub const HANGING: &str = "、。，．";
/// Full-width punctuation whose advance holds a blank half that a squeezed line
/// may give up (jlreq 3.8.2): opening brackets on their left, closing brackets,
/// commas and full stops on their right, middle dots on both sides.
const SQUEEZABLE: &str = "（［｛「『【〔〈《〘〖｟〝＜）］｝」』】〕〉》〙〗｠〟＞、。，．・：；";
/// What squeezing leaves of a blank, so that no two glyphs ever touch: 0.06 em.
const SQUEEZE_MARGIN: MilliEm = MilliEm(60);
/// Other punctuation (beside the brackets) for [`is_punctuation`].
const OTHER_PUNCTUATION: &str = "‐〜゠–～？！‼⁇⁈⁉・：；。．、，…‥";

/// Bits of [`class`]: which of the sets above a character is in.
const C_NO_START: u8 = 1;
const C_OPENING: u8 = 2;
const C_CLOSING: u8 = 4;
const C_HANGING: u8 = 8;
const C_SQUEEZABLE: u8 = 16;
const C_OTHER: u8 = 32;
const C_MIDDLE_DOT: u8 = 64;

/// The code point ranges the sets above fall in, and where each starts in
/// [`CLASSES`]: Latin-1, general punctuation, CJK symbols with kana, and the
/// half- and full-width forms.
const RANGES: [(u32, u32, usize); 4] = [
    (0x0000, 0x00FF, 0),
    (0x2000, 0x206F, 0x100),
    (0x3000, 0x31FF, 0x170),
    (0xFF00, 0xFFEF, 0x370),
];
const CLASS_SLOTS: usize = 0x370 + 0xF0;

/// The slot of `c` in [`CLASSES`], if it lies in one of the [`RANGES`].
const fn slot(c: u32) -> Option<usize> {
    let mut k = 0;
    while k < RANGES.len() {
        let (lo, hi, at) = RANGES[k];
        if c >= lo && c <= hi {
            return Some(at + (c - lo) as usize);
        }
        k += 1;
    }
    None
}

/// Marks every character of `set` with `bit` (a const UTF-8 decoder: the table
/// is made at compile time).
const fn mark(mut table: [u8; CLASS_SLOTS], set: &str, bit: u8) -> [u8; CLASS_SLOTS] {
    let b = set.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let (c, len) = if b[i] < 0x80 {
            (b[i] as u32, 1)
        } else if b[i] < 0xE0 {
            (((b[i] as u32 & 0x1F) << 6) | (b[i + 1] as u32 & 0x3F), 2)
        } else if b[i] < 0xF0 {
            let c = ((b[i] as u32 & 0x0F) << 12)
                | ((b[i + 1] as u32 & 0x3F) << 6)
                | (b[i + 2] as u32 & 0x3F);
            (c, 3)
        } else {
            (0x10FFFF, 4)
        };
        if let Some(s) = slot(c) {
            table[s] |= bit;
        }
        i += len;
    }
    table
}

/// The class bits of every character in the [`RANGES`], made at compile time.
static CLASSES: [u8; CLASS_SLOTS] = {
    let t = [0u8; CLASS_SLOTS];
    let t = mark(t, NO_LINE_START, C_NO_START);
    let t = mark(t, OPENING, C_OPENING);
    let t = mark(t, CLOSING, C_CLOSING);
    let t = mark(t, HANGING, C_HANGING);
    let t = mark(t, SQUEEZABLE, C_SQUEEZABLE);
    let t = mark(t, OTHER_PUNCTUATION, C_OTHER);
    mark(t, "・：；", C_MIDDLE_DOT)
};

/// The sets `c` is in, as [`C_NO_START`] … bits. Every character of the sets
/// lies in the [`RANGES`] (a test checks it); all others are in none.
fn class(c: char) -> u8 {
    match slot(c as u32) {
        Some(s) => CLASSES[s],
        None => 0,
    }
}

/// Whether `c` is in a set of `bits`.
fn is(c: char, bits: u8) -> bool {
    class(c) & bits != 0
}

/// Space between Japanese and Latin text: a quarter em (四分アキ).
pub const WAOU_SPACE: MilliEm = MilliEm(250);
/// The least a 和欧間 is squeezed to: an eighth em (jlreq 3.8.2).
const WAOU_MIN: MilliEm = MilliEm(125);
/// The most a Latin word space or a 和欧間 grows before the characters are spaced
/// out (jlreq 3.8.3 spaces them first): by a sixteenth em, so that a space never
/// stands out as a hole beside the evenly spaced Japanese text.
const SPACE_GROWTH: MilliEm = MilliEm(62);

/// What lies between glyph `i - 1` and glyph `i`, for justification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// Between Japanese characters (or punctuation): spaced out last.
    Inter,
    /// Inside a Latin word or a URL, or before a space: never spaced.
    Never,
    /// After a space between Latin words: spaced out first.
    WordSpace,
    /// 和欧間, automatic or a source space narrowed to it: spaced out second.
    Waou,
}

/// How a text is broken: where the line-break opportunities may be.
#[derive(Debug, Clone, Copy, Default)]
pub struct Breaking<'a> {
    /// Byte ranges of URLs: they break only at their own break points.
    pub urls: &'a [Range<usize>],
    /// Break between BudouX phrases only (narrow label and title cells).
    pub phrases: bool,
}

/// The measure lines are broken to.
#[derive(Debug, Clone, Copy)]
pub struct Measure {
    /// Width of the first line.
    pub first: MilliEm,
    /// Width of the other lines.
    pub rest: MilliEm,
    /// How far 、。 may hang past the edge; zero for no hanging.
    pub hang: MilliEm,
    /// The lines will be justified: squeezing may fit a line, and a paragraph's
    /// last line of one or two characters is avoided.
    pub justify: bool,
}

impl Measure {
    /// Lines of one width, not justified, nothing hanging.
    pub fn ragged(width: MilliEm) -> Measure {
        Measure {
            first: width,
            rest: width,
            hang: MilliEm::ZERO,
            justify: false,
        }
    }
}

/// Text mapped to glyphs, with everything the breaker needs per glyph.
#[derive(Debug, Clone, Default)]
pub struct Shaped {
    pub glyphs: Vec<Glyph>,
    /// Byte offset of each glyph's character in the source text.
    pub offsets: Vec<usize>,
    /// Extra space before each glyph (和欧間), dropped at a line start.
    pub space_before: Vec<MilliEm>,
    /// Whether a line may break before glyph `i` (between phrases in phrase mode).
    pub break_before: Vec<bool>,
    /// Phrase mode: the breaks inside a phrase, for a phrase wider than the line.
    pub inner_break: Vec<bool>,
    /// URL break point before glyph `i`: 0 none, 1 after `/`, 2 before `? & # -`,
    /// 3 after `.`.
    pub url_break: Vec<u8>,
    /// Whether glyph `i` starts a grapheme cluster (the only places a forced break may go).
    pub cluster_start: Vec<bool>,
    /// What lies between glyph `i - 1` and glyph `i`.
    pub gap: Vec<Gap>,
    /// How much of its left and right side a squeezed line may take from glyph `i`.
    pub squeeze: Vec<(MilliEm, MilliEm)>,
    /// Glyph ranges set in the bold face (`**bold**` in regular text).
    pub bold: Vec<Range<usize>>,
}

/// One output line: a range of glyphs and its width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub glyphs: Range<usize>,
    /// Natural width (before justification), hanging punctuation included.
    pub width: MilliEm,
    /// Its last glyph hangs past the edge.
    pub hangs: bool,
}

/// The fewest characters of a URL a break may leave for the next line.
const URL_MIN_TAIL: usize = 5;

/// How much worse a break of each URL kind is than a plain one, in line widths:
/// a break at a `/` that fills the line a quarter less well is as good as one
/// before a `?` or `-` (a third, for one after a `.`).
const URL_PENALTY: [f32; 4] = [0.0, 0.0, 0.25, 0.35];

/// The URL break kind (see [`Shaped::url_break`]) between `prev` and `cur`.
fn url_kind(prev: char, cur: char) -> u8 {
    if prev == '/' && cur != '/' {
        1
    } else if matches!(cur, '?' | '&' | '#' | '-') && !matches!(prev, '/' | '?' | '&' | '#' | '-') {
        2
    } else if prev == '.' && cur != '.' {
        3
    } else {
        0
    }
}

/// Japanese for 和欧間 purposes: kana, ideographs and full-width punctuation.
fn is_cjk(c: char) -> bool {
    is_japanese(c) || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF60}')
}

impl Shaped {
    /// Maps `text` to glyphs of `face` and finds break opportunities.
    pub fn new(face: &FontFace, text: &str, how: Breaking<'_>) -> Result<Shaped, MissingGlyph> {
        let glyphs = face.glyphs(text)?;
        let mut offsets = Vec::with_capacity(glyphs.len());
        // Byte offsets of the glyph-bearing characters, in step with `glyphs`.
        offsets.extend(
            text.char_indices()
                .filter(|(_, c)| !super::font::is_ignorable(*c))
                .map(|(i, _)| i),
        );
        debug_assert_eq!(offsets.len(), glyphs.len());

        let mut allowed = vec![false; text.len() + 1];
        for (pos, kind) in linebreaks(text) {
            if matches!(
                kind,
                BreakOpportunity::Allowed | BreakOpportunity::Mandatory
            ) {
                allowed[pos] = true;
            }
        }
        // A hyphen inside a Latin word: the break goes before it, not after, so
        // that no line ends with a hyphen a reader would take for a soft one.
        let bytes = text.as_bytes();
        for (p, _) in text.match_indices('-') {
            let alnum = |i: usize| bytes.get(i).is_some_and(u8::is_ascii_alphanumeric);
            if p > 0 && alnum(p - 1) && alnum(p + 1) {
                allowed[p + 1] = false;
                allowed[p] = true;
            }
        }
        let cluster = cluster_starts(text, &offsets);
        // Latin text (numbers, identifiers, English labels) has no Japanese phrases:
        // its words are its phrases.
        let phrase = (how.phrases && !text.is_ascii()).then(|| phrase_starts(text, &cluster));
        // inside_katakana[off]: byte `off` falls strictly inside a katakana word.
        let mut inside_katakana = Vec::new();
        if how.phrases {
            inside_katakana = vec![false; text.len() + 1];
            for k in katakana_words(text) {
                inside_katakana[k.start + 1..k.end].fill(true);
            }
        }
        let bearings = face.side_bearings(SQUEEZABLE);
        let squeeze_of = |c: char| {
            if !is(c, C_SQUEEZABLE) {
                return (MilliEm::ZERO, MilliEm::ZERO);
            }
            let Some(&(_, left, right)) = bearings.iter().find(|b| b.0 == c) else {
                return (MilliEm::ZERO, MilliEm::ZERO);
            };
            let take = |blank: MilliEm| MilliEm((blank - SQUEEZE_MARGIN).0.clamp(0, 500));
            let left_side = is(c, C_OPENING | C_MIDDLE_DOT);
            let right_side = !is(c, C_OPENING);
            (
                if left_side { take(left) } else { MilliEm::ZERO },
                if right_side {
                    take(right)
                } else {
                    MilliEm::ZERO
                },
            )
        };

        let n = glyphs.len();
        let mut break_before = vec![false; n];
        let mut inner_break = if how.phrases {
            vec![false; n]
        } else {
            Vec::new()
        };
        let mut url_break = vec![0u8; n];
        let mut cluster_start = vec![false; n];
        let mut space_before = vec![MilliEm::ZERO; n];
        let mut gap = vec![Gap::Never; n];
        let mut squeeze = Vec::with_capacity(n);
        let mut url = how.urls.iter().peekable();
        for i in 0..n {
            let off = offsets[i];
            cluster_start[i] = cluster[off];
            squeeze.push(squeeze_of(glyphs[i].ch));
            if i == 0 {
                continue;
            }
            let (prev, cur) = (glyphs[i - 1].ch, glyphs[i].ch);
            while url.peek().is_some_and(|r| r.end <= off) {
                url.next();
            }
            let in_url = url.peek().filter(|r| r.start < off);
            let legal =
                allowed[off] && cluster[off] && !is(cur, C_NO_START) && !is(prev, C_OPENING);
            if let Some(r) = in_url {
                // Not inside the scheme (`https://`, which `find_urls` requires),
                // nor so near its end that a stub (`htm`) is left for a line.
                let scheme = if text[r.start..].starts_with("https://") {
                    8
                } else {
                    7
                };
                if off > r.start + scheme && r.end - off >= URL_MIN_TAIL && cluster[off] {
                    url_break[i] = url_kind(prev, cur);
                }
            } else {
                match &phrase {
                    Some(starts) => {
                        break_before[i] = legal && starts[off];
                        inner_break[i] = legal && !inside_katakana[off];
                    }
                    None => break_before[i] = legal,
                }
            }
            gap[i] = if (is_latin(cur) && is_japanese(prev)) || (is_latin(prev) && is_japanese(cur))
            {
                space_before[i] = WAOU_SPACE;
                Gap::Waou
            } else if prev == ' ' {
                let before = (i >= 2).then(|| glyphs[i - 2].ch);
                let mixed = |a: Option<char>, b: Option<char>| match (a, b) {
                    (Some(a), Some(b)) => (is_cjk(a) && is_latin(b)) || (is_latin(a) && is_cjk(b)),
                    _ => false,
                };
                if mixed(before, Some(cur)) {
                    // A source space between Japanese and Latin prints as wide as
                    // the automatic 和欧間 would, never wider.
                    space_before[i] = WAOU_SPACE - glyphs[i - 1].advance;
                    Gap::Waou
                } else {
                    Gap::WordSpace
                }
            } else if cur == ' ' || in_url.is_some() || (!is_cjk(prev) && !is_cjk(cur)) {
                Gap::Never
            } else {
                Gap::Inter
            };
        }
        Ok(Shaped {
            glyphs,
            offsets,
            space_before,
            break_before,
            inner_break,
            url_break,
            cluster_start,
            gap,
            squeeze,
            bold: Vec::new(),
        })
    }

    /// Sets the glyphs of source byte ranges `ranges` in `face` (bold runs of a
    /// regular line): their glyph ids and advances become the face's, everything
    /// else (breaks, 和欧間, how far punctuation may be squeezed) stays.
    pub fn embolden(
        &mut self,
        face: &FontFace,
        ranges: &[Range<usize>],
    ) -> Result<(), MissingGlyph> {
        for bytes in ranges {
            let from = self.offsets.partition_point(|&o| o < bytes.start);
            let to = self.offsets.partition_point(|&o| o < bytes.end);
            for g in &mut self.glyphs[from..to] {
                let (gid, advance) = face.lookup(g.ch).ok_or(MissingGlyph(g.ch))?;
                g.gid = gid;
                g.advance = advance;
            }
            if from < to {
                self.bold.push(from..to);
            }
        }
        Ok(())
    }

    /// Width of glyphs `range` set on one line.
    pub fn width(&self, range: Range<usize>) -> MilliEm {
        let start = range.start;
        range.map(|i| self.advance_at(i, start)).sum()
    }

    /// Advance of glyph `i` on a line starting at glyph `start`: its own width and
    /// the space before it, which a line start drops.
    fn advance_at(&self, i: usize, start: usize) -> MilliEm {
        let space = if i > start {
            self.space_before[i]
        } else {
            MilliEm::ZERO
        };
        self.glyphs[i].advance + space
    }

    /// How much the gap before glyph `i` may shrink on a line starting at `start`:
    /// the facing blank halves of punctuation, and a 和欧間 down to an eighth em.
    fn shrink_before(&self, i: usize, start: usize) -> MilliEm {
        if i <= start {
            return MilliEm::ZERO;
        }
        let waou = if self.gap[i] == Gap::Waou && self.glyphs[i - 1].ch != ' ' {
            self.space_before[i] - WAOU_MIN
        } else {
            MilliEm::ZERO
        };
        self.squeeze[i - 1].1 + self.squeeze[i].0 + waou
    }

    /// How much a line of `range` may be squeezed.
    fn shrink(&self, range: Range<usize>) -> MilliEm {
        let start = range.start;
        range.map(|i| self.shrink_before(i, start)).sum()
    }

    /// Whether a line may end before glyph `i` (or at the text end).
    fn can_break(&self, i: usize) -> bool {
        i >= self.glyphs.len() || self.break_before[i] || self.url_break[i] != 0
    }

    /// Breaks into lines (see [`Measure`]). Every line holds at least one glyph,
    /// so this always terminates; trailing spaces are not part of a line.
    pub fn break_lines(&self, m: &Measure) -> Vec<Line> {
        let n = self.glyphs.len();
        let mut lines = Vec::new();
        let mut start = 0;
        while start < n {
            let limit = if lines.is_empty() { m.first } else { m.rest };
            let (end, hangs) = self.line_end(start, limit, m);
            lines.push(self.line(start, end, hangs));
            start = self.skip_spaces(end);
        }
        if m.justify {
            self.avoid_short_last_line(&mut lines, m);
        }
        lines
    }

    /// The line of glyphs `start..end`, trailing spaces dropped.
    fn line(&self, start: usize, end: usize, hangs: bool) -> Line {
        let mut visible = end;
        while visible > start + 1 && self.glyphs[visible - 1].ch == ' ' {
            visible -= 1;
        }
        Line {
            glyphs: start..visible,
            width: self.width(start..visible),
            hangs,
        }
    }

    /// A soft break swallows the spaces it happened at.
    fn skip_spaces(&self, mut i: usize) -> usize {
        while i < self.glyphs.len() && self.glyphs[i].ch == ' ' {
            i += 1;
        }
        i
    }

    /// Where the line starting at `start` ends (exclusive), and whether its last
    /// glyph hangs.
    fn line_end(&self, start: usize, limit: MilliEm, m: &Measure) -> (usize, bool) {
        let n = self.glyphs.len();
        let mut x = MilliEm::ZERO;
        // The latest break of each kind so far, with the width before it: plain
        // (phrase) breaks, then URL breaks of kinds 1–3.
        let mut last: [Option<(usize, MilliEm)>; 4] = [None; 4];
        let mut last_inner = None;
        for i in start..n {
            let w = self.advance_at(i, start);
            // Spaces never force a break: they vanish at the line end.
            if x + w > limit && self.glyphs[i].ch != ' ' && i > start {
                if is(self.glyphs[i].ch, C_HANGING)
                    && x + w <= limit + m.hang
                    && m.hang > MilliEm::ZERO
                    && (i + 1 == n || self.break_before[i + 1])
                {
                    return (i + 1, true);
                }
                if m.justify
                    && let Some(end) = self.squeezed_end(start, i, limit)
                {
                    return (end, false);
                }
                let score = |k: usize, at: Option<(usize, MilliEm)>| {
                    at.map(|(b, w)| (b, w.0 as f32 / limit.0.max(1) as f32 - URL_PENALTY[k]))
                };
                let best = (0..4)
                    .filter_map(|k| score(k, last[k]))
                    .max_by(|a, b| a.1.total_cmp(&b.1))
                    .map(|(b, _)| b)
                    .or(last_inner);
                // A word that will not fit on a line of its own is broken anyway:
                // it starts here rather than leaving this line short.
                let end = match best {
                    Some(b) if self.unit_width(b) <= m.rest => b,
                    _ => self.forced_break(start, i),
                };
                return (end, false);
            }
            x += w;
            if i + 1 < n {
                if self.break_before[i + 1] {
                    last[0] = Some((i + 1, x));
                } else if self.url_break[i + 1] != 0 {
                    last[usize::from(self.url_break[i + 1])] = Some((i + 1, x));
                } else if self.inner_break.get(i + 1) == Some(&true) {
                    last_inner = Some(i + 1);
                }
            }
        }
        (n, false)
    }

    /// Width of the unbreakable unit that starts at glyph `b` (up to the next
    /// break of any kind), set at a line start.
    fn unit_width(&self, b: usize) -> MilliEm {
        let n = self.glyphs.len();
        let end = (b + 1..n)
            .find(|&i| self.can_break(i) || self.inner_break.get(i) == Some(&true))
            .unwrap_or(n);
        self.width(b..end)
    }

    /// The end of a squeezed line that overflows at glyph `over`: the next break
    /// after it, if the line up to there fits once squeezed (jlreq 3.8.2).
    fn squeezed_end(&self, start: usize, over: usize, limit: MilliEm) -> Option<usize> {
        // A squeeze absorbs a fraction of an em: look a few glyphs ahead at most.
        let end = (over + 1..=(over + 6).min(self.glyphs.len())).find(|&b| self.can_break(b))?;
        let line = start..end;
        (self.width(line.clone()) - self.shrink(line) <= limit).then_some(end)
    }

    /// A break inside a word that does not fit: at the last grapheme boundary before
    /// `overflow`, or at a URL-like break point (after `/`, before `? & # -`,
    /// after `.`) if one lies in the last 40% of the line; never after a hyphen,
    /// `_` or `=` when another boundary is there.
    fn forced_break(&self, start: usize, overflow: usize) -> usize {
        // Kinsoku holds here too where it can: ティ breaks before テ, not before ィ.
        // (What starts the next line is the first glyph after the spaces.)
        let fair = |i: usize| {
            let next = self.skip_spaces(i);
            self.cluster_start[i]
                && (next >= self.glyphs.len()
                    || (!is(self.glyphs[next].ch, C_NO_START)
                        && !is(self.glyphs[i - 1].ch, C_OPENING)))
        };
        let boundary = (start + 1..=overflow)
            .rev()
            .find(|&i| fair(i))
            .or_else(|| {
                (start + 1..=overflow)
                    .rev()
                    .find(|&i| self.cluster_start[i])
            })
            // The line must advance; if a single cluster is wider than the line,
            // take that cluster whole (it will be as narrow as it can be).
            .unwrap_or_else(|| {
                (overflow + 1..self.glyphs.len())
                    .find(|&i| self.cluster_start[i])
                    .unwrap_or(self.glyphs.len())
            });
        let earliest = (start + (boundary - start) * 3 / 5).max(start + 1);
        let kind_at = |i: usize| url_kind(self.glyphs[i - 1].ch, self.glyphs[i].ch);
        let boundaries = || (earliest..boundary).rev().filter(|&i| fair(i));
        (1..=3)
            .find_map(|k| boundaries().find(|&i| kind_at(i) == k))
            .or_else(|| boundaries().find(|&i| !"-_=".contains(self.glyphs[i - 1].ch)))
            .unwrap_or(boundary)
    }

    /// A paragraph's last line of one or two characters (besides punctuation) is
    /// pulled back onto the line before when squeezing makes room, or given a
    /// phrase from it (BudouX) when the line before stays at least half full.
    fn avoid_short_last_line(&self, lines: &mut Vec<Line>, m: &Measure) {
        let k = lines.len();
        if k < 2 || letters(&self.glyphs[lines[k - 1].glyphs.clone()]) > 2 {
            return;
        }
        let prev = lines[k - 2].glyphs.clone();
        let last = lines[k - 1].glyphs.clone();
        let n = last.end;
        let limit = if k == 2 { m.first } else { m.rest };
        // Pull back: the whole rest on the line before, squeezed (a final 、。 may hang).
        let hangs = is(self.glyphs[n - 1].ch, C_HANGING) && m.hang > MilliEm::ZERO;
        let fits = |r: Range<usize>| self.width(r.clone()) - self.shrink(r) <= limit;
        let pulled = if fits(prev.start..n) {
            Some(false)
        } else if hangs && fits(prev.start..n - 1) && self.glyphs[n - 1].advance <= m.hang {
            Some(true)
        } else {
            None
        };
        if let Some(hanging) = pulled {
            lines.truncate(k - 2);
            lines.push(self.line(prev.start, n, hanging));
            return;
        }
        // Push a phrase down: the latest phrase start in the line before that
        // leaves three letters or more on the last line.
        let chars: String = self.glyphs[prev.start..n].iter().map(|g| g.ch).collect();
        let mut index = chars.char_indices().map(|(b, _)| b).collect::<Vec<_>>();
        index.push(chars.len());
        let starts = super::phrases::boundaries(&chars);
        let candidate = starts
            .iter()
            .rev()
            .filter_map(|b| index.binary_search(b).ok().map(|c| prev.start + c))
            .filter(|&p| p > prev.start && p < last.start && self.break_before[p])
            .find(|&p| letters(&self.glyphs[p..n]) >= 3);
        if let Some(p) = candidate
            && self.width(p..n) <= m.rest
            && self.width(prev.start..p).0 * 2 >= limit.0
        {
            lines.truncate(k - 2);
            lines.push(self.line(prev.start, p, false));
            lines.push(self.line(self.skip_spaces(p), n, false));
        }
    }

    /// How `line` is set to `limit` (jlreq 3.8): a line wider than the limit
    /// gives up its punctuation's blank halves and 和欧間 down to an eighth em, in
    /// proportion; a narrower one, unless it is a paragraph's `last` line, grows
    /// its Latin word spaces and 和欧間 by up to a sixteenth em each, then the gaps
    /// between its Japanese characters evenly; Latin words are never spaced out,
    /// and a line with nothing to space stays as it is. A hanging glyph is set
    /// just past the limit.
    pub fn justify(&self, line: &Line, limit: MilliEm, last: bool) -> Justified {
        let r = line.glyphs.clone();
        let mut out = Justified {
            adjust: vec![MilliEm::ZERO; r.len()],
            spacing: 0.0,
        };
        let target = if line.hangs {
            limit + self.glyphs[r.end - 1].advance
        } else {
            limit
        };
        let start = r.start;
        let position = |i: usize| i - start;
        if line.width > target {
            let need = line.width - target;
            let caps: Vec<(usize, i32)> = (start + 1..r.end)
                .map(|i| (position(i), self.shrink_before(i, start).0))
                .filter(|&(_, c)| c > 0)
                .collect();
            let total: i32 = caps.iter().map(|c| c.1).sum();
            let need = need.0.min(total);
            if total > 0 {
                // Cumulative rounding: the parts add up to `need` exactly.
                let mut acc = 0i64;
                let mut given = 0i32;
                for &(p, c) in &caps {
                    acc += i64::from(c);
                    let upto = (acc * i64::from(need) / i64::from(total)) as i32;
                    out.adjust[p] = MilliEm(given - upto);
                    given = upto;
                }
            }
            return out;
        }
        if last || line.width == target {
            return out;
        }
        let mut left = (target - line.width).0;
        let of = |kind: Gap| -> Vec<usize> {
            (start + 1..r.end)
                .filter(|&i| self.gap[i] == kind)
                .map(position)
                .collect()
        };
        let spaces = of(Gap::WordSpace);
        let waou = of(Gap::Waou);
        for tier in [&spaces, &waou] {
            let give = left.min(SPACE_GROWTH.0 * tier.len() as i32);
            spread(&mut out.adjust, tier, give);
            left -= give;
        }
        let inter = (start + 1..r.end)
            .filter(|&i| self.gap[i] == Gap::Inter)
            .count();
        if inter > 0 {
            out.spacing = left as f32 / inter as f32;
        } else {
            // Nothing but Latin words: the word spaces and 和欧間 take the rest.
            let all: Vec<usize> = spaces.iter().chain(&waou).copied().collect();
            spread(&mut out.adjust, &all, left);
        }
        out
    }
}

/// How a line is justified (see [`Shaped::justify`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Justified {
    /// Change of the space before each glyph of the line (index 0: its first
    /// glyph, always zero), in whole milli-ems that add up exactly.
    pub adjust: Vec<MilliEm>,
    /// Extra space in every [`Gap::Inter`] gap, in milli-ems (fractional: one
    /// even amount, which the PDF states once per run as character spacing).
    pub spacing: f32,
}

/// Adds `amount` milli-ems to `adjust` at `positions`, as evenly as whole numbers
/// allow.
fn spread(adjust: &mut [MilliEm], positions: &[usize], amount: i32) {
    let m = positions.len() as i64;
    if m == 0 || amount == 0 {
        return;
    }
    for (j, &p) in positions.iter().enumerate() {
        let j = j as i64;
        let part = ((j + 1) * i64::from(amount) / m - j * i64::from(amount) / m) as i32;
        adjust[p] += MilliEm(part);
    }
}

/// How many glyphs of `glyphs` are not punctuation or spaces.
fn letters(glyphs: &[Glyph]) -> usize {
    glyphs.iter().filter(|g| !is_punctuation(g.ch)).count()
}

/// Brackets, 、。 and the other punctuation of jlreq cl-01 to cl-07, spaces and
/// ASCII punctuation.
fn is_punctuation(c: char) -> bool {
    c.is_whitespace() || c.is_ascii_punctuation() || is(c, C_OPENING | C_CLOSING | C_OTHER)
}

/// For each byte offset of `text`, whether a BudouX phrase starts there; a phrase
/// of a single character is joined to its neighbour (the model has quirks such
/// as `論理的分 | 離`, and a lone character on a line reads worst of all).
fn phrase_starts(text: &str, cluster: &[bool]) -> Vec<bool> {
    let mut starts = super::phrases::boundaries(text);
    let graphemes = |a: usize, b: usize| (a..b).filter(|&i| cluster[i]).count();
    let mut k = 0;
    // Phrases are [0, s0), [s0, s1), …, [s_last, len).
    while k <= starts.len() && !starts.is_empty() {
        let from = if k == 0 { 0 } else { starts[k - 1] };
        let to = starts.get(k).copied().unwrap_or(text.len());
        if graphemes(from, to) == 1 {
            // Join to the phrase before, or to the one after for the first.
            starts.remove(if k == 0 { 0 } else { k - 1 });
            k = k.saturating_sub(1);
        } else {
            k += 1;
        }
    }
    let mut out = vec![false; text.len() + 1];
    for s in starts {
        out[s] = true;
    }
    out
}

/// Byte ranges of runs of two or more katakana (with ー inside a word).
pub fn katakana_words(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    let mut count = 0;
    for (i, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if is_katakana(c) {
            start.get_or_insert(i);
            count += 1;
        } else if let Some(s) = start.take() {
            if count >= 2 {
                out.push(s..i);
            }
            count = 0;
        }
    }
    out
}

/// `starts[i]`: whether byte `i` of `text` starts a grapheme cluster (UAX #29).
///
/// Text made only of characters that never join a neighbour into a cluster (the
/// kana, kanji, full-width forms, Latin and punctuation of nearly every cell)
/// has a cluster at every character; only other text is segmented, which at
/// 4,000 items was a third of the time spent preparing text for line breaking.
///
/// `chars` are the byte offsets of the characters of `text` that have glyphs;
/// when every character stands alone they are all the characters.
fn cluster_starts(text: &str, chars: &[usize]) -> Vec<bool> {
    let mut starts = vec![false; text.len() + 1];
    if text.chars().all(stands_alone) {
        for &pos in chars {
            starts[pos] = true;
        }
    } else {
        for (pos, _) in text.grapheme_indices(true) {
            starts[pos] = true;
        }
    }
    starts
}

/// Whether `c` has Grapheme_Cluster_Break `Other` (or is LF, a control that
/// breaks on both sides) and is neither Hangul, a regional indicator nor an
/// Indic consonant: between two such characters UAX #29 always breaks (GB999),
/// so a text of them is one cluster per character. Conservative: ranges with
/// any extending, joining, prepended or format character are left out.
fn stands_alone(c: char) -> bool {
    STANDS_ALONE.contains(c)
}

/// The characters of [`stands_alone`] (all in the Basic Multilingual Plane).
const STANDS_ALONE_RANGES: [(char, char); 17] = [
    ('\n', '\n'),
    (' ', '~'),
    ('\u{A0}', '\u{AC}'), // Latin-1 and extended, not SHY
    ('\u{AE}', '\u{2FF}'),
    ('\u{2010}', '\u{2027}'), // general punctuation
    ('\u{2030}', '\u{205E}'),
    ('\u{2070}', '\u{20CF}'), // super/subscripts, currency
    ('\u{2100}', '\u{2BFF}'), // letterlike, arrows, symbols, shapes
    ('\u{3000}', '\u{3029}'), // CJK punctuation, hiragana
    ('\u{3030}', '\u{3098}'),
    ('\u{309B}', '\u{30FF}'), // spacing sound marks, katakana
    ('\u{3190}', '\u{31FF}'), // kanbun, enclosed, squared
    ('\u{3200}', '\u{33FF}'),
    ('\u{3400}', '\u{4DBF}'), // kanji
    ('\u{4E00}', '\u{9FFF}'),
    ('\u{F900}', '\u{FAFF}'), // compatibility kanji
    ('\u{FF01}', '\u{FF9D}'), // full-width forms, half-width kana
];
static STANDS_ALONE: BmpSet = BmpSet::of(&STANDS_ALONE_RANGES);

/// The Basic Multilingual Plane part of [`is_japanese`].
const JAPANESE_BMP_RANGES: [(char, char); 10] = [
    ('\u{3041}', '\u{3096}'), // hiragana
    ('\u{309D}', '\u{309F}'),
    ('\u{30A1}', '\u{30FA}'), // katakana
    ('\u{30FC}', '\u{30FF}'),
    ('\u{3400}', '\u{4DBF}'), // kanji
    ('\u{4E00}', '\u{9FFF}'),
    ('\u{F900}', '\u{FAFF}'),
    ('々', '々'),
    ('〆', '〆'),
    ('\u{FF66}', '\u{FF9F}'), // half-width katakana
];
static JAPANESE_BMP: BmpSet = BmpSet::of(&JAPANESE_BMP_RANGES);

/// A set of Basic Multilingual Plane characters, one bit each (8 KB), made at
/// compile time from ranges: a test per character is one load, where a chain of
/// range comparisons ran for every character of every text (stands_alone and
/// is_japanese were 2% of a long document's time).
struct BmpSet([u64; 1024]);

impl BmpSet {
    const fn of(ranges: &[(char, char)]) -> BmpSet {
        let mut bits = [0u64; 1024];
        let mut k = 0;
        while k < ranges.len() {
            let mut c = ranges[k].0 as u32;
            while c <= ranges[k].1 as u32 {
                bits[(c >> 6) as usize] |= 1 << (c & 63);
                c += 1;
            }
            k += 1;
        }
        BmpSet(bits)
    }

    fn contains(&self, c: char) -> bool {
        let u = c as u32;
        // `u >> 6` < 1024 for every BMP character.
        u < 0x1_0000 && (self.0[(u >> 6) as usize] >> (u & 63)) & 1 != 0
    }
}

/// Katakana letters and the prolonged sound mark.
pub fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー' | '\u{FF66}'..='\u{FF9F}')
}

/// Kana and ideographs (not punctuation): the Japanese side of 和欧間.
pub fn is_japanese(c: char) -> bool {
    JAPANESE_BMP.contains(c) || matches!(c, '\u{20000}'..='\u{3134F}') // kanji ext. B–H
}

/// ASCII letters and digits: the Latin side of 和欧間.
pub fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::font::{FontFace, FontStyle};

    #[test]
    fn the_character_tables_hold_their_ranges_and_nothing_else() {
        let in_ranges = |ranges: &[(char, char)], c: char| {
            ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
        };
        for c in (0..=0x10_FFFF).filter_map(char::from_u32) {
            assert_eq!(stands_alone(c), in_ranges(&STANDS_ALONE_RANGES, c), "{c:?}");
            let japanese =
                in_ranges(&JAPANESE_BMP_RANGES, c) || ('\u{20000}'..='\u{3134F}').contains(&c);
            assert_eq!(is_japanese(c), japanese, "{c:?}");
            // cluster_starts takes the glyph offsets for all characters when
            // every one stands alone: no ignorable character (which has no
            // glyph) may.
            assert!(
                !(stands_alone(c) && crate::text::font::is_ignorable(c)),
                "{c:?}"
            );
        }
        assert!(is_japanese('漢') && is_japanese('ー') && is_japanese('𠀋'));
        assert!(!is_japanese('、') && !is_japanese('A'));
        assert!(stands_alone('あ') && !stands_alone('\u{3099}') && !stands_alone('\u{AD}'));
    }

    fn face() -> FontFace {
        FontFace::bundled(FontStyle::Regular)
    }

    /// Lines of `text` broken at `chars` full-width characters.
    fn lines(text: &str, chars: i32) -> Vec<String> {
        let f = face();
        let s = Shaped::new(&f, text, Breaking::default()).unwrap();
        let width = MilliEm(chars * 1000);
        s.break_lines(&Measure {
            first: width,
            rest: width,
            hang: MilliEm(600),
            justify: false,
        })
        .into_iter()
        .map(|l| s.glyphs[l.glyphs].iter().map(|g| g.ch).collect())
        .collect()
    }

    #[test]
    fn every_character_of_the_sets_has_its_class() {
        for (set, bit) in [
            (NO_LINE_START, C_NO_START),
            (OPENING, C_OPENING),
            (CLOSING, C_CLOSING),
            (HANGING, C_HANGING),
            (SQUEEZABLE, C_SQUEEZABLE),
            (OTHER_PUNCTUATION, C_OTHER),
        ] {
            for c in set.chars() {
                assert!(is(c, bit), "{c:?} (U+{:04X})", c as u32);
            }
        }
        assert_eq!(class('情'), 0);
        assert_eq!(class('a'), 0);
        assert!(is('〜', C_NO_START) && is('～', C_NO_START) && is('＞', C_NO_START));
        assert!(is('＜', C_OPENING));
    }

    #[test]
    fn breaks_between_kanji() {
        assert_eq!(lines("情報資産管理台帳", 4), ["情報資産", "管理台帳"]);
    }

    #[test]
    fn closing_punctuation_hangs_instead_of_starting_a_line() {
        // 、 would start line 2: it hangs (pull) at the end of line 1 instead.
        assert_eq!(lines("情報資産、管理台帳", 4), ["情報資産、", "管理台帳"]);
    }

    #[test]
    fn small_kana_and_long_vowel_are_pushed() {
        // ッ may not start a line: the break moves before the preceding character.
        let l = lines("アアアッアア", 3);
        assert_eq!(l[0], "アア", "{l:?}");
        assert!(l.iter().all(|l| !l.starts_with('ッ')), "{l:?}");
        assert!(
            lines("サーバーサーバー", 3)
                .iter()
                .all(|l| !l.starts_with('ー'))
        );
    }

    #[test]
    fn opening_bracket_never_ends_a_line() {
        let l = lines("あいう「えお」かき", 4);
        assert!(l.iter().all(|l| !l.ends_with('「')), "{l:?}");
        assert!(l.iter().all(|l| !l.starts_with('」')), "{l:?}");
    }

    #[test]
    fn no_line_starts_with_forbidden_characters_in_long_text() {
        let text =
            "お客様は、以下のセキュリティ対策を実施する必要があります。「ログ」（履歴）っ、ー。"
                .repeat(20);
        for width in 5..30 {
            for l in lines(&text, width).iter().skip(1) {
                let c = l.chars().next().unwrap();
                assert!(!NO_LINE_START.contains(c), "width {width}: {l}");
            }
        }
    }

    #[test]
    fn latin_words_do_not_break() {
        let l = lines("これはSalesforce Servicesです", 8);
        assert!(l.iter().any(|l| l.contains("Salesforce")), "{l:?}");
        assert!(l.iter().any(|l| l.contains("Services")), "{l:?}");
    }

    #[test]
    fn long_url_breaks_after_a_delimiter_and_never_overflows() {
        let f = face();
        let url = "https://help.salesforce.com/s/articleView?id=sf.permissions_about_users_access.htm&type=5";
        let whole_url = 0..url.len();
        let s = Shaped::new(
            &f,
            url,
            Breaking {
                urls: std::slice::from_ref(&whole_url),
                phrases: false,
            },
        )
        .unwrap();
        let ls = s.break_lines(&Measure {
            first: MilliEm(20_000),
            rest: MilliEm(20_000),
            hang: MilliEm::ZERO,
            justify: false,
        });
        assert!(ls.len() > 1);
        for l in &ls {
            assert!(l.width <= MilliEm(20_000));
        }
        let first: String = s.glyphs[ls[0].glyphs.clone()]
            .iter()
            .map(|g| g.ch)
            .collect();
        assert!("/?&=_".contains(first.chars().last().unwrap()), "{first}");
        let joined: String = ls
            .iter()
            .flat_map(|l| s.glyphs[l.glyphs.clone()].iter().map(|g| g.ch))
            .collect();
        assert_eq!(joined, url);
    }

    #[test]
    fn url_that_fits_is_not_split() {
        let f = face();
        let text = "詳しくは https://a.example/x/y を参照";
        let r = text.find("https").unwrap()..text.find(" を").unwrap();
        let s = Shaped::new(
            &f,
            text,
            Breaking {
                urls: &[r],
                phrases: false,
            },
        )
        .unwrap();
        let ls = s.break_lines(&Measure {
            first: MilliEm(16_000),
            rest: MilliEm(16_000),
            hang: MilliEm::ZERO,
            justify: false,
        });
        let strs: Vec<String> = ls
            .iter()
            .map(|l| s.glyphs[l.glyphs.clone()].iter().map(|g| g.ch).collect())
            .collect();
        assert!(
            strs.iter().any(|l| l.contains("https://a.example/x/y")),
            "{strs:?}"
        );
    }

    #[test]
    fn grapheme_clusters_are_not_split() {
        // が written as か + combining voiced mark must stay together even when forced.
        let text = "か\u{3099}か\u{3099}か\u{3099}か\u{3099}";
        let f = face();
        let s = Shaped::new(&f, text, Breaking::default()).unwrap();
        for l in s.break_lines(&Measure {
            first: MilliEm(1500),
            rest: MilliEm(1500),
            hang: MilliEm::ZERO,
            justify: false,
        }) {
            assert!(s.cluster_start[l.glyphs.start]);
        }
    }

    #[test]
    fn characters_that_stand_alone_are_a_cluster_each() {
        // Every character the fast path trusts, beside itself and beside a
        // neighbour of each kind, segments exactly as unicode-segmentation says.
        let neighbours = ['a', 'あ', '漢', '。', ' ', '\n', '€'];
        let mut checked = 0;
        for c in (0..=0x10FFFFu32)
            .filter_map(char::from_u32)
            .filter(|&c| stands_alone(c))
        {
            for n in neighbours {
                for text in [format!("{c}{n}{c}"), format!("{n}{c}{c}{n}")] {
                    let segmented: Vec<usize> =
                        text.grapheme_indices(true).map(|(i, _)| i).collect();
                    let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
                    assert_eq!(segmented, chars, "{c:?} beside {n:?}");
                }
            }
            checked += 1;
        }
        assert!(checked > 30_000, "{checked}");
        // The fast path marks the characters it is given: every one.
        let text = "漢字とAbc、。";
        let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let starts = cluster_starts(text, &chars);
        let marked: Vec<usize> = (0..=text.len()).filter(|&i| starts[i]).collect();
        assert_eq!(marked, chars);
        // Text with a combining mark goes the slow way and keeps it.
        let text = "か\u{3099}ア";
        let chars: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        let starts = cluster_starts(text, &chars);
        assert_eq!(
            starts,
            [
                true, false, false, false, false, false, true, false, false, false
            ]
        );
    }

    #[test]
    fn waou_space_between_japanese_and_latin_but_not_at_line_start() {
        let f = face();
        let s = Shaped::new(&f, "日本ABC語", Breaking::default()).unwrap();
        let o = MilliEm::ZERO;
        assert_eq!(s.space_before, [o, o, WAOU_SPACE, o, o, WAOU_SPACE]);
        assert_eq!(s.width(2..4), s.glyphs[2].advance + s.glyphs[3].advance);
    }

    #[test]
    fn lines_never_exceed_the_limit() {
        let text = "Salesforceは、Core製品(1st Party)基準ですべてのお客様データ（本番、Sandbox含め）に対してストレージレベルでAES-256のアルゴリズムで暗号化を実施しております。";
        let f = face();
        let s = Shaped::new(&f, text, Breaking::default()).unwrap();
        for limit in [3_000, 7_000, 15_000, 40_000].map(MilliEm) {
            for l in s.break_lines(&Measure {
                first: limit,
                rest: limit,
                hang: MilliEm(600),
                justify: false,
            }) {
                let hangs = HANGING.contains(s.glyphs[l.glyphs.end - 1].ch);
                let hang = MilliEm(if hangs { 600 } else { 0 });
                assert!(l.width <= limit + hang, "{limit:?}: {l:?}");
            }
        }
    }

    #[test]
    fn one_character_wider_than_the_line_still_advances() {
        assert_eq!(lines("用用", 0), ["用", "用"]);
    }

    fn measure(width: i32, justify: bool) -> Measure {
        Measure {
            first: MilliEm(width),
            rest: MilliEm(width),
            hang: MilliEm(if justify { 600 } else { 0 }),
            justify,
        }
    }

    fn broken(text: &str, urls: &[Range<usize>], m: &Measure) -> Vec<String> {
        let f = face();
        let s = Shaped::new(
            &f,
            text,
            Breaking {
                urls,
                phrases: false,
            },
        )
        .unwrap();
        s.break_lines(m)
            .into_iter()
            .map(|l| s.glyphs[l.glyphs].iter().map(|g| g.ch).collect())
            .collect()
    }

    #[test]
    fn a_last_line_of_one_or_two_letters_is_avoided() {
        // Ragged, the last line is 「す。」; justified, a phrase comes down with it.
        let text = "当社は、お客様のデータを保管するすべての環境において暗号化されます。";
        let f = face();
        let s = Shaped::new(&f, text, Breaking::default()).unwrap();
        let width = s.width(0..s.glyphs.len() - 2).0;
        let ragged = broken(text, &[], &measure(width, false));
        assert_eq!(ragged.last().unwrap(), "す。", "{ragged:?}");
        let justified = broken(text, &[], &measure(width, true));
        assert_eq!(justified.concat(), text);
        assert!(
            letters_of(justified.last().unwrap()) >= 3 || justified.len() == 1,
            "{justified:?}"
        );
    }

    fn letters_of(line: &str) -> usize {
        line.chars().filter(|&c| !is_punctuation(c)).count()
    }

    #[test]
    fn a_line_that_just_overflows_is_squeezed_not_pushed() {
        // Two brackets and a comma give up their blank halves: the overflow of a
        // few hundredths of an em fits instead of pushing バッ down.
        let text = "派生データ（ログ、バックアップデータ等）";
        let f = face();
        let s = Shaped::new(&f, text, Breaking::default()).unwrap();
        let upto = text.chars().position(|c| c == 'ク').unwrap();
        let width = s.width(0..upto).0 - 30;
        let lines = broken(text, &[], &measure(width, true));
        assert!(lines[0].ends_with("バッ"), "{lines:?}");
        let line = &s.break_lines(&measure(width, true))[0];
        let j = s.justify(line, MilliEm(width), false);
        let total: i32 = j.adjust.iter().map(|a| a.0).sum();
        assert_eq!(
            line.width.0 + total,
            width,
            "squeezed exactly to the measure"
        );
        assert!(j.adjust.iter().all(|a| a.0 <= 0));
        // Ragged text is never squeezed.
        assert!(!broken(text, &[], &measure(width, false))[0].ends_with("バッ"));
    }

    #[test]
    fn justification_adds_up_to_the_measure() {
        let text = "データオプティマイズソリューションでは、Salesforce Platform上で動作する製品を提供しています。";
        let f = face();
        let s = Shaped::new(&f, text, Breaking::default()).unwrap();
        let m = measure(20_000, true);
        let lines = s.break_lines(&m);
        for line in &lines[..lines.len() - 1] {
            let j = s.justify(line, m.rest, false);
            let inter = (line.glyphs.start + 1..line.glyphs.end)
                .filter(|&i| s.gap[i] == Gap::Inter)
                .count();
            let total = line.width.0 as f32
                + j.adjust.iter().map(|a| a.0 as f32).sum::<f32>()
                + j.spacing * inter as f32;
            let target = if line.hangs {
                m.rest.0 + s.glyphs[line.glyphs.end - 1].advance.0
            } else {
                m.rest.0
            };
            assert!((total - target as f32).abs() < 0.5, "{total} vs {target}");
            // Inside Latin words nothing moves.
            for i in line.glyphs.start + 1..line.glyphs.end {
                if s.gap[i] == Gap::Never {
                    assert_eq!(j.adjust[i - line.glyphs.start], MilliEm::ZERO);
                }
            }
        }
    }

    #[test]
    fn a_source_space_between_japanese_and_latin_is_a_quarter_em() {
        let f = face();
        let s = Shaped::new(&f, "および SMTP", Breaking::default()).unwrap();
        let space = s.glyphs.iter().position(|g| g.ch == ' ').unwrap();
        assert_eq!(
            s.glyphs[space].advance + s.space_before[space + 1],
            WAOU_SPACE
        );
        assert_eq!(s.gap[space + 1], Gap::Waou);
    }

    #[test]
    fn urls_break_after_slashes_and_never_after_underscores_or_at_hyphens() {
        let url = "https://developer.salesforce.com/docs/atlas.ja-jp.packagingGuide.meta/packagingGuide/security_review_overview.htm";
        let whole = 0..url.len();
        let f = face();
        let s = Shaped::new(
            &f,
            url,
            Breaking {
                urls: std::slice::from_ref(&whole),
                phrases: false,
            },
        )
        .unwrap();
        for width in [18_000, 25_000, 33_000, 40_000] {
            let lines = broken(url, std::slice::from_ref(&whole), &measure(width, true));
            assert_eq!(lines.concat(), url);
            for l in &lines[..lines.len() - 1] {
                let last = l.chars().last().unwrap();
                assert!(!"_=-".contains(last), "{width}: {lines:?}");
            }
            // No stub of the URL alone on its last line.
            assert!(
                lines.last().unwrap().len() >= URL_MIN_TAIL,
                "{width}: {lines:?}"
            );
            if width == 33_000 {
                assert_eq!(
                    lines,
                    [
                        "https://developer.salesforce.com/docs/",
                        "atlas.ja-jp.packagingGuide.meta/packagingGuide/",
                        "security_review_overview.htm"
                    ]
                );
            }
        }
        assert!(s.glyphs.len() == url.len());
        // A hyphenated Latin word breaks before its hyphen.
        let lines = broken(
            "secure-erasure secure-erasure secure-erasure",
            &[],
            &measure(9_000, false),
        );
        assert!(lines.iter().all(|l| !l.ends_with('-')), "{lines:?}");
    }

    #[test]
    fn wave_dash_and_angle_brackets_follow_kinsoku() {
        for width in 4..12 {
            let lines = broken(
                "可用性 〜 キャパシティー＜管理＞＜対象＞です",
                &[],
                &measure(width * 1000, false),
            );
            for l in &lines[1..] {
                let c = l.chars().next().unwrap();
                assert!(c != '〜' && c != '＞', "{width}: {lines:?}");
            }
            for l in &lines[..lines.len() - 1] {
                assert!(!l.ends_with('＜'), "{width}: {lines:?}");
            }
        }
    }
}

//! Japanese line breaking.
//!
//! Break opportunities come from UAX #14 (`unicode-linebreak`) and are then tailored:
//!
//! * kinsoku shori: no line may start with closing punctuation, iteration marks,
//!   the prolonged sound mark or small kana, and none may end with opening brackets;
//!   the break moves earlier (追い出し, "push") or the offending 、。，． hangs into
//!   the cell padding (ぶら下げ, "pull") when it would just overflow;
//! * URLs (and other marked spans) are single words: no break inside them;
//! * a word wider than the line is broken at grapheme boundaries, preferring the spot
//!   after a URL delimiter (`/ ? & = _`, then `. -`);
//! * a quarter em is added between Japanese and adjacent Latin letters or digits
//!   where the source has no space (和欧間アキ), but never at a line edge.
//!
//! All widths are whole [`MilliEm`]s (1/1000 em of the font size), the unit of the
//! PDF `/W` array, so what the breaker measures is exactly what a viewer draws.

use std::ops::Range;

use unicode_linebreak::{BreakOpportunity, linebreaks};
use unicode_segmentation::UnicodeSegmentation;

use super::font::{FontFace, Glyph, MissingGlyph};
use crate::units::MilliEm;

/// Characters that must not start a line (行頭禁則).
pub const NO_LINE_START: &str = "、。，．・：；？！ー々ゝゞ）］｝」』】〕〉》ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ,.:;?!)]}%";
/// Characters that must not end a line (行末禁則).
pub const NO_LINE_END: &str = "（［｛「『【〔〈《([{";
/// Punctuation allowed to hang past the line end into the padding (ぶら下げ).
pub const HANGING: &str = "、。，．";
/// Whether `c` is in `set` (one of the sets above). Kanji and ASCII letters and
/// digits, most of any text, are in none of them and skip the search.
fn in_set(set: &str, c: char) -> bool {
    !(c.is_ascii_alphanumeric() || ('\u{4E00}'..='\u{9FFF}').contains(&c)) && set.contains(c)
}

/// Space between Japanese and Latin text: a quarter em (四分アキ).
pub const WAOU_SPACE: MilliEm = MilliEm(250);

/// Text mapped to glyphs, with everything the breaker needs per glyph.
#[derive(Debug, Clone, Default)]
pub struct Shaped {
    pub glyphs: Vec<Glyph>,
    /// Byte offset of each glyph's character in the source text.
    pub offsets: Vec<usize>,
    /// Extra space before each glyph (和欧間), dropped at a line start.
    pub space_before: Vec<MilliEm>,
    /// Whether a line may break before glyph `i`.
    pub break_before: Vec<bool>,
    /// Whether glyph `i` starts a grapheme cluster (the only places a forced break may go).
    pub cluster_start: Vec<bool>,
}

/// One output line: a range of glyphs and its width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub glyphs: Range<usize>,
    /// Width, hanging punctuation included.
    pub width: MilliEm,
}

impl Shaped {
    /// Maps `text` to glyphs of `face` and finds break opportunities. `unbreakable`
    /// lists byte ranges (URLs) that must stay whole unless wider than a line.
    pub fn new(
        face: &FontFace,
        text: &str,
        unbreakable: &[Range<usize>],
    ) -> Result<Shaped, MissingGlyph> {
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
        let mut cluster = vec![false; text.len() + 1];
        for (pos, _) in text.grapheme_indices(true) {
            cluster[pos] = true;
        }

        let n = glyphs.len();
        let mut break_before = vec![false; n];
        let mut cluster_start = vec![false; n];
        let mut space_before = vec![MilliEm::ZERO; n];
        for i in 0..n {
            let off = offsets[i];
            cluster_start[i] = cluster[off];
            if i == 0 {
                continue;
            }
            let (prev, cur) = (glyphs[i - 1].ch, glyphs[i].ch);
            break_before[i] = allowed[off]
                && cluster[off]
                && !in_set(NO_LINE_START, cur)
                && !in_set(NO_LINE_END, prev)
                && !unbreakable.iter().any(|r| r.start < off && off < r.end);
            if (is_japanese(prev) && is_latin(cur)) || (is_latin(prev) && is_japanese(cur)) {
                space_before[i] = WAOU_SPACE;
            }
        }
        Ok(Shaped {
            glyphs,
            offsets,
            space_before,
            break_before,
            cluster_start,
        })
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

    /// Breaks into lines: the first at most `first` wide, the others at most `rest`.
    /// `hang` is how far 、。 may hang past the limit. Every line holds at least one
    /// glyph, so this always terminates; trailing spaces are not part of a line.
    pub fn break_lines(&self, first: MilliEm, rest: MilliEm, hang: MilliEm) -> Vec<Line> {
        let n = self.glyphs.len();
        let mut lines = Vec::new();
        let mut start = 0;
        while start < n {
            let limit = if lines.is_empty() { first } else { rest };
            let end = self.line_end(start, limit, hang);
            let mut visible = end;
            while visible > start + 1 && self.glyphs[visible - 1].ch == ' ' {
                visible -= 1;
            }
            lines.push(Line {
                glyphs: start..visible,
                width: self.width(start..visible),
            });
            start = end;
            // A soft break swallows the spaces it happened at.
            while start < n && self.glyphs[start].ch == ' ' {
                start += 1;
            }
        }
        lines
    }

    /// Where the line starting at `start` ends (exclusive).
    fn line_end(&self, start: usize, limit: MilliEm, hang: MilliEm) -> usize {
        let n = self.glyphs.len();
        let mut x = MilliEm::ZERO;
        let mut last_break = None;
        for i in start..n {
            let w = self.advance_at(i, start);
            // Spaces never force a break: they vanish at the line end.
            if x + w > limit && self.glyphs[i].ch != ' ' && i > start {
                let hangs = in_set(HANGING, self.glyphs[i].ch)
                    && x + w <= limit + hang
                    && (i + 1 == n || self.break_before[i + 1]);
                if hangs {
                    return i + 1;
                }
                return match last_break {
                    Some(b) => b,
                    None => self.forced_break(start, i),
                };
            }
            x += w;
            if i + 1 < n && self.break_before[i + 1] {
                last_break = Some(i + 1);
            }
        }
        n
    }

    /// A break inside a word that does not fit: at the last grapheme boundary before
    /// `overflow`, or after a URL delimiter if one lies in the last 40% of the line.
    fn forced_break(&self, start: usize, overflow: usize) -> usize {
        let boundary = (start + 1..=overflow)
            .rev()
            .find(|&i| self.cluster_start[i])
            // The line must advance; if a single cluster is wider than the line,
            // take that cluster whole (it will be as narrow as it can be).
            .unwrap_or_else(|| {
                (overflow + 1..self.glyphs.len())
                    .find(|&i| self.cluster_start[i])
                    .unwrap_or(self.glyphs.len())
            });
        let earliest = (start + (boundary - start) * 3 / 5).max(start + 1);
        // Path and query separators first; a dot or hyphen only when there is none
        // (breaking after `.` can strand a lone `htm`).
        let after = |delims: &str| {
            (earliest..boundary)
                .rev()
                .find(|&i| self.cluster_start[i] && delims.contains(self.glyphs[i - 1].ch))
        };
        after("/?&=_").or_else(|| after(".-")).unwrap_or(boundary)
    }
}

/// Kana and ideographs (not punctuation): the Japanese side of 和欧間.
pub fn is_japanese(c: char) -> bool {
    matches!(c,
        '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309F}'   // hiragana
        | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}' // katakana
        | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}' | '々' | '〆' | '\u{FF66}'..='\u{FF9F}')
}

/// ASCII letters and digits: the Latin side of 和欧間.
pub fn is_latin(c: char) -> bool {
    c.is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::font::{FontFace, FontStyle};

    fn face() -> FontFace {
        FontFace::bundled(FontStyle::Regular)
    }

    /// Lines of `text` broken at `chars` full-width characters.
    fn lines(text: &str, chars: i32) -> Vec<String> {
        let f = face();
        let s = Shaped::new(&f, text, &[]).unwrap();
        let width = MilliEm(chars * 1000);
        s.break_lines(width, width, MilliEm(600))
            .into_iter()
            .map(|l| s.glyphs[l.glyphs].iter().map(|g| g.ch).collect())
            .collect()
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
        let s = Shaped::new(&f, url, std::slice::from_ref(&whole_url)).unwrap();
        let ls = s.break_lines(MilliEm(20_000), MilliEm(20_000), MilliEm::ZERO);
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
        let s = Shaped::new(&f, text, &[r]).unwrap();
        let ls = s.break_lines(MilliEm(16_000), MilliEm(16_000), MilliEm::ZERO);
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
        let s = Shaped::new(&f, text, &[]).unwrap();
        for l in s.break_lines(MilliEm(1500), MilliEm(1500), MilliEm::ZERO) {
            assert!(s.cluster_start[l.glyphs.start]);
        }
    }

    #[test]
    fn waou_space_between_japanese_and_latin_but_not_at_line_start() {
        let f = face();
        let s = Shaped::new(&f, "日本ABC語", &[]).unwrap();
        let o = MilliEm::ZERO;
        assert_eq!(s.space_before, [o, o, WAOU_SPACE, o, o, WAOU_SPACE]);
        assert_eq!(s.width(2..4), s.glyphs[2].advance + s.glyphs[3].advance);
    }

    #[test]
    fn lines_never_exceed_the_limit() {
        let text = "Salesforceは、Core製品(1st Party)基準ですべてのお客様データ（本番、Sandbox含め）に対してストレージレベルでAES-256のアルゴリズムで暗号化を実施しております。";
        let f = face();
        let s = Shaped::new(&f, text, &[]).unwrap();
        for limit in [3_000, 7_000, 15_000, 40_000].map(MilliEm) {
            for l in s.break_lines(limit, limit, MilliEm(600)) {
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
}

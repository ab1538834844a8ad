//! Text blocks: a piece of content markup set into lines of a given width.
//!
//! The result is a list of [`BlockLine`]s positioned relative to the block's top-left
//! corner, so that the table can split a block between any two lines.

use super::style::Style;
use super::{Color, Element, Rect, RunGlyph, TextRun};
use crate::model::markup::{self, LineKind};
use crate::text::font::{FontSet, FontStyle, MissingGlyph};
use crate::text::linebreak::{self, Breaking, Gap, Justified, Measure, Shaped};
use crate::units::{MilliEm, Pt};

/// How a block's text is set.
#[derive(Debug, Clone, Copy)]
pub struct TextSpec {
    pub size: Pt,
    pub line_height: Pt,
    /// Extra space a blank line in the source adds.
    pub paragraph_gap: Pt,
    pub style: FontStyle,
    pub color: Color,
    pub link_color: Color,
    /// How far 、。 may hang past the right edge (the cell padding), in justified
    /// text.
    pub hang: Pt,
    /// Break only between phrases (文節), and balance the lines: for narrow cells
    /// (labels, titles), where a word broken in two reads badly.
    pub phrases: bool,
    /// Justify (両端揃え): every line but a paragraph's last ends at the edge.
    pub justify: bool,
}

impl TextSpec {
    /// Body text in table cells (justified), and the bold of labels (broken
    /// between phrases).
    pub fn cells(style: &Style) -> (TextSpec, TextSpec) {
        let body = TextSpec {
            size: style.body_size,
            line_height: style.line_height,
            paragraph_gap: style.paragraph_gap,
            style: FontStyle::Regular,
            color: Color::BLACK,
            link_color: style.link_color,
            hang: style.cell_pad_x,
            phrases: false,
            justify: true,
        };
        let bold = TextSpec {
            style: FontStyle::Bold,
            ..body.phrased()
        };
        (body, bold)
    }

    /// The same text set for a narrow cell: broken between phrases, not justified.
    pub fn phrased(self) -> TextSpec {
        TextSpec {
            phrases: true,
            justify: false,
            ..self
        }
    }
}

/// One output line of a block.
#[derive(Debug, Clone, PartialEq)]
pub struct BlockLine {
    /// Space above this line from a blank source line; dropped at a page top.
    pub gap_before: Pt,
    pub height: Pt,
    /// Runs with `x` from the block's left edge and `baseline` from the line's top.
    pub runs: Vec<TextRun>,
    /// Link areas, positioned like the runs.
    pub links: Vec<(Rect, String)>,
    /// Which source line of the block this line belongs to (a paragraph, a list
    /// entry or a sub-heading), for page breaks that respect paragraphs.
    pub paragraph: u32,
    /// The line is (part of) a sub-heading, kept with what follows it.
    pub heading: bool,
}

impl BlockLine {
    /// The line's elements with its top-left corner at (`x`, `y`).
    pub fn place(&self, x: Pt, y: Pt, out: &mut Vec<Element>) {
        let runs = self.runs.iter().cloned();
        let links = self.links.iter().cloned();
        place_parts(runs, links, x, y, out);
    }

    /// Like [`place`](Self::place), but moves the runs and links out, leaving the
    /// line empty: for lines drawn exactly once.
    pub fn place_moving(&mut self, x: Pt, y: Pt, out: &mut Vec<Element>) {
        let runs = std::mem::take(&mut self.runs).into_iter();
        let links = std::mem::take(&mut self.links).into_iter();
        place_parts(runs, links, x, y, out);
    }
}

fn place_parts(
    runs: impl Iterator<Item = TextRun>,
    links: impl Iterator<Item = (Rect, String)>,
    x: Pt,
    y: Pt,
    out: &mut Vec<Element>,
) {
    for mut run in runs {
        run.x += x;
        run.baseline += y;
        out.push(Element::Text(run));
    }
    for (rect, uri) in links {
        let rect = Rect {
            x: rect.x + x,
            y: rect.y + y,
            ..rect
        };
        out.push(Element::Link { rect, uri });
    }
}

/// The top of each of `lines` stacked from `y`, keeping their gaps.
fn tops(lines: &[BlockLine], y: Pt) -> Vec<Pt> {
    let mut y = y;
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        if i > 0 {
            y += line.gap_before;
        }
        out.push(y);
        y += line.height;
    }
    out
}

/// Places `lines` one under another from (`x`, `y`), keeping their gaps.
pub fn place_lines(lines: &[BlockLine], x: Pt, y: Pt, out: &mut Vec<Element>) {
    for (line, top) in lines.iter().zip(tops(lines, y)) {
        line.place(x, top, out);
    }
}

/// Like [`place_lines`], but moves the lines' content out (see [`BlockLine::place_moving`]).
pub fn move_lines(lines: &mut [BlockLine], x: Pt, y: Pt, out: &mut Vec<Element>) {
    let tops = tops(lines, y);
    for (line, top) in lines.iter_mut().zip(tops) {
        line.place_moving(x, top, out);
    }
}

/// Total height of `lines` stacked, ignoring the first line's gap.
pub fn height(lines: &[BlockLine]) -> Pt {
    lines
        .iter()
        .enumerate()
        .map(|(i, l)| l.height + if i > 0 { l.gap_before } else { Pt::ZERO })
        .sum()
}

/// A markup line shaped once, to be broken at any width.
struct ShapedLine<'t> {
    markup: markup::MarkupLine<'t>,
    style: FontStyle,
    shaped: Shaped,
}

/// A markup line broken at one width.
struct Broken {
    lines: Vec<linebreak::Line>,
    indent: MilliEm,
    hang_indent: MilliEm,
    measure: Measure,
}

/// Parses the markup of `text` and shapes each line.
fn shape_block<'t>(
    fonts: &FontSet,
    text: &'t str,
    spec: &TextSpec,
) -> Result<Vec<ShapedLine<'t>>, MissingGlyph> {
    markup::parse(text)
        .into_iter()
        .map(|ml| {
            let style = if ml.kind == LineKind::SubHeading {
                FontStyle::Bold
            } else {
                spec.style
            };
            let how = Breaking {
                urls: &ml.links,
                phrases: spec.phrases,
            };
            let shaped = Shaped::new(fonts.face(style), ml.text, how)?;
            Ok(ShapedLine {
                markup: ml,
                style,
                shaped,
            })
        })
        .collect()
}

/// Breaks every shaped line at `width`.
fn break_block(block: &[ShapedLine<'_>], width: Pt, spec: &TextSpec) -> Vec<Broken> {
    let avail = MilliEm::from_pt(width, spec.size);
    block
        .iter()
        .map(|sl| {
            let shaped = &sl.shaped;
            // Continuation lines of a list line hang after the marker.
            let mut hang_indent = match sl.markup.kind {
                LineKind::ListItem { marker_len } => {
                    let marker_glyphs = shaped
                        .offsets
                        .iter()
                        .take_while(|&&o| o < marker_len)
                        .count();
                    shaped.width(0..marker_glyphs)
                }
                _ => MilliEm::ZERO,
            };
            let mut indent = sl.markup.indent;
            // Indents that leave less than four characters are dropped rather than
            // squeezing the text into a sliver.
            if avail - indent - hang_indent < MilliEm(4000) {
                indent = MilliEm::ZERO;
                hang_indent = MilliEm::ZERO;
            }
            let measure = Measure {
                first: avail - indent,
                rest: avail - indent - hang_indent,
                hang: if spec.justify {
                    MilliEm::from_pt(spec.hang, spec.size)
                } else {
                    MilliEm::ZERO
                },
                justify: spec.justify,
            };
            Broken {
                lines: shaped.break_lines(&measure),
                indent,
                hang_indent,
                measure,
            }
        })
        .collect()
}

/// Builds the output lines of a broken block.
fn set_block(
    block: &[ShapedLine<'_>],
    broken: &[Broken],
    spec: &TextSpec,
    fonts: &FontSet,
) -> Vec<BlockLine> {
    let mut out = Vec::with_capacity(broken.iter().map(|b| b.lines.len()).sum());
    for (p, (sl, b)) in block.iter().zip(broken).enumerate() {
        for (k, line) in b.lines.iter().enumerate() {
            let (hang, limit) = if k > 0 {
                (b.hang_indent, b.measure.rest)
            } else {
                (MilliEm::ZERO, b.measure.first)
            };
            let justified = if spec.justify {
                sl.shaped.justify(line, limit, k + 1 == b.lines.len())
            } else {
                Justified {
                    adjust: Vec::new(),
                    spacing: 0.0,
                }
            };
            let mut set = make_line(
                &sl.shaped,
                line.glyphs.clone(),
                &justified,
                b.indent + hang,
                &sl.markup,
                sl.style,
                spec,
                fonts,
            );
            if k == 0 && sl.markup.gap_before {
                set.gap_before = spec.paragraph_gap;
            }
            set.paragraph = p as u32;
            set.heading = sl.markup.kind == LineKind::SubHeading;
            out.push(set);
        }
    }
    out
}

/// Sets `text` (content markup) into lines at most `width` wide.
pub fn layout_text(
    fonts: &FontSet,
    text: &str,
    width: Pt,
    spec: &TextSpec,
) -> Result<Vec<BlockLine>, MissingGlyph> {
    let block = shape_block(fonts, text, spec)?;
    let broken = break_block(&block, width, spec);
    Ok(set_block(&block, &broken, spec, fonts))
}

/// Sets `text` in as many lines as `width` needs, but with the lines as even as
/// possible: the narrowest width that does not add a line, break a phrase or
/// leave a character alone on a line. A label such as アクセス制御 then breaks
/// 3+3 rather than 5+1. The text is shaped once; only the line breaking is
/// repeated while searching. Meant for [`TextSpec::phrased`] text.
pub fn layout_balanced(
    fonts: &FontSet,
    text: &str,
    width: Pt,
    spec: &TextSpec,
) -> Result<Vec<BlockLine>, MissingGlyph> {
    let block = shape_block(fonts, text, spec)?;
    let mut best = break_block(&block, width, spec);
    let count = |b: &[Broken]| b.iter().map(|m| m.lines.len()).sum::<usize>();
    let lines = count(&best);
    if lines >= 2 {
        let flaws = flaws(&block, &best);
        let (mut lo, mut hi) = (width / lines as f32, width);
        // Seven halvings find the width to within 1/128 of the column: finer than a glyph.
        for _ in 0..7 {
            let mid = (lo + hi) / 2.0;
            let trial = break_block(&block, mid, spec);
            if count(&trial) > lines || self::flaws(&block, &trial) > flaws {
                lo = mid;
            } else {
                hi = mid;
                best = trial;
            }
        }
    }
    Ok(set_block(&block, &best, spec, fonts))
}

/// The width of the widest phrase of `text` (between two break opportunities of
/// [`TextSpec::phrased`] text) that is at most `within` wide: the least width
/// that sets it without breaking a phrase that could fit. Zero if none fits.
pub fn widest_phrase(
    fonts: &FontSet,
    text: &str,
    spec: &TextSpec,
    within: Pt,
) -> Result<Pt, MissingGlyph> {
    let within = MilliEm::from_pt(within, spec.size);
    let block = shape_block(fonts, text, &spec.phrased())?;
    let mut widest = MilliEm::ZERO;
    for sl in &block {
        let shaped = &sl.shaped;
        let n = shaped.glyphs.len();
        // Phrases, and the words inside phrases (for a phrase too wide to fit).
        let mut from = [0, 0];
        for i in 1..=n {
            let ends = [
                i == n || shaped.break_before[i],
                i == n || shaped.break_before[i] || shaped.inner_break.get(i) == Some(&true),
            ];
            for level in 0..2 {
                if ends[level] {
                    let w = shaped.width(from[level]..i) + sl.markup.indent;
                    if w <= within {
                        widest = widest.max(w);
                    }
                    from[level] = i;
                }
            }
        }
    }
    Ok(widest.to_pt(spec.size))
}

/// What makes a narrow cell's lines read worse: (breaks inside a phrase, inside
/// a katakana word, lines of a single character).
fn flaws(block: &[ShapedLine<'_>], broken: &[Broken]) -> (usize, usize, usize) {
    let mut inside_phrase = 0;
    let mut inside_word = 0;
    let mut alone = 0;
    for (sl, b) in block.iter().zip(broken) {
        let shaped = &sl.shaped;
        for l in &b.lines {
            let at = l.glyphs.start;
            if at > 0 && !shaped.break_before[at] {
                inside_phrase += 1;
                if linebreak::is_katakana(shaped.glyphs[at - 1].ch)
                    && linebreak::is_katakana(shaped.glyphs[at].ch)
                {
                    inside_word += 1;
                }
            }
            if b.lines.len() > 1 && l.glyphs.len() == 1 {
                alone += 1;
            }
        }
    }
    (inside_phrase, inside_word, alone)
}

/// Builds one line, splitting it into runs where links start and end, and
/// where justification's even spacing starts and stops (it is stated once per
/// run, as PDF character spacing: Latin words, which are never spaced out, are
/// runs of their own).
#[allow(clippy::too_many_arguments)]
fn make_line(
    shaped: &Shaped,
    range: std::ops::Range<usize>,
    justified: &Justified,
    x0: MilliEm,
    markup: &markup::MarkupLine<'_>,
    style: FontStyle,
    spec: &TextSpec,
    fonts: &FontSet,
) -> BlockLine {
    let face = fonts.face(style);
    let em = face.ascent(spec.size) - face.descent(spec.size);
    let baseline = (spec.line_height - em) / 2.0 + face.ascent(spec.size);
    let links = &markup.links;
    let link_of = |i: usize| links.iter().position(|r| r.contains(&shaped.offsets[i]));
    // The whole-milli-em space before glyph `i` on this line: 和欧間 and
    // justification's adjustments, none before the line's first glyph.
    let space = |i: usize| {
        if i > range.start {
            let adjust = justified.adjust.get(i - range.start).copied();
            shaped.space_before[i] + adjust.unwrap_or_default()
        } else {
            MilliEm::ZERO
        }
    };
    // Whether the gap before glyph `i` takes the even spacing.
    let spaced =
        |i: usize| justified.spacing != 0.0 && i > range.start && shaped.gap[i] == Gap::Inter;
    let pt = |milli_em: f32| Pt(milli_em * spec.size.0 / 1000.0);

    // Most lines are one run; a link or a Latin word in a justified line adds more.
    let mut runs = Vec::with_capacity(1);
    let mut rects = Vec::new();
    // Pen position in milli-ems (fractional: the even spacing need not be whole).
    let mut x = x0.0 as f32;
    let mut i = range.start;
    while i < range.end {
        let link = link_of(i);
        let lead = space(i).0 as f32 + if spaced(i) { justified.spacing } else { 0.0 };
        let run_x = x + lead;
        // The run ends where the link state changes, or where its gaps stop (or
        // start) taking the even spacing.
        let mut end = i + 1;
        let mut even = None;
        while end < range.end && link_of(end) == link {
            let s = spaced(end);
            if *even.get_or_insert(s) != s {
                break;
            }
            end += 1;
        }
        let spacing = if even == Some(true) {
            justified.spacing
        } else {
            0.0
        };
        // Sized exactly: a document holds millions of glyphs and doubling growth
        // would waste a third.
        let mut glyphs = Vec::with_capacity(end - i);
        let mut trailing = Vec::new();
        let mut run_width = 0.0f32;
        for j in i..end {
            let g = &shaped.glyphs[j];
            let before = if j > i { space(j) } else { MilliEm::ZERO };
            run_width += (g.advance + before).0 as f32 + if j > i { spacing } else { 0.0 };
            if let Some(t) = &g.trailing {
                trailing.push(((j - i) as u32, t.as_str().into()));
            }
            glyphs.push(RunGlyph {
                ch: g.ch,
                gid: g.gid,
                // 和欧間 and justification are fractions of an em: far inside i16.
                space_before: before.0 as i16,
            });
        }
        if let Some(l) = link {
            rects.push((
                Rect {
                    x: pt(run_x),
                    y: (spec.line_height - em) / 2.0,
                    width: pt(run_width),
                    height: em,
                },
                markup.text[links[l].clone()].to_string(),
            ));
        }
        runs.push(TextRun {
            x: pt(run_x),
            baseline,
            size: spec.size,
            style,
            color: if link.is_some() {
                spec.link_color
            } else {
                spec.color
            },
            width: pt(run_width),
            spacing: pt(spacing),
            glyphs,
            trailing,
        });
        x = run_x + run_width;
        i = end;
    }
    BlockLine {
        gap_before: Pt::ZERO,
        height: spec.line_height,
        runs,
        links: rects,
        paragraph: 0,
        heading: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> TextSpec {
        TextSpec {
            size: Pt(10.0),
            line_height: Pt(15.0),
            paragraph_gap: Pt(5.0),
            style: FontStyle::Regular,
            color: Color::BLACK,
            link_color: Color(0.0, 0.0, 1.0),
            hang: Pt(5.0),
            phrases: false,
            justify: false,
        }
    }

    fn texts(lines: &[BlockLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.runs.iter().map(TextRun::text).collect())
            .collect()
    }

    #[test]
    fn list_continuations_hang_after_the_marker() {
        let fonts = FontSet::bundled();
        let lines =
            layout_text(&fonts, "●あいうえおかきくけこさしすせそ", Pt(60.0), &spec()).unwrap();
        assert!(lines.len() > 1);
        let marker = fonts.regular.lookup('●').unwrap().1.0 as f32 / 100.0;
        assert_eq!(lines[0].runs[0].x, Pt(0.0));
        assert!((lines[1].runs[0].x.0 - marker).abs() < 0.01);
    }

    #[test]
    fn katakana_words_stay_whole_in_label_cells() {
        let fonts = FontSet::bundled();
        let label = spec().phrased();
        let lines = layout_text(&fonts, "情報セキュリティのための組織", Pt(60.0), &label).unwrap();
        assert_eq!(texts(&lines)[..2], ["情報", "セキュリティ"]);
        // Body text breaks anywhere between characters, as usual.
        let body = layout_text(&fonts, "情報セキュリティのための組織", Pt(60.0), &spec()).unwrap();
        assert_eq!(texts(&body)[0], "情報セキュリ");
    }

    #[test]
    fn sub_headings_are_bold_and_gaps_recorded() {
        let fonts = FontSet::bundled();
        let lines = layout_text(
            &fonts,
            "＜当社の責任＞\n本文\n\n次の段落",
            Pt(200.0),
            &spec(),
        )
        .unwrap();
        assert_eq!(lines[0].runs[0].style, FontStyle::Bold);
        assert_eq!(lines[1].runs[0].style, FontStyle::Regular);
        assert_eq!(lines[2].gap_before, Pt(5.0));
        assert_eq!(height(&lines), Pt(50.0));
    }

    #[test]
    fn wrapped_url_has_a_link_area_on_every_line() {
        let fonts = FontSet::bundled();
        let url = "https://help.salesforce.com/s/articleView?id=sf.permissions_about_users_access.htm&type=5";
        let text = format!("以下をご参照ください。\n{url}");
        let lines = layout_text(&fonts, &text, Pt(150.0), &spec()).unwrap();
        let url_lines = &lines[1..];
        assert!(url_lines.len() >= 2);
        for l in url_lines {
            assert_eq!(l.links.len(), 1);
            assert_eq!(l.links[0].1, url);
            let run = &l.runs[0];
            assert!((l.links[0].0.width.0 - run.width.0).abs() < 0.01);
            assert!(l.links[0].0.x.0 + l.links[0].0.width.0 <= 150.0 + 0.01);
        }
        assert_eq!(texts(url_lines).concat(), url);
    }

    #[test]
    fn link_in_the_middle_of_a_line_splits_runs() {
        let fonts = FontSet::bundled();
        let lines = layout_text(
            &fonts,
            "窓口｜https://spc.opro.net/hc/ja です",
            Pt(400.0),
            &spec(),
        )
        .unwrap();
        let runs = &lines[0].runs;
        assert_eq!(runs.len(), 3);
        assert_eq!(runs[1].text(), "https://spc.opro.net/hc/ja");
        assert_eq!(runs[1].color, Color(0.0, 0.0, 1.0));
        assert!(runs[1].x < runs[2].x);
    }
}

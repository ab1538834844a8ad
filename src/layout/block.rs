//! Text blocks: a piece of content markup set into lines of a given width.
//!
//! The result is a list of [`BlockLine`]s positioned relative to the block's top-left
//! corner, so that the table can split a block between any two lines.

use std::sync::Arc;

use super::style::Style;
use super::{Color, Element, Rect, RunGlyph, Tag, TextRun};
use crate::model::markup::{self, Block, LineKind, MarkupLine, PictureRef, TableBlock};
use crate::model::picture::Pictures;
use crate::text::font::{FontSet, FontStyle, MissingGlyph};
use crate::text::linebreak::{self, Breaking, Gap, Justified, Measure, Shaped};
use crate::units::{MilliEm, Pt};

/// How the tables and pictures of a block are drawn.
#[derive(Debug, Clone, Copy)]
pub struct Objects<'a> {
    pub grid_width: Pt,
    pub grid_color: Color,
    pub header_fill: Color,
    /// The document's pictures; without them a picture line is left out (the
    /// input gate reads every picture a document refers to).
    pub pictures: Option<&'a Pictures>,
    /// The tallest a picture is drawn: it is never split, so it must fit a page.
    pub max_picture_height: Pt,
}

impl Default for Objects<'_> {
    fn default() -> Self {
        Objects {
            grid_width: Pt(0.5),
            grid_color: Color::gray(0.45),
            header_fill: Color::gray(0.93),
            pictures: None,
            max_picture_height: Pt(360.0),
        }
    }
}

/// How a block's text is set.
#[derive(Debug, Clone, Copy)]
pub struct TextSpec<'a> {
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
    /// Tables and pictures in the text.
    pub objects: Objects<'a>,
}

impl TextSpec<'_> {
    /// Body text in table cells (justified), and the bold of labels (broken
    /// between phrases).
    pub fn cells(style: &Style) -> (TextSpec<'static>, TextSpec<'static>) {
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
            objects: Objects {
                grid_width: style.grid_width,
                grid_color: style.grid_color,
                header_fill: style.header_fill,
                pictures: None,
                max_picture_height: (style.page_height - style.margin_top - style.margin_bottom)
                    * 0.6,
            },
        };
        let bold = TextSpec {
            style: FontStyle::Bold,
            ..body.phrased()
        };
        (body, bold)
    }

    /// The same text set for a narrow cell: broken between phrases, not justified.
    pub fn phrased(self) -> Self {
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
    /// The line is (part of) a list entry.
    pub list: bool,
    /// The line is a row of a table in the text or a picture (its `shapes`
    /// draw it), not a line of text.
    pub object: bool,
    /// Rules, fills and pictures, positioned like the runs (a row of a table in
    /// the text, a picture).
    pub shapes: Vec<Element>,
    /// The header row of the table this line is a row of: drawn above the line
    /// when a page starts with it.
    pub repeat: Option<Arc<BlockLine>>,
}

impl BlockLine {
    /// A line of `height` with nothing on it yet.
    fn empty(height: Pt) -> BlockLine {
        BlockLine {
            gap_before: Pt::ZERO,
            height,
            runs: Vec::new(),
            links: Vec::new(),
            paragraph: 0,
            heading: false,
            list: false,
            object: false,
            shapes: Vec::new(),
            repeat: None,
        }
    }

    /// The right end of the line's last run.
    pub fn text_width(&self) -> Pt {
        self.runs
            .iter()
            .map(|r| r.x + r.width)
            .fold(Pt::ZERO, Pt::max)
    }
}

impl BlockLine {
    /// The line's elements with its top-left corner at (`x`, `y`), its content
    /// tagged `tag`.
    pub fn place(&self, x: Pt, y: Pt, tag: Tag, out: &mut Vec<Element>) {
        let runs = self.runs.iter().cloned();
        let links = self.links.iter().cloned();
        place_parts(runs, links, self.shapes.iter().cloned(), x, y, tag, out);
    }

    /// Like [`place`](Self::place), but moves the runs and links out, leaving the
    /// line empty: for lines drawn exactly once.
    pub fn place_moving(&mut self, x: Pt, y: Pt, tag: Tag, out: &mut Vec<Element>) {
        let runs = std::mem::take(&mut self.runs).into_iter();
        let links = std::mem::take(&mut self.links).into_iter();
        let shapes = std::mem::take(&mut self.shapes).into_iter();
        place_parts(runs, links, shapes, x, y, tag, out);
    }
}

fn place_parts(
    runs: impl Iterator<Item = TextRun>,
    links: impl Iterator<Item = (Rect, String)>,
    shapes: impl Iterator<Item = Element>,
    x: Pt,
    y: Pt,
    tag: Tag,
    out: &mut Vec<Element>,
) {
    out.extend(shapes.map(|e| e.shifted(x, y).tagged(tag)));
    for mut run in runs {
        run.x += x;
        run.baseline += y;
        run.tag = tag;
        out.push(Element::Text(run));
    }
    for (rect, uri) in links {
        let rect = Rect {
            x: rect.x + x,
            y: rect.y + y,
            ..rect
        };
        out.push(Element::Link { rect, uri, tag });
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

/// Places `lines` one under another from (`x`, `y`), keeping their gaps, their
/// content tagged `tag`.
pub fn place_lines(lines: &[BlockLine], x: Pt, y: Pt, tag: Tag, out: &mut Vec<Element>) {
    for (line, top) in lines.iter().zip(tops(lines, y)) {
        line.place(x, top, tag, out);
    }
}

/// Like [`place_lines`], but moves the lines' content out (see
/// [`BlockLine::place_moving`]), line `i` tagged `tags[i]`.
pub fn move_lines(lines: &mut [BlockLine], x: Pt, y: Pt, tags: &[Tag], out: &mut Vec<Element>) {
    let tops = tops(lines, y);
    for ((line, top), tag) in lines.iter_mut().zip(tops).zip(tags) {
        line.place_moving(x, top, *tag, out);
    }
}

/// Each line's paragraph for the document structure, and whether it is a list
/// entry, for [`Structure::paragraphs`](super::Structure::paragraphs). Source
/// lines run on into one paragraph (a sentence is often broken over lines in
/// the YAML); a blank line, a list entry, a sub-heading, a table row or a
/// picture starts a new one.
pub fn paragraph_kinds(lines: &[BlockLine]) -> Vec<(u32, bool)> {
    let mut group = 0;
    let mut out = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        if let Some(p) = i.checked_sub(1).map(|k| &lines[k])
            && p.paragraph != l.paragraph
        {
            let plain = |l: &BlockLine| !l.list && !l.heading && !l.object;
            if !(plain(p) && plain(l) && l.gap_before == Pt::ZERO) {
                group += 1;
            }
        }
        out.push((group, l.list));
    }
    out
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
    markup: MarkupLine<'t>,
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

/// Shapes each markup line.
fn shape_lines<'t>(
    fonts: &FontSet,
    lines: Vec<MarkupLine<'t>>,
    spec: &TextSpec,
) -> Result<Vec<ShapedLine<'t>>, MissingGlyph> {
    lines
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
            let mut shaped = Shaped::new(fonts.face(style), &ml.text, how)?;
            if style != FontStyle::Bold && !ml.bold.is_empty() {
                shaped.embolden(fonts.face(FontStyle::Bold), &ml.bold)?;
            }
            Ok(ShapedLine {
                markup: ml,
                style,
                shaped,
            })
        })
        .collect()
}

/// Parses the markup of `text` and shapes its text lines (tables and pictures
/// are left out: for labels and titles, which hold none).
fn shape_block<'t>(
    fonts: &FontSet,
    text: &'t str,
    spec: &TextSpec,
) -> Result<Vec<ShapedLine<'t>>, MissingGlyph> {
    let lines = markup::parse(text)
        .into_iter()
        .filter_map(|b| match b {
            Block::Line(l) => Some(l),
            _ => None,
        })
        .collect();
    shape_lines(fonts, lines, spec)
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
            set.list = matches!(sl.markup.kind, LineKind::ListItem { .. });
            out.push(set);
        }
    }
    out
}

/// Sets `text` (content markup) into lines at most `width` wide: its text lines,
/// tables (a line per row) and pictures (a line each).
pub fn layout_text(
    fonts: &FontSet,
    text: &str,
    width: Pt,
    spec: &TextSpec,
) -> Result<Vec<BlockLine>, MissingGlyph> {
    let mut blocks = markup::parse(text);
    if blocks.iter().all(|b| matches!(b, Block::Line(_))) {
        let lines = blocks
            .into_iter()
            .filter_map(|b| match b {
                Block::Line(l) => Some(l),
                _ => None,
            })
            .collect();
        return set_lines(fonts, lines, width, spec);
    }
    let mut out: Vec<BlockLine> = Vec::new();
    let mut text_lines = Vec::new();
    // The blocks in order, each run of text lines set together.
    for block in blocks.drain(..) {
        let set = match block {
            Block::Line(l) => {
                text_lines.push(l);
                continue;
            }
            Block::Table(t) => table_lines(fonts, &t, width, spec)?,
            Block::Picture(p) => picture_line(&p, width, spec).into_iter().collect(),
        };
        if !text_lines.is_empty() {
            let lines = set_lines(fonts, std::mem::take(&mut text_lines), width, spec)?;
            append(&mut out, lines, spec);
        }
        append(&mut out, set, spec);
    }
    if !text_lines.is_empty() {
        let lines = set_lines(fonts, text_lines, width, spec)?;
        append(&mut out, lines, spec);
    }
    Ok(out)
}

/// Shapes, breaks and sets text lines.
fn set_lines(
    fonts: &FontSet,
    lines: Vec<MarkupLine<'_>>,
    width: Pt,
    spec: &TextSpec,
) -> Result<Vec<BlockLine>, MissingGlyph> {
    let block = shape_lines(fonts, lines, spec)?;
    let broken = break_block(&block, width, spec);
    Ok(set_block(&block, &broken, spec, fonts))
}

/// Appends `set` to `out`, numbering its paragraphs after those of `out`, with
/// a little space between a table or picture and the text beside it.
fn append(out: &mut Vec<BlockLine>, mut set: Vec<BlockLine>, spec: &TextSpec) {
    let (Some(last), Some(first)) = (out.last(), set.first_mut()) else {
        out.extend(set);
        return;
    };
    let next = last.paragraph + 1;
    if last.object || first.object {
        first.gap_before = first.gap_before.max(object_gap(spec));
    }
    for l in &mut set {
        l.paragraph += next;
    }
    out.extend(set);
}

/// The space between a table or picture and the text around it.
fn object_gap(spec: &TextSpec) -> Pt {
    spec.line_height * 0.3
}

/// The lines of a table in the text: one per row, the header row first (bold,
/// shaded, kept with the rows after it and repeated when a page starts inside
/// the table). Columns are sized to their content within `width`.
fn table_lines(
    fonts: &FontSet,
    t: &TableBlock<'_>,
    width: Pt,
    spec: &TextSpec,
) -> Result<Vec<BlockLine>, MissingGlyph> {
    let pad_x = spec.size * 0.4;
    let pad_y = spec.size * 0.25;
    let x0 = t.indent.to_pt(spec.size).min(width * 0.5);
    let total = width - x0;
    let body = TextSpec {
        hang: Pt::ZERO,
        ..*spec
    };
    let head = TextSpec {
        style: FontStyle::Bold,
        justify: false,
        ..body
    };
    let spec_of = |r: usize| if r == 0 { &head } else { &body };
    let columns = t.rows.first().map_or(0, Vec::len);
    if columns == 0 {
        return Ok(Vec::new());
    }
    // Natural (unbroken) and least (widest phrase) width of each column.
    let mut natural = vec![Pt::ZERO; columns];
    let mut least = vec![Pt::ZERO; columns];
    let unbounded = Pt(f32::MAX / 4.0);
    for (r, row) in t.rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let sp = spec_of(r);
            let lines = set_lines(fonts, cell_markup(text), unbounded, sp)?;
            let w = lines
                .iter()
                .map(BlockLine::text_width)
                .fold(Pt::ZERO, Pt::max);
            natural[c] = natural[c].max(w);
            least[c] = least[c].max(widest_phrase(fonts, text, sp, total - pad_x * 2.0)?);
        }
    }
    let pads = pad_x * 2.0;
    let least: Vec<Pt> = least.iter().map(|w| *w + pads).collect();
    let natural: Vec<Pt> = natural
        .iter()
        .zip(&least)
        .map(|(n, l)| (*n + pads).max(*l))
        .collect();
    let sum = |v: &[Pt]| v.iter().copied().fold(Pt::ZERO, |a, b| a + b);
    let widths: Vec<Pt> = if sum(&natural) <= total {
        // Everything fits unbroken: the spare width goes to the columns in
        // proportion to their text.
        let scale = total / sum(&natural);
        natural.iter().map(|w| *w * scale).collect()
    } else if sum(&least) < total {
        // Each column gets its widest phrase, and the rest of the width in
        // proportion to how much more its text would take.
        let spare = total - sum(&least);
        let wants: Vec<Pt> = natural.iter().zip(&least).map(|(n, l)| *n - *l).collect();
        let want = sum(&wants);
        least
            .iter()
            .zip(&wants)
            .map(|(l, w)| {
                *l + if want > Pt::ZERO {
                    spare * (*w / want)
                } else {
                    Pt::ZERO
                }
            })
            .collect()
    } else {
        let scale = total / sum(&least);
        least.iter().map(|w| *w * scale).collect()
    };
    let mut edges = vec![x0];
    for w in &widths {
        edges.push(*edges.last().unwrap_or(&x0) + *w);
    }
    let right = x0 + total;
    let objects = &spec.objects;
    let rule = |from: (Pt, Pt), to: (Pt, Pt)| Element::Rule {
        from,
        to,
        width: objects.grid_width,
        color: objects.grid_color,
    };
    let mut out = Vec::with_capacity(t.rows.len());
    let mut header: Option<Arc<BlockLine>> = None;
    for (r, row) in t.rows.iter().enumerate() {
        let sp = spec_of(r);
        let mut cells = Vec::with_capacity(columns);
        for (c, text) in row.iter().enumerate() {
            cells.push(set_lines(fonts, cell_markup(text), widths[c] - pads, sp)?);
        }
        let inner = cells.iter().map(|l| height(l)).fold(Pt::ZERO, Pt::max);
        let h = inner.max(sp.line_height) + pad_y * 2.0;
        let mut line = BlockLine::empty(h);
        if r == 0 {
            line.shapes.push(Element::Fill {
                rect: Rect {
                    x: x0,
                    y: Pt::ZERO,
                    width: total,
                    height: h,
                },
                color: objects.header_fill,
            });
            line.shapes.push(rule((x0, Pt::ZERO), (right, Pt::ZERO)));
        }
        line.shapes.push(rule((x0, h), (right, h)));
        for x in &edges {
            line.shapes.push(rule((*x, Pt::ZERO), (*x, h)));
        }
        let mut elements = Vec::new();
        for (c, lines) in cells.iter().enumerate() {
            place_lines(lines, edges[c] + pad_x, pad_y, Tag::Untagged, &mut elements);
        }
        for e in elements {
            match e {
                Element::Text(run) => line.runs.push(run),
                Element::Link { rect, uri, .. } => line.links.push((rect, uri)),
                other => line.shapes.push(other),
            }
        }
        line.paragraph = r as u32;
        line.object = true;
        if r == 0 {
            line.heading = true;
            header = Some(Arc::new(line.clone()));
        } else {
            line.repeat = header.clone();
        }
        out.push(line);
    }
    if let Some(first) = out.first_mut()
        && t.gap_before
    {
        first.gap_before = spec.paragraph_gap;
    }
    Ok(out)
}

/// A table cell's text as markup lines (a cell is one line of inline markup).
fn cell_markup<'t>(text: &'t str) -> Vec<MarkupLine<'t>> {
    markup::parse(text)
        .into_iter()
        .filter_map(|b| match b {
            Block::Line(l) => Some(l),
            _ => None,
        })
        .collect()
}

/// The line of a picture: scaled down to the text width (or to its share of
/// it), keeping its aspect ratio, and to the tallest a picture may be.
fn picture_line(p: &PictureRef<'_>, width: Pt, spec: &TextSpec) -> Option<BlockLine> {
    let picture = spec.objects.pictures?.get(p.path)?;
    if picture.width == 0 || picture.height == 0 {
        return None;
    }
    let avail = width.max(Pt(1.0));
    // A pixel is 1/96 inch (the CSS pixel) unless that is too wide.
    let natural = Pt(picture.width as f32 * 0.75);
    let mut w = match p.share {
        Some(share) => avail * share,
        None => natural.min(avail),
    };
    let ratio = picture.height as f32 / picture.width as f32;
    let mut h = w * ratio;
    let max_h = spec.objects.max_picture_height;
    if h > max_h {
        w = max_h / ratio;
        h = max_h;
    }
    let pad = object_gap(spec);
    let mut line = BlockLine::empty(h + pad * 2.0);
    line.object = true;
    line.shapes.push(Element::Picture {
        rect: Rect {
            x: Pt::ZERO,
            y: pad,
            width: w,
            height: h,
        },
        picture: picture.clone(),
        alt: p.alt.to_string(),
        tag: Tag::Untagged,
    });
    if p.gap_before {
        line.gap_before = spec.paragraph_gap;
    }
    Some(line)
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
    markup: &MarkupLine<'_>,
    style: FontStyle,
    spec: &TextSpec,
    fonts: &FontSet,
) -> BlockLine {
    let face = fonts.face(style);
    let em = face.ascent(spec.size) - face.descent(spec.size);
    let baseline = (spec.line_height - em) / 2.0 + face.ascent(spec.size);
    // What decides a run: the link it belongs to, whether it is bold and
    // whether it is underlined.
    let link_of = |i: usize| markup.link_at(shaped.offsets[i]);
    let bold_at = |i: usize| shaped.bold.iter().any(|r| r.contains(&i));
    let underlined = |i: usize| {
        let at = shaped.offsets[i];
        markup.underline.iter().any(|r| r.contains(&at))
    };
    let kind_of = |i: usize| (link_of(i), bold_at(i), underlined(i));
    let mut shapes = Vec::new();
    let mut underlined_before = false;
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
    let mut runs: Vec<TextRun> = Vec::with_capacity(1);
    let mut rects = Vec::new();
    // Pen position in milli-ems (fractional: the even spacing need not be whole).
    let mut x = x0.0 as f32;
    let mut i = range.start;
    while i < range.end {
        let (link, bold, underline) = kind_of(i);
        if let Some(last) = runs.last_mut() {
            // 和欧間 and justification's whole adjustments: far inside i16.
            last.gap_after = space(i).0 as i16;
        }
        let lead = space(i).0 as f32 + if spaced(i) { justified.spacing } else { 0.0 };
        let run_x = x + lead;
        // The run ends where the link state changes, or where its gaps stop (or
        // start) taking the even spacing.
        let mut end = i + 1;
        let mut even = None;
        while end < range.end && kind_of(end) == (link, bold, underline) {
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
        if let Some(uri) = link {
            rects.push((
                Rect {
                    x: pt(run_x),
                    y: (spec.line_height - em) / 2.0,
                    width: pt(run_width),
                    height: em,
                },
                uri.to_string(),
            ));
        }
        runs.push(TextRun {
            x: pt(run_x),
            baseline,
            size: spec.size,
            style: if bold { FontStyle::Bold } else { style },
            color: if link.is_some() {
                spec.link_color
            } else {
                spec.color
            },
            width: pt(run_width),
            spacing: pt(spacing),
            glyphs,
            trailing,
            tag: Tag::Untagged,
            gap_after: 0,
        });
        if underline {
            // A rule under the run, a tenth of an em below the baseline; the
            // rule of an underlined run just before goes on under the gap
            // between them (和欧間, justification), so the line is unbroken.
            let y = baseline + spec.size * 0.12;
            match shapes.last_mut() {
                Some(Element::Rule { to, .. }) if underlined_before => to.0 = pt(run_x + run_width),
                _ => shapes.push(Element::Rule {
                    from: (pt(run_x), y),
                    to: (pt(run_x + run_width), y),
                    width: spec.size * 0.06,
                    color: spec.color,
                }),
            }
        }
        underlined_before = underline;
        x = run_x + run_width;
        i = end;
    }
    BlockLine {
        runs,
        links: rects,
        shapes,
        ..BlockLine::empty(spec.line_height)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> TextSpec<'static> {
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
            objects: Objects::default(),
        }
    }

    fn texts(lines: &[BlockLine]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.runs.iter().map(TextRun::text).collect())
            .collect()
    }

    #[test]
    fn underlined_runs_get_a_rule_exactly_under_them() {
        use crate::model::markup::{UNDERLINE_END, UNDERLINE_START};
        let fonts = FontSet::bundled();
        let text = format!("データは{UNDERLINE_START}大阪リージョン{UNDERLINE_END}に保管");
        let lines = layout_text(&fonts, &text, Pt(400.0), &spec()).unwrap();
        assert_eq!(texts(&lines), ["データは大阪リージョンに保管"]);
        let line = &lines[0];
        let marked = line
            .runs
            .iter()
            .find(|r| r.text() == "大阪リージョン")
            .unwrap();
        let rules: Vec<_> = line
            .shapes
            .iter()
            .filter_map(|e| match e {
                Element::Rule { from, to, .. } => Some((*from, *to)),
                _ => None,
            })
            .collect();
        assert_eq!(rules.len(), 1);
        let (from, to) = rules[0];
        assert_eq!(from.0, marked.x);
        assert_eq!(to.0, marked.x + marked.width);
        assert!(from.1 > marked.baseline && from.1 == to.1);
        assert!(!line.object, "an underlined line is still text");
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

    #[test]
    fn pictures_scale_down_to_the_width_or_their_share() {
        use crate::model::picture::{Picture, PictureData};
        let fonts = FontSet::bundled();
        let mut pictures = Pictures::new();
        let picture = Picture {
            width: 800,
            height: 400,
            data: PictureData::Pixels {
                samples: vec![0; 800 * 400],
                gray: true,
                alpha: None,
            },
        };
        pictures.insert("a.png".into(), Arc::new(picture));
        let spec = TextSpec {
            objects: Objects {
                pictures: Some(&pictures),
                ..Objects::default()
            },
            ..spec()
        };
        let rect = |text: &str| {
            let lines = layout_text(&fonts, text, Pt(300.0), &spec).unwrap();
            lines
                .iter()
                .flat_map(|l| &l.shapes)
                .find_map(|e| match e {
                    Element::Picture { rect, alt, .. } => Some((*rect, alt.clone())),
                    _ => None,
                })
                .unwrap()
        };
        // 800 px at 0.75 pt is 600 pt: scaled down to the 300 pt width, aspect kept.
        let (r, alt) = rect("前\n![図の説明](a.png)");
        assert_eq!(
            (r.width, r.height, alt.as_str()),
            (Pt(300.0), Pt(150.0), "図の説明")
        );
        let (r, _) = rect("![図](a.png){width=50%}");
        assert_eq!((r.width, r.height), (Pt(150.0), Pt(75.0)));
    }
}

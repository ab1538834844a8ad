//! The disclosure table and its pagination.
//!
//! Columns: category | No. | item | content. The category cell is merged over all
//! rows of its category on a page and repeats on the next page when the category
//! continues. A row taller than the room left splits between two content lines,
//! keeping at least [`Style::min_split_lines`] lines on each side; its continuation
//! repeats the No. and the title marked as continued. Every page the table runs on
//! starts with the shaded header row.
//!
//! All work is linear in the number of lines: line heights are prefix-summed once
//! per row, so finding a split point never re-measures text.

use std::cell::RefCell;
use std::ops::Range;

use rayon::prelude::*;

use super::align::align_center;
use super::block::{
    self, BlockLine, TextSpec, layout_balanced, layout_text, move_lines, place_lines,
};
use super::flow::Flow;
use super::style::Style;
use super::{Anchor, LayoutError, grid};
use crate::model::{Document, Item};
use crate::text::font::FontSet;
use crate::units::Pt;

/// An item's cells, set once.
struct Row {
    category: usize,
    no: Vec<BlockLine>,
    /// Title and control lines of the first part.
    title: Vec<BlockLine>,
    /// The title of later parts: the title's lines exactly as first broken, then
    /// the continued mark (（続き）) on a line of its own, smaller and muted.
    continued_title: Vec<BlockLine>,
    /// `split_ok[k]`: the row may break between content lines `k - 1` and `k`
    /// (see [`split_points`]).
    split_ok: Vec<bool>,
    /// Content lines. Each is drawn exactly once, so drawing moves its runs out
    /// rather than copying them (a document's text is then held once, not twice);
    /// the cell lets the page being drawn take them while pagination reads the rows.
    /// Drawing takes only runs and links; the lines' heights and gaps stay.
    content: RefCell<Vec<BlockLine>>,
    /// `top[i]`: height of lines `0..i` with their gaps (so line `i`'s own gap is not
    /// in it); `top[n]` is the total height.
    top: Vec<Pt>,
}

impl Row {
    /// The title cell of the first part, or of a continuation.
    fn title_lines(&self, first: bool) -> &[BlockLine] {
        if first || self.continued_title.is_empty() {
            &self.title
        } else {
            &self.continued_title
        }
    }

    /// Height of content lines `r` set together (the first line's gap dropped).
    fn content_height(&self, r: &Range<usize>) -> Pt {
        if r.is_empty() {
            return Pt::ZERO;
        }
        let gap = self.content.borrow()[r.start].gap_before;
        self.top[r.end] - self.top[r.start] - gap
    }

    /// Number of content lines.
    fn content_lines(&self) -> usize {
        self.top.len() - 1
    }
}

/// A piece of a row placed on a page.
struct Part {
    row: usize,
    first: bool,
    lines: Range<usize>,
    y: Pt,
    height: Pt,
}

/// A run of parts of one category on one page: one merged category cell.
struct Segment {
    category: usize,
    y: Pt,
    height: Pt,
    /// Index into the page's parts of the segment's first part.
    first_part: usize,
}

/// Everything fixed about the table while paginating.
struct Table {
    /// The house style with the label columns fitted to this document.
    style: Style,
    rows: Vec<Row>,
    labels: Vec<Vec<BlockLine>>,
    header: [Vec<BlockLine>; 4],
    header_height: Pt,
}

/// Lays out the table of `doc` from the flow's current position onwards.
/// Returns where each item's row starts, in document order (for bookmarks).
pub fn layout_table(
    flow: &mut Flow,
    doc: &Document,
    fonts: &FontSet,
    style: &Style,
) -> Result<Vec<Anchor>, LayoutError> {
    let mut table = Table::prepare(doc, fonts, style)?;
    table.tighten_if_sparse(flow);
    Ok(table.paginate(flow, true).anchors)
}

/// What a pagination gave.
struct Paginated {
    /// Where each row starts, in document order.
    anchors: Vec<Anchor>,
    /// Pages the table ran onto after the one it started on.
    new_pages: usize,
    /// How much of its last page's room the table used, 0–1.
    last_fill: f32,
}

/// A table whose last page holds less than this share of a page is set again
/// with tighter paragraph gaps if that saves the page.
const SPARSE_LAST_PAGE: f32 = 0.35;
/// Only a table of at most this many pages is set tighter to save its last one.
const TIGHTEN_MAX_PAGES: usize = 12;
/// The paragraph gaps tried then, as shares of the normal one: the vertical
/// slack of jlreq 4.5.3 is in the space between paragraphs, not the line pitch.
const GAP_SCALES: [f32; 2] = [0.75, 0.5];

impl Table {
    fn prepare(doc: &Document, fonts: &FontSet, style: &Style) -> Result<Table, LayoutError> {
        let phrases = crate::locale::phrases(&doc.document.language);
        let (body, bold) = TextSpec::cells(style);
        let inner = |w: Pt| w - style.cell_pad_x * 2.0;

        let labels = doc
            .categories
            .iter()
            .map(|c| {
                let mut lines =
                    layout_balanced(fonts, &c.title, inner(style.category_width), &bold).map_err(
                        LayoutError::missing_at(|| format!("the category title {:?}", c.title)),
                    )?;
                align_center(&mut lines, inner(style.category_width));
                Ok(lines)
            })
            .collect::<Result<Vec<_>, LayoutError>>()?;

        let l = &doc.labels;
        let header_cells = [
            (&l.category, style.category_width),
            (&l.no, style.no_width),
            (&l.item, style.item_width),
            (&l.content, style.content_width()),
        ];
        let mut header: [Vec<BlockLine>; 4] = Default::default();
        for (slot, (text, width)) in header.iter_mut().zip(header_cells) {
            let missing = || LayoutError::missing(format!("the table label {text:?}"));
            // A header label never wraps: one too wide is set smaller, down to
            // HEADER_MIN_SCALE of its size (`check` refuses one wider still).
            let natural = label_width(fonts, text, &bold).map_err(missing())?;
            let spec = if natural > inner(width) {
                let scale = (inner(width).0 / natural.0).max(HEADER_MIN_SCALE);
                let size = Pt((bold.size.0 * scale * 100.0).floor() / 100.0);
                TextSpec { size, ..bold }
            } else {
                bold
            };
            let mut lines = layout_text(fonts, text, inner(width), &spec).map_err(missing())?;
            align_center(&mut lines, inner(width));
            *slot = lines;
        }
        let header_height = grid::row_height(&header, style);

        // Rows are independent until pagination: set them on all cores.
        let items: Vec<(usize, &Item)> = doc
            .categories
            .iter()
            .enumerate()
            .flat_map(|(ci, c)| c.items.iter().map(move |i| (ci, i)))
            .collect();
        // The continued mark, set once for all rows.
        let mark_spec = TextSpec {
            size: style.control_size,
            line_height: style.control_size * 1.5,
            color: style.muted,
            ..body.phrased()
        };
        let mut continued_mark = layout_text(
            fonts,
            phrases.continued.trim(),
            inner(style.item_width),
            &mark_spec,
        )
        .map_err(LayoutError::missing(format!(
            "the fixed phrase {:?}",
            phrases.continued
        )))?;
        if let Some(first) = continued_mark.first_mut() {
            first.gap_before = style.control_size * 0.3;
        }
        let rows = items
            .par_iter()
            .with_min_len(16)
            .map(|(ci, item)| Row::prepare(item, *ci, fonts, style, &body, &continued_mark))
            .collect::<Result<Vec<Row>, LayoutError>>()?;
        Ok(Table {
            style: style.clone(),
            rows,
            labels,
            header,
            header_height,
        })
    }

    /// When the table would end on a page it barely uses, tightens the paragraph
    /// gaps of all rows by the least of [`GAP_SCALES`] that saves that page
    /// (found by paginating without drawing); otherwise leaves them.
    fn tighten_if_sparse(&mut self, flow: &Flow) {
        let dry = |table: &Table| {
            let mut scratch = Flow::new(flow.style);
            scratch.y = flow.y;
            table.paginate(&mut scratch, false)
        };
        let normal = dry(self);
        // A long table is not set tighter throughout for the sake of its last page.
        if normal.new_pages == 0
            || normal.new_pages > TIGHTEN_MAX_PAGES
            || normal.last_fill >= SPARSE_LAST_PAGE
        {
            return;
        }
        for scale in GAP_SCALES {
            self.scale_gaps(scale);
            if dry(self).new_pages < normal.new_pages {
                return;
            }
        }
        self.scale_gaps(1.0);
    }

    /// Sets every content paragraph gap to `scale` times the style's.
    fn scale_gaps(&mut self, scale: f32) {
        let gap = self.style.paragraph_gap * scale;
        for row in &mut self.rows {
            let content = row.content.get_mut();
            for line in content.iter_mut().filter(|l| l.gap_before > Pt::ZERO) {
                line.gap_before = gap;
            }
            row.top = tops_of(content);
        }
    }

    /// Places all rows, page by page, drawing them if `draw`.
    fn paginate(&self, flow: &mut Flow, draw: bool) -> Paginated {
        let mut anchors = Vec::with_capacity(self.rows.len());
        let s = &self.style;
        let pad2 = s.cell_pad_y * 2.0;
        let first_page = flow.pages.len();
        let mut page = PageState::start(flow, self, draw);
        for (r, row) in self.rows.iter().enumerate() {
            if page.segments.last().map(|g| g.category) != Some(row.category) {
                page.close_segment(self);
                page.open_segment(row.category);
            }
            let mut lines = 0..row.content_lines();
            let mut first = true;
            loop {
                if first {
                    // Provisional: moved if the row goes to the next page whole.
                    anchors.truncate(r);
                    anchors.push(Anchor {
                        page: flow.pages.len() - 1,
                        y: page.y,
                    });
                }
                let title_h = block::height(row.title_lines(first));
                let fixed_h = title_h.max(block::height(&row.no));
                let need = |r: &Range<usize>| pad2 + fixed_h.max(row.content_height(r));
                let room = page.bottom - page.y;
                // A category cell that starts here must have room for its label.
                let label_room = if page.segment_is_empty() {
                    self.label_need(row.category)
                } else {
                    Pt::ZERO
                };
                if need(&lines) <= room && label_room <= room {
                    page.place(r, first, lines.clone(), need(&lines));
                    break;
                }
                let min = s.min_split_lines;
                let split = if lines.len() >= 2 * min && label_room <= room {
                    // The most lines that fit, leaving at least `min` for later,
                    // at a point where the text may break.
                    (lines.start + min..=lines.end - min)
                        .take_while(|&k| need(&(lines.start..k)) <= room)
                        .filter(|&k| row.split_ok[k])
                        .last()
                } else {
                    None
                };
                let split = match split {
                    Some(k) => Some(k),
                    // Nothing fits on an otherwise empty page: the row is taller than a
                    // page even in its smallest piece, so take what fits (at least one line).
                    None if page.parts.is_empty() && !lines.is_empty() => {
                        let fits = (lines.start + 1..=lines.end)
                            .take_while(|&k| need(&(lines.start..k)) <= room);
                        Some(
                            fits.clone()
                                .filter(|&k| row.split_ok[k])
                                .last()
                                .or(fits.last())
                                .unwrap_or(lines.start + 1),
                        )
                    }
                    None if page.parts.is_empty() => {
                        // No content lines at all and still too tall (a huge title):
                        // place it anyway rather than loop forever.
                        page.place(r, first, lines.clone(), need(&lines));
                        break;
                    }
                    None => None,
                };
                if let Some(k) = split {
                    if k == lines.end {
                        page.place(r, first, lines.clone(), need(&lines));
                        break;
                    }
                    page.place(r, first, lines.start..k, need(&(lines.start..k)));
                    lines = k..lines.end;
                    first = false;
                }
                page = page.next(flow, self, row.category);
            }
        }
        let last_fill = (page.y - page.top).0 / (page.bottom - page.top).0.max(1.0);
        page.finish(flow, self);
        Paginated {
            anchors,
            new_pages: flow.pages.len() - first_page,
            last_fill,
        }
    }

    /// The smallest height of a category cell that holds its label.
    fn label_need(&self, category: usize) -> Pt {
        grid::row_height(std::slice::from_ref(&self.labels[category]), &self.style)
    }
}

/// The smallest a header label is set to fit its column, as a share of its size.
pub const HEADER_MIN_SCALE: f32 = 0.8;

/// Width of `text` set on one line in `spec`.
fn label_width(
    fonts: &FontSet,
    text: &str,
    spec: &TextSpec,
) -> Result<Pt, crate::text::font::MissingGlyph> {
    let lines = layout_text(fonts, text, Pt(f32::MAX / 4.0), spec)?;
    Ok(lines
        .iter()
        .map(|l| l.runs.iter().map(|r| r.width).sum::<Pt>())
        .fold(Pt::ZERO, Pt::max))
}

/// Whether the header label `text` fits column `column` (0 category, 1 No.,
/// 2 item, 3 content) of any page size at [`HEADER_MIN_SCALE`] of its size; if
/// not, the room it has there and the width it needs. For `check`.
pub fn header_label_room(
    fonts: &FontSet,
    text: &str,
    column: usize,
) -> Result<Option<(Pt, Pt)>, crate::text::font::MissingGlyph> {
    let mut worst = None;
    for orientation in [super::Orientation::Landscape, super::Orientation::Portrait] {
        let style = Style::a4(orientation);
        let widths = [
            style.category_width,
            style.no_width,
            style.item_width,
            style.content_width(),
        ];
        let room = widths[column.min(3)] - style.cell_pad_x * 2.0;
        let (_, bold) = TextSpec::cells(&style);
        let need = label_width(fonts, text, &bold)? * HEADER_MIN_SCALE;
        if need > room && worst.is_none_or(|(r, _)| room < r) {
            worst = Some((room, need));
        }
    }
    Ok(worst)
}

/// The house style with the category and item columns widened, within their
/// limits, until the widest phrase of any category label or item title fits on
/// a line: a label then breaks only between phrases (情報セキュリティの / ための組織).
pub fn fit_columns(doc: &Document, fonts: &FontSet, style: &Style) -> Result<Style, LayoutError> {
    let (body, bold) = TextSpec::cells(style);
    let inner = |w: Pt| w - style.cell_pad_x * 2.0 - Pt(0.5);
    let widest = |texts: Vec<&String>, spec: &TextSpec, max: Pt| {
        texts.into_iter().try_fold(Pt::ZERO, |w, t| {
            block::widest_phrase(fonts, t, spec, inner(max))
                .map(|p| w.max(p))
                .map_err(LayoutError::missing_at(|| {
                    format!("the label or title {t:?}")
                }))
        })
    };
    let category = widest(
        doc.categories.iter().map(|c| &c.title).collect(),
        &bold,
        style.category_max,
    )?;
    let item = widest(
        doc.items().map(|(_, i)| &i.title).collect(),
        &body,
        style.item_max,
    )?;
    // Half a point of play: the balancing search works to 1/128 of the cell.
    let fit =
        |need: Pt, min: Pt, max: Pt| (need + style.cell_pad_x * 2.0 + Pt(0.5)).max(min).min(max);
    let mut fitted = style.clone();
    fitted.category_width = fit(category, style.category_width, style.category_max);
    fitted.item_width = fit(item, style.item_width, style.item_max);
    Ok(fitted)
}

impl Row {
    fn prepare(
        item: &Item,
        category: usize,
        fonts: &FontSet,
        style: &Style,
        body: &TextSpec,
        continued_mark: &[BlockLine],
    ) -> Result<Row, LayoutError> {
        let place = |field: &str| format!("item No. {} ({field})", item.no);
        let inner = |w: Pt| w - style.cell_pad_x * 2.0;
        let set = |text: &str, width: Pt, spec: &TextSpec, field: &str| {
            layout_text(fonts, text, inner(width), spec)
                .map_err(LayoutError::missing_at(|| place(field)))
        };
        let no_spec = body.phrased();
        let mut no = set(&item.no.to_string(), style.no_width, &no_spec, "no")?;
        // A number too wide for the column is set across the cell padding too (three
        // digits), and smaller if that is not enough (four and more), rather than
        // broken between its digits.
        if no.len() > 1 {
            let width: Pt = no.iter().flat_map(|l| &l.runs).map(|r| r.width).sum();
            let room = style.no_width - style.cell_pad_x;
            // Never larger than the body text: three digits fit with the padding.
            let size = Pt((body.size.0 * room.0 / width.0 * 10.0).floor() / 10.0).min(body.size);
            let small = TextSpec { size, ..no_spec };
            no = layout_text(fonts, &item.no.to_string(), room, &small)
                .map_err(LayoutError::missing_at(|| place("no")))?;
        }
        align_center(&mut no, inner(style.no_width));
        // Titles are short: even lines read better than a lone last character.
        let title_spec = body.phrased();
        let title_lines = |text: &str, field: &str| {
            layout_balanced(fonts, text, inner(style.item_width), &title_spec)
                .map_err(LayoutError::missing_at(|| place(field)))
        };
        let mut title = title_lines(&item.title, "title")?;
        let title_only = title.len();
        if let Some(control) = &item.control {
            let small = TextSpec {
                size: style.control_size,
                line_height: style.control_size * 1.5,
                color: style.muted,
                ..*body
            };
            let mut lines = set(control, style.item_width, &small, "control")?;
            if let Some(first) = lines.first_mut() {
                first.gap_before = style.control_size * 0.3;
            }
            title.extend(lines);
        }
        let content = set(&item.content, style.content_width(), body, "content")?;
        let split_ok = split_points(&content, style);
        // Only a row that may split ever shows a continued title.
        let continued_title = if content.len() > style.keep_whole_lines {
            let mut lines = title[..title_only].to_vec();
            lines.extend_from_slice(continued_mark);
            lines
        } else {
            Vec::new()
        };
        let top = tops_of(&content);
        Ok(Row {
            category,
            no,
            title,
            continued_title,
            split_ok,
            content: RefCell::new(content),
            top,
        })
    }
}

/// `top[i]`: everything above line `i`, its own gap excluded (see
/// [`Row::content_height`]); `top[n]` the total.
fn tops_of(content: &[BlockLine]) -> Vec<Pt> {
    let mut top = Vec::with_capacity(content.len() + 1);
    let mut y = Pt::ZERO;
    for line in content {
        top.push(y);
        y += line.gap_before + line.height;
    }
    top.push(y);
    top
}

/// The longest line taken for a label of what follows (see [`split_points`]).
const LABEL_LINE_CHARS: usize = 24;

/// Where a row's content may break between pages: `out[k]` for a break before
/// line `k`. Never in a row of [`Style::keep_whole_lines`] lines or fewer; each
/// part keeps [`Style::min_split_lines`] lines; a sub-heading keeps the two lines
/// after it on its page, a label line (`●取得方式`) the line after it; a paragraph broken across pages keeps two of its lines
/// on each side (no widow or orphan).
fn split_points(content: &[BlockLine], style: &Style) -> Vec<bool> {
    let n = content.len();
    let min = style.min_split_lines;
    let mut out = vec![false; n + 1];
    if n <= style.keep_whole_lines {
        return out;
    }
    // Lines of the paragraph before and after each line, itself included.
    let mut run_before = vec![0usize; n];
    for k in 0..n {
        run_before[k] = if k > 0 && content[k - 1].paragraph == content[k].paragraph {
            run_before[k - 1] + 1
        } else {
            1
        };
    }
    let mut run_after = vec![0usize; n];
    for k in (0..n).rev() {
        run_after[k] = if k + 1 < n && content[k + 1].paragraph == content[k].paragraph {
            run_after[k + 1] + 1
        } else {
            1
        };
    }
    // A short line of its own that ends no sentence (`●取得方式`, `連絡先：`) labels
    // what follows: it stays with the next line.
    let label = |k: usize| {
        let runs = &content[k].runs;
        let chars: usize = runs.iter().map(|r| r.glyphs.len()).sum();
        let last = runs.last().and_then(|r| r.glyphs.last()).map(|g| g.ch);
        run_before[k] == 1
            && run_after[k] == 1
            && chars <= LABEL_LINE_CHARS
            && !last.is_some_and(|c| "。．.！？!?」）)".contains(c))
    };
    for k in min.max(1)..=n.saturating_sub(min) {
        if k == 0 || k >= n {
            continue;
        }
        let heading_above =
            content[k - 1].heading || (k >= 2 && content[k - 2].heading) || label(k - 1);
        let same_paragraph = content[k - 1].paragraph == content[k].paragraph;
        let paragraph_ok = !same_paragraph || (run_before[k - 1] >= 2 && run_after[k] >= 2);
        out[k] = !heading_above && paragraph_ok;
    }
    out
}

/// The table's state on the page being filled.
struct PageState {
    /// Top of the header row.
    top: Pt,
    y: Pt,
    bottom: Pt,
    parts: Vec<Part>,
    segments: Vec<Segment>,
    /// Draw the page when it is finished (a dry run only counts pages).
    draw: bool,
}

impl PageState {
    /// Starts the table at the flow's position, moving to a new page if not even the
    /// header row and one line fit.
    fn start(flow: &mut Flow, t: &Table, draw: bool) -> PageState {
        let min = t.header_height + t.style.line_height + t.style.cell_pad_y * 2.0;
        if flow.bottom() - flow.y < min {
            flow.new_page();
        }
        PageState {
            top: flow.y,
            y: flow.y + t.header_height,
            bottom: flow.bottom(),
            parts: Vec::new(),
            segments: Vec::new(),
            draw,
        }
    }

    fn segment_is_empty(&self) -> bool {
        self.segments.last().is_none_or(|g| g.height == Pt::ZERO)
    }

    fn open_segment(&mut self, category: usize) {
        self.segments.push(Segment {
            category,
            y: self.y,
            height: Pt::ZERO,
            first_part: self.parts.len(),
        });
    }

    /// Ends the current category cell, growing its last row if the label needs more
    /// room than the rows gave it.
    fn close_segment(&mut self, t: &Table) {
        let Some(seg) = self.segments.last_mut() else {
            return;
        };
        if seg.height == Pt::ZERO {
            self.segments.pop();
            return;
        }
        let need = t.label_need(seg.category);
        if seg.height < need {
            let deficit = need - seg.height;
            if let Some(part) = self.parts.last_mut() {
                part.height += deficit;
            }
            seg.height = need;
            self.y += deficit;
        }
    }

    fn place(&mut self, row: usize, first: bool, lines: Range<usize>, height: Pt) {
        self.parts.push(Part {
            row,
            first,
            lines,
            y: self.y,
            height,
        });
        self.y += height;
        if let Some(seg) = self.segments.last_mut() {
            seg.height += height;
        }
    }

    /// Draws this page's table and continues on a new page in `category`.
    fn next(mut self, flow: &mut Flow, t: &Table, category: usize) -> PageState {
        self.finish(flow, t);
        flow.new_page();
        let mut next = PageState::start(flow, t, self.draw);
        next.open_segment(category);
        next
    }

    /// Draws the table of this page into the flow's current page.
    fn finish(&mut self, flow: &mut Flow, t: &Table) {
        self.close_segment(t);
        flow.y = self.y;
        if self.parts.is_empty() || !self.draw {
            return;
        }
        let s = &t.style;
        let e = s.column_edges();
        let out = flow.elements();
        let (px, py) = (s.cell_pad_x, s.cell_pad_y);

        grid::header_row(out, s, &e, self.top, t.header_height, &t.header);
        let rule = |from, to, width| grid::rule(s, from, to, width);
        for part in &self.parts {
            let row = &t.rows[part.row];
            place_lines(&row.no, e[1] + px, part.y + py, out);
            let title = row.title_lines(part.first);
            place_lines(title, e[2] + px, part.y + py, out);
            let mut content = row.content.borrow_mut();
            if let Some(lines) = content.get_mut(part.lines.clone()) {
                move_lines(lines, e[3] + px, part.y + py, out);
            }
        }
        // Horizontal rules: below each row from the No. column on; the category
        // column only where a category cell ends.
        for (i, part) in self.parts.iter().enumerate() {
            let bottom = part.y + part.height;
            if i + 1 == self.parts.len() {
                continue; // the frame closes the table
            }
            let ends_segment = self.segments.iter().any(|g| g.first_part == i + 1);
            let from = if ends_segment { e[0] } else { e[1] };
            out.push(rule((from, bottom), (e[4], bottom), s.grid_width));
        }
        for seg in &self.segments {
            let y = seg.y + (seg.height - block::height(&t.labels[seg.category])) / 2.0;
            place_lines(&t.labels[seg.category], e[0] + px, y, out);
        }
        grid::columns_and_frame(out, s, &e, self.top, self.y);
    }
}

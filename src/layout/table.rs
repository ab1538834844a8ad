//! The disclosure table and its pagination.
//!
//! Columns: category | No. | item | content by default, or those `columns:`
//! declares (see [`super::columns`]). A merged column (the category, or an own
//! column with `merge: true`) shows one cell over each run of equal values on a
//! page and repeats it on the next page when the run continues; a run also ends
//! where a merged column to its left starts a new one. A row taller than the
//! room left splits between two content lines, keeping at least
//! [`Style::min_split_lines`] lines on each side; its continuation repeats the
//! No. and the title marked as continued. Every page the table runs on starts
//! with the shaded header row.
//!
//! All work is linear in the number of lines: line heights are prefix-summed once
//! per row, so finding a split point never re-measures text.

use std::ops::Range;
use std::sync::{Mutex, MutexGuard};

use rayon::prelude::*;

use super::align::{align_center, align_right};
use super::block::{
    self, BlockLine, TextSpec, layout_balanced, layout_text, move_lines, place_lines,
};
use super::columns::{ColumnPlan, HEADER_MIN_SCALE, label_width, plan_columns};
use super::flow::Flow;
use super::style::Style;
use super::{Anchor, Artifact, Element, LayoutError, Role, Scope, Structure, Tag, grid};
use crate::model::{Align, Category, ColumnKey, Document, Item};
use crate::text::font::FontSet;
use crate::units::Pt;

pub use super::columns::fit_columns;

/// An item's cells, set once.
struct Row {
    /// The cells of the columns that are neither merged nor content, by column
    /// index (empty for the others), as set for the row's first part.
    cells: Vec<Vec<BlockLine>>,
    /// The title of later parts: the title's lines exactly as first broken, then
    /// the continued mark (（続き）) on a line of its own, smaller and muted.
    continued_title: Vec<BlockLine>,
    /// `split_ok[k]`: the row may break between content lines `k - 1` and `k`
    /// (see [`split_points`]).
    split_ok: Vec<bool>,
    /// Content lines. Each is drawn exactly once, so drawing moves its runs out
    /// rather than copying them (a document's text is then held once, not twice);
    /// the lock lets the pages, drawn on all cores, each take their lines of a
    /// row split between them. Drawing takes only runs and links; the lines'
    /// heights and gaps stay.
    content: Mutex<Vec<BlockLine>>,
    /// `top[i]`: height of lines `0..i` with their gaps (so line `i`'s own gap is not
    /// in it); `top[n]` is the total height.
    top: Vec<Pt>,
    /// Height of the fixed cells of the first part and of a continuation.
    fixed_first: Pt,
    fixed_later: Pt,
    /// The structure element of each column's cell (by column index; the merged
    /// columns' are in [`Merged::tags`]).
    tags: Vec<Tag>,
    /// The element of each content line: the content cell, or a paragraph or
    /// list entry inside it.
    content_tags: Vec<Tag>,
}

impl Row {
    /// The content lines (a lock nobody holds for long: a page takes its lines,
    /// pagination reads a height).
    fn lines(&self) -> MutexGuard<'_, Vec<BlockLine>> {
        // A panic while the lock is held would end the build anyway; the lines
        // are whole either way, so a poisoned lock is used as it is.
        self.content
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The content lines, for the one who holds the row.
    fn lines_mut(&mut self) -> &mut Vec<BlockLine> {
        self.content
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The lines of fixed column `col` in the first part, or in a continuation
    /// (only the No. and the continued title repeat).
    fn cell_lines<'a>(&'a self, col: usize, key: &ColumnKey, first: bool) -> &'a [BlockLine] {
        match (first, key) {
            (true, _) => &self.cells[col],
            (false, ColumnKey::No) => &self.cells[col],
            (false, ColumnKey::Title) if !self.continued_title.is_empty() => &self.continued_title,
            (false, ColumnKey::Title) => &self.cells[col],
            (false, _) => &[],
        }
    }

    /// Height of content lines `r` set together (the first line's gap dropped).
    fn content_height(&self, r: &Range<usize>) -> Pt {
        if r.is_empty() {
            return Pt::ZERO;
        }
        let content = self.lines();
        let gap = content[r.start].gap_before;
        self.top[r.end] - self.top[r.start] - gap
            + self.repeated(&content, r).map_or(Pt::ZERO, |h| h.height)
    }

    /// The header row of a table in the content, drawn above lines `r` when they
    /// are a later part of the row that starts inside that table.
    fn repeated<'c>(&self, content: &'c [BlockLine], r: &Range<usize>) -> Option<&'c BlockLine> {
        if r.start == 0 {
            return None;
        }
        content.get(r.start)?.repeat.as_deref()
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

/// A run of parts of one merged cell on one page.
struct Segment {
    /// The run (index into the merged column's labels).
    run: usize,
    y: Pt,
    height: Pt,
    /// Index into the page's parts of the segment's first part.
    first_part: usize,
}

/// A merged column: its runs' labels and the run of each row.
struct Merged {
    /// Index of the column in the plan.
    col: usize,
    labels: Vec<Vec<BlockLine>>,
    run_of_row: Vec<usize>,
    /// The structure element of each run's cell (a row header spanning its rows).
    tags: Vec<Tag>,
    /// The first row of each run.
    first_row: Vec<usize>,
}

/// Everything fixed about the table while paginating.
struct Table {
    /// The house style with the label columns fitted to this document.
    style: Style,
    plan: ColumnPlan,
    rows: Vec<Row>,
    /// The merged columns, outermost group first (see [`merged_columns`]).
    merged: Vec<Merged>,
    header: Vec<Vec<BlockLine>>,
    header_height: Pt,
    /// The header row's cells (column headers), tagged on the table's first page.
    header_tags: Vec<Tag>,
    /// Index of the content column.
    content_col: usize,
}

/// Lays out the table of `doc` from the flow's current position onwards.
/// Returns where each item's row starts, in document order (for bookmarks).
pub fn layout_table(
    flow: &mut Flow,
    doc: &Document,
    fonts: &FontSet,
    style: &Style,
) -> Result<Vec<Anchor>, LayoutError> {
    let mut table = Table::prepare(doc, fonts, style, &mut flow.structure)?;
    table.tighten_if_sparse(flow);
    let anchors = table.paginate(flow, true).anchors;
    // What is left of a long table's cells (the lines of the repeated cells, the
    // emptied content lines) is freed off the critical path.
    crate::background::drop_in_background(table);
    Ok(anchors)
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

/// Moves `lines` set in `width` to the column's alignment.
fn align(lines: &mut [BlockLine], how: Align, width: Pt) {
    match how {
        Align::Left => {}
        Align::Center => align_center(lines, width),
        Align::Right => align_right(lines, width),
    }
}

impl Table {
    fn prepare(
        doc: &Document,
        fonts: &FontSet,
        style: &Style,
        structure: &mut Structure,
    ) -> Result<Table, LayoutError> {
        let phrases = crate::locale::phrases(&doc.document.language);
        let (body, bold) = TextSpec::cells(style);
        let body = TextSpec {
            objects: super::block::Objects {
                pictures: Some(&doc.pictures),
                ..body.objects
            },
            ..body
        };
        let inner = |w: Pt| w - style.cell_pad_x * 2.0;
        let plan = plan_columns(doc, fonts, style)?;

        let mut header = Vec::with_capacity(plan.columns.len());
        for c in &plan.columns {
            let text = &c.label;
            let missing = || LayoutError::missing(format!("the table label {text:?}"));
            // A header label never wraps: one too wide is set smaller, down to
            // HEADER_MIN_SCALE of its size (`check` refuses one wider still).
            let natural = label_width(fonts, text, &bold).map_err(missing())?;
            let spec = if natural > inner(c.width) {
                let scale = (inner(c.width).0 / natural.0).max(HEADER_MIN_SCALE);
                let size = Pt((bold.size.0 * scale * 100.0).floor() / 100.0);
                TextSpec { size, ..bold }
            } else {
                bold
            };
            let mut lines = layout_text(fonts, text, inner(c.width), &spec).map_err(missing())?;
            align_center(&mut lines, inner(c.width));
            header.push(lines);
        }
        let header_height = grid::row_height(&header, style);

        // Rows are independent until pagination: set them on all cores.
        let items: Vec<(&Category, &Item)> = doc.items().collect();
        let merged = merged_columns(doc, &plan, &items, fonts, style)?;
        // The continued mark, set once for all rows.
        let mark_spec = TextSpec {
            size: style.control_size,
            line_height: style.control_size * 1.5,
            color: style.muted,
            ..body.phrased()
        };
        let title_width = plan
            .index(&ColumnKey::Title)
            .map_or(style.item_width, |i| plan.columns[i].width);
        let mut continued_mark = layout_text(
            fonts,
            phrases.continued.trim(),
            inner(title_width),
            &mark_spec,
        )
        .map_err(LayoutError::missing(format!(
            "the fixed phrase {:?}",
            phrases.continued
        )))?;
        if let Some(first) = continued_mark.first_mut() {
            first.gap_before = style.control_size * 0.3;
        }
        let mut rows = items
            .par_iter()
            .with_min_len(16)
            .map(|(category, item)| {
                Row::prepare(item, category, &plan, fonts, style, &body, &continued_mark)
            })
            .collect::<Result<Vec<Row>, LayoutError>>()?;
        let content_col = plan
            .index(&ColumnKey::Content)
            .unwrap_or(plan.columns.len() - 1);
        let mut table = Table {
            style: style.clone(),
            plan,
            rows: Vec::new(),
            merged,
            header,
            header_height,
            header_tags: Vec::new(),
            content_col,
        };
        table.structure(&mut rows, structure);
        table.rows = rows;
        Ok(table)
    }

    /// Adds the table's elements to `structure`, in reading order: Table →
    /// THead → TR → a TH per column, then TBody → a TR per item, holding its
    /// cells left to right; a merged cell is a row header (TH, scope Row) in the
    /// TR of its first row, spanning its rows.
    fn structure(&mut self, rows: &mut [Row], structure: &mut Structure) {
        let table = structure.add(Structure::ROOT, Role::Table);
        let head = structure.add(table, Role::THead);
        let head_row = structure.add(head, Role::TR);
        let column_header = Role::TH {
            scope: Scope::Column,
            row_span: 1,
        };
        self.header_tags = (0..self.plan.columns.len())
            .map(|_| structure.leaf(head_row, column_header.clone()))
            .collect();
        let body = structure.add(table, Role::TBody);
        // The rows of each merged column's runs.
        let spans: Vec<Vec<u32>> = self
            .merged
            .iter()
            .map(|m| {
                let mut n = vec![0u32; m.labels.len()];
                m.run_of_row.iter().for_each(|&run| n[run] += 1);
                n
            })
            .collect();
        for (r, row) in rows.iter_mut().enumerate() {
            let tr = structure.add(body, Role::TR);
            row.tags = vec![Tag::Untagged; self.plan.columns.len()];
            for (col, c) in self.plan.columns.iter().enumerate() {
                let Some(m) = self.merged.iter().position(|m| m.col == col) else {
                    let td = structure.add(tr, Role::TD);
                    row.tags[col] = Tag::Node(td);
                    if col == self.content_col {
                        let kinds = block::paragraph_kinds(row.lines_mut());
                        row.content_tags = structure.paragraphs(td, &kinds, true);
                    }
                    continue;
                };
                let merged = &mut self.merged[m];
                let run = merged.run_of_row[r];
                if merged.first_row.len() == run {
                    let th = Role::TH {
                        scope: Scope::Row,
                        row_span: spans[m][run],
                    };
                    merged.tags.push(structure.leaf(tr, th));
                    merged.first_row.push(r);
                }
                debug_assert!(c.merge);
            }
        }
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
            let content = row.lines_mut();
            for line in content.iter_mut().filter(|l| l.gap_before > Pt::ZERO) {
                line.gap_before = gap;
            }
            row.top = tops_of(content);
        }
    }

    /// The first merged column (index into `merged`) whose run changes at row
    /// `r`: that one and every merged column after it start a new cell there.
    fn first_new_run(&self, r: usize) -> Option<usize> {
        self.merged
            .iter()
            .position(|m| r == 0 || m.run_of_row[r] != m.run_of_row[r - 1])
    }

    /// Places all rows, page by page, drawing them if `draw`.
    fn paginate(&self, flow: &mut Flow, draw: bool) -> Paginated {
        let mut anchors = Vec::with_capacity(self.rows.len());
        let s = &self.style;
        let pad2 = s.cell_pad_y * 2.0;
        let first_page = flow.pages.len();
        let mut drawings = Vec::new();
        let mut page = PageState::start(flow, self, draw);
        for (r, row) in self.rows.iter().enumerate() {
            if let Some(m) = self.first_new_run(r) {
                page.close_segments(self, m);
                page.open_segments(self, r, m);
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
                let fixed_h = if first {
                    row.fixed_first
                } else {
                    row.fixed_later
                };
                let need = |r: &Range<usize>| pad2 + fixed_h.max(row.content_height(r));
                let room = page.bottom - page.y;
                // A merged cell that starts here must have room for its label.
                let label_room = page.label_room(self);
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
                page = page.next(flow, self, r, &mut drawings);
            }
        }
        let last_fill = (page.y - page.top).0 / (page.bottom - page.top).0.max(1.0);
        page.finish(flow, self, &mut drawings);
        // The pages are drawn on all cores once they are all decided (drawing is
        // most of pagination's time: every run of the table is placed).
        let drawn: Vec<Vec<Element>> = drawings.par_iter().map(|d| d.page.draw(self)).collect();
        for (d, elements) in drawings.iter().zip(drawn).rev() {
            let out = &mut flow.pages[d.index].elements;
            if out.is_empty() {
                // Most pages hold nothing else yet: the drawing becomes the page.
                *out = elements;
            } else {
                out.splice(d.at..d.at, elements);
            }
        }
        Paginated {
            anchors,
            new_pages: flow.pages.len() - first_page,
            last_fill,
        }
    }

    /// The smallest height of merged cell `run` of merged column `m` that holds
    /// its label.
    fn label_need(&self, m: usize, run: usize) -> Pt {
        grid::row_height(
            std::slice::from_ref(&self.merged[m].labels[run]),
            &self.style,
        )
    }
}

/// The merged columns of the plan with their runs: a run ends where the value
/// changes or a merged column to the left starts a new run (the category's runs
/// are its categories, even two of the same title).
fn merged_columns(
    doc: &Document,
    plan: &ColumnPlan,
    items: &[(&Category, &Item)],
    fonts: &FontSet,
    style: &Style,
) -> Result<Vec<Merged>, LayoutError> {
    let (body, bold) = TextSpec::cells(style);
    let inner = |w: Pt| w - style.cell_pad_x * 2.0;
    // The category of each row, by index.
    let category_of: Vec<usize> = doc
        .categories
        .iter()
        .enumerate()
        .flat_map(|(ci, c)| std::iter::repeat_n(ci, c.items.len()))
        .collect();
    let mut out: Vec<Merged> = Vec::new();
    // Outer groups first: the category, then the own merged columns in column
    // order, then No. (rows that share a number are the finest group: 種別 spans
    // several numbers even when its column stands right of No.).
    let rank = |key: &ColumnKey| match key {
        ColumnKey::Category => 0,
        ColumnKey::No => 2,
        _ => 1,
    };
    let mut order: Vec<(usize, &super::columns::PlacedColumn)> = plan
        .columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.merge)
        .collect();
    order.sort_by_key(|(col, c)| (rank(&c.key), *col));
    for (col, c) in order {
        let value = |r: usize| -> String {
            let (category, item) = items[r];
            match &c.key {
                ColumnKey::Category => String::new(),
                ColumnKey::No => item.no.to_string(),
                key => item.cell(key, category).unwrap_or_default().to_string(),
            }
        };
        let mut labels = Vec::new();
        let mut run_of_row = Vec::with_capacity(items.len());
        for r in 0..items.len() {
            let outer_breaks = out
                .iter()
                .any(|m| r > 0 && m.run_of_row[r] != m.run_of_row[r - 1]);
            let changes = r == 0
                || outer_breaks
                || match c.key {
                    ColumnKey::Category => category_of[r] != category_of[r - 1],
                    _ => value(r) != value(r - 1),
                };
            if changes {
                let (category, item) = items[r];
                let text = match &c.key {
                    ColumnKey::Category => category.title.clone(),
                    _ => value(r),
                };
                let place = || match &c.key {
                    ColumnKey::Category => format!("the category title {:?}", category.title),
                    key => format!("item No. {} ({})", item.no, key.name()),
                };
                // The category label is bold and centred; other merged cells are
                // set like their column's text.
                let (spec, how) = match c.key {
                    ColumnKey::Category => (&bold, Align::Center),
                    ColumnKey::No => (&body, Align::Center),
                    _ => (&body, c.align),
                };
                let spec = spec.phrased();
                let mut lines = layout_balanced(fonts, &text, inner(c.width), &spec)
                    .map_err(LayoutError::missing_at(place))?;
                align(&mut lines, how, inner(c.width));
                labels.push(lines);
            }
            run_of_row.push(labels.len() - 1);
        }
        out.push(Merged {
            col,
            labels,
            run_of_row,
            tags: Vec::new(),
            first_row: Vec::new(),
        });
    }
    Ok(out)
}

impl Row {
    fn prepare(
        item: &Item,
        category: &Category,
        plan: &ColumnPlan,
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
        let mut cells: Vec<Vec<BlockLine>> = vec![Vec::new(); plan.columns.len()];
        let mut content = Vec::new();
        let mut title_only = 0;
        for (col, c) in plan.columns.iter().enumerate() {
            if c.merge {
                continue;
            }
            let width = c.width;
            cells[col] = match &c.key {
                ColumnKey::Content => {
                    content = set(&item.content, width, body, "content")?;
                    Vec::new()
                }
                ColumnKey::No => no_cell(item, width, fonts, style, body)?,
                ColumnKey::Title => {
                    // Titles are short: even lines read better than a lone last
                    // character.
                    let title_spec = body.phrased();
                    let mut title = layout_balanced(fonts, &item.title, inner(width), &title_spec)
                        .map_err(LayoutError::missing_at(|| place("title")))?;
                    title_only = title.len();
                    if let Some(control) = &item.control {
                        let small = TextSpec {
                            size: style.control_size,
                            line_height: style.control_size * 1.5,
                            color: style.muted,
                            ..*body
                        };
                        let mut lines = set(control, width, &small, "control")?;
                        if let Some(first) = lines.first_mut() {
                            first.gap_before = style.control_size * 0.3;
                        }
                        title.extend(lines);
                    }
                    align(&mut title, c.align, inner(width));
                    title
                }
                key @ (ColumnKey::Own(_) | ColumnKey::Category) => {
                    let text = item.cell(key, category).unwrap_or_default();
                    // A short cell (必須, Yes) is set like a label: between phrases,
                    // evenly; a long one as body text.
                    let spec = if c.align == Align::Left {
                        *body
                    } else {
                        body.phrased()
                    };
                    let mut lines = set(text, width, &spec, key.name())?;
                    align(&mut lines, c.align, inner(width));
                    lines
                }
            };
        }
        let split_ok = split_points(&content, style);
        let title_col = plan.index(&ColumnKey::Title);
        // Only a row that may split ever shows a continued title.
        let continued_title = match title_col {
            Some(t) if content.len() > style.keep_whole_lines => {
                let mut lines = cells[t][..title_only].to_vec();
                lines.extend_from_slice(continued_mark);
                lines
            }
            _ => Vec::new(),
        };
        let top = tops_of(&content);
        let mut row = Row {
            cells,
            continued_title,
            split_ok,
            content: Mutex::new(content),
            top,
            fixed_first: Pt::ZERO,
            fixed_later: Pt::ZERO,
            tags: Vec::new(),
            content_tags: Vec::new(),
        };
        for (col, c) in plan.columns.iter().enumerate() {
            if c.merge || c.key == ColumnKey::Content {
                continue;
            }
            row.fixed_first = row
                .fixed_first
                .max(block::height(row.cell_lines(col, &c.key, true)));
            row.fixed_later = row
                .fixed_later
                .max(block::height(row.cell_lines(col, &c.key, false)));
        }
        Ok(row)
    }
}

/// The No. cell: centred; a number too wide for the column is set across the
/// cell padding too (three digits), and smaller if that is not enough (four and
/// more), rather than broken between its digits.
fn no_cell(
    item: &Item,
    width: Pt,
    fonts: &FontSet,
    style: &Style,
    body: &TextSpec,
) -> Result<Vec<BlockLine>, LayoutError> {
    let inner = width - style.cell_pad_x * 2.0;
    let text = item.no.to_string();
    let missing = || LayoutError::missing_at(|| format!("item No. {} (no)", item.no));
    let no_spec = body.phrased();
    let mut no = layout_text(fonts, &text, inner, &no_spec).map_err(missing())?;
    if no.len() > 1 {
        let used: Pt = no.iter().flat_map(|l| &l.runs).map(|r| r.width).sum();
        let room = width - style.cell_pad_x;
        // Never larger than the body text: three digits fit with the padding.
        let size = Pt((body.size.0 * room.0 / used.0 * 10.0).floor() / 10.0).min(body.size);
        let small = TextSpec { size, ..no_spec };
        no = layout_text(fonts, &text, room, &small).map_err(missing())?;
    }
    align_center(&mut no, inner);
    Ok(no)
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
        if content[k].object {
            return false; // a table row or a picture
        }
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
    /// Per merged column (as in [`Table::merged`]), its cells on this page.
    segments: Vec<Vec<Segment>>,
    /// Draw the page when it is finished (a dry run only counts pages).
    draw: bool,
    /// The table's first page: its header row is content, not a repetition.
    first_page: bool,
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
            segments: t.merged.iter().map(|_| Vec::new()).collect(),
            draw,
            first_page: true,
        }
    }

    /// The room the merged cells opened here and still empty need for their labels.
    fn label_room(&self, t: &Table) -> Pt {
        self.segments
            .iter()
            .enumerate()
            .filter_map(|(m, segs)| segs.last().filter(|g| g.height == Pt::ZERO).map(|g| (m, g)))
            .map(|(m, g)| t.label_need(m, g.run))
            .fold(Pt::ZERO, Pt::max)
    }

    /// Opens a cell in merged columns `from..` for row `r`.
    fn open_segments(&mut self, t: &Table, r: usize, from: usize) {
        for m in from..t.merged.len() {
            self.segments[m].push(Segment {
                run: t.merged[m].run_of_row[r],
                y: self.y,
                height: Pt::ZERO,
                first_part: self.parts.len(),
            });
        }
    }

    /// Ends the cells of merged columns `from..`, growing the last row if a label
    /// needs more room than the rows gave it (the cells still open to the left
    /// grow with it).
    fn close_segments(&mut self, t: &Table, from: usize) {
        let mut deficit = Pt::ZERO;
        for m in from..t.merged.len() {
            if let Some(seg) = self.segments[m].last_mut() {
                if seg.height == Pt::ZERO {
                    self.segments[m].pop();
                    continue;
                }
                let need = t.label_need(m, seg.run);
                deficit = deficit.max(need - seg.height);
            }
        }
        if deficit > Pt::ZERO {
            if let Some(part) = self.parts.last_mut() {
                part.height += deficit;
            }
            for segs in &mut self.segments {
                if let Some(seg) = segs.last_mut() {
                    seg.height += deficit;
                }
            }
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
        for segs in &mut self.segments {
            if let Some(seg) = segs.last_mut() {
                seg.height += height;
            }
        }
    }

    /// Draws this page's table and continues on a new page, row `r` continuing.
    fn next(self, flow: &mut Flow, t: &Table, r: usize, drawings: &mut Vec<Drawing>) -> PageState {
        let draw = self.draw;
        self.finish(flow, t, drawings);
        flow.new_page();
        let mut next = PageState::start(flow, t, draw);
        next.first_page = false;
        next.open_segments(t, r, 0);
        next
    }

    /// About how many elements [`draw`](Self::draw) makes (a little more, for
    /// what the page adds after it: labels, the footer), so that the page's list
    /// is allocated once rather than grown by doubling (copied each time).
    fn elements(&self, t: &Table) -> usize {
        let count = |lines: &[BlockLine]| -> usize {
            lines
                .iter()
                .map(|l| l.runs.len() + l.links.len() + l.shapes.len())
                .sum()
        };
        let columns = t.plan.columns.len();
        let mut n = 16 + t.header.iter().map(|h| count(h)).sum::<usize>();
        for part in &self.parts {
            let row = &t.rows[part.row];
            n += row.lines().get(part.lines.clone()).map_or(0, count) + 1;
            n += (0..columns)
                .map(|c| row.cells.get(c).map_or(0, |l| count(l)))
                .sum::<usize>();
            // The rules under the row and beside its cells.
            n += columns + 1;
        }
        n
    }

    /// Ends the table on the flow's current page; its drawing is left in
    /// `drawings` for when all pages are decided.
    fn finish(mut self, flow: &mut Flow, t: &Table, drawings: &mut Vec<Drawing>) {
        self.close_segments(t, 0);
        flow.y = self.y;
        if self.parts.is_empty() || !self.draw {
            return;
        }
        drawings.push(Drawing {
            index: flow.pages.len() - 1,
            at: flow.elements().len(),
            page: self,
        });
    }

    /// The table of this page, drawn.
    fn draw(&self, t: &Table) -> Vec<Element> {
        let s = &t.style;
        let e = t.plan.edges();
        let mut drawn = Vec::with_capacity(self.elements(t));
        let out = &mut drawn;
        let (px, py) = (s.cell_pad_x, s.cell_pad_y);

        // What a page repeats for the eye is not content: the header row after
        // the first page, a continued row's No. and title, a cell table's header
        // row over its rows' continuation, a merged label on a later page.
        let repeated = Tag::Artifact(Artifact::Pagination);
        let header_tag = |col: usize| match self.first_page {
            true => t.header_tags[col],
            false => repeated,
        };
        grid::header_row(
            out,
            s,
            &e,
            (self.top, t.header_height),
            &t.header,
            header_tag,
        );
        for part in &self.parts {
            let row = &t.rows[part.row];
            for (col, c) in t.plan.columns.iter().enumerate() {
                if c.merge {
                    continue;
                }
                let tag = row.tags[col];
                if col == t.content_col {
                    let mut content = row.lines();
                    let mut y = part.y + py;
                    if let Some(header) = row.repeated(&content, &part.lines) {
                        header.place(e[col] + px, y, repeated, out);
                        y += header.height;
                    }
                    let tags: Vec<Tag> = part
                        .lines
                        .clone()
                        .map(|i| row.content_tags.get(i).copied().unwrap_or(tag))
                        .collect();
                    if let Some(lines) = content.get_mut(part.lines.clone()) {
                        move_lines(lines, e[col] + px, y, &tags, out);
                    }
                } else {
                    let lines = row.cell_lines(col, &c.key, part.first);
                    let tag = if part.first { tag } else { repeated };
                    place_lines(lines, e[col] + px, part.y + py, tag, out);
                }
            }
        }
        // Horizontal rules below each row but the last (the frame closes the
        // table), except under a merged cell that goes on below it; neighbouring
        // pieces are one rule.
        let right = e[e.len() - 1];
        for (i, part) in self.parts.iter().enumerate() {
            if i + 1 == self.parts.len() {
                continue;
            }
            let bottom = part.y + part.height;
            let mut from: Option<Pt> = None;
            for (col, &left) in e.iter().enumerate().take(t.plan.columns.len()) {
                let goes_on = t.merged.iter().enumerate().any(|(m, merged)| {
                    merged.col == col && !self.segments[m].iter().any(|g| g.first_part == i + 1)
                });
                match (goes_on, from) {
                    (false, None) => from = Some(left),
                    (true, Some(x)) => {
                        out.push(grid::rule(s, (x, bottom), (left, bottom), s.grid_width));
                        from = None;
                    }
                    _ => {}
                }
            }
            if let Some(x) = from {
                out.push(grid::rule(s, (x, bottom), (right, bottom), s.grid_width));
            }
        }
        for (m, merged) in t.merged.iter().enumerate() {
            let x = e[merged.col] + px;
            for seg in &self.segments[m] {
                let label = &merged.labels[seg.run];
                let y = seg.y + (seg.height - block::height(label)) / 2.0;
                // The label is content where its run starts, a repetition after.
                let starts = self
                    .parts
                    .get(seg.first_part)
                    .is_some_and(|p| p.first && merged.first_row.get(seg.run) == Some(&p.row));
                let tag = if starts {
                    merged.tags[seg.run]
                } else {
                    repeated
                };
                place_lines(label, x, y, tag, out);
            }
        }
        grid::columns_and_frame(out, s, &e, self.top, self.y);
        drawn
    }
}

/// A page of the table decided but not drawn yet.
struct Drawing {
    /// The page, by index in the flow.
    index: usize,
    /// Where on the page its elements go (after what came before the table).
    at: usize,
    page: PageState,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Document;

    fn doc(yaml: &str) -> Document {
        Document::from_yaml(yaml).unwrap()
    }

    const GUIDELINE: &str = r#"
document: {id: g, title: 情報開示, issuer: 株式会社サンプル, service: サンプル, version: "1", date: 2026-11-25}
columns:
  - key: no
    merge: true
  - key: kind
    label: 種別
    merge: true
  - key: title
    label: サービスレベル項目例
  - key: required
    label: 必須/選択
    width: 16mm
    align: center
  - key: content
    label: 内容
items:
  - {no: 1, kind: 事業所・事業, title: 事業所名, required: 必須, content: 本社}
  - {no: 1, kind: 事業所・事業, title: 所在地, required: 必須, content: 東京都}
  - {no: 2, kind: 事業所・事業, title: 設立年, required: 選択, content: "2001年"}
  - {no: 3, kind: 人材, title: 従業員数, required: 必須, content: "71名"}
"#;

    #[test]
    fn own_columns_merge_in_runs_and_numbers_nest_inside_them() {
        let d = doc(GUIDELINE);
        let fonts = FontSet::bundled();
        let style =
            fit_columns(&d, &fonts, &Style::a4(super::super::Orientation::Landscape)).unwrap();
        let t = Table::prepare(&d, &fonts, &style, &mut Structure::new()).unwrap();
        assert_eq!(t.plan.columns.len(), 5);
        // 種別 is the outer group (rows 0–2, then 3); No. merges rows 0–1 inside it.
        assert_eq!(t.plan.columns[t.merged[0].col].label, "種別");
        assert_eq!(t.merged[0].run_of_row, [0, 0, 0, 1]);
        assert_eq!(t.merged[1].run_of_row, [0, 0, 1, 2]);
        // The fixed width is kept, and 必須 is centred in it.
        let req = t.plan.index(&ColumnKey::Own("required".into())).unwrap();
        assert!((t.plan.columns[req].width.0 - 45.35).abs() < 0.1);
        let run = &t.rows[0].cells[req][0].runs[0];
        let inner = t.plan.columns[req].width - style.cell_pad_x * 2.0;
        assert!(
            (run.x + run.width / 2.0 - inner / 2.0).0.abs() < 0.5,
            "{run:?}"
        );
        // Content stays the widest column.
        let content = t.plan.columns[t.content_col].width;
        assert!(t.plan.columns.iter().all(|c| c.width <= content));
    }

    #[test]
    fn a_merged_own_column_repeats_its_label_on_each_page() {
        let mut yaml = String::from(
            "document: {id: g, title: t, issuer: i, service: s, version: \"1\", date: 2026-11-25}\ncolumns:\n  - key: kind\n    label: 種別\n    merge: true\n  - key: no\n  - key: title\n  - key: content\nitems:\n",
        );
        for n in 1..=60 {
            yaml.push_str(&format!(
                "  - {{no: {n}, kind: 長い種別, title: 項目{n}, content: \"本文の一行目\\n二行目\\n三行目\\n四行目\"}}\n"
            ));
        }
        let d = doc(&yaml);
        let fonts = FontSet::bundled();
        let layout = super::super::layout_document(
            &d,
            &fonts,
            &Style::a4(super::super::Orientation::Landscape),
        )
        .unwrap();
        assert!(layout.pages.len() >= 2);
        for (n, page) in layout.pages.iter().enumerate() {
            let text: String = page
                .all_runs()
                .map(|(r, _)| r.glyphs.iter().map(|g| g.ch).collect::<String>())
                .collect();
            assert_eq!(
                text.matches("長い種別").count(),
                1,
                "page {}: {text}",
                n + 1
            );
        }
    }

    #[test]
    fn a_flat_document_has_no_category_column() {
        let d = doc(
            "document: {id: f, title: t, issuer: i, service: s, version: \"1\", date: 2026-11-25}\nitems:\n  - {no: \"8.6\", title: 暗号, content: 本文}\n  - {no: \"A&A-01.1\", title: 監査, content: 本文}\n",
        );
        let fonts = FontSet::bundled();
        let style =
            fit_columns(&d, &fonts, &Style::a4(super::super::Orientation::Landscape)).unwrap();
        let t = Table::prepare(&d, &fonts, &style, &mut Structure::new()).unwrap();
        let keys: Vec<&str> = t.plan.columns.iter().map(|c| c.key.name()).collect();
        assert_eq!(keys, ["no", "title", "content"]);
        assert!(t.merged.is_empty());
        // The No. column widened for the identifier: it is set on one line.
        assert_eq!(t.rows[1].cells[0].len(), 1);
    }
}

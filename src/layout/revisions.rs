//! The revision history (改訂履歴) table at the end of the document.
//!
//! A plain three-column grid (version | date | changes). Rows are short and are
//! never split: a row that does not fit starts a new page, where the header row is
//! repeated. The heading is kept with the header row and the first row.

use super::align::align_center;
use super::block::{self, BlockLine, TextSpec, layout_text, place_lines};
use super::flow::Flow;
use super::style::Style;
use super::{Anchor, Artifact, LayoutError, Role, Scope, Structure, Tag, grid};
use crate::locale::Phrases;
use crate::model::{Date, Document};
use crate::text::font::FontSet;
use crate::units::Pt;

/// Lays out the revision history after what the flow holds; returns where its
/// heading is, or `None` when the document has no revisions.
pub fn layout_revisions(
    flow: &mut Flow,
    doc: &Document,
    fonts: &FontSet,
    style: &Style,
    phrases: &Phrases,
) -> Result<Option<Anchor>, LayoutError> {
    if doc.revisions.is_empty() {
        return Ok(None);
    }
    let (body, bold) = TextSpec::cells(style);
    let (px, py) = (style.cell_pad_x, style.cell_pad_y);
    let x0 = style.margin_x;
    let edges = [x0, x0 + Pt(70.0), x0 + Pt(180.0), x0 + style.table_width()];
    let inner = |c: usize| edges[c + 1] - edges[c] - px * 2.0;
    let set = |text: &str, c: usize, spec: &TextSpec, place: String| {
        layout_text(fonts, text, inner(c), spec).map_err(LayoutError::missing(place))
    };

    let heading_spec = TextSpec {
        size: style.subtitle_size,
        line_height: style.subtitle_size * 1.6,
        ..bold
    };
    let heading = layout_text(fonts, phrases.revisions, style.table_width(), &heading_spec)
        .map_err(LayoutError::missing(format!(
            "the fixed phrase {:?} (the revision heading)",
            phrases.revisions
        )))?;
    let mut header: Vec<Vec<BlockLine>> = Vec::new();
    for (c, label) in phrases.revision_columns.iter().enumerate() {
        let place = format!("the fixed phrase {label:?} (the revision table header)");
        let mut lines = set(label, c, &bold, place)?;
        align_center(&mut lines, inner(c));
        header.push(lines);
    }
    let header_h = grid::row_height(&header, style);

    let mut rows = Vec::new();
    for r in &doc.revisions {
        let place = |k: &str| format!("revision {} ({k})", r.version);
        let date = Date::parse(&r.date).map_or_else(|| r.date.clone(), |d| phrases.date(&d));
        let cells = [
            set(&phrases.version(&r.version), 0, &body, place("version"))?,
            set(&date, 1, &body, place("date"))?,
            set(&r.changes, 2, &body, place("changes"))?,
        ];
        let h = grid::row_height(&cells, style);
        rows.push((cells, h));
    }

    // Heading, header row and first row stay together.
    flow.y += Pt(14.0);
    let lead = block::height(&heading) + Pt(4.0) + header_h + rows[0].1;
    if flow.y + lead > flow.bottom() {
        flow.new_page();
    }
    let anchor = Anchor {
        page: flow.pages.len() - 1,
        y: flow.y,
    };
    let y = flow.y;
    let root = Structure::ROOT;
    let tag = flow.structure.leaf(root, Role::H2);
    place_lines(&heading, x0, y, tag, flow.elements());
    flow.y += block::height(&heading) + Pt(4.0);

    // Table → THead → TR → TH (each column's label), then TBody → TR → TD.
    let s = &mut flow.structure;
    let table = s.add(root, Role::Table);
    let head = s.add(table, Role::THead);
    let head_row = s.add(head, Role::TR);
    let header_tags: Vec<Tag> = (0..header.len())
        .map(|_| {
            let th = Role::TH {
                scope: Scope::Column,
                row_span: 1,
            };
            s.leaf(head_row, th)
        })
        .collect();
    let body_node = s.add(table, Role::TBody);
    let row_tags: Vec<[Tag; 3]> = rows
        .iter()
        .map(|_| {
            let tr = s.add(body_node, Role::TR);
            [(); 3].map(|_| s.leaf(tr, Role::TD))
        })
        .collect();

    let mut grid = Grid::start(flow, &header, header_h, style, &edges, &header_tags);
    let repeated = [Tag::Artifact(Artifact::Pagination); 3];
    for ((cells, h), tags) in rows.iter().zip(&row_tags) {
        if grid.y + *h > flow.bottom() && !grid.rows.is_empty() {
            grid.finish(flow, style, &edges);
            flow.new_page();
            grid = Grid::start(flow, &header, header_h, style, &edges, &repeated);
        }
        for (c, cell) in cells.iter().enumerate() {
            let y = grid.y + py;
            place_lines(cell, edges[c] + px, y, tags[c], flow.elements());
        }
        grid.rows.push(grid.y + *h);
        grid.y += *h;
    }
    grid.finish(flow, style, &edges);
    Ok(Some(anchor))
}

/// The grid of one page: where it starts and the bottom of each row.
struct Grid {
    top: Pt,
    y: Pt,
    rows: Vec<Pt>,
}

impl Grid {
    fn start(
        flow: &mut Flow,
        header: &[Vec<BlockLine>],
        header_h: Pt,
        style: &Style,
        edges: &[Pt; 4],
        tags: &[Tag],
    ) -> Grid {
        let top = flow.y;
        let out = flow.elements();
        grid::header_row(out, style, edges, (top, header_h), header, |c| tags[c]);
        Grid {
            top,
            y: top + header_h,
            rows: Vec::new(),
        }
    }

    fn finish(&self, flow: &mut Flow, style: &Style, edges: &[Pt; 4]) {
        let bottom = self.y;
        let out = flow.elements();
        // Rules between rows; the header row's and the frame come from `grid`.
        for y in self.rows.iter().take(self.rows.len().saturating_sub(1)) {
            out.push(grid::rule(
                style,
                (edges[0], *y),
                (edges[3], *y),
                style.grid_width,
            ));
        }
        grid::columns_and_frame(out, style, edges, self.top, bottom);
        flow.y = bottom;
    }
}

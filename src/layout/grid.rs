//! Drawing shared by the tables: the shaded header row, rules and the frame.

use super::block::{self, BlockLine, place_lines};
use super::style::Style;
use super::{Element, Rect, Tag};
use crate::units::Pt;

/// Height of a table row holding `cells`: the tallest cell's lines and the cell
/// padding above and below.
pub fn row_height(cells: &[Vec<BlockLine>], style: &Style) -> Pt {
    cells
        .iter()
        .map(|c| block::height(c))
        .fold(Pt::ZERO, Pt::max)
        + style.cell_pad_y * 2.0
}

/// A grid line in the house style.
pub fn rule(style: &Style, from: (Pt, Pt), to: (Pt, Pt), width: Pt) -> Element {
    Element::Rule {
        from,
        to,
        width,
        color: style.grid_color,
    }
}

/// The shaded header row at `top`, each column's label centred vertically and
/// tagged by `tag(column)`. `edges` are the column edges, the table's right edge
/// last.
pub fn header_row(
    out: &mut Vec<Element>,
    style: &Style,
    edges: &[Pt],
    (top, height): (Pt, Pt),
    labels: &[Vec<BlockLine>],
    tag: impl Fn(usize) -> Tag,
) {
    let (left, right) = (edges[0], edges[edges.len() - 1]);
    out.push(Element::Fill {
        rect: Rect {
            x: left,
            y: top,
            width: right - left,
            height,
        },
        color: style.header_fill,
    });
    for (col, lines) in labels.iter().enumerate() {
        let y = top + (height - block::height(lines)) / 2.0;
        place_lines(lines, edges[col] + style.cell_pad_x, y, tag(col), out);
    }
    out.push(rule(
        style,
        (left, top + height),
        (right, top + height),
        style.grid_width,
    ));
}

/// Column rules from `top` to `bottom`, then the heavier frame around the table,
/// drawn last so that it sits on top of the joins.
pub fn columns_and_frame(out: &mut Vec<Element>, style: &Style, edges: &[Pt], top: Pt, bottom: Pt) {
    let (left, right) = (edges[0], edges[edges.len() - 1]);
    for x in &edges[1..edges.len() - 1] {
        out.push(rule(style, (*x, top), (*x, bottom), style.grid_width));
    }
    let corners = [(left, top), (right, top), (right, bottom), (left, bottom)];
    for k in 0..4 {
        out.push(rule(
            style,
            corners[k],
            corners[(k + 1) % 4],
            style.frame_width,
        ));
    }
}

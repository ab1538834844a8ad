//! Column widths of the disclosure table.
//!
//! The built-in columns keep their house widths, the category and item columns
//! widened (within limits) until the widest phrase of their labels and titles
//! fits a line ([`fit_columns`]). A column with a `width:` has it; a document's
//! own column without one is as wide as its longest cell set on one line, within
//! [`OWN_MAX_SHARE`] of the table; the No. column widens for identifiers
//! (`A&A-01.1`). The content column takes the rest and must stay the widest.

use rayon::prelude::*;

use super::LayoutError;
use super::block::{self, TextSpec, layout_text};
use super::style::Style;
use crate::model::{Align, Column, ColumnKey, Document};
use crate::text::font::{FontSet, MissingGlyph};
use crate::units::Pt;

/// The most of the table's width an own column takes when sized from its cells.
pub const OWN_MAX_SHARE: f32 = 0.2;
/// The widest the No. column grows for identifiers, as a multiple of its house width.
const NO_MAX_FACTOR: f32 = 2.6;
/// The smallest a header label is set to fit its column, as a share of its size.
pub const HEADER_MIN_SCALE: f32 = 0.8;

/// A column placed: what it shows and where.
#[derive(Debug, Clone, PartialEq)]
pub struct PlacedColumn {
    pub key: ColumnKey,
    pub label: String,
    pub merge: bool,
    pub align: Align,
    /// Left edge.
    pub x: Pt,
    /// Rule to rule.
    pub width: Pt,
}

/// The table's columns, left to right, and its right edge.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPlan {
    pub columns: Vec<PlacedColumn>,
    pub right: Pt,
}

impl ColumnPlan {
    /// Left edges of the columns and the right edge of the table.
    pub fn edges(&self) -> Vec<Pt> {
        self.columns
            .iter()
            .map(|c| c.x)
            .chain([self.right])
            .collect()
    }

    /// The index of the column showing `key`.
    pub fn index(&self, key: &ColumnKey) -> Option<usize> {
        self.columns.iter().position(|c| &c.key == key)
    }
}

/// The house style with the category and item columns widened, within their
/// limits, until the widest phrase of any category label or item title fits on
/// a line: a label then breaks only between phrases (情報セキュリティの / ための組織).
pub fn fit_columns(doc: &Document, fonts: &FontSet, style: &Style) -> Result<Style, LayoutError> {
    let (body, bold) = TextSpec::cells(style);
    let inner = |w: Pt| w - style.cell_pad_x * 2.0 - Pt(0.5);
    // Every title of a long document: measured on all cores, reported in order.
    let widest = |texts: Vec<&String>, spec: &TextSpec, max: Pt| {
        let widths: Vec<_> = texts
            .par_iter()
            .with_min_len(64)
            .map(|t| block::widest_phrase(fonts, t, spec, inner(max)))
            .collect();
        texts.iter().zip(widths).try_fold(Pt::ZERO, |w, (t, p)| {
            p.map(|p| w.max(p)).map_err(LayoutError::missing_at(|| {
                format!("the label or title {t:?}")
            }))
        })
    };
    let category = if doc.flat {
        Pt::ZERO
    } else {
        widest(
            doc.categories.iter().map(|c| &c.title).collect(),
            &bold,
            style.category_max,
        )?
    };
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
    fitted.no_width = fit_no(doc, fonts, style)?;
    Ok(fitted)
}

/// The No. column's width: it holds the widest identifier (`A&A-01.1`) and its
/// label at full size, up to NO_MAX_FACTOR of its house width; whole numbers
/// never widen it.
fn fit_no(doc: &Document, fonts: &FontSet, style: &Style) -> Result<Pt, LayoutError> {
    let (body, bold) = TextSpec::cells(style);
    let fit =
        |need: Pt, min: Pt, max: Pt| (need + style.cell_pad_x * 2.0 + Pt(0.5)).max(min).min(max);
    let mut no = Pt::ZERO;
    for (_, item) in doc.items() {
        if let crate::model::ItemNo::Text(t) = &item.no {
            let w = label_width(fonts, t, &body)
                .map_err(LayoutError::missing_at(|| format!("item No. {t}")))?;
            no = no.max(w);
        }
    }
    let label = doc
        .columns()
        .into_iter()
        .find(|c| c.key == ColumnKey::No)
        .map(|c| c.label)
        .unwrap_or_else(|| doc.labels.no.clone());
    let label = label_width(fonts, &label, &bold).map_err(LayoutError::missing_at(|| {
        format!("the table label {label:?}")
    }))?;
    let pad = style.cell_pad_x * 2.0;
    let no_max = style.no_width * NO_MAX_FACTOR;
    Ok(fit(no, style.no_width, no_max).max((label + pad).min(no_max)))
}

/// Width of `text` set on one line in `spec` (its widest line if it has several).
pub fn label_width(fonts: &FontSet, text: &str, spec: &TextSpec) -> Result<Pt, MissingGlyph> {
    let lines = layout_text(fonts, text, Pt(f32::MAX / 4.0), spec)?;
    Ok(lines
        .iter()
        .map(|l| l.runs.iter().map(|r| r.width).sum::<Pt>())
        .fold(Pt::ZERO, Pt::max))
}

/// Why the columns cannot be placed.
fn too_wide(content: Pt, widest: (&str, Pt)) -> LayoutError {
    LayoutError::Columns {
        message: format!(
            "the columns leave the content column {:.0} pt, less than column {:?} ({:.0} pt); give the other columns smaller widths, or fewer columns",
            content.0, widest.0, widest.1.0
        ),
    }
}

/// Places the columns of `doc` in `style` (with [`fit_columns`] applied).
pub fn plan_columns(
    doc: &Document,
    fonts: &FontSet,
    style: &Style,
) -> Result<ColumnPlan, LayoutError> {
    let columns = doc.columns();
    let (body, bold) = TextSpec::cells(style);
    let pad = style.cell_pad_x * 2.0 + Pt(0.5);
    let own_max = style.table_width() * OWN_MAX_SHARE;
    let missing = |what: String| LayoutError::missing_at(move || what);
    // Widths of every column but content; `None` marks the content column and
    // `shrinkable[i]` the phrase width an own column may shrink to.
    let mut widths: Vec<Option<Pt>> = Vec::with_capacity(columns.len());
    let mut floor: Vec<Option<Pt>> = vec![None; columns.len()];
    for (i, c) in columns.iter().enumerate() {
        // The No. and own columns widen (within their limits) to hold their
        // label at full size; the house-width columns shrink a long label instead.
        let label_need = label_width(fonts, &c.label, &bold)
            .map_err(missing(format!("the table label {:?}", c.label)))?
            + pad;
        let w = match (&c.key, c.width) {
            (ColumnKey::Content, _) => None,
            (_, Some(w)) => Some(w),
            (ColumnKey::Category, None) => Some(style.category_width),
            (ColumnKey::Title, None) => Some(style.item_width),
            (ColumnKey::No, None) => Some(style.no_width),
            (ColumnKey::Own(key), None) => {
                let spec = if c.merge { &bold } else { &body };
                let mut natural = Pt::ZERO;
                let mut phrase = Pt::ZERO;
                for (_, item) in doc.items() {
                    if let Some(text) = item.cells.get(key) {
                        let place = || format!("item No. {} ({key})", item.no);
                        natural = natural.max(
                            label_width(fonts, text, spec)
                                .map_err(LayoutError::missing_at(place))?,
                        );
                        phrase = phrase.max(
                            block::widest_phrase(fonts, text, spec, own_max - pad)
                                .map_err(LayoutError::missing_at(place))?,
                        );
                    }
                }
                floor[i] = Some((phrase + pad).max(label_need).min(own_max));
                Some((natural + pad).max(label_need).min(own_max))
            }
        };
        widths.push(w);
    }
    let others = |widths: &[Option<Pt>]| widths.iter().flatten().copied().sum::<Pt>();
    let widest_other = |widths: &[Option<Pt>]| {
        widths
            .iter()
            .zip(&columns)
            .filter_map(|(w, c)| w.map(|w| (c.key.name(), w)))
            .fold(("", Pt::ZERO), |a, b| if b.1 > a.1 { b } else { a })
    };
    let mut content = style.table_width() - others(&widths);
    // Content must stay the widest: shrink the own columns sized from their
    // cells towards their widest phrase, the widest first.
    while content < widest_other(&widths).1 {
        let shrinkable = (0..columns.len())
            .filter(|&i| floor[i].is_some_and(|f| widths[i].is_some_and(|w| w > f + Pt(0.01))))
            .max_by(|&a, &b| {
                widths[a]
                    .partial_cmp(&widths[b])
                    .unwrap_or(std::cmp::Ordering::Equal)
            });
        let Some(i) = shrinkable else {
            return Err(too_wide(content, widest_other(&widths)));
        };
        let (w, f) = (widths[i].unwrap_or_default(), floor[i].unwrap_or_default());
        let step = (w - f).min(widest_other(&widths).1 - content).max(Pt(0.01));
        let new = (w - step).max(f);
        widths[i] = Some(new);
        content = style.table_width() - others(&widths);
    }
    let mut x = style.margin_x;
    let placed = columns
        .into_iter()
        .zip(widths)
        .map(|(c, w): (Column, Option<Pt>)| {
            let width = w.unwrap_or(content);
            let p = PlacedColumn {
                key: c.key,
                label: c.label,
                merge: c.merge,
                align: c.align,
                x,
                width,
            };
            x += width;
            p
        })
        .collect();
    Ok(ColumnPlan {
        columns: placed,
        right: style.margin_x + style.table_width(),
    })
}

/// A header label that does not fit its column even at [`HEADER_MIN_SCALE`] of
/// its size, in some page orientation: the column's index, the room it has
/// there and the width the label needs. For `check`.
pub struct LabelProblem {
    pub column: usize,
    pub room: Pt,
    pub need: Pt,
}

/// The columns of `doc` for each page orientation (with the columns that do not
/// fit reported as the error), and the header labels too wide for theirs.
pub fn header_problems(doc: &Document, fonts: &FontSet) -> Result<Vec<LabelProblem>, LayoutError> {
    let mut out: Vec<LabelProblem> = Vec::new();
    for orientation in [super::Orientation::Landscape, super::Orientation::Portrait] {
        let house = Style::a4(orientation);
        // The built-in columns only grow when fitted, so their labels are
        // checked against the house widths (fitting every title twice more
        // would double the check of a long document); declared columns are
        // planned as the build plans them.
        let style = if doc.columns.is_none() {
            Style {
                no_width: fit_no(doc, fonts, &house)?,
                ..house
            }
        } else {
            fit_columns(doc, fonts, &house)?
        };
        let plan = plan_columns(doc, fonts, &style)?;
        let (_, bold) = TextSpec::cells(&style);
        for (i, c) in plan.columns.iter().enumerate() {
            let room = c.width - style.cell_pad_x * 2.0;
            let need = label_width(fonts, &c.label, &bold).map_err(LayoutError::missing(
                format!("the table label {:?}", c.label),
            ))? * HEADER_MIN_SCALE;
            if need > room {
                match out.iter_mut().find(|p| p.column == i) {
                    Some(p) if room < p.room => {
                        *p = LabelProblem {
                            column: i,
                            room,
                            need,
                        }
                    }
                    Some(_) => {}
                    None => out.push(LabelProblem {
                        column: i,
                        room,
                        need,
                    }),
                }
            }
        }
    }
    Ok(out)
}

//! Page geometry and type sizes.

use super::Color;
use crate::units::{Mm, Pt};

/// Page orientation (A4 either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    #[default]
    Landscape,
    Portrait,
}

/// Every measure of the layout in one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    pub page_width: Pt,
    pub page_height: Pt,
    pub margin_x: Pt,
    pub margin_top: Pt,
    /// From the page bottom to the bottom of the table area (the footer sits inside).
    pub margin_bottom: Pt,
    /// Widths of the category, No. and item columns; the content column takes the
    /// rest. The category and item columns grow up to their maximum to fit the
    /// widest phrase of a document's labels and titles.
    pub category_width: Pt,
    pub no_width: Pt,
    pub item_width: Pt,
    pub category_max: Pt,
    pub item_max: Pt,
    /// Body text size and line height (table cells, preface).
    pub body_size: Pt,
    pub line_height: Pt,
    /// Extra space for a blank line in the content.
    pub paragraph_gap: Pt,
    pub notes_size: Pt,
    pub control_size: Pt,
    pub title_size: Pt,
    pub subtitle_size: Pt,
    pub footer_size: Pt,
    pub cell_pad_x: Pt,
    pub cell_pad_y: Pt,
    pub grid_width: Pt,
    pub frame_width: Pt,
    pub grid_color: Color,
    pub header_fill: Color,
    pub muted: Color,
    pub link_color: Color,
    /// Lines kept on each side of a row split across pages.
    pub min_split_lines: usize,
    /// A row of this many content lines or fewer is never split: it moves to the
    /// next page whole.
    pub keep_whole_lines: usize,
}

impl Style {
    /// The house style for A4 in the given orientation: 9 pt body, a content column
    /// of about 75 full-width characters in landscape.
    pub fn a4(orientation: Orientation) -> Style {
        let (w, h) = (Pt::from(Mm(297.0)), Pt::from(Mm(210.0)));
        let (page_width, page_height) = match orientation {
            Orientation::Landscape => (w, h),
            Orientation::Portrait => (h, w),
        };
        let body = Pt(9.0);
        let (category_width, no_width, item_width) = match orientation {
            Orientation::Landscape => (Pt(64.0), Pt(28.0), Pt(102.0)),
            Orientation::Portrait => (Pt(62.0), Pt(30.0), Pt(92.0)),
        };
        let (category_max, item_max) = match orientation {
            Orientation::Landscape => (Pt(96.0), Pt(116.0)),
            Orientation::Portrait => (Pt(84.0), Pt(100.0)),
        };
        Style {
            page_width,
            page_height,
            margin_x: Mm(10.0).into(),
            margin_top: Mm(12.0).into(),
            margin_bottom: Mm(15.0).into(),
            category_width,
            no_width,
            item_width,
            category_max,
            item_max,
            body_size: body,
            line_height: body * 1.55,
            paragraph_gap: body * 0.7,
            notes_size: Pt(8.0),
            control_size: Pt(7.0),
            title_size: Pt(18.0),
            subtitle_size: Pt(11.0),
            footer_size: Pt(7.5),
            cell_pad_x: Pt(5.5),
            cell_pad_y: Pt(3.5),
            grid_width: Pt(0.5),
            frame_width: Pt(0.9),
            grid_color: Color::gray(0.35),
            header_fill: Color(0.87, 0.89, 0.92),
            muted: Color::gray(0.35),
            link_color: Color(0.0, 0.22, 0.62),
            min_split_lines: 2,
            keep_whole_lines: 4,
        }
    }

    /// Width of the whole table.
    pub fn table_width(&self) -> Pt {
        self.page_width - self.margin_x * 2.0
    }

    /// Width of the content column.
    pub fn content_width(&self) -> Pt {
        self.table_width() - self.category_width - self.no_width - self.item_width
    }

    /// Left edges of the four columns and the right edge of the table.
    pub fn column_edges(&self) -> [Pt; 5] {
        let x0 = self.margin_x;
        let x1 = x0 + self.category_width;
        let x2 = x1 + self.no_width;
        let x3 = x2 + self.item_width;
        [x0, x1, x2, x3, x0 + self.table_width()]
    }

    /// Bottom of the area text may use.
    pub fn body_bottom(&self) -> Pt {
        self.page_height - self.margin_bottom
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn landscape_content_column_holds_about_75_characters() {
        let s = Style::a4(Orientation::Landscape);
        let chars = (s.content_width() - s.cell_pad_x * 2.0).0 / s.body_size.0;
        // Full-width kanji are 1 em; proportional kana and punctuation are narrower,
        // so 64 em hold 70–75 characters of running Japanese text.
        assert!((64.0..70.0).contains(&chars), "{chars}");
    }

    #[test]
    fn columns_fill_the_table() {
        for o in [Orientation::Landscape, Orientation::Portrait] {
            let s = Style::a4(o);
            let e = s.column_edges();
            assert!(e.windows(2).all(|w| w[0] < w[1]));
            assert!((e[4] - e[0] - s.table_width()).0.abs() < 1e-3);
        }
    }
}

//! The y-axis flip between layout and PDF coordinates.
//!
//! Layout places things from the page's top-left corner with y growing downwards;
//! PDF user space starts at the bottom-left corner with y growing upwards. Every
//! y that goes into the file (content streams, link rectangles, outline
//! destinations) is converted here, so the convention lives in one place.

use crate::layout::Rect;
use crate::units::Pt;

/// The PDF y of the layout y `y` on a page `page_height` tall.
pub fn pdf_y(page_height: Pt, y: Pt) -> f32 {
    (page_height - y).0
}

/// A layout rectangle in PDF coordinates: `[x, y, width, height]` with `y` its
/// lower edge (the layout rectangle's bottom), as the `re` operator and
/// annotation rectangles want it.
pub fn pdf_rect(page_height: Pt, r: &Rect) -> [f32; 4] {
    // (height - y) - h, not height - (y + h): the same rounding as the files
    // written before this helper existed.
    [
        r.x.0,
        pdf_y(page_height, r.y) - r.height.0,
        r.width.0,
        r.height.0,
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn y_is_flipped_against_the_page_height() {
        assert_eq!(pdf_y(Pt(100.0), Pt(0.0)), 100.0);
        assert_eq!(pdf_y(Pt(100.0), Pt(20.5)), 79.5);
        let r = Rect {
            x: Pt(1.0),
            y: Pt(2.0),
            width: Pt(3.0),
            height: Pt(4.0),
        };
        assert_eq!(pdf_rect(Pt(100.0), &r), [1.0, 94.0, 3.0, 4.0]);
    }
}

//! Horizontal alignment of set lines: centred labels and titles, right-aligned
//! dates and page numbers.

use super::block::BlockLine;
use crate::units::Pt;

/// Moves each line's runs so the line ends at `width`.
pub fn align_right(lines: &mut [BlockLine], width: Pt) {
    shift_lines(lines, |used| width - used);
}

/// Moves each line's runs so the line is centred in `width`.
pub fn align_center(lines: &mut [BlockLine], width: Pt) {
    shift_lines(lines, |used| (width - used) / 2.0);
}

/// Moves each line's runs and links so that the line starts at `target_x(used)`,
/// `used` being the width from its first run's start to its last run's end.
fn shift_lines(lines: &mut [BlockLine], target_x: impl Fn(Pt) -> Pt) {
    for line in lines {
        let (Some(first), Some(last)) = (line.runs.first(), line.runs.last()) else {
            continue;
        };
        let used = last.x + last.width - first.x;
        let shift = target_x(used) - first.x;
        for run in &mut line.runs {
            run.x += shift;
        }
        for (rect, _) in &mut line.links {
            rect.x += shift;
        }
    }
}

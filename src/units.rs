//! Typed lengths. Layout works in PDF points (1/72 inch); millimetres appear only
//! where a human chose a measure (margins, page size) and are converted once.
//! Text is measured in whole milli-ems ([`MilliEm`]), the unit of the PDF `/W`
//! array, and turned into points only where it is placed.

use std::ops::{Add, AddAssign, Div, Mul, Neg, Sub, SubAssign};

/// A length in PDF points (1/72 inch). The coordinate origin of layout is the
/// top-left corner of the page with y growing downwards; the PDF writer flips it.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
pub struct Pt(pub f32);

/// A length in millimetres, for human-chosen measures.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
pub struct Mm(pub f32);

/// A length in font design units (`units_per_em` of one face).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FontUnits(pub i32);

/// A length in 1/1000 em of the font size: glyph advances, 和欧間 spaces, indents
/// and line widths while breaking text. Whole numbers, because the PDF `/W` array
/// states advances so and a viewer advances the pen by what it says; measuring in
/// the same unit keeps the layout and the drawing in step.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MilliEm(pub i32);

impl MilliEm {
    pub const ZERO: MilliEm = MilliEm(0);

    /// The length in points at font size `size`: `self × size / 1000`, computed as
    /// `self × (size / 1000)` (the placement has always rounded so).
    pub fn to_pt(self, size: Pt) -> Pt {
        Pt(self.0 as f32 * (size.0 / 1000.0))
    }

    /// The milli-ems of font size `size` in `p`, truncated towards zero.
    pub fn from_pt(p: Pt, size: Pt) -> MilliEm {
        MilliEm((p.0 * 1000.0 / size.0) as i32)
    }
}

impl Add for MilliEm {
    type Output = MilliEm;
    fn add(self, rhs: MilliEm) -> MilliEm {
        MilliEm(self.0 + rhs.0)
    }
}

impl AddAssign for MilliEm {
    fn add_assign(&mut self, rhs: MilliEm) {
        self.0 += rhs.0;
    }
}

impl Sub for MilliEm {
    type Output = MilliEm;
    fn sub(self, rhs: MilliEm) -> MilliEm {
        MilliEm(self.0 - rhs.0)
    }
}

impl std::iter::Sum for MilliEm {
    fn sum<I: Iterator<Item = MilliEm>>(iter: I) -> MilliEm {
        MilliEm(iter.map(|m| m.0).sum())
    }
}

impl From<Mm> for Pt {
    fn from(mm: Mm) -> Pt {
        Pt(mm.0 * 72.0 / 25.4)
    }
}

impl Pt {
    pub const ZERO: Pt = Pt(0.0);

    pub fn max(self, other: Pt) -> Pt {
        Pt(self.0.max(other.0))
    }

    pub fn min(self, other: Pt) -> Pt {
        Pt(self.0.min(other.0))
    }
}

impl Add for Pt {
    type Output = Pt;
    fn add(self, rhs: Pt) -> Pt {
        Pt(self.0 + rhs.0)
    }
}

impl AddAssign for Pt {
    fn add_assign(&mut self, rhs: Pt) {
        self.0 += rhs.0;
    }
}

impl Sub for Pt {
    type Output = Pt;
    fn sub(self, rhs: Pt) -> Pt {
        Pt(self.0 - rhs.0)
    }
}

impl SubAssign for Pt {
    fn sub_assign(&mut self, rhs: Pt) {
        self.0 -= rhs.0;
    }
}

impl Neg for Pt {
    type Output = Pt;
    fn neg(self) -> Pt {
        Pt(-self.0)
    }
}

impl Mul<f32> for Pt {
    type Output = Pt;
    fn mul(self, rhs: f32) -> Pt {
        Pt(self.0 * rhs)
    }
}

impl Div<f32> for Pt {
    type Output = Pt;
    fn div(self, rhs: f32) -> Pt {
        Pt(self.0 / rhs)
    }
}

/// The ratio of two lengths.
impl Div for Pt {
    type Output = f32;
    fn div(self, rhs: Pt) -> f32 {
        self.0 / rhs.0
    }
}

impl std::iter::Sum for Pt {
    fn sum<I: Iterator<Item = Pt>>(iter: I) -> Pt {
        Pt(iter.map(|p| p.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a4_width_in_points() {
        let pt: Pt = Mm(210.0).into();
        assert!((pt.0 - 595.2756).abs() < 1e-3);
    }

    #[test]
    fn milli_ems_convert_at_the_font_size() {
        assert_eq!(MilliEm(250).to_pt(Pt(10.0)), Pt(2.5));
        assert_eq!(MilliEm::from_pt(Pt(60.0), Pt(9.0)), MilliEm(6666));
        assert_eq!(MilliEm::from_pt(Pt(-1.0), Pt(9.0)), MilliEm(-111));
        assert_eq!(MilliEm(979) + MilliEm(250) - MilliEm(1000), MilliEm(229));
    }
}

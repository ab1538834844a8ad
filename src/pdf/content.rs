//! Page content streams, written directly as PDF operators.
//!
//! A page of the table is a few hundred text runs, rules and fills: a handful of
//! operators each. Writing them straight into bytes costs a few microseconds per
//! page; going through the `Op` list of the library behind `shell`, its per-glyph
//! font lookups and lopdf's `Operation` objects took twenty times longer and
//! allocated for every number (see `bench/RESULTS.md`). Text is written as 2-byte glyph ids of our own subsets
//! (Identity-H), so what a glyph reads as is decided by the ToUnicode map alone.

use std::sync::Arc;

use super::{coords, syntax};
use crate::layout::{Color, Element, Page, TextRun};
use crate::model::picture::Picture;
use crate::text::font::FontStyle;
use crate::units::Pt;

/// How a font is named in the page resources and how its glyph ids are renumbered.
pub struct FontRef<'a> {
    pub style: FontStyle,
    /// The resource name, e.g. `FR`.
    pub resource: &'static str,
    /// Original glyph id → subset glyph id.
    pub gids: &'a [u16],
}

/// The content stream of `page`, y flipped (layout grows downwards, PDF upwards).
///
/// Drawing order: the draft stamp, fills, pictures, rules, then text, so that
/// text is never covered and the stamp is under everything. `pictures` are the
/// document's pictures in the order of their resource names (`Im0`, `Im1`, …).
pub fn page_content(page: &Page, fonts: &[FontRef<'_>], pictures: &[Arc<Picture>]) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::with_capacity(16 * 1024),
        height: page.height,
        fill: None,
        stroke: None,
        line_width: None,
    };
    let mut text = TextState::default();
    for e in &page.elements {
        if let Element::Stamp { run, angle } = e {
            w.text_run(&mut text, run, *angle, fonts);
        }
    }
    text.end(&mut w);
    for e in &page.elements {
        if let Element::Fill { rect, color } = e {
            w.set_fill(*color);
            for v in coords::pdf_rect(page.height, rect) {
                w.real(v);
            }
            w.op(b"re f\n");
        }
    }
    for e in &page.elements {
        if let Element::Picture { rect, picture, .. } = e
            && let Some(n) = pictures.iter().position(|p| Arc::ptr_eq(p, picture))
        {
            // The unit square scaled and moved onto the rectangle.
            let [x, y, width, height] = coords::pdf_rect(page.height, rect);
            w.op(b"q ");
            for v in [width, 0.0, 0.0, height, x, y] {
                w.real(v);
            }
            w.op(format!("cm /Im{n} Do Q\n").as_bytes());
        }
    }
    for e in &page.elements {
        if let Element::Rule {
            from,
            to,
            width,
            color,
        } = e
        {
            w.set_stroke(*color);
            if w.line_width != Some(*width) {
                w.num(*width);
                w.op(b"w ");
                w.line_width = Some(*width);
            }
            w.point(from.0, from.1);
            w.op(b"m ");
            w.point(to.0, to.1);
            w.op(b"l S\n");
        }
    }
    for run in page.runs() {
        w.text_run(&mut text, run, 0.0, fonts);
    }
    text.end(&mut w);
    w.out
}

/// Text state carried between runs of one `BT … ET` section.
#[derive(Default)]
struct TextState {
    open: bool,
    font: Option<(FontStyle, Pt)>,
    /// Character spacing (`Tc`) in force: part of the graphics state, so it
    /// outlives `ET`; every page starts at 0.
    spacing: Pt,
}

impl TextState {
    fn end(&mut self, w: &mut Writer) {
        if self.open {
            w.op(b"ET\n");
        }
        self.open = false;
        self.font = None;
    }
}

struct Writer {
    out: Vec<u8>,
    height: Pt,
    fill: Option<Color>,
    stroke: Option<Color>,
    line_width: Option<Pt>,
}

impl Writer {
    fn op(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// A number and a space.
    fn num(&mut self, v: Pt) {
        self.real(v.0);
    }

    fn real(&mut self, v: f32) {
        syntax::real(&mut self.out, v);
        self.out.push(b' ');
    }

    /// A layout point as PDF coordinates (y flipped).
    fn point(&mut self, x: Pt, y: Pt) {
        self.num(x);
        self.real(coords::pdf_y(self.height, y));
    }

    fn color(&mut self, c: Color) {
        self.real(c.0);
        self.real(c.1);
        self.real(c.2);
    }

    fn set_fill(&mut self, c: Color) {
        if self.fill != Some(c) {
            self.color(c);
            self.op(b"rg ");
            self.fill = Some(c);
        }
    }

    fn set_stroke(&mut self, c: Color) {
        if self.stroke != Some(c) {
            self.color(c);
            self.op(b"RG ");
            self.stroke = Some(c);
        }
    }

    /// One run: font and colour when they change, its own text matrix (so runs
    /// never depend on where the previous one ended), then the glyphs.
    fn text_run(&mut self, state: &mut TextState, run: &TextRun, angle: f32, fonts: &[FontRef]) {
        // Every style with runs was subset and has a FontRef (see `pdf::write`).
        let Some(font) = fonts.iter().find(|f| f.style == run.style) else {
            return;
        };
        if !state.open {
            self.op(b"BT\n");
            state.open = true;
        }
        if state.font != Some((run.style, run.size)) {
            self.out.push(b'/');
            self.op(font.resource.as_bytes());
            self.out.push(b' ');
            self.num(run.size);
            self.op(b"Tf\n");
            state.font = Some((run.style, run.size));
        }
        self.set_fill(run.color);
        if state.spacing != run.spacing {
            self.num(run.spacing);
            self.op(b"Tc\n");
            state.spacing = run.spacing;
        }
        if angle == 0.0 {
            self.op(b"1 0 0 1 ");
        } else {
            let (sin, cos) = angle.to_radians().sin_cos();
            self.real(cos);
            self.real(sin);
            self.real(-sin);
            self.real(cos);
        }
        self.point(run.x, run.baseline);
        self.op(b"Tm\n");
        self.glyphs(run, font.gids);
    }

    /// The glyphs as `Tj`, or as `TJ` with the extra spaces (和欧間) as offsets.
    /// TJ offsets are subtracted from the pen position, hence negative.
    fn glyphs(&mut self, run: &TextRun, gids: &[u16]) {
        let spaced = run.glyphs.iter().skip(1).any(|g| g.space_before != 0);
        if spaced {
            self.out.push(b'[');
        }
        self.out.push(b'(');
        for (i, g) in run.glyphs.iter().enumerate() {
            let space = g.space_before;
            if i > 0 && space != 0 {
                self.out.push(b')');
                // TJ offsets are subtracted from the pen position.
                syntax::int(&mut self.out, -i64::from(space));
                self.out.push(b'(');
            }
            let gid = gids.get(g.gid as usize).copied().unwrap_or(0);
            syntax::literal_bytes(&mut self.out, &gid.to_be_bytes());
        }
        self.out.push(b')');
        self.op(if spaced { b"]TJ\n" } else { b"Tj\n" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::Rect;

    fn page(elements: Vec<Element>) -> Page {
        Page {
            width: Pt(200.0),
            height: Pt(100.0),
            elements,
        }
    }

    fn run(gids: &[u16], space_before: Vec<i16>) -> TextRun {
        TextRun {
            x: Pt(10.0),
            baseline: Pt(20.5),
            size: Pt(9.0),
            style: FontStyle::Regular,
            color: Color::BLACK,
            width: Pt(gids.len() as f32 * 4.5),
            spacing: Pt::ZERO,
            glyphs: gids
                .iter()
                .zip(space_before)
                .map(|(&gid, space_before)| crate::layout::RunGlyph {
                    ch: 'a',
                    gid,
                    space_before,
                })
                .collect(),
            trailing: Vec::new(),
        }
    }

    fn render(elements: Vec<Element>) -> String {
        let gids: Vec<u16> = (0..=300).collect();
        let fonts = [FontRef {
            style: FontStyle::Regular,
            resource: "FR",
            gids: &gids,
        }];
        String::from_utf8_lossy(&page_content(&page(elements), &fonts, &[])).into_owned()
    }

    #[test]
    fn text_is_placed_with_flipped_y_and_spaced_with_offsets() {
        let s = render(vec![Element::Text(run(
            &[0x41, 0x42, 0x43],
            vec![0, 250, 0],
        ))]);
        assert_eq!(
            s,
            "BT\n/FR 9 Tf\n0 0 0 rg 1 0 0 1 10 79.5 Tm\n[(\0A)-250(\0B\0C)]TJ\nET\n"
        );
    }

    #[test]
    fn string_delimiters_and_cr_are_escaped() {
        // 0x28 '(' 0x29 ')' 0x5C '\' 0x0D CR as glyph id bytes.
        let s = render(vec![Element::Text(run(
            &[0x28, 0x29, 0x5C, 0x0D],
            vec![0; 4],
        ))]);
        assert!(s.contains("(\0\\(\0\\)\0\\\\\0\\r)Tj"), "{s:?}");
    }

    #[test]
    fn state_is_set_only_when_it_changes() {
        let rule = |y: f32| Element::Rule {
            from: (Pt(0.0), Pt(y)),
            to: (Pt(100.0), Pt(y)),
            width: Pt(0.5),
            color: Color::gray(0.5),
        };
        let s = render(vec![
            Element::Fill {
                rect: Rect {
                    x: Pt(1.0),
                    y: Pt(2.0),
                    width: Pt(3.0),
                    height: Pt(4.0),
                },
                color: Color::gray(0.9),
            },
            rule(10.0),
            rule(20.0),
            Element::Text(run(&[1], vec![0])),
            Element::Text(run(&[2], vec![0])),
        ]);
        assert_eq!(
            s,
            "0.9 0.9 0.9 rg 1 94 3 4 re f\n\
             0.5 0.5 0.5 RG 0.5 w 0 90 m 100 90 l S\n\
             0 80 m 100 80 l S\n\
             BT\n/FR 9 Tf\n0 0 0 rg 1 0 0 1 10 79.5 Tm\n(\0\x01)Tj\n\
             1 0 0 1 10 79.5 Tm\n(\0\x02)Tj\nET\n"
        );
    }

    #[test]
    fn a_stamp_is_rotated_and_drawn_first() {
        let s = render(vec![
            Element::Text(run(&[1], vec![0])),
            Element::Stamp {
                run: run(&[2], vec![0]),
                angle: 90.0,
            },
        ]);
        assert!(
            s.starts_with("BT\n/FR 9 Tf\n0 0 0 rg 0 1 -1 0 10 79.5 Tm\n(\0\x02)Tj\nET\n"),
            "{s:?}"
        );
    }
}

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
use crate::layout::{Artifact, Color, Element, NodeId, Page, Structure, Tag, TextRun};
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
    /// The face's glyph use, for the ids of its widened copies.
    pub widened: &'a super::fonts::GlyphUse,
}

/// Who one marked-content sequence (one MCID) of a page belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    /// Text of this structure element.
    Node(NodeId),
    /// The picture that is the `.0`th of the page's links and pictures (a
    /// Figure inside its tag's element).
    Figure(usize),
    /// Text inside the link area that is the `.0`th of the page's links and
    /// pictures (a Link element inside its tag's element).
    Link(usize),
}

/// One marked-content sequence: its owner and the index of its first element
/// on the page (for reading order). Its MCID is its index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    pub owner: Owner,
    pub element: usize,
}

/// A page's content stream and what its marked content belongs to.
pub struct PageContent {
    pub bytes: Vec<u8>,
    /// By MCID.
    pub marked: Vec<Marked>,
    /// The text of each link area (by its place among the page's links and
    /// pictures), for its `/Contents`.
    pub link_texts: Vec<(usize, String)>,
    /// The page's links and pictures, in page order: all the structure tree
    /// needs of the page once its content is written.
    pub objects: Vec<Element>,
}

/// The content stream of `page`, y flipped (layout grows downwards, PDF upwards).
///
/// Drawing order: the draft stamp, fills, pictures, rules, then text, so that
/// text is never covered and the stamp is under everything. `pictures` are the
/// document's pictures in the order of their resource names (`Im0`, `Im1`, …).
///
/// Everything is marked content (tagged PDF, ISO 32000-1 14.6): rules, fills
/// and the stamp are artifacts; text and pictures are marked with an MCID for
/// the structure element of their [`Tag`], or as pagination artifacts. Runs in
/// a row with the same owner share one MCID.
pub fn page_content(
    page: &Page,
    fonts: &[FontRef<'_>],
    pictures: &[Arc<Picture>],
    structure: &Structure,
) -> PageContent {
    let mut w = Writer {
        out: Vec::with_capacity(16 * 1024),
        height: page.height,
        fill: None,
        stroke: None,
        line_width: None,
    };
    let mut marked: Vec<Marked> = Vec::new();
    let mut text = TextState::default();
    let stamps = page
        .elements
        .iter()
        .filter(|e| matches!(e, Element::Stamp { .. }));
    if stamps.clone().next().is_some() {
        w.op(b"/Artifact <</Type /Pagination /Subtype /Watermark>> BDC\n");
        for e in stamps {
            if let Element::Stamp { run, angle } = e {
                w.text_run(&mut text, run, *angle, fonts);
            }
        }
        text.end(&mut w);
        w.op(b"EMC\n");
    }
    let mut fills = page.elements.iter().filter_map(|e| match e {
        Element::Fill { rect, color } => Some((rect, color)),
        _ => None,
    });
    if let Some(first) = fills.next() {
        w.op(b"/Artifact BMC\n");
        for (rect, color) in std::iter::once(first).chain(fills) {
            w.set_fill(*color);
            for v in coords::pdf_rect(page.height, rect) {
                w.real(v);
            }
            w.op(b"re f\n");
        }
        w.op(b"EMC\n");
    }
    // Links and pictures are numbered in page order, as the writer keeps them.
    let objects: Vec<usize> = page
        .elements
        .iter()
        .enumerate()
        .filter(|(_, e)| matches!(e, Element::Link { .. } | Element::Picture { .. }))
        .map(|(i, _)| i)
        .collect();
    let object_no = |i: usize| objects.binary_search(&i).unwrap_or(0);
    for (i, e) in page.elements.iter().enumerate() {
        if let Element::Picture {
            rect, picture, tag, ..
        } = e
            && let Some(n) = pictures.iter().position(|p| Arc::ptr_eq(p, picture))
        {
            match tag {
                Tag::Node(_) => {
                    w.op(b"/Figure ");
                    w.mcid(marked.len());
                    marked.push(Marked {
                        owner: Owner::Figure(object_no(i)),
                        element: i,
                    });
                }
                _ => w.op(b"/Artifact BMC\n"),
            }
            // The unit square scaled and moved onto the rectangle.
            let [x, y, width, height] = coords::pdf_rect(page.height, rect);
            w.op(b"q ");
            for v in [width, 0.0, 0.0, height, x, y] {
                w.real(v);
            }
            w.op(format!("cm /Im{n} Do Q\nEMC\n").as_bytes());
        }
    }
    let mut rules = page.elements.iter().filter_map(|e| match e {
        Element::Rule {
            from,
            to,
            width,
            color,
        } => Some((from, to, width, color)),
        _ => None,
    });
    if let Some(first) = rules.next() {
        w.op(b"/Artifact BMC\n");
        for (from, to, width, color) in std::iter::once(first).chain(rules) {
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
        w.op(b"EMC\n");
    }

    // Link areas, to put the text inside them into Link elements.
    let links: Vec<(usize, &crate::layout::Rect, Tag)> = page
        .elements
        .iter()
        .enumerate()
        .filter_map(|(i, e)| match e {
            Element::Link { rect, tag, .. } => Some((object_no(i), rect, *tag)),
            _ => None,
        })
        .collect();
    let mut link_texts: Vec<(usize, String)> = Vec::new();
    let mut open: Option<Mark> = None;
    for (i, e) in page.elements.iter().enumerate() {
        let Element::Text(run) = e else { continue };
        let mark = match run.tag {
            Tag::Node(node) => {
                let (cx, cy) = (run.x + run.width * 0.5, run.baseline - run.size * 0.3);
                let link = links.iter().find(|(_, r, t)| {
                    *t == run.tag
                        && r.x <= cx
                        && cx <= r.x + r.width
                        && r.y <= cy
                        && cy <= r.y + r.height
                });
                match link {
                    Some(&(l, ..)) => {
                        match link_texts.iter_mut().find(|(at, _)| *at == l) {
                            Some((_, t)) => t.push_str(&run.text()),
                            None => link_texts.push((l, run.text())),
                        }
                        Mark::Content(Owner::Link(l))
                    }
                    None => Mark::Content(Owner::Node(node)),
                }
            }
            Tag::Artifact(Artifact::Pagination) => Mark::Pagination,
            Tag::Untagged => Mark::Untagged,
        };
        if open != Some(mark) {
            if !text.open {
                w.op(b"BT\n");
                text.open = true;
            }
            if open.is_some() {
                w.op(b"EMC\n");
            }
            match mark {
                Mark::Content(owner) => {
                    let name = match owner {
                        Owner::Node(node) => structure.node(node).role.name(),
                        Owner::Link(_) => "Link",
                        Owner::Figure(_) => "Figure",
                    };
                    w.out.push(b'/');
                    w.op(name.as_bytes());
                    w.out.push(b' ');
                    w.mcid(marked.len());
                    marked.push(Marked { owner, element: i });
                }
                Mark::Pagination => w.op(b"/Artifact <</Type /Pagination>> BDC\n"),
                Mark::Untagged => w.op(b"/Artifact BMC\n"),
            }
            open = Some(mark);
        }
        w.text_run(&mut text, run, 0.0, fonts);
    }
    if open.is_some() {
        w.op(b"EMC\n");
    }
    text.end(&mut w);
    PageContent {
        bytes: w.out,
        marked,
        link_texts,
        objects: objects.iter().map(|&i| page.elements[i].clone()).collect(),
    }
}

/// The marked-content sequence a text run goes into.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Content(Owner),
    Pagination,
    /// Content layout gave no place (see [`Tag::Untagged`]): kept out of the
    /// structure as an artifact rather than left unmarked.
    Untagged,
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

    /// `<</MCID n>> BDC`, after the tag name.
    fn mcid(&mut self, n: usize) {
        self.op(b"<</MCID ");
        syntax::int(&mut self.out, n as i64);
        self.op(b">> BDC\n");
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
        self.glyphs(run, font);
    }

    /// The glyphs as `Tj`, or as `TJ` with extra space as offsets. A space wide
    /// enough to read as a word gap (和欧間) is carried in the advance of the
    /// glyph before it instead, a widened copy of that glyph (see `widen`), so
    /// that text extraction finds no gap there; smaller ones (and the squeezes,
    /// negative) stay offsets, which are subtracted from the pen position.
    fn glyphs(&mut self, run: &TextRun, font: &FontRef) {
        let widened = &font.widened.widened;
        let carried = |i: usize| {
            let space = super::fonts::space_after(run, i);
            (space > 0 && !widened.is_empty())
                .then(|| font.widened.widened_gid(run.glyphs[i].gid, space))
                .flatten()
        };
        let offset = |i: usize| {
            let g = &run.glyphs[i];
            (i > 0 && g.space_before != 0 && carried(i - 1).is_none()).then_some(g.space_before)
        };
        let spaced = (1..run.glyphs.len()).any(|i| offset(i).is_some());
        if spaced {
            self.out.push(b'[');
        }
        self.out.push(b'(');
        for (i, g) in run.glyphs.iter().enumerate() {
            if let Some(space) = offset(i) {
                self.out.push(b')');
                syntax::int(&mut self.out, -i64::from(space));
                self.out.push(b'(');
            }
            let gid =
                carried(i).unwrap_or_else(|| font.gids.get(g.gid as usize).copied().unwrap_or(0));
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
            tag: crate::layout::Tag::Untagged,
            gap_after: 0,
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

    /// The page's content with an identity glyph mapping (and widened copies
    /// numbered as a subset of these glyphs would number them).
    fn content(elements: Vec<Element>, structure: &Structure) -> PageContent {
        let gids: Vec<u16> = (0..=300).collect();
        let page = page(elements);
        let used = super::super::fonts::GlyphUse::collect(
            std::slice::from_ref(&page),
            &crate::text::font::FontSet::bundled(),
        );
        let regular = used.iter().find(|u| u.style == FontStyle::Regular);
        let none =
            super::super::fonts::GlyphUse::collect(&[], &crate::text::font::FontSet::bundled());
        let fonts = [FontRef {
            style: FontStyle::Regular,
            resource: "FR",
            gids: &gids,
            widened: regular.unwrap_or_else(|| &none[0]),
        }];
        page_content(&page, &fonts, &[], structure)
    }

    fn render(elements: Vec<Element>) -> String {
        String::from_utf8_lossy(&content(elements, &Structure::new()).bytes).into_owned()
    }

    #[test]
    fn text_is_placed_with_flipped_y_and_spaced_with_offsets() {
        let s = render(vec![Element::Text(run(
            &[0x41, 0x42, 0x43],
            vec![0, 30, 0],
        ))]);
        assert_eq!(
            s,
            "BT\n/Artifact BMC\n/FR 9 Tf\n0 0 0 rg 1 0 0 1 10 79.5 Tm\n[(\0A)-30(\0B\0C)]TJ\nEMC\nET\n"
        );
    }

    #[test]
    fn a_word_gap_is_carried_by_a_widened_copy_of_the_glyph_before_it() {
        // 和欧間 of a quarter em before B, and after the run's last glyph C (up
        // to the next run); the squeeze before C stays an offset.
        let mut r = run(&[0x41, 0x42, 0x43], vec![0, 250, -60]);
        r.gap_after = 250;
        let s = render(vec![Element::Text(r)]);
        // Three glyphs used: .notdef, A, B, C are 0–3, the copies 4 (A+250) and
        // 5 (C+250).
        assert!(s.contains("[(\0\x04\0B)60(\0\x05)]TJ"), "{s:?}");
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
            "/Artifact BMC\n0.9 0.9 0.9 rg 1 94 3 4 re f\nEMC\n\
             /Artifact BMC\n0.5 0.5 0.5 RG 0.5 w 0 90 m 100 90 l S\n\
             0 80 m 100 80 l S\nEMC\n\
             BT\n/Artifact BMC\n/FR 9 Tf\n0 0 0 rg 1 0 0 1 10 79.5 Tm\n(\0\x01)Tj\n\
             1 0 0 1 10 79.5 Tm\n(\0\x02)Tj\nEMC\nET\n"
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
            s.starts_with(
                "/Artifact <</Type /Pagination /Subtype /Watermark>> BDC\n\
                 BT\n/FR 9 Tf\n0 0 0 rg 0 1 -1 0 10 79.5 Tm\n(\0\x02)Tj\nET\nEMC\n"
            ),
            "{s:?}"
        );
    }

    #[test]
    fn content_is_marked_for_its_element_and_link_text_for_its_link() {
        use crate::layout::{Role, Scope};
        let mut structure = Structure::new();
        let th = structure.leaf(
            Structure::ROOT,
            Role::TH {
                scope: Scope::Row,
                row_span: 1,
            },
        );
        let td = structure.leaf(Structure::ROOT, Role::TD);
        let tagged = |gid: u16, tag: Tag| {
            let mut r = run(&[gid], vec![0]);
            r.tag = tag;
            Element::Text(r)
        };
        let link = Element::Link {
            rect: Rect {
                x: Pt(9.0),
                y: Pt(10.0),
                width: Pt(20.0),
                height: Pt(12.0),
            },
            uri: "https://example.jp/".into(),
            tag: td,
        };
        let elements = vec![
            tagged(1, th),
            tagged(2, th),
            tagged(3, td),
            link,
            tagged(4, Tag::Artifact(Artifact::Pagination)),
        ];
        let c = content(elements, &structure);
        let s = String::from_utf8_lossy(&c.bytes);
        // Two runs of the TH share MCID 0; the TD's run lies inside the link area.
        assert!(s.starts_with("BT\n/TH <</MCID 0>> BDC\n"), "{s}");
        assert!(
            s.contains("(\0\x02)Tj\nEMC\n/Link <</MCID 1>> BDC\n"),
            "{s}"
        );
        assert!(
            s.contains("EMC\n/Artifact <</Type /Pagination>> BDC\n"),
            "{s}"
        );
        assert!(s.ends_with("(\0\x04)Tj\nEMC\nET\n"), "{s}");
        let Tag::Node(th) = th else { unreachable!() };
        assert_eq!(
            c.marked,
            [
                Marked {
                    owner: Owner::Node(th),
                    element: 0
                },
                Marked {
                    owner: Owner::Link(0),
                    element: 2
                }
            ]
        );
        assert_eq!(c.link_texts, [(0, "a".to_string())]);
    }
}

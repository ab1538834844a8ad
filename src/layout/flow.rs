//! Pages being filled from top to bottom: the cursor the document, the table and
//! the revision history all advance.

use super::block::BlockLine;
use super::style::Style;
use super::{Element, Page, Structure, Tag};
use crate::units::Pt;

/// Pages being filled from top to bottom.
pub struct Flow<'a> {
    pub style: &'a Style,
    pub pages: Vec<Page>,
    /// Where the next thing goes on the last page.
    pub y: Pt,
    /// The structure tree of what has been placed.
    pub structure: Structure,
}

impl<'a> Flow<'a> {
    /// A flow of one empty page, the cursor at its top margin.
    pub fn new(style: &'a Style) -> Flow<'a> {
        let mut flow = Flow {
            style,
            pages: Vec::new(),
            y: Pt::ZERO,
            structure: Structure::new(),
        };
        flow.new_page();
        flow
    }

    /// Starts a new page; the cursor goes to its top margin.
    pub fn new_page(&mut self) {
        self.pages.push(Page {
            width: self.style.page_width,
            height: self.style.page_height,
            elements: Vec::new(),
        });
        self.y = self.style.margin_top;
    }

    /// The elements of the current page.
    pub fn elements(&mut self) -> &mut Vec<Element> {
        // `new` pushes the first page and pages are never removed.
        &mut self
            .pages
            .last_mut()
            .expect("a flow always has a page")
            .elements
    }

    /// The lowest y body content may reach.
    pub fn bottom(&self) -> Pt {
        self.style.body_bottom()
    }

    /// Places lines one after another, moving to a new page where they run out of
    /// room, their content tagged `tag`.
    pub fn flow_lines(&mut self, lines: &[BlockLine], x: Pt, tag: Tag) {
        self.flow_tagged(lines, x, &vec![tag; lines.len()]);
    }

    /// Places a text block under structure element `parent`, its paragraphs
    /// and lists as elements of their own (see [`Structure::paragraphs`]).
    pub fn flow_block(&mut self, lines: &[BlockLine], x: Pt, parent: super::NodeId) {
        let kinds = super::block::paragraph_kinds(lines);
        let tags = self.structure.paragraphs(parent, &kinds, false);
        self.flow_tagged(lines, x, &tags);
    }

    /// [`flow_lines`](Self::flow_lines) with line `i` tagged `tags[i]`.
    fn flow_tagged(&mut self, lines: &[BlockLine], x: Pt, tags: &[Tag]) {
        for ((i, line), &tag) in lines.iter().enumerate().zip(tags) {
            let gap = if i > 0 { line.gap_before } else { Pt::ZERO };
            if self.y + gap + line.height > self.bottom() {
                self.new_page();
            } else {
                self.y += gap;
            }
            let y = self.y;
            line.place(x, y, tag, self.elements());
            self.y += line.height;
        }
    }
}

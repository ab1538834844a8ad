//! The structure tree of the tagged PDF (ISO 32000-1 14.7–14.8, PDF/UA-1): the
//! layout's [`Structure`] as structure elements, with the marked content the
//! page streams hold (`content`) as their kids, the link annotations as
//! `Link` elements (`OBJR`) and the pictures as `Figure` elements with their
//! alternate text; the parent tree that maps each page's MCIDs and each
//! annotation back to its element; `/MarkInfo`, `/StructParents` and `/Tabs`.
//!
//! A kid's place among its siblings is its first element's place on its page,
//! so a row split over two pages is one `TD` whose content comes from both (a
//! marked-content reference names the other page with `/Pg`).

use lopdf::{Dictionary, Document, Object, ObjectId};
use rayon::prelude::*;

use super::content::{Marked, Owner};
use super::syntax::{Serialised, text_string};
use super::{coords, syntax};
use crate::layout::{Element, Page, Role, Scope, Structure, Tag};

/// A kid of a structure element, with where it is for ordering.
#[derive(Clone, Copy)]
struct Kid {
    page: usize,
    element: usize,
    kind: KidKind,
}

#[derive(Clone, Copy)]
enum KidKind {
    /// Marked content `mcid` of `page`.
    Mcid(u32),
    /// An element the writer makes (a Figure or a Link).
    Element(ObjectId),
}

/// What one page's marked content gives: the kids of layout nodes (by node),
/// the kids of made elements (by index into [`Builder::made`]), and the page's
/// entry of the parent tree, serialised.
type Walked = (Vec<(u32, Kid)>, Vec<(usize, Kid)>, Vec<u8>);

/// An element made here rather than by layout.
struct Made {
    id: ObjectId,
    parent: ObjectId,
    role: &'static str,
    kids: Vec<Kid>,
    /// `/Alt` and attributes.
    extra: Dictionary,
    /// A Link's annotation and its page.
    objr: Option<(ObjectId, ObjectId)>,
}

/// The tree being built.
struct Builder<'a> {
    ids: Vec<ObjectId>,
    /// The kids found on the pages, each with the layout node it belongs to, in
    /// the order found (one list: a per-node list cost an allocation for each of
    /// tens of thousands of cells).
    owned: Vec<(u32, Kid)>,
    made: Vec<Made>,
    pages: &'a [Page],
}

impl Builder<'_> {
    /// The element a tag's content goes under: its node's, or the Document
    /// element for a link or picture outside the content (in a repeated header),
    /// so that every annotation has its element.
    fn parent(&self, tag: Tag) -> (u32, ObjectId) {
        match tag {
            Tag::Node(n) => (n.0, self.ids[n.0 as usize]),
            _ => (0, self.ids[0]),
        }
    }

    /// The Figure or Link element for element `object` of page `p` (pages here
    /// hold only their links and pictures), made on first use (`here` remembers
    /// those of this page); `at` is its place on the full page, for reading order.
    fn made_for(
        &mut self,
        doc: &mut Document,
        here: &mut Vec<(usize, usize)>,
        (p, object, at): (usize, usize, usize),
    ) -> usize {
        if let Some(&(_, m)) = here.iter().find(|(e, _)| *e == object) {
            return m;
        }
        let page = &self.pages[p];
        let (role, tag, extra) = match &page.elements[object] {
            Element::Picture { rect, alt, tag, .. } => {
                let [x, y, w, h] = coords::pdf_rect(page.height, rect);
                let mut layout = Dictionary::new();
                layout.set("O", Object::Name(b"Layout".to_vec()));
                layout.set("Placement", Object::Name(b"Block".to_vec()));
                layout.set(
                    "BBox",
                    Object::Array([x, y, x + w, y + h].map(Object::Real).to_vec()),
                );
                let mut extra = Dictionary::new();
                extra.set("Alt", text_string(alt));
                extra.set("A", layout);
                ("Figure", *tag, extra)
            }
            Element::Link { tag, .. } => ("Link", *tag, Dictionary::new()),
            _ => ("Span", Tag::Untagged, Dictionary::new()),
        };
        let id = doc.new_object_id();
        let (n, parent) = self.parent(tag);
        self.owned.push((
            n,
            Kid {
                page: p,
                element: at,
                kind: KidKind::Element(id),
            },
        ));
        self.made.push(Made {
            id,
            parent,
            role,
            kids: Vec::new(),
            extra,
            objr: None,
        });
        here.push((object, self.made.len() - 1));
        self.made.len() - 1
    }
}

/// Writes the structure tree into `doc`, whose pages are `pages` (their link and
/// picture elements kept) with marked content `marked` (by page, by MCID) and
/// the texts of their link areas `link_texts`; makes the pages' link annotations.
///
/// Returns the layout's elements, the link annotations and the parent tree as
/// objects already serialised, for `file::write` to pack beside the document's:
/// a long document has tens of thousands of them (as lopdf dictionaries they cost
/// a third of the build's time at 4,000 items).
pub fn write(
    doc: &mut Document,
    structure: &Structure,
    pages: &[Page],
    marked: &[Vec<Marked>],
    link_texts: &[Vec<(usize, String)>],
) -> Vec<Serialised> {
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let root_id = doc.new_object_id();
    let mut b = Builder {
        ids: structure
            .nodes
            .iter()
            .map(|_| doc.new_object_id())
            .collect(),
        owned: Vec::with_capacity(marked.iter().map(Vec::len).sum()),
        made: Vec::new(),
        pages,
    };
    let mut raw: Vec<Serialised> = Vec::new();
    // The parent tree (one number tree leaf): pages are keys 0..n, annotations
    // n.. (a number tree's keys go in ascending order), written as it is found.
    let mut nums = Vec::with_capacity(b.owned.capacity() * 9 + pages.len() * 8);
    let mut annot_nums: Vec<(i64, ObjectId)> = Vec::new();
    let mut next_key = pages.len() as i64;

    // First what this writer makes, page by page (object numbers are handed out
    // in that order): the Figure and Link elements, few even in a long document,
    // and the link annotations. `mark_made[p]`: the element made for each of
    // page `p`'s marked contents that is a picture or in a link, in MCID order.
    let mut mark_made: Vec<Vec<usize>> = Vec::with_capacity(pages.len());
    for (p, page) in pages.iter().enumerate() {
        let mut here: Vec<(usize, usize)> = Vec::new();
        let made: Vec<usize> = marked[p]
            .iter()
            .filter_map(|m| match m.owner {
                Owner::Node(_) => None,
                Owner::Figure(e) | Owner::Link(e) => {
                    Some(b.made_for(doc, &mut here, (p, e, m.element)))
                }
            })
            .collect();
        mark_made.push(made);

        // Each link area, in the page's order, gets an annotation of its own
        // that its Link element refers to (`OBJR`).
        let mut annots = Vec::new();
        for (element, e) in page.elements.iter().enumerate() {
            let Element::Link { rect, uri, .. } = e else {
                continue;
            };
            // A link whose text was not found (none should be) goes last.
            let k = b.made_for(doc, &mut here, (p, element, usize::MAX));
            let contents = link_texts[p]
                .iter()
                .find(|(e, _)| *e == element)
                .map_or(uri.as_str(), |(_, t)| t.as_str());
            let id = doc.new_object_id();
            raw.push((
                id,
                link_annotation(coords::pdf_rect(page.height, rect), uri, contents, next_key),
            ));
            b.made[k].objr = Some((id, page_ids[p]));
            annot_nums.push((next_key, b.made[k].id));
            next_key += 1;
            annots.push(Object::Reference(id));
        }
        if let Ok(page_dict) = doc
            .get_object_mut(page_ids[p])
            .and_then(Object::as_dict_mut)
        {
            if !annots.is_empty() {
                page_dict.set("Annots", Object::Array(annots));
            }
            page_dict.set("StructParents", p as i64);
            page_dict.set("Tabs", Object::Name(b"S".to_vec()));
        }
    }

    // Then every marked content, on all cores (a hundred thousand in a long
    // document): its element's kid, and its entry in the page's array of the
    // parent tree.
    let made_ids: Vec<ObjectId> = b.made.iter().map(|m| m.id).collect();
    let ids = &b.ids;
    let walked: Vec<Walked> = marked
        .par_iter()
        .zip(&mark_made)
        .enumerate()
        .map(|(p, (marks, made))| {
            let mut owned = Vec::with_capacity(marks.len());
            let mut made_kids = Vec::with_capacity(made.len());
            let mut made = made.iter();
            let mut nums = Vec::with_capacity(marks.len() * 9 + 8);
            if p > 0 {
                nums.push(b' ');
            }
            syntax::uint(&mut nums, p as u64);
            nums.push(b'[');
            for (mcid, m) in marks.iter().enumerate() {
                let kid = Kid {
                    page: p,
                    element: m.element,
                    kind: KidKind::Mcid(mcid as u32),
                };
                let parent = match m.owner {
                    Owner::Node(n) => {
                        owned.push((n.0, kid));
                        ids[n.0 as usize]
                    }
                    // `mark_made` has an element for each of these, in order.
                    Owner::Figure(_) | Owner::Link(_) => {
                        let Some(&k) = made.next() else { continue };
                        made_kids.push((k, kid));
                        made_ids[k]
                    }
                };
                if mcid > 0 {
                    nums.push(b' ');
                }
                reference(&mut nums, parent);
            }
            nums.push(b']');
            (owned, made_kids, nums)
        })
        .collect();
    for (owned, made_kids, page_nums) in walked {
        b.owned.extend(owned);
        for (k, kid) in made_kids {
            b.made[k].kids.push(kid);
        }
        nums.extend_from_slice(&page_nums);
    }

    // Each node's kids in reading order (a stable sort keeps the order found
    // among kids at one place).
    let mut owned = std::mem::take(&mut b.owned);
    owned.par_sort_by_key(|(n, k)| (*n, k.page, k.element));
    let kids = Groups::of(structure.nodes.len(), owned);
    let children = Groups::of(
        structure.nodes.len(),
        structure
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| Some((n.parent?.0, i as u32)))
            .collect(),
    );
    let elements: Vec<Serialised> = structure
        .nodes
        .par_iter()
        .enumerate()
        .map(|(n, node)| {
            let parent = node.parent.map_or(root_id, |p| ids[p.0 as usize]);
            let mut out = Vec::with_capacity(96);
            // `/Type /StructElem` is optional (ISO 32000-1, table 323): left out
            // of the many cell elements to keep the file small.
            out.extend_from_slice(b"<</S/");
            out.extend_from_slice(node.role.name().as_bytes());
            out.extend_from_slice(b"/P ");
            reference(&mut out, parent);
            if let Role::TH { scope, row_span } = node.role {
                out.extend_from_slice(match scope {
                    Scope::Column => b"/A<</O/Table/Scope/Column",
                    Scope::Row => b"/A<</O/Table/Scope/Row",
                });
                if row_span > 1 {
                    out.extend_from_slice(b"/RowSpan ");
                    syntax::uint(&mut out, u64::from(row_span));
                }
                out.extend_from_slice(b">>");
            }
            let children = children.get(n).iter().map(|&c| ids[c as usize]);
            pg_and_kids(&mut out, children, kids.get(n), None, &page_ids);
            out.extend_from_slice(b">>");
            (ids[n], out)
        })
        .collect();

    let made: Vec<Serialised> = b
        .made
        .into_par_iter()
        .map(|mut m| {
            let mut out = Vec::with_capacity(128);
            out.extend_from_slice(b"<</Type/StructElem/S/");
            out.extend_from_slice(m.role.as_bytes());
            out.extend_from_slice(b"/P ");
            reference(&mut out, m.parent);
            syntax::entries(&mut out, &m.extra);
            m.kids.sort_by_key(|k| (k.page, k.element));
            pg_and_kids(&mut out, std::iter::empty(), &m.kids, m.objr, &page_ids);
            out.extend_from_slice(b">>");
            (m.id, out)
        })
        .collect();
    raw.extend(elements);
    raw.extend(made);

    for (key, element) in annot_nums {
        nums.push(b' ');
        syntax::uint(&mut nums, key as u64);
        nums.push(b' ');
        reference(&mut nums, element);
    }
    let parent_tree = doc.new_object_id();
    let mut tree = Vec::with_capacity(nums.len() + 10);
    tree.extend_from_slice(b"<</Nums[");
    tree.extend_from_slice(&nums);
    tree.extend_from_slice(b"]>>");
    raw.push((parent_tree, tree));
    let mut root = Dictionary::new();
    root.set("Type", Object::Name(b"StructTreeRoot".to_vec()));
    root.set("K", Object::Array(vec![Object::Reference(b.ids[0])]));
    root.set("ParentTree", parent_tree);
    root.set("ParentTreeNextKey", next_key);
    doc.objects.insert(root_id, Object::Dictionary(root));
    if let Ok(catalog) = doc.catalog_mut() {
        let mut mark_info = Dictionary::new();
        mark_info.set("Marked", true);
        catalog.set("MarkInfo", mark_info);
        catalog.set("StructTreeRoot", root_id);
    }
    raw
}

/// Items grouped by a number (as compressed rows): group `g`'s items are
/// `items[start[g]..start[g + 1]]`, in the order given.
struct Groups<T> {
    start: Vec<usize>,
    items: Vec<T>,
}

impl<T> Groups<T> {
    /// `pairs` (group, item) in `groups` groups, each group's items in the order
    /// given.
    fn of(groups: usize, mut pairs: Vec<(u32, T)>) -> Groups<T> {
        // Stable, and quick on pairs that are sorted already or nearly so.
        pairs.sort_by_key(|(g, _)| *g);
        let mut start = vec![0; groups + 1];
        for (g, _) in &pairs {
            start[*g as usize + 1] += 1;
        }
        for g in 0..groups {
            start[g + 1] += start[g];
        }
        Groups {
            start,
            items: pairs.into_iter().map(|(_, item)| item).collect(),
        }
    }

    fn get(&self, g: usize) -> &[T] {
        &self.items[self.start[g]..self.start[g + 1]]
    }
}

/// A link annotation (ISO 32000-1 12.5.6.5) over `rect` (`[x, y, width, height]`
/// in PDF coordinates) to `uri`, with `contents` (the link's text) for assistive
/// technology, printable (`/F 4`, which PDF/A requires), without a border (the
/// link text is coloured instead), the `key`th entry of the parent tree.
fn link_annotation([x, y, w, h]: [f32; 4], uri: &str, contents: &str, key: i64) -> Vec<u8> {
    let mut out = Vec::with_capacity(160 + uri.len() + 4 * contents.len());
    out.extend_from_slice(b"<</Type/Annot/Subtype/Link/Rect[");
    for (i, v) in [x, y, x + w, y + h].into_iter().enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        syntax::real(&mut out, v);
    }
    out.extend_from_slice(b"]/A<</S/URI/URI");
    syntax::literal_string(&mut out, uri.as_bytes());
    out.extend_from_slice(b">>/Border[0 0 0]/C[]/H/I/F 4/Contents");
    syntax::object(&mut out, &text_string(contents));
    out.extend_from_slice(b"/StructParent ");
    syntax::int(&mut out, key);
    out.extend_from_slice(b">>");
    out
}

/// `N G R`.
fn reference(out: &mut Vec<u8>, id: ObjectId) {
    syntax::uint(out, u64::from(id.0));
    out.push(b' ');
    syntax::uint(out, u64::from(id.1));
    out.extend_from_slice(b" R");
}

/// A structure element's `/Pg` and `/K`: its `children` (elements), then its
/// `kids` in reading order (sorted by page and place) and the annotation of a
/// Link (`objr`: the annotation and its page). `/Pg` is the page of the first
/// marked-content kid; an MCID there is a number, on another page a
/// marked-content reference (ISO 32000-1 14.7.4).
fn pg_and_kids(
    out: &mut Vec<u8>,
    children: impl Iterator<Item = ObjectId>,
    kids: &[Kid],
    objr: Option<(ObjectId, ObjectId)>,
    page_ids: &[ObjectId],
) {
    let home = kids
        .iter()
        .find(|k| matches!(k.kind, KidKind::Mcid(_)))
        .map(|k| k.page);
    if let Some(home) = home {
        out.extend_from_slice(b"/Pg ");
        reference(out, page_ids[home]);
    }
    out.extend_from_slice(b"/K[");
    // A number or reference after another item needs a space; `<<` does not.
    let regular = |out: &mut Vec<u8>| {
        if out.last() != Some(&b'[') {
            out.push(b' ');
        }
    };
    for child in children {
        regular(out);
        reference(out, child);
    }
    for k in kids {
        match k.kind {
            KidKind::Element(id) => {
                regular(out);
                reference(out, id);
            }
            KidKind::Mcid(mcid) if Some(k.page) == home => {
                regular(out);
                syntax::uint(out, u64::from(mcid));
            }
            KidKind::Mcid(mcid) => {
                out.extend_from_slice(b"<</Type/MCR/Pg ");
                reference(out, page_ids[k.page]);
                out.extend_from_slice(b"/MCID ");
                syntax::uint(out, u64::from(mcid));
                out.extend_from_slice(b">>");
            }
        }
    }
    if let Some((annot, page)) = objr {
        out.extend_from_slice(b"<</Type/OBJR/Obj ");
        reference(out, annot);
        out.extend_from_slice(b"/Pg ");
        reference(out, page);
        out.extend_from_slice(b">>");
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_annotations_are_printable_borderless_and_keyed() {
        let annot = link_annotation(
            [100.0, 536.276, 200.0, 9.0],
            "https://example.com/a",
            "例 a",
            7,
        );
        let text = String::from_utf8(annot).unwrap();
        assert_eq!(
            text,
            "<</Type/Annot/Subtype/Link/Rect[100 536.276 300 545.276]\
             /A<</S/URI/URI(https://example.com/a)>>/Border[0 0 0]/C[]/H/I/F 4\
             /Contents<FEFF4F8B00200061>/StructParent 7>>"
        );
    }

    #[test]
    fn groups_keep_the_given_order_and_allow_empty_groups() {
        let g = Groups::of(4, vec![(3, 'd'), (0, 'a'), (2, 'c'), (0, 'b'), (3, 'e')]);
        assert_eq!(g.get(0), ['a', 'b']);
        assert!(g.get(1).is_empty());
        assert_eq!(g.get(2), ['c']);
        assert_eq!(g.get(3), ['d', 'e']);
    }
}

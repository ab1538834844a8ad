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
use super::syntax::text_string;
use super::{coords, syntax};
use crate::layout::{Element, Page, Role, Scope, Structure, Tag};

/// A kid of a structure element, with where it is for ordering.
struct Kid {
    page: usize,
    element: usize,
    kind: KidKind,
}

enum KidKind {
    /// Marked content `mcid` of `page`.
    Mcid(u32),
    /// An element the writer makes (a Figure or a Link).
    Element(ObjectId),
}

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
    /// Each layout node's kids found on the pages.
    kids: Vec<Vec<Kid>>,
    made: Vec<Made>,
    pages: &'a [Page],
}

impl Builder<'_> {
    /// The element a tag's content goes under: its node's, or the Document
    /// element for a link or picture outside the content (in a repeated header),
    /// so that every annotation has its element.
    fn parent(&self, tag: Tag) -> (usize, ObjectId) {
        match tag {
            Tag::Node(n) => (n.0 as usize, self.ids[n.0 as usize]),
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
        self.kids[n].push(Kid {
            page: p,
            element: at,
            kind: KidKind::Element(id),
        });
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
/// the texts of their link areas `link_texts`.
///
/// Returns the layout's elements as objects already serialised, for
/// `file::write` to pack beside the document's.
pub fn write(
    doc: &mut Document,
    structure: &Structure,
    pages: &[Page],
    marked: &[Vec<Marked>],
    link_texts: &[Vec<(usize, String)>],
) -> Vec<(ObjectId, Vec<u8>)> {
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let root_id = doc.new_object_id();
    let mut b = Builder {
        ids: structure
            .nodes
            .iter()
            .map(|_| doc.new_object_id())
            .collect(),
        kids: structure.nodes.iter().map(|_| Vec::new()).collect(),
        made: Vec::new(),
        pages,
    };
    // The parent tree: pages are keys 0..n, annotations n.. (a number tree's
    // keys go in ascending order).
    let mut page_nums: Vec<Object> = Vec::with_capacity(pages.len() * 2);
    let mut annot_nums: Vec<Object> = Vec::new();
    let mut next_key = pages.len() as i64;

    for (p, page) in pages.iter().enumerate() {
        let mut here: Vec<(usize, usize)> = Vec::new();
        let mut by_mcid = Vec::with_capacity(marked[p].len());
        for (mcid, m) in marked[p].iter().enumerate() {
            let kid = Kid {
                page: p,
                element: m.element,
                kind: KidKind::Mcid(mcid as u32),
            };
            match m.owner {
                Owner::Node(n) => {
                    b.kids[n.0 as usize].push(kid);
                    by_mcid.push(Object::Reference(b.ids[n.0 as usize]));
                }
                Owner::Figure(e) | Owner::Link(e) => {
                    let k = b.made_for(doc, &mut here, (p, e, m.element));
                    b.made[k].kids.push(kid);
                    by_mcid.push(Object::Reference(b.made[k].id));
                }
            }
        }
        page_nums.push(Object::Integer(p as i64));
        page_nums.push(Object::Array(by_mcid));

        // Each link annotation, in the page's order (the order the shell wrote
        // them), becomes an object of its own that its Link element refers to.
        let link_elements = page
            .elements
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e, Element::Link { .. }))
            .map(|(i, _)| i);
        let annots: Vec<Object> = doc
            .get_object_mut(page_ids[p])
            .and_then(Object::as_dict_mut)
            .and_then(|d| d.get_mut(b"Annots"))
            .and_then(Object::as_array_mut)
            .map(std::mem::take)
            .unwrap_or_default();
        let mut refs = Vec::with_capacity(annots.len());
        for (annot, element) in annots.into_iter().zip(link_elements) {
            let Object::Dictionary(mut annot) = annot else {
                refs.push(annot);
                continue;
            };
            // A link whose text was not found (none should be) goes last.
            let k = b.made_for(doc, &mut here, (p, element, usize::MAX));
            let contents = link_texts[p]
                .iter()
                .find(|(e, _)| *e == element)
                .map(|(_, t)| t.clone())
                .or_else(|| match &page.elements[element] {
                    Element::Link { uri, .. } => Some(uri.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            annot.set("Contents", text_string(&contents));
            annot.set("StructParent", next_key);
            let annot_id = doc.add_object(annot);
            b.made[k].objr = Some((annot_id, page_ids[p]));
            annot_nums.push(Object::Integer(next_key));
            annot_nums.push(Object::Reference(b.made[k].id));
            next_key += 1;
            refs.push(Object::Reference(annot_id));
        }
        if let Ok(page_dict) = doc
            .get_object_mut(page_ids[p])
            .and_then(Object::as_dict_mut)
        {
            if !refs.is_empty() {
                page_dict.set("Annots", Object::Array(refs));
            }
            page_dict.set("StructParents", p as i64);
            page_dict.set("Tabs", Object::Name(b"S".to_vec()));
        }
    }

    // One element per table cell: tens of thousands in a long document. They
    // are written straight as bytes, on all cores (as lopdf dictionaries they
    // cost a third of the build's time at 4,000 items).
    let children = structure.children();
    let kids = std::mem::take(&mut b.kids);
    let ids = &b.ids;
    let raw: Vec<(ObjectId, Vec<u8>)> = structure
        .nodes
        .par_iter()
        .zip(kids)
        .enumerate()
        .map(|(n, (node, own))| {
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
            let mut k: Vec<Object> = children[n]
                .iter()
                .map(|c| Object::Reference(ids[c.0 as usize]))
                .collect();
            let mut pg = Dictionary::new();
            k.extend(kid_objects(&mut pg, own, &page_ids));
            if let Ok(page) = pg.get(b"Pg").and_then(Object::as_reference) {
                out.extend_from_slice(b"/Pg ");
                reference(&mut out, page);
            }
            out.extend_from_slice(b"/K");
            syntax::object(&mut out, &Object::Array(k));
            out.extend_from_slice(b">>");
            (ids[n], out)
        })
        .collect();

    let made: Vec<(ObjectId, Vec<u8>)> = b
        .made
        .into_par_iter()
        .map(|m| {
            let mut dict = element(m.role, m.parent);
            for (key, value) in m.extra {
                dict.set(key, value);
            }
            let mut k = kid_objects(&mut dict, m.kids, &page_ids);
            if let Some((annot, page)) = m.objr {
                let mut objr = Dictionary::new();
                objr.set("Type", Object::Name(b"OBJR".to_vec()));
                objr.set("Obj", annot);
                objr.set("Pg", page);
                k.push(Object::Dictionary(objr));
            }
            dict.set("K", Object::Array(k));
            let mut out = Vec::with_capacity(128);
            syntax::dictionary(&mut out, &dict);
            (m.id, out)
        })
        .collect();
    let mut raw = raw;
    raw.extend(made);

    page_nums.extend(annot_nums);
    let mut parent_tree = Dictionary::new();
    parent_tree.set("Nums", Object::Array(page_nums));
    let parent_tree = doc.add_object(parent_tree);
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

/// `N G R`.
fn reference(out: &mut Vec<u8>, id: ObjectId) {
    syntax::uint(out, u64::from(id.0));
    out.push(b' ');
    syntax::uint(out, u64::from(id.1));
    out.extend_from_slice(b" R");
}

/// A structure element's dictionary without its kids.
fn element(role: &str, parent: ObjectId) -> Dictionary {
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"StructElem".to_vec()));
    dict.set("S", Object::Name(role.as_bytes().to_vec()));
    dict.set("P", parent);
    dict
}

/// `kids` in reading order as `/K` entries: an MCID on the element's page
/// (`/Pg`, set here to its first kid's page) as a number, on another page as a
/// marked-content reference.
fn kid_objects(dict: &mut Dictionary, mut kids: Vec<Kid>, page_ids: &[ObjectId]) -> Vec<Object> {
    kids.sort_by_key(|k| (k.page, k.element));
    let home = kids
        .iter()
        .find(|k| matches!(k.kind, KidKind::Mcid(_)))
        .map(|k| k.page);
    if let Some(home) = home {
        dict.set("Pg", page_ids[home]);
    }
    kids.into_iter()
        .map(|k| match k.kind {
            KidKind::Element(id) => Object::Reference(id),
            KidKind::Mcid(mcid) if Some(k.page) == home => Object::Integer(i64::from(mcid)),
            KidKind::Mcid(mcid) => {
                let mut mcr = Dictionary::new();
                mcr.set("Type", Object::Name(b"MCR".to_vec()));
                mcr.set("Pg", page_ids[k.page]);
                mcr.set("MCID", i64::from(mcid));
                Object::Dictionary(mcr)
            }
        })
        .collect()
}

//! The document's logical structure, for the tagged PDF: what a screen reader
//! walks instead of the drawing order (Document → H1, P, Table → THead/TBody →
//! TR → TH/TD), and which pieces of a page are not content at all (a header
//! row repeated on a later page, a footer: artifacts).
//!
//! Layout builds the tree while it places things: each text run, picture and
//! link it puts on a page carries a [`Tag`] naming the element it belongs to.
//! A row split over pages is one element whose content comes from both; what
//! a page repeats for the reader's eye is tagged [`Artifact::Pagination`], so
//! the logical table holds each cell once. The PDF writer turns the tree and
//! the tags into the structure tree and marked content (`pdf::tags`).

/// An element of the structure tree, by index into [`Structure::nodes`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NodeId(pub u32);

/// What a piece of page content is to a reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tag {
    /// Not given a place (a bug: the tests assert that nothing is left so; the
    /// writer marks it as an artifact rather than leave it unmarked).
    #[default]
    Untagged,
    /// Not content: drawn for the page, not for the text.
    Artifact(Artifact),
    /// Content of this element.
    Node(NodeId),
}

/// Why something on the page is not content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Artifact {
    /// Repeated because the document runs over pages: a header row or a merged
    /// label repeated on a later page, the continued title, footers and page
    /// numbers (PDF `/Type /Pagination`).
    Pagination,
}

/// The scope of a header cell (PDF table attribute `/Scope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Column,
    Row,
}

/// The kind of a structure element (its PDF structure type).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Document,
    /// The document title.
    H1,
    /// A section heading (the revision history's).
    H2,
    /// A paragraph (a block of running text).
    P,
    Table,
    THead,
    TBody,
    TR,
    /// A header cell; `row_span` rows tall (1 for a single row).
    TH {
        scope: Scope,
        row_span: u32,
    },
    /// A data cell.
    TD,
    /// A list, its items, and an item's body (the marker stays in the body).
    L,
    LI,
    LBody,
}

impl Role {
    /// The PDF structure type name.
    pub fn name(&self) -> &'static str {
        match self {
            Role::Document => "Document",
            Role::H1 => "H1",
            Role::H2 => "H2",
            Role::P => "P",
            Role::Table => "Table",
            Role::THead => "THead",
            Role::TBody => "TBody",
            Role::TR => "TR",
            Role::TH { .. } => "TH",
            Role::TD => "TD",
            Role::L => "L",
            Role::LI => "LI",
            Role::LBody => "LBody",
        }
    }
}

/// One element of the tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    pub role: Role,
    /// `None` for the root (the Document element).
    pub parent: Option<NodeId>,
}

/// The structure tree: nodes in creation order, which is reading order among
/// siblings (a parent's children are the nodes naming it, in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Structure {
    pub nodes: Vec<Node>,
}

impl Default for Structure {
    fn default() -> Structure {
        Structure::new()
    }
}

impl Structure {
    /// The root: a Document element.
    pub const ROOT: NodeId = NodeId(0);

    /// A tree of the root alone.
    pub fn new() -> Structure {
        Structure {
            nodes: vec![Node {
                role: Role::Document,
                parent: None,
            }],
        }
    }

    /// Adds an element under `parent`, after its other children.
    pub fn add(&mut self, parent: NodeId, role: Role) -> NodeId {
        let id = NodeId(self.nodes.len() as u32);
        self.nodes.push(Node {
            role,
            parent: Some(parent),
        });
        id
    }

    /// A tag for content of a new element under `parent`.
    pub fn leaf(&mut self, parent: NodeId, role: Role) -> Tag {
        Tag::Node(self.add(parent, role))
    }

    /// Tags for the lines of a text block under `parent`, given each line's
    /// paragraph (source line) and whether it is a list entry: a `P` per
    /// paragraph, list entries as `L` → `LI` → `LBody`, consecutive entries in
    /// one list. A block of one plain paragraph is `parent`'s own content when
    /// `parent` may hold text (a table cell), else a `P`.
    pub fn paragraphs(
        &mut self,
        parent: NodeId,
        lines: &[(u32, bool)],
        holds_text: bool,
    ) -> Vec<Tag> {
        let single = lines.windows(2).all(|w| w[0].0 == w[1].0) && !lines.iter().any(|l| l.1);
        if single && holds_text {
            return vec![Tag::Node(parent); lines.len()];
        }
        let mut out = Vec::with_capacity(lines.len());
        let mut list: Option<NodeId> = None;
        let mut current: Option<(u32, Tag)> = None;
        for &(paragraph, is_list) in lines {
            let tag = match current {
                Some((p, tag)) if p == paragraph => tag,
                _ => {
                    let tag = if is_list {
                        let l = *list.get_or_insert_with(|| self.add(parent, Role::L));
                        let item = self.add(l, Role::LI);
                        self.leaf(item, Role::LBody)
                    } else {
                        list = None;
                        self.leaf(parent, Role::P)
                    };
                    current = Some((paragraph, tag));
                    tag
                }
            };
            out.push(tag);
        }
        out
    }

    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0 as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each node's children, in order (the PDF writer groups them itself).
    fn children(s: &Structure) -> Vec<Vec<NodeId>> {
        let mut out = vec![Vec::new(); s.nodes.len()];
        for (i, n) in s.nodes.iter().enumerate() {
            if let Some(p) = n.parent {
                out[p.0 as usize].push(NodeId(i as u32));
            }
        }
        out
    }

    #[test]
    fn children_come_in_the_order_they_were_added() {
        let mut s = Structure::new();
        let table = s.add(Structure::ROOT, Role::Table);
        let h1 = s.add(Structure::ROOT, Role::H1);
        let tr = s.add(table, Role::TR);
        let td = s.leaf(tr, Role::TD);
        let kids = children(&s);
        assert_eq!(kids[0], [table, h1]);
        assert_eq!(kids[table.0 as usize], [tr]);
        assert_eq!(td, Tag::Node(NodeId(4)));
        assert_eq!(s.node(tr).parent, Some(table));
        assert_eq!(
            Role::TH {
                scope: Scope::Row,
                row_span: 2
            }
            .name(),
            "TH"
        );
    }

    #[test]
    fn paragraphs_are_p_and_list_entries_one_list() {
        let mut s = Structure::new();
        let td = s.add(Structure::ROOT, Role::TD);
        // A paragraph of two lines, two list entries (the second of two lines),
        // a paragraph, a list entry.
        let lines = [
            (0, false),
            (0, false),
            (1, true),
            (2, true),
            (2, true),
            (3, false),
            (4, true),
        ];
        let tags = s.paragraphs(td, &lines, true);
        fn role(s: &Structure, t: Tag) -> Role {
            match t {
                Tag::Node(n) => s.node(n).role.clone(),
                _ => unreachable!(),
            }
        }
        assert_eq!(tags[0], tags[1]);
        assert_eq!(role(&s, tags[0]), Role::P);
        assert_eq!(role(&s, tags[2]), Role::LBody);
        assert_eq!(tags[3], tags[4]);
        let kids = children(&s);
        let td_kids: Vec<Role> = kids[td.0 as usize]
            .iter()
            .map(|&k| s.node(k).role.clone())
            .collect();
        assert_eq!(td_kids, [Role::P, Role::L, Role::P, Role::L]);
        let first_list = kids[td.0 as usize][1];
        assert_eq!(
            kids[first_list.0 as usize].len(),
            2,
            "two entries in the first list"
        );
        // One plain paragraph: the cell's own content, or a P of the document.
        assert_eq!(
            s.paragraphs(td, &[(0, false), (0, false)], true),
            [Tag::Node(td); 2]
        );
        let p = s.paragraphs(Structure::ROOT, &[(0, false)], false);
        assert_eq!(role(&s, p[0]), Role::P);
    }
}

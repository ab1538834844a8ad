//! The tagged PDF read back with lopdf: the structure tree walked from the
//! catalogue, every marked-content id of every page referenced from it exactly
//! once, nothing drawn outside marked content, and each table cell's text, as
//! the tree gives it, exactly the YAML's.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use crate::common::{MINIMAL, Marked, build_yaml, drawn_text, squash, track_marked};
use disclosure_pdf::model::markup::printed_text;
use disclosure_pdf::{BuildOptions, build_pdf};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};

/// A structure element as read back.
#[derive(Debug)]
pub(crate) struct Elem {
    pub(crate) role: String,
    /// The `/A` attribute dictionary (`/Scope`, `/RowSpan`, `/BBox`).
    attrs: Option<Dictionary>,
    alt: Option<String>,
    kids: Vec<Kid>,
}

#[derive(Debug)]
enum Kid {
    Elem(Elem),
    /// Page index and MCID.
    Content(usize, i64),
    /// An annotation object.
    Object(ObjectId),
}

pub(crate) struct Tagged {
    doc: Document,
    pages: Vec<ObjectId>,
    pub(crate) root: Elem,
}

fn dict<'a>(doc: &'a Document, o: &'a Object) -> &'a Dictionary {
    match o {
        Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
        Object::Dictionary(d) => d,
        other => panic!("not a dictionary: {other:?}"),
    }
}

/// A PDF text string: UTF-16BE after its byte order mark, else ASCII.
fn text(o: &Object) -> String {
    let bytes = o.as_str().unwrap();
    match bytes.strip_prefix(b"\xFE\xFF") {
        Some(utf16) => {
            let units: Vec<u16> = utf16
                .chunks(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).unwrap()
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

fn read_elem(doc: &Document, pages: &[ObjectId], d: &Dictionary) -> Elem {
    // `/Type /StructElem` is optional; when given it must be right.
    if let Ok(t) = d.get(b"Type") {
        assert_eq!(t.as_name().unwrap(), b"StructElem");
    }
    let role = String::from_utf8(d.get(b"S").unwrap().as_name().unwrap().to_vec()).unwrap();
    let page_of = |d: &Dictionary| {
        d.get(b"Pg").ok().map(|p| {
            let id = p.as_reference().unwrap();
            pages.iter().position(|&q| q == id).expect("/Pg is a page")
        })
    };
    let home = page_of(d);
    let kids = match d.get(b"K") {
        Ok(Object::Array(a)) => a.clone(),
        Ok(other) => vec![other.clone()],
        Err(_) => Vec::new(),
    };
    let kids = kids
        .iter()
        .map(|k| match k {
            Object::Integer(mcid) => Kid::Content(home.expect("an MCID kid needs /Pg"), *mcid),
            Object::Reference(id) => {
                Kid::Elem(read_elem(doc, pages, doc.get_dictionary(*id).unwrap()))
            }
            Object::Dictionary(m) => match m.get(b"Type").unwrap().as_name().unwrap() {
                b"MCR" => Kid::Content(
                    page_of(m).or(home).unwrap(),
                    m.get(b"MCID").unwrap().as_i64().unwrap(),
                ),
                b"OBJR" => Kid::Object(m.get(b"Obj").unwrap().as_reference().unwrap()),
                other => panic!("kid of type {other:?}"),
            },
            other => panic!("kid {other:?}"),
        })
        .collect();
    Elem {
        role,
        attrs: d.get(b"A").ok().map(|a| dict(doc, a).clone()),
        alt: d.get(b"Alt").ok().map(text),
        kids,
    }
}

pub(crate) fn read(pdf: &[u8]) -> Tagged {
    let doc = Document::load_mem(pdf).unwrap();
    let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let catalog = doc.catalog().unwrap();
    let mark_info = dict(&doc, catalog.get(b"MarkInfo").unwrap());
    assert_eq!(mark_info.get(b"Marked").unwrap(), &Object::Boolean(true));
    let tree = dict(&doc, catalog.get(b"StructTreeRoot").unwrap());
    assert_eq!(
        tree.get(b"Type").unwrap().as_name().unwrap(),
        b"StructTreeRoot"
    );
    let top = tree.get(b"K").unwrap().as_array().unwrap();
    assert_eq!(top.len(), 1, "one Document element");
    let root = read_elem(&doc, &pages, dict(&doc, &top[0]));
    Tagged { doc, pages, root }
}

impl Elem {
    pub(crate) fn children(&self) -> impl Iterator<Item = &Elem> {
        self.kids.iter().filter_map(|k| match k {
            Kid::Elem(e) => Some(e),
            _ => None,
        })
    }

    pub(crate) fn roles(&self) -> Vec<&str> {
        self.children().map(|e| e.role.as_str()).collect()
    }

    fn walk<'a>(&'a self, out: &mut Vec<&'a Elem>) {
        out.push(self);
        for c in self.children() {
            c.walk(out);
        }
    }

    fn all(&self) -> Vec<&Elem> {
        let mut out = Vec::new();
        self.walk(&mut out);
        out
    }

    /// Every (page, MCID) under this element, in order.
    fn contents(&self, out: &mut Vec<(usize, i64)>) {
        for k in &self.kids {
            match k {
                Kid::Content(p, m) => out.push((*p, *m)),
                Kid::Elem(e) => e.contents(out),
                Kid::Object(_) => {}
            }
        }
    }

    /// The element's text as a reader gets it: its marked content in tree order.
    pub(crate) fn text(&self, drawn: &HashMap<(usize, i64), String>) -> String {
        let mut ids = Vec::new();
        self.contents(&mut ids);
        ids.iter().map(|id| drawn[id].as_str()).collect()
    }

    fn attr(&self, key: &[u8]) -> Option<&Object> {
        self.attrs.as_ref().and_then(|a| a.get(key).ok())
    }
}

/// The text of each (page, MCID), whitespace removed, from our ToUnicode reader.
pub(crate) fn marked_text(pdf: &[u8]) -> HashMap<(usize, i64), String> {
    let mut out: HashMap<(usize, i64), String> = HashMap::new();
    for d in drawn_text(pdf) {
        if let Marked::Mcid(m) = d.marked {
            out.entry((d.page, m))
                .or_default()
                .push_str(&squash(&d.text));
        }
    }
    out
}

/// Checks every page's content: each MCID used once, referenced from the tree
/// exactly once, and no text, image or path painted outside marked content.
pub(crate) fn check_marked_content(t: &Tagged) {
    let mut in_tree = Vec::new();
    t.root.contents(&mut in_tree);
    let mut referenced: BTreeMap<(usize, i64), usize> = BTreeMap::new();
    for id in in_tree {
        *referenced.entry(id).or_default() += 1;
    }
    let mut in_streams = BTreeMap::new();
    for (p, &page) in t.pages.iter().enumerate() {
        let content = Content::decode(&t.doc.get_page_content(page)).unwrap();
        let mut stack = Vec::new();
        for op in &content.operations {
            track_marked(&mut stack, op);
            if let ("BDC", Some(Marked::Mcid(m))) = (op.operator.as_str(), stack.last()) {
                assert!(
                    in_streams.insert((p, *m), ()).is_none(),
                    "page {p}: MCID {m} used twice"
                );
                assert!(
                    stack.iter().filter(|m| **m != Marked::None).count() == 1,
                    "page {p}: MCID {m} nested in other marked content"
                );
            }
            let paints = matches!(
                op.operator.as_str(),
                "Tj" | "TJ" | "'" | "\"" | "Do" | "S" | "s" | "f" | "F" | "f*" | "B" | "b" | "sh"
            );
            assert!(
                !paints || !stack.is_empty(),
                "page {p}: {} outside marked content",
                op.operator
            );
        }
        assert!(stack.is_empty(), "page {p}: marked content left open");
    }
    for (id, n) in &referenced {
        assert_eq!(*n, 1, "{id:?} referenced {n} times");
        assert!(
            in_streams.contains_key(id),
            "{id:?} is in the tree but not on its page"
        );
    }
    for id in in_streams.keys() {
        assert!(
            referenced.contains_key(id),
            "{id:?} is on its page but not in the tree"
        );
    }
}

/// The parent tree gives back, for every page's MCID and every annotation,
/// the element that holds it.
pub(crate) fn check_parent_tree(t: &Tagged) {
    let catalog = t.doc.catalog().unwrap();
    let tree = dict(&t.doc, catalog.get(b"StructTreeRoot").unwrap());
    let parents = dict(&t.doc, tree.get(b"ParentTree").unwrap());
    let nums = parents.get(b"Nums").unwrap().as_array().unwrap();
    let keys: Vec<i64> = nums
        .iter()
        .step_by(2)
        .map(|k| k.as_i64().unwrap())
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "keys in ascending order"
    );
    let next = tree.get(b"ParentTreeNextKey").unwrap().as_i64().unwrap();
    assert_eq!(next, keys.last().unwrap() + 1);
    let entry = |key: i64| &nums[2 * keys.iter().position(|&k| k == key).unwrap() + 1];
    for (p, &page) in t.pages.iter().enumerate() {
        let page_dict = t.doc.get_dictionary(page).unwrap();
        let key = page_dict.get(b"StructParents").unwrap().as_i64().unwrap();
        assert_eq!(page_dict.get(b"Tabs").unwrap().as_name().unwrap(), b"S");
        let by_mcid = entry(key).as_array().unwrap();
        for (mcid, elem) in by_mcid.iter().enumerate() {
            let elem = t.doc.get_dictionary(elem.as_reference().unwrap()).unwrap();
            let holds = |k: &Object| match k {
                Object::Integer(m) => *m == mcid as i64,
                Object::Dictionary(d) => {
                    d.get(b"MCID")
                        .is_ok_and(|m| m.as_i64().unwrap() == mcid as i64)
                        && d.get(b"Pg").unwrap().as_reference().unwrap() == page
                }
                _ => false,
            };
            let k = elem.get(b"K").unwrap().as_array().unwrap();
            assert!(
                k.iter().any(holds),
                "page {p} MCID {mcid}: its parent does not hold it"
            );
        }
        let annots = page_dict
            .get(b"Annots")
            .map(|a| a.as_array().unwrap().clone());
        for annot in annots.unwrap_or_default() {
            let id = annot
                .as_reference()
                .expect("annotations are indirect objects");
            let a = t.doc.get_dictionary(id).unwrap();
            assert!(!text(a.get(b"Contents").unwrap()).is_empty());
            let key = a.get(b"StructParent").unwrap().as_i64().unwrap();
            let link = t
                .doc
                .get_dictionary(entry(key).as_reference().unwrap())
                .unwrap();
            assert_eq!(link.get(b"S").unwrap().as_name().unwrap(), b"Link");
            let objr = link.get(b"K").unwrap().as_array().unwrap().iter().any(|k| {
                matches!(k, Object::Dictionary(d) if d.get(b"Obj").ok() == Some(&Object::Reference(id)))
            });
            assert!(objr, "the Link element refers to its annotation");
        }
    }
}

fn build(path: &str, options: &BuildOptions) -> (disclosure_pdf::Checked, Vec<u8>) {
    let input = disclosure_pdf::read(Path::new(path), &Default::default()).unwrap();
    let pdf = build_pdf(&input, options).unwrap().bytes;
    (input, pdf)
}

#[test]
fn the_default_document_is_a_tagged_table_with_every_cell_once() {
    let (input, pdf) = build("data/kamiless.yaml", &BuildOptions::default());
    let doc = &input.document;
    let t = read(&pdf);
    check_marked_content(&t);
    check_parent_tree(&t);
    let drawn = marked_text(&pdf);
    let xmp = String::from_utf8_lossy(&pdf);
    assert!(
        xmp.contains("<pdfuaid:part>1</pdfuaid:part>"),
        "XMP names PDF/UA-1"
    );

    assert_eq!(t.root.role, "Document");
    // Date and issuer, title, service, the preface (one paragraph over three
    // source lines), the notes (a list of three), the table.
    assert_eq!(t.root.roles(), ["P", "H1", "P", "P", "L", "Table"]);
    let notes = t.root.children().nth(4).unwrap();
    assert_eq!(notes.roles(), ["LI"; 3]);
    for li in notes.children() {
        assert_eq!(li.roles(), ["LBody"]);
    }
    let title = t.root.children().nth(1).unwrap();
    assert_eq!(title.text(&drawn), squash(&doc.document.title));

    let table = t.root.children().last().unwrap();
    assert_eq!(table.roles(), ["THead", "TBody"]);
    let head = table.children().next().unwrap();
    assert_eq!(head.roles(), ["TR"]);
    let header = head.children().next().unwrap();
    assert_eq!(header.roles(), ["TH"; 4]);
    let labels: Vec<String> = header.children().map(|th| th.text(&drawn)).collect();
    assert_eq!(labels, ["分類", "No.", "情報開示項目", "内容"]);
    for th in header.children() {
        assert_eq!(th.attr(b"Scope").unwrap().as_name().unwrap(), b"Column");
    }

    let body = table.children().nth(1).unwrap();
    let rows: Vec<&Elem> = body.children().collect();
    assert_eq!(rows.len(), 38);
    let mut items = doc.items();
    let mut categories = 0;
    let mut spanned = 0;
    for row in &rows {
        let (category, item) = items.next().unwrap();
        let mut cells = row.children();
        if row.roles()[0] == "TH" {
            let th = cells.next().unwrap();
            assert_eq!(th.attr(b"Scope").unwrap().as_name().unwrap(), b"Row");
            assert_eq!(th.text(&drawn), squash(&category.title));
            let span = th.attr(b"RowSpan").map_or(1, |s| s.as_i64().unwrap());
            assert_eq!(span as usize, category.items.len(), "{}", category.title);
            categories += 1;
            spanned += span;
        }
        let texts: Vec<String> = cells.map(|td| td.text(&drawn)).collect();
        let title = squash(&item.title) + &squash(item.control.as_deref().unwrap_or(""));
        assert_eq!(
            texts,
            [
                item.no.to_string(),
                title,
                squash(&printed_text(&item.content))
            ],
            "item No. {}",
            item.no
        );
    }
    assert_eq!((categories, spanned), (11, 38));

    // Inside a cell, paragraphs and lists are elements of their own: item 1 is
    // a sub-heading, a sentence, a list of three, a sub-heading, a sentence, a
    // list of four.
    let first = rows[0].children().last().unwrap();
    assert_eq!(first.roles(), ["P", "P", "L", "P", "P", "L"]);
    let lists: Vec<usize> = first
        .children()
        .filter(|e| e.role == "L")
        .map(|l| l.children().count())
        .collect();
    assert_eq!(lists, [3, 4]);
    assert_eq!(
        first.children().next().unwrap().text(&drawn),
        "＜当社の責任＞"
    );

    // A row split over pages is one TD with content on both.
    let split = rows.iter().any(|row| {
        let mut ids = Vec::new();
        row.children().last().unwrap().contents(&mut ids);
        ids.first().map(|f| f.0) != ids.last().map(|l| l.0)
    });
    assert!(split, "some content cell continues on the next page");

    // What pages repeat is there, but as artifacts only.
    let artifacts: String = drawn_text(&pdf)
        .iter()
        .filter(|d| d.marked == Marked::Artifact)
        .map(|d| squash(&d.text))
        .collect();
    assert!(artifacts.contains("（続き）"));
    assert!(artifacts.contains("1/6"));
    let tagged: String = drawn.values().cloned().collect();
    assert!(!tagged.contains("（続き）") && !tagged.contains("1/6"));

    // Links hold their text (a URL broken over lines is a Link per line) and
    // their annotation.
    let links: Vec<&Elem> = t
        .root
        .all()
        .into_iter()
        .filter(|e| e.role == "Link")
        .collect();
    let joined: String = links.iter().map(|l| l.text(&drawn)).collect();
    let mut urls = 0;
    for (_, item) in doc.items() {
        for r in disclosure_pdf::model::markup::find_urls(&item.content) {
            assert!(joined.contains(&item.content[r]), "{joined}");
            urls += 1;
        }
    }
    assert!(urls > 0 && links.len() >= urls);
    for link in links {
        assert!(!link.text(&drawn).is_empty());
        let annots: Vec<&Dictionary> = link
            .kids
            .iter()
            .filter_map(|k| match k {
                Kid::Object(id) => Some(t.doc.get_dictionary(*id).unwrap()),
                _ => None,
            })
            .collect();
        assert_eq!(annots.len(), 1);
        assert_eq!(
            annots[0].get(b"Subtype").unwrap().as_name().unwrap(),
            b"Link"
        );
    }
}

#[test]
fn merged_own_columns_pictures_and_revisions_are_tagged() {
    let (_, pdf) = build("examples/guideline.yaml", &BuildOptions::default());
    let t = read(&pdf);
    check_marked_content(&t);
    check_parent_tree(&t);
    let drawn = marked_text(&pdf);
    let all = t.root.all();
    let row_headers: Vec<(String, i64)> = all
        .iter()
        .filter(|e| e.role == "TH" && e.attr(b"Scope").unwrap().as_name().unwrap() == b"Row")
        .map(|e| {
            (
                e.text(&drawn),
                e.attr(b"RowSpan").map_or(1, |s| s.as_i64().unwrap()),
            )
        })
        .collect();
    // 種別 事業所・事業 spans four rows, No. 1 two of them (sub-rows).
    assert!(
        row_headers.contains(&("事業所・事業".into(), 4)),
        "{row_headers:?}"
    );
    assert!(row_headers.contains(&("1".into(), 2)), "{row_headers:?}");

    let (input, pdf) = build("examples/whitepaper.yaml", &BuildOptions::default());
    let t = read(&pdf);
    check_marked_content(&t);
    check_parent_tree(&t);
    let figures: Vec<&Elem> = t
        .root
        .all()
        .into_iter()
        .filter(|e| e.role == "Figure")
        .collect();
    assert_eq!(figures.len(), 1);
    let alt = figures[0].alt.as_deref().unwrap();
    assert!(
        input
            .document
            .items()
            .any(|(_, i)| i.content.contains(&format!("![{alt}]")))
    );
    assert!(figures[0].attr(b"BBox").is_some());

    let (_, pdf) = build("examples/caiq.yaml", &BuildOptions::default());
    let t = read(&pdf);
    check_marked_content(&t);
    check_parent_tree(&t);

    let yaml = MINIMAL.replace(
        "categories:",
        "revisions:\n  - version: \"0.9\"\n    date: 2026-04-01\n    changes: 初版\n  - version: \"1.0\"\n    date: 2026-11-25\n    changes: No.1 を更新\ncategories:",
    );
    let pdf = build_yaml(&yaml);
    let t = read(&pdf);
    check_marked_content(&t);
    check_parent_tree(&t);
    let drawn = marked_text(&pdf);
    let roles = t.root.roles();
    assert_eq!(roles[roles.len() - 3..], ["Table", "H2", "Table"]);
    let history = t.root.children().last().unwrap();
    assert_eq!(history.roles(), ["THead", "TBody"]);
    let rows: Vec<Vec<String>> = history
        .children()
        .nth(1)
        .unwrap()
        .children()
        .map(|tr| tr.children().map(|td| td.text(&drawn)).collect())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0][2], "初版");
    assert_eq!(rows[1][2], "No.1を更新");
}

#[test]
fn the_draft_watermark_is_an_artifact() {
    let options = BuildOptions {
        draft: true,
        ..BuildOptions::default()
    };
    let (_, pdf) = build("data/kamiless.yaml", &options);
    let t = read(&pdf);
    check_marked_content(&t);
    let stamp: Vec<Marked> = drawn_text(&pdf)
        .into_iter()
        .filter(|d| d.text.contains("ドラフト") && !d.text.contains('版'))
        .map(|d| d.marked)
        .collect();
    assert!(!stamp.is_empty());
    assert!(stamp.iter().all(|m| *m == Marked::Artifact));
}

/// Layout gives every text run, picture and link a place in the structure or
/// marks it as an artifact: the writer's fallback for untagged content (an
/// artifact, hidden from a screen reader) is never needed.
#[test]
fn layout_leaves_nothing_untagged() {
    use disclosure_pdf::layout::{Element, Orientation, Style, Tag, layout_document};
    for path in [
        "data/kamiless.yaml",
        "examples/guideline.yaml",
        "examples/whitepaper.yaml",
        "examples/caiq.yaml",
    ] {
        let input = disclosure_pdf::read(Path::new(path), &Default::default()).unwrap();
        for orientation in [Orientation::Landscape, Orientation::Portrait] {
            let style = Style::a4(orientation);
            let layout = layout_document(&input.document, &input.fonts, &style).unwrap();
            for (p, page) in layout.pages.iter().enumerate() {
                for e in &page.elements {
                    let tag = match e {
                        Element::Text(run) => run.tag,
                        Element::Link { tag, .. } | Element::Picture { tag, .. } => *tag,
                        _ => continue,
                    };
                    assert_ne!(tag, Tag::Untagged, "{path} page {p}: {e:?}");
                }
            }
        }
    }
}

//! The document shell printpdf builds: catalogue, page tree and the Info
//! dictionary, with every patch of printpdf's output beside the code that asks for
//! it.
//!
//! This is the only file that uses printpdf. What it emits is taken as it is
//! except for these fix-ups, made in [`build`] (which needs only the pages' sizes,
//! so it runs while the content streams are written) and [`Shell::install`]:
//!
//! - the pages share one resource dictionary (printpdf gives each page its own
//!   copy, with empty Font, XObject, ExtGState and Shading dictionaries, which are
//!   removed), and get our content streams ([`Shell::install`]);
//! - the Info dictionary loses the PDF/X keys (`GTS_PDFXVersion`,
//!   `GTS_PDFXConformance`), `Trapped`, and the empty `Identifier`;
//! - the header says PDF 1.7.
//!
//! The link annotations are made with the structure tree (`tags`), which gives
//! each its `/Contents` and parent-tree key: printpdf's, made here and rewritten
//! there, took a fifth of this file's time and 7 MB of memory at 2,700 links.
//!
//! The test at the bottom pins the result, so that a printpdf upgrade that changes
//! its output shows up there rather than in the files.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use printpdf::{PdfDocument, PdfPage, PdfSaveOptions};

use super::{Metadata, PRODUCER, PdfError};
use crate::layout::Page;

/// The document around our page content, as [`build`] leaves it.
pub struct Shell {
    /// The lopdf document: catalogue, page tree, annotations, Info; the pages'
    /// content once [`Shell::install`] has put it in.
    pub doc: Document,
    /// The resource dictionary all pages share (empty; the fonts go into it), or
    /// `None` for a document without pages.
    pub resources: Option<ObjectId>,
    /// Each page's content stream object, in page order (empty until installed).
    contents: Vec<ObjectId>,
}

impl Shell {
    /// Puts `contents`, one content stream per page in order, into the pages.
    pub fn install(&mut self, contents: Vec<Stream>) -> Result<(), PdfError> {
        if self.contents.len() != contents.len() {
            return Err(PdfError::Shell {
                missing: "page for every laid-out page",
            });
        }
        for (&id, stream) in self.contents.iter().zip(contents) {
            self.doc.objects.insert(id, Object::Stream(stream));
        }
        Ok(())
    }
}

/// Builds the shell for `pages` (only their sizes are read) and applies
/// every fix-up of printpdf's output (see the module docs); the content streams
/// go in with [`Shell::install`].
pub fn build(pages: &[Page], meta: &Metadata) -> Result<Shell, PdfError> {
    let mut pdf = PdfDocument::new(&meta.title);
    pdf.pages = pages.iter().map(page_skeleton).collect();
    let info = &mut pdf.metadata.info;
    info.author = meta.author.clone();
    info.subject = meta.subject.clone();
    info.keywords = meta.keywords.clone();
    info.creator = PRODUCER.to_string();
    info.producer = PRODUCER.to_string();
    let date =
        printpdf::OffsetDateTime::from_unix_timestamp(meta.date_epoch).map_err(|reason| {
            PdfError::Date {
                epoch: meta.date_epoch,
                reason,
            }
        })?;
    info.creation_date = date;
    info.modification_date = date;
    info.metadata_date = date;
    let opts = PdfSaveOptions {
        optimize: true,
        subset_fonts: false, // done by us, see `subset`
        secure: true,
        image_optimization: None,
    };
    let mut doc = pdf.to_lopdf_document(&opts, &mut Vec::new());
    let (contents, resources) = share_resources(&mut doc)?;
    fix_info(&mut doc);
    // printpdf writes 1.3; object streams need 1.5, and PDF/A-2 is based on 1.7.
    doc.version = "1.7".to_string();
    Ok(Shell {
        doc,
        resources,
        contents,
    })
}

/// A page for printpdf: its size; the content and the link annotations are ours.
fn page_skeleton(page: &Page) -> PdfPage {
    PdfPage::new(
        printpdf::Mm(page.width.0 * 25.4 / 72.0),
        printpdf::Mm(page.height.0 * 25.4 / 72.0),
        Vec::new(),
    )
}

/// Finds each page's content stream object (for [`Shell::install`]). printpdf
/// gives every page its own copy of one resource dictionary; the pages share the
/// first instead, whose id is returned too (the fonts go into it once they are
/// ready).
fn share_resources(doc: &mut Document) -> Result<(Vec<ObjectId>, Option<ObjectId>), PdfError> {
    let broken = |missing| PdfError::Shell { missing };
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let mut contents = Vec::with_capacity(page_ids.len());
    let mut shared: Option<ObjectId> = None;
    for &page_id in &page_ids {
        let page = doc
            .get_dictionary(page_id)
            .map_err(|_| broken("page dictionary"))?;
        let content_id = page
            .get(b"Contents")
            .and_then(Object::as_reference)
            .map_err(|_| broken("page content"))?;
        let resources_id = page
            .get(b"Resources")
            .and_then(Object::as_reference)
            .map_err(|_| broken("page resources"))?;
        contents.push(content_id);
        match shared {
            None => {
                let resources = doc
                    .get_object_mut(resources_id)
                    .and_then(Object::as_dict_mut)
                    .map_err(|_| broken("resource dictionary"))?;
                // printpdf's (empty) Font, XObject, ExtGState and Shading dictionaries.
                let mut unused = Vec::new();
                for key in [&b"Font"[..], b"XObject", b"ExtGState", b"Shading"] {
                    if let Ok(id) = resources.get(key).and_then(Object::as_reference) {
                        unused.push(id);
                    }
                    resources.remove(key);
                }
                for id in unused {
                    doc.objects.remove(&id);
                }
                shared = Some(resources_id);
            }
            Some(shared) => {
                doc.objects.remove(&resources_id);
                if let Ok(page) = doc.get_object_mut(page_id).and_then(Object::as_dict_mut) {
                    page.set("Resources", shared);
                }
            }
        }
    }
    Ok((contents, shared))
}

/// The Info keys printpdf writes that we drop: the PDF/X identification and
/// `Trapped` (prepress statements; this is not a PDF/X file), and `Identifier`,
/// which printpdf always leaves empty.
const DROPPED_INFO_KEYS: [&[u8]; 4] = [
    b"GTS_PDFXVersion",
    b"GTS_PDFXConformance",
    b"Trapped",
    b"Identifier",
];

/// Removes [`DROPPED_INFO_KEYS`] from the Info dictionary, keeping the order of the
/// others (lopdf's `remove` would move the last key into the gap).
fn fix_info(doc: &mut Document) {
    if let Ok(info_ref) = doc.trailer.get(b"Info").and_then(Object::as_reference)
        && let Ok(Object::Dictionary(info)) = doc.get_object_mut(info_ref)
    {
        *info = info
            .iter()
            .filter(|(key, _)| !DROPPED_INFO_KEYS.contains(&key.as_slice()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect::<Dictionary>();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{Element, Rect};
    use crate::units::Pt;

    fn keys(d: &Dictionary) -> Vec<String> {
        d.iter()
            .map(|(k, _)| String::from_utf8_lossy(k).into_owned())
            .collect()
    }

    fn dict<'a>(doc: &'a Document, o: &'a Object) -> &'a Dictionary {
        match o {
            Object::Reference(id) => doc.get_dictionary(*id).unwrap(),
            Object::Dictionary(d) => d,
            other => panic!("not a dictionary: {other:?}"),
        }
    }

    /// Two A4 landscape pages, the first with one link, as the writer hands them
    /// over; the shell after all our fix-ups, object by object.
    #[test]
    fn printpdf_output_after_our_patches_is_pinned() {
        let page = |elements| Page {
            width: Pt(841.89),
            height: Pt(595.276),
            elements,
        };
        let link = Element::Link {
            rect: Rect {
                x: Pt(100.0),
                y: Pt(50.0),
                width: Pt(200.0),
                height: Pt(9.0),
            },
            uri: "https://example.com/a".to_string(),
            tag: crate::layout::Tag::Untagged,
        };
        // A page with a link area gets no annotation from printpdf.
        let meta = Metadata {
            title: "情報開示".to_string(),
            author: "Example".to_string(),
            subject: "Subject".to_string(),
            keywords: vec!["a".to_string(), "b".to_string()],
            date_epoch: 1_795_564_800,
            language: "ja-JP".to_string(),
            pdfa: false,
        };
        let contents = vec![
            Stream::new(Dictionary::new(), b"% one".to_vec()),
            Stream::new(Dictionary::new(), b"% two".to_vec()),
        ];
        let mut shell = build(&[page(vec![link]), page(Vec::new())], &meta).unwrap();
        shell.install(contents).unwrap();
        let Shell { doc, resources, .. } = shell;
        assert_eq!(doc.version, "1.7");

        // Trailer and Info: exactly these keys, in this order, nothing empty
        // (`file` writes its own /ID in place of printpdf's).
        assert_eq!(keys(&doc.trailer), ["Root", "Info", "ID"]);
        let info = dict(&doc, doc.trailer.get(b"Info").unwrap());
        assert_eq!(
            keys(info),
            [
                "CreationDate",
                "ModDate",
                "Title",
                "Author",
                "Creator",
                "Producer",
                "Subject",
                "Keywords"
            ]
        );
        let date = Object::string_literal("D:20261125000000+00'00'");
        assert_eq!(info.get(b"CreationDate").unwrap(), &date);
        assert_eq!(info.get(b"ModDate").unwrap(), &date);
        // Joined with commas, UTF-16BE with a byte order mark (as the XMP mirrors it).
        assert_eq!(
            info.get(b"Keywords").unwrap().as_str().unwrap(),
            b"\xFE\xFF\0a\0,\0b"
        );

        // Catalogue and page tree: one flat /Pages with our pages in order
        // (`catalog` sets /PageMode again).
        let catalog = doc.catalog().unwrap();
        assert_eq!(keys(catalog), ["Type", "PageLayout", "PageMode", "Pages"]);
        let tree = dict(&doc, catalog.get(b"Pages").unwrap());
        assert_eq!(keys(tree), ["Type", "Count", "Kids"]);
        assert_eq!(tree.get(b"Count").unwrap(), &Object::Integer(2));
        let pages: Vec<ObjectId> = doc.get_pages().into_values().collect();
        let kids: Vec<ObjectId> = tree
            .get(b"Kids")
            .and_then(Object::as_array)
            .unwrap()
            .iter()
            .map(|k| k.as_reference().unwrap())
            .collect();
        assert_eq!(kids, pages);

        let resources = resources.unwrap();
        for (i, &id) in pages.iter().enumerate() {
            let p = doc.get_dictionary(id).unwrap();
            assert_eq!(
                keys(p),
                [
                    "Type",
                    "MediaBox",
                    "TrimBox",
                    "CropBox",
                    "Parent",
                    "Resources",
                    "Contents",
                    "Annots"
                ],
                "page {i}"
            );
            let media = p.get(b"MediaBox").unwrap();
            let media: Vec<f32> = media
                .as_array()
                .unwrap()
                .iter()
                // As `syntax` writes it: three decimals (printpdf goes through mm).
                .map(|v| (v.as_float().unwrap() * 1000.0).round() / 1000.0)
                .collect();
            assert_eq!(media, [0.0, 0.0, 841.89, 595.276]);
            assert_eq!(p.get(b"TrimBox").unwrap(), p.get(b"MediaBox").unwrap());
            assert_eq!(p.get(b"CropBox").unwrap(), p.get(b"MediaBox").unwrap());
            // Every page shares the one resource dictionary, still empty.
            assert_eq!(
                p.get(b"Resources").unwrap().as_reference().unwrap(),
                resources
            );
            // Our content stream, as given.
            let content = p.get(b"Contents").unwrap().as_reference().unwrap();
            let content = doc.get_object(content).unwrap().as_stream().unwrap();
            assert_eq!(content.content, [b"% one", b"% two"][i]);
        }
        assert!(doc.get_dictionary(resources).unwrap().is_empty());

        // No annotations: the link areas' are made with the structure tree.
        for &id in &pages {
            let annots = doc.get_dictionary(id).unwrap().get(b"Annots").unwrap();
            assert!(annots.as_array().unwrap().is_empty());
        }

        // Nothing else: catalogue, Info, page tree, two pages, two contents and
        // the shared resources.
        assert_eq!(doc.objects.len(), 8);
    }
}

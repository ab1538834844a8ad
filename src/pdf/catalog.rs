//! What the catalogue gets from us rather than from the `shell`: the outline
//! (bookmarks), XMP metadata, the PDF/A output intent, and small catalogue
//! settings (`/Lang`, `DisplayDocTitle`, `PageMode`). Fix-ups of the shell's own
//! output are in `shell`, not here.

use lopdf::{Dictionary, Document, Object, ObjectId, Stream, dictionary};
use rayon::prelude::*;

use super::syntax::{self, Serialised, text_string};
use super::{Metadata, PRODUCER, coords};
use crate::layout::{Bookmark, Layout};
use crate::units::Pt;

/// Adds everything of this module to the document `shell` has built. The
/// outline entries (one per item: thousands in a long document) come back
/// serialised, for `file::write` to pack beside the document's objects.
pub fn finish(doc: &mut Document, layout: &Layout, meta: &Metadata) -> Vec<Serialised> {
    let page_ids: Vec<ObjectId> = doc.get_pages().into_values().collect();
    let page_height = layout.pages.first().map_or(Pt::ZERO, |p| p.height);
    let (outline, entries) = add_outline(doc, &layout.bookmarks, &page_ids, page_height)
        .map_or((None, Vec::new()), |(root, entries)| (Some(root), entries));
    // Not deflated: XMP must stay readable by tools that do not inflate streams
    // (PDF/A asks this).
    let xmp = doc.add_object(Stream::new(
        dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
        xmp_packet(meta).into_bytes(),
    ));
    let intent = meta.pdfa.then(|| output_intent(doc));

    if let Ok(catalog) = doc.catalog_mut() {
        catalog.set("Lang", Object::string_literal(meta.language.as_str()));
        catalog.set(
            "ViewerPreferences",
            dictionary! { "DisplayDocTitle" => true },
        );
        catalog.set("Metadata", xmp);
        match outline {
            Some(id) => {
                catalog.set("Outlines", id);
                catalog.set("PageMode", Object::Name(b"UseOutlines".to_vec()));
            }
            None => catalog.set("PageMode", Object::Name(b"UseNone".to_vec())),
        }
        if let Some(intent) = intent {
            catalog.set("OutputIntents", Object::Array(vec![intent.into()]));
        }
    }
    entries
}

/// The outline tree: the /Outlines dictionary (added to `doc`) and its entries,
/// serialised on all cores; `None` without bookmarks.
fn add_outline(
    doc: &mut Document,
    bookmarks: &[Bookmark],
    pages: &[ObjectId],
    page_height: Pt,
) -> Option<(ObjectId, Vec<Serialised>)> {
    if bookmarks.is_empty() {
        return None;
    }
    let root = doc.new_object_id();
    let mut entries = Vec::new();
    let (first, last, count) = number_level(doc, bookmarks, root, &mut entries);
    doc.objects.insert(
        root,
        Object::Dictionary(dictionary! {
            "Type" => "Outlines",
            "First" => first,
            "Last" => last,
            "Count" => count as i64,
        }),
    );
    let entries = entries
        .par_iter()
        .map(|e| (e.id, e.serialise(pages, page_height)))
        .collect();
    Some((root, entries))
}

/// An outline entry with its links to the entries around it.
struct Entry<'a> {
    item: &'a Bookmark,
    id: ObjectId,
    parent: ObjectId,
    prev: Option<ObjectId>,
    next: Option<ObjectId>,
    /// First and last child and the number of children.
    children: Option<(ObjectId, ObjectId, usize)>,
}

impl Entry<'_> {
    fn serialise(&self, pages: &[ObjectId], page_height: Pt) -> Vec<u8> {
        let item = self.item;
        let page = pages.get(item.at.page).or(pages.last()).copied();
        let mut d = Dictionary::new();
        d.set("Title", text_string(&item.title));
        d.set("Parent", self.parent);
        if let Some(page) = page {
            // Jump to the row's top, keeping the zoom.
            d.set(
                "Dest",
                Object::Array(vec![
                    page.into(),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(coords::pdf_y(page_height, item.at.y) + 4.0),
                    Object::Null,
                ]),
            );
        }
        if let Some(prev) = self.prev {
            d.set("Prev", prev);
        }
        if let Some(next) = self.next {
            d.set("Next", next);
        }
        if let Some((first, last, n)) = self.children {
            d.set("First", first);
            d.set("Last", last);
            // Negative: the category opens closed, so the outline starts as a table of contents.
            d.set("Count", -(n as i64));
        }
        let mut out = Vec::with_capacity(128);
        syntax::dictionary(&mut out, &d);
        out
    }
}

/// Numbers one level of siblings under `parent` (and their children), adding
/// them to `entries`; returns first, last and their number (the entries visible
/// at this level, as sub-levels start closed).
fn number_level<'a>(
    doc: &mut Document,
    items: &'a [Bookmark],
    parent: ObjectId,
    entries: &mut Vec<Entry<'a>>,
) -> (ObjectId, ObjectId, usize) {
    let ids: Vec<ObjectId> = items.iter().map(|_| doc.new_object_id()).collect();
    for (i, (item, &id)) in items.iter().zip(&ids).enumerate() {
        let children =
            (!item.children.is_empty()).then(|| number_level(doc, &item.children, id, entries));
        entries.push(Entry {
            item,
            id,
            parent,
            prev: i.checked_sub(1).map(|p| ids[p]),
            next: ids.get(i + 1).copied(),
            children,
        });
    }
    (ids[0], ids[ids.len() - 1], items.len())
}

/// Escapes text for XML.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// ISO 8601 date of an epoch second, as XMP wants it.
pub fn iso_date(epoch: i64) -> String {
    let days = epoch.div_euclid(86_400);
    let secs = epoch.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// The XMP packet mirroring the Info dictionary, with the PDF/UA-1
/// identification (and the PDF/A one).
fn xmp_packet(meta: &Metadata) -> String {
    let date = iso_date(meta.date_epoch);
    // Joined as the shell joins them in the Info dictionary: the two must agree.
    let keywords = xml(&meta.keywords.join(","));
    // PDF/A-2 knows only its own schemas: pdfuaid needs its description
    // (the extension schema of ISO 14289-1, 5).
    let pdfa = if meta.pdfa {
        "\n   <pdfaid:part>2</pdfaid:part>\n   <pdfaid:conformance>B</pdfaid:conformance>\n   \
         <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType=\"Resource\">\n    \
         <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\n    \
         <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\n    \
         <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>\n    \
         <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType=\"Resource\">\n     \
         <pdfaProperty:name>part</pdfaProperty:name>\n     \
         <pdfaProperty:valueType>Integer</pdfaProperty:valueType>\n     \
         <pdfaProperty:category>internal</pdfaProperty:category>\n     \
         <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>\n    \
         </rdf:li></rdf:Seq></pdfaSchema:property>\n   \
         </rdf:li></rdf:Bag></pdfaExtension:schemas>"
    } else {
        ""
    };
    format!(
        r#"<?xpacket begin="{bom}" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
    xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"
    xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
    xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
    xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
   <dc:format>application/pdf</dc:format>
   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{title}</rdf:li></rdf:Alt></dc:title>
   <dc:creator><rdf:Seq><rdf:li>{author}</rdf:li></rdf:Seq></dc:creator>
   <dc:description><rdf:Alt><rdf:li xml:lang="x-default">{subject}</rdf:li></rdf:Alt></dc:description>
   <dc:language><rdf:Bag><rdf:li>{lang}</rdf:li></rdf:Bag></dc:language>
   <pdf:Keywords>{keywords}</pdf:Keywords>
   <pdf:Producer>{producer}</pdf:Producer>
   <xmp:CreatorTool>{producer}</xmp:CreatorTool>
   <xmp:CreateDate>{date}</xmp:CreateDate>
   <xmp:ModifyDate>{date}</xmp:ModifyDate>
   <xmp:MetadataDate>{date}</xmp:MetadataDate>
   <pdfuaid:part>1</pdfuaid:part>{pdfa}
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>"#,
        bom = '\u{FEFF}',
        title = xml(&meta.title),
        author = xml(&meta.author),
        subject = xml(&meta.subject),
        lang = xml(&meta.language),
        producer = xml(PRODUCER),
    )
}

/// The sRGB output intent PDF/A requires for DeviceRGB content.
fn output_intent(doc: &mut Document) -> ObjectId {
    let profile = super::deflate::stream(dictionary! { "N" => 3 }, super::icc::srgb_profile());
    let profile = doc.add_object(profile);
    doc.add_object(dictionary! {
        "Type" => "OutputIntent",
        "S" => "GTS_PDFA1",
        "OutputConditionIdentifier" => Object::string_literal("sRGB IEC61966-2.1"),
        "RegistryName" => Object::string_literal("http://www.color.org"),
        "Info" => Object::string_literal("sRGB IEC61966-2.1"),
        "DestOutputProfile" => profile,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso_date(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso_date(1_795_564_800), "2026-11-25T00:00:00Z");
        assert_eq!(iso_date(951_782_400 + 3661), "2000-02-29T01:01:01Z");
    }
}

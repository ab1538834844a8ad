//! The signed revision: an incremental update after the unsigned file (ISO 32000-1,
//! 7.5.6), so the bytes of the unsigned PDF stay as they were and every reader
//! that knows the unsigned file sees it inside the signed one.
//!
//! The update holds the signature dictionary, an invisible signature field on
//! page 1 (a widget of zero size with the print flag, and an empty appearance, as
//! PDF/A-2 wants), page 1 again with the widget in its `/Annots`, the catalogue
//! again with an `/AcroForm`, and a cross-reference stream chained to the file's
//! by `/Prev`. `/ByteRange` covers the whole file but the `/Contents` hex string
//! (its `<` and `>` included), as pyHanko and Acrobat lay it out: the digest is
//! taken with placeholders of fixed width in place, then the range and the
//! signature are written into them.

use lopdf::{Dictionary, Object, ObjectId};

use crate::pdf::syntax;

/// The unsigned file read back: what the update refers to.
pub(super) struct Base {
    catalog: (ObjectId, Dictionary),
    page: (ObjectId, Dictionary),
    /// The object number the update's first object gets (the file's `/Size`).
    size: u32,
    /// Where the file's own cross-reference stream starts.
    startxref: u64,
    info: Option<Object>,
    id: Option<Object>,
}

impl Base {
    /// Reads the parts of `pdf` the update needs.
    pub(super) fn read(pdf: &[u8]) -> Result<Base, String> {
        let doc =
            lopdf::Document::load_mem(pdf).map_err(|e| format!("cannot read the PDF: {e}"))?;
        let root = doc
            .trailer
            .get(b"Root")
            .and_then(Object::as_reference)
            .map_err(|_| "the PDF has no catalogue")?;
        let catalog = doc
            .get_dictionary(root)
            .map_err(|_| "the PDF has no catalogue")?
            .clone();
        if catalog.has(b"AcroForm") {
            return Err("the PDF has a form already (signing twice is not supported)".into());
        }
        let page = *doc.get_pages().get(&1).ok_or("the PDF has no pages")?;
        let mut page_dict = doc
            .get_dictionary(page)
            .map_err(|_| "page 1 is unreadable")?
            .clone();
        // An indirect /Annots array is copied into the new page: the update then
        // changes one object, not two.
        if let Ok(Object::Reference(r)) = page_dict.get(b"Annots") {
            let annots = doc
                .get_object(*r)
                .map_err(|_| "page 1's /Annots is unreadable")?
                .clone();
            page_dict.set("Annots", annots);
        }
        let size = doc
            .trailer
            .get(b"Size")
            .and_then(Object::as_i64)
            .map_err(|_| "the PDF's trailer has no /Size")?;
        let startxref = last_startxref(pdf).ok_or("the PDF has no startxref")?;
        Ok(Base {
            catalog: (root, catalog),
            page: (page, page_dict),
            size: u32::try_from(size).map_err(|_| "the PDF's /Size is out of range")?,
            startxref,
            info: doc.trailer.get(b"Info").ok().cloned(),
            id: doc.trailer.get(b"ID").ok().cloned(),
        })
    }
}

/// The offset after the last `startxref` keyword.
fn last_startxref(pdf: &[u8]) -> Option<u64> {
    let tail = &pdf[pdf.len().saturating_sub(1024)..];
    let at = tail.windows(9).rposition(|w| w == b"startxref")?;
    let digits: String = tail[at + 9..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .map(|&b| char::from(b))
        .collect();
    digits.parse().ok()
}

/// What goes into the signature dictionary besides the signature.
pub(super) struct Fields<'a> {
    /// `/M`, a PDF date string.
    pub time: &'a str,
    /// `/Name`: the signer.
    pub name: &'a str,
    /// `/Reason`.
    pub reason: &'a str,
}

/// The signed file before its signature: `pdf` with the update appended, the
/// `/ByteRange` written, and `/Contents` a run of zeros `reserve` bytes long.
pub(super) struct Prepared {
    pub bytes: Vec<u8>,
    /// Where the `/Contents` hex string starts (its `<`) and ends (after its `>`).
    pub gap: (usize, usize),
}

impl Prepared {
    /// The bytes the signature covers: all but the gap.
    pub(super) fn signed_parts(&self) -> [&[u8]; 2] {
        [&self.bytes[..self.gap.0], &self.bytes[self.gap.1..]]
    }

    /// Writes the DER signature into the gap (hex, zero-padded). Fails if it does
    /// not fit.
    pub(super) fn fill(mut self, der: &[u8]) -> Result<Vec<u8>, usize> {
        let room = (self.gap.1 - self.gap.0 - 2) / 2;
        if der.len() > room {
            return Err(der.len());
        }
        let mut hex = Vec::with_capacity(der.len() * 2);
        for &b in der {
            syntax::hex_byte(&mut hex, b);
        }
        let at = self.gap.0 + 1;
        self.bytes[at..at + hex.len()].copy_from_slice(&hex);
        Ok(self.bytes)
    }
}

/// Width of each `/ByteRange` number's slot: ten digits cover files up to 9 GB.
const RANGE_DIGITS: usize = 10;

/// Appends the signature revision to `pdf`, with room for a DER signature of
/// `reserve` bytes.
pub(super) fn prepare(pdf: &[u8], base: &Base, fields: &Fields<'_>, reserve: usize) -> Prepared {
    let sig_id = base.size;
    let widget_id = base.size + 1;
    let appearance_id = base.size + 2;
    let xref_id = base.size + 3;
    let mut out = pdf.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let mut offsets: Vec<(u32, u16, usize)> = Vec::new();

    // The signature dictionary, with the placeholders.
    offsets.push((sig_id, 0, out.len()));
    out.extend_from_slice(format!("{sig_id} 0 obj\n").as_bytes());
    out.extend_from_slice(
        b"<</Type/Sig/Filter/Adobe.PPKLite/SubFilter/ETSI.CAdES.detached/ByteRange",
    );
    let range_at = out.len();
    // `[0 a b c]` with each number in a slot of spaces, filled in below.
    out.extend_from_slice(format!("[0 {0:1$} {0:1$} {0:1$}]", "", RANGE_DIGITS).as_bytes());
    out.extend_from_slice(b"/Contents");
    let gap_start = out.len();
    out.push(b'<');
    out.resize(out.len() + reserve * 2, b'0');
    out.push(b'>');
    let gap_end = out.len();
    out.extend_from_slice(b"/M");
    syntax::literal_string(&mut out, fields.time.as_bytes());
    out.extend_from_slice(b"/Name");
    syntax::object(&mut out, &syntax::text_string(fields.name));
    out.extend_from_slice(b"/Reason");
    syntax::object(&mut out, &syntax::text_string(fields.reason));
    out.extend_from_slice(b">>\nendobj\n");

    // The field and its widget, one object (ISO 32000-1, 12.5.6.19: invisible
    // signature with a zero-size rectangle). /F 132: Print and Locked.
    let (page_id, page) = &base.page;
    let mut widget = Dictionary::new();
    widget.set("Type", Object::Name(b"Annot".to_vec()));
    widget.set("Subtype", Object::Name(b"Widget".to_vec()));
    widget.set("FT", Object::Name(b"Sig".to_vec()));
    widget.set("T", Object::string_literal("Signature1"));
    widget.set("V", Object::Reference((sig_id, 0)));
    widget.set("Rect", vec![0.into(), 0.into(), 0.into(), 0.into()]);
    widget.set("F", 132);
    widget.set("P", Object::Reference(*page_id));
    let mut ap = Dictionary::new();
    ap.set("N", Object::Reference((appearance_id, 0)));
    widget.set("AP", ap);
    push_object(
        &mut out,
        &mut offsets,
        (widget_id, 0),
        &Object::Dictionary(widget),
    );

    // An empty appearance of zero size.
    offsets.push((appearance_id, 0, out.len()));
    out.extend_from_slice(
        format!("{appearance_id} 0 obj\n<</Type/XObject/Subtype/Form/BBox[0 0 0 0]/Length 0>>\nstream\n\nendstream\nendobj\n")
            .as_bytes(),
    );

    // Page 1 with the widget among its annotations.
    let mut page = page.clone();
    let mut annots = page
        .get(b"Annots")
        .and_then(Object::as_array)
        .cloned()
        .unwrap_or_default();
    annots.push(Object::Reference((widget_id, 0)));
    page.set("Annots", annots);
    push_object(&mut out, &mut offsets, *page_id, &Object::Dictionary(page));

    // The catalogue with the form. /SigFlags 3: SignaturesExist, AppendOnly.
    let (catalog_id, catalog) = &base.catalog;
    let mut catalog = catalog.clone();
    let mut form = Dictionary::new();
    form.set("Fields", vec![Object::Reference((widget_id, 0))]);
    form.set("SigFlags", 3);
    catalog.set("AcroForm", form);
    push_object(
        &mut out,
        &mut offsets,
        *catalog_id,
        &Object::Dictionary(catalog),
    );

    // The cross-reference stream of the update: entries for its objects only.
    offsets.push((xref_id, 0, out.len()));
    offsets.sort_unstable();
    let xref_offset = out.len();
    let mut table = Vec::new();
    let mut index = Vec::new();
    for &(num, generation, offset) in &offsets {
        table.push(1u8);
        // Eight-byte offsets: the update has five entries, and no file is too big.
        table.extend_from_slice(&(offset as u64).to_be_bytes());
        table.extend_from_slice(&generation.to_be_bytes());
        index.push(Object::Integer(i64::from(num)));
        index.push(Object::Integer(1));
    }
    let mut dict = Dictionary::new();
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("Size", i64::from(xref_id) + 1);
    dict.set("Index", index);
    dict.set("W", vec![1.into(), 8.into(), 2.into()]);
    dict.set("Prev", base.startxref as i64);
    dict.set("Root", Object::Reference(*catalog_id));
    if let Some(info) = &base.info {
        dict.set("Info", info.clone());
    }
    if let Some(id) = &base.id {
        dict.set("ID", id.clone());
    }
    dict.set("Length", table.len() as i64);
    out.extend_from_slice(format!("{xref_id} 0 obj\n").as_bytes());
    syntax::dictionary(&mut out, &dict);
    out.extend_from_slice(b"\nstream\n");
    out.extend_from_slice(&table);
    out.extend_from_slice(b"\nendstream\nendobj\n");
    out.extend_from_slice(format!("startxref\n{xref_offset}\n%%EOF\n").as_bytes());

    // The byte range, now that the length is known.
    let total = out.len();
    let numbers = [gap_start, gap_end, total - gap_end];
    let mut at = range_at + 3;
    for n in numbers {
        let digits = n.to_string();
        out[at..at + digits.len()].copy_from_slice(digits.as_bytes());
        at += RANGE_DIGITS + 1;
    }
    Prepared {
        bytes: out,
        gap: (gap_start, gap_end),
    }
}

fn push_object(
    out: &mut Vec<u8>,
    offsets: &mut Vec<(u32, u16, usize)>,
    id: ObjectId,
    object: &Object,
) {
    offsets.push((id.0, id.1, out.len()));
    out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
    syntax::object(out, object);
    out.extend_from_slice(b"\nendobj\n");
}

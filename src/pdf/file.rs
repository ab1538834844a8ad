//! The PDF file itself: objects packed into compressed object streams, a
//! cross-reference stream, and a trailer `/ID` that is a hash of the file.
//!
//! lopdf can write object streams, but it clones every object and serialises each
//! twice (once to measure it), one stream after another: 75 ms of a 400 ms build at
//! 4,000 items. Here each object is serialised once, by lopdf's own object writer,
//! and the streams are built and deflated on all cores.

use lopdf::{Document, Object, ObjectId};

use rayon::prelude::*;

use super::{deflate, syntax};
use sha2::{Digest, Sha256};

/// Objects per object stream: large enough for deflate to find the repetition
/// between similar dictionaries (pages, outline entries), small enough to spread
/// over the cores.
const OBJECTS_PER_STREAM: usize = 256;

/// Serialises `doc`, with the objects `raw` already serialised (their ids
/// taken from `doc`), as a complete PDF file.
///
/// Streams are written as they are (they are compressed already, or must not be,
/// like XMP); every other object goes into an object stream. The trailer `/ID` is
/// the first 16 bytes of a SHA-256 of everything before the cross-reference
/// stream, so identical input gives identical bytes and any change gives a new ID.
pub fn write(doc: &Document, raw: &[(ObjectId, Vec<u8>)]) -> Vec<u8> {
    let mut direct: Vec<(ObjectId, &Object)> = Vec::new();
    let mut packed: Vec<(ObjectId, Packed)> = Vec::new();
    for (&id, object) in &doc.objects {
        match object {
            Object::Stream(_) => direct.push((id, object)),
            _ if id.1 != 0 => direct.push((id, object)),
            _ => packed.push((id, Packed::Object(object))),
        }
    }
    packed.extend(raw.iter().map(|(id, bytes)| (*id, Packed::Raw(bytes))));
    let chunks: Vec<&[(ObjectId, Packed)]> = packed.chunks(OBJECTS_PER_STREAM).collect();
    // The objects written as they are (the page content streams above all) go
    // into the file while the object streams are built on the other cores.
    let (streams, (mut out, offsets)) = rayon::join(
        || {
            chunks
                .par_iter()
                .map(|chunk| object_stream(chunk))
                .collect::<Vec<Object>>()
        },
        || {
            let direct_bytes: usize = direct
                .iter()
                .map(|(_, o)| match o {
                    Object::Stream(s) => s.content.len() + 100,
                    _ => 100,
                })
                .sum();
            // Object streams come to about a tenth of what they hold.
            let mut out = Vec::with_capacity(direct_bytes + packed.len() * 16);
            out.extend_from_slice(format!("%PDF-{}\n", doc.version).as_bytes());
            // Four bytes above 127 mark the file as binary (PDF/A requires them).
            out.extend_from_slice(b"%\xE2\xE3\xCF\xD3\n");
            let mut offsets = Vec::with_capacity(direct.len());
            for (id, object) in &direct {
                offsets.push((*id, out.len() as u64));
                indirect(&mut out, *id, object);
            }
            (out, offsets)
        },
    );
    // Highest object number in use; the object streams and the cross-reference
    // stream are numbered after it.
    let max_id = doc
        .objects
        .keys()
        .chain(raw.iter().map(|(id, _)| id))
        .map(|id| id.0)
        .max()
        .unwrap_or(0);
    let size = max_id as usize + streams.len() + 2;
    // Per object number: (type, field 2, field 3) of its cross-reference entry.
    let mut xref: Vec<(u8, u64, u16)> = vec![(0, 0, 0); size];
    xref[0] = (0, 0, 65535);
    for (id, offset) in offsets {
        xref[id.0 as usize] = (1, offset, id.1);
    }
    for (k, (chunk, stream)) in chunks.iter().zip(streams).enumerate() {
        let stream_id = max_id + 1 + k as u32;
        for (index, (id, _)) in chunk.iter().enumerate() {
            // At most OBJECTS_PER_STREAM objects per stream, so the index fits.
            xref[id.0 as usize] = (2, u64::from(stream_id), index as u16);
        }
        xref[stream_id as usize] = (1, out.len() as u64, 0);
        indirect(&mut out, (stream_id, 0), &stream);
    }

    let xref_id = size as u32 - 1;
    let xref_offset = out.len();
    xref[xref_id as usize] = (1, xref_offset as u64, 0);
    // Offsets take four bytes, or eight in a file past 4 GB.
    let wide = xref_offset > u32::MAX as usize;
    let field2 = if wide { 8 } else { 4 };
    let mut table = Vec::with_capacity(size * (3 + field2));
    for (kind, offset, field3) in &xref {
        table.push(*kind);
        table.extend_from_slice(&offset.to_be_bytes()[8 - field2..]);
        table.extend_from_slice(&field3.to_be_bytes());
    }
    let mut dict = lopdf::Dictionary::new();
    dict.set("Type", Object::Name(b"XRef".to_vec()));
    dict.set("Size", size as i64);
    dict.set("W", vec![1.into(), (field2 as i64).into(), 2.into()]);
    for key in [&b"Root"[..], b"Info"] {
        if let Ok(value) = doc.trailer.get(key) {
            dict.set(key, value.clone());
        }
    }
    // The table (seven bytes per object: hundreds of KB in a long document) is
    // deflated while the file is hashed.
    let (digest, mut xref_stream) = rayon::join(
        || Sha256::digest(&out),
        || deflate::stream_at(dict, table, deflate::Level::Fast),
    );
    let id = Object::String(digest[..16].to_vec(), lopdf::StringFormat::Hexadecimal);
    xref_stream.dict.set("ID", vec![id.clone(), id]);
    let xref_stream = Object::Stream(xref_stream);
    indirect(&mut out, (xref_id, 0), &xref_stream);
    out.extend_from_slice(format!("startxref\n{xref_offset}\n%%EOF\n").as_bytes());
    out
}

/// An object that goes into an object stream.
enum Packed<'a> {
    Object(&'a Object),
    /// Serialised already.
    Raw(&'a [u8]),
}

/// One object stream holding `objects`, deflated.
fn object_stream(objects: &[(ObjectId, Packed)]) -> Object {
    let mut header = Vec::with_capacity(objects.len() * 12);
    let mut body = Vec::with_capacity(objects.len() * 200);
    for (id, object) in objects {
        syntax::uint(&mut header, u64::from(id.0));
        header.push(b' ');
        syntax::uint(&mut header, body.len() as u64);
        header.push(b' ');
        match object {
            Packed::Object(object) => syntax::object(&mut body, object),
            Packed::Raw(bytes) => body.extend_from_slice(bytes),
        }
        body.push(b'\n');
    }
    let first = header.len() as i64;
    header.extend_from_slice(&body);
    let mut dict = lopdf::Dictionary::new();
    dict.set("Type", Object::Name(b"ObjStm".to_vec()));
    dict.set("N", objects.len() as i64);
    dict.set("First", first);
    Object::Stream(deflate::stream_at(dict, header, deflate::Level::Fast))
}

/// Writes `N G obj … endobj`.
fn indirect(out: &mut Vec<u8>, id: ObjectId, object: &Object) {
    out.extend_from_slice(format!("{} {} obj\n", id.0, id.1).as_bytes());
    if let Object::Stream(s) = object {
        // The length is the content's, whatever the dictionary said before.
        let mut dict = s.dict.clone();
        dict.set("Length", s.content.len() as i64);
        syntax::dictionary(out, &dict);
        out.extend_from_slice(b"\nstream\n");
        out.extend_from_slice(&s.content);
        out.extend_from_slice(b"\nendstream");
    } else {
        syntax::object(out, object);
    }
    out.extend_from_slice(b"\nendobj\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn sample(body: &str) -> Document {
        let mut doc = Document::with_version("1.7");
        let pages = doc.new_object_id();
        let content = doc.add_object(lopdf::Stream::new(
            dictionary! {},
            format!("BT ET % {body}").into_bytes(),
        ));
        let page = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages, "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        });
        doc.objects.insert(
            pages,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
        doc.trailer.set("Root", catalog);
        // Every kind of value, in enough objects for more than one object stream.
        doc.add_object(dictionary! {
            "Rect" => vec![1.5.into(), (-2).into(), Object::Null, true.into()],
            "URI" => Object::string_literal("https://a.example/(x)\\y\r"),
            "Title" => Object::String(vec![0xFE, 0xFF, 0x66, 0x97], lopdf::StringFormat::Hexadecimal),
            "Odd name" => Object::Name(b"A B#".to_vec()),
            "P" => page,
        });
        for i in 0..599 {
            doc.add_object(dictionary! { "N" => i });
        }
        doc
    }

    #[test]
    fn file_reads_back_with_every_object() {
        let doc = sample("a");
        let bytes = write(&doc, &[]);
        let back = Document::load_mem(&bytes).unwrap();
        assert_eq!(back.get_pages().len(), 1);
        for (id, object) in &doc.objects {
            let read = back.get_object(*id).unwrap();
            match (object, read) {
                (Object::Stream(a), Object::Stream(b)) => assert_eq!(a.content, b.content),
                (a, b) => assert_eq!(a, b, "{id:?}"),
            }
        }
        let text = String::from_utf8_lossy(&bytes);
        assert_eq!(
            text.matches("/Type/ObjStm").count(),
            3,
            "604 objects in 3 streams"
        );
        assert!(text.ends_with("%%EOF\n"));
    }

    #[test]
    fn id_is_a_hash_of_the_content() {
        let id = |body: &str| {
            let back = Document::load_mem(&write(&sample(body), &[])).unwrap();
            back.trailer.get(b"ID").unwrap().clone()
        };
        assert_eq!(id("a"), id("a"));
        assert_ne!(id("a"), id("b"));
    }
}

//! PDF syntax: numbers, names, strings and whole lopdf objects as bytes.
//!
//! Shared by the content streams and the file writer. Numbers are written by hand
//! rather than through `fmt` (the format machinery was a tenth of the PDF time), and
//! reals with at most three decimals: a thousandth of a point is far below any
//! device's resolution, and rounding keeps float noise out of the file.

use lopdf::{Object, StringFormat};

/// An indirect object already written as PDF bytes, with its id: what
/// `file::write` packs into object streams beside the document's own objects.
pub type Serialised = (lopdf::ObjectId, Vec<u8>);

/// A real number, at most three decimals, no exponent, no trailing zeros.
pub fn real(out: &mut Vec<u8>, v: f32) {
    let milli = (f64::from(v) * 1000.0).round() as i64;
    if milli < 0 {
        out.push(b'-');
    }
    let m = milli.unsigned_abs();
    uint(out, m / 1000);
    let mut frac = m % 1000;
    if frac != 0 {
        out.push(b'.');
        let mut digits = 3;
        while frac.is_multiple_of(10) {
            frac /= 10;
            digits -= 1;
        }
        let s = [
            b'0' + (frac / 100 % 10) as u8,
            b'0' + (frac / 10 % 10) as u8,
            b'0' + (frac % 10) as u8,
        ];
        out.extend_from_slice(&s[3 - digits..]);
    }
}

/// An unsigned integer.
pub fn uint(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// A signed integer.
pub fn int(out: &mut Vec<u8>, v: i64) {
    if v < 0 {
        out.push(b'-');
    }
    uint(out, v.unsigned_abs());
}

/// A literal string: any byte goes, but `(`, `)` and `\` are escaped, and CR (which
/// a reader would turn into LF).
pub fn literal_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'(');
    literal_bytes(out, bytes);
    out.push(b')');
}

/// The inside of a literal string: `bytes` escaped as [`literal_string`] does.
pub fn literal_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    for &byte in bytes {
        match byte {
            b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
            b'\r' => out.extend_from_slice(b"\\r"),
            _ => out.push(byte),
        }
    }
}

fn hex_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'<');
    for &b in bytes {
        hex_byte(out, b);
    }
    out.push(b'>');
}

/// A name, with delimiters, white space and bytes outside `!`..`~` as `#xx`.
fn name(out: &mut Vec<u8>, bytes: &[u8]) {
    out.push(b'/');
    for &b in bytes {
        if (b'!'..=b'~').contains(&b) && !b"()<>[]{}/%#".contains(&b) {
            out.push(b);
        } else {
            out.push(b'#');
            hex_byte(out, b);
        }
    }
}

/// A byte as two upper-case hex digits.
pub fn hex_byte(out: &mut Vec<u8>, b: u8) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    out.push(HEX[usize::from(b >> 4)]);
    out.push(HEX[usize::from(b & 15)]);
}

/// A PDF text string: PDFDocEncoding for ASCII, UTF-16BE with a BOM otherwise.
pub fn text_string(s: &str) -> Object {
    if s.is_ascii() {
        Object::String(s.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xFE, 0xFF];
        for unit in s.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

/// Whether `o` starts with a regular character, so that it needs a space after a
/// preceding token that also ends with one.
fn starts_regular(o: &Object) -> bool {
    matches!(
        o,
        Object::Null
            | Object::Boolean(_)
            | Object::Integer(_)
            | Object::Real(_)
            | Object::Reference(_)
    )
}

/// Any object but a stream (a stream's dictionary is written as a dictionary).
pub fn object(out: &mut Vec<u8>, o: &Object) {
    match o {
        Object::Null => out.extend_from_slice(b"null"),
        Object::Boolean(b) => out.extend_from_slice(if *b { b"true" } else { b"false" }),
        Object::Integer(i) => int(out, *i),
        Object::Real(r) => real(out, *r),
        Object::Name(n) => name(out, n),
        Object::String(s, StringFormat::Literal) => literal_string(out, s),
        Object::String(s, StringFormat::Hexadecimal) => hex_string(out, s),
        Object::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 && starts_regular(item) {
                    out.push(b' ');
                }
                object(out, item);
            }
            out.push(b']');
        }
        Object::Dictionary(d) => dictionary(out, d),
        Object::Stream(s) => dictionary(out, &s.dict),
        Object::Reference((n, g)) => {
            uint(out, u64::from(*n));
            out.push(b' ');
            uint(out, u64::from(*g));
            out.extend_from_slice(b" R");
        }
    }
}

/// A dictionary.
pub fn dictionary(out: &mut Vec<u8>, d: &lopdf::Dictionary) {
    out.extend_from_slice(b"<<");
    entries(out, d);
    out.extend_from_slice(b">>");
}

/// The entries of `d` without the `<<` `>>` around them, for a dictionary
/// written partly by hand.
pub fn entries(out: &mut Vec<u8>, d: &lopdf::Dictionary) {
    for (key, value) in d {
        name(out, key);
        if starts_regular(value) {
            out.push(b' ');
        }
        object(out, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lopdf::dictionary;

    fn show(o: &Object) -> String {
        let mut out = Vec::new();
        object(&mut out, o);
        String::from_utf8_lossy(&out).into_owned()
    }

    #[test]
    fn numbers_are_short_and_exact() {
        let mut out = Vec::new();
        for v in [
            0.0, -0.0, 1.0, 0.5, -2.25, 595.2756, 0.0004, 12.1006, -0.0004,
        ] {
            real(&mut out, v);
            out.push(b' ');
        }
        int(&mut out, -42);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "0 0 1 0.5 -2.25 595.276 0 12.101 0 -42"
        );
    }

    #[test]
    fn objects_are_written_in_pdf_syntax() {
        let d = dictionary! {
            "Type" => "Annot",
            "Rect" => vec![1.5.into(), 2.into(), Object::Null, true.into()],
            "URI" => Object::string_literal("https://a.example/(x)\\y\r"),
            "Title" => Object::String(vec![0xFE, 0xFF, 0x66, 0x97], StringFormat::Hexadecimal),
            "Odd name" => Object::Name(b"A B#".to_vec()),
            "P" => Object::Reference((12, 0)),
            "Kids" => vec![Object::Reference((1, 0)), Object::Reference((2, 0))],
        };
        let text = show(&Object::Dictionary(d));
        assert_eq!(
            text,
            "<</Type/Annot/Rect[1.5 2 null true]/URI(https://a.example/\\(x\\)\\\\y\\r)\
             /Title<FEFF6697>/Odd#20name/A#20B#23/P 12 0 R/Kids[1 0 R 2 0 R]>>"
        );
    }

    #[test]
    fn text_strings() {
        assert_eq!(
            text_string("No. 1"),
            Object::String(b"No. 1".to_vec(), StringFormat::Literal)
        );
        assert_eq!(
            text_string("暗号"),
            Object::String(
                vec![0xFE, 0xFF, 0x66, 0x97, 0x53, 0xF7],
                StringFormat::Hexadecimal
            )
        );
    }
}

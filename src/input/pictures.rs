//! The pictures of a document (`![alt](path)` in its text): found, read and
//! decoded by the input gate, so that layout gets their sizes and the PDF their
//! pixels, and every problem with a picture is a `check` error at its place.

use std::path::Path;
use std::sync::Arc;

use super::positions::Positions;
use super::rules::Field;
use crate::error::Diagnostic;
use crate::model::markup;
use crate::model::picture::{Picture, PictureData, Pictures};

/// The largest picture file read.
pub const MAX_PICTURE_BYTES: u64 = 20 * 1024 * 1024;
/// The most pixels a picture may have across or down.
pub const MAX_PICTURE_PIXELS: u32 = 10_000;

/// Reads every picture the document's `fields` refer to (the fields
/// [`check`](super::rules::check) read: the printed ones, then the tool's own
/// phrases, which hold none), relative to the folder `base` of its YAML file.
/// Pictures that cannot be used come back as errors instead.
pub fn load(fields: &[Field], base: &Path, pos: &Positions) -> (Pictures, Vec<Diagnostic>) {
    let mut pictures = Pictures::new();
    let mut found = Vec::new();
    for field in fields {
        for p in markup::pictures(field.text) {
            if pictures.contains_key(p.path) {
                continue;
            }
            match read(&base.join(p.path)) {
                Ok(picture) => {
                    pictures.insert(p.path.to_string(), Arc::new(picture));
                }
                Err(why) => found.push(Diagnostic::error(
                    pos.find_text_in(&field.path, p.path)
                        .or_else(|| pos.get(&field.path)),
                    format!("{}: the picture {:?} {why}", field.place, p.path),
                )),
            }
        }
    }
    (pictures, found)
}

/// Reads and decodes one picture file; the error completes "the picture … ".
fn read(path: &Path) -> Result<Picture, String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!(
            "was not found at {}; a picture's path is relative to the YAML file's folder",
            path.display()
        ),
        _ => format!("cannot be read ({e})"),
    })?;
    if !meta.is_file() {
        return Err(format!("is not a file ({})", path.display()));
    }
    if meta.len() > MAX_PICTURE_BYTES {
        return Err(format!(
            "is {:.1} MB; the most a picture may be is 20 MB: save it smaller (a diagram rarely needs more than 1 MB)",
            meta.len() as f64 / 1_048_576.0
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| format!("cannot be read ({e})"))?;
    let picture = if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        png(&bytes)?
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        jpeg(bytes)?
    } else {
        return Err(
            "is neither a PNG nor a JPEG file; save it as PNG (diagrams) or JPEG (photographs)"
                .into(),
        );
    };
    if picture.width == 0 || picture.height == 0 {
        return Err("has no pixels".into());
    }
    Ok(picture)
}

fn too_large(width: u32, height: u32) -> Result<(), String> {
    if width > MAX_PICTURE_PIXELS || height > MAX_PICTURE_PIXELS {
        return Err(format!(
            "is {width}×{height} pixels; the most is {MAX_PICTURE_PIXELS} pixels across and down: scale it down"
        ));
    }
    Ok(())
}

/// A PNG decoded to 8-bit gray or RGB samples and a separate alpha channel
/// (dropped when every pixel is opaque).
fn png(bytes: &[u8]) -> Result<Picture, String> {
    let broken = |e: png::DecodingError| format!("is not a readable PNG file ({e})");
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let header = decoder.read_header_info().map_err(broken)?;
    too_large(header.width, header.height)?;
    let mut reader = decoder.read_info().map_err(broken)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| "is too large to decode".to_string())?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(broken)?;
    buf.truncate(frame.buffer_size());
    let (width, height) = (frame.width, frame.height);
    let (color, depth) = reader.output_color_type();
    if depth != png::BitDepth::Eight {
        return Err(format!(
            "has {depth:?}-bit samples that could not be read as 8-bit"
        ));
    }
    let (channels, gray, has_alpha) = match color {
        png::ColorType::Grayscale => (1, true, false),
        png::ColorType::GrayscaleAlpha => (2, true, true),
        png::ColorType::Rgb => (3, false, false),
        png::ColorType::Rgba => (4, false, true),
        png::ColorType::Indexed => return Err("has a palette that could not be expanded".into()),
    };
    // Rows are packed: 8-bit samples need no padding.
    let (samples, alpha) = if has_alpha {
        let color_channels = channels - 1;
        let pixels = buf.len() / channels;
        let mut samples = Vec::with_capacity(pixels * color_channels);
        let mut alpha = Vec::with_capacity(pixels);
        for px in buf.chunks_exact(channels) {
            samples.extend_from_slice(&px[..color_channels]);
            alpha.push(px[color_channels]);
        }
        let opaque = alpha.iter().all(|&a| a == 255);
        (samples, (!opaque).then_some(alpha))
    } else {
        (buf, None)
    };
    Ok(Picture {
        width,
        height,
        data: PictureData::Pixels {
            samples,
            gray,
            alpha,
        },
    })
}

/// A JPEG kept as it is: its size and colour components come from its frame
/// header (SOF), which the PDF reader's DCT decoder reads itself.
fn jpeg(bytes: Vec<u8>) -> Result<Picture, String> {
    let broken = || "is not a readable JPEG file (no frame header)".to_string();
    let mut i = 2;
    loop {
        // Markers may be padded with 0xFF bytes.
        while bytes.get(i) == Some(&0xFF) && bytes.get(i + 1) == Some(&0xFF) {
            i += 1;
        }
        if bytes.get(i) != Some(&0xFF) {
            return Err(broken());
        }
        let marker = *bytes.get(i + 1).ok_or_else(broken)?;
        let len = usize::from(u16::from_be_bytes([
            *bytes.get(i + 2).ok_or_else(broken)?,
            *bytes.get(i + 3).ok_or_else(broken)?,
        ]));
        let is_frame = matches!(marker, 0xC0..=0xCF) && !matches!(marker, 0xC4 | 0xC8 | 0xCC);
        if is_frame {
            let seg = bytes.get(i + 4..i + 2 + len).ok_or_else(broken)?;
            if seg.len() < 6 {
                return Err(broken());
            }
            let height = u32::from(u16::from_be_bytes([seg[1], seg[2]]));
            let width = u32::from(u16::from_be_bytes([seg[3], seg[4]]));
            let components = seg[5];
            if seg[0] != 8 {
                return Err(format!(
                    "has {}-bit samples; save it as an ordinary 8-bit JPEG",
                    seg[0]
                ));
            }
            too_large(width, height)?;
            if components != 1 && components != 3 {
                return Err(format!(
                    "has {components} colour components (CMYK?); save it as an RGB or grayscale JPEG"
                ));
            }
            return Ok(Picture {
                width,
                height,
                data: PictureData::Jpeg { bytes, components },
            });
        }
        if marker == 0xD9 || marker == 0xDA {
            return Err(broken());
        }
        i += 2 + len;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png_bytes(width: u32, height: u32, color: png::ColorType, pixels: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut e = png::Encoder::new(&mut out, width, height);
        e.set_color(color);
        e.set_depth(png::BitDepth::Eight);
        let mut w = e.write_header().unwrap();
        w.write_image_data(pixels).unwrap();
        w.finish().unwrap();
        out
    }

    #[test]
    fn png_alpha_is_split_and_dropped_when_opaque() {
        let rgba = [255, 0, 0, 128, 0, 255, 0, 255];
        let p = png(&png_bytes(2, 1, png::ColorType::Rgba, &rgba)).unwrap();
        assert_eq!((p.width, p.height), (2, 1));
        let PictureData::Pixels {
            samples,
            gray,
            alpha,
        } = p.data
        else {
            panic!()
        };
        assert_eq!(
            (samples, gray, alpha),
            (vec![255, 0, 0, 0, 255, 0], false, Some(vec![128, 255]))
        );
        let opaque = [10, 255, 20, 255];
        let p = png(&png_bytes(2, 1, png::ColorType::GrayscaleAlpha, &opaque)).unwrap();
        let PictureData::Pixels { gray, alpha, .. } = p.data else {
            panic!()
        };
        assert!(gray && alpha.is_none());
    }

    #[test]
    fn oversized_and_foreign_files_are_refused() {
        let wide = png_bytes(10_001, 1, png::ColorType::Grayscale, &vec![0; 10_001]);
        assert!(png(&wide).unwrap_err().contains("10001×1 pixels"));
        let dir = std::env::temp_dir().join(format!("disclosure-pictures-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let gif = dir.join("a.gif");
        std::fs::write(&gif, b"GIF89a....").unwrap();
        assert!(read(&gif).unwrap_err().contains("neither a PNG nor a JPEG"));
        assert!(
            read(&dir.join("none.png"))
                .unwrap_err()
                .contains("was not found")
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn jpeg_size_comes_from_its_frame_header() {
        // SOI, an APP0 segment, SOF0 of 3×2 pixels in 3 components, EOI.
        let mut j = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00];
        j.extend([0xFF, 0xC0, 0x00, 0x11, 8, 0, 2, 0, 3, 3]);
        j.extend([1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
        j.extend([0xFF, 0xD9]);
        let p = jpeg(j.clone()).unwrap();
        assert_eq!((p.width, p.height), (3, 2));
        assert!(matches!(p.data, PictureData::Jpeg { components: 3, .. }));
        assert!(jpeg(vec![0xFF, 0xD8, 0xFF, 0xD9]).is_err());
        assert!(jpeg(vec![0xFF, 0xD8]).is_err());
    }
}

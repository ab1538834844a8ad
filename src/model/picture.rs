//! Pictures a document's text refers to (`![alt](path)`), read by the input gate.

use std::collections::BTreeMap;
use std::sync::Arc;

/// A picture's pixels, ready to be written into the PDF.
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    pub width: u32,
    pub height: u32,
    pub data: PictureData,
}

/// How a picture's pixels are held.
#[derive(Clone, PartialEq, Eq)]
pub enum PictureData {
    /// A JPEG file as it is (the PDF's DCTDecode reads it without re-encoding).
    Jpeg {
        bytes: Vec<u8>,
        /// 1 (gray) or 3 (colour).
        components: u8,
    },
    /// Decoded 8-bit samples (from a PNG), row by row.
    Pixels {
        /// Gray (1 sample per pixel) or RGB (3).
        samples: Vec<u8>,
        gray: bool,
        /// The alpha channel, one byte per pixel, when the picture has one.
        alpha: Option<Vec<u8>>,
    },
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match &self.data {
            PictureData::Jpeg { .. } => "JPEG",
            PictureData::Pixels { alpha: Some(_), .. } => "pixels with alpha",
            PictureData::Pixels { .. } => "pixels",
        };
        write!(f, "Picture({}×{} {kind})", self.width, self.height)
    }
}

/// The pictures of a document, by their path as written in the YAML.
pub type Pictures = BTreeMap<String, Arc<Picture>>;

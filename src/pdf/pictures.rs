//! Picture XObjects: JPEG files as they are (DCTDecode), PNG pixels deflated
//! with their alpha channel as a soft mask (allowed in PDF/A-2, ISO 19005-2 6.4).

use std::sync::Arc;

use lopdf::{Dictionary, Object, ObjectId};

use super::deflate;
use crate::layout::{Element, Page};
use crate::model::picture::{Picture, PictureData};

/// The distinct pictures drawn on `pages`, in order of first use: picture `n` is
/// the resource `Im{n}`.
pub fn collect(pages: &[Page]) -> Vec<Arc<Picture>> {
    let mut out: Vec<Arc<Picture>> = Vec::new();
    for e in pages.iter().flat_map(|p| &p.elements) {
        if let Element::Picture { picture, .. } = e
            && !out.iter().any(|p| Arc::ptr_eq(p, picture))
        {
            out.push(picture.clone());
        }
    }
    out
}

/// Adds the image XObjects of `pictures` to `doc`; the dictionary maps the
/// resource names to them.
pub fn add(doc: &mut lopdf::Document, pictures: &[Arc<Picture>]) -> Dictionary {
    let mut names = Dictionary::new();
    for (n, picture) in pictures.iter().enumerate() {
        let id = add_one(doc, picture);
        names.set(format!("Im{n}"), id);
    }
    names
}

fn image_dict(picture: &Picture, color_space: &str, bits: i64) -> Dictionary {
    let mut d = Dictionary::new();
    d.set("Type", Object::Name(b"XObject".to_vec()));
    d.set("Subtype", Object::Name(b"Image".to_vec()));
    d.set("Width", i64::from(picture.width));
    d.set("Height", i64::from(picture.height));
    d.set("ColorSpace", Object::Name(color_space.as_bytes().to_vec()));
    d.set("BitsPerComponent", bits);
    d
}

fn add_one(doc: &mut lopdf::Document, picture: &Picture) -> ObjectId {
    match &picture.data {
        PictureData::Jpeg { bytes, components } => {
            let space = if *components == 1 {
                "DeviceGray"
            } else {
                "DeviceRGB"
            };
            let mut d = image_dict(picture, space, 8);
            d.set("Filter", Object::Name(b"DCTDecode".to_vec()));
            doc.add_object(lopdf::Stream::new(d, bytes.clone()))
        }
        PictureData::Pixels {
            samples,
            gray,
            alpha,
        } => {
            let space = if *gray { "DeviceGray" } else { "DeviceRGB" };
            let mut d = image_dict(picture, space, 8);
            if let Some(alpha) = alpha {
                let mask = deflate::stream(image_dict(picture, "DeviceGray", 8), alpha.clone());
                let mask_id = doc.add_object(mask);
                d.set("SMask", mask_id);
            }
            doc.add_object(deflate::stream(d, samples.clone()))
        }
    }
}

//! A small sRGB ICC profile (version 2.1, display class), built in code so that no
//! third-party profile file has to be shipped. PDF/A needs it as the output intent
//! of DeviceRGB colour. Primaries are the sRGB ones adapted to D50 (Bradford), the
//! tone curve the exact sRGB transfer function sampled at 1024 points.

/// The profile bytes.
pub fn srgb_profile() -> Vec<u8> {
    fn s15(v: f64) -> [u8; 4] {
        ((v * 65536.0).round() as i32).to_be_bytes()
    }
    fn xyz(x: f64, y: f64, z: f64) -> Vec<u8> {
        let mut t = b"XYZ \0\0\0\0".to_vec();
        for v in [x, y, z] {
            t.extend_from_slice(&s15(v));
        }
        t
    }
    let desc = {
        let text = b"sRGB IEC61966-2.1\0";
        let mut t = b"desc\0\0\0\0".to_vec();
        t.extend_from_slice(&(text.len() as u32).to_be_bytes());
        t.extend_from_slice(text);
        t.extend_from_slice(&[0; 4 + 4 + 2 + 1 + 67]); // no Unicode or ScriptCode text
        t
    };
    let cprt = b"text\0\0\0\0No copyright, use freely\0".to_vec();
    let trc = {
        let n = 1024u32;
        let mut t = b"curv\0\0\0\0".to_vec();
        t.extend_from_slice(&n.to_be_bytes());
        for i in 0..n {
            let v = i as f64 / (n - 1) as f64;
            let lin = if v <= 0.04045 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            };
            t.extend_from_slice(&((lin * 65535.0).round() as u16).to_be_bytes());
        }
        t
    };
    let tags: Vec<(&[u8; 4], Vec<u8>)> = vec![
        (b"desc", desc),
        (b"cprt", cprt),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.436_074_7, 0.222_504_5, 0.013_932_2)),
        (b"gXYZ", xyz(0.385_064_9, 0.716_878_6, 0.097_104_5)),
        (b"bXYZ", xyz(0.143_080_4, 0.060_616_9, 0.714_173_3)),
        (b"rTRC", trc),
    ];
    // gTRC and bTRC share rTRC's data.
    let table_len = 4 + 12 * (tags.len() + 2);
    let mut data = Vec::new();
    let mut entries = Vec::new();
    let mut offset = 128 + table_len;
    for (sig, body) in &tags {
        entries.push((**sig, offset, body.len()));
        data.extend_from_slice(body);
        while data.len() % 4 != 0 {
            data.push(0);
        }
        offset = 128 + table_len + data.len();
    }
    let (_, trc_at, trc_len) = entries[entries.len() - 1];
    entries.push((*b"gTRC", trc_at, trc_len));
    entries.push((*b"bTRC", trc_at, trc_len));

    let size = 128 + table_len + data.len();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(&(size as u32).to_be_bytes());
    out.extend_from_slice(&[0; 4]); // CMM
    out.extend_from_slice(&0x0210_0000u32.to_be_bytes()); // version 2.1
    out.extend_from_slice(b"mntrRGB XYZ ");
    for v in [2026u16, 1, 1, 0, 0, 0] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(b"acsp");
    out.extend_from_slice(&[0; 4 + 4 + 4 + 4 + 8 + 4]); // platform, flags, maker, model, attributes, intent
    out.extend_from_slice(&s15(0.9642));
    out.extend_from_slice(&s15(1.0));
    out.extend_from_slice(&s15(0.8249));
    out.resize(128, 0);
    out.extend_from_slice(&((tags.len() + 2) as u32).to_be_bytes());
    for (sig, at, len) in entries {
        out.extend_from_slice(&sig);
        out.extend_from_slice(&(at as u32).to_be_bytes());
        out.extend_from_slice(&(len as u32).to_be_bytes());
    }
    out.extend_from_slice(&data);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_tags_are_consistent() {
        let p = srgb_profile();
        assert_eq!(
            u32::from_be_bytes(p[0..4].try_into().unwrap()) as usize,
            p.len()
        );
        assert_eq!(&p[12..24], b"mntrRGB XYZ ");
        assert_eq!(&p[36..40], b"acsp");
        let n = u32::from_be_bytes(p[128..132].try_into().unwrap()) as usize;
        assert_eq!(n, 9);
        for k in 0..n {
            let e = &p[132 + 12 * k..144 + 12 * k];
            let (at, len) = (
                u32::from_be_bytes(e[4..8].try_into().unwrap()) as usize,
                u32::from_be_bytes(e[8..12].try_into().unwrap()) as usize,
            );
            assert_eq!(at % 4, 0);
            assert!(at + len <= p.len());
            // Every tag starts with its type signature.
            let ty = &p[at..at + 4];
            assert!(
                [&b"desc"[..], b"text", b"XYZ ", b"curv"].contains(&ty),
                "{:?}",
                &e[..4]
            );
        }
    }
}

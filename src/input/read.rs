//! Reading the file: size, encoding, byte order mark, characters and nesting that
//! YAML parsers reject without saying where.

use std::path::Path;

use super::positions::line_col;
use crate::error::{Diagnostic, Error};

/// The largest input read. A disclosure document is some tens of kilobytes and the
/// 40,000-item benchmark document 29 MB; the limit keeps a wrong file (a log, a
/// disk image) from taking the machine's memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// The deepest `[`/`{` nesting accepted. libyaml's time grows with the square of the
/// nesting depth (100,000 unclosed brackets took 43 s), and the format itself needs
/// three levels.
pub const MAX_FLOW_DEPTH: usize = 200;

/// Reads `path` as UTF-8 text, within [`MAX_INPUT_BYTES`].
pub fn read_text(path: &Path) -> Result<String, Error> {
    let io = |source| Error::Io {
        path: path.to_path_buf(),
        action: "read the input",
        source,
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_INPUT_BYTES {
        return Err(invalid(
            path,
            None,
            format!(
                "the file is {:.1} MB; at most {} MB is read (is this the right file?)",
                size as f64 / 1e6,
                MAX_INPUT_BYTES / 1024 / 1024
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(io)?;
    String::from_utf8(bytes).map_err(|e| {
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        // Up to `valid_up_to` the bytes are valid UTF-8 by definition.
        let before = std::str::from_utf8(good).unwrap_or_default();
        let byte = e.as_bytes()[good.len()];
        invalid(
            path,
            Some(line_col(before, before.len())),
            format!(
                "byte 0x{byte:02X} is not UTF-8; save the file as UTF-8 (not Shift_JIS or UTF-16)"
            ),
        )
    })
}

/// The text without a leading byte order mark, after the checks that must come
/// before any YAML parser sees it.
pub fn precheck<'t>(path: &Path, text: &'t str) -> Result<&'t str, Error> {
    // Editors on Windows like to start UTF-8 files with a byte order mark; editors
    // do not count it as a column.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if text.trim().is_empty() {
        return Err(invalid(
            path,
            None,
            "the file is empty; it needs `document:` and `categories:` (see the README for the format)".into(),
        ));
    }
    let (deep, control) = scan(text);
    if let Some(at) = deep {
        return Err(invalid(
            path,
            Some(line_col(text, at)),
            format!(
                "brackets nest more than {MAX_FLOW_DEPTH} levels deep; this format needs a handful at most"
            ),
        ));
    }
    // libyaml rejects these without a line number; say where and what to do.
    if let Some(at) = control {
        let c = text[at..].chars().next().unwrap_or('\0');
        return Err(invalid(
            path,
            Some(line_col(text, at)),
            format!(
                "control character U+{:04X} is not allowed in YAML; remove it (disclosure-pdf fix --write does)",
                c as u32
            ),
        ));
    }
    Ok(text)
}

fn invalid(path: &Path, position: Option<(usize, usize)>, message: String) -> Error {
    Error::Invalid {
        path: path.to_path_buf(),
        diagnostics: vec![Diagnostic::error(position, message)],
    }
}

/// One pass over the bytes: where flow brackets first nest deeper than
/// [`MAX_FLOW_DEPTH`] (every ASCII bracket counts, quoted or not: legitimate text
/// never comes near the limit), and where the first control character is that
/// YAML does not allow (C0 but tab and line breaks, DEL, C1 but NEL). Both are
/// byte offsets.
///
/// Most of a file is text with none of those bytes: it is skipped 64 bytes at a
/// time with a test the compiler turns into vector compares (a byte-by-byte
/// match took 2 ms of a 2 MB file).
fn scan(text: &str) -> (Option<usize>, Option<usize>) {
    let bytes = text.as_bytes();
    let (mut depth, mut deep, mut control) = (0usize, None, None);
    let plain = |chunk: &[u8]| {
        !chunk.iter().fold(false, |any, &b| {
            any | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
                | (b == 0x7F)
                | (b == 0xC2)
                | ((b | 0x20) == b'{')
                | ((b | 0x20) == b'}')
        })
    };
    for (k, chunk) in bytes.chunks(64).enumerate() {
        if plain(chunk) {
            continue;
        }
        let start = k * 64;
        for (j, &b) in chunk.iter().enumerate() {
            let i = start + j;
            match b {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_FLOW_DEPTH && deep.is_none() {
                        deep = Some(i);
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                b'\t' | b'\n' | b'\r' => {}
                0..=0x1F | 0x7F if control.is_none() => control = Some(i),
                // U+0080..U+009F are 0xC2 0x80..0x9F in UTF-8; U+0085 (NEL) is a line break.
                0xC2 if control.is_none()
                    && matches!(bytes.get(i + 1), Some(0x80..=0x9F))
                    && bytes.get(i + 1) != Some(&0x85) =>
                {
                    control = Some(i)
                }
                _ => {}
            }
            if deep.is_some() {
                return (deep, control);
            }
        }
    }
    (deep, control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_byte_scan_finds_what_a_character_scan_finds() {
        for c in (0..0x100u32).filter_map(char::from_u32) {
            let text = format!("a: 用{c}");
            let by_chars = text
                .char_indices()
                .find(|&(_, c)| c.is_control() && !matches!(c, '\t' | '\r' | '\n' | '\u{85}'))
                .map(|(i, _)| i);
            assert_eq!(scan(&text).1, by_chars, "{c:?}");
        }
    }

    #[test]
    fn the_scan_finds_bytes_in_any_chunk() {
        // Plain runs of every length around the 64-byte chunks, then the byte.
        for pad in [0, 1, 62, 63, 64, 65, 127, 128, 200] {
            let plain = "あ".repeat(pad / 3) + &"a".repeat(pad % 3);
            let at = plain.len();
            assert_eq!(scan(&format!("{plain}\u{7}x")).1, Some(at), "{pad}");
            assert_eq!(
                scan(&format!("{plain}\u{85}\u{9F}")).1,
                Some(at + 2),
                "{pad}"
            );
            assert_eq!(scan(&format!("{plain}\n\t\r ok")), (None, None), "{pad}");
            let deep = format!("{plain}{}", "[".repeat(MAX_FLOW_DEPTH + 1));
            assert_eq!(scan(&deep).0, Some(at + MAX_FLOW_DEPTH), "{pad}");
            let balanced = format!("{plain}{}", "[{}]".repeat(MAX_FLOW_DEPTH + 1));
            assert_eq!(scan(&balanced), (None, None), "{pad}");
        }
    }

    #[test]
    fn control_character_is_found_after_multibyte_text() {
        let err = precheck(Path::new("f.yaml"), "a: 用用\nb: x\u{7}").unwrap_err();
        assert!(
            err.to_string()
                .starts_with("f.yaml:2:5: error: control character U+0007"),
            "{err}"
        );
    }
}

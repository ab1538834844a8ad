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
    if let Some(at) = too_deep(text) {
        return Err(invalid(
            path,
            Some(line_col(text, at)),
            format!(
                "brackets nest more than {MAX_FLOW_DEPTH} levels deep; this format needs a handful at most"
            ),
        ));
    }
    // libyaml rejects these without a line number; say where and what to do.
    if let Some((at, c)) = text
        .char_indices()
        .find(|&(_, c)| c.is_control() && c != '\t' && c != '\r' && c != '\n' && c != '\u{85}')
    {
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

/// The byte offset where flow brackets first nest deeper than [`MAX_FLOW_DEPTH`],
/// if they do. Counts every ASCII bracket, quoted or not: legitimate text never
/// comes near the limit.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_FLOW_DEPTH {
                    return Some(i);
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

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

//! A long document parsed on all cores: its `categories:` (or flat `items:`)
//! list cut between entries, each piece deserialized by serde_yaml on its own.
//!
//! serde_yaml reads about 100 KB of YAML per millisecond and cannot be split
//! itself; at 3,800 items it was the longest step before layout (22 of 135 ms).
//! The list that holds nearly all of a document's text is a block sequence whose
//! entries start on lines of their own (`  - title:`), and a line at that
//! indentation ends every deeper construct (block scalars, nested mappings). So
//! the text up to an entry is a document of its own with the list cut short,
//! and `categories:` followed by the entries from there on is one too.
//!
//! Only plain texts are cut: no anchor may be defined (a piece could lose the
//! one its alias names), and what follows the list (a line at or left of its
//! entries' indentation that is not an entry: the next key, a document marker)
//! is parsed with the first piece, where the whole text would read it. Every piece must parse: a quoted or flow
//! scalar that spans a cut leaves the piece before it unterminated, so pieces
//! that all parse read as the whole does. When any piece fails, the whole text
//! is parsed again, so an error reads exactly as before (with its line and
//! column in the file, not in a piece).

use rayon::prelude::*;
use serde::Deserialize;

use super::{Category, Document, Item};

/// Texts shorter than this are parsed whole: the cut costs more than it gains.
pub const MIN_SPLIT: usize = 256 * 1024;
/// Pieces are about this long, so that rayon can balance them with the other
/// parse (positions) running beside.
const PIECE: usize = 128 * 1024;

/// The list after the cut: what follows a piece's `categories:` or `items:`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Tail {
    #[serde(default)]
    categories: Vec<Category>,
    #[serde(default)]
    items: Vec<Item>,
}

/// `serde_yaml::from_str`, with a long document's list parsed in pieces on all
/// cores when the text allows it (see the module docs); texts of at least
/// `min` bytes are considered.
pub fn from_str(text: &str, min: usize) -> Result<Document, serde_yaml::Error> {
    from_str_in(text, min, PIECE)
}

/// [`from_str`] in pieces of at least `piece` bytes.
fn from_str_in(text: &str, min: usize, piece: usize) -> Result<Document, serde_yaml::Error> {
    if text.len() >= min
        && let Some(cut) = cut_points(text, piece)
        && let Some(doc) = parse_pieces(text, &cut)
    {
        return Ok(doc);
    }
    serde_yaml::from_str(text)
}

/// Where the text can be cut: the list's key (`categories` or `items`) and the
/// byte offsets of the entry lines to cut before, each piece at least `piece`
/// long; `None` when the text is not one this module cuts.
struct Cut<'t> {
    key: &'t str,
    at: Vec<usize>,
    /// Where the list ends: the top-level keys after it (if any) start here,
    /// and are parsed with the text before the first cut.
    end: usize,
}

fn cut_points(text: &str, piece: usize) -> Option<Cut<'_>> {
    // The list's key: a top-level `categories:` or `items:` line, once.
    let mut lines = line_starts(text);
    let (key, after) = lines.find_map(|(at, line)| {
        let key = line.trim_end().strip_suffix(':')?;
        (key == "categories" || key == "items").then_some((key, at + line.len()))
    })?;
    if has_anchor(text) {
        return None;
    }
    let rest = &text[after..];
    let mut indent: Option<usize> = None;
    let mut at = Vec::new();
    let mut last = after;
    let mut end = text.len();
    for (start, line) in line_starts(rest) {
        let body = line.trim_start_matches(' ');
        if body.trim().is_empty() || body.starts_with('#') {
            continue;
        }
        let depth = line.len() - body.len();
        let entry = body.starts_with("- ");
        match indent {
            // The first line after the key opens the list.
            None if entry => indent = Some(depth),
            None => return None,
            // The list ends: a key after it (or anything else there) goes with
            // the first piece, where the whole text would read it.
            Some(d) if depth < d || (depth == d && !entry) => {
                end = after + start;
                break;
            }
            Some(d) if depth == d => {
                let start = after + start;
                if start - last >= piece {
                    at.push(start);
                    last = start;
                }
            }
            Some(_) => {}
        }
    }
    // The last piece need not be long, but it must not be a sliver.
    if at.last().is_some_and(|&l| end - l < piece / 2) {
        at.pop();
    }
    (!at.is_empty()).then_some(Cut { key, at, end })
}

/// Each line of `text` with its byte offset, line end included.
fn line_starts(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_inclusive('\n').scan(0, |at, line| {
        let start = *at;
        *at += line.len();
        Some((start, line))
    })
}

/// Whether `text` may define an anchor: an `&` where a node can start (after a
/// space, a line start or a flow indicator) with a name after it. Without one,
/// no alias anywhere can resolve, so an alias fails the whole text and the
/// piece that holds it alike; with one, a piece could lose the anchor its alias
/// refers to. A false alarm (`R &D` in a text) only means a parse in one piece.
fn has_anchor(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, &b)| {
        b == b'&'
            && (i == 0 || matches!(bytes[i - 1], b' ' | b'\n' | b'\t' | b'[' | b'{' | b','))
            && bytes.get(i + 1).is_some_and(|n| {
                !matches!(
                    n,
                    b' ' | b'\n' | b'\r' | b'\t' | b',' | b'[' | b']' | b'{' | b'}'
                )
            })
    })
}

/// The document from its pieces, or `None` if any piece does not parse.
fn parse_pieces(text: &str, cut: &Cut<'_>) -> Option<Document> {
    let bounds: Vec<(usize, usize)> = cut
        .at
        .iter()
        .zip(cut.at.iter().skip(1).chain([&cut.end]))
        .map(|(&a, &b)| (a, b))
        .collect();
    let (head, tails) = rayon::join(
        || {
            let head = match &text[cut.end..] {
                "" => std::borrow::Cow::Borrowed(&text[..cut.at[0]]),
                after => std::borrow::Cow::Owned(format!("{}{after}", &text[..cut.at[0]])),
            };
            serde_yaml::from_str::<Document>(&head).ok()
        },
        || {
            bounds
                .par_iter()
                .map(|&(a, b)| {
                    let piece = format!("{}:\n{}", cut.key, &text[a..b]);
                    serde_yaml::from_str::<Tail>(&piece).ok()
                })
                .collect::<Option<Vec<Tail>>>()
        },
    );
    let mut doc = head?;
    for tail in tails? {
        if cut.key == "categories" {
            doc.categories.extend(tail.categories);
        } else {
            doc.items.get_or_insert_default().extend(tail.items);
        }
    }
    Some(doc)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of `n` categories of three items each, with block scalars,
    /// quoted titles, comments and blank lines, the list last.
    fn long(n: usize, flat: bool) -> String {
        let mut s = String::from(
            "document:\n  id: t\n  title: T\n  issuer: I\n  service: S\n  version: '1.0'\n  date: 2026-01-01\n",
        );
        s.push_str(if flat { "items:\n" } else { "categories:\n" });
        for c in 0..n {
            if !flat {
                s.push_str(&format!("  - title: \"分類{c}\"\n    items:\n"));
            }
            let pad = if flat { "  " } else { "      " };
            for i in 0..3 {
                s.push_str(&format!(
                    "{pad}- no: {}\n{pad}  title: 項目 {c}-{i}  # comment\n{pad}  content: |\n{pad}    本文の一行目です。\n\n{pad}    - 二行目 (箇条書き) と \"引用\"\n",
                    c * 3 + i + 1
                ));
            }
            s.push('\n');
        }
        s
    }

    #[test]
    fn pieces_parse_to_the_whole() {
        for flat in [false, true] {
            let text = long(40, flat);
            let cut = cut_points(&text, 200).expect("a plain long text is cut");
            assert!(cut.at.len() > 5, "{}", cut.at.len());
            let whole: Document = serde_yaml::from_str(&text).unwrap();
            assert_eq!(parse_pieces(&text, &cut), Some(whole.clone()));
            assert_eq!(from_str(&text, 0).unwrap(), whole);
        }
    }

    #[test]
    fn the_documents_of_the_project_parse_alike_cut_at_every_entry() {
        let mut cut_any = 0;
        for path in [
            "data/kamiless.yaml",
            "examples/caiq.yaml",
            "examples/guideline.yaml",
            "examples/whitepaper.yaml",
        ] {
            let text = std::fs::read_to_string(path).unwrap();
            let whole: Document = serde_yaml::from_str(&text).unwrap();
            if let Some(cut) = cut_points(&text, 1) {
                cut_any += 1;
                assert_eq!(parse_pieces(&text, &cut).as_ref(), Some(&whole), "{path}");
            }
            assert_eq!(from_str_in(&text, 0, 1).unwrap(), whole, "{path}");
        }
        assert!(cut_any >= 2, "{cut_any}");
    }

    #[test]
    fn hostile_texts_read_alike_cut_at_every_entry() {
        // The fuzzing fixtures (alias bombs, tabs, CRLF, BOM, empty lists, ...):
        // cut wherever the cut allows, the same document or the same error.
        let mut read = 0;
        for entry in std::fs::read_dir("tests/fixtures").unwrap() {
            let path = entry.unwrap().path();
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue; // not UTF-8: refused before parsing
            };
            read += 1;
            let whole = serde_yaml::from_str::<Document>(&text).map_err(|e| e.to_string());
            let split = from_str_in(&text, 0, 1).map_err(|e| e.to_string());
            assert_eq!(split, whole, "{}", path.display());
        }
        assert!(read > 10, "{read}");
    }

    #[test]
    fn texts_that_could_read_differently_are_not_cut() {
        let base = long(40, false);
        for (what, text) in [
            (
                "anchor",
                base.replace("title: 項目 3-1", "title: &a 項目 3-1"),
            ),
            ("anchor in a flow", base.replace("- no: 7", "- {no: &n 7}")),
        ] {
            assert!(cut_points(&text, 200).is_none(), "{what}");
        }
        // A tab-indented line ends the list where the cut looks, and fails the
        // first piece: the whole text gives its error.
        let tab = base.replace("      - no: 9", "\t- no: 9");
        let whole = serde_yaml::from_str::<Document>(&tab).map_err(|e| e.to_string());
        assert_eq!(from_str_in(&tab, 0, 200).map_err(|e| e.to_string()), whole);
    }

    #[test]
    fn keys_after_the_list_are_read_with_the_first_piece() {
        let text = format!(
            "{}revisions:\n  - version: '0.9'\n    date: 2025-01-01\n    changes: 初版\n",
            long(40, false)
        );
        let cut = cut_points(&text, 200).expect("cut");
        assert!(text[cut.end..].starts_with("revisions:"));
        let whole: Document = serde_yaml::from_str(&text).unwrap();
        assert_eq!(whole.revisions.len(), 1);
        assert_eq!(parse_pieces(&text, &cut), Some(whole));
        // A key given twice, once before the list and once after: refused alike.
        let twice = format!("{}document: {{}}\n", long(40, false));
        let whole = serde_yaml::from_str::<Document>(&twice).unwrap_err();
        assert_eq!(
            from_str_in(&twice, 0, 200).unwrap_err().to_string(),
            whole.to_string()
        );
        // A second document after the list: refused alike.
        let two = format!("{}---\ndocument: {{}}\n", long(40, false));
        let whole = serde_yaml::from_str::<Document>(&two).unwrap_err();
        assert_eq!(
            from_str_in(&two, 0, 200).unwrap_err().to_string(),
            whole.to_string()
        );
    }

    #[test]
    fn anchors_are_told_from_ampersands_in_text() {
        assert!(has_anchor("a: &x 1"));
        assert!(has_anchor("- [&x 1]"));
        assert!(has_anchor("&top\n"));
        assert!(!has_anchor("url: https://e.jp/?a=1&b=2"));
        assert!(!has_anchor("t: R & D"));
        // An alias without an anchor fails whole and in its piece alike.
        let text = long(40, false).replace("title: 項目 30-1", "title: *nowhere");
        let whole = serde_yaml::from_str::<Document>(&text).unwrap_err();
        assert_eq!(
            from_str(&text, 0).unwrap_err().to_string(),
            whole.to_string()
        );
    }

    #[test]
    fn a_quoted_scalar_across_a_cut_fails_its_piece_and_parses_whole() {
        // A double-quoted title that runs on over an entry-like line.
        let text = long(40, false).replace("title: \"分類20\"", "title: \"分類20\n  - 続き\"");
        let whole = serde_yaml::from_str::<Document>(&text);
        let cut = cut_points(&text, 1).expect("cut");
        assert!(cut.at.iter().any(|&a| text[a..].starts_with("  - 続き")));
        assert!(parse_pieces(&text, &cut).is_none());
        assert_eq!(
            from_str_in(&text, 0, 1).map_err(|e| e.to_string()),
            whole.map_err(|e| e.to_string())
        );
    }

    #[test]
    fn a_piece_that_fails_gives_the_error_of_the_whole_text() {
        // An unknown key deep in the last piece: the same message and place.
        let text = long(40, false).replace("- title: \"分類39\"", "- titel: \"分類39\"");
        let whole = serde_yaml::from_str::<Document>(&text).unwrap_err();
        let split = from_str(&text, 0).unwrap_err();
        assert_eq!(split.to_string(), whole.to_string());
        assert!(split.location().is_some());
    }

    #[test]
    fn short_texts_and_other_shapes_parse_whole() {
        let text = long(2, false);
        assert!(cut_points(&text, PIECE).is_none());
        // A flow-style list has no entry lines.
        let flow = "document: {id: t}\ncategories: [{title: a, items: []}]\n";
        assert!(cut_points(flow, 1).is_none());
    }
}

//! A long document parsed on all cores: its `categories:` (or flat `items:`)
//! list cut between entries, each piece deserialized by serde_yaml on its own.
//!
//! serde_yaml reads about 100 KB of YAML per millisecond and cannot be split
//! itself; at 3,800 items it was the longest step before layout (22 of 135 ms).
//! The list that holds nearly all of a document's text is a block sequence whose
//! entries start on lines of their own (`  - title:`), and a line at that
//! indentation ends every deeper block construct (block scalars, nested
//! mappings): `categories:` followed by some of the entries is a document of its
//! own.
//!
//! The text is cut only where that is sure to read as the whole does (see
//! [`parse_pieces`] for why): at the left edge, a `categories:` or `items:` key
//! whose entries start at one indentation, followed by nothing or by other
//! top-level keys; no `%` directive (a `%TAG` changes what tags mean in the
//! first piece only), no anchor (a piece could lose the one its alias names)
//! and no line break but `\n` and `\r\n` (the parser also ends lines at a lone
//! CR, NEL, U+2028 and U+2029, where a key could hide from the cut). Whenever any piece fails, the whole text is parsed again, so an
//! error reads exactly as before (with its line and column in the file, not in
//! a piece).

use rayon::prelude::*;
use serde::Deserialize;

use super::{Category, Document, Item};

/// Texts shorter than this are parsed whole: the cut costs more than it gains.
const MIN_SPLIT: usize = 256 * 1024;
/// Pieces are about this long, so that rayon can balance them with the other
/// parse (positions) running beside.
const PIECE: usize = 128 * 1024;

/// The list after the cut: what follows a piece's `categories:` or `items:`.
/// Either key may appear (a piece holds one list), and only the list's: a piece
/// that holds the other key (hidden from the cut by a line break it did not
/// see) fails the cut.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Tail {
    pub(super) categories: Option<Vec<Category>>,
    pub(super) items: Option<Vec<Item>>,
}

/// `serde_yaml::from_str`, with a long document's list parsed in pieces on all
/// cores when the text allows it (see the module docs).
pub fn from_str(text: &str) -> Result<Document, serde_yaml::Error> {
    from_str_in(text, MIN_SPLIT, PIECE)
}

/// [`from_str`] for texts of at least `min` bytes, in pieces of at least
/// `piece` bytes.
fn from_str_in(text: &str, min: usize, piece: usize) -> Result<Document, serde_yaml::Error> {
    if text.len() >= min
        && let Some(cut) = cut_points(text, piece)
        && let Some(doc) = parse_pieces(text, &cut)
    {
        return Ok(doc);
    }
    serde_yaml::from_str(text)
}

/// Where the text can be cut (`None` when it is not one this module cuts).
pub struct Cut<'t> {
    /// The list's key: `categories` or `items`.
    pub key: &'t str,
    /// Where the key's line starts.
    pub key_line: usize,
    /// The entry lines the pieces start at: the list's first entry, then one
    /// every `piece` bytes or more.
    pub at: Vec<usize>,
    /// How many entry lines each piece holds (as the lines read: a parse of the
    /// piece must find as many entries).
    pub entries: Vec<usize>,
    /// Where the list ends: a top-level key after it starts here (or the text
    /// ends).
    pub end: usize,
    /// The 1-based lines of `key_line`, of each of `at`, and of `end`.
    pub key_line_no: usize,
    pub lines: Vec<usize>,
    pub end_line_no: usize,
}

impl Cut<'_> {
    /// Each piece's byte range in the text.
    pub fn bounds(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        self.at
            .iter()
            .zip(self.at.iter().skip(1).chain([&self.end]))
            .map(|(&a, &b)| (a, b))
    }

    /// A piece as a document of its own: the list's key, then its entries
    /// (which start on the text's line `line of a`, the piece's second).
    pub fn piece(&self, text: &str, (a, b): (usize, usize)) -> String {
        format!("{}:\n{}", self.key, &text[a..b])
    }

    /// The document without its list's entries: the text before the key,
    /// `key: []` on the key's line, then the keys after the list.
    pub fn head(&self, text: &str) -> String {
        format!(
            "{}{}: []\n{}",
            &text[..self.key_line],
            self.key,
            &text[self.end..]
        )
    }
}

/// [`cut`] for a text of any length, in pieces of at least `piece` bytes, with
/// every check (tests cut at every entry with 1).
#[cfg(test)]
pub fn cut_with(text: &str, piece: usize) -> Option<Cut<'_>> {
    cut_points(text, piece)
}

/// Where a long `text` that [`Document::may_read_events`] takes may be cut for
/// a parse in pieces (`None` for a short text, or one this module does not
/// cut). That check has looked for what [`hides_lines`] looks for, so it is not
/// done again. A parse in pieces must still check what [`parse_pieces`] checks.
pub fn cut(text: &str) -> Option<Cut<'_>> {
    debug_assert!(
        !hides_lines(text),
        "cut() is for texts the events path takes"
    );
    if text.len() < MIN_SPLIT || has_anchor(text) {
        return None;
    }
    find_cut(text, PIECE)
}

fn cut_points(text: &str, piece: usize) -> Option<Cut<'_>> {
    if hides_lines(text) || has_anchor(text) {
        return None;
    }
    find_cut(text, piece)
}

/// Whether `text` has what a reading by its lines could miss: a line break
/// other than `\n` and `\r\n` (see [`has_other_line_breaks`]), or a `%`
/// directive (`%TAG` changes what a tag means, in the first document only).
/// Such a text is neither cut nor read from events.
pub(super) fn hides_lines(text: &str) -> bool {
    has_other_line_breaks(text) || text.starts_with('%') || text.contains("\n%")
}

/// [`cut_points`] after its checks of the whole text. Anchors (a piece could
/// lose the one its alias names) are refused by the callers.
fn find_cut(text: &str, piece: usize) -> Option<Cut<'_>> {
    // The list's key: the first `categories:` or `items:` line at the left
    // edge (the text before the list must then parse on its own, with this
    // as its last key: see `parse_pieces`).
    let (key, key_line, after, key_line_no) =
        line_starts(text).enumerate().find_map(|(no, (at, line))| {
            let key = line.trim_end().strip_suffix(':')?;
            (key == "categories" || key == "items").then_some((key, at, at + line.len(), no + 1))
        })?;
    let mut lines = Vec::new();
    let mut end_line_no = None;
    let mut last_no = key_line_no;
    let mut indent: Option<usize> = None;
    let mut at = Vec::new();
    let mut entries: Vec<usize> = Vec::new();
    let mut end = text.len();
    for (no, (start, line)) in line_starts(&text[after..]).enumerate() {
        let start = after + start;
        let no = key_line_no + 1 + no;
        last_no = no;
        let body = line.trim_start_matches(' ');
        if body.trim().is_empty() || body.starts_with('#') {
            continue;
        }
        let depth = line.len() - body.len();
        // `- x`, or `-` alone with the entry's content on the next lines.
        let entry = body.starts_with('-')
            && matches!(
                body.as_bytes().get(1),
                None | Some(b' ' | b'\t' | b'\r' | b'\n')
            );
        match indent {
            // The first line after the key opens the list.
            None if entry => {
                indent = Some(depth);
                at.push(start);
                lines.push(no);
                entries.push(1);
            }
            None => return None,
            Some(d) if depth == d && entry => {
                if at.last().is_some_and(|&last| start - last >= piece) {
                    at.push(start);
                    lines.push(no);
                    entries.push(1);
                } else if let Some(n) = entries.last_mut() {
                    *n += 1;
                }
            }
            // The list ends at a top-level key; anything else there is not cut.
            Some(d) if depth <= d => {
                if depth == 0 && is_key_line(body) {
                    end = start;
                    end_line_no = Some(no);
                    break;
                }
                return None;
            }
            Some(_) => {}
        }
    }
    // The last piece need not be long, but it must not be a sliver.
    if at.len() > 2 && at.last().is_some_and(|&l| end - l < piece / 2) {
        at.pop();
        lines.pop();
        let last = entries.pop().unwrap_or(0);
        if let Some(n) = entries.last_mut() {
            *n += last;
        }
    }
    // One piece would only add a parse.
    // A list that runs to the text's end ends on the line after the text's
    // last line break.
    let end_line_no = end_line_no.unwrap_or(if text.ends_with('\n') {
        last_no + 1
    } else {
        last_no
    });
    (at.len() >= 2).then_some(Cut {
        key,
        key_line,
        at,
        entries,
        end,
        key_line_no,
        lines,
        end_line_no,
    })
}

/// Whether `text` has a line break the cut does not see (it reads lines by
/// `\n`): a CR alone, NEL, LINE or PARAGRAPH SEPARATOR, which the YAML parser
/// takes as line ends, or a byte order mark after the start, which it skips at
/// a line start. A key, a document end or an anchor could hide behind one.
fn has_other_line_breaks(text: &str) -> bool {
    // Char searches (memchr underneath): the whole text is scanned before the
    // pieces can start, so no pass decodes it character by character.
    let bytes = text.as_bytes();
    text.match_indices('\r')
        .any(|(i, _)| bytes.get(i + 1) != Some(&b'\n'))
        || text.match_indices('\u{FEFF}').any(|(i, _)| i > 0)
        || ['\u{85}', '\u{2028}', '\u{2029}']
            .iter()
            .any(|&c| text.contains(c))
}

/// Whether a line at the left edge is a plain `key:` (a top-level key of the
/// document), with a value after it or not.
fn is_key_line(line: &str) -> bool {
    let Some((key, value)) = line.split_once(':') else {
        return false;
    };
    !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && matches!(value.as_bytes().first(), None | Some(b' ' | b'\r' | b'\n'))
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
    // A search for `&` (memchr underneath) rather than a test of every byte:
    // the text is scanned before the pieces can start.
    text.match_indices('&').any(|(i, _)| {
        let b = bytes[i];
        b == b'&'
            && (i == 0
                || matches!(
                    bytes[i - 1],
                    b' ' | b'\n' | b'\r' | b'\t' | b'[' | b'{' | b',' | b':'
                ))
            && bytes.get(i + 1).is_some_and(|n| {
                !matches!(
                    n,
                    b' ' | b'\n' | b'\r' | b'\t' | b',' | b'[' | b']' | b'{' | b'}'
                )
            })
    })
}

/// The document from its pieces, or `None` if any piece does not parse.
///
/// Three kinds of piece, parsed side by side:
/// - the text before the first entry, on its own: it must parse, with the
///   list's key as its last top-level key and nothing after it, so that no
///   quoted scalar or flow collection is open where the list starts and the key
///   is the document's, not text inside a scalar;
/// - the document's other keys: the text before the key, `key: []`, then the
///   keys after the list;
/// - the list's entries, `piece` bytes or more each, each under the key again.
///
/// A quoted scalar or flow collection that is open where a piece ends leaves
/// that piece unterminated, so when all of them parse, every cut falls between
/// two entries of the list as the whole text reads it.
fn parse_pieces(text: &str, cut: &Cut<'_>) -> Option<Document> {
    let bounds: Vec<(usize, usize)> = cut.bounds().collect();
    let (head, tails) = rayon::join(
        || {
            let before: serde_yaml::Value = serde_yaml::from_str(&text[..cut.at[0]]).ok()?;
            let last = before.as_mapping()?.iter().last()?;
            if last.0.as_str() != Some(cut.key) || !last.1.is_null() {
                return None;
            }
            serde_yaml::from_str::<Document>(&cut.head(text)).ok()
        },
        || {
            bounds
                .par_iter()
                .map(|&bounds| serde_yaml::from_str::<Tail>(&cut.piece(text, bounds)).ok())
                .collect::<Option<Vec<Tail>>>()
        },
    );
    let mut doc = head?;
    for tail in tails? {
        match (cut.key, tail.categories, tail.items) {
            ("categories", Some(categories), None) => doc.categories.extend(categories),
            ("items", None, Some(items)) => doc.items.get_or_insert_default().extend(items),
            _ => return None,
        }
    }
    Some(doc)
}

/// Texts for the tests of parses in pieces (here and in the input gate's).
#[cfg(test)]
pub mod fixtures {
    /// A document of `n` categories of three items each, with block scalars,
    /// quoted titles, comments and blank lines, the list last.
    pub fn long(n: usize, flat: bool) -> String {
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

    /// Texts whose constructs span a cut or the list's end. Found by review:
    /// each read differently before the text before the list was parsed on its
    /// own and the list's end had to be a key.
    pub fn hostile_texts() -> Vec<String> {
        let h = "document: {id: t, title: T, issuer: I, service: S}\n";
        vec![
            // an entry written `-` alone
            format!("{h}categories:\n  - title: a\n    items: []\n  - title: b\n    items: []\n  -\n    title: c\n    items: []\n"),
            format!("{h}categories:\r\n  - title: a\r\n    items: []\r\n  -\r\n    title: c\r\n    items: []\r\n"),
            // a quoted scalar from the first piece past the list's end
            format!("{h}categories:\n  - title: \"a\n  - title: b\n    items: []\n x\"\n    items: []\n"),
            format!("{h}categories:\n  - title: 'a\n  - title: b\n    items: []\n  x'\n    items: []\n"),
            format!("{h}categories:\n  - title: \"a\n  - title: b\\q\n    items: []\n x\"\n    items: []\n"),
            // a flow collection likewise
            format!("{h}categories:\n  - title: a\n    items: [\n  - title: b\n    items: []\n  ]\n"),
            format!("{h}items:\n  - no: 1\n    content: \"x\n  - no: 2\n\"\n  - no: 3\n"),
            // the key inside a quoted scalar, then the real one
            "document:\n  id: t\n  title: \"T\ncategories:\n  - title: a\n    items: []\n  - title: b\n    items: []\n \"\n  issuer: I\n  service: S\ncategories: []\n".to_string(),
            "document:\n  id: t\n  title: \"T\ncategories:\n# \"\n  - title: a\n    items: []\n  - title: b\n    items: []\n".to_string(),
            // anchors after a JSON-style colon or a bare CR
            format!("{h}categories:\n  - {{\"title\":&x a, items: []}}\n  - {{\"title\":&x b, items: []}}\nrevisions:\n  - {{version: *x, date: d, changes: c}}\n"),
            format!("{h}categories:\n  - {{title:\r&x a, items: []}}\n  - {{title: b, items: []}}\nrevisions:\n  - {{version: *x, date: d, changes: c}}\n"),
            // a %TAG directive
            format!("%TAG !! tag:example.com,2000:\n---\n{h}categories:\n  - title: a\n    items: []\n  - title: b\n    items:\n      - no: !!int 5\n"),
            // line breaks the cut does not read as such (second review)
            format!("{h}categories:\n  - title: a\n    items: []\n  - title: b\n    items: []\ritems: []\n"),
            format!("{h}categories:\n  - title: a\n    items: []\n  - title: b\n    items: []\u{2028}items: []\n"),
            format!("{h}categories:\n  - title: a\n    items: []\n  - title: b\n    items: []\u{85}items: []\n"),
            format!("{h}items:\n  - {{no: 1, title: x, content: y}}\n  - {{no: 2, title: x, content: y}}\rcategories:\r  - {{title: z, items: []}}\n"),
            format!("{h}items: []\ncategories:\n  - title: a\n    items: []\n  - title: b\n    items: []\ritems: []\n"),
            format!("{h}categories:\n  - title: a\n    items: []\n# c\ritems: []\n  - title: b\n    items: []\n"),
            format!("{h}categories:\n  - title: a\n    items: []\r...\n  - title: b\n    items: []\n"),
            "document: {id: t, title:\u{2028}&x T, issuer: I, service: S}\ncategories:\n  - {title: a, items: []}\n  - {title:\u{2028}&x b, items: []}\nrevisions:\n  - {version: *x, date: d, changes: c}\n".to_string(),
            "document: {id: t, title:\n\u{FEFF}&x T, issuer: I, service: S}\ncategories:\n  - {title: a, items: []}\n  - {title: &x b, items: []}\nrevisions:\n  - {version: *x, date: d, changes: c}\n".to_string(),
            format!("# c\r%TAG !! tag:example.com,2000:\r---\n{h}categories:\n  - title: a\n    items: []\n  - title: b\n    items:\n      - no: !!int 5\n"),
            // a list that ends at a less indented entry
            format!("{h}categories:\n  - title: a\n    items: []\n  - title: b\n    items: []\n - title: c\n   items: []\n"),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{hostile_texts, long};
    use super::*;

    #[test]
    fn pieces_parse_to_the_whole() {
        for flat in [false, true] {
            let text = long(40, flat);
            let cut = cut_points(&text, 200).expect("a plain long text is cut");
            assert!(cut.at.len() > 5, "{}", cut.at.len());
            let whole: Document = serde_yaml::from_str(&text).unwrap();
            assert_eq!(parse_pieces(&text, &cut), Some(whole.clone()));
            assert_eq!(from_str_in(&text, 0, PIECE).unwrap(), whole);
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

    /// The whole parse and the pieces cut at every entry agree.
    fn same(text: &str) {
        let whole = serde_yaml::from_str::<Document>(text).map_err(|e| e.to_string());
        let split = from_str_in(text, 0, 1).map_err(|e| e.to_string());
        assert_eq!(split, whole, "{text}");
    }

    #[test]
    fn constructs_that_span_a_cut_or_the_list_end_read_as_whole() {
        for text in hostile_texts() {
            same(&text);
        }
    }

    #[test]
    fn anchors_are_told_from_ampersands_in_text() {
        assert!(has_anchor("a: &x 1"));
        assert!(has_anchor("- [&x 1]"));
        assert!(has_anchor("&top\n"));
        assert!(has_anchor("{\"k\":&a v}"));
        assert!(has_anchor("k:\r&a v"));
        assert!(!has_anchor("url: https://e.jp/?a=1&b=2"));
        assert!(!has_anchor("t: R & D"));
        // An alias without an anchor fails whole and in its piece alike.
        let text = long(40, false).replace("title: 項目 30-1", "title: *nowhere");
        let whole = serde_yaml::from_str::<Document>(&text).unwrap_err();
        assert_eq!(
            from_str_in(&text, 0, PIECE).unwrap_err().to_string(),
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
        let split = from_str_in(&text, 0, PIECE).unwrap_err();
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

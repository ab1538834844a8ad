//! The YAML file read line by line, as a person reads it: which lines belong to a
//! text block (`|`, `>`), where each other line's key, value and comment are.
//!
//! This is not a YAML parser: it knows the block style our format is written in
//! (mappings, `- ` sequences, block scalars, plain and quoted one-line values),
//! which is enough to fix characters inside values only and to explain
//! indentation mistakes that the YAML parser reports somewhere else.

use std::ops::Range;

/// One line of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceLine {
    /// 1-based line number.
    pub number: usize,
    /// Byte range of the line in the file, without its line break.
    pub range: Range<usize>,
    pub kind: LineKind,
}

/// What a line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    /// Only whitespace.
    Blank,
    /// Only a comment (after optional indentation).
    Comment,
    /// A line of the text block whose indicator is on line `block` (1-based).
    BlockContent { block: usize },
    /// A line of nodes: `- `s, a key, a value and a comment, each optional.
    Node(Node),
}

/// The parts of a node line, as byte ranges of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Spaces before the first character.
    pub indent: usize,
    /// Columns (0-based, in characters) of the `- ` entries that start the line.
    pub dashes: Vec<usize>,
    /// The key and its column (0-based, in characters), if the line has one.
    pub key: Option<(Range<usize>, usize)>,
    /// The value after the key (or the whole node text), trailing spaces excluded;
    /// empty when the key opens a nested block.
    pub value: Range<usize>,
    /// The comment, from its `#`.
    pub comment: Option<Range<usize>>,
    /// The value is a text block indicator (`|`, `|-`, `>2` …).
    pub opens_block: bool,
}

/// Splits `text` into classified lines. Line breaks are `\n`, with an optional `\r`
/// before it (kept out of every range).
pub fn classify(text: &str) -> Vec<SourceLine> {
    let mut out = Vec::new();
    // An open text block: its indicator's line, the indentation of the line that
    // holds the indicator, and the block's own indentation once known.
    let mut block: Option<(usize, usize, Option<usize>)> = None;
    let mut start = 0;
    for (i, raw) in text.split('\n').enumerate() {
        let number = i + 1;
        let end = start + raw.len();
        let body = raw.strip_suffix('\r').unwrap_or(raw);
        let range = start..start + body.len();
        start = end + 1;
        let indent = body.len() - body.trim_start_matches(' ').len();
        let blank = body.trim().is_empty();
        if let Some((line, parent, own)) = block {
            let inside = match own {
                _ if blank => true,
                Some(own) => indent >= own,
                None => indent > parent,
            };
            if inside {
                if own.is_none() && !blank {
                    block = Some((line, parent, Some(indent)));
                }
                out.push(SourceLine {
                    number,
                    range,
                    kind: LineKind::BlockContent { block: line },
                });
                continue;
            }
            block = None;
        }
        let kind = if blank {
            LineKind::Blank
        } else if body[indent..].starts_with('#') {
            LineKind::Comment
        } else {
            let node = node(body, range.start, indent);
            if node.opens_block {
                block = Some((
                    number,
                    indent,
                    explicit_indent(
                        &body[node.value.start - range.start..node.value.end - range.start],
                        indent,
                    ),
                ));
            }
            LineKind::Node(node)
        };
        out.push(SourceLine {
            number,
            range,
            kind,
        });
    }
    out
}

/// A block indicator's explicit indentation (`|2`), as the block's indentation.
fn explicit_indent(indicator: &str, parent: usize) -> Option<usize> {
    indicator
        .chars()
        .find(|c| c.is_ascii_digit())
        .and_then(|c| c.to_digit(10))
        .map(|d| parent + d as usize)
}

/// Reads the parts of a node line; `at` is the byte offset of `line` in the file.
fn node(line: &str, at: usize, indent: usize) -> Node {
    let mut pos = indent;
    let mut col = indent;
    let mut dashes = Vec::new();
    while line[pos..].starts_with("- ") || &line[pos..] == "-" {
        dashes.push(col);
        let after = line[pos + 1..].len() - line[pos + 1..].trim_start_matches(' ').len();
        pos += 1 + after;
        col += 1 + after;
    }
    let comment = comment_start(line, pos);
    let code_end = comment.unwrap_or(line.len());
    let code = &line[pos..code_end];
    let key = key_end(code).map(|k| (pos..pos + k, col));
    let value_start = match &key {
        Some((k, _)) => {
            let after = &line[k.end + 1..code_end];
            k.end + 1 + (after.len() - after.trim_start().len())
        }
        None => pos,
    };
    let value_end = value_start + line[value_start..code_end].trim_end().len();
    let value = &line[value_start..value_end];
    let opens_block = is_block_indicator(value);
    Node {
        indent,
        dashes,
        key: key.map(|(r, c)| (r.start + at..r.end + at, c)),
        value: value_start + at..value_end + at,
        comment: comment.map(|c| c + at..line.len() + at),
        opens_block,
    }
}

/// `|`, `>`, with optional chomping (`-`, `+`) and indentation digit, either order.
fn is_block_indicator(value: &str) -> bool {
    let mut chars = value.chars();
    matches!(chars.next(), Some('|' | '>'))
        && value.len() <= 3
        && chars.all(|c| c == '-' || c == '+' || c.is_ascii_digit())
}

/// Where a comment starts on the line: a `#` at the start of the node text or after
/// whitespace, outside quotes.
fn comment_start(line: &str, from: usize) -> Option<usize> {
    let mut quote: Option<char> = None;
    let mut prev_space = true;
    let bytes = line.as_bytes();
    for (offset, c) in line[from..].char_indices() {
        let i = from + offset;
        match quote {
            Some('\'') if c == '\'' => quote = None,
            Some('"') if c == '"' && (i == 0 || bytes[i - 1] != b'\\') => quote = None,
            Some(_) => {}
            None if (c == '\'' || c == '"') && prev_space => quote = Some(c),
            None if c == '#' && prev_space => return Some(i),
            None => {}
        }
        prev_space = c == ' ' || c == '\t' || (c == ':' && quote.is_none());
    }
    None
}

/// The length of a plain `key` before `: ` (or a `:` ending the text), if the node
/// text starts with one. Keys of our format are plain words.
fn key_end(code: &str) -> Option<usize> {
    let first = code.chars().next()?;
    if matches!(first, '\'' | '"' | '[' | '{' | '|' | '>' | '&' | '*' | '!') {
        return None;
    }
    let mut search = 0;
    while let Some(k) = code[search..].find(':').map(|k| k + search) {
        let rest = &code[k + 1..];
        if rest.is_empty() || rest.starts_with(' ') || rest.starts_with('\t') {
            return Some(k);
        }
        search = k + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<String> {
        classify(text)
            .iter()
            .map(|l| match &l.kind {
                LineKind::Blank => "blank".into(),
                LineKind::Comment => "comment".into(),
                LineKind::BlockContent { block } => format!("block@{block}"),
                LineKind::Node(n) => format!(
                    "node i{} d{:?} k{:?} v{:?} c{}",
                    n.indent,
                    n.dashes,
                    n.key.as_ref().map(|(r, c)| (&text[r.clone()], *c)),
                    &text[n.value.clone()],
                    n.comment.is_some()
                ),
            })
            .collect()
    }

    #[test]
    fn nodes_blocks_and_comments() {
        let text = "# top\ndoc:\n  - no: 1 # one\n    content: |\n      a # not a comment\n\n      b\n    # after\n  - x: 'a # b'\n";
        assert_eq!(
            kinds(text),
            [
                "comment",
                "node i0 d[] kSome((\"doc\", 0)) v\"\" cfalse",
                "node i2 d[2] kSome((\"no\", 4)) v\"1\" ctrue",
                "node i4 d[] kSome((\"content\", 4)) v\"|\" cfalse",
                "block@4",
                "block@4",
                "block@4",
                "comment",
                "node i2 d[2] kSome((\"x\", 4)) v\"'a # b'\" cfalse",
                "blank",
            ]
        );
    }

    #[test]
    fn crlf_and_urls_are_not_keys() {
        let text = "a: https://x.jp/y\r\nb: |-\r\n  t\r\n";
        let lines = classify(text);
        assert_eq!(lines[0].range, 0..17);
        let LineKind::Node(n) = &lines[0].kind else {
            panic!()
        };
        assert_eq!(&text[n.value.clone()], "https://x.jp/y");
        assert_eq!(lines[2].kind, LineKind::BlockContent { block: 2 });
    }
}

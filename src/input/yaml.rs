//! YAML errors made readable: serde_yaml's message without its own position, a
//! "did you mean" for misspelt keys, and indentation mistakes reported where they
//! are rather than where the parser noticed them.

use super::lines::{self, LineKind, SourceLine};
use crate::error::Diagnostic;

/// serde_yaml's message without its own " at line X column Y" suffix (the position
/// is printed in front, where editors look for it).
pub fn message(e: &serde_yaml::Error) -> String {
    let msg = e.to_string();
    let mut msg = match msg.find(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg,
    };
    if msg.contains("cannot start any token") {
        msg.push_str(" (a tab? YAML indents with spaces only)");
    }
    match did_you_mean(&msg) {
        Some(key) => format!("{msg}; did you mean `{key}`?"),
        None => msg,
    }
}

/// For serde's "unknown field `contnet`, expected one of `no`, `title`, …", the
/// expected key closest to the unknown one, if it is a near miss.
fn did_you_mean(msg: &str) -> Option<&str> {
    let rest = msg.split("unknown field `").nth(1)?;
    let (unknown, expected) = rest.split_once('`')?;
    expected
        .split('`')
        .skip(1)
        .step_by(2)
        .map(|key| (strsim::levenshtein(unknown, key), key))
        .filter(|(d, key)| *d <= 2.max(key.len() / 3))
        .min()
        .map(|(_, key)| key)
}

/// A level of block nesting: a mapping's key column or a sequence's dash column,
/// with the line that set it.
#[derive(Clone, Copy, PartialEq)]
enum Level {
    Map { col: usize, line: usize },
    Seq { col: usize, line: usize },
}

impl Level {
    fn col(self) -> usize {
        match self {
            Level::Map { col, .. } | Level::Seq { col, .. } => col,
        }
    }
}

/// Indentation mistakes: a key indented differently from its siblings, a line of a
/// text block indented less than the block. Used when the YAML does not parse or
/// does not fit the format, to say what the parser's message does not.
pub fn indentation(text: &str) -> Vec<Diagnostic> {
    let classified = lines::classify(text);
    let mut out = Vec::new();
    let mut stack: Vec<Level> = Vec::new();
    // The previous node line opened a nested block (`key:` with no value).
    let mut opens = false;
    // The last text block: indicator line, key name, indentation of its lines.
    let mut last_block: Option<(usize, String, usize)> = None;
    for (i, line) in classified.iter().enumerate() {
        let node = match &line.kind {
            LineKind::Node(n) => n,
            LineKind::BlockContent { block } => {
                if last_block.as_ref().is_none_or(|b| b.0 != *block) {
                    let key = key_of(text, &classified, *block);
                    let indent = indent_of(text, line);
                    last_block = Some((*block, key, indent));
                }
                continue;
            }
            _ => continue,
        };
        let block_before = i > 0
            && classified[..i]
                .iter()
                .rev()
                .find(|l| !matches!(l.kind, LineKind::Blank | LineKind::Comment))
                .is_some_and(|l| matches!(l.kind, LineKind::BlockContent { .. }));
        // How far this line's nodes sit from where they belong, once a `- ` is
        // found misplaced: the rest of the line is read as if it were in place.
        let mut shift = 0isize;
        for &written in &node.dashes {
            let d = written.saturating_add_signed(shift);
            let mut popped_seq = None;
            while stack.last().is_some_and(|l| l.col() > d) {
                if let Some(Level::Seq { col, line }) = stack.pop() {
                    popped_seq = Some((col, line));
                }
            }
            match stack.last() {
                Some(Level::Seq { col, .. }) if *col == d => {}
                top if opens && top.is_none_or(|t| d >= t.col()) => stack.push(Level::Seq {
                    col: d,
                    line: line.number,
                }),
                None => stack.push(Level::Seq {
                    col: d,
                    line: line.number,
                }),
                _ => {
                    if let Some((col, at)) = popped_seq {
                        out.push(Diagnostic::error(
                            Some((line.number, written + 1)),
                            format!(
                                "this `- ` entry is indented {}, but the entries beside it are indented {col} (line {at}); indent it {}", spaces(written), spaces(col)
                            ),
                        ));
                        shift += col as isize - d as isize;
                        stack.push(Level::Seq { col, line: at });
                    }
                }
            }
            opens = true;
        }
        let Some((key, col)) = &node.key else {
            // A node line without a key inside a mapping: the usual cause is a line
            // of a text block that lost its indentation.
            if let Some((block, name, indent)) = &last_block
                && block_before
                && node.dashes.is_empty()
            {
                out.push(Diagnostic::error(
                    Some((line.number, node.indent + 1)),
                    format!(
                        "this line is indented {}, less than the text block `{name}: |` on line {block} ({}), so YAML ends the block before it; indent it {} like the block's other lines",
                        spaces(node.indent),
                        spaces(*indent),
                        spaces(*indent)
                    ),
                ));
            }
            opens = false;
            continue;
        };
        let name = &text[key.clone()];
        let key_col = *col;
        let c = key_col.saturating_add_signed(shift);
        if stack.is_empty() || (opens && stack.last().is_none_or(|t| c > t.col())) {
            stack.push(Level::Map {
                col: c,
                line: line.number,
            });
        } else {
            let mut popped: Option<Level> = None;
            while stack.last().is_some_and(|l| l.col() > c) {
                popped = stack.pop();
            }
            match stack.last() {
                Some(Level::Map { col, .. }) if *col == c => {}
                // A key at a sequence's dash column closes the sequence (`items:`
                // followed by `- ` at the key's own indentation).
                Some(Level::Seq { col, .. }) if *col == c => {
                    stack.pop();
                }
                top => {
                    let sibling = match (popped, top) {
                        (Some(Level::Map { col, line }), _) => Some((col, line)),
                        (_, Some(Level::Map { col, line })) => Some((*col, *line)),
                        _ => None,
                    };
                    if let Some((col, at)) = sibling {
                        let sibling_key = key_of(text, &classified, at);
                        out.push(Diagnostic::error(
                            Some((line.number, key_col + 1)),
                            format!(
                                "`{name}:` is indented {}, but the keys beside it are indented {col} (`{sibling_key}:` on line {at}); YAML nests by indentation, so indent it {}",
                                spaces(key_col),
                                spaces(col),
                            ),
                        ));
                        // Go on as if it were where it belongs.
                    }
                }
            }
        }
        opens = text[node.value.clone()].is_empty();
    }
    out
}

/// `1 space`, `8 spaces`.
fn spaces(n: usize) -> String {
    if n == 1 {
        "1 space".into()
    } else {
        format!("{n} spaces")
    }
}

/// The key on line `number`, or `?`.
fn key_of(text: &str, lines: &[SourceLine], number: usize) -> String {
    match lines.get(number - 1).map(|l| &l.kind) {
        Some(LineKind::Node(n)) => n
            .key
            .as_ref()
            .map_or("?".into(), |(k, _)| text[k.clone()].to_string()),
        _ => "?".into(),
    }
}

fn indent_of(text: &str, line: &SourceLine) -> usize {
    let s = &text[line.range.clone()];
    s.len() - s.trim_start_matches(' ').len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lint(text: &str) -> Vec<String> {
        indentation(text).iter().map(|d| d.render("f")).collect()
    }

    #[test]
    fn a_well_indented_document_has_no_findings() {
        let text = std::fs::read_to_string("data/kamiless.yaml").unwrap();
        assert_eq!(lint(&text), Vec::<String>::new());
        let minimal = include_str!("../../tests/fixtures/minimal.yaml");
        assert_eq!(lint(minimal), Vec::<String>::new());
        let same_indent_seq = "a:\n- x: 1\n  y: 2\nb: 3\n";
        assert_eq!(lint(same_indent_seq), Vec::<String>::new());
    }

    #[test]
    fn a_key_off_by_one_is_reported_on_its_line() {
        let text = "items:\n  - no: 1\n   title: t\n    content: c\n";
        assert_eq!(
            lint(text),
            [
                "f:3:4: error: `title:` is indented 3 spaces, but the keys beside it are indented 4 (`no:` on line 2); YAML nests by indentation, so indent it 4 spaces"
            ]
        );
    }

    #[test]
    fn a_misplaced_entry_is_reported_not_its_keys() {
        let text = "items:\n  - no: 1\n    title: t\n - no: 2\n    title: u\n";
        assert_eq!(
            lint(text),
            [
                "f:4:2: error: this `- ` entry is indented 1 space, but the entries beside it are indented 2 (line 2); indent it 2 spaces"
            ]
        );
    }

    #[test]
    fn a_dedented_block_line_is_reported_with_the_block() {
        let text = "a:\n  content: |\n    one\n   two\n  title: t\n";
        let out = lint(text);
        assert_eq!(out.len(), 1, "{out:?}");
        assert!(out[0].starts_with("f:4:4: error: this line is indented 3 spaces, less than the text block `content: |` on line 2 (4 spaces)"), "{out:?}");
    }
}

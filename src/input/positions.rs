//! Where each node of the YAML file is: `categories[2].items[0].content` → line 41,
//! column 18. serde_yaml gives positions only for its own errors, so the text is
//! read a second time with yaml-rust2's event parser, which marks every event.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::lines::{self, LineKind};

/// Where a node starts and how it was written.
#[derive(Debug, Clone, Copy)]
struct NodeMark {
    /// 1-based line.
    line: usize,
    /// 0-based column in characters. yaml-rust2's byte index (and its column after
    /// a text block's multibyte lines on the same line) drift, so only the line and
    /// the column of a node's start are used, and every offset is counted here.
    col: usize,
    /// The scalar style, for scalars.
    style: Option<TScalarStyle>,
    /// The scalar's parsed length in bytes.
    len: usize,
}

/// Positions (1-based line and column in characters, as editors show them) of the
/// YAML nodes by path. The map is built by [`Positions::of`] on a second parse with
/// yaml-rust2 (serde_yaml gives positions only for its own errors).
#[derive(Debug, Default)]
pub struct Positions {
    /// The nodes in file order, until the first lookup (or [`Positions::index`])
    /// moves them into `nodes`: hashing every path costs as much as the rest of
    /// the check, so it is done only for a document that has findings, or beside
    /// a longer task.
    pending: std::sync::Mutex<Vec<(String, NodeMark)>>,
    nodes: std::sync::OnceLock<HashMap<String, NodeMark>>,
    /// Text scalars whose line breaks YAML folded (see [`Positions::folds_lines`]).
    folded: HashMap<String, TScalarStyle>,
    source: String,
    /// Byte offset of the start of each line.
    line_starts: Vec<usize>,
}

impl Positions {
    /// Reads the positions of `source`. A file that does not parse gives the nodes
    /// read before the error (serde_yaml reports the error itself).
    pub fn of(source: &str) -> Positions {
        let mut walker = Walker::default();
        let mut parser = Parser::new_from_str(source);
        let _ = parser.load(&mut walker, false);
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        let mut positions = Positions {
            pending: std::sync::Mutex::new(Vec::new()),
            nodes: std::sync::OnceLock::new(),
            folded: HashMap::new(),
            source: source.to_string(),
            line_starts,
        };
        let mut classified = None;
        for (path, m) in &walker.nodes {
            if let Some(style) = positions.folding(m, &mut classified) {
                positions.folded.insert(path.clone(), style);
            }
        }
        positions.pending = std::sync::Mutex::new(walker.nodes);
        positions
    }

    /// Builds the index of nodes by path now, rather than at the first lookup.
    pub fn index(&self) {
        self.nodes();
    }

    /// The nodes by path, built on first use.
    fn nodes(&self) -> &HashMap<String, NodeMark> {
        self.nodes.get_or_init(|| {
            // Poisoned only if a thread panicked while taking the list; it is a
            // valid list then.
            let mut pending = self.pending.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::take(&mut *pending).into_iter().collect()
        })
    }

    /// Line and column of the node at `path` (a value, or `path.key` for its key).
    pub fn get(&self, path: &str) -> Option<(usize, usize)> {
        self.nodes().get(path).map(|m| (m.line, m.col + 1))
    }

    /// The byte offset where the node at `path` starts.
    fn offset(&self, path: &str) -> Option<usize> {
        self.offset_of(self.nodes().get(path)?)
    }

    /// The byte offset where the node marked `m` starts.
    fn offset_of(&self, m: &NodeMark) -> Option<usize> {
        let start = *self.line_starts.get(m.line.checked_sub(1)?)?;
        let line = &self.source[start..];
        let within = line
            .char_indices()
            .nth(m.col)
            .map_or(line.len(), |(b, _)| b);
        Some(start + within)
    }

    /// Line and column of the first `needle` at or after the start of the node at
    /// `path`: the exact place of a character inside a text block.
    pub fn find_in(&self, path: &str, needle: char) -> Option<(usize, usize)> {
        self.find_text_in(path, needle.encode_utf8(&mut [0; 4]))
    }

    /// Like [`find_in`](Self::find_in) for a string (a URL, say).
    pub fn find_text_in(&self, path: &str, needle: &str) -> Option<(usize, usize)> {
        let start = self.offset(path)?;
        let at = self.source[start..].find(needle)? + start;
        Some(self.line_col(at))
    }

    /// [`line_col`] of byte offset `at` of the source, found from the index of
    /// line starts: a document with many findings would otherwise count the lines
    /// from the top of the file for each.
    fn line_col(&self, at: usize) -> (usize, usize) {
        let line = self.line_starts.partition_point(|&s| s <= at).max(1);
        let from = self.line_starts[line - 1];
        let col = self.source.get(from..at).map_or(0, |t| t.chars().count()) + 1;
        (line, col)
    }

    /// Whether the scalar at `path` was written over several lines in a form that
    /// folds its line breaks into spaces (a plain or quoted scalar, or a `>` block
    /// of two lines or more): the text's own line breaks are then lost.
    pub fn folds_lines(&self, path: &str) -> Option<TScalarStyle> {
        self.folded.get(path).copied()
    }

    /// [`folds_lines`](Self::folds_lines) for one node; `classified` caches the
    /// file's lines, read only if a `>` block needs them.
    fn folding(
        &self,
        m: &NodeMark,
        classified: &mut Option<Vec<lines::SourceLine>>,
    ) -> Option<TScalarStyle> {
        let style = m.style?;
        if style == TScalarStyle::Literal {
            return None;
        }
        let start = self.offset_of(m)?;
        let rest = &self.source[start..];
        let first = rest.split('\n').next().unwrap_or("").trim_end_matches('\r');
        let folded = match style {
            TScalarStyle::Literal => false,
            TScalarStyle::Folded => {
                // The node starts at its first line of text; the block is named
                // after its indicator's line.
                let classified = classified.get_or_insert_with(|| lines::classify(&self.source));
                let block = match classified.get(m.line - 1).map(|l| &l.kind) {
                    Some(LineKind::BlockContent { block }) => *block,
                    _ => return None,
                };
                classified
                    .iter()
                    .filter(|l| {
                        l.kind == LineKind::BlockContent { block }
                            && !self.source[l.range.clone()].trim().is_empty()
                    })
                    .count()
                    >= 2
            }
            TScalarStyle::SingleQuoted => !closes_on_line(first, '\''),
            TScalarStyle::DoubleQuoted => !closes_on_line(first, '"'),
            TScalarStyle::Plain => {
                // The parsed value is longer than the line it starts on: YAML
                // joined the following lines to it with spaces.
                let line = first.split(" #").next().unwrap_or("").trim_end();
                m.len > line.len()
            }
        };
        folded.then_some(style)
    }
}

/// 1-based line and column (in characters, as editors count them; a `\r` before
/// a line break is not a column) of byte offset `at` of `text`. The one place
/// positions are counted.
pub fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Whether a quoted scalar opened at the start of `line` is closed on that line.
fn closes_on_line(line: &str, quote: char) -> bool {
    let body = &line[quote.len_utf8().min(line.len())..];
    let mut chars = body.chars().peekable();
    while let Some(c) = chars.next() {
        if quote == '"' && c == '\\' {
            chars.next();
        } else if c == quote {
            if quote == '\'' && chars.peek() == Some(&'\'') {
                chars.next();
            } else {
                return true;
            }
        }
    }
    false
}

enum Frame {
    Map { key: Option<String> },
    Seq { index: usize },
}

#[derive(Default)]
struct Walker {
    stack: Vec<(Frame, String)>,
    nodes: Vec<(String, NodeMark)>,
}

impl NodeMark {
    fn new(mark: Marker, style: Option<TScalarStyle>, len: usize) -> NodeMark {
        NodeMark {
            line: mark.line(),
            col: mark.col(),
            style,
            len,
        }
    }
}

impl Walker {
    /// The path of the value that starts now, or `None` if a mapping key starts.
    fn value_path(&mut self) -> Option<String> {
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some((Frame::Seq { index }, path)) => {
                let p = format!("{path}[{index}]");
                *index += 1;
                Some(p)
            }
            Some((Frame::Map { key }, path)) => key.take().map(|k| {
                if path.is_empty() {
                    k
                } else {
                    format!("{path}.{k}")
                }
            }),
        }
    }
}

impl MarkedEventReceiver for Walker {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, style, ..) => match self.value_path() {
                Some(path) => {
                    self.nodes
                        .push((path, NodeMark::new(mark, Some(style), value.len())));
                }
                None => {
                    if let Some((Frame::Map { key }, path)) = self.stack.last_mut() {
                        let key_path = if path.is_empty() {
                            value.clone()
                        } else {
                            format!("{path}.{value}")
                        };
                        self.nodes
                            .push((format!("{key_path}.key"), NodeMark::new(mark, None, 0)));
                        *key = Some(value);
                    }
                }
            },
            Event::Alias(_) => {
                if let Some(path) = self.value_path() {
                    self.nodes.push((path, NodeMark::new(mark, None, 0)));
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A collection as a key is not part of our format; give it a dummy path.
                let path = self.value_path().unwrap_or_else(|| "?".into());
                self.nodes
                    .push((path.clone(), NodeMark::new(mark, None, 0)));
                let frame = match ev {
                    Event::MappingStart(..) => Frame::Map { key: None },
                    _ => Frame::Seq { index: 0 },
                };
                self.stack.push((frame, path));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "document:\n  id: demo\ncategories:\n  - title: 暗号\n    items:\n      - no: 1\n        content: |\n          一行目\n          使⽤\n";

    #[test]
    fn paths_map_to_lines_and_columns() {
        let p = Positions::of(DOC);
        assert_eq!(p.get("document.id"), Some((2, 7)));
        assert_eq!(p.get("document.id.key"), Some((2, 3)));
        assert_eq!(p.get("categories[0].title"), Some((4, 12)));
        assert_eq!(p.get("categories[0].items[0].no"), Some((6, 13)));
    }

    #[test]
    fn characters_are_found_inside_blocks() {
        let p = Positions::of(DOC);
        assert_eq!(
            p.find_in("categories[0].items[0].content", '⽤'),
            Some((9, 12))
        );
    }

    #[test]
    fn positions_count_characters() {
        assert_eq!(line_col("ab\nあい", 6), (2, 2));
        assert_eq!(line_col("a\r\nb", 3), (2, 1));
        // The indexed count agrees with the plain one everywhere.
        let text = "a: 1\r\nb: |\n  あい\n\n  う\n";
        let pos = Positions::of(text);
        for at in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            assert_eq!(pos.line_col(at), line_col(text, at), "at {at}");
        }
    }

    #[test]
    fn broken_yaml_gives_what_parsed_before_the_error() {
        let p = Positions::of("a: 1\nb: [");
        assert_eq!(p.get("a"), Some((1, 4)));
        assert_eq!(p.get("c"), None);
    }
}

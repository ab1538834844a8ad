//! Where each node of the YAML file is: `categories[2].items[0].content` → line 41,
//! column 18. serde_yaml gives positions only for its own errors, so the text is
//! read a second time with yaml-rust2's event parser, which marks every event.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Positions (1-based line and column, and byte offset) of the YAML nodes by path.
/// The map is built on first use: a valid document never needs it, and the second
/// parse costs about as much as the first.
#[derive(Debug, Default)]
pub struct Positions {
    nodes: std::sync::OnceLock<HashMap<String, Marker>>,
    source: String,
}

impl Positions {
    /// Reads the positions of `source`. A file that does not parse gives an empty map
    /// (serde_yaml reports its syntax errors with positions of its own).
    pub fn of(source: &str) -> Positions {
        Positions {
            nodes: std::sync::OnceLock::new(),
            source: source.to_string(),
        }
    }

    fn nodes(&self) -> &HashMap<String, Marker> {
        self.nodes.get_or_init(|| {
            let mut walker = Walker::default();
            let mut parser = Parser::new_from_str(&self.source);
            let _ = parser.load(&mut walker, false);
            walker.nodes
        })
    }

    /// Line and column of the node at `path` (a value, or `path.key` for its key).
    pub fn get(&self, path: &str) -> Option<(usize, usize)> {
        self.nodes().get(path).map(|m| (m.line(), m.col() + 1))
    }

    /// Line and column of the first `needle` at or after the start of the node at
    /// `path`: the exact place of a character inside a text block.
    pub fn find_in(&self, path: &str, needle: char) -> Option<(usize, usize)> {
        self.find_text_in(path, needle.encode_utf8(&mut [0; 4]))
    }

    /// Like [`find_in`](Self::find_in) for a string (a URL, say).
    pub fn find_text_in(&self, path: &str, needle: &str) -> Option<(usize, usize)> {
        let start = self.nodes().get(path)?.index();
        // Marker indices count characters, not bytes.
        let byte_start = self.source.char_indices().nth(start).map(|(b, _)| b)?;
        let at = self.source[byte_start..].find(needle)? + byte_start;
        let before = &self.source[..at];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Some((line, col))
    }
}

enum Frame {
    Map { key: Option<String> },
    Seq { index: usize },
}

#[derive(Default)]
struct Walker {
    stack: Vec<(Frame, String)>,
    nodes: HashMap<String, Marker>,
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
            Event::Scalar(value, ..) => match self.value_path() {
                Some(path) => {
                    self.nodes.insert(path, mark);
                }
                None => {
                    if let Some((Frame::Map { key }, path)) = self.stack.last_mut() {
                        let key_path = if path.is_empty() {
                            value.clone()
                        } else {
                            format!("{path}.{value}")
                        };
                        self.nodes.insert(format!("{key_path}.key"), mark);
                        *key = Some(value);
                    }
                }
            },
            Event::Alias(_) => {
                if let Some(path) = self.value_path() {
                    self.nodes.insert(path, mark);
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A collection as a key is not part of our format; give it a dummy path.
                let path = self.value_path().unwrap_or_else(|| "?".into());
                self.nodes.insert(path.clone(), mark);
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
    fn broken_yaml_gives_what_parsed_before_the_error() {
        let p = Positions::of("a: 1\nb: [");
        assert_eq!(p.get("a"), Some((1, 4)));
        assert_eq!(p.get("c"), None);
    }
}

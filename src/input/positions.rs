//! Where each node of the YAML file is: `categories[2].items[0].content` → line 41,
//! column 18. serde_yaml gives positions only for its own errors, so the text is
//! read with yaml-rust2's event parser, which marks every event; the same parse
//! records its events, from which the document is read ([`Positions::with_document`]
//! and `model::events`), and a long text is read in pieces on all cores.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::lines::{self, LineKind};
use crate::model::{Document, Events, ListPiece, split};
use rayon::prelude::*;

/// Where a node starts and how it was written.
#[derive(Debug, Clone, Copy, PartialEq)]
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
/// YAML nodes by path. The map is built by [`Positions::of`] (or
/// [`Positions::with_document`]) from a parse with yaml-rust2 (serde_yaml gives
/// positions only for its own errors).
#[derive(Debug, Default)]
pub struct Positions {
    /// The nodes in file order, until the first lookup (or [`Positions::index`])
    /// moves them into `nodes`: hashing every path costs as much as the rest of
    /// the check, so it is done only for a document that has findings, or beside
    /// a longer task.
    pending: std::sync::Mutex<Vec<NodeList>>,
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
        Positions::read(source, None)
    }

    /// [`Positions::of`], and the document from the same parse (see
    /// [`crate::model::Document::from_events`]); `None` for the document when
    /// the events leave it to serde_yaml.
    ///
    /// A long text whose list can be cut (see [`crate::model::split`]) is read
    /// in pieces on all cores, each piece's list deserialized where it was
    /// read, and the pieces' nodes joined into the whole text's; when any piece
    /// does not read as a part of the whole would, the whole text is read at
    /// once.
    pub fn with_document(source: &str) -> (Positions, Option<Document>) {
        if let Some(cut) = split::cut(source)
            && let Some((nodes, doc)) = in_pieces(source, &cut)
        {
            return (Positions::from_nodes(source, nodes), doc);
        }
        let mut events = Events::default();
        let (nodes, _) = walk(source, 0, Some(&mut events));
        // The nodes' folding is looked at while the document is read.
        rayon::join(
            || Positions::from_nodes(source, vec![nodes]),
            || Document::from_events(events),
        )
    }

    fn read(source: &str, events: Option<&mut Events>) -> Positions {
        let (nodes, _) = walk(source, 0, events);
        Positions::from_nodes(source, vec![nodes])
    }

    fn from_nodes(source: &str, chunks: Vec<NodeList>) -> Positions {
        let mut line_starts = vec![0];
        line_starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        let mut positions = Positions {
            pending: std::sync::Mutex::new(Vec::new()),
            nodes: std::sync::OnceLock::new(),
            folded: HashMap::new(),
            source: source.to_string(),
            line_starts,
        };
        // The chunks (a long text's pieces) on all cores; `classified` holds
        // the file's lines, read once if a `>` block needs them.
        let classified = std::sync::OnceLock::new();
        let folded: Vec<Vec<(String, TScalarStyle)>> = chunks
            .par_iter()
            .map(|nodes| {
                nodes
                    .iter()
                    .filter_map(|(path, m)| {
                        let style = positions.folding(m, &classified)?;
                        Some((path.clone(), style))
                    })
                    .collect()
            })
            .collect();
        positions.folded = folded.into_iter().flatten().collect();
        positions.pending = std::sync::Mutex::new(chunks);
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
            let chunks = std::mem::take(&mut *pending);
            let mut nodes = HashMap::with_capacity(chunks.iter().map(Vec::len).sum());
            nodes.extend(chunks.into_iter().flatten());
            nodes
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

    /// [`folds_lines`](Self::folds_lines) for one node; `classified` holds the
    /// file's lines, read only if a `>` block needs them.
    fn folding(
        &self,
        m: &NodeMark,
        classified: &std::sync::OnceLock<Vec<lines::SourceLine>>,
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
                let classified = classified.get_or_init(|| lines::classify(&self.source));
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

/// The nodes of `source` (the first document's, up to an error), with the
/// events recorded in `events` if given; the top-level list's entries are
/// numbered from `base`. Whether the text parsed without an error.
fn walk(source: &str, base: usize, events: Option<&mut Events>) -> (NodeList, bool) {
    let (walker, ok) = walker(source, base, events);
    (walker.nodes, ok)
}

/// [`walk`], giving the whole walker.
fn walker(source: &str, base: usize, events: Option<&mut Events>) -> (Walker, bool) {
    let mut reader = Reader {
        walker: Walker {
            base,
            ..Walker::default()
        },
        // Positions are the first document's; the events go on, so that a
        // second document is seen (serde_yaml refuses it).
        first_done: false,
        events,
    };
    let multi = reader.events.is_some();
    let mut parser = Parser::new_from_str(source);
    let ok = parser.load(&mut reader, multi).is_ok();
    if !ok && let Some(events) = reader.events.as_deref_mut() {
        events.fail();
    }
    (reader.walker, ok)
}

/// The nodes and the document of a long text read in pieces as [`split`] cuts
/// it, or `None` if a piece does not read as part of the whole (the whole text
/// is then read at once). The document is `None` when the events leave it to
/// serde_yaml (positions are right all the same).
///
/// The pieces are those of serde_yaml's parse in pieces, and are checked the
/// same way: the text before the list's first entry must read on its own with
/// the list's key last and empty, each piece must be the key and a list of as
/// many entries as its lines show. A piece starts at a line start, so its nodes
/// keep their columns and move down by the lines before it; the head (the text
/// with `key: []`) moves what follows its list up to where the list ends.
fn in_pieces(source: &str, cut: &split::Cut<'_>) -> Option<Nodes> {
    let bounds: Vec<(usize, usize)> = cut.bounds().collect();
    // Entries before each piece: its list is numbered from there.
    let bases: Vec<usize> = cut
        .entries
        .iter()
        .scan(0, |n, &c| {
            let base = *n;
            *n += c;
            Some(base)
        })
        .collect();
    let key_of_key = format!("{}.key", cut.key);
    let (head, pieces) = rayon::join(
        || {
            let mut before = Events::default();
            let _ = walk(&source[..cut.at[0]], 0, Some(&mut before));
            if !before.ends_with_empty_key(cut.key) {
                return None;
            }
            let mut events = Events::default();
            let (nodes, ok) = walk(&cut.head(source), 0, Some(&mut events));
            // Up to its `key: []` (not the empty list itself), then what
            // follows the list, moved down to where the list ends.
            let (mut before, mut after) = (Vec::new(), Vec::new());
            for (path, mut m) in nodes {
                if path == cut.key {
                    continue;
                }
                if m.line <= cut.key_line_no {
                    before.push((path, m));
                } else {
                    m.line = m.line - (cut.key_line_no + 1) + cut.end_line_no;
                    after.push((path, m));
                }
            }
            ok.then_some((before, after, events))
        },
        || {
            bounds
                .par_iter()
                .zip(&bases)
                .zip(&cut.entries)
                .zip(&cut.lines)
                .enumerate()
                .map(|(i, (((&b, &base), &count), &first_line))| {
                    let mut events = Events::default();
                    let (walker, ok) = walker(&cut.piece(source, b), base, Some(&mut events));
                    // One list, of as many entries as the lines show, for the
                    // next piece's numbering. A list left to serde_yaml gives no
                    // document, but its positions stand.
                    let counted = walker.top_lists == [base + count];
                    let list = events.into_list_piece(cut.key);
                    let mut nodes = walker.nodes;
                    // The piece's own nodes go (the first piece gives the list's);
                    // its second line is the text's `first_line`.
                    nodes.retain_mut(|(path, m)| {
                        m.line = m.line + first_line - 2;
                        !(path.is_empty() || *path == key_of_key || (path == cut.key && i > 0))
                    });
                    (ok && counted).then_some((nodes, list))
                })
                .collect::<Option<Vec<_>>>()
        },
    );
    let ((before, after, head_events), pieces) = (head?, pieces?);
    let mut chunks = Vec::with_capacity(pieces.len() + 2);
    chunks.push(before);
    let mut lists = Vec::with_capacity(pieces.len());
    for (nodes, list) in pieces {
        chunks.push(nodes);
        lists.push(list);
    }
    chunks.push(after);
    let doc = lists
        .into_iter()
        .collect::<Option<Vec<ListPiece>>>()
        .and_then(|lists| Document::from_pieces(head_events, cut.key, lists));
    Some((chunks, doc))
}

/// A text's nodes, in file order (in pieces), and its document, if read.
type Nodes = (Vec<NodeList>, Option<Document>);

/// Nodes by path, as the parser reports them.
type NodeList = Vec<(String, NodeMark)>;

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
    nodes: NodeList,
    /// The number of the first entry of a list at the top level (a piece's
    /// list continues the whole text's).
    base: usize,
    /// Where each list at the top level ended: `base` plus its entries.
    top_lists: Vec<usize>,
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

/// The parser's receiver: the positions' walker, and the events if they are
/// recorded.
struct Reader<'e> {
    walker: Walker,
    first_done: bool,
    events: Option<&'e mut Events>,
}

impl MarkedEventReceiver for Reader<'_> {
    fn on_event(&mut self, mut ev: Event, mark: Marker) {
        if !self.first_done {
            self.walker.event(&ev, mark);
            self.first_done = ev == Event::DocumentEnd;
        }
        if let Some(events) = self.events.as_deref_mut() {
            events.push(&mut ev);
        }
    }
}

impl Walker {
    fn event(&mut self, ev: &Event, mark: Marker) {
        match ev {
            Event::Scalar(value, style, ..) => match self.value_path() {
                Some(path) => {
                    self.nodes
                        .push((path, NodeMark::new(mark, Some(*style), value.len())));
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
                        *key = Some(value.clone());
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
                    // A list directly under the top-level mapping.
                    _ if self.stack.len() == 1 => Frame::Seq { index: self.base },
                    _ => Frame::Seq { index: 0 },
                };
                self.stack.push((frame, path));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                if let Some((Frame::Seq { index }, _)) = self.stack.pop()
                    && self.stack.len() == 1
                {
                    self.top_lists.push(index);
                }
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

    /// The nodes (by path, the last of a path as the index keeps it) and the
    /// document of `text` read whole, and read in pieces cut at every entry
    /// (`None` if the pieces are refused).
    fn whole_and_pieces(text: &str) -> (Whole, Option<Whole>) {
        let read =
            |(nodes, doc): super::Nodes| -> Whole { (nodes.into_iter().flatten().collect(), doc) };
        let mut events = Events::default();
        let (nodes, _) = walk(text, 0, Some(&mut events));
        let whole = read((vec![nodes], Document::from_events(events)));
        let pieces = split::cut_with(text, 1)
            .and_then(|cut| in_pieces(text, &cut))
            .map(read);
        (whole, pieces)
    }
    type Whole = (HashMap<String, NodeMark>, Option<Document>);

    #[test]
    fn pieces_read_as_the_whole_text() {
        use crate::model::split::fixtures::{hostile_texts, long};
        let mut cut = 0;
        let mut texts = vec![long(40, false), long(40, true)];
        for path in [
            "data/kamiless.yaml",
            "examples/caiq.yaml",
            "examples/guideline.yaml",
            "examples/whitepaper.yaml",
        ] {
            texts.push(std::fs::read_to_string(path).unwrap());
        }
        let normal = texts.len();
        texts.extend(hostile_texts());
        for (i, text) in texts.iter().enumerate() {
            let (whole, pieces) = whole_and_pieces(text);
            if let Some(pieces) = pieces {
                cut += 1;
                assert_eq!(pieces.0, whole.0, "{text}");
                assert_eq!(pieces.1, whole.1, "{text}");
            } else {
                assert!(i >= normal, "a plain document is read in pieces: {text}");
            }
        }
        assert!(cut >= normal, "{cut}");
        // The lines moved: a node after the list (revisions) and in the last
        // piece are where the whole text has them.
        let text = long(40, false) + "revisions:\n  - version: '1'\n    date: d\n    changes: c\n";
        let (whole, pieces) = whole_and_pieces(&text);
        let pieces = pieces.expect("cut");
        assert_eq!(
            pieces.0.get("revisions[0].date"),
            whole.0.get("revisions[0].date")
        );
        assert!(pieces.0.contains_key("categories[39].items[2].content"));
        assert_eq!(pieces.0, whole.0);
        assert_eq!(pieces.1, whole.1);
        assert!(whole.1.is_some());
    }

    #[test]
    fn broken_yaml_gives_what_parsed_before_the_error() {
        let p = Positions::of("a: 1\nb: [");
        assert_eq!(p.get("a"), Some((1, 4)));
        assert_eq!(p.get("c"), None);
    }
}

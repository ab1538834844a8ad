//! The content markup: how a text block of the YAML is read into lines, tables
//! and pictures.
//!
//! It is kept close to how these documents are written today:
//! * every newline is a line break; a blank line adds paragraph spacing;
//! * a line starting with a marker (● ・ ■ ◎ ◆ ○ ※ or `- `) or a number
//!   (`1.` `1)` `(1)` `（1）` `①`–`⑳` `a.` `ア.`) is a list line whose wrapped
//!   continuation lines hang after the marker (and the space after it);
//! * leading spaces (ASCII = ½ em, full-width = 1 em) indent a line and its continuations;
//! * a line that is entirely `＜…＞`, `<…>` or `【…】` is a sub-heading (bold);
//! * `http://` and `https://` URLs become links, and `[text](https://…)` is a link
//!   that prints its text;
//! * `**bold**` is bold; `\` before an ASCII punctuation mark prints the mark as
//!   it is (`\*\*`, `\[`, `\|`);
//! * consecutive lines starting with `|`, the second a `|---|---|` row, are a
//!   table (the first row its header);
//! * a line that is entirely `![alternate text](path)`, optionally followed by
//!   `{width=60%}`, is a picture.
//!
//! Markup that cannot be markup (a `**` without its closing pair, a `[` not
//! followed by `](`) stays literal text. What looks meant as markup but is
//! broken (a link without its closing parenthesis, a table row with more cells
//! than its header) is a [`Problem`], which `check` reports at its place.

use std::borrow::Cow;
use std::ops::Range;

/// Starts an underlined run. A private-use character, written only by the
/// tool itself (the comparison document), never printed.
pub const UNDERLINE_START: char = '\u{E000}';
/// Ends an underlined run.
pub const UNDERLINE_END: char = '\u{E001}';

/// Markers that make a line a list line.
pub const LIST_MARKERS: &[&str] = &["●", "・", "■", "◎", "◆", "○", "※", "- "];

/// What kind of line a source line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    Paragraph,
    /// A list line; the marker (with the space after it, if any) is the first
    /// `marker_len` bytes of `text`.
    ListItem {
        marker_len: usize,
    },
    SubHeading,
}

/// One source line of a text block, with its inline markup resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupLine<'a> {
    pub kind: LineKind,
    /// Indent from leading spaces.
    pub indent: crate::units::MilliEm,
    /// The line as printed: without its leading spaces, trailing whitespace and
    /// markup characters. Borrowed from the source when the line has no inline
    /// markup (nearly always).
    pub text: Cow<'a, str>,
    /// Byte ranges of bare URLs in `text` (they break at URL break points).
    pub links: Vec<Range<usize>>,
    /// Byte ranges of `[text](target)` link texts in `text`, with their targets.
    pub named_links: Vec<(Range<usize>, &'a str)>,
    /// Byte ranges of `**bold**` runs in `text`.
    pub bold: Vec<Range<usize>>,
    /// Byte ranges of underlined runs in `text`: what the 新旧対照表 marks as
    /// changed, between [`UNDERLINE_START`] and [`UNDERLINE_END`].
    pub underline: Vec<Range<usize>>,
    /// A blank line came before this one (paragraph spacing).
    pub gap_before: bool,
}

impl MarkupLine<'_> {
    /// The link target at byte `at` of `text`, if a link covers it.
    pub fn link_at(&self, at: usize) -> Option<&str> {
        if let Some(r) = self.links.iter().find(|r| r.contains(&at)) {
            return Some(&self.text[r.clone()]);
        }
        self.named_links
            .iter()
            .find(|(r, _)| r.contains(&at))
            .map(|(_, t)| *t)
    }
}

/// A table written in pipe syntax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableBlock<'a> {
    /// Rows of cells, the header row first; every row has the header's number
    /// of cells (missing ones empty). Cells are inline markup.
    pub rows: Vec<Vec<Cow<'a, str>>>,
    pub indent: crate::units::MilliEm,
    pub gap_before: bool,
}

/// A picture on a line of its own.
#[derive(Debug, Clone, PartialEq)]
pub struct PictureRef<'a> {
    /// The bracket text: the picture's alternate text.
    pub alt: &'a str,
    /// The path as written, relative to the YAML file.
    pub path: &'a str,
    /// `{width=60%}`: this share of the text width (0 < share ≤ 1).
    pub share: Option<f32>,
    pub gap_before: bool,
}

/// One block of a text field.
#[derive(Debug, Clone, PartialEq)]
pub enum Block<'a> {
    Line(MarkupLine<'a>),
    Table(TableBlock<'a>),
    Picture(PictureRef<'a>),
}

/// Broken markup, found while parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem<'a> {
    /// The source text where it is (to find its line and column).
    pub at: &'a str,
    pub message: String,
}

/// Splits a text block into blocks. Blank lines become `gap_before` of the next
/// block; leading and trailing blank lines are dropped.
pub fn parse(block: &str) -> Vec<Block<'_>> {
    parse_into(block, &mut None)
}

/// The broken markup of a text block, in order.
pub fn problems(block: &str) -> Vec<Problem<'_>> {
    let mut found = Some(Vec::new());
    parse_into(block, &mut found);
    found.unwrap_or_default()
}

/// What a text block prints, line by line: each line's text without its
/// markup (list markers and sub-heading brackets print, `**` and link targets
/// do not), a table's cells row by row, each cell on a line of its own, and
/// nothing for a picture. For checks of the PDF's text layer and for
/// comparisons of what a reader sees.
pub fn printed_text(block: &str) -> String {
    let mut out = String::with_capacity(block.len());
    let mut line = |text: &str| {
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(text);
    };
    for b in parse(block) {
        match b {
            Block::Line(l) => line(&l.text),
            Block::Table(t) => {
                for cell in t.rows.iter().flatten() {
                    let cell = parse(cell);
                    let text: Vec<&str> = cell
                        .iter()
                        .filter_map(|b| match b {
                            Block::Line(l) => Some(&*l.text),
                            _ => None,
                        })
                        .collect();
                    line(&text.join("\n"));
                }
            }
            Block::Picture(_) => {}
        }
    }
    out
}

/// The pictures a text block refers to, with their source text (for positions).
pub fn pictures(block: &str) -> Vec<PictureRef<'_>> {
    if !block.contains("![") {
        return Vec::new();
    }
    parse(block)
        .into_iter()
        .filter_map(|b| match b {
            Block::Picture(p) => Some(p),
            _ => None,
        })
        .collect()
}

fn parse_into<'a>(block: &'a str, problems: &mut Option<Vec<Problem<'a>>>) -> Vec<Block<'a>> {
    let mut out: Vec<Block> = Vec::new();
    let mut gap = false;
    let lines: Vec<&str> = block.lines().map(str::trim_end).collect();
    let mut n = 0;
    while n < lines.len() {
        let raw = lines[n];
        n += 1;
        if raw.is_empty() {
            gap = !out.is_empty();
            continue;
        }
        let (indent, text) = split_indent(raw);
        if text.starts_with('|') {
            let end = n + lines[n..]
                .iter()
                .take_while(|l| split_indent(l).1.starts_with('|'))
                .count();
            if let Some(table) = table(&lines[n - 1..end], problems) {
                out.push(Block::Table(TableBlock {
                    rows: table,
                    indent,
                    gap_before: gap,
                }));
                gap = false;
                n = end;
                continue;
            }
        }
        // A broken picture line is reported once, as a picture, and set as text.
        let mut reported = false;
        if text.starts_with("![") {
            let before = problems.as_ref().map_or(0, Vec::len);
            if let Some(picture) = picture(text, problems) {
                out.push(Block::Picture(PictureRef {
                    gap_before: gap,
                    ..picture
                }));
                gap = false;
                continue;
            }
            reported = problems.as_ref().map_or(0, Vec::len) > before;
        }
        let kind = if is_sub_heading(text) {
            LineKind::SubHeading
        } else if let Some(len) = marker_len(text) {
            LineKind::ListItem { marker_len: len }
        } else {
            LineKind::Paragraph
        };
        let mut silent = None;
        let mut line = inline(text, if reported { &mut silent } else { problems });
        line.kind = kind;
        line.indent = indent;
        line.gap_before = gap;
        out.push(Block::Line(line));
        gap = false;
    }
    out
}

/// A line's indent from its leading spaces, and the rest.
fn split_indent(raw: &str) -> (crate::units::MilliEm, &str) {
    let mut indent = 0;
    let mut text = raw;
    loop {
        if let Some(rest) = text.strip_prefix(' ') {
            indent += 500;
            text = rest;
        } else if let Some(rest) = text.strip_prefix('\u{3000}') {
            indent += 1000;
            text = rest;
        } else {
            break;
        }
    }
    (crate::units::MilliEm(indent), text)
}

fn is_sub_heading(text: &str) -> bool {
    let enclosed = |open: char, close: char| {
        text.starts_with(open)
            && text.ends_with(close)
            && text.chars().count() > 2
            && !text[open.len_utf8()..text.len() - close.len_utf8()].contains([open, close])
    };
    enclosed('＜', '＞') || enclosed('【', '】') || enclosed('<', '>')
}

/// The length of a list marker at the start of `text`, with the space after it.
fn marker_len(text: &str) -> Option<usize> {
    if let Some(m) = LIST_MARKERS.iter().find(|m| text.starts_with(**m)) {
        return Some(m.len());
    }
    let len = number_marker(text)?;
    let rest = &text[len..];
    // Followed by text: a marker alone on a line is just text.
    if rest.trim().is_empty() {
        return None;
    }
    let space = rest
        .chars()
        .next()
        .filter(|c| *c == ' ' || *c == '\u{3000}')
        .map_or(0, char::len_utf8);
    Some(len + space)
}

/// `1.` `1)` `(1)` `（1）` `①`–`⑳` `a.` `ア.` (and `(a)` `（ア）`) at the start
/// of `text`: its length in bytes.
fn number_marker(text: &str) -> Option<usize> {
    let mut chars = text.char_indices();
    let (_, first) = chars.next()?;
    if ('①'..='⑳').contains(&first) {
        return Some(first.len_utf8());
    }
    let is_label = |c: char| c.is_ascii_lowercase() || ('ア'..='ン').contains(&c);
    // The label inside: digits (up to three), or one letter or katakana.
    let label = |s: &str| -> Option<usize> {
        let digits = s.bytes().take_while(u8::is_ascii_digit).count();
        if (1..=3).contains(&digits) {
            return Some(digits);
        }
        s.chars()
            .next()
            .filter(|c| is_label(*c))
            .map(char::len_utf8)
    };
    for (open, close) in [("(", ")"), ("（", "）")] {
        if let Some(rest) = text.strip_prefix(open) {
            let len = label(rest)?;
            return rest[len..]
                .starts_with(close)
                .then_some(open.len() + len + close.len());
        }
    }
    let len = label(text)?;
    let rest = &text[len..];
    let after = |p: &str| rest[p.len()..].chars().next();
    for p in [".", ")", "．"] {
        if rest.starts_with(p) {
            // `1.5`, `e.g.` and `a.m.` are not markers: after the stop comes a
            // space or Japanese text.
            return match after(p) {
                Some(c) if c.is_ascii_alphanumeric() || c == '.' => None,
                _ => Some(len + p.len()),
            };
        }
    }
    None
}

/// Whether `c` may be escaped with `\`.
fn escapable(c: char) -> bool {
    c.is_ascii_punctuation()
}

/// Resolves the inline markup of one line: escapes, bold, named links, bare URLs.
fn inline<'a>(text: &'a str, problems: &mut Option<Vec<Problem<'a>>>) -> MarkupLine<'a> {
    let plain = MarkupLine {
        kind: LineKind::Paragraph,
        indent: crate::units::MilliEm::ZERO,
        text: Cow::Borrowed(text),
        links: Vec::new(),
        named_links: Vec::new(),
        bold: Vec::new(),
        underline: Vec::new(),
        gap_before: false,
    };
    // The fast path: no character that can start inline markup.
    if !text.contains(['\\', '*', '[', UNDERLINE_START, UNDERLINE_END]) {
        return MarkupLine {
            links: find_urls(text),
            ..plain
        };
    }
    let mut out = String::with_capacity(text.len());
    let mut named = Vec::new();
    let mut bold = Vec::new();
    let mut bold_from: Option<usize> = None;
    let mut underline = Vec::new();
    let mut underline_from: Option<usize> = None;
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if let Some(after) = rest.strip_prefix(UNDERLINE_START) {
            underline_from = Some(out.len());
            i = text.len() - after.len();
            continue;
        }
        if let Some(after) = rest.strip_prefix(UNDERLINE_END) {
            if let Some(from) = underline_from.take()
                && from < out.len()
            {
                underline.push(from..out.len());
            }
            i = text.len() - after.len();
            continue;
        }
        if let Some(after) = rest.strip_prefix('\\')
            && let Some(c) = after.chars().next().filter(|c| escapable(*c))
        {
            out.push(c);
            i += 1 + c.len_utf8();
            continue;
        }
        if let Some(after) = rest.strip_prefix("**") {
            match bold_from {
                Some(from) => {
                    bold.push(from..out.len());
                    bold_from = None;
                    i += 2;
                    continue;
                }
                // Bold only when a closing `**` follows with text between.
                None if closing_pair(after) => {
                    bold_from = Some(out.len());
                    i += 2;
                    continue;
                }
                None => {}
            }
        }
        if rest.starts_with('[') {
            match link(rest) {
                Link::Named {
                    text: t,
                    target,
                    len,
                } => {
                    let from = out.len();
                    push_unescaped(&mut out, t);
                    named.push((from..out.len(), target));
                    i += len;
                    continue;
                }
                Link::Broken(message) => {
                    if let Some(p) = problems {
                        p.push(Problem { at: rest, message });
                    }
                }
                Link::Literal => {}
            }
        }
        // `rest` is not empty: `i` is inside `text` on a character boundary.
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8();
    }
    let links = find_urls(&out)
        .into_iter()
        .filter(|u| {
            !named
                .iter()
                .any(|(r, _): &(Range<usize>, _)| r.start < u.end && u.start < r.end)
        })
        .collect();
    MarkupLine {
        text: if out == text {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(out)
        },
        links,
        named_links: named,
        bold,
        underline,
        ..plain
    }
}

/// Whether `rest` (after an opening `**`) holds a closing `**` with something
/// between.
fn closing_pair(rest: &str) -> bool {
    let mut i = 0;
    while i < rest.len() {
        let r = &rest[i..];
        if r.starts_with('\\') && r[1..].chars().next().is_some_and(escapable) {
            i += 1 + r[1..].chars().next().map_or(0, char::len_utf8);
            continue;
        }
        if r.starts_with("**") {
            return i > 0;
        }
        i += r.chars().next().map_or(1, char::len_utf8);
    }
    false
}

fn push_unescaped(out: &mut String, s: &str) {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\\'
            && let Some(&n) = chars.peek()
            && escapable(n)
        {
            out.push(n);
            chars.next();
            continue;
        }
        out.push(c);
    }
}

enum Link<'a> {
    Named {
        text: &'a str,
        target: &'a str,
        /// Source bytes the link takes.
        len: usize,
    },
    Broken(String),
    Literal,
}

/// Reads `[text](target)` at the start of `rest`.
fn link(rest: &str) -> Link<'_> {
    // The closing bracket: the first `]` not escaped.
    let mut close = None;
    let mut i = 1;
    while i < rest.len() {
        let r = &rest[i..];
        if r.starts_with('\\') && r[1..].chars().next().is_some_and(escapable) {
            i += 1 + r[1..].chars().next().map_or(0, char::len_utf8);
            continue;
        }
        if r.starts_with('[') {
            break;
        }
        if r.starts_with(']') {
            close = Some(i);
            break;
        }
        i += r.chars().next().map_or(1, char::len_utf8);
    }
    let Some(close) = close else {
        // `[当社サイト(https://…)`: a link whose bracket was never closed.
        let line_rest = &rest[1..];
        let upto = line_rest.find('[').unwrap_or(line_rest.len());
        return if line_rest[..upto].contains("](") || line_rest[..upto].contains("(http") {
            Link::Broken(
                "the \"[\" of a link is not closed; write [link text](https://…), or \\[ for a literal bracket"
                    .into(),
            )
        } else {
            Link::Literal
        };
    };
    let text = &rest[1..close];
    let Some(after) = rest[close + 1..].strip_prefix('(') else {
        return Link::Literal;
    };
    let Some(end) = after.find(')') else {
        return Link::Broken(format!(
            "the link [{text}]( has no closing \")\"; write [{text}](https://…)"
        ));
    };
    let target = after[..end].trim();
    if text.trim().is_empty() {
        return Link::Broken(format!(
            "the link to {target:?} has no text between [ and ]; write [link text]({target})"
        ));
    }
    let known = ["https://", "http://", "mailto:"];
    if target.is_empty()
        || target.contains(char::is_whitespace)
        || !known.iter().any(|k| target.starts_with(k))
    {
        return Link::Broken(format!(
            "the link [{text}] goes to {target:?}; a link target is an address starting with https://, http:// or mailto: (without spaces)"
        ));
    }
    Link::Named {
        text,
        target,
        len: close + 2 + end + 1,
    }
}

/// A pipe table from `lines` (all starting with `|`), if the second line is a
/// delimiter row; rows with more cells than the header are problems.
fn table<'a>(
    lines: &[&'a str],
    problems: &mut Option<Vec<Problem<'a>>>,
) -> Option<Vec<Vec<Cow<'a, str>>>> {
    if lines.len() < 2 {
        return None;
    }
    let delimiter = cells(split_indent(lines[1]).1);
    let is_delimiter = !delimiter.is_empty()
        && delimiter.iter().all(|c| {
            let c = c.trim_matches(':');
            !c.is_empty() && c.bytes().all(|b| b == b'-')
        });
    if !is_delimiter {
        return None;
    }
    let header = cells(split_indent(lines[0]).1);
    let columns = header.len();
    if delimiter.len() != columns
        && let Some(p) = problems
    {
        p.push(Problem {
            at: lines[1],
            message: format!(
                "the table's |---| row has {} cells but its header row has {columns}; give every column one ---",
                delimiter.len()
            ),
        });
    }
    let mut rows = vec![header];
    for line in &lines[2..] {
        let mut row = cells(split_indent(line).1);
        if row.len() > columns {
            if let Some(p) = problems {
                p.push(Problem {
                    at: line,
                    message: format!(
                        "this table row has {} cells but the header row has {columns}; remove a cell, add a header, or write \\| for a literal bar",
                        row.len()
                    ),
                });
            }
            row.truncate(columns);
        }
        row.resize(columns, Cow::Borrowed(""));
        rows.push(row);
    }
    Some(rows)
}

/// The cells of a pipe-table row: split at `|` (not `\|`), the outer bars
/// optional, each cell trimmed.
fn cells(row: &str) -> Vec<Cow<'_, str>> {
    let row = row.strip_prefix('|').unwrap_or(row);
    let mut out = Vec::new();
    let mut from = 0;
    let mut escaped = false;
    let bytes = row.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if bytes.get(i + 1) == Some(&b'|') => {
                escaped = true;
                i += 2;
                continue;
            }
            b'|' => {
                out.push(cell(&row[from..i], escaped));
                from = i + 1;
                escaped = false;
            }
            _ => {}
        }
        i += 1;
    }
    let last = row[from..].trim();
    if !last.is_empty() {
        out.push(cell(last, escaped));
    }
    out
}

fn cell(s: &str, escaped: bool) -> Cow<'_, str> {
    let s = s.trim_matches([' ', '\u{3000}']);
    if escaped {
        // `\|` becomes a literal `|`, but stays an escape for the inline markup.
        Cow::Owned(s.replace("\\|", "|"))
    } else {
        Cow::Borrowed(s)
    }
}

/// `![alt](path)` or `![alt](path){width=60%}` filling `text`.
fn picture<'a>(text: &'a str, problems: &mut Option<Vec<Problem<'a>>>) -> Option<PictureRef<'a>> {
    let close = text.find("](")?;
    let alt = &text[2..close];
    let after = &text[close + 2..];
    let mut report = |message: String| {
        if let Some(p) = problems {
            p.push(Problem { at: text, message });
        }
    };
    let Some(end) = after.find(')') else {
        report(format!(
            "the picture ![{alt}]( has no closing \")\"; write ![{alt}](images/file.png)"
        ));
        return None;
    };
    let path = after[..end].trim();
    let tail = after[end + 1..].trim();
    let share = if tail.is_empty() {
        None
    } else {
        let share = tail
            .strip_prefix("{width=")
            .and_then(|t| t.strip_suffix("%}"))
            .and_then(|n| n.trim().parse::<f32>().ok())
            .filter(|n| *n > 0.0 && *n <= 100.0);
        match share {
            Some(n) => Some(n / 100.0),
            None => {
                report(format!(
                    "after the picture ![{alt}]({path}) comes {tail:?}; the only option is {{width=60%}} (1% to 100% of the text width)"
                ));
                return None;
            }
        }
    };
    if alt.trim().is_empty() {
        report(format!(
            "the picture {path:?} has no alternate text; describe it between the brackets: ![責任共有モデルの図]({path})"
        ));
    }
    if path.is_empty() {
        report("the picture has no file; write ![alternate text](images/file.png)".into());
        return None;
    }
    Some(PictureRef {
        alt,
        path,
        share,
        gap_before: false,
    })
}

/// Byte ranges of `http://` and `https://` URLs. A URL runs to the first whitespace
/// or non-ASCII character; trailing sentence punctuation and an unbalanced closing
/// parenthesis are not part of it.
pub fn find_urls(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(pos) = text[from..].find("http").map(|p| p + from) {
        let rest = &text[pos..];
        if !(rest.starts_with("https://") || rest.starts_with("http://")) {
            from = pos + 4;
            continue;
        }
        let len = rest
            .find(|c: char| c.is_whitespace() || !c.is_ascii() || c.is_ascii_control())
            .unwrap_or(rest.len());
        let mut url = &rest[..len];
        loop {
            let trimmed = url.trim_end_matches(['.', ',', ';', ':', '!', '?', '\'', '"']);
            let trimmed = if trimmed.ends_with(')')
                && trimmed.matches('(').count() < trimmed.matches(')').count()
            {
                &trimmed[..trimmed.len() - 1]
            } else {
                trimmed
            };
            if trimmed.len() == url.len() {
                break;
            }
            url = trimmed;
        }
        out.push(pos..pos + url.len());
        from = pos + len.max(4);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn printed_text_is_the_text_without_its_markup() {
        let block = "＜方針＞\n\n1. **重要**な[当社WEBサイト](https://example.jp/)を参照\n\\*注記\n\n| 用語 | 説明 |\n|---|---|\n| SaaS | **クラウド**型 |\n\n![図](a.png)\n以上";
        assert_eq!(
            super::printed_text(block),
            "＜方針＞\n1. 重要な当社WEBサイトを参照\n*注記\n用語\n説明\nSaaS\nクラウド型\n以上"
        );
        assert_eq!(
            super::printed_text("https://example.jp/ を参照"),
            "https://example.jp/ を参照"
        );
    }

    use super::*;

    fn lines(block: &str) -> Vec<MarkupLine<'_>> {
        parse(block)
            .into_iter()
            .filter_map(|b| match b {
                Block::Line(l) => Some(l),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn kinds_indents_and_gaps() {
        let lines = lines("＜当社の責任＞\n当社は、\n●対策\n\n  - お客様\n　・全角\n");
        let kinds: Vec<_> = lines
            .iter()
            .map(|l| (&l.kind, l.indent.0, l.gap_before))
            .collect();
        assert_eq!(
            kinds,
            [
                (&LineKind::SubHeading, 0, false),
                (&LineKind::Paragraph, 0, false),
                (&LineKind::ListItem { marker_len: 3 }, 0, false),
                (&LineKind::ListItem { marker_len: 2 }, 1000, true),
                (&LineKind::ListItem { marker_len: 3 }, 1000, false),
            ]
        );
        assert_eq!(lines[3].text, "- お客様");
    }

    #[test]
    fn sub_heading_must_be_the_whole_line() {
        assert_eq!(lines("＜A＞と＜B＞")[0].kind, LineKind::Paragraph);
        assert_eq!(lines("【重要】")[0].kind, LineKind::SubHeading);
        assert_eq!(lines("<責任共有モデル>")[0].kind, LineKind::SubHeading);
        assert_eq!(lines("<A>と<B>")[0].kind, LineKind::Paragraph);
    }

    #[test]
    fn numbered_markers_hang_with_their_space() {
        let cases = [
            ("1. 概要", 3),
            ("12)対象", 3),
            ("(1) 対象", 4),
            ("（1）対象", 7),
            ("①対象", 3),
            ("a. item", 3),
            ("ア.対象", 4),
            ("（ア）対象", 9),
            ("１．", 0),
            ("1.5倍に", 0),
            ("e.g. this", 0),
            ("2024年", 0),
            ("1.", 0),
        ];
        for (text, len) in cases {
            let kind = &lines(text)[0].kind;
            if len == 0 {
                assert_eq!(kind, &LineKind::Paragraph, "{text}");
            } else {
                assert_eq!(kind, &LineKind::ListItem { marker_len: len }, "{text}");
            }
        }
    }

    #[test]
    fn bold_links_and_escapes() {
        let l = &lines(
            "**重要**：詳細は[当社WEBサイト](https://corp.example.jp/)と https://a.jp を参照",
        )[0];
        assert_eq!(l.text, "重要：詳細は当社WEBサイトと https://a.jp を参照");
        assert_eq!(&l.text[l.bold[0].clone()], "重要");
        let (r, target) = &l.named_links[0];
        assert_eq!(&l.text[r.clone()], "当社WEBサイト");
        assert_eq!(*target, "https://corp.example.jp/");
        assert_eq!(&l.text[l.links[0].clone()], "https://a.jp");
        assert_eq!(l.link_at(r.start), Some("https://corp.example.jp/"));
        // What cannot be markup stays as written.
        let l = &lines("** 未閉 と [注] と a*b")[0];
        assert_eq!(l.text, "** 未閉 と [注] と a*b");
        assert!(matches!(l.text, Cow::Borrowed(_)));
        assert_eq!(
            lines(r"\*\*literal\*\* \[x](y) C:\dir")[0].text,
            r"**literal** [x](y) C:\dir"
        );
        assert!(problems("[注]と**強調**").is_empty());
    }

    #[test]
    fn broken_links_are_problems() {
        for text in [
            "[当社サイト(https://corp.example.jp/)",
            "[当社サイト](https://corp.example.jp/",
            "[](https://corp.example.jp/)",
            "[当社](corp.example.jp)",
        ] {
            let found = problems(text);
            assert_eq!(found.len(), 1, "{text}: {found:?}");
            assert!(found[0].at.starts_with('['));
        }
    }

    #[test]
    fn pipe_tables() {
        let block =
            "前文\n| 用語 | 説明 |\n|---|:---:|\n| クラウド | 一つ\\|二つ |\n| 単独 |\n後文";
        let blocks = parse(block);
        assert_eq!(blocks.len(), 3);
        let Block::Table(t) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            t.rows,
            [
                vec!["用語", "説明"],
                vec!["クラウド", "一つ|二つ"],
                vec!["単独", ""]
            ]
        );
        assert!(problems(block).is_empty());
        // Too many cells.
        let found = problems("| a | b |\n|---|---|\n| 1 | 2 | 3 |");
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].at, "| 1 | 2 | 3 |");
        // Without a delimiter row it is text.
        assert!(matches!(parse("| a | b |\n| c | d |")[0], Block::Line(_)));
    }

    #[test]
    fn pictures_with_width() {
        let blocks = parse("図：\n\n![責任共有モデル](images/model.png){width=60%}");
        let Block::Picture(p) = &blocks[1] else {
            panic!("{blocks:?}")
        };
        assert_eq!(
            (p.alt, p.path, p.share, p.gap_before),
            ("責任共有モデル", "images/model.png", Some(0.6), true)
        );
        assert_eq!(problems("![図](a.png){width=0%}").len(), 1);
        assert_eq!(problems("![](a.png)").len(), 1);
        assert_eq!(pictures("![図](a.png)")[0].path, "a.png");
    }

    #[test]
    fn urls_stop_at_japanese_and_trailing_punctuation() {
        let t = "詳細は https://example.com/a?b=1。または(http://x.jp/y).";
        let urls: Vec<&str> = find_urls(t).into_iter().map(|r| &t[r]).collect();
        assert_eq!(urls, ["https://example.com/a?b=1", "http://x.jp/y"]);
    }

    #[test]
    fn url_after_fullwidth_bar() {
        let t = "オプロサポートサービス｜https://spc.opro.net/hc/ja";
        assert_eq!(&t[find_urls(t)[0].clone()], "https://spc.opro.net/hc/ja");
    }

    #[test]
    fn bare_http_word_is_not_a_url() {
        assert!(find_urls("httpd と https の話").is_empty());
    }
}

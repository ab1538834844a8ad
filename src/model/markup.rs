//! The content markup: how a text block of the YAML is read into lines.
//!
//! It is kept close to how these documents are written today:
//! * every newline is a line break; a blank line adds paragraph spacing;
//! * a line starting with a marker (● ・ ■ ◎ ◆ ○ ※ or `- `) is a list line whose
//!   wrapped continuation lines hang after the marker;
//! * leading spaces (ASCII = ½ em, full-width = 1 em) indent a line and its continuations;
//! * a line that is entirely `＜…＞` or `【…】` is a sub-heading (bold);
//! * `http://` and `https://` URLs become links.

use std::ops::Range;

/// Markers that make a line a list line.
pub const LIST_MARKERS: &[&str] = &["●", "・", "■", "◎", "◆", "○", "※", "- "];

/// What kind of line a source line is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineKind {
    Paragraph,
    /// A list line; the marker is the first part of `text`.
    ListItem {
        marker_len: usize,
    },
    SubHeading,
}

/// One source line of a text block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarkupLine<'a> {
    pub kind: LineKind,
    /// Indent from leading spaces.
    pub indent: crate::units::MilliEm,
    /// The line without its leading spaces and trailing whitespace.
    pub text: &'a str,
    /// Byte ranges of URLs in `text`.
    pub links: Vec<Range<usize>>,
    /// A blank line came before this one (paragraph spacing).
    pub gap_before: bool,
}

/// Splits a text block into lines. Blank lines become `gap_before` of the next line;
/// leading and trailing blank lines are dropped.
pub fn parse(block: &str) -> Vec<MarkupLine<'_>> {
    let mut out: Vec<MarkupLine> = Vec::new();
    let mut gap = false;
    for raw in block.lines() {
        let raw = raw.trim_end();
        if raw.is_empty() {
            gap = !out.is_empty();
            continue;
        }
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
        let kind = if is_sub_heading(text) {
            LineKind::SubHeading
        } else if let Some(m) = LIST_MARKERS.iter().find(|m| text.starts_with(**m)) {
            LineKind::ListItem {
                marker_len: m.len(),
            }
        } else {
            LineKind::Paragraph
        };
        out.push(MarkupLine {
            kind,
            indent: crate::units::MilliEm(indent),
            text,
            links: find_urls(text),
            gap_before: gap,
        });
        gap = false;
    }
    out
}

fn is_sub_heading(text: &str) -> bool {
    let enclosed = |open: char, close: char| {
        text.starts_with(open)
            && text.ends_with(close)
            && text.chars().count() > 2
            && !text[open.len_utf8()..text.len() - close.len_utf8()].contains([open, close])
    };
    enclosed('＜', '＞') || enclosed('【', '】')
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
    use super::*;

    #[test]
    fn kinds_indents_and_gaps() {
        let lines = parse("＜当社の責任＞\n当社は、\n●対策\n\n  - お客様\n　・全角\n");
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
        assert_eq!(parse("＜A＞と＜B＞")[0].kind, LineKind::Paragraph);
        assert_eq!(parse("【重要】")[0].kind, LineKind::SubHeading);
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

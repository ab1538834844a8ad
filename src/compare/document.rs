//! The 新旧対照表 as a document of its own, set by the same table engine as the
//! disclosure: a row per changed, added, removed or moved item (the document's
//! own fields first), columns No. | 項目 | 変更前 | 変更後 under the category,
//! the changed phrases underlined in both, 「（新設）」 opposite a new item and
//! 「（削除）」 opposite a removed one, headed 「（下線部は変更箇所）」.
//!
//! The cells hold each version's text as it prints (markup resolved, so a
//! list stays a list and a sub-heading bold; links and tables as their text),
//! with the underlines as the markup's internal underline markers.

use std::ops::Range;

use super::phrases::changed_runs;
use super::{Change, Comparison};
use crate::layout::{Orientation, Style};
use crate::model::markup::{self, LineKind, UNDERLINE_END, UNDERLINE_START};
use crate::model::{
    Category, ColumnSpec, Document, DocumentInfo, Item, ItemNo, Labels, Language, Locale,
};

/// A document's items with their categories, in order.
type Rows<'a> = Vec<(&'a Category, &'a Item)>;

/// The key of the old version's column (the new version is the content).
const OLD: &str = "old";

/// Words of the comparison in the document's language.
struct Words {
    title: &'static str,
    old: &'static str,
    new: &'static str,
    item: &'static str,
    document: &'static str,
    added: &'static str,
    removed: &'static str,
    legend: &'static str,
    title_label: &'static str,
}

const JAPANESE: Words = Words {
    title: "新旧対照表",
    old: "変更前",
    new: "変更後",
    item: "項目",
    document: "文書",
    added: "（新設）",
    removed: "（削除）",
    legend: "（下線部は変更箇所）",
    title_label: "【項目名】",
};

const ENGLISH: Words = Words {
    title: "Comparison of versions",
    old: "Before",
    new: "After",
    item: "Item",
    document: "Document",
    added: "(new)",
    removed: "(deleted)",
    legend: "(changes underlined)",
    title_label: "[Title] ",
};

/// How the comparison is set.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The new version in the left column (the 改正後-first order of government
    /// documents), the old one on the right.
    pub new_left: bool,
    pub orientation: Orientation,
    /// Keep unchanged lines inside a changed item rather than eliding a long
    /// run of them as 「（略）」.
    pub full: bool,
    /// The two columns' labels (old, new) instead of 変更前 / 変更後 (現行 /
    /// 改定案, say).
    pub labels: Option<(String, String)>,
}

/// `text` as it prints, with markup characters escaped (so that it prints the
/// same when read as markup again) and `runs` (byte ranges of `text`)
/// underlined. Underlines are closed at line ends, opened after a list
/// marker, and inside a sub-heading's brackets, where the line's markup
/// recognition needs them.
fn marked(text: &str, runs: &[Range<usize>]) -> String {
    let mut out = String::with_capacity(text.len() + runs.len() * 8);
    let mut at = 0;
    for (n, line) in text.split('\n').enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let start = at;
        let end = at + line.len();
        at = end + 1;
        // Where an underline may open on this line: after a list marker, or
        // after a sub-heading's opening bracket.
        let lead = match markup::parse(line).first() {
            Some(markup::Block::Line(l)) => match l.kind {
                LineKind::ListItem { marker_len } => marker_len,
                LineKind::SubHeading => line.chars().next().map_or(0, char::len_utf8),
                LineKind::Paragraph => 0,
            },
            _ => 0,
        };
        let tail = match markup::parse(line).first() {
            Some(markup::Block::Line(l)) if l.kind == LineKind::SubHeading => {
                line.chars().last().map_or(0, char::len_utf8)
            }
            _ => 0,
        };
        let local: Vec<Range<usize>> = runs
            .iter()
            .filter(|r| r.start < end && start < r.end)
            .map(|r| {
                let s = r.start.max(start) - start;
                let e = r.end.min(end) - start;
                s.max(lead)..e.min(line.len() - tail)
            })
            .filter(|r| r.start < r.end)
            .collect();
        let mut k = 0;
        for (i, c) in line.char_indices() {
            if local.iter().any(|r| r.start == i) {
                out.push(UNDERLINE_START);
            }
            // Escaped so that it stays text; a list marker or a sub-heading's
            // brackets stay markup (they are the same in the printed text).
            if c.is_ascii_punctuation() && !(i < lead || i >= line.len() - tail) {
                out.push('\\');
            }
            out.push(c);
            k = i + c.len_utf8();
            if local.iter().any(|r| r.end == k) {
                out.push(UNDERLINE_END);
            }
        }
        let _ = k;
    }
    out
}

/// Source lines of a row of the comparison at most: longer changes go on in
/// further rows under the same No., so that no row is taller than a page
/// (the table splits only its last column within a row).
const ROW_LINES: usize = 4;
/// A source line longer than this (in characters) is cut after a sentence
/// into pieces that may go into separate rows: a paragraph longer than a page
/// in the 変更前 column, which cannot split inside a row, would not fit.
const PIECE_CHARS: usize = 240;

/// A run of unchanged lines longer than this is elided as 「（略）」.
const ELIDE_LINES: usize = 2;

/// One side's lines aligned with the other's: equal lines, or a run that
/// differs.
enum Segment {
    Same(Vec<String>),
    Differs(Vec<String>, Vec<String>),
}

/// The lines of `old` and `new` aligned by a longest common subsequence of
/// whole lines.
fn segments(old: &str, new: &str) -> Vec<Segment> {
    let lines = |t: &str| -> Vec<String> {
        if t.is_empty() {
            Vec::new()
        } else {
            t.split('\n').map(str::to_string).collect()
        }
    };
    let (a, b) = (lines(old), lines(new));
    let (keep_a, keep_b) = super::phrases::common(&a, &b);
    let mut out: Vec<Segment> = Vec::new();
    let (mut i, mut j) = (0, 0);
    let mut push = |seg: Segment| match (out.last_mut(), seg) {
        (Some(Segment::Same(l)), Segment::Same(m)) => l.extend(m),
        (Some(Segment::Differs(l0, l1)), Segment::Differs(m0, m1)) => {
            l0.extend(m0);
            l1.extend(m1);
        }
        (_, seg) => out.push(seg),
    };
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && keep_a[i] && keep_b[j] {
            push(Segment::Same(vec![a[i].clone()]));
            i += 1;
            j += 1;
        } else if i < a.len() && !keep_a[i] {
            push(Segment::Differs(vec![a[i].clone()], Vec::new()));
            i += 1;
        } else {
            push(Segment::Differs(Vec::new(), vec![b[j].clone()]));
            j += 1;
        }
    }
    out
}

/// A piece of a line and whether it continues the line before it.
type Piece = (String, bool);

/// `lines` (marked) cut into pieces of at most about [`PIECE_CHARS`]
/// characters after sentence ends, each with whether it continues the line
/// before it; an underline open at a cut is closed and opened again.
fn pieces(lines: &[String]) -> Vec<Piece> {
    let mut out = Vec::new();
    for line in lines {
        let printed = line
            .chars()
            .filter(|c| *c != UNDERLINE_START && *c != UNDERLINE_END)
            .count();
        if printed <= PIECE_CHARS {
            out.push((line.clone(), false));
            continue;
        }
        let mut piece = String::new();
        let (mut count, mut open, mut first) = (0, false, true);
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            piece.push(c);
            match c {
                UNDERLINE_START => open = true,
                UNDERLINE_END => open = false,
                _ => count += 1,
            }
            // After a sentence end (and an underline end right after it).
            let end = matches!(c, '。' | '．' | '！' | '？') && count >= PIECE_CHARS / 2;
            if end && chars.peek().is_some() {
                if chars.peek() == Some(&UNDERLINE_END) {
                    piece.push(UNDERLINE_END);
                    chars.next();
                    open = false;
                }
                if open {
                    piece.push(UNDERLINE_END);
                }
                out.push((std::mem::take(&mut piece), !first));
                first = false;
                count = 0;
                if open {
                    piece.push(UNDERLINE_START);
                }
            }
        }
        if !piece.is_empty() {
            out.push((piece, !first));
        }
    }
    out
}

/// Pieces joined back into a cell: a piece continuing its line without a
/// break.
fn joined(pieces: &[Piece]) -> String {
    let mut out = String::new();
    for (k, (text, continues)) in pieces.iter().enumerate() {
        if k > 0 && !continues {
            out.push('\n');
        }
        // An underline cut between two pieces of one line is one again.
        match text.strip_prefix(UNDERLINE_START) {
            Some(rest) if *continues && out.ends_with(UNDERLINE_END) => {
                out.pop();
                out.push_str(rest);
            }
            _ => out.push_str(text),
        }
    }
    out
}

/// The cell pairs (old, new) of the rows one field's change takes: unchanged
/// lines as they are (a long run of them as 「（略）」 unless `full`), changed
/// lines with their changed phrases underlined, at most [`ROW_LINES`] source
/// lines a row. `empty_old` / `empty_new` stand for a side that has no text
/// (「（新設）」, 「（削除）」).
fn row_cells(
    old: &str,
    new: &str,
    full: bool,
    elided: &str,
    empty: (&str, &str),
) -> Vec<(String, String)> {
    let (po, pn) = (markup::printed_text(old), markup::printed_text(new));
    let mut rows: Vec<(Vec<Piece>, Vec<Piece>)> = Vec::new();
    for seg in segments(&po, &pn) {
        match seg {
            Segment::Same(lines) => {
                let lines: Vec<String> = if !full && lines.len() > ELIDE_LINES {
                    vec![elided.to_string()]
                } else {
                    lines.iter().map(|l| marked(l, &[])).collect()
                };
                for chunk in pieces(&lines).chunks(ROW_LINES) {
                    rows.push((chunk.to_vec(), chunk.to_vec()));
                }
            }
            Segment::Differs(a, b) => {
                let (ta, tb) = (a.join("\n"), b.join("\n"));
                let (ra, rb) = changed_runs(&ta, &tb);
                let split = |t: &str, r: &[Range<usize>]| -> Vec<Piece> {
                    if t.is_empty() {
                        return Vec::new();
                    }
                    let lines: Vec<String> = marked(t, r).split('\n').map(str::to_string).collect();
                    pieces(&lines)
                };
                let (ma, mb) = (split(&ta, &ra), split(&tb, &rb));
                let n = ma.len().max(mb.len()).div_ceil(ROW_LINES).max(1);
                for k in 0..n {
                    let part = |m: &[Piece]| {
                        m.iter()
                            .skip(k * ROW_LINES)
                            .take(ROW_LINES)
                            .cloned()
                            .collect::<Vec<_>>()
                    };
                    rows.push((part(&ma), part(&mb)));
                }
            }
        }
    }
    if rows.is_empty() {
        rows.push((Vec::new(), Vec::new()));
    }
    let (empty_old, empty_new) = empty;
    if po.is_empty() && !empty_old.is_empty() {
        rows[0].0 = vec![(empty_old.to_string(), false)];
    }
    if pn.is_empty() && !empty_new.is_empty() {
        rows[0].1 = vec![(empty_new.to_string(), false)];
    }
    rows.into_iter()
        .map(|(a, b)| (joined(&a), joined(&b)))
        .collect()
}

/// The rows of a short field's change (a title, a category, an own column's
/// value) with `label` before each side's first line, never underlined itself.
fn headed(label: &str, old: &str, new: &str, elided: &str) -> Vec<(String, String)> {
    let label = marked(label, &[]);
    row_cells(old, new, true, elided, ("", ""))
        .into_iter()
        .enumerate()
        .map(|(k, (a, b))| {
            if k == 0 {
                (format!("{label}{a}"), format!("{label}{b}"))
            } else {
                (a, b)
            }
        })
        .collect()
}

/// The comparison of `old` and `new` as a document to lay out.
pub fn comparison_document(
    c: &Comparison,
    old: &Document,
    new: &Document,
    options: Options,
) -> Document {
    let ja = new.document.language.locale() == Locale::Japanese;
    let w = if ja { &JAPANESE } else { &ENGLISH };
    let phrases = crate::locale::phrases(&new.document.language);
    let side = |d: &Document| {
        let version = if d.document.version.is_empty() {
            phrases.draft.to_string()
        } else {
            phrases.version(&d.document.version)
        };
        match crate::model::Date::parse(&d.document.date) {
            Some(date) => format!("{version}（{}）", phrases.date(&date)),
            None => version,
        }
    };
    let (old_label, new_label) = match &options.labels {
        Some((o, n)) => (o.as_str(), n.as_str()),
        None => (w.old, w.new),
    };
    // The new version's own revision entry, when it has one, under the versions.
    let entry = new
        .revisions
        .last()
        .filter(|r| r.version == new.document.version)
        .map(|r| {
            let label = if ja { "改訂内容" } else { "Changes" };
            format!(
                "\n{label}：{}",
                markup::printed_text(&r.changes).replace('\n', "、")
            )
        })
        .unwrap_or_default();
    // A moved item is shown by its old and new number (12→40): said so, with
    // the first one as the example.
    let moved = c.items.iter().find_map(|ch| match ch {
        Change::Moved { old: i, new: j, .. } => Some(format!(
            "{}→{}",
            old.items()
                .nth(*i)
                .map_or_else(String::new, |(_, it)| it.no.to_string()),
            new.items()
                .nth(*j)
                .map_or_else(String::new, |(_, it)| it.no.to_string())
        )),
        _ => None,
    });
    let legend = match (moved, ja) {
        (None, _) => w.legend.to_string(),
        (Some(m), true) => format!("（下線部は変更箇所。No.欄の「{m}」は番号の移動）"),
        (Some(m), false) => {
            format!("(changes underlined; \"{m}\" in the No. column: the item was renumbered)")
        }
    };
    let preface = format!(
        "{old_label}：{}　{new_label}：{}{entry}\n{legend}",
        side(old),
        side(new),
    );

    let flat = old.flat && new.flat;
    let a: Rows = old.items().collect();
    let b: Rows = new.items().collect();
    let mut rows: Vec<(String, Item)> = Vec::new();
    let elided = if ja { "（略）" } else { "(unchanged)" };
    // The rows of one change: its No. and title on each (merged into one
    // cell), the cells side by side.
    let mut push = |category: &str, no: ItemNo, title: &str, pairs: Vec<(String, String)>| {
        for (before, after) in pairs {
            let (left, right) = if options.new_left {
                (after, before)
            } else {
                (before, after)
            };
            let mut item = Item {
                no: no.clone(),
                title: title.to_string(),
                control: None,
                content: right,
                cells: Default::default(),
            };
            item.cells.insert(OLD.to_string(), left);
            rows.push((
                if flat {
                    String::new()
                } else {
                    category.to_string()
                },
                item,
            ));
        }
    };
    let full = options.full;
    // The document's own fields first.
    for field in &c.document {
        let text = |d: &Document| -> String {
            let i = &d.document;
            match *field {
                "title" => i.title.clone(),
                "issuer" => i.issuer.clone(),
                "service" => i.service.clone(),
                "scope" => i.scope.clone().unwrap_or_default(),
                "preface" => i.preface.clone().unwrap_or_default(),
                "notes" => i.notes.clone().unwrap_or_default(),
                "closing" => i.closing.clone().unwrap_or_default(),
                "id" => i.id.clone(),
                "language" => i.language.tag().to_string(),
                "labels" => {
                    let l = &d.labels;
                    format!("{} / {} / {} / {}", l.category, l.no, l.item, l.content)
                }
                "columns" => d
                    .columns()
                    .iter()
                    .map(|c| c.label.clone())
                    .collect::<Vec<_>>()
                    .join(" / "),
                _ => String::new(),
            }
        };
        let pairs = row_cells(&text(old), &text(new), full, elided, ("", ""));
        let label = super::field_label(field, ja);
        push(w.document, ItemNo::Text("—".into()), label, pairs);
    }
    for change in &c.items {
        match change {
            Change::Changed {
                old: i,
                new: j,
                fields,
            }
            | Change::Moved {
                old: i,
                new: j,
                fields,
            } => {
                let (_, o) = a[*i];
                let (cat, n) = b[*j];
                let mut pairs = Vec::new();
                // A changed category, title or own column heads the cells.
                if fields.iter().any(|f| f == "category") {
                    let label = format!("【{}】", new.labels.category);
                    let (oc, _) = a[*i];
                    pairs.extend(headed(&label, &oc.title, &cat.title, elided));
                }
                if fields.iter().any(|f| f == "title") {
                    pairs.extend(headed(w.title_label, &o.title, &n.title, elided));
                }
                for key in fields
                    .iter()
                    .filter(|f| n.cells.contains_key(*f) || o.cells.contains_key(*f))
                {
                    let label = new
                        .columns()
                        .into_iter()
                        .find(|col| col.key.name() == key)
                        .map_or_else(|| key.clone(), |col| col.label);
                    let v = |d: &Item| d.cells.get(key).cloned().unwrap_or_default();
                    pairs.extend(headed(&format!("【{label}】"), &v(o), &v(n), elided));
                }
                if fields.iter().any(|f| f == "content") || pairs.is_empty() {
                    pairs.extend(row_cells(&o.content, &n.content, full, elided, ("", "")));
                }
                let no = match change {
                    Change::Moved { .. } => ItemNo::Text(format!("{}→{}", o.no, n.no)),
                    _ => n.no.clone(),
                };
                push(&cat.title, no, &n.title, pairs);
            }
            Change::Added { new: j } => {
                let (cat, n) = b[*j];
                let pairs = row_cells("", &n.content, true, elided, (w.added, ""));
                push(&cat.title, n.no.clone(), &n.title, pairs);
            }
            Change::Removed { old: i } => {
                let (cat, o) = a[*i];
                let pairs = row_cells(&o.content, "", true, elided, ("", w.removed));
                push(&cat.title, o.no.clone(), &o.title, pairs);
            }
        }
    }

    // Rows under their categories, consecutive rows of one category merged.
    let mut categories: Vec<Category> = Vec::new();
    for (title, item) in rows {
        match categories.last_mut() {
            Some(last) if last.title == title => last.items.push(item),
            _ => categories.push(Category {
                title,
                items: vec![item],
            }),
        }
    }

    // Columns: the category (unless flat), No. (wide enough for `12→40`),
    // 項目, at fixed widths, then the two versions, each half of the rest.
    let style = Style::a4(options.orientation);
    let widths = (
        if flat {
            Default::default()
        } else {
            style.category_width
        },
        style.no_width * 2.0,
        style.item_width,
    );
    // A hair less for the old one: the content column must stay the widest.
    let half = (style.table_width() - widths.0 - widths.1 - widths.2) * 0.5 - crate::units::Pt(0.1);
    let pt = |p: crate::units::Pt| Some(format!("{:.2}pt", p.0));
    let (old_label, new_label) = match &options.labels {
        Some((o, n)) => (o.as_str(), n.as_str()),
        None => (w.old, w.new),
    };
    let (left, right) = if options.new_left {
        (new_label, old_label)
    } else {
        (old_label, new_label)
    };
    let spec = |key: &str, label: &str, width: Option<String>| ColumnSpec {
        key: key.to_string(),
        label: Some(label.to_string()),
        merge: None,
        width,
        align: None,
        optional: true,
    };
    let mut columns = Vec::new();
    if !flat {
        columns.push(spec("category", &new.labels.category, pt(widths.0)));
    }
    // Rows of one change share their No. and title: merged cells.
    let merged = |mut c: ColumnSpec| {
        c.merge = Some(true);
        c
    };
    columns.push(merged(spec("no", &new.labels.no, pt(widths.1))));
    columns.push(merged(spec("title", w.item, pt(widths.2))));
    columns.push(spec(OLD, left, pt(half)));
    columns.push(spec("content", right, None));

    let info = &new.document;
    Document {
        document: DocumentInfo {
            id: format!("{}-diff", info.id),
            title: format!("{}　{}", info.title, w.title),
            issuer: info.issuer.clone(),
            service: info.service.clone(),
            scope: info.scope.clone(),
            version: info.version.clone(),
            date: info.date.clone(),
            language: Language::clone(&info.language),
            preface: Some(preface),
            notes: None,
            closing: None,
        },
        labels: Labels::clone(&new.labels),
        fonts: None,
        columns: Some(columns),
        categories,
        items: None,
        revisions: Vec::new(),
        flat,
        pictures: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strip(s: &str) -> String {
        s.chars()
            .filter(|c| *c != UNDERLINE_START && *c != UNDERLINE_END)
            .collect()
    }

    #[test]
    fn a_long_paragraph_goes_into_rows_after_its_sentences() {
        let sentence = "キャパシティの需要は毎日監視され、将来の要求も予測されています。";
        let long = sentence.repeat(40);
        let rows = row_cells(&long, "", true, "（略）", ("", "（削除）"));
        assert!(rows.len() > 2, "{} rows", rows.len());
        // Every row's old cell at most a few pieces, each ending a sentence,
        // underlined whole, and all of it there once.
        let mut all = String::new();
        for (old, _) in &rows {
            assert!(old.chars().count() < PIECE_CHARS * ROW_LINES + 40);
            let parsed = markup::parse(old);
            for b in &parsed {
                let markup::Block::Line(l) = b else { panic!() };
                // Underlined whole (in runs end to end where pieces meet).
                let mut at = 0;
                for r in &l.underline {
                    assert_eq!(r.start, at, "{:?}", l.text);
                    at = r.end;
                }
                assert_eq!(at, l.text.len());
                assert!(l.text.ends_with('。'));
            }
            all.push_str(&markup::printed_text(old));
        }
        assert_eq!(all, long);
        assert_eq!(rows[0].1, "（削除）");
    }

    #[test]
    fn marks_stay_inside_lines_and_after_list_markers() {
        let text = "●鍵は90日ごとに更新\n＜方針＞\n通常の文 [x] *y*";
        let all = vec![Range {
            start: 0,
            end: text.len(),
        }];
        let m = marked(text, &all);
        let lines: Vec<&str> = m.split('\n').collect();
        assert_eq!(
            lines[0],
            format!("●{UNDERLINE_START}鍵は90日ごとに更新{UNDERLINE_END}")
        );
        assert_eq!(
            lines[1],
            format!("＜{UNDERLINE_START}方針{UNDERLINE_END}＞")
        );
        // Markup characters are escaped and print as written.
        assert_eq!(markup::printed_text(&strip(&m)), text);
        let parsed = markup::parse(&m);
        let markup::Block::Line(first) = &parsed[0] else {
            panic!()
        };
        assert!(matches!(first.kind, LineKind::ListItem { .. }));
        assert_eq!(
            &first.text[first.underline[0].clone()],
            "鍵は90日ごとに更新"
        );
    }
}

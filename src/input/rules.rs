//! Validation of a parsed document: everything that serde's types cannot say.
//! Every finding carries the position of the YAML node it is about.

use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};

use yaml_rust2::scanner::TScalarStyle;

use super::positions::Positions;
use crate::error::Diagnostic;
use crate::model::{ColumnKey, Date, Document, is_valid_id};
use crate::text::font::FontSet;

/// A printed text field of the document.
#[derive(Clone)]
pub struct Field<'a> {
    /// Human name for messages: `item No. 5 (content)`.
    pub place: String,
    /// YAML path: `categories[2].items[0].content`.
    pub path: String,
    pub text: &'a str,
}

/// Every text field that gets printed, in document order.
pub fn text_fields(doc: &Document) -> Vec<Field<'_>> {
    let d = &doc.document;
    let field = |place: String, path: String, text| Field { place, path, text };
    let mut fields = Vec::new();
    let doc_fields = [
        ("title", Some(&d.title)),
        ("issuer", Some(&d.issuer)),
        ("service", Some(&d.service)),
        ("version", Some(&d.version)),
        ("scope", d.scope.as_ref()),
        ("preface", d.preface.as_ref()),
        ("notes", d.notes.as_ref()),
        ("closing", d.closing.as_ref()),
    ];
    for (key, text) in doc_fields {
        if let Some(t) = text {
            fields.push(field(
                format!("document.{key}"),
                format!("document.{key}"),
                t,
            ));
        }
    }
    let l = &doc.labels;
    for (key, text) in [
        ("category", &l.category),
        ("no", &l.no),
        ("item", &l.item),
        ("content", &l.content),
    ] {
        fields.push(field(
            format!("labels.{key}"),
            format!("labels.{key}"),
            text,
        ));
    }
    for (i, c) in doc.columns.iter().flatten().enumerate() {
        if let Some(label) = &c.label {
            fields.push(field(
                format!("the label of column {:?}", c.key),
                format!("columns[{i}].label"),
                label,
            ));
        }
    }
    // The items' fields (and their names, tens of thousands of strings in a long
    // document) on all cores, in document order.
    let per_category: Vec<Vec<Field>> = doc
        .categories
        .par_iter()
        .enumerate()
        .map(|(ci, c)| {
            let mut fields = Vec::with_capacity(1 + 3 * c.items.len());
            if !doc.flat {
                fields.push(field(
                    format!("category {:?}", c.title),
                    format!("categories[{ci}].title"),
                    &c.title,
                ));
            }
            for (ii, i) in c.items.iter().enumerate() {
                let at = doc.item_path(ci, ii);
                let path = |key: &str| format!("{at}.{key}");
                let place = |key: &str| format!("item No. {} ({key})", i.no);
                if let crate::model::ItemNo::Text(no) = &i.no {
                    fields.push(field(place("no"), path("no"), no));
                }
                fields.push(field(place("title"), path("title"), &i.title));
                if let Some(control) = &i.control {
                    fields.push(field(place("control"), path("control"), control));
                }
                fields.push(field(place("content"), path("content"), &i.content));
                for (key, value) in &i.cells {
                    fields.push(field(place(key), path(key), value));
                }
            }
            fields
        })
        .collect();
    fields.extend(per_category.into_iter().flatten());
    for (ri, r) in doc.revisions.iter().enumerate() {
        let path = |key: &str| format!("revisions[{ri}].{key}");
        let place = |key: &str| format!("revision {} ({key})", r.version);
        fields.push(field(place("version"), path("version"), &r.version));
        fields.push(field(place("changes"), path("changes"), &r.changes));
    }
    fields
}

/// The texts the tool itself prints in the document's language (（続き）, 改訂履歴,
/// dates, page numbers, the draft watermark), as fields at `document.language`:
/// the fonts must cover them too.
fn phrase_fields(doc: &Document, draft: bool) -> Vec<Field<'static>> {
    let language = &doc.document.language;
    crate::locale::phrases(language)
        .printed(draft)
        .into_iter()
        .map(|text| Field {
            place: format!(
                "the tool's own text {text:?} (document.language {:?})",
                language.tag()
            ),
            path: "document.language".into(),
            text,
        })
        .collect()
}

/// Checks `doc` against the rules of the format and the fonts' coverage, over every
/// printed field (and the fixed phrases the document prints; `draft` adds the
/// watermark). Findings come in no particular order, with the fields checked
/// (the printed ones in document order, then the phrases), which the rest of the
/// input gate reads too.
pub fn check<'d>(
    doc: &'d Document,
    fonts: &FontSet,
    pos: &Positions,
    draft: bool,
) -> (Vec<Diagnostic>, Vec<Field<'d>>) {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    let mut error =
        |path: &str, message: String| out.push(Diagnostic::error(pos.get(path), message));
    let d = &doc.document;
    if !is_valid_id(&d.id) {
        error(
            "document.id",
            format!(
                "document.id {:?} must be lower-case letters, digits and '-', starting with a letter or digit (e.g. \"kamiless\")",
                d.id
            ),
        );
    }
    // A draft may leave out the version and date: its footer says ドラフト and
    // gives the build date instead.
    if !(draft && d.date.trim().is_empty()) && Date::parse(&d.date).is_none() {
        error(
            "document.date",
            if d.date.trim().is_empty() {
                "document.date is missing; a release needs its date (YYYY-MM-DD, e.g. 2026-11-25), a --draft build does not".to_string()
            } else {
                format!(
                    "document.date {:?} is not a real date in the form YYYY-MM-DD (e.g. 2026-11-25)",
                    d.date
                )
            },
        );
    }
    for (name, value) in [
        ("title", &d.title),
        ("issuer", &d.issuer),
        ("service", &d.service),
        ("version", &d.version),
    ] {
        if value.trim().is_empty() && !(draft && name == "version") {
            error(
                &format!("document.{name}"),
                if name == "version" {
                    "document.version is missing or empty; a release needs its version (e.g. \"1.0\"), a --draft build does not".to_string()
                } else {
                    format!("document.{name} is empty; write the {name}")
                },
            );
        }
    }

    super::table::check(doc, pos, &mut out, &mut warnings);
    check_revisions(doc, pos, draft, &mut out);
    check_header_labels(doc, fonts, pos, &mut out);
    let mut fields = text_fields(doc);
    // Fields are checked on all cores (at 4,000 items this loop was a quarter of
    // the input gate); `collect` keeps their order.
    let per_field: Vec<Vec<Diagnostic>> = fields
        .par_iter()
        .with_min_len(64)
        .map(|field| {
            let mut found = Vec::new();
            check_markup(field, pos, &mut found);
            check_urls(field, pos, &mut found);
            check_whitespace(field, pos, &mut found);
            // YAML folding puts a space after every 。 at a joined line end: that
            // has its own warning.
            if pos.folds_lines(&field.path).is_none() {
                check_space_after_stops(field, pos, &mut found);
            }
            check_folding(field, pos, &mut found);
            found
        })
        .collect();
    out.extend(per_field.into_iter().flatten());
    fields.extend(phrase_fields(doc, draft));
    let undrawable = undrawable(&fields, fonts);
    out.extend(coverage(&fields, &undrawable, pos));
    out.extend(artifact_warnings(&fields, &undrawable, pos));
    out.extend(warnings);
    (out, fields)
}

pub use super::table::{MAX_CATEGORY_TITLE, MAX_ITEM_TITLE};

/// Broken markup: a link without its closing bracket or parenthesis, a table
/// row with more cells than its header, a malformed picture line.
fn check_markup(field: &Field, pos: &Positions, out: &mut Vec<Diagnostic>) {
    if !field.text.contains(['[', '|']) {
        return;
    }
    for problem in crate::model::markup::problems(field.text) {
        // The first 40 bytes of the place (on a character boundary) find it in
        // the source, where a long line may be written differently after that.
        let mut end = problem.at.len().min(40);
        while !problem.at.is_char_boundary(end) {
            end -= 1;
        }
        let needle = problem.at[..end].lines().next().unwrap_or("");
        out.push(Diagnostic::error(
            pos.find_text_in(&field.path, needle)
                .or_else(|| pos.get(&field.path)),
            format!("{}: {}", field.place, problem.message),
        ));
    }
}

/// URLs must have a host: `https://` alone, or one broken by a space, is an error.
fn check_urls(field: &Field, pos: &Positions, out: &mut Vec<Diagnostic>) {
    for range in crate::model::markup::find_urls(field.text) {
        let url = &field.text[range.clone()];
        let rest = url.split_once("://").map_or("", |(_, r)| r);
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        let host = host.split(':').next().unwrap_or("");
        let valid = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && (host.contains('.') || host == "localhost")
            && !host.starts_with(['.', '-'])
            && !host.ends_with(['.', '-']);
        if !valid {
            let spaced =
                host.is_empty() && field.text[range.end..].starts_with(char::is_whitespace);
            let hint = if spaced {
                " (a space after \"://\"?)"
            } else {
                ""
            };
            out.push(Diagnostic::error(
                pos.find_text_in(&field.path, url).or_else(|| pos.get(&field.path)),
                format!("{}: the URL {url:?} has no valid host name{hint}; write it as https://example.com/…", field.place),
            ));
        }
    }
}

/// Trailing spaces on a line are invisible in the PDF but noise in reviews and diffs.
fn check_whitespace(field: &Field, pos: &Positions, out: &mut Vec<Diagnostic>) {
    if field.text.trim().is_empty() {
        return; // reported as empty
    }
    let lines = field
        .text
        .lines()
        .filter(|l| l.ends_with([' ', '\u{3000}', '\t']))
        .count();
    if lines > 0 {
        out.push(Diagnostic::warning(
            pos.get(&field.path),
            format!(
                "{}: {} with spaces; remove them (disclosure-pdf fix does)",
                field.place,
                if lines == 1 {
                    "1 line ends".to_string()
                } else {
                    format!("{lines} lines end")
                }
            ),
        ));
    }
}

/// A header label must fit its column on one line, at 80 % of its size at least
/// (the layout shrinks it that far; it never wraps).
fn check_header_labels(
    doc: &Document,
    fonts: &FontSet,
    pos: &Positions,
    out: &mut Vec<Diagnostic>,
) {
    let problems = match crate::layout::columns::header_problems(doc, fonts) {
        Ok(p) => p,
        Err(crate::layout::LayoutError::Columns { message }) => {
            out.push(Diagnostic::error(pos.get("columns"), message));
            return;
        }
        // A character the fonts lack is reported by the coverage rule.
        Err(_) => return,
    };
    let columns = doc.columns();
    for p in problems {
        let Some(column) = columns.get(p.column) else {
            continue;
        };
        let labels_key = match column.key {
            ColumnKey::Category => Some("category"),
            ColumnKey::No => Some("no"),
            ColumnKey::Title => Some("item"),
            ColumnKey::Content => Some("content"),
            ColumnKey::Own(_) => None,
        };
        let declared = doc
            .columns
            .as_ref()
            .and_then(|specs| specs.iter().position(|s| s.key == column.key.name()))
            .filter(|&i| doc.columns.as_ref().is_some_and(|s| s[i].label.is_some()));
        let (path, name) = match (declared, labels_key) {
            (Some(i), _) => (format!("columns[{i}].label"), format!("columns[{i}].label")),
            (None, Some(k)) => (format!("labels.{k}"), format!("labels.{k}")),
            (None, None) => (
                format!("columns[{}].key", p.column),
                format!("column {:?}", column.key.name()),
            ),
        };
        out.push(Diagnostic::error(
            pos.get(&path),
            format!(
                "{name}: the header label {:?} needs {:.1} pt even at 80 % of its size, \
                 but its column holds {:.1} pt; shorten it",
                column.label, p.need.0, p.room.0
            ),
        ));
    }
}

/// A space after 、 or 。 prints as a gap beside the punctuation's own blank.
fn check_space_after_stops(field: &Field, pos: &Positions, out: &mut Vec<Diagnostic>) {
    let mut found = None;
    let mut count = 0;
    let mut prev = '\0';
    for (i, c) in field.text.char_indices() {
        if super::artifacts::is_japanese_stop(prev) && (c == ' ' || c == '\u{3000}') {
            let rest = field.text[i..].trim_start_matches([' ', '\u{3000}']);
            if !rest.is_empty() && !rest.starts_with(['\n', '\r']) {
                count += 1;
                found.get_or_insert(&field.text[i - prev.len_utf8()..i + c.len_utf8()]);
            }
        }
        prev = c;
    }
    if let Some(at) = found {
        let times = if count == 1 {
            String::new()
        } else {
            format!(" ({count} times)")
        };
        out.push(Diagnostic::warning(
            pos.find_text_in(&field.path, at)
                .or_else(|| pos.get(&field.path)),
            format!(
                "{}: a space after {:?}{times} prints as a gap beside the punctuation's own \
                 space; remove it (disclosure-pdf fix does)",
                field.place,
                at.chars().next().unwrap_or('、'),
            ),
        ));
    }
}

/// A text written over several lines without `|` has had its line breaks folded
/// into spaces by YAML: the document's lines and its ※ notes run together.
fn check_folding(field: &Field, pos: &Positions, out: &mut Vec<Diagnostic>) {
    let Some(style) = pos.folds_lines(&field.path) else {
        return;
    };
    let how = match style {
        TScalarStyle::Folded => "is a `>` block, which joins its lines into one paragraph",
        TScalarStyle::Plain => {
            "continues over several lines without `|`, so YAML joined them into one line"
        }
        _ => "is a quoted text over several lines, so YAML joined them into one line",
    };
    let key = field.path.rsplit('.').next().unwrap_or("");
    out.push(Diagnostic::warning(
        pos.get(&format!("{}.key", field.path)),
        format!(
            "{} {how}; write `{key}: |` and the text indented below it to keep its line breaks",
            field.place
        ),
    ));
}

/// One warning per artifact character and field, for characters the fonts can draw
/// (those they cannot are errors from `coverage`, which names the fix too).
fn artifact_warnings(
    fields: &[Field],
    undrawable: &HashSet<char>,
    pos: &Positions,
) -> Vec<Diagnostic> {
    let per_field: Vec<Vec<Diagnostic>> = fields
        .par_iter()
        .with_min_len(64)
        .map(|field| artifacts_of(field, undrawable, pos))
        .collect();
    per_field.into_iter().flatten().collect()
}

/// [`artifact_warnings`] of one field.
fn artifacts_of(field: &Field, undrawable: &HashSet<char>, pos: &Positions) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for c in field.text.chars() {
        if !super::artifacts::may_be_artifact(c) || undrawable.contains(&c) || !seen.insert(c) {
            continue;
        }
        if let Some(a) = super::artifacts::artifact(c) {
            out.push(Diagnostic::warning(
                pos.find_in(&field.path, c).or_else(|| pos.get(&field.path)),
                format!(
                    "{}: {c:?} (U+{:04X}) is {}, a copy-paste artifact; {} (disclosure-pdf fix does)",
                    field.place,
                    c as u32,
                    a.kind,
                    super::artifacts::advice(&a)
                ),
            ));
        }
    }
    out
}

/// The characters of `fields` that one of the faces cannot draw (sub-headings are
/// bold, the rest regular: a character must be in both). Each distinct character
/// is looked up once.
fn undrawable(fields: &[Field], fonts: &FontSet) -> HashSet<char> {
    // A bit per character of the Basic Multilingual Plane (8 KB) finds the distinct
    // characters of a long document without hashing each of its characters; a
    // part of the fields per core, the parts' bits joined.
    let part = fields.len().div_ceil(rayon::current_num_threads()).max(1);
    let (bmp, astral) = fields
        .par_chunks(part)
        .map(|fields| {
            let mut bmp = vec![0u64; 1024];
            let mut astral = HashSet::new();
            for c in fields.iter().flat_map(|f| f.text.chars()) {
                let code = c as usize;
                if code < 0x10000 {
                    bmp[code / 64] |= 1u64 << (code % 64);
                } else {
                    astral.insert(c);
                }
            }
            (bmp, astral)
        })
        .reduce(
            || (vec![0u64; 1024], HashSet::new()),
            |(mut bmp, mut astral), (b, a)| {
                bmp.iter_mut().zip(b).for_each(|(x, y)| *x |= y);
                astral.extend(a);
                (bmp, astral)
            },
        );
    let mut distinct: Vec<char> = bmp
        .iter()
        .enumerate()
        .flat_map(|(word, &bits)| {
            (0..64)
                .filter(move |bit| bits & (1u64 << bit) != 0)
                .filter_map(move |bit| char::from_u32((word * 64 + bit) as u32))
        })
        .collect();
    distinct.extend(astral);
    distinct.retain(|&c| c != '\n' && c != '\r');
    let (regular, bold) = rayon::join(
        || fonts.regular.covers_each(&distinct),
        || fonts.bold.covers_each(&distinct),
    );
    distinct
        .into_iter()
        .zip(regular.into_iter().zip(bold))
        .filter(|&(_, (regular, bold))| !(regular && bold))
        .map(|(c, _)| c)
        .collect()
}

/// The revision history must run oldest to newest, without repeated versions, and
/// end with the version and date of the document itself (a draft may be ahead of
/// its history: a warning then, so that `diff --revision` can write the entry).
fn check_revisions(doc: &Document, pos: &Positions, draft: bool, out: &mut Vec<Diagnostic>) {
    let revs = &doc.revisions;
    let mut error =
        |path: String, message: String| out.push(Diagnostic::error(pos.get(&path), message));
    let mut versions = HashSet::new();
    let mut last_date: Option<Date> = None;
    for (i, r) in revs.iter().enumerate() {
        if !versions.insert(r.version.as_str()) {
            error(
                format!("revisions[{i}].version"),
                format!("revision {:?} appears more than once", r.version),
            );
        }
        match Date::parse(&r.date) {
            None => error(
                format!("revisions[{i}].date"),
                format!(
                    "revision date {:?} is not a real date in the form YYYY-MM-DD",
                    r.date
                ),
            ),
            Some(date) => {
                if last_date.is_some_and(|prev| date < prev) {
                    error(
                        format!("revisions[{i}].date"),
                        format!(
                            "revision {} is dated {} but an earlier entry is later; list revisions oldest first",
                            r.version, r.date
                        ),
                    );
                }
                last_date = Some(date);
            }
        }
        if r.changes.trim().is_empty() {
            error(
                format!("revisions[{i}].changes"),
                format!("revision {} has no changes text", r.version),
            );
        }
    }
    if let Some(newest) = revs.last() {
        let d = &doc.document;
        if newest.version != d.version || newest.date != d.date {
            let at = pos.get("document.version");
            let message = format!(
                "document.version/date ({} {}) must match the newest revision ({} {}); add a revision entry or update the document",
                d.version, d.date, newest.version, newest.date
            );
            if draft {
                out.push(Diagnostic::warning(at, message));
                return;
            }
            error(
                "document.version".into(),
                format!(
                    "document.version/date ({} {}) must match the newest revision ({} {}); add a revision entry or update the document",
                    d.version, d.date, newest.version, newest.date
                ),
            );
        }
    }
}

/// One error per character the fonts cannot draw, at its first occurrence and
/// naming every place it occurs.
pub fn coverage(fields: &[Field], undrawable: &HashSet<char>, pos: &Positions) -> Vec<Diagnostic> {
    let mut missing: BTreeMap<char, Vec<&Field>> = BTreeMap::new();
    if !undrawable.is_empty() {
        for field in fields {
            let mut bad: Vec<char> = field
                .text
                .chars()
                .filter(|c| undrawable.contains(c))
                .collect();
            bad.sort_unstable();
            bad.dedup();
            for c in bad {
                missing.entry(c).or_default().push(field);
            }
        }
    }
    missing
        .into_iter()
        .map(|(c, fields)| {
            let places: Vec<&str> = fields.iter().map(|f| f.place.as_str()).collect();
            Diagnostic::error(
                pos.find_in(&fields[0].path, c).or_else(|| pos.get(&fields[0].path)),
                match super::artifacts::artifact(c) {
                    Some(a) => format!(
                        "the font has no glyph for {c:?} (U+{:04X}), used in {}; it is {}, a copy-paste artifact: {} (disclosure-pdf fix --write does this)",
                        c as u32,
                        places.join(", "),
                        a.kind,
                        super::artifacts::advice(&a)
                    ),
                    None => format!(
                        "the font has no glyph for {c:?} (U+{:04X}), used in {}; replace the character or choose a font that has it (--font/--bold-font)",
                        c as u32,
                        places.join(", ")
                    ),
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "document:
  id: Demo
  title: t
  issuer: i
  service: s
  version: \"1.0\"
  date: 2026-02-30
categories:
  - title: 暗号
    items:
      - no: 1
        title: a
        content: b
      - no: 1
        title: c
        content: \"  \"
";

    fn run(text: &str) -> Vec<String> {
        let doc = Document::from_yaml(text).unwrap();
        let (mut found, _) = check(&doc, &FontSet::bundled(), &Positions::of(text), false);
        found.sort_by_key(|d| d.position);
        found.iter().map(|d| d.render("f.yaml")).collect()
    }

    #[test]
    fn every_problem_is_reported_at_its_node() {
        let out = run(DOC);
        assert_eq!(
            out,
            [
                "f.yaml:2:7: error: document.id \"Demo\" must be lower-case letters, digits and '-', starting with a letter or digit (e.g. \"kamiless\")",
                "f.yaml:7:9: error: document.date \"2026-02-30\" is not a real date in the form YYYY-MM-DD (e.g. 2026-11-25)",
                "f.yaml:14:13: error: item No. 1 appears more than once; numbers must be unique (or declare the no column with merge: true for sub-rows)",
                "f.yaml:16:18: error: item No. 1 has empty content",
            ]
        );
    }

    #[test]
    fn revision_history_rules() {
        let base = DOC
            .replace("id: Demo", "id: demo")
            .replace("2026-02-30", "2026-11-25")
            .replace(
                "      - no: 1\n        title: c\n        content: \"  \"\n",
                "",
            );
        let good = format!(
            "{base}revisions:\n  - version: \"0.9\"\n    date: 2026-01-10\n    changes: 初版\n  - version: \"1.0\"\n    date: 2026-11-25\n    changes: 改訂\n"
        );
        assert!(run(&good).is_empty(), "{:?}", run(&good));
        let bad = format!(
            "{base}revisions:\n  - version: \"1.0\"\n    date: 2026-12-10\n    changes: 初版\n  - version: \"1.0\"\n    date: 2026-11-25\n    changes: 改訂\n"
        );
        let out = run(&bad);
        assert!(
            out.iter().any(|l| l.contains("appears more than once")),
            "{out:?}"
        );
        assert!(
            out.iter()
                .any(|l| l.contains("list revisions oldest first")),
            "{out:?}"
        );
        let stale = format!(
            "{base}revisions:\n  - version: \"0.9\"\n    date: 2026-01-10\n    changes: 初版\n"
        );
        assert!(
            run(&stale)
                .iter()
                .any(|l| l.starts_with("f.yaml:6:12: error: document.version/date")),
            "{:?}",
            run(&stale)
        );
    }

    #[test]
    fn valid_default_document_has_no_findings() {
        let text = std::fs::read_to_string("data/kamiless.yaml").unwrap();
        assert!(run(&text).is_empty());
    }
}

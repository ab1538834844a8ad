//! The table's rules: `categories:` or a flat `items:`, the columns, and each
//! item's number, title, content and cells.

use std::collections::{HashMap, HashSet};

use super::positions::Positions;
use crate::error::Diagnostic;
use crate::model::{ColumnKey, Document, ITEM_FIELDS, ItemNo, parse_length};

/// Titles longer than this cannot be laid out sensibly in their column (a title
/// that fills more than a page would have nowhere to go).
pub const MAX_ITEM_TITLE: usize = 200;
/// The same for category labels.
pub const MAX_CATEGORY_TITLE: usize = 100;

/// Checks the table's structure; errors go to `out`, warnings to `warnings`.
pub fn check(
    doc: &Document,
    pos: &Positions,
    out: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let mut error =
        |path: &str, message: String| out.push(Diagnostic::error(pos.get(path), message));
    if doc.items.is_some() && !doc.categories.is_empty() {
        error(
            "items.key",
            "the document gives both categories: and items:; a table has either items under category labels (categories:) or one flat list (items:)".into(),
        );
    }
    if doc.flat {
        if doc.categories.iter().all(|c| c.items.is_empty()) {
            error(
                "items",
                "items is empty; the table needs at least one item".into(),
            );
        }
    } else if doc.categories.is_empty() {
        if pos.get("categories").is_some() {
            error(
                "categories",
                "categories is empty; the table needs at least one category with items".into(),
            );
        } else {
            error(
                "",
                "the document has no table: add categories: (items under category labels) or items: (a flat list of items)".into(),
            );
        }
    }

    check_columns(doc, pos, out);
    check_items(doc, pos, out, warnings);
}

/// `columns:`: known keys once each, the built-in ones all there, merging only
/// where it means something, widths that are lengths.
fn check_columns(doc: &Document, pos: &Positions, out: &mut Vec<Diagnostic>) {
    let Some(specs) = &doc.columns else {
        return;
    };
    let mut error =
        |path: &str, message: String| out.push(Diagnostic::error(pos.get(path), message));
    if specs.is_empty() {
        error(
            "columns",
            "columns is empty; leave it out for the built-in columns, or list them".into(),
        );
        return;
    }
    let mut seen = HashSet::new();
    for (i, spec) in specs.iter().enumerate() {
        let at = |key: &str| format!("columns[{i}].{key}");
        let key = spec.key.trim();
        if key.is_empty() {
            error(
                &at("key"),
                "a column's key is empty; name the item field it shows".into(),
            );
            continue;
        }
        if key != spec.key || key.contains(char::is_whitespace) {
            error(
                &at("key"),
                format!(
                    "column key {:?} has spaces; write one word (e.g. kind)",
                    spec.key
                ),
            );
        }
        if !seen.insert(key) {
            error(
                &at("key"),
                format!("column {key:?} is listed twice; each column once"),
            );
        }
        if key == "control" {
            error(
                &at("key"),
                "control is printed small under the title, not in a column of its own; remove this column or give it another key".into(),
            );
        }
        if key == "category" && doc.flat {
            error(
                &at("key"),
                "a flat document (items:) has no categories, so no category column; remove it or group the items under categories:".into(),
            );
        }
        match (key, spec.merge) {
            ("category", Some(false)) => error(
                &at("merge"),
                "the category column always merges the rows of a category; leave merge out".into(),
            ),
            ("title" | "content", Some(true)) => error(
                &at("merge"),
                format!(
                    "the {key} column cannot merge rows; only category, no and the document's own columns can"
                ),
            ),
            _ => {}
        }
        if let Some(w) = &spec.width {
            if parse_length(w).is_none() {
                error(
                    &at("width"),
                    format!("width {w:?} is not a length; write it in mm or pt (16mm, 45pt)"),
                );
            } else if key == "content" {
                error(
                    &at("width"),
                    "the content column takes the room the others leave; give widths to the others instead".into(),
                );
            }
        }
        if spec.label.as_deref().is_some_and(|l| l.trim().is_empty()) {
            error(
                &at("label"),
                format!("the label of column {key:?} is empty; write one or leave label out"),
            );
        }
    }
    let mut required = vec!["no", "title", "content"];
    if !doc.flat {
        required.insert(0, "category");
    }
    for key in required {
        if !seen.contains(key) {
            error(
                "columns.key",
                format!(
                    "columns has no {key:?} column; every table shows category (unless flat), no, title and content"
                ),
            );
        }
    }
}

/// Every item: a number (unique, or shared only by neighbouring sub-rows under
/// a merged No. column; increasing when all are whole), a title, content, and
/// values for the declared columns only.
fn check_items(
    doc: &Document,
    pos: &Positions,
    out: &mut Vec<Diagnostic>,
    warnings: &mut Vec<Diagnostic>,
) {
    let columns = doc.columns();
    let own: Vec<&str> = doc.own_keys();
    let merged_no = columns.iter().any(|c| c.key == ColumnKey::No && c.merge);
    let all_whole = doc.items().all(|(_, i)| i.no.whole().is_some());
    let mut error =
        |path: &str, message: String| out.push(Diagnostic::error(pos.get(path), message));

    let mut titles = HashSet::new();
    // Where each number was last seen (item index in document order).
    let mut seen: HashMap<&ItemNo, usize> = HashMap::new();
    let mut previous: Option<(&ItemNo, u32)> = None;
    let mut index = 0usize;
    for (ci, c) in doc.categories.iter().enumerate() {
        if !doc.flat {
            let title_path = format!("categories[{ci}].title");
            if c.title.trim().is_empty() {
                error(&title_path, "the category title is empty".into());
            }
            let len = c.title.chars().count();
            if len > MAX_CATEGORY_TITLE {
                error(
                    &title_path,
                    format!(
                        "the category title is {len} characters; at most {MAX_CATEGORY_TITLE} fit the category column"
                    ),
                );
            }
            if !titles.insert(c.title.trim()) {
                warnings.push(Diagnostic::warning(
                    pos.get(&title_path),
                    format!("category {:?} appears more than once; its items will show under two separate labels", c.title),
                ));
            }
            if c.items.is_empty() {
                error(
                    &format!("categories[{ci}].items"),
                    format!("category {:?} has no items", c.title),
                );
            }
        }
        for (ii, i) in c.items.iter().enumerate() {
            // Paths and names are formatted only for a finding.
            let at = || doc.item_path(ci, ii);
            let path = |key: &str| format!("{}.{key}", at());
            let who = || {
                if i.no.is_missing() {
                    format!(
                        "item {} of {}",
                        ii + 1,
                        if doc.flat {
                            "items".to_string()
                        } else {
                            format!("category {:?}", c.title)
                        }
                    )
                } else {
                    format!("item No. {}", i.no)
                }
            };
            if i.no.is_missing() {
                let no_path = path("no");
                error(
                    &if pos.get(&no_path).is_some() {
                        no_path
                    } else {
                        at()
                    },
                    format!(
                        "{} has no number; give it one (no: 12, or an identifier such as no: \"8.6\")",
                        who()
                    ),
                );
            } else {
                match seen.get(&i.no) {
                    Some(&last) if merged_no && last + 1 == index => {}
                    Some(_) if merged_no => error(
                        &path("no"),
                        format!(
                            "item No. {} appears again after other numbers; rows that share a number (sub-rows) must follow each other",
                            i.no
                        ),
                    ),
                    Some(_) => error(
                        &path("no"),
                        format!(
                            "item No. {} appears more than once; numbers must be unique (or declare the no column with merge: true for sub-rows)",
                            i.no
                        ),
                    ),
                    None => {
                        if all_whole {
                            check_order(
                                &i.no,
                                &mut previous,
                                &path("no"),
                                pos,
                                &mut error,
                                warnings,
                            );
                        }
                    }
                }
                seen.insert(&i.no, index);
            }
            // An unknown key that is a misspelt field is reported once, as that
            // (with the field it probably is), not also as the field missing.
            let misspelt: Vec<&str> = i
                .cells
                .keys()
                .filter(|k| !own.contains(&k.as_str()))
                .filter_map(|k| nearest(k, &own))
                .collect();
            let field_at = |key: &str| {
                let p = path(key);
                if pos.get(&p).is_some() { p } else { at() }
            };
            if i.title.trim().is_empty() && !misspelt.contains(&"title") {
                error(
                    &field_at("title"),
                    empty_or_missing(&who(), "title", pos.get(&path("title")).is_some()),
                );
            }
            let len = i.title.chars().count();
            if len > MAX_ITEM_TITLE {
                error(
                    &path("title"),
                    format!(
                        "{} has a title of {len} characters; at most {MAX_ITEM_TITLE} fit the item column (put details in the content)",
                        who()
                    ),
                );
            }
            if i.content.trim().is_empty() && !misspelt.contains(&"content") {
                error(
                    &field_at("content"),
                    empty_or_missing(&who(), "content", pos.get(&path("content")).is_some()),
                );
            }
            for key in i.cells.keys() {
                if !own.contains(&key.as_str()) {
                    error(
                        &format!("{}.key", path(key)),
                        format!("{}: {}", who(), unknown_key(key, &own)),
                    );
                }
            }
            for column in columns.iter().filter(|c| !c.optional) {
                if let ColumnKey::Own(key) = &column.key
                    && i.cells.get(key).is_none_or(|v| v.trim().is_empty())
                {
                    warnings.push(Diagnostic::warning(
                        pos.get(&at()),
                        format!("{} has no value for column {key:?} ({}); the cell prints empty (declare the column optional: true if that is meant)", who(), column.label),
                    ));
                }
            }
            index += 1;
        }
    }
}

/// `item No. 1 has an empty title` when the key is there, `… has no title` when not.
fn empty_or_missing(who: &str, field: &str, given: bool) -> String {
    if given {
        let article = if field == "content" { "" } else { "an " };
        format!("{who} has {article}empty {field}")
    } else {
        format!("{who} has no {field}; add {field}:")
    }
}

/// Whole numbers increase through the document; a gap is a warning.
fn check_order<'a>(
    no: &'a ItemNo,
    previous: &mut Option<(&'a ItemNo, u32)>,
    path: &str,
    pos: &Positions,
    error: &mut dyn FnMut(&str, String),
    warnings: &mut Vec<Diagnostic>,
) {
    let Some(n) = no.whole() else {
        return;
    };
    if let Some((_, prev)) = *previous {
        if n < prev {
            error(
                path,
                format!(
                    "item No. {n} comes after No. {prev}; numbers must increase through the document"
                ),
            );
        } else if n > prev + 1 {
            let missing = if n == prev + 2 {
                format!("No. {} is", prev + 1)
            } else {
                format!("Nos. {}–{} are", prev + 1, n - 1)
            };
            warnings.push(Diagnostic::warning(
                pos.get(path),
                format!("item No. {n} follows No. {prev}: {missing} missing"),
            ));
        }
    }
    let highest = previous.map_or(n, |(_, p)| p.max(n));
    *previous = Some((no, highest));
}

/// The message for an item key that is neither an item field nor a declared
/// column, with the nearest known key when it looks like a misspelling.
fn unknown_key(key: &str, own: &[&str]) -> String {
    let listed = ITEM_FIELDS
        .iter()
        .chain(own)
        .map(|k| format!("`{k}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut msg = format!("unknown field `{key}`, expected one of {listed}");
    match nearest(key, own) {
        Some(k) => msg.push_str(&format!("; did you mean `{k}`?")),
        None => msg.push_str("; a column of the document's own must be declared under columns:"),
    }
    msg
}

/// The item field or own column closest to `key`, if `key` looks like a
/// misspelling of it.
fn nearest<'a>(key: &str, own: &[&'a str]) -> Option<&'a str> {
    ITEM_FIELDS
        .iter()
        .chain(own)
        .map(|k| (strsim::levenshtein(key, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 3))
        .min()
        .map(|(_, k)| k)
}

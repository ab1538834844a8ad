//! What changed between two versions of a document: the data behind the
//! 新旧対照表 and the release guard.
//!
//! Items are matched by their number; an item whose number changed but whose
//! title did not (No. 12 renumbered to No. 40) is matched as moved. The
//! document's own fields (title, service, preface, notes, closing, labels,
//! columns, …) are compared as a whole; version, date and the revision history
//! are what the comparison is between, not changes in it.

pub mod document;
pub mod phrases;

use serde::Serialize;

use crate::model::{Category, Document, Item, ItemNo};

/// One version's identity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    pub version: String,
    pub date: String,
}

/// What happened to one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// The same number in both; `fields` are those that differ.
    Changed {
        old: usize,
        new: usize,
        fields: Vec<String>,
    },
    /// Only in the new version.
    Added { new: usize },
    /// Only in the old version.
    Removed { old: usize },
    /// Renumbered (same title); `fields` differ besides the number.
    Moved {
        old: usize,
        new: usize,
        fields: Vec<String>,
    },
}

/// The differences between two documents. Item indices are positions in
/// [`Document::items`] order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    pub old: Side,
    pub new: Side,
    /// The document's own fields that differ, in a fixed order.
    pub document: Vec<&'static str>,
    /// Item changes in document order (the new document's, removed items where
    /// they stood).
    pub items: Vec<Change>,
}

impl Comparison {
    /// Whether the two versions say the same (version and date aside).
    pub fn is_empty(&self) -> bool {
        self.document.is_empty() && self.items.is_empty()
    }
}

/// An item with its category, flattened.
struct Entry<'a> {
    category: &'a Category,
    item: &'a Item,
}

fn entries(doc: &Document) -> Vec<Entry<'_>> {
    doc.items()
        .map(|(category, item)| Entry { category, item })
        .collect()
}

/// The item fields that differ between `a` and `b`: title, control, content,
/// the category it is under (not in a flat document), the own columns' values
/// by key.
fn item_fields(a: &Entry, b: &Entry, flat: bool) -> Vec<String> {
    let mut out = Vec::new();
    if !flat && a.category.title != b.category.title {
        out.push("category".to_string());
    }
    if a.item.title != b.item.title {
        out.push("title".to_string());
    }
    if a.item.control != b.item.control {
        out.push("control".to_string());
    }
    if a.item.content != b.item.content {
        out.push("content".to_string());
    }
    let keys: std::collections::BTreeSet<&String> =
        a.item.cells.keys().chain(b.item.cells.keys()).collect();
    for key in keys {
        if a.item.cells.get(key) != b.item.cells.get(key) {
            out.push(key.clone());
        }
    }
    out
}

/// The document fields that differ.
fn document_fields(old: &Document, new: &Document) -> Vec<&'static str> {
    let (a, b) = (&old.document, &new.document);
    let mut out = Vec::new();
    let mut field = |name: &'static str, differs: bool| {
        if differs {
            out.push(name);
        }
    };
    field("id", a.id != b.id);
    field("title", a.title != b.title);
    field("issuer", a.issuer != b.issuer);
    field("service", a.service != b.service);
    field("scope", a.scope != b.scope);
    field("language", a.language != b.language);
    field("preface", a.preface != b.preface);
    field("notes", a.notes != b.notes);
    field("closing", a.closing != b.closing);
    field("labels", old.labels != new.labels);
    field("columns", old.columns != new.columns);
    // Category titles of a whole category renamed show on its items; a flat
    // document turned into categories (or back) is a change of shape.
    field("categories", old.flat != new.flat);
    out
}

/// Compares two versions of a document.
pub fn compare(old: &Document, new: &Document) -> Comparison {
    let (a, b) = (entries(old), entries(new));
    let flat = old.flat && new.flat;
    // Old item for each new item, by number first.
    let mut old_of_new: Vec<Option<usize>> = vec![None; b.len()];
    let mut used = vec![false; a.len()];
    let index_of = |list: &[Entry], no: &ItemNo| list.iter().position(|e| &e.item.no == no);
    for (j, e) in b.iter().enumerate() {
        if let Some(i) = index_of(&a, &e.item.no)
            && !used[i]
        {
            old_of_new[j] = Some(i);
            used[i] = true;
        }
    }
    // Then renumbered items: an unmatched new item whose title an unmatched
    // old item has, whose own number is gone from the new version.
    let mut moved = vec![false; b.len()];
    for (j, e) in b.iter().enumerate() {
        if old_of_new[j].is_some() {
            continue;
        }
        let candidate = a.iter().enumerate().find(|(i, o)| {
            !used[*i] && o.item.title == e.item.title && index_of(&b, &o.item.no).is_none()
        });
        if let Some((i, _)) = candidate {
            old_of_new[j] = Some(i);
            used[i] = true;
            moved[j] = true;
        }
    }

    // Order: the new document's, a removed item after the last surviving item
    // that stood before it in the old one.
    let mut keyed: Vec<((isize, u8, usize), Change)> = Vec::new();
    for (j, matched) in old_of_new.iter().enumerate() {
        let change = match *matched {
            None => Some(Change::Added { new: j }),
            Some(i) => {
                let fields = item_fields(&a[i], &b[j], flat);
                if moved[j] {
                    Some(Change::Moved {
                        old: i,
                        new: j,
                        fields,
                    })
                } else if fields.is_empty() {
                    None
                } else {
                    Some(Change::Changed {
                        old: i,
                        new: j,
                        fields,
                    })
                }
            }
        };
        if let Some(change) = change {
            keyed.push(((j as isize, 0, 0), change));
        }
    }
    let new_of_old: Vec<Option<usize>> = (0..a.len())
        .map(|i| old_of_new.iter().position(|m| *m == Some(i)))
        .collect();
    for i in (0..a.len()).filter(|&i| !used[i]) {
        let before = (0..i).rev().find_map(|k| new_of_old[k]);
        let at = before.map_or(-1, |j| j as isize);
        keyed.push(((at, 1, i), Change::Removed { old: i }));
    }
    keyed.sort_by_key(|(key, _)| *key);

    Comparison {
        old: side(old),
        new: side(new),
        document: document_fields(old, new),
        items: keyed.into_iter().map(|(_, c)| c).collect(),
    }
}

fn side(doc: &Document) -> Side {
    Side {
        version: doc.document.version.clone(),
        date: doc.document.date.clone(),
    }
}

/// An item number as JSON: a number when whole, else the identifier.
fn no_json(no: &ItemNo) -> serde_json::Value {
    match no.whole() {
        Some(n) => n.into(),
        None => no.to_string().into(),
    }
}

/// The summary `diff --json` prints, keys in this order.
#[derive(Serialize)]
struct Summary<'a> {
    old: &'a Side,
    new: &'a Side,
    document: &'a [&'static str],
    changed: Vec<ChangedItem<'a>>,
    added: Vec<ItemRef<'a>>,
    removed: Vec<ItemRef<'a>>,
    moved: Vec<MovedItem<'a>>,
}

#[derive(Serialize)]
struct ItemRef<'a> {
    no: serde_json::Value,
    title: &'a str,
}

#[derive(Serialize)]
struct ChangedItem<'a> {
    no: serde_json::Value,
    title: &'a str,
    fields: &'a [String],
}

#[derive(Serialize)]
struct MovedItem<'a> {
    from: serde_json::Value,
    to: serde_json::Value,
    title: &'a str,
    fields: &'a [String],
}

/// `diff --json`, one line: `{"old": {version, date}, "new": {…},
/// "document": [fields], "changed": [{no, title, fields}], "added": [{no,
/// title}], "removed": [{no, title}], "moved": [{from, to, title, fields}]}`;
/// whole numbers as numbers, identifiers as strings.
pub fn to_json(c: &Comparison, old: &Document, new: &Document) -> String {
    let (a, b) = (entries(old), entries(new));
    let mut summary = Summary {
        old: &c.old,
        new: &c.new,
        document: &c.document,
        changed: Vec::new(),
        added: Vec::new(),
        removed: Vec::new(),
        moved: Vec::new(),
    };
    for change in &c.items {
        match change {
            Change::Changed { new, fields, .. } => summary.changed.push(ChangedItem {
                no: no_json(&b[*new].item.no),
                title: &b[*new].item.title,
                fields,
            }),
            Change::Added { new } => summary.added.push(ItemRef {
                no: no_json(&b[*new].item.no),
                title: &b[*new].item.title,
            }),
            Change::Removed { old } => summary.removed.push(ItemRef {
                no: no_json(&a[*old].item.no),
                title: &a[*old].item.title,
            }),
            Change::Moved { old, new, fields } => summary.moved.push(MovedItem {
                from: no_json(&a[*old].item.no),
                to: no_json(&b[*new].item.no),
                title: &b[*new].item.title,
                fields,
            }),
        }
    }
    // Strings, numbers and lists of them always serialise.
    serde_json::to_string(&summary).unwrap_or_default()
}

/// `diff --stat`: a line per document field and per item, then a count.
pub fn to_stat(c: &Comparison, old: &Document, new: &Document) -> String {
    let (a, b) = (entries(old), entries(new));
    let mut out = String::new();
    let version = |s: &Side| {
        if s.version.is_empty() {
            "(no version)".to_string()
        } else {
            format!("{} ({})", s.version, s.date)
        }
    };
    out.push_str(&format!("{} → {}\n", version(&c.old), version(&c.new)));
    for field in &c.document {
        out.push_str(&format!("  changed  document.{field}\n"));
    }
    let (mut n_changed, mut n_added, mut n_removed, mut n_moved) = (0, 0, 0, 0);
    for change in &c.items {
        let line = match change {
            Change::Changed { new, fields, .. } => {
                n_changed += 1;
                let e = &b[*new];
                format!(
                    "  changed  No. {} {} ({})",
                    e.item.no,
                    e.item.title,
                    fields.join(", ")
                )
            }
            Change::Added { new } => {
                n_added += 1;
                let e = &b[*new];
                format!("  added    No. {} {}", e.item.no, e.item.title)
            }
            Change::Removed { old } => {
                n_removed += 1;
                let e = &a[*old];
                format!("  removed  No. {} {}", e.item.no, e.item.title)
            }
            Change::Moved { old, new, fields } => {
                n_moved += 1;
                let (o, e) = (&a[*old], &b[*new]);
                let also = if fields.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", fields.join(", "))
                };
                format!(
                    "  moved    No. {} → No. {} {}{also}",
                    o.item.no, e.item.no, e.item.title
                )
            }
        };
        out.push_str(&line);
        out.push('\n');
    }
    out.push_str(&format!(
        "{} document field(s), {n_changed} changed, {n_added} added, {n_removed} removed, {n_moved} moved\n",
        c.document.len()
    ));
    out
}

/// How a document field is called in the revision history's text.
fn field_label(field: &str, japanese: bool) -> &str {
    let (ja, en) = match field {
        "id" => ("文書ID", "document id"),
        "title" => ("表題", "title"),
        "issuer" => ("発行者", "issuer"),
        "service" => ("対象サービス", "service"),
        "scope" => ("対象範囲", "scope"),
        "language" => ("言語", "language"),
        "preface" => ("前書き", "preface"),
        "notes" => ("注記", "notes"),
        "closing" => ("末尾の注記", "closing notes"),
        "labels" => ("表の見出し", "table labels"),
        "columns" => ("表の列", "table columns"),
        "categories" => ("分類の構成", "categories"),
        other => (other, other),
    };
    if japanese { ja } else { en }
}

/// One line per change for the revision history (`diff --revision`): 「No.5
/// …を変更」, 「No.39 …を新設」, 「No.20 …を削除」, 「No.12 …をNo.40に移動」.
pub fn change_lines(c: &Comparison, old: &Document, new: &Document) -> Vec<String> {
    let (a, b) = (entries(old), entries(new));
    let ja = new.document.language.locale() == crate::model::Locale::Japanese;
    let mut out: Vec<String> = c
        .document
        .iter()
        .map(|f| {
            let label = field_label(f, ja);
            if ja {
                format!("{label}を変更")
            } else {
                format!("Changed the {label}")
            }
        })
        .collect();
    for change in &c.items {
        out.push(match (change, ja) {
            (Change::Changed { new, .. }, true) => {
                format!("No.{} {}を変更", b[*new].item.no, b[*new].item.title)
            }
            (Change::Changed { new, .. }, false) => {
                format!("Changed No. {} {}", b[*new].item.no, b[*new].item.title)
            }
            (Change::Added { new }, true) => {
                format!("No.{} {}を新設", b[*new].item.no, b[*new].item.title)
            }
            (Change::Added { new }, false) => {
                format!("Added No. {} {}", b[*new].item.no, b[*new].item.title)
            }
            (Change::Removed { old }, true) => {
                format!("No.{} {}を削除", a[*old].item.no, a[*old].item.title)
            }
            (Change::Removed { old }, false) => {
                format!("Removed No. {} {}", a[*old].item.no, a[*old].item.title)
            }
            (Change::Moved { old, new, .. }, true) => format!(
                "No.{} {}をNo.{}に移動",
                a[*old].item.no, b[*new].item.title, b[*new].item.no
            ),
            (Change::Moved { old, new, .. }, false) => format!(
                "Moved No. {} {} to No. {}",
                a[*old].item.no, b[*new].item.title, b[*new].item.no
            ),
        });
    }
    out
}

/// Whether `text` names item `no` as `No.5` or `No. 5` (not as the start of
/// `No.50` or `No.5.1`).
fn mentions_number(text: &str, no: &str) -> bool {
    ["No.", "No. ", "No．", "NO."].iter().any(|prefix| {
        let needle = format!("{prefix}{no}");
        text.match_indices(&needle).any(|(at, _)| {
            let mut rest = text[at + needle.len()..].chars();
            match rest.next() {
                None => true,
                Some(c) if c.is_ascii_alphanumeric() || c == '-' => false,
                Some('.') => !rest.next().is_some_and(|c| c.is_ascii_digit()),
                Some(_) => true,
            }
        })
    })
}

/// A `revisions:` entry for the new version, ready to paste into its YAML.
pub fn revision_entry(c: &Comparison, old: &Document, new: &Document) -> String {
    let info = &new.document;
    let quote = |s: &str| serde_json::Value::from(s).to_string();
    let mut out = format!(
        "  - version: {}\n    date: {}\n    changes: |\n",
        quote(&info.version),
        if info.date.is_empty() {
            "YYYY-MM-DD"
        } else {
            &info.date
        }
    );
    for line in change_lines(c, old, new) {
        out.push_str("      ");
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// What the release guard (`check FILE --against OLD`) finds wrong with
/// releasing `new` after `old`: content changed under the same version, or a
/// new version whose newest revision entry does not mention every changed
/// item (by its number, `No.5` or `No. 5`, or its title).
pub fn release_problems(c: &Comparison, old: &Document, new: &Document) -> Vec<String> {
    if c.is_empty() {
        return Vec::new();
    }
    let (a, b) = (entries(old), entries(new));
    let (was, is) = (&old.document.version, &new.document.version);
    if was == is {
        return vec![format!(
            "the content differs from the old version ({} change(s)) but document.version is still {is:?}; raise the version and add a revisions entry (`disclosure-pdf diff --revision OLD NEW` prints one)",
            c.document.len() + c.items.len()
        )];
    }
    let Some(newest) = new.revisions.last() else {
        return vec![format!(
            "document.version changed ({was:?} → {is:?}) but there is no revision history saying what changed; add a revisions entry (`disclosure-pdf diff --revision OLD NEW` prints one)"
        )];
    };
    let text = &newest.changes;
    let mentioned = |e: &Entry| {
        let no = e.item.no.to_string();
        mentions_number(text, &no) || (!e.item.title.is_empty() && text.contains(&e.item.title))
    };
    let missing: Vec<String> = c
        .items
        .iter()
        .filter_map(|change| match change {
            Change::Changed { new, .. } | Change::Added { new } | Change::Moved { new, .. } => {
                (!mentioned(&b[*new])).then(|| format!("No. {}", b[*new].item.no))
            }
            Change::Removed { old } => {
                (!mentioned(&a[*old])).then(|| format!("No. {}", a[*old].item.no))
            }
        })
        .collect();
    if missing.is_empty() {
        Vec::new()
    } else {
        vec![format!(
            "the newest revision entry ({}) does not mention {} of the changed items: {}; name each by its number (No.5) or title",
            newest.version,
            missing.len(),
            missing.join(", ")
        )]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: &str = include_str!("../../data/kamiless.yaml");

    fn doc(text: &str) -> Document {
        Document::from_yaml(text).unwrap()
    }

    #[test]
    fn a_document_against_itself_has_no_differences() {
        let d = doc(DEFAULT);
        let c = compare(&d, &d);
        assert!(c.is_empty(), "{c:?}");
        assert!(
            to_stat(&c, &d, &d)
                .ends_with("0 document field(s), 0 changed, 0 added, 0 removed, 0 moved\n")
        );
    }

    #[test]
    fn changes_additions_removals_and_moves_in_document_order() {
        let old = doc(DEFAULT);
        let mut new = old.clone();
        // Item 5: content edited; item 20 removed; item 12 renumbered to 40;
        // a new item 39 at the end; the preface changed.
        let items = |d: &mut Document| -> Vec<(usize, usize)> {
            d.categories
                .iter()
                .enumerate()
                .flat_map(|(c, cat)| (0..cat.items.len()).map(move |i| (c, i)))
                .collect()
        };
        let find = |d: &mut Document, no: u32| {
            items(d)
                .into_iter()
                .find(|&(c, i)| d.categories[c].items[i].no == ItemNo::Whole(no))
                .unwrap()
        };
        let (c5, i5) = find(&mut new, 5);
        new.categories[c5].items[i5].content.push_str("（改訂）");
        let (c20, i20) = find(&mut new, 20);
        let removed_title = new.categories[c20].items.remove(i20).title;
        let (c12, i12) = find(&mut new, 12);
        new.categories[c12].items[i12].no = ItemNo::Whole(40);
        let last = new.categories.len() - 1;
        let mut added = new.categories[last].items[0].clone();
        added.no = ItemNo::Whole(39);
        added.title = "新しい項目".into();
        new.categories[last].items.push(added);
        new.document.preface = Some("改訂した前書き".into());

        let c = compare(&old, &new);
        assert_eq!(c.document, ["preface"]);
        let line = to_json(&c, &old, &new);
        assert!(
            line.starts_with("{\"old\":{\"version\":\"1.0\",\"date\":\"2026-11-25\"},\"new\":"),
            "{line}"
        );
        assert!(line.contains("\"changed\":[{\"no\":5,\"title\":"), "{line}");
        let json: serde_json::Value = serde_json::from_str(&line).unwrap();
        assert_eq!(
            json["changed"],
            serde_json::json!([{"no": 5, "title": old.categories[c5].items[i5].title, "fields": ["content"]}])
        );
        assert_eq!(
            json["removed"],
            serde_json::json!([{"no": 20, "title": removed_title}])
        );
        assert_eq!(
            json["added"],
            serde_json::json!([{"no": 39, "title": "新しい項目"}])
        );
        assert_eq!(json["moved"][0]["from"], 12);
        assert_eq!(json["moved"][0]["to"], 40);
        assert_eq!(json["moved"][0]["fields"], serde_json::json!([]));
        // Document order: No. 5, the move of 12, the removal of 20, then 39.
        let kinds: Vec<&str> = c
            .items
            .iter()
            .map(|ch| match ch {
                Change::Changed { .. } => "changed",
                Change::Added { .. } => "added",
                Change::Removed { .. } => "removed",
                Change::Moved { .. } => "moved",
            })
            .collect();
        assert_eq!(kinds, ["changed", "moved", "removed", "added"]);
        let stat = to_stat(&c, &old, &new);
        assert!(stat.contains("  moved    No. 12 → No. 40 "), "{stat}");
        assert!(stat.contains("  changed  document.preface\n"), "{stat}");
        assert!(
            stat.ends_with("1 document field(s), 1 changed, 1 added, 1 removed, 1 moved\n"),
            "{stat}"
        );
    }

    #[test]
    fn revision_entries_and_the_release_guard() {
        let old = doc(DEFAULT);
        let mut new = old.clone();
        new.categories[0].items[0].content.push_str("（改訂）");
        let removed = new.categories[1].items.remove(0);
        let c = compare(&old, &new);
        // Same version: refused.
        let p = release_problems(&c, &old, &new);
        assert_eq!(p.len(), 1);
        assert!(p[0].contains("document.version is still \"1.0\""), "{p:?}");
        // A new version whose entry lists the changes: accepted.
        new.document.version = "1.1".into();
        new.document.date = "2027-04-01".into();
        let entry = revision_entry(&c, &old, &new);
        assert_eq!(
            entry,
            format!(
                "  - version: \"1.1\"\n    date: 2027-04-01\n    changes: |\n      No.1 情報セキュリティの責任を変更\n      No.{} {}を削除\n",
                removed.no, removed.title
            )
        );
        new.revisions.push(crate::model::Revision {
            version: "1.1".into(),
            date: "2027-04-01".into(),
            changes: change_lines(&c, &old, &new).join("\n"),
        });
        assert!(release_problems(&c, &old, &new).is_empty());
        // An entry that forgets one: the item is named.
        new.revisions.last_mut().unwrap().changes = "No.1 を変更".into();
        let p = release_problems(&c, &old, &new);
        assert!(
            p[0].ends_with(&format!(
                "mention 1 of the changed items: No. {}; name each by its number (No.5) or title",
                removed.no
            )),
            "{p:?}"
        );
        // No.1 is not mentioned by No.12 or No.1.5.
        assert!(!mentions_number("No.12 を変更、No.1.5 を新設", "1"));
        assert!(mentions_number("No.1、No. 12 を変更", "12"));
        assert!(mentions_number("No.1.5 を新設。", "1.5"));
        // Nothing changed: nothing to say, whatever the version.
        assert!(release_problems(&compare(&old, &old), &old, &old).is_empty());
    }

    #[test]
    fn own_columns_and_identifiers_compare_by_key() {
        let text = r#"
document: {id: g, title: 開示, issuer: 株式会社サンプル, service: サンプル, version: "1", date: 2026-11-25}
columns: [{key: no}, {key: title}, {key: required}, {key: content}]
items:
  - {no: "8.6", title: 鍵, required: 必須, content: 本文}
  - {no: "8.7", title: 暗号, required: 選択, content: 本文}
"#;
        let old = doc(text);
        let new = doc(&text.replace("required: 選択", "required: 必須"));
        let c = compare(&old, &new);
        let json: serde_json::Value = serde_json::from_str(&to_json(&c, &old, &new)).unwrap();
        assert_eq!(
            json["changed"],
            serde_json::json!([{"no": "8.7", "title": "暗号", "fields": ["required"]}])
        );
        assert!(json["document"].as_array().unwrap().is_empty());
    }
}

//! The table's columns: the built-in four (category, No., item, content) and a
//! document's own, as `columns:` declares them, and the item numbers that may be
//! identifiers (`8.6`, `A&A-01.1`) rather than whole numbers.

use std::collections::BTreeMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

use super::{Category, Document, Item, Labels};
use crate::units::{Mm, Pt};

/// An item's number as written: a whole number (`12`) or an identifier
/// (`"8.6"`, `"A&A-01.1"`, `"6.1.1"`), printed exactly as given. The default,
/// an empty identifier, stands for a missing `no:` (the check refuses it).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemNo {
    Whole(u32),
    Text(String),
}

impl Default for ItemNo {
    fn default() -> ItemNo {
        ItemNo::Text(String::new())
    }
}

impl ItemNo {
    /// The number, if it is a whole one.
    pub fn whole(&self) -> Option<u32> {
        match self {
            ItemNo::Whole(n) => Some(*n),
            ItemNo::Text(_) => None,
        }
    }

    /// Whether no number was given (or an empty one).
    pub fn is_missing(&self) -> bool {
        matches!(self, ItemNo::Text(t) if t.trim().is_empty())
    }
}

impl fmt::Display for ItemNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ItemNo::Whole(n) => write!(f, "{n}"),
            ItemNo::Text(t) => f.write_str(t),
        }
    }
}

impl<'de> Deserialize<'de> for ItemNo {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<ItemNo, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ItemNo;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a whole number (12) or an identifier in quotes (\"8.6\")")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ItemNo, E> {
                u32::try_from(v)
                    .map(ItemNo::Whole)
                    .map_err(|_| E::custom(format!("item number {v} is too large; write it in quotes (\"{v}\") to keep it as an identifier")))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ItemNo, E> {
                match u64::try_from(v) {
                    Ok(v) => self.visit_u64(v),
                    Err(_) => Err(E::custom(format!(
                        "item number {v} is negative; numbers start at 1 (or write an identifier in quotes)"
                    ))),
                }
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ItemNo, E> {
                Err(E::custom(format!(
                    "item number {v} reads as a decimal number, which loses how it is written (8.10 would print 8.1); write it in quotes exactly as it should print, e.g. no: \"{v}\""
                )))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ItemNo, E> {
                Ok(ItemNo::Text(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A value of one of the document's own columns: text, or a number or yes/no
/// written bare (`count: 71`), kept as the text YAML reads.
struct CellText(String);

impl<'de> Deserialize<'de> for CellText {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<CellText, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = CellText;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("the text of a table cell")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CellText, E> {
                Ok(CellText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CellText, E> {
                Ok(CellText(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CellText, E> {
                Ok(CellText(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<CellText, E> {
                Err(E::custom(format!(
                    "{v} reads as a yes/no value, not as text; write the cell in quotes (\"{v}\", \"Yes\")"
                )))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<CellText, E> {
                Err(E::custom(format!(
                    "{v} reads as a decimal number, which would lose how it is written; write it in quotes (\"{v}\")"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

/// The item fields every document has; any other key of an item is a value of
/// one of the document's own columns (the check refuses undeclared ones).
pub const ITEM_FIELDS: &[&str] = &["no", "title", "control", "content"];

impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Item, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Item;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an item (no, title, content)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Item, A::Error> {
                let mut item = Item::default();
                let mut seen = [false; 4];
                while let Some(ItemKey(slot, key)) = map.next_key::<ItemKey>()? {
                    if let Some(k) = slot
                        && std::mem::replace(&mut seen[k], true)
                    {
                        return Err(de::Error::duplicate_field(ITEM_FIELDS[k]));
                    }
                    match slot {
                        Some(0) => item.no = map.next_value()?,
                        Some(1) => item.title = map.next_value()?,
                        Some(2) => item.control = map.next_value()?,
                        Some(3) => item.content = map.next_value()?,
                        _ => {
                            let CellText(value) = map.next_value()?;
                            if item.cells.insert(key.clone(), value).is_some() {
                                return Err(de::Error::custom(format!("duplicate field `{key}`")));
                            }
                        }
                    }
                }
                Ok(item)
            }
        }
        d.deserialize_map(V)
    }
}

/// An item's key: the index of a built-in field (no owned copy of its name,
/// which every item repeats), or an own column's name.
struct ItemKey(Option<usize>, String);

impl<'de> Deserialize<'de> for ItemKey {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<ItemKey, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = ItemKey;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ItemKey, E> {
                Ok(match ITEM_FIELDS.iter().position(|f| *f == v) {
                    Some(k) => ItemKey(Some(k), String::new()),
                    None => ItemKey(None, v.to_string()),
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// One entry of `columns:` as written.
#[derive(Debug, Clone, Deserialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// `category`, `no`, `title`, `content`, or a key of the document's own that
    /// items give values under.
    pub key: String,
    /// The header label (default: `labels:` for the built-in columns, else the key).
    #[serde(default)]
    pub label: Option<String>,
    /// Runs of equal values in consecutive rows are one merged cell.
    #[serde(default)]
    pub merge: Option<bool>,
    /// Fixed width, rule to rule: `16mm` or `45pt`.
    #[serde(default)]
    #[schemars(pattern(r"^\s*[0-9]+(\.[0-9]+)?\s*(mm|pt)\s*$"))]
    pub width: Option<String>,
    /// `left` (default), `center` or `right`.
    #[serde(default)]
    pub align: Option<Align>,
    /// An item may leave the cell empty without a warning.
    #[serde(default)]
    pub optional: bool,
}

/// Horizontal alignment of a cell's lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// What a column shows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ColumnKey {
    Category,
    No,
    Title,
    Content,
    /// One of the document's own columns.
    Own(String),
}

impl ColumnKey {
    /// The key as written in `columns:`.
    pub fn name(&self) -> &str {
        match self {
            ColumnKey::Category => "category",
            ColumnKey::No => "no",
            ColumnKey::Title => "title",
            ColumnKey::Content => "content",
            ColumnKey::Own(k) => k,
        }
    }

    fn parse(key: &str) -> ColumnKey {
        match key {
            "category" => ColumnKey::Category,
            "no" => ColumnKey::No,
            "title" => ColumnKey::Title,
            "content" => ColumnKey::Content,
            own => ColumnKey::Own(own.to_string()),
        }
    }
}

/// A column of the table, resolved: label, merging, width and alignment known.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub key: ColumnKey,
    pub label: String,
    /// Runs of equal values in consecutive rows are one cell (always for the
    /// category column).
    pub merge: bool,
    /// A fixed width, rule to rule; `None` sizes the column from its content.
    pub width: Option<Pt>,
    pub align: Align,
    /// An item may leave the cell empty without a warning.
    pub optional: bool,
}

/// `16mm`, `45pt` or `45.5 pt` as points; `None` for anything else.
pub fn parse_length(s: &str) -> Option<Pt> {
    let s = s.trim();
    let (number, unit) = s.split_at(s.find(|c: char| c.is_ascii_alphabetic())?);
    let value: f32 = number.trim().parse().ok()?;
    if !value.is_finite() || value <= 0.0 {
        return None;
    }
    match unit {
        "mm" => Some(Pt::from(Mm(value))),
        "pt" => Some(Pt(value)),
        _ => None,
    }
}

impl Document {
    /// The table's columns: `columns:` resolved, or the built-in ones (category
    /// unless the document is flat, No., item, content) labelled by `labels:`.
    pub fn columns(&self) -> Vec<Column> {
        let builtin_label = |key: &ColumnKey, l: &Labels| match key {
            ColumnKey::Category => Some(l.category.clone()),
            ColumnKey::No => Some(l.no.clone()),
            ColumnKey::Title => Some(l.item.clone()),
            ColumnKey::Content => Some(l.content.clone()),
            ColumnKey::Own(_) => None,
        };
        match &self.columns {
            Some(specs) => specs
                .iter()
                .map(|s| {
                    let key = ColumnKey::parse(&s.key);
                    let label = s
                        .label
                        .clone()
                        .or_else(|| builtin_label(&key, &self.labels))
                        .unwrap_or_else(|| s.key.clone());
                    Column {
                        merge: key == ColumnKey::Category || s.merge.unwrap_or(false),
                        label,
                        width: s.width.as_deref().and_then(parse_length),
                        align: s.align.unwrap_or_default(),
                        optional: s.optional,
                        key,
                    }
                })
                .collect(),
            None => {
                let mut keys = vec![ColumnKey::No, ColumnKey::Title, ColumnKey::Content];
                if !self.flat {
                    keys.insert(0, ColumnKey::Category);
                }
                keys.into_iter()
                    .map(|key| Column {
                        label: builtin_label(&key, &self.labels).unwrap_or_default(),
                        merge: key == ColumnKey::Category,
                        width: None,
                        align: Align::Left,
                        optional: false,
                        key,
                    })
                    .collect()
            }
        }
    }

    /// The keys of the document's own columns, in `columns:` order.
    pub fn own_keys(&self) -> Vec<&str> {
        self.columns
            .iter()
            .flatten()
            .map(|c| c.key.as_str())
            .filter(|k| !matches!(*k, "category" | "no" | "title" | "content"))
            .collect()
    }
}

impl Item {
    /// The text of column `key` in this item's row (`category` its category's
    /// label); `None` for an own column the item leaves empty.
    pub fn cell<'a>(&'a self, key: &ColumnKey, category: &'a Category) -> Option<&'a str> {
        match key {
            ColumnKey::Category => Some(&category.title),
            ColumnKey::No => None,
            ColumnKey::Title => Some(&self.title),
            ColumnKey::Content => Some(&self.content),
            ColumnKey::Own(k) => self.cells.get(k).map(String::as_str),
        }
    }
}

/// Cell values of the document's own columns, by key.
pub type Cells = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths() {
        assert_eq!(parse_length("16mm"), Some(Pt::from(Mm(16.0))));
        assert_eq!(parse_length("45.5 pt"), Some(Pt(45.5)));
        assert_eq!(parse_length("16"), None);
        assert_eq!(parse_length("16cm"), None);
        assert_eq!(parse_length("-3mm"), None);
    }

    #[test]
    fn numbers_whole_or_as_written() {
        let no = |y: &str| serde_yaml::from_str::<ItemNo>(y);
        assert_eq!(no("12").unwrap(), ItemNo::Whole(12));
        assert_eq!(no("\"8.10\"").unwrap().to_string(), "8.10");
        assert_eq!(no("A&A-01.1").unwrap().to_string(), "A&A-01.1");
        let err = no("8.6").unwrap_err().to_string();
        assert!(err.contains("no: \"8.6\""), "{err}");
        assert!(no("-1").is_err());
    }
}

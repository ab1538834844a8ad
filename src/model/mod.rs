//! The input document: serde types for the YAML, and ([`markup`]) how its text
//! blocks read as lines. The rules beyond types are checked by the input gate.
//!
//! Unknown keys are errors (`deny_unknown_fields`): a misspelt key silently ignored
//! would drop text from a document that goes into contracts.

mod columns;
mod events;
mod language;
pub mod markup;
pub mod picture;
mod schema;
pub mod split;

pub use columns::{Align, Cells, Column, ColumnKey, ColumnSpec, ITEM_FIELDS, ItemNo, parse_length};
pub use events::{Events, ListPiece};
pub use language::{Language, Locale, UnknownLanguage};
pub use schema::json_schema;

use schemars::JsonSchema;
use serde::Deserialize;

/// A whole disclosure document as read from YAML.
#[derive(Debug, Clone, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(
    title = "disclosure-pdf document",
    extend("oneOf" = [{"required": ["categories"]}, {"required": ["items"]}])
)]
pub struct Document {
    /// The document's facts: title, issuer, service, version, date, and the text
    /// around the table.
    pub document: DocumentInfo,
    /// Header labels of the four built-in columns (`columns:` may set them too).
    #[serde(default)]
    pub labels: Labels,
    /// Other TrueType/OpenType fonts, relative to this file (default: the bundled
    /// BIZ UDPGothic).
    #[serde(default)]
    pub fonts: Option<FontPaths>,
    /// The table's columns, left to right, when they are not the built-in four
    /// (category, no, title, content); other keys are columns of the document's
    /// own, whose values items give under the same key.
    // Resolved with labels and defaults by [`Document::columns`].
    #[serde(default)]
    pub columns: Option<Vec<ColumnSpec>>,
    /// Items grouped under category labels (the merged left column); a flat
    /// document gives `items:` instead.
    #[serde(default)]
    pub categories: Vec<Category>,
    /// The items of a flat document (no category column), instead of
    /// `categories:`.
    // [`Document::from_yaml`] moves them into one untitled category and sets
    // [`Document::flat`]; they stay here only when `categories:` is given too,
    // which the check refuses.
    #[serde(default)]
    pub items: Option<Vec<Item>>,
    /// Revision history, oldest first; printed as a 改訂履歴 table at the end.
    #[serde(default)]
    pub revisions: Vec<Revision>,
    /// The document is a flat list: `categories` holds one untitled category with
    /// its items, and the table has no category column.
    #[serde(skip)]
    pub flat: bool,
    /// The pictures the text refers to, read by the input gate (not part of the
    /// YAML).
    #[serde(skip)]
    pub pictures: picture::Pictures,
}

/// One entry of the revision history.
#[derive(Debug, Clone, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    /// The version this entry describes (`1.1`).
    pub version: String,
    /// `YYYY-MM-DD`.
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: String,
    /// What changed (content markup).
    pub changes: String,
}

/// The document facts printed on the first page and in the footer.
#[derive(Debug, Clone, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentInfo {
    /// `[a-z0-9][a-z0-9-]*`; names the output file (`<id>-<version>.pdf`).
    #[schemars(pattern(r"^[a-z0-9][a-z0-9-]*$"))]
    pub id: String,
    /// The document's title (情報セキュリティに関する情報開示).
    pub title: String,
    /// Who issues the document (the vendor, 株式会社…).
    pub issuer: String,
    /// The service the disclosure is about.
    pub service: String,
    /// 本書における対象範囲 (optional).
    #[serde(default)]
    pub scope: Option<String>,
    /// Required for a release build; a draft may leave it out (empty).
    #[serde(default)]
    pub version: String,
    /// `YYYY-MM-DD`; required for a release build, a draft may leave it out.
    #[serde(default)]
    #[schemars(pattern(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub date: String,
    /// `ja` (the default) or `en`, with an optional region (`ja-JP`).
    #[serde(default)]
    pub language: Language,
    /// Text before the table (content markup).
    #[serde(default)]
    pub preface: Option<String>,
    /// Small print under the preface (content markup).
    #[serde(default)]
    pub notes: Option<String>,
    /// Text after the table (content markup): notes to it, 以上.
    #[serde(default)]
    pub closing: Option<String>,
}

/// Table header labels.
#[derive(Debug, Clone, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Labels {
    /// The category column (default 分類).
    pub category: String,
    /// The number column (default No.).
    pub no: String,
    /// The item title column (default 情報開示項目).
    pub item: String,
    /// The content column (default 内容).
    pub content: String,
}

impl Default for Labels {
    fn default() -> Labels {
        Labels {
            category: "分類".into(),
            no: "No.".into(),
            item: "情報開示項目".into(),
            content: "内容".into(),
        }
    }
}

/// Other TrueType fonts to set the document in, relative to the YAML file.
#[derive(Debug, Clone, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FontPaths {
    /// The font for regular text.
    pub regular: Option<std::path::PathBuf>,
    /// The font for bold text (sub-headings, labels, `**bold**`).
    pub bold: Option<std::path::PathBuf>,
}

/// A group of items under one category label (the merged left column).
#[derive(Debug, Clone, Deserialize, PartialEq, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Category {
    /// The category label, printed in the merged left column.
    pub title: String,
    /// The category's items, in table order.
    pub items: Vec<Item>,
}

/// One numbered row of the table. Keys other than [`ITEM_FIELDS`] are values of
/// the document's own columns (`cells`); the check refuses undeclared ones and
/// missing numbers, titles and contents (empty here).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Item {
    pub no: ItemNo,
    pub title: String,
    /// ISO/IEC 27017 clause, printed small under the title (optional).
    pub control: Option<String>,
    pub content: String,
    /// Values of the document's own columns, by column key.
    pub cells: Cells,
}

impl Document {
    /// Parses YAML text. Syntax errors, wrong types and unknown keys come back with
    /// the line and column serde_yaml reports.
    pub fn from_yaml(text: &str) -> Result<Document, serde_yaml::Error> {
        // A long document's list is parsed in pieces on all cores.
        Ok(split::from_str(text)?.finish())
    }

    /// A document as read: a flat document's items become one untitled category.
    fn finish(mut self) -> Document {
        let doc = &mut self;
        if doc.categories.is_empty()
            && let Some(items) = doc.items.take()
        {
            doc.categories.push(Category {
                title: String::new(),
                items,
            });
            doc.flat = true;
        }
        self
    }

    /// The YAML path of item `ii` of category `ci` (`categories[0].items[3]`, or
    /// `items[3]` in a flat document), for positions of findings.
    pub fn item_path(&self, ci: usize, ii: usize) -> String {
        if self.flat {
            format!("items[{ii}]")
        } else {
            format!("categories[{ci}].items[{ii}]")
        }
    }

    /// All items in document order, with their category.
    pub fn items(&self) -> impl Iterator<Item = (&Category, &Item)> {
        self.categories
            .iter()
            .flat_map(|c| c.items.iter().map(move |i| (c, i)))
    }
}

/// A calendar date checked to exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, rejecting dates that do not exist (2026-02-30).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            part.bytes()
                .all(|c| c.is_ascii_digit())
                .then(|| part.parse().ok())?
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year >= 1 && (1..=days).contains(&day)).then_some(Date {
            year: year as u16,
            month: month as u8,
            day: day as u8,
        })
    }

    /// The date `days` after 1970-01-01 (Howard Hinnant's civil_from_days).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as u16;
        Date { year, month, day }
    }

    /// `YYYY-MM-DD`.
    pub fn to_iso(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Days since 1970-01-01 (for PDF dates and SOURCE_DATE_EPOCH comparisons).
    pub fn days_since_epoch(&self) -> i64 {
        // Howard Hinnant's days_from_civil.
        let (y, m, d) = (self.year as i64, self.month as i64, self.day as i64);
        let y = if m <= 2 { y - 1 } else { y };
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146097 + doe - 719468
    }
}

/// Whether `id` can name a file: `[a-z0-9][a-z0-9-]*`.
pub fn is_valid_id(id: &str) -> bool {
    let mut chars = id.chars();
    matches!(chars.next(), Some('a'..='z' | '0'..='9'))
        && chars.all(|c| matches!(c, 'a'..='z' | '0'..='9' | '-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The smallest valid document, shared with the integration tests.
    const MINIMAL: &str = include_str!("../../tests/fixtures/minimal.yaml");

    #[test]
    fn minimal_document_parses_with_defaults() {
        let d = Document::from_yaml(MINIMAL).unwrap();
        assert_eq!(d.document.language.tag(), "ja");
        assert_eq!(d.labels.item, "情報開示項目");
        assert_eq!(d.items().count(), 1);
    }

    #[test]
    fn unknown_key_of_a_category_is_an_error_with_position() {
        let text = MINIMAL.replace("    items:", "    itmes:");
        let err = Document::from_yaml(&text).unwrap_err();
        assert!(err.to_string().contains("unknown field `itmes`"), "{err}");
        let loc = err.location().unwrap();
        assert_eq!((loc.line(), loc.column()), (10, 5));
    }

    #[test]
    fn other_item_keys_are_cells_for_the_check_to_judge() {
        let text = MINIMAL.replace(
            "        content: 本文",
            "        contnet: 本文\n        kind: 71",
        );
        let d = Document::from_yaml(&text).unwrap();
        let item = &d.categories[0].items[0];
        assert_eq!(item.content, "");
        assert_eq!(item.cells["contnet"], "本文");
        assert_eq!(item.cells["kind"], "71");
    }

    #[test]
    fn flat_documents_hold_one_untitled_category() {
        let text = MINIMAL.replace("categories:\n  - title: 暗号\n    items:\n", "items:\n");
        let text = text.replace("\n      ", "\n  ");
        let d = Document::from_yaml(&text).unwrap();
        assert!(d.flat, "{text}");
        assert_eq!(d.categories.len(), 1);
        assert_eq!(d.categories[0].title, "");
        assert_eq!(d.item_path(0, 0), "items[0]");
        assert_eq!(d.columns().len(), 3);
    }

    #[test]
    fn dates_must_exist() {
        assert!(Date::parse("2026-11-25").is_some());
        assert!(Date::parse("2024-02-29").is_some());
        assert!(Date::parse("2026-02-29").is_none());
        assert!(Date::parse("2026-13-01").is_none());
        assert!(Date::parse("2026-1-01").is_none());
        assert!(Date::parse("２０２６-01-01").is_none());
        assert_eq!(Date::parse("1970-01-02").unwrap().days_since_epoch(), 1);
        for iso in ["1970-01-01", "2024-02-29", "2026-12-31", "2000-03-01"] {
            let d = Date::parse(iso).unwrap();
            assert_eq!(Date::from_days(d.days_since_epoch()).to_iso(), iso);
        }
    }

    #[test]
    fn ids() {
        assert!(is_valid_id("kamiless"));
        assert!(is_valid_id("a-1"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id("Kamiless"));
        assert!(!is_valid_id(""));
        assert!(!is_valid_id("a b"));
    }
}

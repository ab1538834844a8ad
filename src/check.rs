//! Validation of a parsed document: everything that serde's types cannot say.

use std::collections::{BTreeMap, HashSet};

use crate::error::Diagnostic;
use crate::model::{Date, Document, is_valid_id};
use crate::text::font::FontSet;

/// A text field of the document, with a human name for messages.
pub struct Field<'a> {
    pub place: String,
    pub text: &'a str,
}

/// Every text field that gets printed, in document order.
pub fn text_fields(doc: &Document) -> Vec<Field<'_>> {
    let d = &doc.document;
    let mut fields: Vec<Field<'_>> = vec![
        Field {
            place: "document.title".into(),
            text: &d.title,
        },
        Field {
            place: "document.issuer".into(),
            text: &d.issuer,
        },
        Field {
            place: "document.service".into(),
            text: &d.service,
        },
        Field {
            place: "document.version".into(),
            text: &d.version,
        },
    ];
    for (place, text) in [
        ("document.scope", &d.scope),
        ("document.preface", &d.preface),
        ("document.notes", &d.notes),
    ] {
        if let Some(t) = text {
            fields.push(Field {
                place: place.into(),
                text: t,
            });
        }
    }
    let l = &doc.labels;
    for (place, text) in [
        ("labels.category", &l.category),
        ("labels.no", &l.no),
        ("labels.item", &l.item),
        ("labels.content", &l.content),
    ] {
        fields.push(Field {
            place: place.into(),
            text,
        });
    }
    for c in &doc.categories {
        fields.push(Field {
            place: format!("category {:?}", c.title),
            text: &c.title,
        });
        for i in &c.items {
            fields.push(Field {
                place: format!("item No. {} (title)", i.no),
                text: &i.title,
            });
            if let Some(control) = &i.control {
                fields.push(Field {
                    place: format!("item No. {} (control)", i.no),
                    text: control,
                });
            }
            fields.push(Field {
                place: format!("item No. {} (content)", i.no),
                text: &i.content,
            });
        }
    }
    fields
}

/// Checks `doc` against the rules of the format and the fonts' coverage.
pub fn check(doc: &Document, fonts: &FontSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let d = &doc.document;
    if !is_valid_id(&d.id) {
        out.push(Diagnostic::error(
            None,
            format!(
                "document.id {:?} must be lower-case letters, digits and '-', starting with a letter or digit (e.g. \"kamiless\")",
                d.id
            ),
        ));
    }
    if Date::parse(&d.date).is_none() {
        out.push(Diagnostic::error(
            None,
            format!(
                "document.date {:?} is not a real date in the form YYYY-MM-DD (e.g. 2026-11-25)",
                d.date
            ),
        ));
    }
    for (name, value) in [
        ("title", &d.title),
        ("issuer", &d.issuer),
        ("service", &d.service),
        ("version", &d.version),
    ] {
        if value.trim().is_empty() {
            out.push(Diagnostic::error(
                None,
                format!("document.{name} is empty; write the {name}"),
            ));
        }
    }
    if doc.categories.is_empty() {
        out.push(Diagnostic::error(
            None,
            "categories is empty; the table needs at least one category with items",
        ));
    }
    let mut seen = HashSet::new();
    for c in &doc.categories {
        if c.title.trim().is_empty() {
            out.push(Diagnostic::error(None, "a category has an empty title"));
        }
        if c.items.is_empty() {
            out.push(Diagnostic::error(
                None,
                format!("category {:?} has no items", c.title),
            ));
        }
        for i in &c.items {
            if !seen.insert(i.no) {
                out.push(Diagnostic::error(
                    None,
                    format!(
                        "item No. {} appears more than once; numbers must be unique",
                        i.no
                    ),
                ));
            }
            if i.title.trim().is_empty() {
                out.push(Diagnostic::error(
                    None,
                    format!("item No. {} has an empty title", i.no),
                ));
            }
            if i.content.trim().is_empty() {
                out.push(Diagnostic::error(
                    None,
                    format!("item No. {} has empty content", i.no),
                ));
            }
        }
    }
    out.extend(coverage(doc, fonts));
    out
}

/// One error per character the fonts cannot draw, naming every place it occurs.
pub fn coverage(doc: &Document, fonts: &FontSet) -> Vec<Diagnostic> {
    let mut missing: BTreeMap<char, Vec<String>> = BTreeMap::new();
    for field in text_fields(doc) {
        for c in field.text.chars() {
            if c == '\n' || c == '\r' {
                continue;
            }
            // Sub-headings are bold, the rest regular: a character must be in both.
            if !fonts.regular.covers(c) || !fonts.bold.covers(c) {
                let places = missing.entry(c).or_default();
                if places.last() != Some(&field.place) {
                    places.push(field.place.clone());
                }
            }
        }
    }
    missing
        .into_iter()
        .map(|(c, places)| {
            Diagnostic::error(
                None,
                format!(
                    "the font has no glyph for {c:?} (U+{:04X}), used in {}; replace the character or choose a font that has it (--font/--bold-font)",
                    c as u32,
                    places.join(", ")
                ),
            )
        })
        .collect()
}

//! The JSON Schema of the YAML format (`disclosure-pdf schema`), for editors:
//! yaml-language-server validates and completes a document against it.
//!
//! Generated from the model types by `schemars`, so the schema cannot drift from
//! what the reader accepts; descriptions are the types' doc comments. The types
//! whose reading is written by hand (an item with its own columns' values, an
//! item number that may be an identifier, a language tag) describe themselves
//! here. Draft-07, the newest draft yaml-language-server validates with.

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use super::{Document, Item, ItemNo, Language};

/// The schema as pretty-printed JSON, ending in a newline: what
/// `schema/disclosure.schema.json` holds.
pub fn json_schema() -> String {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<Document>().to_value();
    drop_empty_defaults(&mut schema);
    // Serialising a `serde_json::Value` cannot fail: its map keys are strings.
    let mut text = serde_json::to_string_pretty(&schema).expect("a JSON value serialises");
    text.push('\n');
    text
}

/// Removes the `default: null` and `default: ""` that optional fields get from
/// `#[serde(default)]`: an editor inserts a default as the completed value
/// (`scope: null`), where an empty placeholder is what the writer wants.
fn drop_empty_defaults(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map
                .get("default")
                .is_some_and(|d| d.is_null() || d.as_str() == Some(""))
            {
                map.remove("default");
            }
            map.values_mut().for_each(drop_empty_defaults);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_empty_defaults),
        _ => {}
    }
}

impl JsonSchema for ItemNo {
    fn schema_name() -> Cow<'static, str> {
        "ItemNo".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The item's number: a whole number (12), or an identifier in quotes (\"8.6\", \"A&A-01.1\"), printed as written.",
            "oneOf": [
                {"type": "integer", "minimum": 1},
                {"type": "string", "minLength": 1}
            ]
        })
    }
}

impl JsonSchema for Language {
    fn schema_name() -> Cow<'static, str> {
        "Language".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "The document's language: ja (the default) or en, with an optional region (ja-JP, en-US).",
            "type": "string",
            "pattern": "^([jJ][aA]|[eE][nN])(-[A-Za-z0-9]+)*$"
        })
    }
}

impl JsonSchema for Item {
    fn schema_name() -> Cow<'static, str> {
        "Item".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "One numbered row of the table. Keys other than no, title, control and content are values of the document's own columns (declared under columns:).",
            "type": "object",
            "properties": {
                "no": generator.subschema_for::<ItemNo>(),
                "title": {
                    "description": "The item's title (情報開示項目).",
                    "type": "string"
                },
                "control": {
                    "description": "ISO/IEC 27017 clause, printed small under the title (optional).",
                    "type": ["string", "null"]
                },
                "content": {
                    "description": "The disclosure itself (content markup: ● lists, 1. lists, ＜sub-headings＞, [links](https://…), **bold**, pipe tables, ![pictures](path)).",
                    "type": "string"
                }
            },
            "required": ["no", "title", "content"],
            "additionalProperties": {
                "description": "A value of one of the document's own columns (content markup).",
                "type": ["string", "integer"]
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> serde_json::Value {
        serde_json::from_str(&json_schema()).unwrap()
    }

    #[test]
    fn is_draft_07_with_the_document_keys_and_their_descriptions() {
        let s = schema();
        assert_eq!(s["$schema"], "http://json-schema.org/draft-07/schema#");
        for key in [
            "document",
            "labels",
            "fonts",
            "columns",
            "categories",
            "items",
            "revisions",
        ] {
            assert!(s["properties"][key].is_object(), "{key}");
        }
        assert_eq!(s["required"], serde_json::json!(["document"]));
        let info = &s["definitions"]["DocumentInfo"];
        assert!(
            info["properties"]["id"]["description"]
                .as_str()
                .unwrap()
                .contains("names the output file")
        );
        let required = info["required"].as_array().unwrap();
        for key in ["id", "title", "issuer", "service"] {
            assert!(required.contains(&key.into()), "{key}");
        }
        // A draft may leave out version and date.
        assert!(!required.contains(&"version".into()));
    }

    #[test]
    fn unknown_keys_are_refused_as_the_reader_refuses_them() {
        let s = schema();
        assert_eq!(s["additionalProperties"], false);
        for def in [
            "DocumentInfo",
            "Labels",
            "Category",
            "Revision",
            "ColumnSpec",
        ] {
            assert_eq!(
                s["definitions"][def]["additionalProperties"], false,
                "{def}"
            );
        }
        // Items are the exception: their other keys are the own columns' values.
        assert!(s["definitions"]["Item"]["additionalProperties"].is_object());
    }

    #[test]
    fn the_hand_read_types_describe_what_the_reader_takes() {
        let s = schema();
        let no = &s["definitions"]["ItemNo"]["oneOf"];
        assert_eq!(no[0]["type"], "integer");
        assert_eq!(no[1]["type"], "string");
        let align = &s["definitions"]["Align"]["enum"];
        assert_eq!(*align, serde_json::json!(["left", "center", "right"]));
        assert_eq!(s["oneOf"][0]["required"][0], "categories");
        // Completion inserts a default: none that is empty, the useful ones kept.
        let info = &s["definitions"]["DocumentInfo"]["properties"];
        assert!(info["scope"].get("default").is_none());
        assert!(info["date"].get("default").is_none());
        assert_eq!(
            s["definitions"]["Labels"]["properties"]["category"]["default"],
            "分類"
        );
    }
}

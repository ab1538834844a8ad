//! Turns the BudouX model (`models/budoux/ja.json`) into sorted Rust tables at
//! compile time, so that the phrase segmenter (`src/text/phrases.rs`) starts with
//! nothing to parse: a build reads the JSON once, a run looks keys up by binary
//! search in static arrays.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The feature tables in the order the parser adds them up.
const FEATURES: [&str; 13] = [
    "UW1", "UW2", "UW3", "UW4", "UW5", "UW6", "BW1", "BW2", "BW3", "TW1", "TW2", "TW3", "TW4",
];

fn main() {
    let model = "models/budoux/ja.json";
    println!("cargo::rerun-if-changed={model}");
    let text = std::fs::read_to_string(model).expect("models/budoux/ja.json is readable");
    let raw: BTreeMap<String, BTreeMap<String, i64>> =
        serde_json::from_str(&text).expect("models/budoux/ja.json is a BudouX model");
    let mut out = String::new();
    // The parser's base score is minus half the sum of every score in the model.
    let total: i64 = raw.values().flat_map(|t| t.values()).sum();
    writeln!(
        out,
        "/// Sum of all scores of the model.\npub const TOTAL: i64 = {total};"
    )
    .unwrap();
    out.push_str("/// Feature tables: (packed key, score), sorted by key.\npub static TABLES: [&[(u64, i32)]; 13] = [\n");
    for name in FEATURES {
        let mut entries: Vec<(u64, i64)> = raw
            .get(name)
            .into_iter()
            .flatten()
            .map(|(key, &score)| {
                let chars: Vec<char> = key.chars().collect();
                assert!(
                    chars.len() <= 3,
                    "{name} key {key:?} is longer than three characters"
                );
                let packed = chars
                    .iter()
                    .fold(0u64, |k, &c| (k << 21) | u64::from(c as u32));
                (packed, score)
            })
            .collect();
        entries.sort_unstable();
        write!(out, "    &[").unwrap();
        for (k, s) in entries {
            write!(out, "({k}, {s}),").unwrap();
        }
        out.push_str("],\n");
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("budoux_ja.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

//! Work done once at compile time rather than on every run:
//! - the BudouX model (`models/budoux/ja.json`) becomes sorted Rust tables, so
//!   that the phrase segmenter (`src/text/phrases.rs`) starts with nothing to
//!   parse: a build reads the JSON once, a run looks keys up by binary search in
//!   static arrays;
//! - the bundled faces (`fonts/`) lose their TrueType hinting, by the code that
//!   strips it from a user's font at run time (`src/pdf/hinting.rs`): every
//!   subset of them is embedded without it, and stripping each subset again
//!   sat on a short document's critical path (38 items: 11.1 -> 9.9 ms).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// The feature tables in the order the parser adds them up.
const FEATURES: [&str; 13] = [
    "UW1", "UW2", "UW3", "UW4", "UW5", "UW6", "BW1", "BW2", "BW3", "TW1", "TW2", "TW3", "TW4",
];

// The run-time code itself, so that both strip alike (a test checks the result).
#[allow(dead_code)]
#[path = "src/pdf/hinting.rs"]
mod hinting;
#[allow(dead_code)]
#[path = "src/pdf/sfnt.rs"]
mod sfnt;

/// The bundled faces, embedded by `src/text/font.rs` from `OUT_DIR`.
const FONTS: [&str; 2] = ["BIZUDPGothic-Regular.ttf", "BIZUDPGothic-Bold.ttf"];

fn main() {
    println!("cargo::rerun-if-changed=src/pdf/sfnt.rs");
    println!("cargo::rerun-if-changed=src/pdf/hinting.rs");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    for name in FONTS {
        let path = format!("fonts/{name}");
        println!("cargo::rerun-if-changed={path}");
        let font = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let stripped = hinting::strip_instructions(&font).unwrap_or_else(|| {
            panic!(
                "{path}: its TrueType hinting could not be removed (not a plain glyf TrueType font, or a placeholder such as a git-lfs pointer instead of the file)"
            )
        });
        std::fs::write(Path::new(&out_dir).join(name), stripped).expect("OUT_DIR is writable");
    }
    budoux(&out_dir);
}

/// The BudouX model as Rust tables, in `OUT_DIR/budoux_ja.rs`.
fn budoux(out_dir: &str) {
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
    std::fs::write(Path::new(out_dir).join("budoux_ja.rs"), out).expect("OUT_DIR is writable");
}

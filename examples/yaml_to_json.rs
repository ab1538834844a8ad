//! Prints a YAML document as JSON, read the way the tool and yaml-language-server
//! read YAML (YAML 1.2's core schema: `no:` is a string key, `2024-06-12` a
//! string), for CI to validate against the JSON Schema.
//!
//! usage: cargo run --release --example yaml_to_json -- DOC.yaml > DOC.json

use std::process::ExitCode;

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: yaml_to_json DOC.yaml");
        return ExitCode::from(2);
    };
    let result = std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|text| {
            serde_yaml::from_str::<serde_json::Value>(&text).map_err(|e| e.to_string())
        });
    match result {
        Ok(value) => {
            println!("{value}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
    }
}

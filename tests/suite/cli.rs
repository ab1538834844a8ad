//! The command line as users and CI meet it: exit codes, messages, and what is (not)
//! written. Runs the built binary in a scratch directory per test.

use crate::common::*;
use std::fs;

/// The names in `dir`, sorted.

#[test]
fn check_accepts_the_default_document() {
    let t = Scratch::new("check_ok");
    let input = default_input();
    let o = t.run(&["check", s(&input)]);
    assert_code(&o, 0);
    assert!(stdout(&o).contains("ok"), "{}", stdout(&o));
    assert!(
        listing(&t.0).is_empty(),
        "check writes nothing: {:?}",
        listing(&t.0)
    );
}

#[test]
fn build_writes_a_pdf_where_told() {
    let t = Scratch::new("build_ok");
    let input = default_input();
    let out = t.path("x.pdf");
    let o = t.run(&["build", s(&input), "-o", s(&out)]);
    assert_code(&o, 0);
    let bytes = fs::read(&out).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-"),
        "{:?}",
        &bytes[..bytes.len().min(16)]
    );
    let msg = stdout(&o);
    assert!(msg.contains(s(&out)) && msg.contains("pages"), "{msg}");
    assert_eq!(
        listing(&t.0),
        ["x.pdf", "x.pdf.sha256"],
        "the PDF and its manifest, no temporary files left behind"
    );
    let manifest = fs::read_to_string(t.path("x.pdf.sha256")).unwrap();
    assert_eq!(manifest.len(), 64 + 2 + "x.pdf".len() + 1);
    assert!(manifest.ends_with("  x.pdf\n"), "{manifest}");
}

/// Writes the minimal document with `from` replaced by `to` as `in/doc.yaml` and
/// builds it to `out` (relative to the scratch directory), which must fail.
/// Returns the input path and what the build printed to stderr.
fn failing_build(t: &Scratch, from: &str, to: &str, out: &str) -> (std::path::PathBuf, String) {
    let input = t.write("in/doc.yaml", &MINIMAL.replace(from, to));
    let o = t.run(&["build", s(&input), "-o", s(&t.path(out))]);
    assert_code(&o, 1);
    (input, stderr(&o))
}

#[test]
fn unknown_key_is_reported_at_its_line_and_column() {
    let t = Scratch::new("unknown_key");
    let (input, err) = failing_build(&t, "content: 本文", "contnet: 本文", "out/x.pdf");
    let out = t.path("out/x.pdf");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "exactly one line: {err}");
    // `contnet` is the 13th line of the fixture, indented 8 spaces. serde_yaml may
    // name the key's place (`categories[0].items[0]: `) before its message.
    let prefix = format!("{}:13:9: error: ", s(&input));
    let message = lines[0]
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("{:?} does not start with {prefix:?}", lines[0]));
    assert!(
        message.contains("unknown field `contnet`, expected "),
        "{message}"
    );
    assert!(
        !message.contains(" at line "),
        "the position is given once, in front: {message}"
    );
    assert!(!out.exists());
}

#[test]
fn kangxi_radical_is_refused_and_nothing_written() {
    let t = Scratch::new("radical");
    let (input, err) = failing_build(&t, "content: 本文", "content: 利\u{2F64}する", "out/x.pdf");
    let out = t.path("out/x.pdf");
    assert!(err.contains('\u{2F64}'), "{err}");
    assert!(err.contains("U+2F64"), "{err}");
    assert!(err.contains("item No. 1"), "{err}");
    // Line 13, column 19: the radical itself (8 spaces, `content: `, 利).
    assert!(
        err.starts_with(&format!(
            "{}:13:19: error: the font has no glyph for",
            input.display()
        )),
        "{err}"
    );
    assert!(!out.exists(), "no PDF at {}", out.display());
}

#[test]
fn failed_build_leaves_the_old_output_alone() {
    let t = Scratch::new("keeps_old");
    let out = t.write("out/x.pdf", "old");
    failing_build(&t, "content: 本文", "content: 利\u{2F64}する", "out/x.pdf");
    assert_eq!(fs::read(&out).unwrap(), b"old");
    assert_eq!(listing(&t.path("out")), ["x.pdf"]);
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let t = Scratch::new("usage");
    let o = t.run(&["build", "--no-such-flag"]);
    assert_code(&o, 2);
    assert!(stderr(&o).contains("--no-such-flag"), "{}", stderr(&o));
    let o = t.run(&[]);
    assert_code(&o, 2);
    for args in [&["--help"][..], &["build", "--help"], &["check", "--help"]] {
        let o = t.run(args);
        assert_code(&o, 0);
        assert!(stdout(&o).contains("Usage"), "{args:?}: {}", stdout(&o));
    }
    assert!(listing(&t.0).is_empty(), "{:?}", listing(&t.0));
}

#[test]
fn missing_input_names_the_path() {
    let t = Scratch::new("missing");
    let input = t.path("no-such.yaml");
    for cmd in ["build", "check"] {
        let o = t.run(&[cmd, s(&input)]);
        assert_code(&o, 1);
        assert!(stderr(&o).contains(s(&input)), "{cmd}: {}", stderr(&o));
    }
    assert!(listing(&t.0).is_empty(), "{:?}", listing(&t.0));
}

#[test]
fn empty_and_bare_documents_are_errors_not_panics() {
    let t = Scratch::new("empty");
    for (name, text) in [("empty.yaml", ""), ("bare.yaml", "document:\n")] {
        let input = t.write(name, text);
        let out = t.path("x.pdf");
        for args in [
            vec!["build", s(&input), "-o", s(&out)],
            vec!["check", s(&input)],
        ] {
            let cmd = args[0];
            let o = t.run(&args);
            assert_code(&o, 1);
            let err = stderr(&o);
            assert!(!err.contains("panicked"), "{name} {cmd}: {err}");
            assert!(
                err.contains(s(&input)) && err.contains("error:"),
                "{name} {cmd}: {err}"
            );
        }
    }
    assert!(!t.path("x.pdf").exists());
}

#[test]
fn schema_prints_the_committed_schema() {
    let t = Scratch::new("schema");
    let o = t.run(&["schema"]);
    assert_code(&o, 0);
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let committed = fs::read_to_string(root.join("schema/disclosure.schema.json")).unwrap();
    assert!(
        stdout(&o) == committed,
        "schema/disclosure.schema.json is out of date: run `cargo run --release -- schema > schema/disclosure.schema.json`"
    );
}

/// Every document in the repository names the schema on its first line, the
/// modeline yaml-language-server reads, with a path that reaches the file.
#[test]
fn documents_start_with_the_schema_modeline() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let schema = fs::canonicalize(root.join("schema/disclosure.schema.json")).unwrap();
    let mut seen = 0;
    for dir in ["data", "examples"] {
        for entry in fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let text = fs::read_to_string(&path).unwrap();
            let first = text.lines().next().unwrap_or("");
            let target = first
                .strip_prefix("# yaml-language-server: $schema=")
                .unwrap_or_else(|| panic!("{}: first line is {first:?}", path.display()));
            let resolved = fs::canonicalize(path.parent().unwrap().join(target));
            assert_eq!(resolved.ok().as_ref(), Some(&schema), "{}", path.display());
            seen += 1;
        }
    }
    assert!(seen >= 4, "{seen} documents");
}

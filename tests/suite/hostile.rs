//! Hostile and extreme input: each gives a correct PDF or a clear error, in bounded
//! time, never a panic or a hang. Large inputs are generated here, small ones live
//! in `tests/fixtures/`.

use crate::common::*;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the binary, killing it if it takes longer than `limit` (a hang is a failure).
fn run_bounded(t: &Scratch, args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .current_dir(&t.0)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("{args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

const LIMIT: Duration = Duration::from_secs(120);

fn with_content(content_block: &str) -> String {
    MINIMAL.replace("content: 本文", &format!("content: |\n{content_block}"))
}

fn assert_builds(name: &str, yaml: &str, min_pages: usize) {
    let t = Scratch::new(name);
    t.write("in.yaml", yaml);
    let o = run_bounded(&t, &["build", "in.yaml", "-o", "out.pdf"], LIMIT);
    assert_code(&o, 0);
    let pages: usize = stdout(&o)
        .split(" (")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(pages >= min_pages, "{name}: {pages} pages");
    assert!(
        std::fs::read(t.path("out.pdf"))
            .unwrap()
            .starts_with(b"%PDF-1.7")
    );
}

#[test]
fn one_unbroken_string_of_100000_characters() {
    assert_builds(
        "unbroken-latin",
        &with_content(&format!("          {}\n", "x".repeat(100_000))),
        20,
    );
    assert_builds(
        "unbroken-kana",
        &with_content(&format!("          {}\n", "あ".repeat(100_000))),
        20,
    );
}

#[test]
fn an_item_of_2000_lines() {
    let lines: String = (0..2000)
        .map(|i| format!("          行{i}：https://example.com/{i}\n"))
        .collect();
    assert_builds("2000-lines", &with_content(&lines), 40);
}

#[test]
fn ten_thousand_items() {
    let items: String = (1..=10_000)
        .map(|i| format!("      - no: {i}\n        title: 項目{i}\n        content: 内容{i}\n"))
        .collect();
    let yaml = MINIMAL.split("      - no: 1").next().unwrap().to_string() + &items;
    assert_builds("10k-items", &yaml, 300);
}

#[test]
fn an_overlong_category_title_is_refused_before_any_layout() {
    // A title far past the limit, over many pages: laid out, it would be drawn
    // again on every page of its category (gigabytes); checked first, it fails fast.
    let items: String = (1..=3_000)
        .map(|i| format!("      - no: {i}\n        title: 項目\n        content: 内容\n"))
        .collect();
    let yaml = MINIMAL
        .split("      - no: 1")
        .next()
        .unwrap()
        .replace("title: 暗号", &format!("title: {}", "暗".repeat(1_000_000)))
        + &items;
    let t = Scratch::new("long-label");
    t.write("in.yaml", &yaml);
    let start = Instant::now();
    assert_refused(
        &t,
        "in.yaml",
        "the category title is 1000000 characters; at most 100",
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn a_10_mb_file_is_read_and_a_larger_one_refused() {
    let t = Scratch::new("size");
    t.write(
        "ten.yaml",
        &format!("{MINIMAL}# {}\n", "x".repeat(10 * 1024 * 1024)),
    );
    assert_code(
        &run_bounded(&t, &["build", "ten.yaml", "-o", "ten.pdf"], LIMIT),
        0,
    );
    t.write(
        "big.yaml",
        &format!("{MINIMAL}# {}\n", "x".repeat(65 * 1024 * 1024)),
    );
    assert_refused(&t, "big.yaml", "at most 64 MB is read");
}

/// Builds `input` in `t`, which must fail with `message` on stderr and leave no PDF.
fn assert_refused(t: &Scratch, input: &str, message: &str) {
    let o = run_bounded(t, &["build", input, "-o", "refused.pdf"], LIMIT);
    assert_code(&o, 1);
    assert!(stderr(&o).contains(message), "{}", stderr(&o));
    assert!(!t.path("refused.pdf").exists());
}

#[test]
fn deeply_nested_brackets_fail_fast() {
    let t = Scratch::new("deep");
    t.write("deep.yaml", &format!("document: {}\n", "[".repeat(100_000)));
    let start = Instant::now();
    let o = run_bounded(&t, &["check", "deep.yaml"], LIMIT);
    assert_code(&o, 1);
    assert!(
        stderr(&o).starts_with("deep.yaml:1:211: error: brackets nest more than 200 levels deep")
    );
    assert!(start.elapsed() < Duration::from_secs(30));
}

#[test]
fn every_fixture_gives_a_pdf_or_a_clear_error_and_never_panics() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let t = Scratch::new("fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        for command in ["check", "build"] {
            let o = run_bounded(
                &t,
                &[command, s(&path), "-o", "out.pdf"][..if command == "check" { 2 } else { 4 }],
                LIMIT,
            );
            let err = stderr(&o);
            assert!(!err.contains("panicked"), "{}: {err}", path.display());
            match o.status.code() {
                Some(0) => {}
                // An error names the file, first thing.
                Some(1) => assert!(err.starts_with(s(&path)), "{}: {err}", path.display()),
                other => panic!("{}: exit {other:?}: {err}", path.display()),
            }
        }
        seen += 1;
    }
    assert!(seen >= 15);
}

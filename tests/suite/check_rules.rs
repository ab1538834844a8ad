//! One small bad input per validation rule: `check` and `build` must report the
//! exact line (file, line, column, message) and exit code.

use crate::common::*;

/// (name, YAML, exit code, the first line of stderr).
fn cases() -> Vec<(&'static str, String, i32, &'static str)> {
    let base = MINIMAL.to_string();
    let two = format!("{base}      - no: 2\n        title: 鍵の管理\n        content: 本文\n");
    let r = |from: &str, to: &str| base.replace(from, to);
    vec![
        (
            "unclosed_link",
            r(
                "content: 本文",
                "content: \"詳細は[当社サイト(https://corp.example.jp/)\"",
            ),
            1,
            "unclosed_link.yaml:13:22: error: item No. 1 (content): the \"[\" of a link is not closed; write [link text](https://…), or \\[ for a literal bracket",
        ),
        (
            "too_many_cells",
            r(
                "content: 本文",
                "content: |\n          | 用語 | 説明 |\n          |---|---|\n          | a | b | c |",
            ),
            1,
            "too_many_cells.yaml:16:11: error: item No. 1 (content): this table row has 3 cells but the header row has 2; remove a cell, add a header, or write \\| for a literal bar",
        ),
        (
            "undeclared_column",
            r("content: 本文", "content: 本文\n        kind: 事業所・事業"),
            1,
            "undeclared_column.yaml:14:9: error: item No. 1: unknown field `kind`, expected one of `no`, `title`, `control`, `content`; a column of the document's own must be declared under columns:",
        ),
        (
            "missing_picture",
            r(
                "content: 本文",
                "content: |\n          図：\n          ![構成図](images/none.png)",
            ),
            1,
            "missing_picture.yaml:15:18: error: item No. 1 (content): the picture \"images/none.png\" was not found at images/none.png; a picture's path is relative to the YAML file's folder",
        ),
        (
            "syntax",
            "document:\n  id: demo\n  - x\n".into(),
            1,
            "syntax.yaml:3:3: error: did not find expected key",
        ),
        (
            "unterminated",
            "document:\n  id: 'demo\n".into(),
            1,
            "unterminated.yaml:3:1: error: found unexpected end of stream",
        ),
        (
            "wrong_type",
            r("- no: 1", "- no: [1]"),
            1,
            "wrong_type.yaml:11:13: error: categories[0].items[0].no: invalid type: sequence, expected a whole number (12) or an identifier in quotes (\"8.6\")",
        ),
        (
            "unknown_key",
            r("content: 本文", "contnet: 本文"),
            1,
            "unknown_key.yaml:13:9: error: item No. 1: unknown field `contnet`, expected one of `no`, `title`, `control`, `content`; did you mean `content`?",
        ),
        (
            "missing_field",
            r("  issuer: 株式会社サンプル\n", ""),
            1,
            "missing_field.yaml:2:3: error: document: missing field `issuer`",
        ),
        (
            "empty_title",
            r("title: 暗号技術の利用", "title: \"\""),
            1,
            "empty_title.yaml:12:16: error: item No. 1 has an empty title",
        ),
        (
            "empty_content",
            r("content: 本文", "content: \"  \""),
            1,
            "empty_content.yaml:13:18: error: item No. 1 has empty content",
        ),
        (
            "bad_id",
            r("id: demo", "id: Demo_1"),
            1,
            "bad_id.yaml:2:7: error: document.id \"Demo_1\" must be lower-case letters, digits and '-', starting with a letter or digit (e.g. \"kamiless\")",
        ),
        (
            "bad_date",
            r("date: 2026-11-25", "date: 2026-02-30"),
            1,
            "bad_date.yaml:7:9: error: document.date \"2026-02-30\" is not a real date in the form YYYY-MM-DD (e.g. 2026-11-25)",
        ),
        (
            "duplicate_no",
            two.replace("- no: 2", "- no: 1"),
            1,
            "duplicate_no.yaml:14:13: error: item No. 1 appears more than once; numbers must be unique (or declare the no column with merge: true for sub-rows)",
        ),
        (
            "decreasing_no",
            format!(
                "{}      - no: 3\n        title: 鍵の管理\n        content: 本文\n",
                r("- no: 1", "- no: 5")
            ),
            1,
            "decreasing_no.yaml:14:13: error: item No. 3 comes after No. 5; numbers must increase through the document",
        ),
        (
            "gap",
            two.replace("- no: 2", "- no: 4"),
            0,
            "gap.yaml:14:13: warning: item No. 4 follows No. 1: Nos. 2–3 are missing",
        ),
        (
            "empty_category",
            format!("{base}  - title: 順守\n    items: []\n"),
            1,
            "empty_category.yaml:15:12: error: category \"順守\" has no items",
        ),
        (
            "duplicate_category",
            format!(
                "{base}  - title: 暗号\n    items:\n      - no: 2\n        title: 鍵\n        content: 本文\n"
            ),
            0,
            "duplicate_category.yaml:14:12: warning: category \"暗号\" appears more than once; its items will show under two separate labels",
        ),
        (
            "bad_url",
            r(
                "content: 本文",
                "content: 詳細は https:// example.com を参照",
            ),
            1,
            "bad_url.yaml:13:22: error: item No. 1 (content): the URL \"https://\" has no valid host name (a space after \"://\"?); write it as https://example.com/…",
        ),
        (
            "no_glyph",
            r("content: 本文", "content: 本文😀"),
            1,
            "no_glyph.yaml:13:20: error: the font has no glyph for '😀' (U+1F600), used in item No. 1 (content); replace the character or choose a font that has it (--font/--bold-font)",
        ),
        (
            "radical",
            r("content: 本文", "content: 使⽤します"),
            1,
            "radical.yaml:13:19: error: the font has no glyph for '⽤' (U+2F64), used in item No. 1 (content); it is a Kangxi radical, a copy-paste artifact: replace it with \"用\" (disclosure-pdf fix --write does this)",
        ),
        (
            "zero_width",
            r("content: 本文", "content: 本\u{200B}文"),
            0,
            "zero_width.yaml:13:19: warning: item No. 1 (content): '\\u{200b}' (U+200B) is a zero-width character, a copy-paste artifact; remove it (disclosure-pdf fix does)",
        ),
        (
            "tab",
            r("content: 本文", "content: \"本\\t文\""),
            1,
            "tab.yaml:13:18: error: the font has no glyph for '\\t' (U+0009), used in item No. 1 (content); it is a tab, a copy-paste artifact: replace it with \" \" (disclosure-pdf fix --write does this)",
        ),
        (
            "control",
            r("content: 本文", "content: \"本\\u0007文\""),
            1,
            "control.yaml:13:18: error: the font has no glyph for '\\u{7}' (U+0007), used in item No. 1 (content); it is a control character, a copy-paste artifact: remove it (disclosure-pdf fix --write does this)",
        ),
        (
            "trailing_space",
            r(
                "content: 本文",
                "content: |\n          本文  \n          次",
            ),
            0,
            "trailing_space.yaml:14:11: warning: item No. 1 (content): 1 line ends with spaces; remove them (disclosure-pdf fix does)",
        ),
        (
            "long_title",
            r(
                "title: 暗号技術の利用",
                &format!("title: {}", "長".repeat(201)),
            ),
            1,
            "long_title.yaml:12:16: error: item No. 1 has a title of 201 characters; at most 200 fit the item column (put details in the content)",
        ),
        (
            "stale_revision",
            format!(
                "{base}revisions:\n  - version: \"0.9\"\n    date: 2026-01-01\n    changes: 初版\n"
            ),
            1,
            "stale_revision.yaml:6:12: error: document.version/date (1.0 2026-11-25) must match the newest revision (0.9 2026-01-01); add a revision entry or update the document",
        ),
        (
            "not_utf8",
            "document:\n  id: \"a\u{FFFD}\"\n".replace('\u{FFFD}', "\u{1}"),
            1,
            "not_utf8.yaml:2:9: error: byte 0xE9 is not UTF-8; save the file as UTF-8 (not Shift_JIS or UTF-16)",
        ),
        (
            "empty_file",
            "\n\n".into(),
            1,
            "empty_file.yaml: error: the file is empty; it needs `document:` and `categories:` (see the README for the format)",
        ),
    ]
}

#[test]
fn check_and_build_report_each_rule_exactly() {
    let t = Scratch::new("rules");
    for (name, yaml, code, expected) in cases() {
        let file = format!("{name}.yaml");
        let path = t.write(&file, &yaml);
        if name == "not_utf8" {
            // Not expressible as a Rust string: write the Latin-1 byte directly.
            let mut bytes = yaml.into_bytes();
            let at = bytes.iter().position(|&b| b == 1).unwrap();
            bytes[at] = 0xE9;
            std::fs::write(&path, bytes).unwrap();
        }
        for command in ["check", "build"] {
            let o =
                t.run(&[command, &file, "-o", "out.pdf"][..if command == "check" { 2 } else { 4 }]);
            let err = stderr(&o);
            assert_eq!(o.status.code(), Some(code), "{name} ({command}): {err}");
            assert_eq!(
                err.lines().next().unwrap_or(""),
                expected,
                "{name} ({command})"
            );
            assert!(!err.contains("panicked"), "{name}");
        }
        assert_eq!(
            t.path("out.pdf").exists(),
            code == 0,
            "{name}: a PDF only when the input is good"
        );
        let _ = std::fs::remove_file(t.path("out.pdf"));
    }
}

#[test]
fn check_reports_every_problem_not_just_the_first() {
    let t = Scratch::new("all");
    let yaml = MINIMAL
        .replace("id: demo", "id: Demo")
        .replace("date: 2026-11-25", "date: 2026-13-01")
        .replace("content: 本文", "content: 使⽤します");
    t.write("all.yaml", &yaml);
    let o = t.run(&["check", "all.yaml"]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 3, "{err}");
    assert!(
        err.lines()
            .all(|l| l.starts_with("all.yaml:") && l.contains(": error: ")),
        "{err}"
    );
}

#[test]
fn fix_rewrites_only_the_artifacts_atomically() {
    let t = Scratch::new("fix");
    let yaml = format!(
        "# 使⽤ (comment kept)\n{}",
        MINIMAL.replace(
            "content: 本文",
            "content: |\n          使⽤する︓長\u{200B}い  \n          ⻑期"
        )
    );
    let path = t.write("f.yaml", &yaml);
    // Something to fix: the diff, and exit 1 so that CI can gate on it.
    let o = t.run(&["fix", "f.yaml"]);
    assert_code(&o, 1);
    let diff = stdout(&o);
    assert!(
        diff.contains("-          使⽤する︓長\u{200B}い  \n+          使用する：長い\n"),
        "{diff}"
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        yaml,
        "no --write: file untouched"
    );
    assert_code(&t.run(&["fix", "f.yaml", "--write"]), 0);
    let fixed = std::fs::read_to_string(&path).unwrap();
    // Values only: the comment keeps its ⽤.
    let (comment, body) = yaml.split_once('\n').unwrap();
    let body = body
        .replace('⽤', "用")
        .replace('︓', "：")
        .replace('\u{200B}', "")
        .replace("い  \n", "い\n")
        .replace('⻑', "長");
    assert_eq!(fixed, format!("{comment}\n{body}"));
    assert_eq!(listing(&t.0), ["f.yaml"], "no temporary file left");
    assert_code(&t.run(&["check", "f.yaml"]), 0);
    // Clean now: exit 0.
    let o = t.run(&["fix", "f.yaml"]);
    assert_code(&o, 0);
    assert!(stderr(&o).contains("nothing to fix"), "{}", stderr(&o));
}

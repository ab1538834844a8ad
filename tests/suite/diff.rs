//! `diff`: two versions of a document compared from the command line, as files
//! and as git revisions; exit codes like diff(1).

use crate::common::*;
use std::fs;
use std::process::Command;

/// The default document with item 5's text edited in the middle of a sentence,
/// item 20 deleted, a new item 39 at the end, item 12 moved after it as No. 40
/// and the preface changed.
fn edited() -> String {
    let text = fs::read_to_string(default_input()).unwrap();
    let text = text.replacen(
        "基準ですべてのお客様データ",
        "基準で、すべてのお客様データ",
        1,
    );
    let (start, end) = (
        text.find("      - no: 20\n").unwrap(),
        text.find("      - no: 21\n").unwrap(),
    );
    let text = format!("{}{}", &text[..start], &text[end..]);
    let (start, end) = (
        text.find("      - no: 12\n").unwrap(),
        text.find("      - no: 13\n").unwrap(),
    );
    let moved = text[start..end].replacen("- no: 12", "- no: 40", 1);
    let text = format!("{}{}", &text[..start], &text[end..]);
    let text = text.replacen(
        "提供するサービスです。",
        "提供するクラウドサービスです。",
        1,
    );
    format!("{text}      - no: 39\n        title: 新設の項目\n        content: 新しい内容\n{moved}")
}

#[test]
fn a_file_against_itself_exits_0_with_no_rows() {
    let t = Scratch::new("diff_same");
    let input = default_input();
    let o = t.run(&["diff", s(&input), s(&input)]);
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        "1.0 (2026-11-25) → 1.0 (2026-11-25)\n0 document field(s), 0 changed, 0 added, 0 removed, 0 moved\n"
    );
    let o = t.run(&["diff", "--json", s(&input), s(&input)]);
    assert_code(&o, 0);
    assert_eq!(
        stdout(&o),
        "{\"old\":{\"version\":\"1.0\",\"date\":\"2026-11-25\"},\"new\":{\"version\":\"1.0\",\"date\":\"2026-11-25\"},\"document\":[],\"changed\":[],\"added\":[],\"removed\":[],\"moved\":[]}\n"
    );
}

#[test]
fn two_versions_give_the_summary_and_exit_1() {
    let t = Scratch::new("diff_two");
    let new = t.write("new.yaml", &edited());
    let old = default_input();
    let o = t.run(&["diff", "--json", s(&old), s(&new)]);
    assert_code(&o, 1);
    let json: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(
        json,
        serde_json::json!({
            "old": {"version": "1.0", "date": "2026-11-25"},
            "new": {"version": "1.0", "date": "2026-11-25"},
            "document": ["preface"],
            "changed": [{"no": 5, "title": "目録の中で維持される資産の管理", "fields": ["content"]}],
            "added": [{"no": 39, "title": "新設の項目"}],
            "removed": [{"no": 20, "title": "容量・能力の監視"}],
            // Moved to the end, into the last category.
            "moved": [{"from": 12, "to": 40, "title": "秘密認証情報の管理", "fields": ["category"]}],
        })
    );
    let o = t.run(&["diff", s(&old), s(&new)]);
    assert_code(&o, 1);
    let stat = stdout(&o);
    let lines: Vec<&str> = stat.lines().collect();
    assert_eq!(lines[1], "  changed  document.preface");
    // In the new document's order, the removed item where it stood.
    assert_eq!(
        lines[2],
        "  changed  No. 5 目録の中で維持される資産の管理 (content)"
    );
    assert_eq!(lines[3], "  removed  No. 20 容量・能力の監視");
    assert_eq!(lines[4], "  added    No. 39 新設の項目");
    assert_eq!(
        lines[5],
        "  moved    No. 12 → No. 40 秘密認証情報の管理 (category)"
    );
    assert_eq!(
        lines[6],
        "1 document field(s), 1 changed, 1 added, 1 removed, 1 moved"
    );
}

#[test]
fn versions_come_from_git_revisions() {
    let t = Scratch::new("diff_git");
    let git = |args: &[&str]| {
        let o = Command::new("git")
            .args(args)
            .current_dir(&t.0)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@example.jp")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@example.jp")
            .output()
            .expect("git runs");
        assert!(o.status.success(), "git {args:?}: {}", stderr(&o));
    };
    git(&["init", "-q"]);
    t.write("doc.yaml", &fs::read_to_string(default_input()).unwrap());
    git(&["add", "doc.yaml"]);
    git(&["commit", "-q", "-m", "v1"]);
    t.write("doc.yaml", &edited());
    git(&["commit", "-q", "-a", "-m", "v2"]);

    let o = t.run(&["diff", "--json", "HEAD~1:doc.yaml", "HEAD:doc.yaml"]);
    assert_code(&o, 1);
    assert!(
        stdout(&o).contains("\"removed\":[{\"no\":20,"),
        "{}",
        stdout(&o)
    );
    // A revision against the working tree, and ./PATH relative to here.
    let o = t.run(&["diff", "HEAD~1:./doc.yaml", "doc.yaml"]);
    assert_code(&o, 1);
    let o = t.run(&["diff", "HEAD:doc.yaml", "doc.yaml"]);
    assert_code(&o, 0);

    // The release guard against a bare revision: this file as it was there.
    let o = t.run(&["check", "doc.yaml", "--against", "HEAD~1"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("document.version is still"),
        "{}",
        stderr(&o)
    );
    let o = t.run(&["check", "doc.yaml", "--against", "HEAD"]);
    assert_code(&o, 0);

    // A revision that does not exist: exit 2, named as given, with what to do.
    let o = t.run(&["diff", "v9:doc.yaml", "doc.yaml"]);
    assert_code(&o, 2);
    let err = stderr(&o);
    assert!(
        err.starts_with("v9:doc.yaml: error: git cannot show it: "),
        "{err}"
    );
    assert!(err.contains("does the revision exist"), "{err}");
}

#[test]
fn errors_exit_2_and_name_the_version_at_fault() {
    let t = Scratch::new("diff_errors");
    let input = default_input();
    let o = t.run(&["diff", s(&input), "missing.yaml"]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).starts_with("missing.yaml: cannot read the input"),
        "{}",
        stderr(&o)
    );
    let bad = t.write(
        "bad.yaml",
        &MINIMAL.replace("content: 本文", "contnet: 本文"),
    );
    let o = t.run(&["diff", s(&bad), s(&input)]);
    assert_code(&o, 2);
    assert!(
        stderr(&o).contains("bad.yaml:13:9: error: item No. 1: unknown field `contnet`"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_release_guard_wants_a_new_version_and_an_entry_naming_the_changes() {
    let t = Scratch::new("diff_guard");
    let old = t.write("old.yaml", &fs::read_to_string(default_input()).unwrap());
    // Same version, different content: refused, with what to do.
    let same = t.write("same.yaml", &edited());
    let o = t.run(&["check", s(&same), "--against", s(&old)]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(err.contains("same.yaml: error: the content differs from the old version (5 change(s)) but document.version is still \"1.0\""), "{err}");

    // A new version: diff --revision writes the entry the guard accepts.
    let bumped = edited()
        .replacen("version: \"1.0\"", "version: \"1.1\"", 1)
        .replacen("date: 2026-11-25", "date: 2027-04-01", 1);
    let new = t.write("new.yaml", &bumped);
    let o = t.run(&["diff", "--revision", s(&old), s(&new)]);
    assert_code(&o, 1);
    let entry = stdout(&o);
    assert_eq!(
        entry,
        "  - version: \"1.1\"\n    date: 2027-04-01\n    changes: |\n      前書きを変更\n      No.5 目録の中で維持される資産の管理を変更\n      No.20 容量・能力の監視を削除\n      No.39 新設の項目を新設\n      No.12 秘密認証情報の管理をNo.40に移動\n"
    );
    let o = t.run(&["check", s(&new), "--against", s(&old)]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("no revision history saying what changed"),
        "{}",
        stderr(&o)
    );
    let with_entry = t.write("entry.yaml", &format!("{bumped}revisions:\n{entry}"));
    let o = t.run(&["check", s(&with_entry), "--against", s(&old)]);
    assert_code(&o, 0);

    // An entry that leaves one out names it.
    let partial = entry.replace("      No.20 容量・能力の監視を削除\n", "");
    let forgot = t.write("forgot.yaml", &format!("{bumped}revisions:\n{partial}"));
    let o = t.run(&["check", s(&forgot), "--against", s(&old)]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("does not mention 1 of the changed items: No. 20;"),
        "{}",
        stderr(&o)
    );
}

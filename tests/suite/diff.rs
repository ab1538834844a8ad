//! `diff`: two versions of a document compared from the command line, as files
//! and as git revisions; exit codes like diff(1).

use crate::common::*;
use std::fs;
use std::process::Command;

/// The default document with item 5's text edited in the middle of a sentence,
/// item 17's list gaining a line, item 20 deleted, a new item 39 at the end,
/// item 12 moved after it as No. 40 and the preface changed.
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
    // Item 17's list gains a line.
    let text = text.replacen(
        "          ・サーバのOSのハードニングや",
        "          ・脆弱性スキャンを毎月実施しています。\n          ・サーバのOSのハードニングや",
        1,
    );
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
            "changed": [
                {"no": 5, "title": "目録の中で維持される資産の管理", "fields": ["content"]},
                {"no": 17, "title": "仮想マシンの設定", "fields": ["content"]},
            ],
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
    assert_eq!(lines[3], "  changed  No. 17 仮想マシンの設定 (content)");
    assert_eq!(lines[4], "  removed  No. 20 容量・能力の監視");
    assert_eq!(lines[5], "  added    No. 39 新設の項目");
    assert_eq!(
        lines[6],
        "  moved    No. 12 → No. 40 秘密認証情報の管理 (category)"
    );
    assert_eq!(
        lines[7],
        "1 document field(s), 2 changed, 1 added, 1 removed, 1 moved"
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
    assert!(err.contains("same.yaml: error: the content differs from the old version (6 change(s)) but document.version is still \"1.0\""), "{err}");

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
        "revisions:\n  - version: \"1.1\"\n    date: 2027-04-01\n    changes: |\n      前書きを変更\n      No.5 目録の中で維持される資産の管理を変更\n      No.17 仮想マシンの設定を変更\n      No.20 容量・能力の監視を削除\n      No.39 新設の項目を新設\n      No.12 秘密認証情報の管理をNo.40に移動\n"
    );
    let o = t.run(&["check", s(&new), "--against", s(&old)]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("no revision history saying what changed"),
        "{}",
        stderr(&o)
    );
    let with_entry = t.write("entry.yaml", &format!("{bumped}{entry}"));
    let o = t.run(&["check", s(&with_entry), "--against", s(&old)]);
    assert_code(&o, 0);

    // An entry that leaves one out names it.
    let partial = entry.replace("      No.20 容量・能力の監視を削除\n", "");
    let forgot = t.write("forgot.yaml", &format!("{bumped}{partial}"));
    let o = t.run(&["check", s(&forgot), "--against", s(&old)]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("does not mention 1 of the changed items: No. 20;"),
        "{}",
        stderr(&o)
    );

    // The next release: a history exists, the version moves on before its
    // entry is written; --revision still prints one (the entry alone).
    let next = fs::read_to_string(&with_entry)
        .unwrap()
        .replacen("version: \"1.1\"", "version: \"1.2\"", 1)
        .replacen("  date: 2027-04-01", "  date: 2027-10-01", 1)
        .replacen("新しい内容", "新しい内容を改訂", 1);
    let next = t.write("next.yaml", &next);
    let o = t.run(&["diff", "--revision", s(&with_entry), s(&next)]);
    assert_code(&o, 1);
    assert!(
        stdout(&o).starts_with("  - version: \"1.2\"\n    date: 2027-10-01\n"),
        "{}",
        stdout(&o)
    );
    // ... and the guard wants it.
    let o = t.run(&["check", s(&next), "--against", s(&with_entry)]);
    assert_code(&o, 1);
    // A missing old file is a missing file, not a revision.
    let o = t.run(&["check", s(&next), "--against", "nosuch.yaml"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).starts_with("nosuch.yaml: cannot read the input"),
        "{}",
        stderr(&o)
    );
}

/// The comparison of the default document and its edited version, as the
/// table engine lays it out.
fn comparison() -> (
    disclosure_pdf::model::Document,
    disclosure_pdf::layout::Layout,
) {
    use disclosure_pdf::compare::{compare, document};
    use disclosure_pdf::layout::{Orientation, Style, layout_document};
    let old = disclosure_pdf::read(&default_input(), &Default::default()).unwrap();
    let new = disclosure_pdf::check_text(
        std::path::Path::new("new.yaml"),
        &edited(),
        &Default::default(),
    )
    .unwrap();
    let c = compare(&old.document, &new.document);
    let doc = document::comparison_document(&c, &old.document, &new.document, Default::default());
    let layout = layout_document(&doc, &new.fonts, &Style::a4(Orientation::Landscape)).unwrap();
    (doc, layout)
}

#[test]
fn the_comparison_has_a_row_per_change_in_order_with_new_and_deleted_marks() {
    let (doc, _) = comparison();
    let mut nos: Vec<String> = doc.items().map(|(_, i)| i.no.to_string()).collect();
    nos.dedup();
    assert_eq!(nos, ["—", "5", "17", "20", "39", "12→40"]);
    let rows: Vec<_> = doc.items().map(|(_, i)| i).collect();
    let added = rows.iter().find(|i| i.no.to_string() == "39").unwrap();
    assert_eq!(added.cells["old"], "（新設）");
    let removed = rows.iter().find(|i| i.no.to_string() == "20").unwrap();
    assert_eq!(removed.content, "（削除）");
    let labels: Vec<String> = doc.columns().into_iter().map(|c| c.label).collect();
    assert_eq!(labels, ["分類", "No.", "項目", "変更前", "変更後"]);
}

#[test]
fn underlines_cover_exactly_the_changed_phrases() {
    use disclosure_pdf::layout::Element;
    let (_, layout) = comparison();
    let grid = [layout.style.grid_width, layout.style.frame_width];
    // Every underline rule, and the text of the runs standing on it.
    let mut underlined: Vec<String> = Vec::new();
    for page in &layout.pages {
        for e in &page.elements {
            let Element::Rule {
                from, to, width, ..
            } = e
            else {
                continue;
            };
            if from.1 != to.1 || grid.contains(width) {
                continue; // the table's rules
            }
            let text: String = page
                .runs()
                .filter(|r| {
                    r.x >= from.0 && r.x + r.width <= to.0 + disclosure_pdf::units::Pt(0.01)
                })
                .filter(|r| from.1 > r.baseline && from.1 < r.baseline + r.size * 0.2)
                .map(|r| r.text())
                .collect();
            assert!(!text.is_empty(), "an underline under nothing at {from:?}");
            // The rule spans its runs exactly: from the first one's left edge.
            underlined.push(text);
        }
    }
    // Item 5: the phrase with the added comma, in both columns.
    assert!(
        underlined
            .iter()
            .any(|t| t.contains("基準で") && !t.contains('、')),
        "{underlined:?}"
    );
    assert!(
        underlined.iter().any(|t| t.contains("基準で、")),
        "{underlined:?}"
    );
    // Item 17: the new list line, whole and alone.
    // (the list marker is not underlined: the line stays a list entry).
    assert!(
        underlined
            .iter()
            .any(|t| t == "脆弱性スキャンを毎月実施しています。"),
        "{underlined:?}"
    );
    assert!(
        !underlined.iter().any(|t| t.contains("ハードニング")),
        "{underlined:?}"
    );
    // The preface: the changed phrase only, not the sentence.
    assert!(
        underlined
            .iter()
            .any(|t| t.contains("クラウドサービスです。")),
        "{underlined:?}"
    );
    assert!(
        !underlined.iter().any(|t| t.contains("株式会社オプロ")),
        "{underlined:?}"
    );
    // The new item's text is underlined whole, its （新設） mark is not.
    assert!(
        underlined.iter().any(|t| t.contains("新しい内容")),
        "{underlined:?}"
    );
    assert!(
        !underlined
            .iter()
            .any(|t| t.contains("（新設）") || t.contains("（削除）")),
        "{underlined:?}"
    );
}

#[test]
fn diff_writes_the_comparison_pdf() {
    let t = Scratch::new("diff_pdf");
    let new = t.write("new.yaml", &edited());
    let out = t.path("cmp.pdf");
    let o = t.run(&["diff", s(&default_input()), s(&new), "-o", s(&out)]);
    assert_code(&o, 1);
    let pdf = fs::read(&out).unwrap();
    assert!(t.path("cmp.pdf.sha256").exists());
    let text: String = drawn_text(&pdf).into_iter().map(|d| d.text).collect();
    for want in [
        "新旧対照表",
        "下線部は変更箇所",
        "No.欄の「12→40」は番号の移動",
        "（新設）",
        "（削除）",
        "変更前",
        "変更後",
        "12→40",
    ] {
        assert!(text.contains(want), "{want} missing");
    }
    // New version left: the columns swap.
    let out2 = t.path("left.pdf");
    let o = t.run(&[
        "diff",
        "--new-left",
        s(&default_input()),
        s(&new),
        "-o",
        s(&out2),
    ]);
    assert_code(&o, 1);
    let text: String = drawn_text(&fs::read(&out2).unwrap())
        .into_iter()
        .map(|d| d.text)
        .collect();
    let header = &text[text.find("下線部は変更箇所").unwrap()..];
    assert!(header.find("変更後").unwrap() < header.find("変更前").unwrap());
    // Labels of one's own.
    let out3 = t.path("labels.pdf");
    let o = t.run(&[
        "diff",
        "--labels",
        "現行,改定案",
        s(&default_input()),
        s(&new),
        "-o",
        s(&out3),
    ]);
    assert_code(&o, 1);
    let text: String = drawn_text(&fs::read(&out3).unwrap())
        .into_iter()
        .map(|d| d.text)
        .collect();
    assert!(text.contains("現行：第1.0版") && text.contains("改定案") && !text.contains("変更前"));
    for bad in ["現行", "現行,改定案,x"] {
        let o = t.run(&["diff", "--labels", bad, s(&default_input()), s(&new)]);
        assert_code(&o, 2);
    }
    // The same version twice: exit 0 and no comparison written.
    let same = t.path("same.pdf");
    let o = t.run(&[
        "diff",
        s(&default_input()),
        s(&default_input()),
        "-o",
        s(&same),
    ]);
    assert_code(&o, 0);
    assert!(!same.exists());
    assert!(
        stderr(&o).contains("the two versions say the same"),
        "{}",
        stderr(&o)
    );
}

/// The comparison PDF is tagged like the main document, and each of its
/// cells reads back, through the structure tree, exactly as the comparison
/// says (the underline markers print as nothing).
#[test]
fn the_comparison_pdf_is_tagged_and_its_cells_read_back_exactly() {
    use crate::tagged::{check_marked_content, check_parent_tree, marked_text, read};
    use disclosure_pdf::compare::{compare, document};
    use disclosure_pdf::model::markup::printed_text;
    let old = disclosure_pdf::read(&default_input(), &Default::default()).unwrap();
    let new = disclosure_pdf::check_text(
        std::path::Path::new("new.yaml"),
        &edited(),
        &Default::default(),
    )
    .unwrap();
    let c = compare(&old.document, &new.document);
    let doc = document::comparison_document(&c, &old.document, &new.document, Default::default());
    let expected: Vec<(String, String)> = doc
        .items()
        .map(|(_, i)| {
            (
                squash(&printed_text(&i.cells["old"])),
                squash(&printed_text(&i.content)),
            )
        })
        .collect();
    let input = disclosure_pdf::Checked {
        path: "new.yaml".into(),
        document: doc,
        fonts: new.fonts,
        warnings: Vec::new(),
    };
    let pdf = disclosure_pdf::build_pdf(&input, &Default::default())
        .unwrap()
        .bytes;
    let t = read(&pdf);
    check_marked_content(&t);
    check_parent_tree(&t);
    let drawn = marked_text(&pdf);
    let table = t.root.children().find(|e| e.role == "Table").unwrap();
    let body = table.children().nth(1).unwrap();
    let got: Vec<(String, String)> = body
        .children()
        .map(|tr| {
            let cells: Vec<String> = tr.children().map(|td| td.text(&drawn)).collect();
            let n = cells.len();
            (cells[n - 2].clone(), cells[n - 1].clone())
        })
        .collect();
    assert_eq!(got, expected);
}

/// A removed item whose one paragraph is longer than a page: its 変更前 cell
/// (which cannot split inside a row) goes on in further rows, cut after
/// sentences, and nothing runs past the page's body.
#[test]
fn a_paragraph_longer_than_a_page_stays_on_the_pages() {
    use disclosure_pdf::compare::{compare, document};
    use disclosure_pdf::layout::{Orientation, Style, layout_document};
    let long = "保存データは暗号化され、鍵は専用の鍵管理サービスで保護されています。".repeat(120);
    let old_text = MINIMAL.replace("content: 本文", &format!("content: {long}"));
    let old = disclosure_pdf::check_text(
        std::path::Path::new("old.yaml"),
        &old_text,
        &Default::default(),
    )
    .unwrap();
    let new_text = old_text.replace(&format!("content: {long}"), "content: 本文");
    let new = disclosure_pdf::check_text(
        std::path::Path::new("new.yaml"),
        &new_text,
        &Default::default(),
    )
    .unwrap();
    let c = compare(&old.document, &new.document);
    let doc = document::comparison_document(&c, &old.document, &new.document, Default::default());
    let style = Style::a4(Orientation::Landscape);
    let layout = layout_document(&doc, &new.fonts, &style).unwrap();
    assert!(layout.pages.len() >= 2);
    for (p, page) in layout.pages.iter().enumerate() {
        for run in page.runs() {
            let footer = run.size < disclosure_pdf::units::Pt(8.0);
            assert!(
                footer || run.baseline <= style.body_bottom(),
                "page {p}: text below the body at {:?}",
                run.baseline
            );
        }
    }
    let printed: String = doc
        .items()
        .map(|(_, i)| disclosure_pdf::model::markup::printed_text(&i.cells["old"]))
        .collect();
    assert_eq!(squash(&printed), squash(&long));
}

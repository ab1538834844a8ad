//! Release-grade output: reproducible bytes, metadata, outline, draft marking,
//! PDF/A structure, manifests, JSON and batch builds. Runs the built binary.

use crate::common::*;
use lopdf::{Dictionary, Document, Object};
use std::fs;
use std::path::Path;
use std::process::Command;

fn load(p: &Path) -> Document {
    Document::load(p).unwrap()
}

fn info(doc: &Document) -> &Dictionary {
    let id = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    doc.get_dictionary(id).unwrap()
}

/// A PDF text string decoded (UTF-16BE with BOM, or PDFDocEncoding ASCII).
fn text(o: &Object) -> String {
    let b = o.as_str().unwrap();
    if b.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = b[2..]
            .chunks(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    } else {
        String::from_utf8(b.to_vec()).unwrap()
    }
}

#[test]
fn same_input_gives_the_same_bytes_whatever_the_environment() {
    let t = Scratch::new("repro");
    let input = default_input();
    let run = |dir: &str, tz: &str, lc: &str| {
        let wd = t.path(dir);
        fs::create_dir_all(&wd).unwrap();
        let out = wd.join("out.pdf");
        let o = Command::new(BIN)
            .args(["build", s(&input), "-o", s(&out)])
            .current_dir(&wd)
            .env("TZ", tz)
            .env("LC_ALL", lc)
            .env_remove("SOURCE_DATE_EPOCH")
            .output()
            .unwrap();
        assert_code(&o, 0);
        fs::read(out).unwrap()
    };
    let a = run("a", "UTC", "C");
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = run("b/deeper", "Asia/Tokyo", "ja_JP.UTF-8");
    assert!(a == b, "two builds differ");
}

#[test]
fn source_date_epoch_sets_the_dates() {
    let t = Scratch::new("epoch");
    let build = |epoch: Option<&str>, name: &str| {
        let out = t.path(name);
        let mut cmd = Command::new(BIN);
        cmd.args(["build", s(&default_input()), "-o", s(&out)]);
        match epoch {
            Some(e) => cmd.env("SOURCE_DATE_EPOCH", e),
            None => cmd.env_remove("SOURCE_DATE_EPOCH"),
        };
        assert_code(&cmd.output().unwrap(), 0);
        let doc = load(&out);
        text(info(&doc).get(b"CreationDate").unwrap())
    };
    let plain = build(None, "plain.pdf");
    assert!(plain.starts_with("D:20261125"), "{plain}");
    let epoch = build(Some("1700000000"), "epoch.pdf");
    assert!(epoch.starts_with("D:20231114"), "{epoch}");
    let bad = t.run(&["build", s(&default_input()), "-o", "x.pdf"]);
    assert_code(&bad, 0);
    let o = Command::new(BIN)
        .args(["build", s(&default_input()), "-o", s(&t.path("y.pdf"))])
        .env("SOURCE_DATE_EPOCH", "yesterday")
        .output()
        .unwrap();
    assert_code(&o, 1);
    assert!(stderr(&o).contains("SOURCE_DATE_EPOCH"));
}

#[test]
fn metadata_outline_and_viewer_settings() {
    let t = Scratch::new("meta");
    let out = t.path("m.pdf");
    assert_code(&t.run(&["build", s(&default_input()), "-o", s(&out)]), 0);
    let doc = load(&out);
    let i = info(&doc);
    assert_eq!(
        text(i.get(b"Title").unwrap()),
        "情報セキュリティに関する情報開示"
    );
    assert_eq!(text(i.get(b"Author").unwrap()), "株式会社オプロ");
    assert_eq!(
        text(i.get(b"Subject").unwrap()),
        "データオプティマイズソリューション（カミレス）"
    );
    assert!(text(i.get(b"Keywords").unwrap()).contains("アクセス制御"));
    let producer = format!("disclosure-pdf {}", env!("CARGO_PKG_VERSION"));
    assert_eq!(text(i.get(b"Producer").unwrap()), producer);
    assert_eq!(text(i.get(b"Creator").unwrap()), producer);

    let catalog = doc.catalog().unwrap();
    assert_eq!(text(catalog.get(b"Lang").unwrap()), "ja-JP");
    let prefs = catalog
        .get(b"ViewerPreferences")
        .unwrap()
        .as_dict()
        .unwrap();
    assert!(prefs.get(b"DisplayDocTitle").unwrap().as_bool().unwrap());
    let xmp_id = catalog.get(b"Metadata").unwrap().as_reference().unwrap();
    let xmp = doc.get_object(xmp_id).unwrap().as_stream().unwrap();
    let xmp = String::from_utf8(xmp.content.clone()).unwrap();
    assert!(
        xmp.contains("情報セキュリティに関する情報開示")
            && xmp.contains("<xmp:CreateDate>2026-11-25T00:00:00Z")
    );

    // Outline: 11 categories, 38 items, each jumping to a page of the document.
    let pages: Vec<_> = doc.get_pages().into_values().collect();
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let mut categories = Vec::new();
    let mut items = Vec::new();
    let mut next = outlines
        .get(b"First")
        .ok()
        .map(|o| o.as_reference().unwrap());
    while let Some(id) = next {
        let c = doc.get_dictionary(id).unwrap();
        categories.push(text(c.get(b"Title").unwrap()));
        let mut child = c.get(b"First").ok().map(|o| o.as_reference().unwrap());
        while let Some(cid) = child {
            let d = doc.get_dictionary(cid).unwrap();
            items.push(text(d.get(b"Title").unwrap()));
            let dest = d.get(b"Dest").unwrap().as_array().unwrap();
            assert!(pages.contains(&dest[0].as_reference().unwrap()));
            child = d.get(b"Next").ok().map(|o| o.as_reference().unwrap());
        }
        next = c.get(b"Next").ok().map(|o| o.as_reference().unwrap());
    }
    assert_eq!(categories.len(), 11);
    assert_eq!(categories[3], "アクセス制御");
    assert_eq!(items.len(), 38);
    assert_eq!(items[4], "No. 5 目録の中で維持される資産の管理");
}

/// Content stream text of page 1, raw (for operators and glyph codes).
fn first_page_content(p: &Path) -> Vec<u8> {
    let doc = load(p);
    let (_, id) = doc.get_pages().into_iter().next().unwrap();
    doc.get_page_content(id)
}

#[test]
fn watermark_only_with_draft_and_draft_file_name() {
    let t = Scratch::new("draft");
    fs::copy(default_input(), t.path("k.yaml")).unwrap();
    let o = t.run(&["build", "k.yaml", "--draft"]);
    assert_code(&o, 0);
    let draft = t.path("output/kamiless-1.0-draft.pdf");
    assert!(draft.exists(), "{}", stdout(&o));
    assert_code(&t.run(&["build", "k.yaml"]), 0);
    let release = t.path("output/kamiless-1.0.pdf");
    // The watermark is set with a rotated text matrix (Tm with a non-zero b).
    let rotated = |p: &Path| {
        let content = lopdf::content::Content::decode(&first_page_content(p)).unwrap();
        content
            .operations
            .iter()
            .any(|op| op.operator == "Tm" && op.operands[1].as_float().is_ok_and(|b| b.abs() > 0.1))
    };
    assert!(rotated(&draft));
    assert!(!rotated(&release));
    let drafted: String = crate::common::drawn_text(&fs::read(&draft).unwrap())
        .into_iter()
        .map(|d| d.text)
        .collect();
    assert!(drafted.contains("ドラフト"));
    let released: String = crate::common::drawn_text(&fs::read(&release).unwrap())
        .into_iter()
        .map(|d| d.text)
        .collect();
    assert!(!released.contains("ドラフト"));
}

#[test]
fn pdfa_output_has_the_required_structure() {
    let t = Scratch::new("pdfa");
    let out = t.path("a.pdf");
    assert_code(
        &t.run(&["build", s(&default_input()), "--pdfa", "-o", s(&out)]),
        0,
    );
    let bytes = fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"%PDF-1.7"));
    // A binary comment right after the header (PDF/A 6.1.2).
    let second_line = bytes.split(|&b| b == b'\n').nth(1).unwrap();
    assert!(
        second_line.len() >= 5
            && second_line[0] == b'%'
            && second_line[1..5].iter().all(|&b| b > 127)
    );
    let doc = load(&out);
    assert!(doc.trailer.get(b"Encrypt").is_err());
    let id = doc.trailer.get(b"ID").unwrap().as_array().unwrap();
    assert_eq!(id.len(), 2);
    let catalog = doc.catalog().unwrap();
    let intents = catalog.get(b"OutputIntents").unwrap().as_array().unwrap();
    let intent = doc
        .get_dictionary(intents[0].as_reference().unwrap())
        .unwrap();
    assert_eq!(intent.get(b"S").unwrap().as_name().unwrap(), b"GTS_PDFA1");
    let profile = doc
        .get_object(
            intent
                .get(b"DestOutputProfile")
                .unwrap()
                .as_reference()
                .unwrap(),
        )
        .unwrap()
        .as_stream()
        .unwrap();
    assert_eq!(profile.dict.get(b"N").unwrap().as_i64().unwrap(), 3);
    let icc = profile
        .decompressed_content()
        .unwrap_or(profile.content.clone());
    assert_eq!(&icc[12..24], b"mntrRGB XYZ ");
    let xmp = doc
        .get_object(catalog.get(b"Metadata").unwrap().as_reference().unwrap())
        .unwrap();
    let xmp = String::from_utf8(xmp.as_stream().unwrap().content.clone()).unwrap();
    assert!(
        xmp.contains("<pdfaid:part>2</pdfaid:part>")
            && xmp.contains("<pdfaid:conformance>B</pdfaid:conformance>")
    );
    for (_, obj) in doc.objects.iter() {
        let Ok(d) = obj.as_dict().or_else(|_| obj.as_stream().map(|s| &s.dict)) else {
            continue;
        };
        let ty = d.get(b"Type").and_then(Object::as_name).ok();
        if ty == Some(b"FontDescriptor".as_slice()) {
            assert!(d.has(b"FontFile2"), "fonts embedded");
        }
        if ty == Some(b"ExtGState".as_slice()) {
            assert!(
                !d.has(b"SMask") && !d.has(b"CA") && !d.has(b"ca"),
                "no transparency"
            );
        }
        if d.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Link".as_slice()) {
            assert_eq!(
                d.get(b"F").unwrap().as_i64().unwrap(),
                4,
                "annotations print"
            );
        }
    }
    // A release build has no PDF/A claim.
    let plain = t.path("p.pdf");
    assert_code(&t.run(&["build", s(&default_input()), "-o", s(&plain)]), 0);
    assert!(
        load(&plain)
            .catalog()
            .unwrap()
            .get(b"OutputIntents")
            .is_err()
    );
}

#[test]
fn json_summary_and_manifest() {
    let t = Scratch::new("json");
    let out = t.path("j.pdf");
    let o = t.run(&["build", s(&default_input()), "-o", s(&out), "--json"]);
    assert_code(&o, 0);
    let v: serde_json::Value = serde_json::from_str(stdout(&o).trim()).unwrap();
    let bytes = fs::read(&out).unwrap();
    assert_eq!(v["path"], s(&out));
    assert_eq!(v["bytes"], bytes.len());
    assert_eq!(v["pages"], 6);
    assert_eq!(v["items"], 38);
    assert_eq!(v["version"], "1.0");
    assert!(v["warnings"].as_array().unwrap().is_empty());
    let manifest = fs::read_to_string(t.path("j.pdf.sha256")).unwrap();
    assert_eq!(
        manifest,
        format!("{}  j.pdf\n", v["sha256"].as_str().unwrap())
    );
    use sha2::Digest;
    let digest: String = sha2::Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v["sha256"], digest);
}

#[test]
fn batch_builds_each_input_and_one_bad_file_fails_only_itself() {
    let t = Scratch::new("batch");
    let good_a = t.write("a.yaml", MINIMAL);
    let good_b = t.write("b.yaml", &MINIMAL.replace("id: demo", "id: other"));
    let bad = t.write("c.yaml", &MINIMAL.replace("content: 本文", "contnet: 本文"));
    let o = t.run(&["build", s(&good_a), s(&bad), s(&good_b), "--json"]);
    assert_code(&o, 1);
    let lines: Vec<serde_json::Value> = stdout(&o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert!(t.path("output/demo-1.0.pdf").exists());
    assert!(t.path("output/other-1.0.pdf").exists());
    assert!(stderr(&o).contains("c.yaml:13:9: error:"), "{}", stderr(&o));
    assert!(stderr(&o).contains("1 of 3 inputs failed"));
    // -o with several inputs is a usage error.
    assert_code(&t.run(&["build", s(&good_a), s(&good_b), "-o", "x.pdf"]), 2);
}

#[test]
fn revision_history_is_printed_and_bookmarked() {
    let t = Scratch::new("revisions");
    let yaml = format!(
        "{MINIMAL}revisions:\n  - version: \"0.9\"\n    date: 2026-04-01\n    changes: 初版を発行\n  - version: \"1.0\"\n    date: 2026-11-25\n    changes: |\n      No.1 の記載を更新\n"
    );
    let input = t.write("r.yaml", &yaml);
    let out = t.path("r.pdf");
    assert_code(&t.run(&["build", s(&input), "-o", s(&out)]), 0);
    let drawn: String = crate::common::drawn_text(&fs::read(&out).unwrap())
        .into_iter()
        .map(|d| d.text)
        .collect();
    for s in [
        "改訂履歴",
        "第0.9版",
        "2026年4月1日",
        "初版を発行",
        "No.1の記載を更新",
        "改訂内容",
    ] {
        assert!(squash(&drawn).contains(&squash(s)), "{s}");
    }
    let doc = load(&out);
    let catalog = doc.catalog().unwrap();
    let outlines = doc
        .get_dictionary(catalog.get(b"Outlines").unwrap().as_reference().unwrap())
        .unwrap();
    let last = doc
        .get_dictionary(outlines.get(b"Last").unwrap().as_reference().unwrap())
        .unwrap();
    assert_eq!(text(last.get(b"Title").unwrap()), "改訂履歴");
    // A stale document version is refused.
    let stale = t.write(
        "s.yaml",
        &yaml.replace(
            "version: \"1.0\"\n    date: 2026-11-25",
            "version: \"1.1\"\n    date: 2026-12-01",
        ),
    );
    let o = t.run(&["check", s(&stale)]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("must match the newest revision"),
        "{}",
        stderr(&o)
    );
}

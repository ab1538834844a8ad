//! The input gate: the defects found with real documents, each pinned. Every test
//! here failed before the gate existed.

use std::fs;
use std::path::Path;

use crate::common::*;
use disclosure_pdf::{Error, Severity, check_text};

/// The rendered diagnostics of `yaml`, errors and warnings, in the order printed.
fn findings(yaml: &str) -> Vec<String> {
    match check_text(Path::new("f.yaml"), yaml, &Default::default()) {
        Ok(c) => c.warnings.iter().map(|d| d.render("f.yaml")).collect(),
        Err(Error::Invalid { diagnostics, .. }) => {
            diagnostics.iter().map(|d| d.render("f.yaml")).collect()
        }
        Err(e) => vec![e.to_string()],
    }
}

#[test]
fn two_inputs_with_one_output_are_refused_before_anything_is_written() {
    let t = Scratch::new("gate_same_output");
    t.write("a.yaml", MINIMAL);
    t.write(
        "b.yaml",
        &MINIMAL.replace("content: 本文", "content: 別の本文"),
    );
    let o = t.run(&["build", "a.yaml", "b.yaml"]);
    assert_code(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains("a.yaml and b.yaml would both be written to output/demo-1.0.pdf"),
        "{err}"
    );
    assert!(
        !t.path("output").exists(),
        "nothing written: {:?}",
        listing(&t.0)
    );
    let o = t.run(&["build", "a.yaml", "a.yaml"]);
    assert_code(&o, 1);
    assert!(
        stderr(&o).contains("a.yaml is given twice"),
        "{}",
        stderr(&o)
    );
    assert!(!t.path("output").exists());
    // Spelt differently, still one file.
    let o = t.run(&["build", "a.yaml", "./b.yaml"]);
    assert_code(&o, 1);
}

#[test]
fn a_batch_writes_matching_pairs() {
    let t = Scratch::new("gate_pairs");
    let mut names = Vec::new();
    for i in 0..6 {
        let name = format!("d{i}.yaml");
        t.write(
            &name,
            &MINIMAL
                .replace("id: demo", &format!("id: demo{i}"))
                .replace("content: 本文", &format!("content: 本文{i}")),
        );
        names.push(name);
    }
    let mut args = vec!["build"];
    args.extend(names.iter().map(String::as_str));
    assert_code(&t.run(&args), 0);
    for i in 0..6 {
        let pdf = fs::read(t.path(&format!("output/demo{i}-1.0.pdf"))).unwrap();
        let sum = fs::read_to_string(t.path(&format!("output/demo{i}-1.0.pdf.sha256"))).unwrap();
        assert_eq!(
            sum,
            format!(
                "{}  demo{i}-1.0.pdf\n",
                disclosure_pdf::output::hex_sha256(&pdf)
            )
        );
    }
    assert_eq!(listing(&t.path("output")).len(), 12, "no temporary files");
}

#[test]
fn check_refuses_what_build_would_refuse_in_revisions() {
    let yaml = format!(
        "{MINIMAL}revisions:\n  - version: \"1.0\"\n    date: 2026-11-25\n    changes: |\n      No.1 の記載を更新\n      使⽤する https:// 例\n"
    );
    let out = findings(&yaml);
    assert!(
        out.contains(&"f.yaml:19:8: warning: revision 1.0 (changes): '⽤' (U+2F64) is a Kangxi radical, a copy-paste artifact; replace it with \"用\" (disclosure-pdf fix does)".to_string())
            || out.iter().any(|l| l.starts_with("f.yaml:19:8: error: the font has no glyph for '⽤'")),
        "{out:?}"
    );
    assert!(
        out.iter().any(|l| l.starts_with("f.yaml:19:12: error: revision 1.0 (changes): the URL \"https://\" has no valid host name")),
        "{out:?}"
    );
    // And the command says so with exit 1, like build.
    let t = Scratch::new("gate_revision");
    t.write("r.yaml", &yaml);
    assert_code(&t.run(&["check", "r.yaml"]), 1);
}

#[test]
fn the_fonts_must_cover_the_tools_own_phrases() {
    // A face without 続: a continued row would need it. The bundled faces cover
    // everything, so take a font that covers only Latin.
    let latin = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"];
    let Some(font) = latin.iter().find(|p| Path::new(p).exists()) else {
        eprintln!("skipped: no Latin-only font installed");
        return;
    };
    let yaml = MINIMAL
        .replace("date: 2026-11-25", "date: 2026-11-25\n  language: en")
        .replace("情報開示", "Disclosure")
        .replace("株式会社サンプル", "Sample Inc.")
        .replace("サンプル", "Sample")
        .replace("暗号技術の利用", "Use of cryptography")
        .replace("暗号", "Cryptography")
        .replace("本文", "Text");
    let opts = disclosure_pdf::input::Options {
        font: Some(font.into()),
        bold_font: Some(font.into()),
        draft: false,
    };
    let phrase_errors = |yaml: &str| match check_text(Path::new("f.yaml"), yaml, &opts) {
        Err(Error::Invalid { diagnostics, .. }) => diagnostics
            .into_iter()
            .filter(|d| d.message.contains("the tool's own text \"（続き）\""))
            .collect::<Vec<_>>(),
        other => panic!("a Latin font passed Japanese labels: {other:?}"),
    };
    // English phrases need no 続.
    assert!(phrase_errors(&yaml).is_empty());
    // Japanese ones (（続き）, 第…版, 年月日) are refused before layout, at the
    // language.
    let ja = phrase_errors(&yaml.replace("language: en", "language: ja"));
    assert!(
        ja.iter()
            .any(|d| d.position == Some((8, 13)) && d.severity == Severity::Error),
        "{ja:?}"
    );
}

#[test]
fn a_text_folded_by_yaml_is_a_warning_at_its_place() {
    let plain = MINIMAL.replace(
        "content: 本文",
        "content: 当社は以下を実施します。\n          ※詳細は別紙のとおり。",
    );
    assert_eq!(
        findings(&plain),
        [
            "f.yaml:13:9: warning: item No. 1 (content) continues over several lines without `|`, so YAML joined them into one line; write `content: |` and the text indented below it to keep its line breaks"
        ]
    );
    let folded = MINIMAL.replace(
        "content: 本文",
        "content: >\n          一行目\n          ※二行目",
    );
    assert_eq!(
        findings(&folded),
        [
            "f.yaml:13:9: warning: item No. 1 (content) is a `>` block, which joins its lines into one paragraph; write `content: |` and the text indented below it to keep its line breaks"
        ]
    );
    let quoted = MINIMAL.replace("content: 本文", "content: \"一行目\n          二行目\"");
    assert_eq!(findings(&quoted).len(), 1, "{:?}", findings(&quoted));
    // One line, or a `|` block: nothing to say.
    let literal = MINIMAL.replace(
        "content: 本文",
        "content: |\n          一行目\n          ※二行目",
    );
    assert!(findings(&literal).is_empty(), "{:?}", findings(&literal));
    let one_folded = MINIMAL.replace("content: 本文", "content: >\n          一行だけ");
    assert!(
        findings(&one_folded).is_empty(),
        "{:?}",
        findings(&one_folded)
    );
}

#[test]
fn a_mis_indented_key_is_reported_on_its_own_line() {
    let yaml = MINIMAL.replace(
        "        title: 暗号技術の利用",
        "       title: 暗号技術の利用",
    );
    assert_eq!(
        findings(&yaml),
        [
            "f.yaml:12:8: error: `title:` is indented 7 spaces, but the keys beside it are indented 8 (`no:` on line 11); YAML nests by indentation, so indent it 8 spaces"
        ]
    );
    let block = MINIMAL.replace(
        "content: 本文",
        "content: |\n          一行目\n         二行目\n          三行目",
    );
    let out = findings(&block);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        out[0].starts_with("f.yaml:15:10: error: this line is indented 9 spaces, less than the text block `content: |` on line 13 (10 spaces)"),
        "{out:?}"
    );
}

#[test]
fn messages_come_in_file_order_and_counts_read_right() {
    let yaml = MINIMAL
        .replace("id: demo", "id: Demo")
        .replace("date: 2026-11-25", "date: 2026-02-30")
        .replace("content: 本文", "content: |\n          使⽤\n          　")
        + "      - no: 1\n        title: \"\"\n        content: ⻑い\n";
    let out = findings(&yaml);
    let lines: Vec<usize> = out
        .iter()
        .map(|l| l.split(':').nth(1).unwrap().parse().unwrap())
        .collect();
    let mut sorted = lines.clone();
    sorted.sort();
    assert_eq!(lines, sorted, "{out:?}");
    assert!(lines.len() >= 5, "{out:?}");
    let t = Scratch::new("gate_counts");
    t.write("m.yaml", MINIMAL);
    let o = t.run(&["check", "m.yaml"]);
    assert_code(&o, 0);
    assert_eq!(stdout(&o), "m.yaml: ok (1 category, 1 item)\n");
}

/// A seeded generator: the same documents on every run.
struct Rng(rand::rngs::StdRng);

impl Rng {
    fn new(seed: u64) -> Rng {
        use rand::SeedableRng;
        Rng(rand::rngs::StdRng::seed_from_u64(seed))
    }

    fn below(&mut self, n: usize) -> usize {
        use rand::RngExt;
        self.0.random_range(0..n)
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Random text of one line: Japanese, Latin, full-width space, tabs.
fn words(rng: &mut Rng) -> String {
    const WORDS: &[&str] = &[
        "当社は",
        "の",
        "セキュリティ",
        "を実施します。",
        "データ",
        "Salesforce",
        "ID",
        "　",
        "（注）",
        "𠮷野家",
        "🔒",
        "https://example.com/a",
        "\t",
        "、",
    ];
    // A tab may not start a line of a text block (YAML reads it as indentation).
    let text: String = (0..1 + rng.below(8)).map(|_| rng.pick(WORDS)).collect();
    if text.starts_with('\t') {
        format!("字{text}")
    } else {
        text
    }
}

/// Property: wherever an artifact is planted, in whatever kind of scalar and after
/// whatever came before, the diagnostic names its exact line and column.
#[test]
fn positions_are_exact_wherever_the_artifact_is() {
    let mut rng = Rng::new(20261201);
    for case in 0..300 {
        let crlf = rng.below(4) == 0;
        let bom = rng.below(5) == 0;
        let mut lines: Vec<String> = Vec::new();
        let mut planted: Option<(usize, usize)> = None;
        let items = 1 + rng.below(4);
        let plant_item = rng.below(items);
        lines.extend(
            [
                "document:",
                "  id: demo",
                "  title: 情報開示",
                "  issuer: 株式会社サンプル",
                "  service: サンプル",
                "  version: \"1.0\"",
                "  date: 2026-11-25",
            ]
            .map(String::from),
        );
        // A preface block full of multibyte text before anything else.
        let chomp = rng.pick(&["|", "|-", "|+", "|2"]);
        lines.push(format!("  preface: {chomp}"));
        for _ in 0..rng.below(6) {
            lines.push(format!("    {}", words(&mut rng)));
        }
        lines.push("    前文".into());
        lines.push("categories:".into());
        lines.push("  - title: 暗号".into());
        lines.push("    items:".into());
        for i in 0..items {
            lines.push(format!("      - no: {}", i + 1));
            let form = rng.below(5);
            let plant = i == plant_item;
            let mut text = format!("題{}", words(&mut rng).replace('\t', " "));
            let at = if plant {
                rng.below(text.chars().count() + 1)
            } else {
                0
            };
            let mark = |t: &str| -> (String, usize) {
                let byte = t.char_indices().nth(at).map_or(t.len(), |(b, _)| b);
                (format!("{}⽤{}", &t[..byte], &t[byte..]), at)
            };
            match form {
                0 | 1 => {
                    // The title plain or double-quoted, then a content block.
                    let quote = if form == 1 { "\"" } else { "" };
                    let t = if plant { mark(&text).0 } else { text.clone() };
                    // A plain scalar loses its trailing spaces.
                    let t = if form == 0 {
                        t.trim_end().to_string()
                    } else {
                        t
                    };
                    let prefix = format!("        title: {quote}");
                    if let Some(shown) = t.chars().position(|c| c == '⽤') {
                        planted = Some((lines.len() + 1, prefix.chars().count() + shown + 1));
                    }
                    lines.push(format!("{prefix}{t}{quote}"));
                    lines.push("        content: |".into());
                    for _ in 0..1 + rng.below(3) {
                        lines.push(format!("          本文{}", words(&mut rng)));
                    }
                }
                _ => {
                    lines.push("        title: 題".into());
                    let indicator = rng.pick(&["|", "|-", "|+", "|2"]);
                    lines.push(format!("        content: {indicator}"));
                    // `|2`: the block's indentation is given, two more than the key's.
                    let indent = "          ";
                    let before = rng.below(3);
                    for _ in 0..before {
                        lines.push(format!("{indent}本文{}", words(&mut rng)));
                    }
                    if plant {
                        if text.trim().is_empty() {
                            text = "本文".into();
                        }
                        let (t, _) = mark(&text);
                        let shown = t.chars().position(|c| c == '⽤').unwrap();
                        planted = Some((lines.len() + 1, indent.chars().count() + shown + 1));
                        lines.push(format!("{indent}{t}"));
                    } else {
                        lines.push(format!("{indent}本文"));
                    }
                }
            }
        }
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut yaml = lines.join(nl) + nl;
        if bom {
            yaml.insert(0, '\u{FEFF}');
        }
        let planted = planted.expect("an artifact was planted");
        let out = findings(&yaml);
        // The bundled font has no ⽤ (nor 𠮷, 🔒 or a tab): they are errors at
        // their first place, the others warnings; either way at the character.
        let want = format!("f.yaml:{}:{}: ", planted.0, planted.1);
        assert!(
            out.iter()
                .any(|l| l.starts_with(&want) && l.contains("'⽤' (U+2F64)")),
            "case {case}: want {want}\n{out:#?}\n{yaml}"
        );
        let other: Vec<_> = out
            .iter()
            // (A ⽤ planted inside the URL cuts it short: also an error, rightly.)
            .filter(|l| {
                l.contains(": error: ")
                    && !l.contains("has no glyph for")
                    && !l.contains("has no valid host name")
            })
            .collect();
        assert!(other.is_empty(), "case {case}: {other:?}\n{yaml}");
    }
}

#[test]
fn a_header_label_too_wide_even_when_shrunk_is_refused_with_the_room_it_has() {
    let yaml = MINIMAL.replace(
        "categories:",
        "labels:\n  no: 項目の番号（通し番号）\ncategories:",
    );
    let out = findings(&yaml);
    assert_eq!(out.len(), 1, "{out:?}");
    assert!(
        out[0].starts_with(
            "f.yaml:9:7: error: labels.no: the header label \"項目の番号（通し番号）\" needs "
        ) && out[0].contains("but its column holds 61.8 pt; shorten it"),
        "{out:?}"
    );
    // 番号 fits once set a little smaller: no finding.
    assert!(
        findings(&MINIMAL.replace("categories:", "labels:\n  no: 番号\ncategories:")).is_empty()
    );
}

//! Helpers shared by the integration tests: an independent reader of our PDFs'
//! text layer (content streams decoded through each font's ToUnicode CMap).

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use disclosure_pdf::{BuildOptions, build_pdf, check_text};
use lopdf::content::Content;
use lopdf::{Dictionary, Object};

/// A piece of text as drawn: page (0-based), position (PDF points) and the text.
#[derive(Debug, Clone)]
pub struct Drawn {
    pub page: usize,
    pub x: f32,
    pub y: f32,
    pub text: String,
    /// The marked content it is in, innermost: an MCID, an artifact, or none.
    pub marked: Marked,
}

/// Marked content around a drawing operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marked {
    None,
    Artifact,
    Mcid(i64),
}

/// The marked-content stack after operation `op` (BDC, BMC, EMC), for the
/// readers of content streams here.
pub fn track_marked(stack: &mut Vec<Marked>, op: &lopdf::content::Operation) {
    match op.operator.as_str() {
        "BMC" | "BDC" => {
            let tag = op.operands.first().and_then(|o| o.as_name().ok());
            let mcid = op
                .operands
                .get(1)
                .and_then(|o| o.as_dict().ok())
                .and_then(|d| d.get(b"MCID").ok())
                .and_then(|m| m.as_i64().ok());
            stack.push(match (tag, mcid) {
                (Some(b"Artifact"), _) => Marked::Artifact,
                (_, Some(n)) => Marked::Mcid(n),
                _ => Marked::None,
            });
        }
        "EMC" => {
            stack.pop().expect("EMC closes a BMC or BDC");
        }
        _ => {}
    }
}

/// Builds `yaml` into PDF bytes with the default options.
pub fn build_yaml(yaml: &str) -> Vec<u8> {
    let input = check_text(Path::new("test.yaml"), yaml, &Default::default())
        .expect("test YAML passes the checks");
    build_pdf(&input, &BuildOptions::default())
        .expect("test document builds")
        .bytes
}

fn parse_cmap(data: &[u8]) -> HashMap<u16, String> {
    let text = String::from_utf8_lossy(data);
    let hex = |s: &str| s.trim_matches(|c| c == '<' || c == '>').to_string();
    let utf16 = |h: &str| {
        let units: Vec<u16> = (0..h.len() / 4)
            .map(|i| u16::from_str_radix(&h[i * 4..i * 4 + 4], 16).unwrap())
            .collect();
        String::from_utf16(&units).unwrap()
    };
    let mut map = HashMap::new();
    let mut mode = "";
    for line in text.lines() {
        let line = line.trim();
        if line.ends_with("beginbfchar") {
            mode = "char";
        } else if line.ends_with("beginbfrange") {
            mode = "range";
        } else if line.starts_with("endbf") {
            mode = "";
        } else if !mode.is_empty() {
            let parts: Vec<String> = line.split_whitespace().map(hex).collect();
            if mode == "char" && parts.len() == 2 {
                map.insert(
                    u16::from_str_radix(&parts[0], 16).unwrap(),
                    utf16(&parts[1]),
                );
            } else if mode == "range" && parts.len() == 3 {
                let lo = u16::from_str_radix(&parts[0], 16).unwrap();
                let hi = u16::from_str_radix(&parts[1], 16).unwrap();
                let base = u32::from_str_radix(&parts[2], 16).unwrap();
                for (k, code) in (lo..=hi).enumerate() {
                    let c = char::from_u32(base + k as u32).unwrap();
                    map.insert(code, c.to_string());
                }
            }
        }
    }
    map
}

/// Every text show operation of the PDF, decoded through ToUnicode.
pub fn drawn_text(pdf: &[u8]) -> Vec<Drawn> {
    let doc = lopdf::Document::load_mem(pdf).expect("our PDF loads");
    let mut out = Vec::new();
    for (page_index, (_, page_id)) in doc.get_pages().into_iter().enumerate() {
        let fonts: HashMap<Vec<u8>, HashMap<u16, String>> = doc
            .get_page_fonts(page_id)
            .unwrap()
            .into_iter()
            .map(|(name, font): (Vec<u8>, &Dictionary)| {
                let tu = font.get(b"ToUnicode").unwrap().as_reference().unwrap();
                let stream = doc.get_object(tu).unwrap().as_stream().unwrap();
                (
                    name,
                    parse_cmap(
                        &stream
                            .decompressed_content()
                            .unwrap_or(stream.content.clone()),
                    ),
                )
            })
            .collect();
        let content = Content::decode(&doc.get_page_content(page_id)).unwrap();
        let (mut font, mut x, mut y) = (None, 0.0, 0.0);
        let mut marked = Vec::new();
        for op in content.operations {
            track_marked(&mut marked, &op);
            match op.operator.as_str() {
                "Tf" => font = fonts.get(op.operands[0].as_name().unwrap()),
                "Tm" => {
                    x = op.operands[4].as_float().unwrap();
                    y = op.operands[5].as_float().unwrap();
                }
                "TJ" | "Tj" => {
                    let map = font.expect("a font is set before text");
                    let items = match &op.operands[0] {
                        Object::Array(a) => a.clone(),
                        other => vec![other.clone()],
                    };
                    let mut text = String::new();
                    for item in items {
                        if let Object::String(bytes, _) = item {
                            for pair in bytes.chunks(2) {
                                let code = u16::from_be_bytes([pair[0], pair[1]]);
                                text.push_str(
                                    map.get(&code).expect("every code has a ToUnicode entry"),
                                );
                            }
                        }
                    }
                    out.push(Drawn {
                        page: page_index,
                        x,
                        y,
                        text,
                        marked: marked.last().copied().unwrap_or(Marked::None),
                    });
                }
                _ => {}
            }
        }
    }
    out
}

/// Removes all whitespace, for comparisons where line breaks do not matter.
pub fn squash(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

pub const BIN: &str = env!("CARGO_BIN_EXE_disclosure-pdf");

/// The smallest valid document (serde_yaml reads YAML 1.2, so `no:` is a plain key).
pub const MINIMAL: &str = include_str!("../fixtures/minimal.yaml");

/// A scratch directory, removed again when the test passes.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(test: &str) -> Scratch {
        let dir =
            std::env::temp_dir().join(format!("disclosure-pdf-test-{}-{test}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// Writes `text` to `name` (creating directories) and returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, text).unwrap();
        p
    }

    /// Runs the binary with `args` in this directory.
    pub fn run(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.0);
        }
    }
}

pub fn default_input() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/kamiless.yaml")
}

pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts the exit code, showing the output when it differs.
pub fn assert_code(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "exit status {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status,
        stdout(o),
        stderr(o)
    );
}

/// The sorted file names in `dir`.
pub fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

//! Copy-paste artifacts: characters that text copied out of PDFs and office files
//! brings along, with the safe replacement for each.
//!
//! PDFs made by office suites often map a kanji and its Kangxi radical twin to one
//! glyph, so copying 用 gives ⽤ (U+2F64); vertical presentation forms (︓) and
//! invisible characters come along the same way. They look right on screen but
//! break search, sorting and, with many fonts, printing.

use unicode_normalization::UnicodeNormalization;

use super::lines::{self, LineKind};

/// What to do about an artifact character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// What the character is, for the message.
    pub kind: &'static str,
    /// The replacement; empty means delete.
    pub replacement: String,
}

/// CJK radicals supplement forms and the kanji they stand for (NFKC covers only
/// two of this block).
const RADICAL_SUPPLEMENT: &[(char, char)] = &[
    ('⺃', '乚'),
    ('⺅', '亻'),
    ('⺉', '刂'),
    ('⺋', '㔾'),
    ('⺌', '⺌'),
    ('⺍', '⺍'),
    ('⺎', '兀'),
    ('⺏', '尣'),
    ('⺐', '尢'),
    ('⺑', '𡯂'),
    ('⺒', '巳'),
    ('⺓', '幺'),
    ('⺔', '彑'),
    ('⺖', '忄'),
    ('⺗', '㣺'),
    ('⺘', '扌'),
    ('⺙', '攵'),
    ('⺛', '旡'),
    ('⺜', '日'),
    ('⺝', '月'),
    ('⺞', '歺'),
    ('⺟', '母'),
    ('⺠', '民'),
    ('⺡', '氵'),
    ('⺢', '氺'),
    ('⺣', '灬'),
    ('⺤', '爫'),
    ('⺥', '爫'),
    ('⺦', '丬'),
    ('⺧', '牜'),
    ('⺨', '犭'),
    ('⺩', '王'),
    ('⺪', '疋'),
    ('⺫', '罒'),
    ('⺬', '示'),
    ('⺭', '礻'),
    ('⺮', '竹'),
    ('⺯', '糸'),
    ('⺰', '纟'),
    ('⺱', '罓'),
    ('⺲', '罒'),
    ('⺳', '网'),
    ('⺴', '罓'),
    ('⺵', '罓'),
    ('⺶', '𦍌'),
    ('⺷', '羊'),
    ('⺸', '𦍌'),
    ('⺹', '耂'),
    ('⺺', '肀'),
    ('⺻', '聿'),
    ('⺼', '月'),
    ('⺽', '臼'),
    ('⺾', '艹'),
    ('⺿', '艹'),
    ('⻀', '艹'),
    ('⻁', '虎'),
    ('⻂', '衤'),
    ('⻃', '覀'),
    ('⻄', '西'),
    ('⻅', '见'),
    ('⻆', '角'),
    ('⻇', '𧢲'),
    ('⻈', '讠'),
    ('⻉', '贝'),
    ('⻊', '足'),
    ('⻋', '车'),
    ('⻌', '辶'),
    ('⻍', '辶'),
    ('⻎', '辶'),
    ('⻏', '阝'),
    ('⻐', '钅'),
    ('⻑', '長'),
    ('⻒', '镸'),
    ('⻓', '长'),
    ('⻔', '门'),
    ('⻕', '𠂤'),
    ('⻖', '阝'),
    ('⻗', '雨'),
    ('⻘', '青'),
    ('⻙', '韦'),
    ('⻚', '页'),
    ('⻛', '风'),
    ('⻜', '飞'),
    ('⻝', '食'),
    ('⻞', '𩠐'),
    ('⻟', '食'),
    ('⻠', '饣'),
    ('⻡', '𩠐'),
    ('⻢', '马'),
    ('⻣', '骨'),
    ('⻤', '鬼'),
    ('⻥', '鱼'),
    ('⻦', '鸟'),
    ('⻧', '卤'),
    ('⻨', '麦'),
    ('⻩', '黄'),
    ('⻪', '黾'),
    ('⻫', '斉'),
    ('⻬', '齐'),
    ('⻭', '歯'),
    ('⻮', '齿'),
    ('⻯', '竜'),
    ('⻰', '龙'),
    ('⻱', '龜'),
    ('⻲', '亀'),
    ('⻳', '龟'),
];

/// Whether `c` is in one of the ranges [`artifact`] looks at: a cheap test for the
/// characters of a whole document, which are almost never artifacts.
pub fn may_be_artifact(c: char) -> bool {
    matches!(c,
        '\u{2F00}'..='\u{2FD5}'
        | '\u{2E80}'..='\u{2EFF}'
        | '\u{FE10}'..='\u{FE19}'
        | '\u{200B}'..='\u{200D}'
        | '\u{2060}'
        | '\u{FEFF}'
        | '\u{2028}'
        | '\u{2029}'
        | '\t')
        || (c.is_control() && c != '\n' && c != '\r')
}

/// The artifact `c` is, if any.
pub fn artifact(c: char) -> Option<Artifact> {
    let found = |kind, replacement: String| Some(Artifact { kind, replacement });
    match c {
        '\u{2F00}'..='\u{2FD5}' => found("a Kangxi radical", c.nfkc().collect()),
        '\u{2E80}'..='\u{2EFF}' => {
            let kanji = RADICAL_SUPPLEMENT
                .iter()
                .find(|(r, _)| *r == c)
                .map(|(_, k)| *k)?;
            // Some forms have no standalone kanji; those are left alone.
            (kanji != c).then(|| Artifact {
                kind: "a CJK radical supplement form",
                replacement: kanji.to_string(),
            })
        }
        '\u{FE10}'..='\u{FE19}' => {
            const FULL: [&str; 10] = ["，", "、", "。", "：", "；", "！", "？", "〖", "〗", "…"];
            found(
                "a vertical presentation form",
                FULL[(c as u32 - 0xFE10) as usize].to_string(),
            )
        }
        '\t' => found("a tab", " ".into()),
        '\u{200B}' | '\u{200C}' | '\u{200D}' | '\u{2060}' => {
            found("a zero-width character", String::new())
        }
        '\u{FEFF}' => found("a byte order mark inside the text", String::new()),
        '\u{2028}' | '\u{2029}' => found("a Unicode line separator", "\n".into()),
        c if c.is_control() && c != '\n' && c != '\r' => {
            found("a control character", String::new())
        }
        _ => None,
    }
}

/// A human description of the fix: `replace with "用"` / `remove it`.
pub fn advice(a: &Artifact) -> String {
    if a.replacement.is_empty() {
        "remove it".into()
    } else {
        format!("replace it with {:?}", a.replacement)
    }
}

/// `text` with every artifact inside a scalar value replaced, and trailing
/// whitespace removed from the lines of text blocks; nothing else changes: keys,
/// comments, key order and the layout of the YAML file stay as they are.
pub fn fix_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut replace = |range: std::ops::Range<usize>, trim: bool, out: &mut String| {
        out.push_str(&text[copied..range.start]);
        let mut fixed = String::with_capacity(range.len());
        for c in text[range.clone()].chars() {
            match artifact(c) {
                Some(a) => fixed.push_str(&a.replacement),
                None => fixed.push(c),
            }
        }
        let fixed = drop_spaces_after_punctuation(&fixed);
        let fixed = if trim {
            fixed.trim_end_matches([' ', '\u{3000}', '\t'])
        } else {
            &fixed
        };
        out.push_str(fixed);
        copied = range.end;
    };
    for line in lines::classify(text) {
        match line.kind {
            LineKind::BlockContent { .. } => replace(line.range, true, &mut out),
            LineKind::Node(node) if !node.value.is_empty() => replace(node.value, false, &mut out),
            _ => {}
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Whether `c` is a Japanese comma or full stop, after which a space is a typo:
/// the punctuation's own blank half already separates it from what follows.
pub fn is_japanese_stop(c: char) -> bool {
    matches!(c, '、' | '。' | '，' | '．')
}

/// `text` without the spaces (ASCII or full-width) between a 、。，． and the
/// next character on the same line.
pub fn drop_spaces_after_punctuation(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_stop = false;
    let mut pending = String::new();
    for c in text.chars() {
        if after_stop && (c == ' ' || c == '\u{3000}') {
            pending.push(c);
            continue;
        }
        if !pending.is_empty() {
            // Spaces before a line end stay for the trailing-space rule to handle.
            if c == '\n' || c == '\r' {
                out.push_str(&pending);
            }
            pending.clear();
        }
        after_stop = is_japanese_stop(c);
        out.push(c);
    }
    out.push_str(&pending);
    out
}

/// A unified diff of two texts with the same number of lines (what `fix_text`
/// produces), three lines of context.
pub fn unified_diff(name: &str, old: &str, new: &str) -> String {
    let (a, b): (Vec<&str>, Vec<&str>) = (old.split('\n').collect(), new.split('\n').collect());
    let changed: Vec<usize> = (0..a.len().max(b.len()))
        .filter(|&i| a.get(i) != b.get(i))
        .collect();
    if changed.is_empty() {
        return String::new();
    }
    let mut out = format!("--- {name}\n+++ {name} (fixed)\n");
    let mut k = 0;
    while k < changed.len() {
        let start = changed[k].saturating_sub(3);
        let mut end = changed[k] + 3;
        while k + 1 < changed.len() && changed[k + 1] <= end + 3 {
            k += 1;
            end = changed[k] + 3;
        }
        let end = end.min(a.len() - 1);
        out.push_str(&format!(
            "@@ -{},{} +{},{} @@\n",
            start + 1,
            end - start + 1,
            start + 1,
            end - start + 1
        ));
        for i in start..=end {
            if a.get(i) == b.get(i) {
                out.push_str(&format!(" {}\n", a[i]));
            } else {
                out.push_str(&format!("-{}\n+{}\n", a[i], b.get(i).unwrap_or(&"")));
            }
        }
        k += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn radicals_and_forms_map_to_ordinary_characters() {
        assert_eq!(artifact('⽤').unwrap().replacement, "用");
        assert_eq!(artifact('⼈').unwrap().replacement, "人");
        assert_eq!(artifact('⻑').unwrap().replacement, "長");
        assert_eq!(artifact('︓').unwrap().replacement, "：");
        assert_eq!(artifact('\u{200B}').unwrap().replacement, "");
        assert_eq!(artifact('用'), None);
        assert_eq!(artifact('\n'), None);
        // The cheap test lets every artifact through.
        for code in 0..0x3_0000 {
            if let Some(c) = char::from_u32(code) {
                assert!(artifact(c).is_none() || may_be_artifact(c), "{c:?}");
            }
        }
    }

    #[test]
    fn fix_changes_only_artifacts_and_trailing_space() {
        let src = "# comment ⽤\nkey: 使⽤します  # ⽤\n  - ︓x\t\r\nblock: | # ⽤\n  a⽤\u{200B}\t \r\n  # ⽤ text\nlast: '⽤'";
        assert_eq!(
            fix_text(src),
            "# comment ⽤\nkey: 使用します  # ⽤\n  - ：x\t\r\nblock: | # ⽤\n  a用\r\n  # 用 text\nlast: '用'"
        );
        assert_eq!(fix_text("clean\ntext\n"), "clean\ntext\n");
        assert_eq!(
            fix_text("content: ポートを、 それぞれ。　次\n"),
            "content: ポートを、それぞれ。次\n"
        );
    }

    #[test]
    fn diff_shows_changed_lines_with_context() {
        let old = "a\nb\nc ⽤\nd\ne\nf\ng\nh\ni\nj\nk ⻑";
        let d = unified_diff("x.yaml", old, &fix_text(old));
        assert!(
            d.starts_with(
                "--- x.yaml\n+++ x.yaml (fixed)\n@@ -1,6 +1,6 @@\n a\n b\n-c ⽤\n+c 用\n d\n"
            ),
            "{d}"
        );
        assert!(d.contains("-k ⻑\n+k 長\n"));
        assert_eq!(unified_diff("x", "same", "same"), "");
    }
}

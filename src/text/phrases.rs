//! Phrase (文節) boundaries of Japanese text, from the BudouX model.
//!
//! BudouX (Apache-2.0, `models/budoux/`) scores each gap between two characters
//! with the characters up to three places around it (unigram, bigram and trigram
//! features) and starts a new phrase where the score is positive. This is a port
//! of its reference parser (`budoux/parser.py`), working on code points as the
//! Python one does, so the model gives the same phrases here as in Chrome's
//! `word-break: auto-phrase`.
//!
//! `build.rs` turns the model into sorted static tables, so nothing is parsed
//! at run time.
//!
//! Narrow cells (labels, titles) break only at these boundaries (see
//! [`Shaped::new`](super::linebreak::Shaped::new)); body text uses them to avoid a
//! paragraph whose last line holds one or two characters.

/// The model as sorted tables, made from `models/budoux/ja.json` by `build.rs`.
mod model {
    include!(concat!(env!("OUT_DIR"), "/budoux_ja.rs"));
}

/// Up to three characters in one key (21 bits each), as `build.rs` packs them.
fn pack(chars: &[char]) -> u64 {
    chars
        .iter()
        .fold(0u64, |key, &c| (key << 21) | u64::from(c as u32))
}

/// A multiply-shift hasher for the packed keys: they are already well spread
/// integers, and a parse asks thirteen times per character.
#[derive(Default, Clone, Copy)]
struct KeyHasher(u64);

impl std::hash::Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = (self.0 ^ k)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15)
            .rotate_left(29);
    }
}

type Table = std::collections::HashMap<u64, i32, std::hash::BuildHasherDefault<KeyHasher>>;

/// The model's tables as hash maps, made from the static tables on first use
/// (about 1,800 entries: microseconds).
fn tables() -> &'static [Table; 13] {
    static TABLES: std::sync::OnceLock<[Table; 13]> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| model::TABLES.map(|t| t.iter().copied().collect()))
}

/// The score of feature `f` for `key`, 0 when the model does not have it.
fn score(tables: &[Table; 13], f: usize, key: &[char]) -> i32 {
    tables[f].get(&pack(key)).copied().unwrap_or(0)
}

/// Byte offsets in `text` where a phrase starts, the start of the text excluded.
pub fn boundaries(text: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let c: Vec<char> = chars.iter().map(|&(_, c)| c).collect();
    let n = c.len();
    let mut out = Vec::new();
    if n < 2 {
        return out;
    }
    let tables = tables();
    for i in 1..n {
        // Twice the parser's score, in integers (its base is minus half the total):
        // the sign, all that matters, is exact.
        let mut total = -model::TOTAL;
        let mut add = |f: usize, key: &[char]| total += 2 * i64::from(score(tables, f, key));
        if i > 2 {
            add(0, &c[i - 3..i - 2]);
        }
        if i > 1 {
            add(1, &c[i - 2..i - 1]);
        }
        add(2, &c[i - 1..i]);
        add(3, &c[i..i + 1]);
        if i + 1 < n {
            add(4, &c[i + 1..i + 2]);
        }
        if i + 2 < n {
            add(5, &c[i + 2..i + 3]);
        }
        if i > 1 {
            add(6, &c[i - 2..i]);
        }
        add(7, &c[i - 1..i + 1]);
        if i + 1 < n {
            add(8, &c[i..i + 2]);
        }
        if i > 2 {
            add(9, &c[i - 3..i]);
        }
        if i > 1 {
            add(10, &c[i - 2..i + 1]);
        }
        if i + 1 < n {
            add(11, &c[i - 1..i + 2]);
        }
        if i + 2 < n {
            add(12, &c[i..i + 3]);
        }
        if total > 0 {
            out.push(chars[i].0);
        }
    }
    out
}

/// `text` cut into phrases (for tests and diagnostics).
pub fn phrases(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    for b in boundaries(text) {
        out.push(&text[from..b]);
        from = b;
    }
    if from < text.len() {
        out.push(&text[from..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Phrases from BudouX's own Python parser (`budoux.load_default_japanese_parser()`)
    /// with the embedded model: ours must agree exactly.
    #[test]
    fn agrees_with_the_reference_parser() {
        let cases: &[&[&str]] = &[
            &["情報セキュリティの", "ための", "組織"],
            &["アクセス権の", "登録及び登録削除"],
            &["利用者と", "事業者間の", "論理的分離"],
            &["セキュリティを", "保つための", "開発手順", "及び慣行"],
            &["ピアクラウドサービス事業者の", "情報セキュリティ水準"],
            &[
                "情報セキュリティインシデント管理の",
                "責任の",
                "割当て",
                "及び手順",
            ],
            &["情報セキュリティの", "責任"],
            &["下位規程の", "整備", "（本番環境）"],
            &["方針の", "見直し", "（本番環境）"],
            &["当社は、", "お客様の", "データを", "暗号化されます。"],
            &["代表取締役"],
            &["クラウドサービスの", "変更に", "関する", "情報"],
        ];
        for phrases_expected in cases {
            let text = phrases_expected.concat();
            assert_eq!(phrases(&text), *phrases_expected, "{text}");
        }
    }

    #[test]
    fn empty_and_single_character_texts_have_no_boundary() {
        assert!(boundaries("").is_empty());
        assert!(boundaries("あ").is_empty());
    }
}

//! Phrase (文節) boundaries of Japanese text, from the BudouX model.
//!
//! BudouX (Apache-2.0, `models/budoux/`) scores each gap between two characters
//! with the characters up to three places around it (unigram, bigram and trigram
//! features) and starts a new phrase where the score is positive. This is a port
//! of its reference parser (`budoux/parser.py`), working on code points as the
//! Python one does, so the model gives the same phrases here as in Chrome's
//! `word-break: auto-phrase`.
//!
//! Narrow cells (labels, titles) break only at these boundaries (see
//! [`Shaped::new`](super::linebreak::Shaped::new)); body text uses them to avoid a
//! paragraph whose last line holds one or two characters.

use std::collections::HashMap;
use std::sync::OnceLock;

/// The model file, embedded.
static MODEL_JSON: &str = include_str!("../../models/budoux/ja.json");

/// The feature tables in the order the parser adds them up.
const FEATURES: [&str; 13] = [
    "UW1", "UW2", "UW3", "UW4", "UW5", "UW6", "BW1", "BW2", "BW3", "TW1", "TW2", "TW3", "TW4",
];

/// The model: one table per feature, keyed by up to three packed characters.
struct Model {
    tables: [HashMap<u64, i32>; 13],
    /// The sum of all scores: the parser's base score is minus half of it.
    total: i64,
}

/// Up to three characters in one key (21 bits each).
fn pack(chars: &[char]) -> u64 {
    chars
        .iter()
        .fold(0u64, |key, &c| (key << 21) | u64::from(c as u32))
}

fn model() -> &'static Model {
    static MODEL: OnceLock<Model> = OnceLock::new();
    MODEL.get_or_init(|| {
        // The embedded file is fixed at compile time and covered by the tests below:
        // a parse failure is a broken build, not a user error.
        let raw: HashMap<String, HashMap<String, i32>> =
            serde_json::from_str(MODEL_JSON).expect("the embedded BudouX model is valid JSON");
        let mut total = 0i64;
        let tables = FEATURES.map(|name| {
            let mut table = HashMap::new();
            for (key, score) in raw.get(name).into_iter().flatten() {
                let chars: Vec<char> = key.chars().collect();
                table.insert(pack(&chars), *score);
                total += i64::from(*score);
            }
            table
        });
        // Every feature's scores count in the base, also those of tables we do
        // not know (the parser sums all of them).
        let unknown: i64 = raw
            .iter()
            .filter(|(name, _)| !FEATURES.contains(&name.as_str()))
            .flat_map(|(_, t)| t.values())
            .map(|&s| i64::from(s))
            .sum();
        Model {
            tables,
            total: total + unknown,
        }
    })
}

/// Byte offsets in `text` where a phrase starts, the start of the text excluded.
pub fn boundaries(text: &str) -> Vec<usize> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let m = model();
    let c: Vec<char> = chars.iter().map(|&(_, c)| c).collect();
    let n = c.len();
    let get = |f: usize, key: &[char]| m.tables[f].get(&pack(key)).copied().unwrap_or(0);
    let mut out = Vec::new();
    for i in 1..n {
        // Twice the parser's score, in integers (its base is minus half the total):
        // the sign, all that matters, is exact.
        let mut score = -m.total;
        let mut add = |f: usize, key: &[char]| score += 2 * i64::from(get(f, key));
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
        if score > 0 {
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
            &["情報セキュリティインシデント管理の", "責任の", "割当て", "及び手順"],
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

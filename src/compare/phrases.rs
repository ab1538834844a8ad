//! The changed runs of a text between two versions, in units a reader would
//! mark: Japanese phrases (BudouX), Latin words, whole URLs; never single
//! characters scattered across a word (the 新旧対照表 underlines these).

use std::ops::Range;

use crate::model::markup::find_urls;
use crate::text::phrases::boundaries;

/// The most token pairs compared one by one; a longer differing middle (two
/// unrelated texts) is marked changed as a whole.
const MAX_CELLS: usize = 4_000_000;

/// What kind of text a character is, for word boundaries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Latin,
    Space,
    Newline,
    Other,
}

fn class(c: char) -> Class {
    match c {
        '\n' => Class::Newline,
        c if c.is_whitespace() => Class::Space,
        c if c.is_ascii_alphanumeric() || c == '_' => Class::Latin,
        c if c.is_alphanumeric() && (c as u32) < 0x2E80 => Class::Latin,
        _ => Class::Other,
    }
}

/// `text` cut into tokens (byte ranges, covering it): each URL whole, each
/// Latin word and each run of spaces a token, a newline one of its own, and
/// Japanese text cut at BudouX's phrase boundaries and where Latin starts or
/// ends.
pub fn tokens(text: &str) -> Vec<Range<usize>> {
    let urls = find_urls(text);
    let in_url = |at: usize| urls.iter().any(|r| r.start < at && at < r.end);
    let mut cuts: Vec<usize> = boundaries(text);
    let mut prev: Option<Class> = None;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (n, &(at, c)) in chars.iter().enumerate() {
        let mut k = class(c);
        // `1.2`, `AES-256`, `03-1234-5678`, `ISO/IEC`: one word.
        let joins = ".,-/:".contains(c)
            && prev == Some(Class::Latin)
            && chars
                .get(n + 1)
                .is_some_and(|&(_, d)| class(d) == Class::Latin);
        if joins {
            k = Class::Latin;
        }
        if let Some(p) = prev
            && (p != k || matches!(k, Class::Newline))
        {
            cuts.push(at);
        }
        // Punctuation and symbols between Latin words stand alone, and ASCII
        // punctuation always does (`(1st Party)基準` is `)` and `基準`).
        if k == Class::Other && prev == Some(Class::Latin) {
            cuts.push(at);
        }
        if k == Class::Other && c.is_ascii_punctuation() {
            cuts.push(at);
            cuts.push(at + c.len_utf8());
        }
        prev = Some(k);
    }
    for r in &urls {
        cuts.push(r.start);
        cuts.push(r.end);
    }
    cuts.retain(|&at| at > 0 && at < text.len() && !in_url(at));
    cuts.sort_unstable();
    cuts.dedup();
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for at in cuts {
        out.push(start..at);
        start = at;
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out
}

/// Which elements of `a` and of `b` belong to a longest common subsequence of
/// the two (after their common prefix and suffix, which do): the rest is what
/// differs. A differing middle of more than [`MAX_CELLS`] pairs (two unrelated
/// texts) differs whole.
pub fn common<T: PartialEq>(a: &[T], b: &[T]) -> (Vec<bool>, Vec<bool>) {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    let (mut keep_a, mut keep_b) = (vec![true; a.len()], vec![true; b.len()]);
    keep_a[prefix..a.len() - suffix].fill(false);
    keep_b[prefix..b.len() - suffix].fill(false);
    if ma.len().saturating_mul(mb.len()) > MAX_CELLS {
        return (keep_a, keep_b);
    }
    // lcs[i][j]: the longest common subsequence of ma[i..] and mb[j..].
    let w = mb.len() + 1;
    let mut lcs = vec![0u32; (ma.len() + 1) * w];
    for i in (0..ma.len()).rev() {
        for j in (0..mb.len()).rev() {
            lcs[i * w + j] = if ma[i] == mb[j] {
                lcs[(i + 1) * w + j + 1] + 1
            } else {
                lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    while i < ma.len() && j < mb.len() {
        if ma[i] == mb[j] {
            keep_a[prefix + i] = true;
            keep_b[prefix + j] = true;
            i += 1;
            j += 1;
        } else if lcs[(i + 1) * w + j] >= lcs[i * w + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    (keep_a, keep_b)
}

/// The runs of `old` and of `new` that differ, as byte ranges (adjacent
/// changed tokens merged), from a longest common subsequence of their tokens.
/// Runs of only whitespace are left out: a moved line break is not a change a
/// reader marks.
pub fn changed_runs(old: &str, new: &str) -> (Vec<Range<usize>>, Vec<Range<usize>>) {
    let (a, b) = (tokens(old), tokens(new));
    let ta: Vec<&str> = a.iter().map(|r| &old[r.clone()]).collect();
    let tb: Vec<&str> = b.iter().map(|r| &new[r.clone()]).collect();
    let (keep_a, keep_b) = common(&ta, &tb);
    let runs = |ranges: &[Range<usize>], text: &str, keep: &[bool]| {
        let mut out: Vec<Range<usize>> = Vec::new();
        for (k, kept) in keep.iter().enumerate() {
            if *kept {
                continue;
            }
            let r = ranges[k].clone();
            match out.last_mut() {
                Some(last) if last.end == r.start => last.end = r.end,
                _ => out.push(r),
            }
        }
        // Spaces and line breaks at a run's ends are not marked.
        out.into_iter()
            .filter_map(|r| {
                let t = &text[r.clone()];
                let start = r.start + (t.len() - t.trim_start().len());
                let end = r.end - (t.len() - t.trim_end().len());
                (start < end).then_some(start..end)
            })
            .collect::<Vec<_>>()
    };
    (runs(&a, old, &keep_a), runs(&b, new, &keep_b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, runs: &[Range<usize>]) -> Vec<String> {
        runs.iter().map(|r| text[r.clone()].to_string()).collect()
    }

    #[test]
    fn urls_words_and_phrases_are_tokens() {
        let t = "詳細はhttps://example.jp/a/b.htmlを参照し、TLS 1.2以上で暗号化します。";
        let toks: Vec<&str> = tokens(t).into_iter().map(|r| &t[r]).collect();
        assert!(toks.contains(&"https://example.jp/a/b.html"), "{toks:?}");
        assert!(toks.contains(&"TLS"), "{toks:?}");
        assert!(toks.contains(&"1.2"), "{toks:?}");
        assert_eq!(toks.concat(), t);
        // No token starts inside a word.
        assert!(!toks.iter().any(|x| *x == "LS" || *x == "ttps"), "{toks:?}");
    }

    #[test]
    fn an_edit_in_the_middle_of_a_sentence_marks_the_phrase_only() {
        let old = "データは東京リージョンに保管し、毎日バックアップします。";
        let new = "データは大阪リージョンに保管し、毎日バックアップします。";
        let (a, b) = changed_runs(old, new);
        assert_eq!(marked(old, &a), ["東京リージョンに"]);
        assert_eq!(marked(new, &b), ["大阪リージョンに"]);
    }

    #[test]
    fn a_changed_word_is_marked_whole_and_a_new_line_alone() {
        let old = "TLS 1.1以上を使用します。\n●鍵はHSMで保管";
        let new = "TLS 1.2以上を使用します。\n●鍵はHSMで保管\n●鍵は90日ごとに更新";
        let (a, b) = changed_runs(old, new);
        assert_eq!(marked(old, &a), ["1.1"]);
        assert_eq!(marked(new, &b), ["1.2", "●鍵は90日ごとに更新"]);
        let (a, b) = changed_runs(old, old);
        assert!(a.is_empty() && b.is_empty());
    }

    #[test]
    fn unrelated_texts_are_changed_whole() {
        let (a, b) = changed_runs("あいう", "");
        assert_eq!(
            a,
            vec![Range {
                start: 0,
                end: "あいう".len()
            }]
        );
        assert!(b.is_empty());
    }
}

#[cfg(test)]
mod real_text {
    use super::*;

    #[test]
    fn a_comma_added_to_the_default_documents_item_5() {
        let old = "Salesforceは、Core製品(1st Party)基準ですべてのお客様データ（本番、Sandbox含め）に対してストレージレベルの暗号化を実施しています。";
        let new = old.replacen("基準ですべて", "基準で、すべて", 1);
        let (a, b) = changed_runs(old, &new);
        let a: Vec<&str> = a.iter().map(|r| &old[r.clone()]).collect();
        let b: Vec<&str> = b.iter().map(|r| &new[r.clone()]).collect();
        // The phrase that changed, whole, in both columns; nothing else.
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(b.len(), 1, "{b:?}");
        assert!(a[0].contains("基準で") && !a[0].contains('、'), "{a:?}");
        assert!(b[0].contains("基準で、"), "{b:?}");
        assert!(
            a[0].chars().count() <= 8 && b[0].chars().count() <= 9,
            "{a:?} {b:?}"
        );
    }
}

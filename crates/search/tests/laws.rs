//! Recall on real text: laws split into articles, queried with 2-4 character fragments that
//! mostly do not fall on word boundaries (the calibration's failure case for word-only indexes).
//! Skips when the shared data is absent.

use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

use gongkai_search::{DocKind, SearchDoc, SearchEngine, SearchRequest};

fn laws_path() -> Option<PathBuf> {
    let base = std::env::var_os("GONGKAI_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let p = base.join("data/laws/lawrefbook_laws.jsonl");
    p.exists().then_some(p)
}

/// Articles (a 第…条 paragraph and its continuation paragraphs) of the first `n_laws` laws,
/// titled by their law.
fn articles(path: &PathBuf, n_laws: usize) -> Vec<SearchDoc> {
    let file = std::fs::File::open(path).expect("open laws");
    let mut docs = Vec::new();
    for line in std::io::BufReader::new(file).lines().take(n_laws) {
        let v: serde_json::Value = serde_json::from_str(&line.expect("line")).expect("json");
        let title = v["title"].as_str().unwrap_or_default();
        let body = v["body"].as_str().unwrap_or_default();
        let mut current: Option<String> = None;
        for para in body
            .split("\n\n")
            .map(str::trim)
            .filter(|p| !p.is_empty() && !p.starts_with('#'))
        {
            let head: String = para.chars().take(10).collect();
            if para.starts_with('第') && head.contains('条') {
                docs.extend(
                    current
                        .replace(para.to_string())
                        .map(|b| (title.to_string(), b)),
                );
            } else if let Some(a) = current.as_mut() {
                a.push('\n');
                a.push_str(para);
            }
        }
        docs.extend(current.map(|b| (title.to_string(), b)));
    }
    docs.into_iter()
        .enumerate()
        .map(|(i, (title, body))| SearchDoc::new(DocKind::Item, i, title, body))
        .collect()
}

/// Deterministic Han-only fragments of 2-4 characters from every 11th article body.
fn fragments(docs: &[SearchDoc]) -> Vec<String> {
    let mut out = Vec::new();
    for (i, d) in docs.iter().enumerate().step_by(11) {
        let chars: Vec<char> = d.body.chars().collect();
        let len = 2 + i % 3;
        let start = (i * 7) % chars.len().max(1);
        let frag: String = chars.iter().skip(start).take(len).collect();
        if frag.chars().count() == len
            && frag.chars().all(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))
        {
            out.push(frag);
        }
    }
    out
}

#[test]
fn every_fragment_of_real_laws_is_found() {
    let Some(path) = laws_path() else {
        eprintln!("skipping: shared laws data not found (set GONGKAI_SHARED)");
        return;
    };
    let docs = articles(&path, 60);
    assert!(docs.len() > 500, "{}", docs.len());
    let engine = SearchEngine::open_in_ram().unwrap();
    // Synonym expansion would widen some fragments beyond their literal occurrences.
    engine.set_synonyms(Vec::new());
    let t = Instant::now();
    engine.upsert(&docs).unwrap();
    engine.commit().unwrap();
    eprintln!("indexed {} articles in {:?}", docs.len(), t.elapsed());

    let frags = fragments(&docs);
    assert!(frags.len() > 40, "{}", frags.len());
    let mut not_words = 0;
    for f in &frags {
        let expected = docs
            .iter()
            .filter(|d| d.title.contains(f.as_str()) || d.body.contains(f.as_str()))
            .count() as u64;
        assert!(expected > 0);
        if !gongkai_search::dict::has_word(f) {
            not_words += 1;
        }
        // As a phrase: exactly the documents holding the fragment.
        let exact = engine
            .search(&SearchRequest::new(format!("\"{f}\"")))
            .unwrap();
        assert_eq!(exact.total, expected, "\"{f}\"");
        assert!(exact.total_is_exact);
        // As typed: its words AND-ed, so at least those documents, with a mark in every hit.
        let typed = engine.search(&SearchRequest::new(f.clone())).unwrap();
        assert!(typed.total >= expected, "{f}: {} < {expected}", typed.total);
        for h in &typed.hits {
            assert!(
                h.title_html.contains("<mark>") || h.snippet_html.contains("<mark>"),
                "{f}: {h:?}"
            );
        }
    }
    eprintln!(
        "{} fragments, {not_words} of them not dictionary words",
        frags.len()
    );
    assert!(
        not_words * 3 > frags.len(),
        "the sample should be mostly non-words"
    );
}

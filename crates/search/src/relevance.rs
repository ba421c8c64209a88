//! 同义词 and 置顶 — the relevance tools admins tune at runtime: synonym groups expanded at query
//! time, and best bets pinning chosen documents to the top of a query's results.

use std::collections::HashMap;

use crate::text::{fold, normalize_key};

/// Built-in synonym groups, one group a line, terms separated by `,` or whitespace.
pub const BUILTIN_SYNONYMS: &str = include_str!("../data/synonyms.txt");

/// Parses the built-in synonym file into groups.
pub fn default_synonyms() -> Vec<Vec<String>> {
    BUILTIN_SYNONYMS
        .lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .map(|l| {
            l.split(|c: char| c == ',' || c == '，' || c.is_whitespace())
                .filter(|t| !t.is_empty())
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .filter(|g| g.len() >= 2)
        .collect()
}

/// Groups of equivalent terms. A term in several given groups joins them into one, so
/// equivalence stays transitive and every term has exactly one group.
#[derive(Debug, Default, Clone)]
pub(crate) struct Synonyms {
    groups: Vec<Vec<String>>,
    by_term: HashMap<String, usize>,
    /// Longest term in characters, bounding how many query words a term can span.
    max_chars: usize,
}

impl Synonyms {
    pub fn new(groups: Vec<Vec<String>>) -> Synonyms {
        // Union-find over the given groups, joined through shared terms.
        let cleaned: Vec<Vec<String>> = groups
            .into_iter()
            .map(|g| {
                let mut g: Vec<String> = g
                    .iter()
                    .map(|t| fold(t.trim()))
                    .filter(|t| !t.is_empty() && !t.chars().any(char::is_whitespace))
                    .collect();
                let mut seen = std::collections::HashSet::new();
                g.retain(|t| seen.insert(t.clone()));
                g
            })
            .filter(|g| g.len() >= 2)
            .collect();
        let mut parent: Vec<usize> = (0..cleaned.len()).collect();
        fn find(p: &mut [usize], mut i: usize) -> usize {
            while p[i] != i {
                p[i] = p[p[i]];
                i = p[i];
            }
            i
        }
        let mut owner: HashMap<&str, usize> = HashMap::new();
        for (gi, g) in cleaned.iter().enumerate() {
            for t in g {
                if let Some(&other) = owner.get(t.as_str()) {
                    let (a, b) = (find(&mut parent, gi), find(&mut parent, other));
                    parent[a] = b;
                } else {
                    owner.insert(t, gi);
                }
            }
        }
        let mut root_to_new: HashMap<usize, usize> = HashMap::new();
        let mut out = Synonyms::default();
        for (gi, g) in cleaned.iter().enumerate() {
            let root = find(&mut parent, gi);
            let ni = *root_to_new.entry(root).or_insert_with(|| {
                out.groups.push(Vec::new());
                out.groups.len() - 1
            });
            for t in g {
                if !out.by_term.contains_key(t) {
                    out.by_term.insert(t.clone(), ni);
                    out.max_chars = out.max_chars.max(t.chars().count());
                    out.groups[ni].push(t.clone());
                }
            }
        }
        out
    }

    /// The group holding the (folded) term, the term itself first.
    pub fn expand(&self, term: &str) -> Option<Vec<String>> {
        let g = &self.groups[*self.by_term.get(term)?];
        let mut out = Vec::with_capacity(g.len());
        out.push(term.to_string());
        out.extend(g.iter().filter(|t| *t != term).cloned());
        Some(out)
    }

    pub fn max_chars(&self) -> usize {
        self.max_chars
    }

    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }
}

/// 置顶 — best bets: a query (normalised: widths folded, lower case, single spaces) mapped to
/// the ids of documents shown first, in the given order.
#[derive(Debug, Default, Clone)]
pub(crate) struct BestBets {
    by_query: HashMap<String, Vec<String>>,
}

impl BestBets {
    pub fn new(map: HashMap<String, Vec<String>>) -> BestBets {
        let mut by_query: HashMap<String, Vec<String>> = HashMap::new();
        for (q, ids) in map {
            let key = normalize_key(&q);
            if key.is_empty() {
                continue;
            }
            let entry = by_query.entry(key).or_default();
            for id in ids
                .into_iter()
                .map(|i| i.trim().to_string())
                .filter(|i| !i.is_empty())
            {
                if !entry.contains(&id) {
                    entry.push(id);
                }
            }
        }
        by_query.retain(|_, v| !v.is_empty());
        BestBets { by_query }
    }

    pub fn for_query(&self, q: &str) -> &[String] {
        self.by_query
            .get(&normalize_key(q))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn to_map(&self) -> HashMap<String, Vec<String>> {
        self.by_query.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(v: &[&[&str]]) -> Vec<Vec<String>> {
        v.iter()
            .map(|g| g.iter().map(|s| s.to_string()).collect())
            .collect()
    }

    #[test]
    fn groups_sharing_a_term_merge() {
        let s = Synonyms::new(g(&[
            &["低保", "最低生活保障"],
            &["最低生活保障", "低保金"],
            &["医保", "医疗保险"],
        ]));
        assert_eq!(s.groups().len(), 2);
        let e = s.expand("低保金").unwrap();
        assert_eq!(e[0], "低保金");
        assert!(e.contains(&"低保".to_string()) && e.contains(&"最低生活保障".to_string()));
        assert!(s.expand("养老").is_none());
        assert_eq!(s.max_chars(), 6);
    }

    #[test]
    fn degenerate_groups_are_dropped() {
        let s = Synonyms::new(g(&[&["低保"], &["", " "], &["a b", "c"], &["Ｘ", "x"]]));
        assert!(s.groups().is_empty(), "{:?}", s.groups());
    }

    #[test]
    fn default_synonyms_parse() {
        let d = default_synonyms();
        assert!(d
            .iter()
            .any(|g| g.contains(&"低保".to_string()) && g.contains(&"最低生活保障".to_string())));
    }

    #[test]
    fn best_bets_normalise_queries() {
        let mut m = HashMap::new();
        m.insert(
            "  政府信息公开  指南 ".to_string(),
            vec!["item:1".to_string(), "item:1".to_string(), " ".to_string()],
        );
        m.insert("空".to_string(), vec![]);
        let b = BestBets::new(m);
        assert_eq!(b.for_query("政府信息公开 指南"), ["item:1".to_string()]);
        assert!(b.for_query("空").is_empty());
        assert_eq!(b.to_map().len(), 1);
    }
}

//! 留言分类 — the three-level category tree of letters (e.g. 城乡建设 › 安全生产 › 安全隐患).

use serde::{Deserialize, Serialize};

use crate::DomainError;

/// A category: the first level alone, the first two, or all three.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CategoryPath(Vec<String>);

impl CategoryPath {
    /// Parses `l1/l2/l3` (one to three non-empty levels; `›` and `>` are accepted as separators).
    pub fn parse(s: &str) -> Result<CategoryPath, DomainError> {
        let levels: Vec<String> = s
            .split(['/', '›', '>'])
            .map(|p| p.trim().to_string())
            .collect();
        if levels.is_empty() || levels.len() > 3 || levels.iter().any(|l| l.is_empty()) {
            return Err(DomainError::invalid(
                "category",
                format!("分类应为一至三级，以 / 分隔：{s:?}"),
            ));
        }
        if levels.iter().any(|l| l.chars().count() > 40) {
            return Err(DomainError::invalid("category", "分类名称不能超过 40 个字"));
        }
        Ok(CategoryPath(levels))
    }

    pub fn from_levels(levels: &[&str]) -> Result<CategoryPath, DomainError> {
        CategoryPath::parse(&levels.join("/"))
    }

    pub fn levels(&self) -> &[String] {
        &self.0
    }

    pub fn depth(&self) -> usize {
        self.0.len()
    }

    /// Whether `self` is `other` or one of its ancestors.
    pub fn covers(&self, other: &CategoryPath) -> bool {
        other.0.len() >= self.0.len() && other.0[..self.0.len()] == self.0[..]
    }

    /// The stored form, `l1/l2/l3`.
    pub fn as_code(&self) -> String {
        self.0.join("/")
    }

    /// The form shown to people, `l1 › l2 › l3`.
    pub fn label(&self) -> String {
        self.0.join(" › ")
    }
}

impl std::fmt::Display for CategoryPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.as_code())
    }
}

/// The configurable tree: its leaves in order; the inner levels are implied by them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CategoryTree {
    leaves: Vec<CategoryPath>,
}

#[derive(Deserialize)]
struct Row {
    l1: String,
    #[serde(default)]
    l2: String,
    #[serde(default)]
    l3: String,
}

impl CategoryTree {
    pub fn new(leaves: Vec<CategoryPath>) -> CategoryTree {
        let mut seen = std::collections::HashSet::new();
        CategoryTree {
            leaves: leaves
                .into_iter()
                .filter(|l| seen.insert(l.clone()))
                .collect(),
        }
    }

    /// Reads the taxonomy file's lines `{"l1": …, "l2": …, "l3": …}`; a bad line is an error
    /// naming its line number. Duplicates are dropped, first order kept.
    pub fn from_jsonl(text: &str) -> Result<CategoryTree, DomainError> {
        let mut leaves = vec![];
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let row: Row = serde_json::from_str(line)
                .map_err(|e| DomainError::invalid("category", format!("line {}: {e}", n + 1)))?;
            let levels: Vec<&str> = [row.l1.as_str(), row.l2.as_str(), row.l3.as_str()]
                .into_iter()
                .filter(|l| !l.trim().is_empty())
                .collect();
            leaves.push(
                CategoryPath::from_levels(&levels).map_err(|e| {
                    DomainError::invalid("category", format!("line {}: {e}", n + 1))
                })?,
            );
        }
        Ok(CategoryTree::new(leaves))
    }

    pub fn leaves(&self) -> &[CategoryPath] {
        &self.leaves
    }

    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// Whether `path` is a node of the tree (a leaf or an ancestor of one).
    pub fn contains(&self, path: &CategoryPath) -> bool {
        self.leaves.iter().any(|l| path.covers(l))
    }

    /// The distinct first-level names, in order.
    pub fn top_level(&self) -> Vec<String> {
        let mut out: Vec<String> = vec![];
        for l in &self.leaves {
            if !out.contains(&l.0[0]) {
                out.push(l.0[0].clone());
            }
        }
        out
    }

    /// A category for a letter by its words: the leaf whose last level (or, failing that, whose
    /// second level) occurs in the text, preferring the longest name; `其他` never matches.
    /// Used for letters arriving without a category (imports, staff entry by telephone).
    pub fn suggest(&self, text: &str) -> Option<CategoryPath> {
        let mut best: Option<(usize, usize, &CategoryPath)> = None;
        for (depth_rank, level) in [(2usize, 2usize), (1, 1)] {
            for leaf in &self.leaves {
                let Some(name) = leaf.0.get(level) else {
                    continue;
                };
                if name == "其他" || name.chars().count() < 2 {
                    continue;
                }
                let len = name.chars().count();
                if text.contains(name.as_str())
                    && best.is_none_or(|(r, l, _)| (depth_rank, len) > (r, l))
                {
                    best = Some((depth_rank, len, leaf));
                }
            }
        }
        // A second-level match names only the first two levels: it does not know the third.
        best.map(|(rank, _, l)| CategoryPath(l.0[..=rank].to_vec()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"{"l1": "城乡建设", "l2": "安全生产", "l3": "事故处理"}
{"l1": "城乡建设", "l2": "城市建设和市政管理", "l3": "燃气供应"}
{"l1": "城乡建设", "l2": "城市建设和市政管理", "l3": "其他"}
{"l1": "教育文体", "l2": "教育", "l3": "学前教育"}
{"l1": "教育文体", "l2": "教育", "l3": "学前教育"}
"#;

    #[test]
    fn reads_the_taxonomy_file_and_drops_duplicates() {
        let t = CategoryTree::from_jsonl(SAMPLE).unwrap();
        assert_eq!(t.leaves().len(), 4);
        assert_eq!(t.top_level(), vec!["城乡建设", "教育文体"]);
        assert!(t.contains(&CategoryPath::parse("城乡建设/安全生产").unwrap()));
        assert!(t.contains(&CategoryPath::parse("教育文体").unwrap()));
        assert!(!t.contains(&CategoryPath::parse("教育文体/体育").unwrap()));
    }

    #[test]
    fn the_real_taxonomy_has_three_levels_everywhere() {
        let Ok(dir) = std::env::var("GONGKAI_SHARED") else {
            return;
        };
        let text = std::fs::read_to_string(format!(
            "{dir}/data/letters/taidi2020_category_taxonomy.jsonl"
        ))
        .unwrap();
        let t = CategoryTree::from_jsonl(&text).unwrap();
        assert!(t.leaves().len() > 500, "{}", t.leaves().len());
        assert!(t.leaves().iter().all(|l| l.depth() == 3));
        assert_eq!(t.top_level().len(), 15);
    }

    #[test]
    fn a_bad_line_is_named() {
        let e = CategoryTree::from_jsonl("{\"l1\": \"a\"}\nnot json\n").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
        let e = CategoryTree::from_jsonl("{\"l1\": \"\"}\n").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn paths_parse_and_cover_their_descendants() {
        let a = CategoryPath::parse(" 城乡建设 / 安全生产 ").unwrap();
        assert_eq!(a.as_code(), "城乡建设/安全生产");
        assert_eq!(a.label(), "城乡建设 › 安全生产");
        let b = CategoryPath::parse("城乡建设/安全生产/事故处理").unwrap();
        assert!(a.covers(&b) && !b.covers(&a) && a.covers(&a));
        assert!(CategoryPath::parse("a//b").is_err());
        assert!(CategoryPath::parse("a/b/c/d").is_err());
        assert!(CategoryPath::parse("").is_err());
    }

    #[test]
    fn suggests_the_most_specific_named_category() {
        let t = CategoryTree::from_jsonl(SAMPLE).unwrap();
        assert_eq!(
            t.suggest("小区燃气供应不足，请领导解决").unwrap().as_code(),
            "城乡建设/城市建设和市政管理/燃气供应"
        );
        assert_eq!(
            t.suggest("关于安全生产的建议").unwrap().as_code(),
            "城乡建设/安全生产"
        );
        assert_eq!(t.suggest("其他问题"), None);
    }
}

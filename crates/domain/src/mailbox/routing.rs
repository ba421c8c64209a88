//! 转办规则 — which organisation answers letters of a category.

use serde::{Deserialize, Serialize};

use super::CategoryPath;

/// Letters in `category` (or below it) go to `org_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingRule {
    pub category: CategoryPath,
    pub org_id: i64,
}

/// The organisation of the most specific rule covering `category`; `None` when no rule does
/// (the letter then waits in the addressed organisation's inbox for routing by hand).
pub fn route(rules: &[RoutingRule], category: &CategoryPath) -> Option<i64> {
    rules
        .iter()
        .filter(|r| r.category.covers(category))
        .max_by_key(|r| r.category.depth())
        .map(|r| r.org_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(c: &str, org_id: i64) -> RoutingRule {
        RoutingRule {
            category: CategoryPath::parse(c).unwrap(),
            org_id,
        }
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let rules = [
            rule("城乡建设", 10),
            rule("城乡建设/城市建设和市政管理/燃气供应", 11),
            rule("城乡建设/安全生产", 12),
            rule("教育文体", 20),
        ];
        let c = |s| CategoryPath::parse(s).unwrap();
        assert_eq!(
            route(&rules, &c("城乡建设/城市建设和市政管理/燃气供应")),
            Some(11)
        );
        assert_eq!(
            route(&rules, &c("城乡建设/城市建设和市政管理/公园管理")),
            Some(10)
        );
        assert_eq!(route(&rules, &c("城乡建设/安全生产/事故处理")), Some(12));
        assert_eq!(route(&rules, &c("教育文体/教育")), Some(20));
        assert_eq!(route(&rules, &c("政法/治安")), None);
        // A rule deeper than the letter's category does not catch it.
        assert_eq!(route(&[rule("教育文体/教育", 5)], &c("教育文体")), None);
    }
}

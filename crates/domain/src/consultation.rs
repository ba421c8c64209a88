//! 公开征求意见 — consultations on a draft document: the draft is split into sections (章、条 or
//! numbered headings) so each comment is anchored to the part it is about; at the end the owner
//! publishes how comments were adopted (采纳情况), comment by comment with reasons, and the counts.

use serde::{Deserialize, Serialize};

use crate::item::FieldErrors;

vocabulary!(
    /// 采纳情况 — what became of a comment.
    Adoption, "adoption" {
        Pending => "pending", "待研究";
        Adopted => "adopted", "采纳";
        PartlyAdopted => "partly_adopted", "部分采纳";
        NotAdopted => "not_adopted", "未采纳";
    }
);

impl Adoption {
    /// A decision other than "adopted" must say why (the feedback report publishes the reason).
    pub fn needs_reason(self) -> bool {
        matches!(self, Adoption::PartlyAdopted | Adoption::NotAdopted)
    }
}

/// One section of a draft: a heading (第一条, 一、…) and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    pub heading: String,
    pub text: String,
}

fn is_heading(line: &str) -> bool {
    let l = line.trim_start();
    // 第一章 / 第十二条 / 第3条
    if let Some(rest) = l.strip_prefix('第') {
        let num: String = rest
            .chars()
            .take_while(|c| "零一二三四五六七八九十百千0123456789".contains(*c))
            .collect();
        if !num.is_empty() {
            let after = rest[num.len()..].chars().next();
            return matches!(after, Some('章' | '条' | '节' | '部'));
        }
    }
    // 一、 / 十二、
    let num: String = l
        .chars()
        .take_while(|c| "一二三四五六七八九十".contains(*c))
        .collect();
    !num.is_empty() && l[num.len()..].starts_with('、')
}

/// Splits a draft (plain text, one paragraph per line) into sections at each heading line. Text
/// before the first heading becomes a section headed 说明. Errors name the field `draft`.
pub fn split_sections(draft: &str) -> Result<Vec<Section>, FieldErrors> {
    let mut out: Vec<Section> = Vec::new();
    for line in draft.lines() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        if is_heading(line) {
            // "第一条 本办法…" keeps the article number as the heading and the rest as text.
            let (head, rest) = match line.find([' ', '　']) {
                Some(i) if line.starts_with('第') => (&line[..i], line[i..].trim()),
                _ => (line, ""),
            };
            out.push(Section {
                heading: head.chars().take(60).collect(),
                text: rest.to_string(),
            });
        } else {
            match out.last_mut() {
                Some(s) => {
                    if !s.text.is_empty() {
                        s.text.push('\n');
                    }
                    s.text.push_str(line);
                }
                None => out.push(Section {
                    heading: "说明".into(),
                    text: line.to_string(),
                }),
            }
        }
    }
    let mut e = FieldErrors::default();
    if out.is_empty() {
        e.add("draft", "请填写征求意见稿正文");
    } else if out.len() > 300 {
        e.add("draft", "征求意见稿最多 300 个条款");
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}

/// Checks a comment from the public: a known section, 5 to 2000 characters.
pub fn check_comment(
    sections: usize,
    section: &str,
    body: &str,
) -> Result<(usize, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let idx = section
        .trim()
        .parse::<usize>()
        .ok()
        .filter(|i| *i < sections);
    if idx.is_none() {
        e.add("section", "请选择意见针对的条款");
    }
    let body = body.trim();
    let n = body.chars().count();
    if n < 5 {
        e.add("body", "请填写您的意见（至少 5 个字）");
    } else if n > 2000 {
        e.add("body", "意见不超过 2000 字");
    }
    match idx {
        Some(i) if e.is_empty() => Ok((i, body.to_string())),
        _ => Err(e),
    }
}

/// Counts for the feedback report: how many comments, and how many of each decision.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AdoptionCounts {
    pub total: usize,
    pub adopted: usize,
    pub partly_adopted: usize,
    pub not_adopted: usize,
    pub pending: usize,
}

pub fn count_adoption(decisions: &[Adoption]) -> AdoptionCounts {
    let mut c = AdoptionCounts {
        total: decisions.len(),
        ..Default::default()
    };
    for d in decisions {
        match d {
            Adoption::Adopted => c.adopted += 1,
            Adoption::PartlyAdopted => c.partly_adopted += 1,
            Adoption::NotAdopted => c.not_adopted += 1,
            Adoption::Pending => c.pending += 1,
        }
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_split_at_articles_and_numbered_headings() {
        let s = split_sections(
            "为规范管理，制定本办法。\n第一条 为了规范养犬行为，制定本办法。\n第二条　本办法适用于本市行政区域。\n居住区内应当拴绳。\n\n一、附则\n本办法自发布之日起施行。",
        )
        .unwrap();
        let heads: Vec<&str> = s.iter().map(|x| x.heading.as_str()).collect();
        assert_eq!(heads, ["说明", "第一条", "第二条", "一、附则"]);
        assert_eq!(s[2].text, "本办法适用于本市行政区域。\n居住区内应当拴绳。");
        assert!(split_sections("  \n ").is_err());
        // Not headings: "第一次" and "一些".
        let s = split_sections("第一次会议\n一些说明").unwrap();
        assert_eq!(s.len(), 1);
    }

    #[test]
    fn comments_are_anchored_to_a_known_section() {
        assert_eq!(
            check_comment(3, "2", " 建议明确拴绳长度。 ").unwrap(),
            (2, "建议明确拴绳长度。".into())
        );
        assert!(check_comment(3, "3", "建议明确拴绳长度。")
            .unwrap_err()
            .get("section")
            .is_some());
        assert!(check_comment(3, "x", "建议明确拴绳长度。").is_err());
        assert!(check_comment(3, "0", "短")
            .unwrap_err()
            .get("body")
            .is_some());
    }

    #[test]
    fn adoption_counts_and_reasons() {
        use Adoption::*;
        let c = count_adoption(&[Adopted, Adopted, NotAdopted, PartlyAdopted, Pending]);
        assert_eq!(
            (
                c.total,
                c.adopted,
                c.partly_adopted,
                c.not_adopted,
                c.pending
            ),
            (5, 2, 1, 1, 1)
        );
        assert!(
            NotAdopted.needs_reason() && PartlyAdopted.needs_reason() && !Adopted.needs_reason()
        );
    }
}

//! 在线访谈 and 新闻发布会 — online interviews and press conferences: an event with a topic, a time,
//! guests (访谈嘉宾) or speakers (发布人), an organisation, and afterwards a transcript (文字实录) and
//! media links. The public may send questions to an interview before and during it (网民提问); staff
//! moderate them and answer the ones taken up.

use serde::{Deserialize, Serialize};

use crate::item::FieldErrors;

vocabulary!(
    /// Which kind of event.
    EventKind, "kind" {
        Interview => "interview", "在线访谈";
        PressConference => "press_conference", "新闻发布会";
    }
);

vocabulary!(
    /// 网民提问的状态 — where a question from the public is in moderation.
    QuestionStatus, "status" {
        Pending => "pending", "待审核";
        Accepted => "accepted", "已采用";
        Answered => "answered", "已答复";
        Rejected => "rejected", "未采用";
    }
);

impl QuestionStatus {
    /// Whether the public sees the question on the interview page.
    pub fn is_public(self) -> bool {
        matches!(self, QuestionStatus::Accepted | QuestionStatus::Answered)
    }

    /// A moderator's move: accept or reject a pending question; answer an accepted (or a pending)
    /// one; a rejected question may be accepted later, an answered one keeps its answer.
    pub fn apply(self, action: ModerationAction) -> Result<QuestionStatus, String> {
        use ModerationAction as A;
        use QuestionStatus as S;
        match (self, action) {
            (S::Pending | S::Rejected, A::Accept) => Ok(S::Accepted),
            (S::Pending | S::Accepted, A::Reject) => Ok(S::Rejected),
            (S::Pending | S::Accepted | S::Answered, A::Answer) => Ok(S::Answered),
            (s, a) => Err(format!("“{}”的提问不能{}", s.label_zh(), a.label_zh())),
        }
    }
}

vocabulary!(
    /// What a moderator does with a question.
    ModerationAction, "action" {
        Accept => "accept", "采用";
        Reject => "reject", "不采用";
        Answer => "answer", "答复";
    }
);

/// Longest question from the public (characters).
pub const MAX_QUESTION: usize = 500;

/// Checks a question from the public: not empty, not too long. Returns it trimmed.
pub fn check_question(body: &str, nickname: &str) -> Result<(String, String), FieldErrors> {
    let mut e = FieldErrors::default();
    let body = body.trim();
    let nickname = nickname.trim();
    let n = body.chars().count();
    if n < 5 {
        e.add("body", "请填写您的问题（至少 5 个字）");
    } else if n > MAX_QUESTION {
        e.add("body", format!("问题不超过 {MAX_QUESTION} 字"));
    }
    if nickname.chars().count() > 20 {
        e.add("nickname", "昵称不超过 20 字");
    }
    if e.is_empty() {
        Ok((
            body.to_string(),
            if nickname.is_empty() {
                "网友".to_string()
            } else {
                nickname.to_string()
            },
        ))
    } else {
        Err(e)
    }
}

/// A media link (视频、音频、图片直播) of an event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaLink {
    pub label: String,
    pub url: String,
}

/// Parses media links typed one per line as `说明 | https://…` (or just the address). Only
/// `http(s)` addresses without spaces or quotes are taken; errors name the field `media` and line.
pub fn parse_media_links(text: &str) -> Result<Vec<MediaLink>, FieldErrors> {
    let mut out = Vec::new();
    let mut e = FieldErrors::default();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (label, url) = match line.rsplit_once(['|', '｜']) {
            Some((l, u)) => (l.trim(), u.trim()),
            None => ("", line),
        };
        let ok = (url.starts_with("https://") || url.starts_with("http://"))
            && url.len() > 8
            && url.len() <= 500
            && !url.contains(char::is_whitespace)
            && !url.contains(['"', '<', '>', '\'']);
        if !ok {
            e.add(
                "media",
                format!(
                    "第 {} 行：链接应以 http:// 或 https:// 开头，且不含空格",
                    i + 1
                ),
            );
            continue;
        }
        out.push(MediaLink {
            label: if label.is_empty() {
                "视频".into()
            } else {
                label.chars().take(50).collect()
            },
            url: url.to_string(),
        });
    }
    if e.is_empty() {
        Ok(out)
    } else {
        Err(e)
    }
}

/// Writes media links back in the editor's form.
pub fn media_links_text(links: &[MediaLink]) -> String {
    links
        .iter()
        .map(|l| format!("{} | {}\n", l.label, l.url))
        .collect()
}

/// Guests or speakers typed one per line (`姓名 职务`), blank lines dropped.
pub fn parse_people(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| l.chars().take(100).collect())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moderation_moves() {
        use ModerationAction::*;
        use QuestionStatus::*;
        assert_eq!(Pending.apply(Accept), Ok(Accepted));
        assert_eq!(Pending.apply(Reject), Ok(Rejected));
        assert_eq!(Accepted.apply(Answer), Ok(Answered));
        assert_eq!(Rejected.apply(Accept), Ok(Accepted));
        assert!(Rejected.apply(Answer).is_err());
        assert!(Answered.apply(Reject).is_err());
        assert!(Answered.apply(Accept).is_err());
        assert!(!Pending.is_public() && !Rejected.is_public());
        assert!(Accepted.is_public() && Answered.is_public());
    }

    #[test]
    fn questions_from_the_public_are_checked() {
        assert_eq!(
            check_question("  老旧小区加装电梯有补贴吗？ ", "").unwrap(),
            ("老旧小区加装电梯有补贴吗？".to_string(), "网友".to_string())
        );
        assert!(check_question("你好", "")
            .unwrap_err()
            .get("body")
            .is_some());
        let long = "问".repeat(MAX_QUESTION + 1);
        assert!(check_question(&long, "").is_err());
        assert!(check_question("一个正常的问题", &"名".repeat(21))
            .unwrap_err()
            .get("nickname")
            .is_some());
    }

    #[test]
    fn media_links_parse_and_refuse_bad_addresses() {
        let l = parse_media_links(
            "访谈视频 | https://v.example.gov.cn/a.mp4\n\nhttps://v.example.gov.cn/b\n",
        )
        .unwrap();
        assert_eq!(l.len(), 2);
        assert_eq!(l[0].label, "访谈视频");
        assert_eq!(l[1].label, "视频");
        assert_eq!(parse_media_links(&media_links_text(&l)).unwrap(), l);
        let e = parse_media_links("视频 | javascript:alert(1)").unwrap_err();
        assert!(e.get("media").unwrap().contains("第 1 行"));
        assert!(parse_media_links("https://a.b/\"onmouseover=x").is_err());
        assert_eq!(
            parse_people("张三 局长\n\n 李四 副局长 "),
            vec!["张三 局长", "李四 副局长"]
        );
    }
}

//! 告知书 — the reply notice sent to the applicant, written from a template per outcome category
//! of table 三: the request recalled, the decision with its legal basis, the handler's reply text,
//! the remedies (复议 within 60 days, 诉讼 within 6 months) and the agency's signature. Pure text;
//! the reporting crate lays it out as PDF or DOCX.

use chrono::NaiveDate;
use serde::Serialize;

use super::{Outcome, OutcomeCategory};

/// The facts a notice is written from.
#[derive(Debug, Clone)]
pub struct NoticeFacts<'a> {
    pub agency: &'a str,
    pub tracking_code: &'a str,
    pub applicant: &'a str,
    pub received_on: NaiveDate,
    pub answered_on: NaiveDate,
    pub description: &'a str,
    pub outcome: Outcome,
    pub reply_text: &'a str,
    /// 复议机关 — where a reconsideration goes (the agency's superior or the government at its level).
    pub reconsideration_body: &'a str,
}

/// The notice as headed text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplyNotice {
    pub title: String,
    /// 文书编号 shown under the title.
    pub number: String,
    /// The salutation line: "张三：".
    pub addressee: String,
    pub paragraphs: Vec<String>,
    pub signer: String,
    pub date: String,
}

fn cn_date(d: NaiveDate) -> String {
    d.format("%Y年%-m月%-d日").to_string()
}

fn short(c: OutcomeCategory) -> &'static str {
    match c {
        OutcomeCategory::Disclosed => "予以公开",
        OutcomeCategory::PartiallyDisclosed => "部分公开",
        OutcomeCategory::NotDisclosed => "不予公开",
        OutcomeCategory::UnableToProvide => "无法提供",
        OutcomeCategory::NotProcessed => "不予处理",
        OutcomeCategory::Other => "其他处理",
    }
}

/// The decision paragraph of an outcome: what the agency decided and on which article.
fn decision(outcome: Outcome) -> String {
    let basis = outcome
        .article()
        .map(|a| format!("根据《中华人民共和国政府信息公开条例》{a}的规定，"))
        .unwrap_or_default();
    match outcome.category() {
        OutcomeCategory::Disclosed => {
            format!("经审查，{basis}您申请获取的政府信息属于公开范围，本机关决定予以公开，现将有关信息提供给您。")
        }
        OutcomeCategory::PartiallyDisclosed => format!(
            "经审查，您申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。{basis}本机关向您提供可以公开的部分，并说明不予公开部分的理由。"
        ),
        OutcomeCategory::NotDisclosed => format!(
            "经审查，您申请获取的政府信息{}。{basis}本机关决定不予公开。",
            outcome.label()
        ),
        OutcomeCategory::UnableToProvide => format!(
            "经查，{}。{basis}本机关无法向您提供该政府信息。",
            outcome.label()
        ),
        OutcomeCategory::NotProcessed => format!(
            "经审查，您的申请属于“{}”的情形。{basis}本机关不予处理。",
            outcome.label()
        ),
        OutcomeCategory::Other => format!(
            "经审查，您的申请属于“{}”的情形，{basis}本机关作如下处理。",
            outcome.label()
        ),
    }
}

impl ReplyNotice {
    pub fn write(f: &NoticeFacts<'_>) -> ReplyNotice {
        let mut paragraphs = vec![
            format!(
                "本机关于{}收到您提出的政府信息公开申请（申请编号：{}），您申请获取：“{}”。",
                cn_date(f.received_on),
                f.tracking_code,
                f.description.trim()
            ),
            decision(f.outcome),
        ];
        paragraphs.extend(
            f.reply_text
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
        paragraphs.push(format!(
            "如对本答复不服，可以自收到本答复之日起六十日内向{}申请行政复议，或者自收到本答复之日起六个月内依法向人民法院提起行政诉讼。",
            f.reconsideration_body
        ));
        paragraphs.push("特此告知。".into());
        ReplyNotice {
            title: format!(
                "政府信息公开申请答复告知书（{}）",
                short(f.outcome.category())
            ),
            number: format!(
                "{}依申请答复〔{}〕{}号",
                f.agency,
                f.answered_on.format("%Y"),
                f.tracking_code
            ),
            addressee: format!("{}：", f.applicant.trim()),
            paragraphs,
            signer: f.agency.to_string(),
            date: cn_date(f.answered_on),
        }
    }

    /// A file name for the notice: 告知书-<tracking code>.
    pub fn file_stem(&self, tracking_code: &str) -> String {
        format!("答复告知书-{tracking_code}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(outcome: Outcome) -> NoticeFacts<'static> {
        NoticeFacts {
            agency: "示范市财政局",
            tracking_code: "YS20240102ABCDEF",
            applicant: "张三",
            received_on: "2024-01-02".parse().unwrap(),
            answered_on: "2024-01-20".parse().unwrap(),
            description: "2023年本市老旧小区改造资金使用情况",
            outcome,
            reply_text: "相关信息见附件。\n\n如有疑问请致电。",
            reconsideration_body: "示范市人民政府",
        }
    }

    #[test]
    fn every_outcome_gets_its_decision_and_basis() {
        for &o in Outcome::all() {
            let n = ReplyNotice::write(&facts(o));
            let text = n.paragraphs.join("\n");
            if let Some(a) = o.article() {
                assert!(text.contains(a), "{o:?} cites {a}: {text}");
            }
            assert!(text.contains("六十日内向示范市人民政府申请行政复议"));
            assert!(
                n.title.starts_with("政府信息公开申请答复告知书（"),
                "{}",
                n.title
            );
            assert!(!n.title.contains("（（"), "{}", n.title);
        }
    }

    #[test]
    fn notice_recalls_the_request_and_keeps_the_reply_lines() {
        let n = ReplyNotice::write(&facts(Outcome::NotHeld));
        assert_eq!(n.addressee, "张三：");
        assert!(n.paragraphs[0].contains("2024年1月2日"));
        assert!(n.paragraphs[0].contains("YS20240102ABCDEF"));
        assert!(n.paragraphs[1].contains("本机关不掌握相关政府信息"));
        assert!(n.paragraphs.contains(&"相关信息见附件。".to_string()));
        assert!(n.paragraphs.contains(&"如有疑问请致电。".to_string()));
        assert_eq!(n.date, "2024年1月20日");
        assert_eq!(n.title, "政府信息公开申请答复告知书（无法提供）");
    }
}

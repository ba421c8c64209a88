//! 征集调查 — online surveys: the questions staff write, the window in which the public may
//! answer, which answers a response must carry, and the tallies the results page shows.
//!
//! Staff write the questions as plain text (no JavaScript needed in the back office):
//!
//! ```text
//! [单选*] 您对本市公交服务是否满意？
//! - 满意
//! - 基本满意
//! - 不满意
//! [多选] 您最常乘坐的线路类型
//! - 常规公交
//! - 快速公交
//! [文本] 其他意见和建议
//! ```
//!
//! `[单选]`, `[多选]` or `[文本]` opens a question, `*` marks it required, and `- ` lines are the
//! options of a choice question.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::item::FieldErrors;

vocabulary!(
    /// 题型 — question type.
    QuestionKind, "kind" {
        Single => "single", "单选";
        Multiple => "multiple", "多选";
        Text => "text", "文本";
    }
);

/// Longest text answer kept (characters); longer answers are refused, not cut.
pub const MAX_TEXT_ANSWER: usize = 2000;
const MAX_QUESTIONS: usize = 50;
const MAX_OPTIONS: usize = 30;

/// One question of a survey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub kind: QuestionKind,
    pub prompt: String,
    pub required: bool,
    /// Empty for text questions.
    pub options: Vec<String>,
}

/// Parses the staff's question text (see the module docs). Errors name the field `questions`
/// and the line at fault.
pub fn parse_questions(text: &str) -> Result<Vec<Question>, FieldErrors> {
    let mut out: Vec<Question> = Vec::new();
    let mut errors = FieldErrors::default();
    for (n, raw) in text.lines().enumerate() {
        let line = raw.trim();
        let n = n + 1;
        if line.is_empty() {
            continue;
        }
        if let Some(rest) = line.strip_prefix('[').or_else(|| line.strip_prefix('【')) {
            let Some((tag, prompt)) = rest.split_once([']', '】']) else {
                errors.add("questions", format!("第 {n} 行：题型标记缺少右括号"));
                continue;
            };
            let tag = tag.trim();
            let (tag, required) = match tag.strip_suffix('*') {
                Some(t) => (t.trim(), true),
                None => (tag, false),
            };
            let Ok(kind) = tag.parse::<QuestionKind>() else {
                errors.add(
                    "questions",
                    format!("第 {n} 行：题型“{tag}”无法识别，请用 单选、多选 或 文本"),
                );
                continue;
            };
            let prompt = prompt.trim();
            if prompt.is_empty() {
                errors.add("questions", format!("第 {n} 行：请填写题目"));
                continue;
            }
            if prompt.chars().count() > 300 {
                errors.add("questions", format!("第 {n} 行：题目不超过 300 字"));
                continue;
            }
            out.push(Question {
                kind,
                prompt: prompt.to_string(),
                required,
                options: Vec::new(),
            });
        } else if let Some(opt) = line.strip_prefix(['-', '－', '·']) {
            let opt = opt.trim();
            match out.last_mut() {
                None => errors.add("questions", format!("第 {n} 行：选项前还没有题目")),
                Some(q) if q.kind == QuestionKind::Text => {
                    errors.add("questions", format!("第 {n} 行：文本题没有选项"))
                }
                Some(_) if opt.is_empty() => {
                    errors.add("questions", format!("第 {n} 行：选项不能为空"))
                }
                Some(q) if q.options.iter().any(|o| o == opt) => {
                    errors.add("questions", format!("第 {n} 行：选项“{opt}”重复"))
                }
                Some(q) => q.options.push(opt.to_string()),
            }
        } else {
            errors.add(
                "questions",
                format!("第 {n} 行：每行应以 [单选]、[多选]、[文本] 或 “- 选项” 开头"),
            );
        }
    }
    if errors.is_empty() {
        if out.is_empty() {
            errors.add("questions", "请至少填写一道题");
        } else if out.len() > MAX_QUESTIONS {
            errors.add("questions", format!("一份问卷最多 {MAX_QUESTIONS} 道题"));
        }
        for (i, q) in out.iter().enumerate() {
            if q.kind != QuestionKind::Text && q.options.len() < 2 {
                errors.add(
                    "questions",
                    format!("第 {} 题“{}”至少需要两个选项", i + 1, q.prompt),
                );
            }
            if q.options.len() > MAX_OPTIONS {
                errors.add(
                    "questions",
                    format!("第 {} 题最多 {MAX_OPTIONS} 个选项", i + 1),
                );
            }
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Writes questions back in the editor's text form (`parse_questions(&to_text(q)) == q`).
pub fn to_text(questions: &[Question]) -> String {
    let mut s = String::new();
    for q in questions {
        s.push_str(&format!(
            "[{}{}] {}\n",
            q.kind.label_zh(),
            if q.required { "*" } else { "" },
            q.prompt
        ));
        for o in &q.options {
            s.push_str(&format!("- {o}\n"));
        }
    }
    s
}

/// Where a survey stands at a moment, from its open and close times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Phase {
    NotYetOpen,
    Open,
    Closed,
}

impl Phase {
    pub fn label_zh(self) -> &'static str {
        match self {
            Phase::NotYetOpen => "未开始",
            Phase::Open => "进行中",
            Phase::Closed => "已结束",
        }
    }
}

/// The answering window: open from `opens_at` (inclusive) until `closes_at` (exclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub opens_at: NaiveDateTime,
    pub closes_at: NaiveDateTime,
}

impl Window {
    pub fn new(opens_at: NaiveDateTime, closes_at: NaiveDateTime) -> Result<Window, FieldErrors> {
        if closes_at <= opens_at {
            let mut e = FieldErrors::default();
            e.add("closes_at", "结束时间应晚于开始时间");
            return Err(e);
        }
        Ok(Window {
            opens_at,
            closes_at,
        })
    }

    pub fn phase(&self, now: NaiveDateTime) -> Phase {
        if now < self.opens_at {
            Phase::NotYetOpen
        } else if now < self.closes_at {
            Phase::Open
        } else {
            Phase::Closed
        }
    }
}

/// Whether the public may see the results now: after the close, or while open when the owner
/// chose live results. Never before the survey opens.
pub fn results_visible(phase: Phase, live_results: bool) -> bool {
    match phase {
        Phase::Closed => true,
        Phase::Open => live_results,
        Phase::NotYetOpen => false,
    }
}

/// One question's answer as stored: the chosen option indexes, or the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    Choices(Vec<usize>),
    Text(String),
    Skipped,
}

/// The form field of question `i` (0-based): `q1`, `q2`, ….
pub fn field_name(i: usize) -> String {
    format!("q{}", i + 1)
}

/// Checks what a respondent sent (`q1` → values; option values are 1-based indexes) against the
/// questions: required answers present, one choice for single-choice, known options, text length.
/// Errors are keyed by the question's field name.
pub fn check_answers(
    questions: &[Question],
    sent: &BTreeMap<String, Vec<String>>,
) -> Result<Vec<Answer>, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut out = Vec::with_capacity(questions.len());
    for (i, q) in questions.iter().enumerate() {
        let field = field_name(i);
        let values: Vec<&str> = sent
            .get(&field)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        let answer = match q.kind {
            QuestionKind::Text => match values.as_slice() {
                [] => Answer::Skipped,
                [t] if t.chars().count() > MAX_TEXT_ANSWER => {
                    errors.add(&field, format!("回答不超过 {MAX_TEXT_ANSWER} 字"));
                    Answer::Skipped
                }
                [t] => Answer::Text(t.to_string()),
                _ => {
                    errors.add(&field, "只能填写一个回答");
                    Answer::Skipped
                }
            },
            QuestionKind::Single | QuestionKind::Multiple => {
                let mut picked = Vec::new();
                let mut bad = false;
                for v in &values {
                    match v.parse::<usize>() {
                        Ok(n) if (1..=q.options.len()).contains(&n) => {
                            if !picked.contains(&(n - 1)) {
                                picked.push(n - 1)
                            }
                        }
                        _ => bad = true,
                    }
                }
                picked.sort_unstable();
                if bad {
                    errors.add(&field, "所选选项不存在，请重新选择");
                    Answer::Skipped
                } else if q.kind == QuestionKind::Single && picked.len() > 1 {
                    errors.add(&field, "此题只能选择一项");
                    Answer::Skipped
                } else if picked.is_empty() {
                    Answer::Skipped
                } else {
                    Answer::Choices(picked)
                }
            }
        };
        if q.required && answer == Answer::Skipped && errors.get(&field).is_none() {
            errors.add(
                &field,
                match q.kind {
                    QuestionKind::Text => "此题为必答题，请填写",
                    _ => "此题为必答题，请选择",
                },
            );
        }
        out.push(answer);
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// One option's count in the results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OptionTally {
    pub label: String,
    pub count: u64,
    /// Share of the respondents who answered the question, in percent (one decimal).
    pub percent: f64,
}

/// A question's results: option counts for choice questions, the number of text answers otherwise.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionTally {
    pub prompt: String,
    pub kind: QuestionKind,
    /// Respondents who answered this question.
    pub answered: u64,
    pub options: Vec<OptionTally>,
}

/// Counts the responses. For multiple choice the percentages are of respondents, so they may add
/// up to more than 100.
pub fn tally(questions: &[Question], responses: &[Vec<Answer>]) -> Vec<QuestionTally> {
    questions
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut counts = vec![0u64; q.options.len()];
            let mut answered = 0;
            for r in responses {
                match r.get(i) {
                    Some(Answer::Choices(c)) => {
                        answered += 1;
                        for &k in c {
                            if let Some(n) = counts.get_mut(k) {
                                *n += 1;
                            }
                        }
                    }
                    Some(Answer::Text(_)) => answered += 1,
                    _ => {}
                }
            }
            QuestionTally {
                prompt: q.prompt.clone(),
                kind: q.kind,
                answered,
                options: q
                    .options
                    .iter()
                    .zip(counts)
                    .map(|(label, count)| OptionTally {
                        label: label.clone(),
                        count,
                        percent: if answered == 0 {
                            0.0
                        } else {
                            (count as f64 * 1000.0 / answered as f64).round() / 10.0
                        },
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The text of an answer for exports: option labels joined by `；`, or the text.
pub fn answer_text(q: &Question, a: &Answer) -> String {
    match a {
        Answer::Choices(c) => c
            .iter()
            .filter_map(|&k| q.options.get(k).map(String::as_str))
            .collect::<Vec<_>>()
            .join("；"),
        Answer::Text(t) => t.clone(),
        Answer::Skipped => String::new(),
    }
}

/// A horizontal bar chart of one question's tally as an SVG fragment (no script, no external
/// resources). The chart is decorative next to the results table the page shows beside it, so it
/// is `aria-hidden`; every text is XML-escaped.
pub fn bar_chart_svg(t: &QuestionTally) -> String {
    const W: u32 = 560;
    const LABEL_W: u32 = 180;
    const BAR_H: u32 = 22;
    const GAP: u32 = 10;
    let h = (BAR_H + GAP) * t.options.len().max(1) as u32 + GAP;
    let max = t.options.iter().map(|o| o.count).max().unwrap_or(0).max(1);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {W} {h}\" width=\"100%\" aria-hidden=\"true\" focusable=\"false\">"
    );
    for (i, o) in t.options.iter().enumerate() {
        let y = GAP + i as u32 * (BAR_H + GAP);
        let bar = ((W - LABEL_W - 90) as u64 * o.count / max) as u32;
        let label: String = o.label.chars().take(12).collect();
        let label = if o.label.chars().count() > 12 {
            format!("{label}…")
        } else {
            label
        };
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\" fill=\"#1f1f1f\">{}</text>",
            LABEL_W - 8,
            y + 16,
            xml_escape(&label)
        ));
        s.push_str(&format!(
            "<rect x=\"{LABEL_W}\" y=\"{y}\" width=\"{bar}\" height=\"{BAR_H}\" fill=\"#1f5aa6\"></rect>"
        ));
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"13\" fill=\"#1f1f1f\">{} ({}%)</text>",
            LABEL_W + bar + 6,
            y + 16,
            o.count,
            o.percent
        ));
    }
    s.push_str("</svg>");
    s
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    const SAMPLE: &str = "[单选*] 您对本市公交服务是否满意？\n- 满意\n- 基本满意\n- 不满意\n\n[多选] 您常乘坐的线路\n- 常规公交\n- 快速公交\n- 夜班线路\n[文本] 其他意见和建议\n";

    fn qs() -> Vec<Question> {
        parse_questions(SAMPLE).unwrap()
    }

    fn sent(pairs: &[(&str, &str)]) -> BTreeMap<String, Vec<String>> {
        let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (k, v) in pairs {
            m.entry(k.to_string()).or_default().push(v.to_string());
        }
        m
    }

    #[test]
    fn parses_the_editor_text_and_writes_it_back() {
        let q = qs();
        assert_eq!(q.len(), 3);
        assert_eq!(q[0].kind, QuestionKind::Single);
        assert!(q[0].required && !q[1].required);
        assert_eq!(q[1].options, ["常规公交", "快速公交", "夜班线路"]);
        assert_eq!(q[2].kind, QuestionKind::Text);
        assert_eq!(parse_questions(&to_text(&q)).unwrap(), q);
        // Full-width brackets and codes work too.
        let alt = parse_questions("【single*】是否满意\n- 是\n- 否").unwrap();
        assert_eq!(alt[0].kind, QuestionKind::Single);
    }

    #[test]
    fn bad_question_text_names_the_line() {
        let e = parse_questions("[单选] 满意吗\n- 是\n随便写的一行").unwrap_err();
        assert!(e.get("questions").unwrap().contains("第 3 行"), "{e}");
        let e = parse_questions("[单选] 满意吗\n- 是").unwrap_err();
        assert!(e.get("questions").unwrap().contains("至少需要两个选项"));
        let e = parse_questions("[问答] 你好").unwrap_err();
        assert!(e.get("questions").unwrap().contains("无法识别"));
        let e = parse_questions("[文本] 建议\n- 选项").unwrap_err();
        assert!(e.get("questions").unwrap().contains("文本题没有选项"));
        let e = parse_questions("[单选] 满意吗\n- 是\n- 是").unwrap_err();
        assert!(e.get("questions").unwrap().contains("重复"));
        assert!(parse_questions("  \n").is_err());
    }

    #[test]
    fn window_phases_and_result_visibility() {
        let d = |h| {
            NaiveDate::from_ymd_opt(2026, 3, 1)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        assert!(Window::new(d(10), d(10)).is_err());
        let w = Window::new(d(8), d(18)).unwrap();
        assert_eq!(w.phase(d(7)), Phase::NotYetOpen);
        assert_eq!(w.phase(d(8)), Phase::Open);
        assert_eq!(w.phase(d(18)), Phase::Closed);
        assert!(!results_visible(Phase::Open, false));
        assert!(results_visible(Phase::Open, true));
        assert!(results_visible(Phase::Closed, false));
        assert!(!results_visible(Phase::NotYetOpen, true));
    }

    #[test]
    fn answers_are_checked_against_the_questions() {
        let q = qs();
        let ok = check_answers(
            &q,
            &sent(&[("q1", "2"), ("q2", "1"), ("q2", "3"), ("q3", " 加密班次 ")]),
        )
        .unwrap();
        assert_eq!(
            ok,
            vec![
                Answer::Choices(vec![1]),
                Answer::Choices(vec![0, 2]),
                Answer::Text("加密班次".into())
            ]
        );
        // Optional questions may be skipped.
        let ok = check_answers(&q, &sent(&[("q1", "1")])).unwrap();
        assert_eq!(ok[1], Answer::Skipped);
        // Required missing, two picks on single choice, unknown option, overlong text.
        let e = check_answers(&q, &sent(&[])).unwrap_err();
        assert!(e.get("q1").unwrap().contains("必答"));
        let e = check_answers(&q, &sent(&[("q1", "1"), ("q1", "2")])).unwrap_err();
        assert!(e.get("q1").unwrap().contains("只能选择一项"));
        let e = check_answers(&q, &sent(&[("q1", "9")])).unwrap_err();
        assert!(e.get("q1").unwrap().contains("不存在"));
        let e = check_answers(&q, &sent(&[("q1", "0")])).unwrap_err();
        assert!(e.get("q1").is_some());
        let long = "字".repeat(MAX_TEXT_ANSWER + 1);
        let e = check_answers(&q, &sent(&[("q1", "1"), ("q3", &long)])).unwrap_err();
        assert!(e.get("q3").is_some());
    }

    #[test]
    fn tallies_count_respondents_per_option() {
        let q = qs();
        let r = vec![
            vec![
                Answer::Choices(vec![0]),
                Answer::Choices(vec![0, 1]),
                Answer::Text("好".into()),
            ],
            vec![
                Answer::Choices(vec![0]),
                Answer::Choices(vec![1]),
                Answer::Skipped,
            ],
            vec![Answer::Choices(vec![2]), Answer::Skipped, Answer::Skipped],
        ];
        let t = tally(&q, &r);
        assert_eq!(t[0].answered, 3);
        assert_eq!(t[0].options[0].count, 2);
        assert_eq!(t[0].options[0].percent, 66.7);
        assert_eq!(t[1].answered, 2);
        assert_eq!(t[1].options[1].count, 2);
        assert_eq!(t[1].options[1].percent, 100.0);
        assert_eq!(t[2].answered, 1);
        assert!(t[2].options.is_empty());
        assert_eq!(answer_text(&q[1], &r[0][1]), "常规公交；快速公交");
        let empty = tally(&q, &[]);
        assert_eq!(empty[0].options[0].percent, 0.0);
    }

    #[test]
    fn chart_is_static_escaped_svg() {
        let t = QuestionTally {
            prompt: "p".into(),
            kind: QuestionKind::Single,
            answered: 3,
            options: vec![
                OptionTally {
                    label: "<b>满意</b>".into(),
                    count: 2,
                    percent: 66.7,
                },
                OptionTally {
                    label: "不满意".into(),
                    count: 1,
                    percent: 33.3,
                },
            ],
        };
        let svg = bar_chart_svg(&t);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert_eq!(svg.matches("<rect").count(), 2);
        assert!(svg.contains("2 (66.7%)"));
        assert!(!svg.contains("<script"));
    }
}

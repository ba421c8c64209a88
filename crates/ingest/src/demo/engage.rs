//! Public interaction for the demo city: a few surveys (征集调查) with answers, so the survey list,
//! the results charts and the exports show something real-looking. Small on purpose.

use chrono::{Duration, NaiveDateTime};
use gongkai_domain::survey::{parse_questions, Answer, Window};
use gongkai_storage::survey::{self, NewSurvey};
use gongkai_storage::{Actor, AnyConnection};

use super::City;
use crate::error::Result;

struct DemoSurvey {
    org: &'static str,
    title: &'static str,
    intro: &'static str,
    questions: &'static str,
    /// Window relative to now (China time), in days.
    opens: i64,
    closes: i64,
    live_results: bool,
    responses: u64,
}

const SURVEYS: &[DemoSurvey] = &[
    DemoSurvey {
        org: "office",
        title: "示范市政务公开工作满意度网上调查",
        intro: "为了解公众对我市政务公开工作的评价和需求，进一步提升政务公开质量，现开展网上调查。调查结果仅用于改进工作。",
        questions: "[单选*] 您对我市政务公开工作总体是否满意？\n- 满意\n- 比较满意\n- 一般\n- 不满意\n[多选*] 您通常通过哪些渠道获取政府信息？\n- 政府门户网站\n- 政务新媒体\n- 政府公报\n- 新闻发布会\n- 其他\n[单选] 您是否办理过依申请公开？\n- 办理过\n- 没有办理过\n[文本] 您对政务公开工作有何意见和建议？",
        opens: -75,
        closes: -45,
        live_results: false,
        responses: 186,
    },
    DemoSurvey {
        org: "jtysj",
        title: "示范市公交线网优化方案意见征集",
        intro: "为方便市民出行，市交通运输局拟对中心城区公交线网进行优化调整，现公开征集市民意见。",
        questions: "[单选*] 您平时主要的出行方式是？\n- 公交\n- 地铁\n- 私家车\n- 非机动车或步行\n[多选] 您希望优先改善哪些方面？\n- 发车间隔\n- 首末班时间\n- 线路覆盖\n- 换乘便利\n- 车辆舒适度\n[文本] 其他意见和建议",
        opens: -10,
        closes: 20,
        live_results: false,
        responses: 64,
    },
    DemoSurvey {
        org: "tyj",
        title: "全民健身设施需求调查",
        intro: "为科学规划建设全民健身设施，市体育局开展本次需求调查，结果实时公开。",
        questions: "[单选*] 您每周参加体育锻炼的次数？\n- 3 次及以上\n- 1 至 2 次\n- 很少参加\n[多选*] 您最希望在家门口增加哪些设施？\n- 健身步道\n- 篮球场\n- 羽毛球馆\n- 游泳池\n- 室外健身器材",
        opens: -5,
        closes: 25,
        live_results: true,
        responses: 41,
    },
];

/// A small deterministic generator (the demo city is the same on every load).
fn pick(seed: u64, n: usize) -> usize {
    let x = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    ((x >> 33) % n as u64) as usize
}

pub(super) fn load(c: &mut AnyConnection, city: &City, now_utc: NaiveDateTime) -> Result<usize> {
    let actor = Actor::system("demo");
    let now = now_utc + Duration::hours(8);
    let day = |d: i64| {
        (now + Duration::days(d))
            .date()
            .and_hms_opt(9, 0, 0)
            .expect("09:00 exists")
    };
    for (k, d) in SURVEYS.iter().enumerate() {
        let questions = parse_questions(d.questions).expect("demo survey questions parse");
        let new = NewSurvey {
            org_id: city.org(d.org).id,
            title: d.title.into(),
            intro: d.intro.into(),
            questions: questions.clone(),
            window: Window::new(day(d.opens), day(d.closes) + Duration::hours(9))
                .expect("demo window"),
            live_results: d.live_results,
            one_per_person: true,
            requires_sign_in: false,
            identified: false,
        };
        let s = survey::create(c, &actor, &new)?;
        survey::set_published(c, &actor, s.id, true)?;
        let span = (d.closes.min(0) - d.opens).max(1) * 24 * 60;
        for r in 0..d.responses {
            let seed = (k as u64 + 1) * 10_007 + r;
            let answers: Vec<Answer> = questions
                .iter()
                .enumerate()
                .map(|(qi, q)| {
                    let s = seed * 31 + qi as u64;
                    if q.options.is_empty() {
                        return if pick(s, 5) == 0 {
                            Answer::Text("希望信息发布更及时，栏目更好找。".into())
                        } else {
                            Answer::Skipped
                        };
                    }
                    // Skew towards the first options, as real answers are.
                    let first = pick(s, q.options.len()).min(pick(s + 7, q.options.len()));
                    if q.kind == gongkai_domain::survey::QuestionKind::Multiple {
                        let mut c = vec![first];
                        let second = pick(s + 13, q.options.len());
                        if second != first && pick(s + 17, 2) == 0 {
                            c.push(second);
                            c.sort_unstable();
                        }
                        Answer::Choices(c)
                    } else {
                        Answer::Choices(vec![first])
                    }
                })
                .collect();
            let at = day(d.opens) - Duration::hours(8)
                + Duration::minutes(pick(seed + 99, span as usize) as i64);
            survey::import_response(c, s.id, &answers, at)?;
        }
    }
    Ok(SURVEYS.len())
}

/// Two interviews (one coming, taking questions; one held, with a transcript and answered
/// questions), two press conferences and one consultation with its feedback report.
pub(super) fn load_events(
    c: &mut AnyConnection,
    city: &City,
    now_utc: NaiveDateTime,
) -> Result<()> {
    use gongkai_domain::consultation::Adoption;
    use gongkai_domain::interview::{EventKind, MediaLink, ModerationAction};
    use gongkai_storage::consultation::{self, NewConsultation};
    use gongkai_storage::interview::{self, NewEvent};

    let actor = Actor::system("demo");
    let now = now_utc + Duration::hours(8);
    let at = |d: i64, h: u32| {
        (now + Duration::days(d))
            .date()
            .and_hms_opt(h, 0, 0)
            .expect("hour exists")
    };
    let event = |kind,
                 org: &str,
                 title: &str,
                 day: i64,
                 people: &[&str],
                 summary: &str,
                 transcript: &str,
                 media: Vec<MediaLink>,
                 questions: bool| NewEvent {
        kind,
        org_id: city.org(org).id,
        title: title.into(),
        starts_at: at(day, 10),
        ends_at: at(day, 11) + Duration::minutes(30),
        people: people.iter().map(|p| p.to_string()).collect(),
        summary: summary.into(),
        transcript_html: gongkai_domain::item::sanitize_html(transcript),
        media,
        accepts_questions: questions,
    };
    let video = |label: &str, path: &str| MediaLink {
        label: label.into(),
        url: format!("https://media.example.gov.cn/{path}"),
    };
    let held = interview::create(c, &actor, &event(
        EventKind::Interview, "zjj", "聚焦老旧小区改造：今年改造哪些小区、怎么改", -20,
        &["示范市住房和城乡建设局局长", "示范市住房和城乡建设局城建处处长"],
        "介绍本年度老旧小区改造计划、加装电梯补助政策和居民参与方式。",
        "<p><strong>主持人：</strong>各位网友好，欢迎收看本期在线访谈。</p><p><strong>局长：</strong>今年全市计划改造老旧小区 126 个，涉及居民 3.2 万户。</p>",
        vec![video("访谈视频", "interviews/2026/01.mp4")], true,
    ))?;
    let coming = interview::create(
        c,
        &actor,
        &event(
            EventKind::Interview,
            "rsj",
            "稳就业促创业：高校毕业生就业政策解读",
            6,
            &["示范市人力资源和社会保障局副局长"],
            "解读本市高校毕业生就业创业扶持政策，欢迎网友提前提问。",
            "",
            Vec::new(),
            true,
        ),
    )?;
    for e in [&held, &coming] {
        interview::set_published(c, &actor, e.id, true)?;
    }
    // The held interview's questions were sent while it was open; they are stored as taken.
    for (nick, q, a) in [
        (
            "网友",
            "加装电梯每台补助多少？",
            Some("市级财政按每台 15 万元补助，区级另有配套。"),
        ),
        (
            "老张",
            "改造期间停车怎么安排？",
            Some("施工前会同社区公布临时停车方案。"),
        ),
    ] {
        let qid =
            interview::import_question(c, held.id, nick, q, at(-21, 20) - Duration::hours(8))?;
        interview::moderate(c, &actor, qid, ModerationAction::Accept, "")?;
        if let Some(a) = a {
            interview::moderate(c, &actor, qid, ModerationAction::Answer, a)?;
        }
    }
    for (org, title, day, people) in [
        (
            "tjj",
            "示范市上半年经济运行情况新闻发布会",
            -40,
            ["示范市统计局局长", "示范市发展和改革委员会副主任"],
        ),
        (
            "wjw",
            "示范市秋冬季传染病防控新闻发布会",
            -8,
            ["示范市卫生健康委员会副主任", "示范市疾病预防控制中心主任"],
        ),
    ] {
        let pc = interview::create(c, &actor, &event(
            EventKind::PressConference, org, title, day, &people,
            "发布有关情况并回答记者提问。",
            "<p><strong>主持人：</strong>女士们、先生们，欢迎出席今天的新闻发布会。</p><p>……</p>",
            vec![video("发布会视频", "press/2026.mp4"), video("新闻稿（PDF）", "press/2026.pdf")], false,
        ))?;
        interview::set_published(c, &actor, pc.id, true)?;
    }

    let draft = "为加强养犬管理，保障公民健康和人身安全，现将办法草案公开征求意见。\n第一条 为了规范养犬行为，维护市容环境和社会秩序，制定本办法。\n第二条 本办法适用于本市城市建成区内的养犬管理活动。\n第三条 携犬出户时，应当为犬只束犬链，犬链长度不超过 1.5 米。\n第四条 本办法自发布之日起施行。";
    let k = consultation::create(
        c,
        &actor,
        &NewConsultation {
            org_id: city.org("gaj").id,
            title: "《示范市养犬管理办法（征求意见稿）》公开征求意见".into(),
            intro: "为提高立法质量，现将草案全文公布，公开征求社会各界意见。".into(),
            draft: draft.into(),
            sections: gongkai_domain::consultation::split_sections(draft)
                .expect("demo draft splits"),
            window: Window::new(at(-60, 9), at(-30, 18)).expect("demo window"),
        },
    )?;
    consultation::set_published(c, &actor, k.id, true)?;
    for (section, nick, body, adoption, reason) in [
        (
            3,
            "网友",
            "建议对大型犬的犬链长度另作规定。",
            Adoption::Adopted,
            "",
        ),
        (
            3,
            "李女士",
            "建议夜间遛犬也必须束链。",
            Adoption::PartlyAdopted,
            "已在第三条中明确全天束链，夜间时段不再单列。",
        ),
        (
            2,
            "王先生",
            "建议将适用范围扩大到全市农村地区。",
            Adoption::NotAdopted,
            "农村地区养犬管理由各区县结合实际另行规定。",
        ),
    ] {
        let cid = consultation::import_comment(
            c,
            k.id,
            section,
            nick,
            body,
            at(-45, 15) - Duration::hours(8),
        )?;
        consultation::decide(c, &actor, cid, adoption, reason)?;
    }
    consultation::publish_report(c, &actor, k.id, "征求意见期间共收到意见建议 3 条，经研究，采纳 1 条、部分采纳 1 条，未采纳 1 条，现将采纳情况公布如下。")?;
    Ok(())
}

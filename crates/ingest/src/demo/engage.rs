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

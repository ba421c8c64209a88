//! The demo city's public resource trading (公共资源交易): a handful of projects as the city's
//! trading centre and a district publish them, each with its announcements in sequence, in
//! every category, so the lists, project pages, counts and open data have something real to show.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use gongkai_domain::trading::TradingInput;
use gongkai_storage::audit::Actor;
use gongkai_storage::{trading, AnyConnection};

use super::City;
use crate::error::{IngestError, Result};

/// (type, days after the project's first announcement, winner, winning price).
type Step = (&'static str, i64, &'static str, &'static str);

struct DemoProject {
    org_key: &'static str,
    category: &'static str,
    code: &'static str,
    name: &'static str,
    purchaser: &'static str,
    budget: &'static str,
    steps: &'static [Step],
}

const PROJECTS: &[DemoProject] = &[
    DemoProject {
        org_key: "ggzyjy",
        category: "建设工程",
        code: "SFJS-2026-0012",
        name: "示范市第三中学综合教学楼新建工程施工",
        purchaser: "示范市第三中学",
        budget: "4,380万元",
        steps: &[
            ("招标公告", 0, "", ""),
            ("变更公告", 9, "", ""),
            ("开标情况", 24, "", ""),
            ("中标候选人公示", 27, "", ""),
            ("中标公告", 33, "示范建工集团有限公司", "42,615,800.00"),
        ],
    },
    DemoProject {
        org_key: "ggzyjy",
        category: "建设工程",
        code: "SFJS-2026-0031",
        name: "滨河路（人民路至东环路）道路改造工程",
        purchaser: "示范市住房和城乡建设局",
        budget: "2,150万元",
        steps: &[
            ("招标公告", 0, "", ""),
            ("开标情况", 21, "", ""),
            ("中标候选人公示", 23, "", ""),
        ],
    },
    DemoProject {
        org_key: "ggzyjy",
        category: "政府采购",
        code: "SFCG-2026-0107",
        name: "示范市人民医院医用直线加速器采购项目",
        purchaser: "示范市人民医院",
        budget: "1,980万元",
        steps: &[
            ("征求意见公示", 0, "", ""),
            ("采购公告", 8, "", ""),
            ("变更公告", 15, "", ""),
            ("中标候选人公示", 30, "", ""),
            ("中标公告", 34, "示范医疗设备有限公司", "19,320,000.00"),
        ],
    },
    DemoProject {
        org_key: "ggzyjy",
        category: "政府采购",
        code: "SFCG-2026-0142",
        name: "示范市教育局中小学智慧教室设备采购项目",
        purchaser: "示范市教育局",
        budget: "685万元",
        steps: &[
            ("采购公告", 0, "", ""),
            ("废标公告", 22, "", ""),
            ("采购公告", 30, "", ""),
            ("中标公告", 52, "示范教育科技股份有限公司", "6,498,000.00"),
        ],
    },
    DemoProject {
        org_key: "cdq",
        category: "政府采购",
        code: "CDCG-2026-0009",
        name: "城东区东湖街道老旧小区改造监理服务采购项目",
        purchaser: "城东区东湖街道办事处",
        budget: "48.6万元",
        steps: &[
            ("采购公告", 0, "", ""),
            ("中标公告", 18, "示范工程监理咨询有限公司", "452,000.00"),
        ],
    },
    DemoProject {
        org_key: "ggzyjy",
        category: "国土",
        code: "SFTD-2026-05",
        name: "示范市2026-05号地块国有建设用地使用权挂牌出让",
        purchaser: "示范市自然资源和规划局",
        budget: "12,600万元",
        steps: &[
            ("挂牌出让公告", 0, "", ""),
            ("挂牌结果公示", 31, "示范置业发展有限公司", "135,800,000.00"),
        ],
    },
    DemoProject {
        org_key: "ggzyjy",
        category: "产权交易",
        code: "SFCQ-2026-0003",
        name: "示范市城市建设投资集团所持示范水务有限公司20%股权转让",
        purchaser: "示范市城市建设投资集团有限公司",
        budget: "3,260万元",
        steps: &[("产权交易公告", 0, "", "")],
    },
];

fn body(p: &DemoProject, kind: &str, published: NaiveDateTime, winner: &str) -> String {
    let mut html = format!(
        "<p>项目名称：{}</p><p>项目编号：{}</p><p>采购人（招标人）：{}</p><p>预算金额（最高限价）：{}</p>",
        p.name, p.code, p.purchaser, p.budget
    );
    match kind {
        "招标公告" | "采购公告" | "挂牌出让公告" | "产权交易公告" => html.push_str(&format!(
            "<p>凡有意参加的合格供应商（投标人），请于{}前通过示范市公共资源交易平台下载文件并递交响应文件。</p>",
            (published + Duration::days(20)).format("%Y年%m月%d日 09:30")
        )),
        "变更公告" => html.push_str("<p>现对原公告中的资格要求和递交截止时间作如下变更，其他内容不变。</p>"),
        "开标情况" => html.push_str("<p>本项目已按时开标，共有投标人递交投标文件，开标过程由监督部门全程监督。</p>"),
        "中标候选人公示" => html.push_str("<p>经评标委员会评审，现将中标候选人公示如下，公示期为3日。</p>"),
        "废标公告" => html.push_str("<p>因实质性响应的供应商不足三家，本项目废标，将重新组织采购。</p>"),
        _ => html.push_str(&format!("<p>中标（成交）单位：{winner}。</p>")),
    }
    html.push_str("<p>联系人：交易服务科，联系电话：0000-12345678。</p>");
    html
}

/// Publishes the demo projects (inside the demo load's transaction).
pub(super) fn load(c: &mut AnyConnection, city: &City, today: NaiveDate) -> Result<usize> {
    let actor = Actor::system("demo");
    let mut n = 0;
    for (pi, p) in PROJECTS.iter().enumerate() {
        let org = city.org(p.org_key);
        let org_code = gongkai_storage::org::get(c, org.id)?.code;
        // Projects start a few weeks apart and end before today.
        let start = today - Duration::days(40 + 55 * (PROJECTS.len() - pi) as i64);
        for (si, (kind, days, winner, price)) in p.steps.iter().enumerate() {
            let published = (start + Duration::days(*days))
                .and_hms_opt(9, 0, 0)
                .expect("valid time");
            let input = TradingInput {
                source_id: format!("{}-{}", p.code, si + 1),
                category: p.category.into(),
                kind: (*kind).into(),
                title: format!("{}{}", p.name, kind),
                project_name: p.name.into(),
                project_code: p.code.into(),
                purchaser: p.purchaser.into(),
                org_code: org_code.clone(),
                budget: p.budget.into(),
                published: published.format("%Y-%m-%d %H:%M").to_string(),
                winner: (*winner).into(),
                winning_price: (*price).into(),
                body_html: body(p, kind, published, winner),
                ..Default::default()
            };
            let valid = input
                .validate()
                .map_err(|e| IngestError::Conflict(format!("demo trading {}: {e}", p.code)))?;
            trading::save(c, &actor, org.id, &valid)?;
            n += 1;
        }
    }
    Ok(n)
}

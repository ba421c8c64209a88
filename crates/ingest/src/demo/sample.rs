//! The built-in sample: the city's own documents, news and notices (made up, in the style of a
//! real city portal), staff accounts, and items at every step of the publishing workflow.
//!
//! They are loaded in every demo: alone when `shared/data` is absent, beside the real documents
//! otherwise (the real data has no news, notices or interpretations written by a city).

use gongkai_domain::catalogue::Genre;
use gongkai_domain::role::Role;
use gongkai_domain::workflow::ItemStatus;

/// A published sample item. `org` is an organisation key: `gov`, `office`, a department's slug,
/// a county's slug, `county.dept` (e.g. `nhs.jyj`) or `county.tN` for its N-th township.
/// Columns are slugs in `site`, or `site/slug` for a column of another site.
pub struct SampleItem {
    pub site: &'static str,
    pub org: &'static str,
    pub columns: &'static [&'static str],
    pub title: &'static str,
    pub doc_number: &'static str,
    pub genre: Genre,
    pub subject: &'static str,
    pub made_on: &'static str,
    pub published_at: &'static str,
    pub keywords: &'static str,
    pub body: &'static str,
    /// Title of the sample policy this item interprets (政策解读).
    pub interprets: Option<&'static str>,
    /// Withdrawn after publication, with this reason.
    pub withdrawn: Option<&'static str>,
}

#[allow(clippy::too_many_arguments)] // a table row: positional reads best in the table above
const fn item(
    site: &'static str,
    org: &'static str,
    columns: &'static [&'static str],
    title: &'static str,
    doc_number: &'static str,
    genre: Genre,
    subject: &'static str,
    made_on: &'static str,
    published_at: &'static str,
    keywords: &'static str,
    body: &'static str,
) -> SampleItem {
    SampleItem {
        site,
        org,
        columns,
        title,
        doc_number,
        genre,
        subject,
        made_on,
        published_at,
        keywords,
        body,
        interprets: None,
        withdrawn: None,
    }
}

pub const YINGSHANG: &str = "示范市人民政府关于印发示范市优化营商环境若干措施的通知";
pub const DIBAO: &str = "示范市人民政府办公室关于印发示范市城乡居民最低生活保障实施办法的通知";

pub const ITEMS: &[SampleItem] = &[
    item("www", "gov", &["szfwj", "gfxwj"], YINGSHANG, "示政发〔2026〕3号", Genre::NormativeDocument, "0101", "2026-02-10", "2026-02-14 09:30", "营商环境 市场主体",
        "<p>各县（市、区）人民政府，市政府各部门：</p><p>《示范市优化营商环境若干措施》已经市人民政府第十二次常务会议研究通过，现印发给你们，请认真贯彻执行。</p><p style=\"text-align:right\">示范市人民政府</p><p style=\"text-align:right\">2026年2月10日</p><h2>示范市优化营商环境若干措施</h2><p>一、全面推行企业开办“一件事”办理，企业开办时间压缩至1个工作日以内。</p><p>二、工程建设项目审批实行并联审批，一般社会投资项目从立项到竣工验收不超过60个工作日。</p><p>三、涉企行政检查实行“综合查一次”，同一部门对同一企业的检查每年原则上不超过1次。</p><p>四、政府采购项目预付款比例原则上不低于合同金额的30%，对中小企业不低于40%。</p><p>五、建立惠企政策“免申即享”清单，符合条件的企业无需申请即可享受。</p><p>本措施自印发之日起施行，有效期5年。</p>"),
    SampleItem {
        interprets: Some(YINGSHANG),
        ..item("www", "gov", &["zcjd"], "《示范市优化营商环境若干措施》政策解读", "", Genre::Interpretation, "0101", "2026-02-14", "2026-02-14 10:00", "营商环境 解读",
            "<h2>一、出台背景</h2><p>为贯彻落实国务院《优化营商环境条例》，进一步激发市场主体活力，市政府制定了《示范市优化营商环境若干措施》（示政发〔2026〕3号）。</p><h2>二、主要内容</h2><p>《措施》共五条，围绕企业开办、项目审批、涉企检查、政府采购和惠企政策兑现五个方面提出具体要求。</p><h2>三、企业可以享受哪些便利</h2><p>企业开办全程网上办理，1个工作日内办结；符合条件的惠企政策无需申请即可享受。</p><h2>四、解读机关及联系方式</h2><p>解读机关：示范市政务服务和大数据管理局；联系电话：0000-81230001。</p>")
    },
    item("www", "office", &["szfbwj"], "示范市人民政府办公室关于做好2026年春季森林防火工作的通知", "示政办发〔2026〕5号", Genre::OtherDocument, "0102", "2026-02-26", "2026-02-27 15:00", "森林防火",
        "<p>各县（市、区）人民政府，市政府有关部门：</p><p>当前我市进入春季森林防火关键期。各地各部门要严格落实森林防火行政首长负责制，加强野外火源管控，清明节期间在重点林区入口设置检查站，严禁携带火种进山。</p><p>发生森林火情要第一时间报告，严禁迟报、漏报、瞒报。</p>"),
    item("www", "gov", &["szfwj", "zdxm"], "示范市人民政府关于公布2026年市级重点建设项目名单的通知", "示政发〔2026〕8号", Genre::OtherDocument, "0201", "2026-03-05", "2026-03-06 09:00", "重点项目",
        "<p>经研究，确定2026年市级重点建设项目120个，总投资865亿元，年度计划投资212亿元。其中产业项目58个，基础设施项目37个，社会民生项目25个。</p><p>各项目责任单位要倒排工期，确保按期开工、按时完工。</p>"),
    item("www", "gov", &["tzgg"], "示范市人民政府关于城区部分道路实施交通管制的通告", "示政告〔2026〕2号", Genre::Notice, "1501", "2026-04-20", "2026-04-21 10:00", "交通管制",
        "<p>因地铁1号线二期工程施工需要，自2026年5月1日起至2026年12月31日止，对解放大道（人民路至建设路段）实施半幅封闭交通管制。请过往车辆和行人按照交通标志绕行。</p><p>特此通告。</p>"),
    item("www", "office", &["tzgg"], "示范市人民政府办公室关于2026年“五一”劳动节放假安排的通知", "", Genre::Notice, "0101", "2026-04-15", "2026-04-15 16:00", "放假安排",
        "<p>根据国务院办公厅通知精神，现将2026年“五一”劳动节放假安排通知如下：5月1日至5日放假调休，共5天。4月26日（星期日）、5月9日（星期六）上班。</p><p>节日期间，各单位要妥善安排值班和安全保卫工作。</p>"),
    item("www", "office", &["gzdt"], "示范市召开2026年政务公开工作会议", "", Genre::News, "0101", "", "2026-03-18 17:30", "政务公开",
        "<p>3月18日，示范市召开2026年政务公开工作会议，总结2025年政务公开工作，部署今年重点任务。会议要求，各地各部门要以政策解读、重点领域信息公开和政府网站集约化为抓手，持续提升政务公开质量。</p>"),
    item("www", "gov", &["gzdt", "ldhd"], "市政府常务会议研究部署安全生产和防汛工作", "", Genre::News, "0102", "", "2026-05-28 18:00", "常务会议 防汛",
        "<p>5月28日，市长主持召开市政府第十五次常务会议，研究部署安全生产和防汛工作。会议强调，要压紧压实安全生产责任，扎实开展汛前隐患排查，确保安全度汛。</p>"),
    item("tjj", "tjj", &["zcwj", "www/tjxx"], "示范市2025年国民经济和社会发展统计公报", "", Genre::Statistics, "0201", "2026-03-20", "2026-03-25 09:00", "统计公报",
        "<p>2025年，全市实现地区生产总值（GDP）2158.6亿元，按不变价格计算，比上年增长5.6%。其中，第一产业增加值182.3亿元，增长3.5%；第二产业增加值892.4亿元，增长5.9%；第三产业增加值1083.9亿元，增长5.7%。</p><p>年末全市常住人口246.8万人。全年城镇新增就业3.1万人，城镇调查失业率5.1%。</p><p>（演示数据）</p>"),
    item("czj", "czj", &["czyjs", "www/czyjs", "www/czzj"], "示范市2026年市级部门预算公开说明", "", Genre::Budget, "0301", "2026-02-20", "2026-02-28 10:00", "部门预算",
        "<p>根据《中华人民共和国预算法》有关规定，经市人民代表大会批准，现公开2026年市级部门预算。2026年市级一般公共预算支出安排186.4亿元，其中教育支出35.2亿元，社会保障和就业支出28.7亿元，卫生健康支出19.3亿元。</p><p>（演示数据）</p>"),
    item("www", "gov", &["rsxx"], "示范市人民政府关于李明等同志职务任免的通知", "示政任〔2026〕4号", Genre::PersonnelNotice, "1403", "2026-06-10", "2026-06-12 11:00", "任免",
        "<p>各县（市、区）人民政府，市政府各部门：</p><p>经研究决定：任命李明为示范市教育局副局长；免去王芳的示范市民政局副局长职务。</p><p>（演示数据，人名为虚构）</p>"),
    item("www", "gov", &["ghjh"], "示范市国民经济和社会发展第十五个五年规划纲要", "", Genre::Plan, "0201", "2026-02-05", "2026-02-08 09:00", "十五五 规划",
        "<p>本纲要根据《中共示范市委关于制定国民经济和社会发展第十五个五年规划的建议》编制，主要阐明全市“十五五”时期（2026—2030年）发展战略、主要目标和重点任务，是政府履行经济调节、市场监管、社会管理、公共服务和生态环境保护职能的重要依据。</p>"),
    item("www", "office", &["szfbwj", "gfxwj", "shjz"], DIBAO, "示政办规〔2025〕6号", Genre::NormativeDocument, "1601", "2025-09-18", "2025-09-22 09:00", "低保 社会救助",
        "<p>各县（市、区）人民政府，市政府各部门：</p><p>《示范市城乡居民最低生活保障实施办法》已经市人民政府同意，现印发给你们，请认真贯彻执行。</p><h2>第一章 总则</h2><p>第一条 为规范城乡居民最低生活保障工作，根据《社会救助暂行办法》等规定，结合本市实际，制定本办法。</p><p>第二条 共同生活的家庭成员人均收入低于当地最低生活保障标准，且符合家庭财产状况规定的，可以申请最低生活保障。</p><p>第三条 最低生活保障标准由市人民政府确定、公布，并根据经济社会发展水平和物价变动情况适时调整。</p>"),
    SampleItem {
        interprets: Some(DIBAO),
        ..item("www", "office", &["zcjd"], "《示范市城乡居民最低生活保障实施办法》政策解读", "", Genre::Interpretation, "1601", "2025-09-22", "2025-09-22 10:30", "低保 解读",
            "<h2>一、谁可以申请低保？</h2><p>共同生活的家庭成员人均收入低于当地低保标准、家庭财产符合规定的城乡居民，可以向户籍所在地乡镇人民政府（街道办事处）申请。</p><h2>二、办理需要多长时间？</h2><p>乡镇（街道）自受理之日起30日内提出审核意见，县级民政部门10日内作出审批决定。</p><h2>三、解读机关及联系方式</h2><p>解读机关：示范市民政局；联系电话：0000-81230007。</p>")
    },
    item("jyj", "jyj", &["zcwj", "zsks"], "示范市教育局关于做好2026年义务教育阶段学校招生入学工作的通知", "示教发〔2026〕7号", Genre::OtherDocument, "1002", "2026-04-08", "2026-04-09 09:00", "招生 义务教育",
        "<p>各县（市、区）教育局，市直各学校：</p><p>2026年义务教育学校招生继续实行免试就近入学，公办民办学校同步招生。小学入学年龄为年满6周岁（2020年8月31日前出生）。</p><p>网上报名时间为6月20日至7月5日。</p>"),
    item("jyj", "jyj", &["tzgg", "zsks"], "2026年示范市普通高中招生考试报名公告", "", Genre::Notice, "1002", "2026-03-01", "2026-03-02 10:00", "中考 报名",
        "<p>2026年示范市普通高中招生考试（中考）报名工作于3月10日至3月20日进行，考生通过“示范教育”平台网上报名。</p>"),
    item("jyj", "jyj", &["gzdt"], "市教育局开展中小学校园安全专项检查", "", Genre::News, "1002", "", "2026-09-10 16:00", "校园安全",
        "<p>秋季开学以来，市教育局会同公安、市场监管等部门，对全市中小学校食堂、校车和消防设施开展专项检查，共检查学校132所，发现并整改问题47个。</p>"),
    item("mzj", "mzj", &["zcwj", "shjz", "www/shjz"], "示范市民政局关于调整城乡居民最低生活保障标准的通知", "示民发〔2026〕2号", Genre::OtherDocument, "1601", "2026-01-12", "2026-01-15 09:00", "低保标准",
        "<p>经市人民政府同意，自2026年1月1日起，城市居民最低生活保障标准由每人每月780元提高到820元，农村居民最低生活保障标准由每人每年7200元提高到7800元。</p>"),
    item("mzj", "mzj", &["tzgg", "shjz"], "2026年第一季度社会救助资金发放情况公示", "", Genre::Notice, "1601", "", "2026-04-10 09:00", "社会救助 公示",
        "<p>2026年第一季度，全市共发放城乡低保金8236万元，特困人员救助供养金1268万元，临时救助金392万元。</p><p>（演示数据）</p>"),
    item("scjgj", "scjgj", &["tzgg", "spypaq", "www/spaq"], "2026年第三季度食品安全监督抽检信息公告", "", Genre::Notice, "0803", "", "2026-10-15 10:00", "食品安全 抽检",
        "<p>本季度全市共抽检食品样品1856批次，合格1829批次，合格率98.5%。不合格产品已依法处置。</p><p>（演示数据）</p>"),
    item("sthjj", "sthjj", &["tzgg", "hjjc", "www/hjbh"], "2026年10月示范市环境空气质量状况", "", Genre::Statistics, "0902", "", "2026-11-06 09:00", "空气质量",
        "<p>10月，全市环境空气质量优良天数比例为93.5%，细颗粒物（PM2.5）平均浓度为28微克/立方米。</p><p>（演示数据）</p>"),
    item("ggzyjy", "ggzyjy", &["gcjs", "www/ggzy"], "示范市第一人民医院门诊楼改造工程施工招标公告", "", Genre::Notice, "0301", "", "2026-08-03 09:00", "招标",
        "<p>本招标项目已批准建设，建设资金来自财政资金，招标人为示范市第一人民医院。项目已具备招标条件，现对该项目的施工进行公开招标。</p><p>投标截止时间：2026年8月25日9时30分。</p>"),
    item("ggzyjy", "ggzyjy", &["zfcg", "www/ggzy"], "示范市教育局2026年教学设备采购项目中标结果公告", "", Genre::Notice, "0301", "", "2026-07-20 15:00", "政府采购 中标",
        "<p>项目编号：SFCG-2026-0312。中标供应商：示范市某科技有限公司；中标金额：人民币286.5万元。</p><p>公告期限：自本公告发布之日起1个工作日。</p>"),
    item("rsj", "rsj", &["tzgg", "jycy", "rsxx"], "示范市2026年事业单位公开招聘工作人员公告", "", Genre::Notice, "1403", "", "2026-05-06 09:00", "事业单位 招聘",
        "<p>根据《事业单位人事管理条例》，市直事业单位2026年面向社会公开招聘工作人员186名。报名时间：5月15日至5月21日。</p>"),
    item("wjw", "wjw", &["zcwj", "ylws", "www/ylws"], "关于开展2026年秋冬季流感疫苗接种工作的通知", "示卫健发〔2026〕21号", Genre::OtherDocument, "1201", "2026-09-20", "2026-09-22 10:00", "流感 疫苗",
        "<p>各县（市、区）卫生健康局，委属各单位：</p><p>为降低流感对人群健康的危害，现决定于10月至12月在全市开展流感疫苗接种工作，优先为60岁以上老年人、学生和医务人员接种。</p>"),
    item("yjglj", "yjglj", &["zcwj", "aqsc", "www/aqsc"], "示范市应急管理局关于开展冬季安全生产大检查的通知", "示应急发〔2026〕15号", Genre::OtherDocument, "0802", "2026-11-02", "2026-11-03 09:00", "安全生产",
        "<p>各县（市、区）应急管理局：</p><p>为切实做好冬季安全生产工作，决定自11月10日起至12月31日在全市开展冬季安全生产大检查，重点检查危险化学品、建筑施工、燃气和消防安全。</p>"),
    item("zwfwj", "zwfwj", &["zcwj"], "示范市政务服务“一网通办”事项清单（2026年版）", "", Genre::OtherDocument, "0101", "2026-03-28", "2026-03-31 09:00", "一网通办",
        "<p>经梳理，全市可“一网通办”的政务服务事项共1236项，其中市级526项，县级710项。清单实行动态调整。</p>"),
    item("cdq", "cdq", &["zcwj", "ghjh"], "城东区人民政府关于印发城东区老旧小区改造实施方案的通知", "东政发〔2026〕4号", Genre::Plan, "0901", "2026-03-15", "2026-03-18 09:00", "老旧小区",
        "<p>各街道办事处，区政府各部门：</p><p>现将《城东区老旧小区改造实施方案》印发给你们。2026年全区计划改造老旧小区32个，惠及居民6800户。</p>"),
    item("cdq", "cdq.t0", &["xzxx"], "东湖街道2026年度民生实事项目进展情况", "", Genre::News, "1601", "", "2026-10-08 16:00", "民生实事",
        "<p>截至9月底，东湖街道10件民生实事已完成8件，社区养老服务站、口袋公园等项目已投入使用。</p>"),
    item("ysx", "ysx", &["zcwj"], "云山县人民政府办公室关于做好2026年秋冬种工作的通知", "云山政办发〔2026〕12号", Genre::OtherDocument, "0501", "2026-09-25", "2026-09-26 09:00", "秋冬种",
        "<p>各乡镇人民政府，县直有关单位：</p><p>今年全县秋冬播面积稳定在28万亩以上，其中小麦12万亩、油菜9万亩。各乡镇要抓好良种供应和农技指导。</p>"),
    item("nhs", "nhs.jyj", &["tzgg"], "南湖市教育局关于公布2026年义务教育学校学区划分的通告", "", Genre::Notice, "1002", "", "2026-05-20 09:00", "学区",
        "<p>根据义务教育免试就近入学的要求，现将2026年南湖市城区义务教育学校学区划分予以公布。</p>"),
    SampleItem {
        withdrawn: Some("通知内容有误，已另行发布更正后的通知"),
        ..item("www", "office", &["tzgg"], "示范市人民政府办公室关于2026年国庆节期间部分公共场所开放时间调整的通知", "", Genre::Notice, "0101", "", "2026-09-28 17:00", "国庆",
            "<p>国庆节期间，市图书馆、博物馆、科技馆每日开放时间调整为9:00至17:00。</p>")
    },
];

/// A staff account of the demo: username, display name, role, organisation key.
pub const USERS: &[(&str, &str, Role, &str)] = &[
    ("admin", "平台管理员", Role::PlatformAdmin, "gov"),
    ("szf-admin", "市政府单位管理员", Role::OrgAdmin, "gov"),
    ("szf-editor", "市政府编辑", Role::Editor, "gov"),
    ("szf-reviewer", "市政府审核员", Role::Reviewer, "gov"),
    ("jyj-admin", "市教育局单位管理员", Role::OrgAdmin, "jyj"),
    ("jyj-editor", "市教育局编辑", Role::Editor, "jyj"),
    ("jyj-reviewer", "市教育局审核员", Role::Reviewer, "jyj"),
    ("mzj-editor", "市民政局编辑", Role::Editor, "mzj"),
    ("cdq-editor", "城东区编辑", Role::Editor, "cdq"),
    ("cdq-reviewer", "城东区审核员", Role::Reviewer, "cdq"),
    (
        "ysq-handler",
        "依申请公开办理员",
        Role::RequestHandler,
        "gov",
    ),
    ("xx-handler", "领导信箱办理员", Role::LetterHandler, "gov"),
];

/// An item in the back office's queues: drafted by `author`, then moved to `state` by the
/// reviewer of the same organisation (`reason` for a rejection).
pub struct WorkflowSample {
    pub site: &'static str,
    pub org: &'static str,
    pub column: &'static str,
    pub title: &'static str,
    pub genre: Genre,
    pub subject: &'static str,
    pub author: &'static str,
    pub reviewer: &'static str,
    pub state: ItemStatus,
    pub reason: &'static str,
    pub body: &'static str,
}

#[allow(clippy::too_many_arguments)]
const fn wf(
    site: &'static str,
    org: &'static str,
    column: &'static str,
    title: &'static str,
    genre: Genre,
    subject: &'static str,
    author: &'static str,
    reviewer: &'static str,
    state: ItemStatus,
    reason: &'static str,
    body: &'static str,
) -> WorkflowSample {
    WorkflowSample {
        site,
        org,
        column,
        title,
        genre,
        subject,
        author,
        reviewer,
        state,
        reason,
        body,
    }
}

pub const WORKFLOW: &[WorkflowSample] = &[
    wf("www", "office", "szfbwj", "示范市人民政府办公室关于进一步加强政务新媒体管理的通知（征求意见稿）", Genre::OtherDocument, "0101", "szf-editor", "szf-reviewer", ItemStatus::Draft, "",
        "<p>为规范政务新媒体建设和管理，现就有关事项通知如下……</p>"),
    wf("www", "office", "gzdt", "示范市召开2026年第四季度重点工作推进会", Genre::News, "0101", "szf-editor", "szf-reviewer", ItemStatus::Draft, "",
        "<p>11月20日，市政府召开第四季度重点工作推进会……</p>"),
    wf("www", "gov", "szfwj", "示范市人民政府关于2026年度市级财政预算执行情况的报告", Genre::OtherDocument, "0301", "szf-editor", "szf-reviewer", ItemStatus::Submitted, "",
        "<p>2026年1—10月，全市一般公共预算收入完成年度预算的86.2%……</p>"),
    wf("www", "office", "tzgg", "关于开展2026年度政府网站自查工作的通知", Genre::Notice, "0101", "szf-editor", "szf-reviewer", ItemStatus::Submitted, "",
        "<p>各县（市、区）人民政府办公室，市政府各部门办公室：请于12月10日前完成本单位政府网站和政务新媒体自查……</p>"),
    wf("www", "office", "tzgg", "关于调整部分公交线路的公告", Genre::Notice, "0602", "szf-editor", "szf-reviewer", ItemStatus::Rejected, "文号缺失，发布机构应为市交通运输局，请修改后重新提交",
        "<p>自12月1日起，18路、32路公交线路调整走向……</p>"),
    wf("jyj", "jyj", "zcwj", "示范市教育局关于做好2027年寒假学生安全工作的通知", Genre::OtherDocument, "1002", "jyj-editor", "jyj-reviewer", ItemStatus::Draft, "",
        "<p>各县（市、区）教育局，市直各学校：寒假将至，为切实保障学生假期安全……</p>"),
    wf("jyj", "jyj", "tzgg", "2026年示范市中小学教师资格认定公告", Genre::Notice, "1002", "jyj-editor", "jyj-reviewer", ItemStatus::Submitted, "",
        "<p>2026年下半年中小学教师资格认定网上申报时间为12月1日至12月15日……</p>"),
    wf("jyj", "jyj", "gzdt", "市教育局召开2026年秋季学期教育督导工作会议", Genre::News, "1002", "jyj-editor", "jyj-reviewer", ItemStatus::Approved, "",
        "<p>11月18日，市教育局召开秋季学期教育督导工作会议……</p>"),
    wf("jyj", "jyj", "tzgg", "示范市2027年中考报名工作公告", Genre::Notice, "1002", "jyj-editor", "jyj-reviewer", ItemStatus::Scheduled, "",
        "<p>2027年中考报名工作将于2027年3月开始，具体安排如下……</p>"),
    wf("mzj", "mzj", "zcwj", "示范市民政局关于开展2026年冬季困难群众走访慰问的通知", Genre::OtherDocument, "1601", "mzj-editor", "szf-reviewer", ItemStatus::Draft, "",
        "<p>各县（市、区）民政局：为确保困难群众温暖过冬……</p>"),
    wf("cdq", "cdq", "tzgg", "城东区2026年第四季度城乡低保资金发放公示", Genre::Notice, "1601", "cdq-editor", "cdq-reviewer", ItemStatus::Submitted, "",
        "<p>2026年第四季度，全区发放城乡低保金……</p>"),
];

//! The demo city's shape, written down as data: 示范市 (a made-up city), its departments,
//! counties and townships, the column trees of its sites, the national 主题分类 subject
//! categories, and the keyword rules that send each document to the department it concerns.
//!
//! The seed's city had 43 sites on one platform (集约化): here that is the portal, one site per
//! city department (36) and one per county or district (6). County departments and townships
//! publish on their county's site, as they do on real consolidated platforms.

use gongkai_domain::site::{ColumnKind, Module};

pub const CITY: &str = "示范市";
/// 示范市人民政府 — owns the portal.
pub const GOVERNMENT: &str = "示范市人民政府";
/// The government's organisation-code body; the check character is added when minted. It is the
/// seed's own (`000014349`), so demo 索引号 look like the seed's.
pub const GOVERNMENT_CODE8: &str = "00001434";
pub const OFFICE: &str = "示范市人民政府办公室";
pub const OFFICE_CODE8: &str = "00001435";
pub const PORTAL_SLUG: &str = "www";
pub const PORTAL_TITLE: &str = "示范市人民政府门户网站";

/// A column of a 重点领域公开 block: items whose title contains one of `keywords` are also placed
/// in it, which is how consolidated platforms fill those blocks from their departments' items.
pub struct KeyColumn {
    pub slug: &'static str,
    pub name: &'static str,
    pub keywords: &'static [&'static str],
}

/// A city department (委、办、局) with its own sub-site.
pub struct Department {
    /// Name without the city: `教育局` (the organisation is 示范市教育局, short name 市教育局).
    pub name: &'static str,
    /// Site slug: a pinyin abbreviation of the name, as real sub-sites use.
    pub slug: &'static str,
    /// Subject code of the department's everyday business (for items no rule classifies).
    pub subject: &'static str,
    pub key_columns: &'static [KeyColumn],
}

const fn kc(
    slug: &'static str,
    name: &'static str,
    keywords: &'static [&'static str],
) -> KeyColumn {
    KeyColumn {
        slug,
        name,
        keywords,
    }
}

const fn dept(
    name: &'static str,
    slug: &'static str,
    subject: &'static str,
    key_columns: &'static [KeyColumn],
) -> Department {
    Department {
        name,
        slug,
        subject,
        key_columns,
    }
}

const LAW_ENFORCEMENT: &[KeyColumn] = &[kc("xzzf", "行政执法公示", &["执法", "处罚", "许可"])];

pub const DEPARTMENTS: &[Department] = &[
    dept(
        "发展和改革委员会",
        "fgw",
        "0201",
        &[kc("zdxm", "重大建设项目", &["项目", "投资", "建设"])],
    ),
    dept(
        "教育局",
        "jyj",
        "1002",
        &[kc("zsks", "招生考试", &["招生", "考试", "入学"])],
    ),
    dept("科学技术局", "kjj", "1001", &[]),
    dept("工业和信息化局", "gxj", "0601", &[]),
    dept("民族宗教事务局", "mzzj", "17", &[]),
    dept("公安局", "gaj", "1501", LAW_ENFORCEMENT),
    dept(
        "民政局",
        "mzj",
        "1601",
        &[kc(
            "shjz",
            "社会救助",
            &["救助", "低保", "最低生活保障", "特困"],
        )],
    ),
    dept("司法局", "sfj", "1502", LAW_ENFORCEMENT),
    dept(
        "财政局",
        "czj",
        "0301",
        &[kc("czzj", "财政资金", &["资金", "预算", "决算"])],
    ),
    dept(
        "人力资源和社会保障局",
        "rsj",
        "1401",
        &[kc("jycy", "就业创业", &["就业", "创业", "技能"])],
    ),
    dept(
        "自然资源和规划局",
        "zrzyj",
        "0401",
        &[kc("zdxx", "征地信息", &["征地", "征收", "用地"])],
    ),
    dept(
        "生态环境局",
        "sthjj",
        "0902",
        &[kc(
            "hjjc",
            "环境监测",
            &["监测", "污染", "排放", "环境质量"],
        )],
    ),
    dept(
        "住房和城乡建设局",
        "zjj",
        "0901",
        &[kc(
            "bzxzf",
            "保障性住房",
            &["保障性", "棚户区", "公租房", "住房"],
        )],
    ),
    dept("交通运输局", "jtysj", "0602", LAW_ENFORCEMENT),
    dept("水利和湖泊局", "slj", "0503", &[]),
    dept(
        "农业农村局",
        "nyncj",
        "0501",
        &[kc(
            "xczx",
            "乡村振兴",
            &["扶贫", "脱贫", "乡村振兴", "农村"],
        )],
    ),
    dept("商务局", "swj", "0701", &[]),
    dept("文化和旅游局", "wlj", "1101", LAW_ENFORCEMENT),
    dept(
        "卫生健康委员会",
        "wjw",
        "1201",
        &[kc("ylws", "医疗卫生", &["医疗", "医院", "疾病", "卫生"])],
    ),
    dept("退役军人事务局", "tyjrj", "1601", &[]),
    dept(
        "应急管理局",
        "yjglj",
        "0102",
        &[kc("aqsc", "安全生产", &["安全生产", "事故", "隐患"])],
    ),
    dept("审计局", "sjj", "0303", &[]),
    dept("人民政府国有资产监督管理委员会", "gzw", "0202", &[]),
    dept(
        "市场监督管理局",
        "scjgj",
        "0801",
        &[
            kc("spypaq", "食品药品安全", &["食品", "药品", "抽检"]),
            kc("ssjygk", "双随机一公开", &["检查", "抽查", "监管"]),
        ],
    ),
    dept("统计局", "tjj", "0201", &[]),
    dept("医疗保障局", "ybj", "1402", &[]),
    dept("林业局", "lyj", "0502", &[]),
    dept("城市管理执法局", "cgj", "0901", LAW_ENFORCEMENT),
    dept("政务服务和大数据管理局", "zwfwj", "0101", &[]),
    dept(
        "公共资源交易中心",
        "ggzyjy",
        "0301",
        &[
            kc("gcjs", "工程建设招标", &["招标", "工程"]),
            kc("zfcg", "政府采购", &["采购"]),
        ],
    ),
    dept("信访局", "xfj", "0103", &[]),
    dept("体育局", "tyj", "1202", &[]),
    dept("住房公积金中心", "gjj", "0901", &[]),
    dept("人民防空办公室", "rfb", "2001", &[]),
    dept("地方金融工作局", "jrj", "0302", &[]),
    dept("外事侨务办公室", "wqb", "18", &[]),
];

/// A county, county-level city or district (县（市、区）) with its site, a department or two and
/// a township or two.
pub struct County {
    pub name: &'static str,
    pub slug: &'static str,
    /// Departments as (name, the city department they mirror). Keyword rules that send a document
    /// to that city department send a county's document to this one.
    pub departments: &'static [(&'static str, &'static str)],
    pub townships: &'static [&'static str],
}

pub const COUNTIES: &[County] = &[
    County {
        name: "城东区",
        slug: "cdq",
        departments: &[("教育局", "jyj"), ("民政局", "mzj")],
        townships: &["东湖街道", "新桥街道"],
    },
    County {
        name: "城西区",
        slug: "cxq",
        departments: &[("住房和城乡建设局", "zjj")],
        townships: &["西山街道"],
    },
    County {
        name: "新港区",
        slug: "xgq",
        departments: &[("商务局", "swj"), ("交通运输局", "jtysj")],
        townships: &["港口街道"],
    },
    County {
        name: "云山县",
        slug: "ysx",
        departments: &[("农业农村局", "nyncj"), ("自然资源局", "zrzyj")],
        townships: &["云山镇", "白石乡"],
    },
    County {
        name: "青河县",
        slug: "qhx",
        departments: &[("卫生健康局", "wjw")],
        townships: &["青河镇", "柳林乡"],
    },
    County {
        name: "南湖市",
        slug: "nhs",
        departments: &[("教育局", "jyj"), ("财政局", "czj")],
        townships: &["南湖街道", "湖滨镇"],
    },
];

/// A column as the demo creates it; children follow their parent.
pub struct ColumnSpec {
    pub slug: &'static str,
    pub name: &'static str,
    pub kind: ColumnKind,
    pub module: Module,
    pub update_days: Option<i32>,
    pub parent: Option<&'static str>,
    pub link_url: Option<&'static str>,
}

const fn col(
    module: Module,
    slug: &'static str,
    name: &'static str,
    kind: ColumnKind,
    update_days: Option<i32>,
) -> ColumnSpec {
    ColumnSpec {
        slug,
        name,
        kind,
        module,
        update_days,
        parent: None,
        link_url: None,
    }
}

const fn child(
    parent: &'static str,
    module: Module,
    slug: &'static str,
    name: &'static str,
    update_days: Option<i32>,
) -> ColumnSpec {
    ColumnSpec {
        slug,
        name,
        kind: ColumnKind::Catalogue,
        module,
        update_days,
        parent: Some(parent),
        link_url: None,
    }
}

use ColumnKind::{Articles, Catalogue, Link, SinglePage};
use Module::{Basic, GovernmentAffairs as Affairs, Leadership};

/// The portal's columns. Update requirements follow common provincial rules: notices and news
/// every two weeks, policy documents every half year, annual reports and budgets yearly.
pub const PORTAL_COLUMNS: &[ColumnSpec] = &[
    col(Leadership, "ldzc", "领导之窗", SinglePage, None),
    col(Leadership, "ldhd", "领导活动", Articles, Some(14)),
    col(Affairs, "zcwj", "政策文件", Catalogue, Some(180)),
    child("zcwj", Affairs, "szfwj", "市政府文件", Some(180)),
    child("zcwj", Affairs, "szfbwj", "市政府办公室文件", Some(180)),
    child("zcwj", Affairs, "gfxwj", "行政规范性文件", Some(180)),
    col(Affairs, "zcjd", "政策解读", Catalogue, Some(180)),
    col(Affairs, "tzgg", "通知公告", Catalogue, Some(14)),
    col(Affairs, "gzdt", "工作动态", Articles, Some(14)),
    col(Affairs, "flfg", "法律法规", Catalogue, None),
    col(Affairs, "rsxx", "人事信息", Catalogue, None),
    col(Basic, "gkzn", "政府信息公开指南", SinglePage, None),
    col(Basic, "gkzd", "政府信息公开制度", SinglePage, None),
    col(Basic, "gknb", "政府信息公开年报", Articles, Some(365)),
    col(Basic, "jgzn", "机构职能", SinglePage, None),
    col(Basic, "czyjs", "财政预决算", Catalogue, Some(365)),
    col(Basic, "ghjh", "规划计划", Catalogue, Some(365)),
    col(Basic, "tjxx", "统计信息", Catalogue, Some(30)),
    ColumnSpec {
        slug: "zgzfw",
        name: "中国政府网",
        kind: Link,
        module: Basic,
        update_days: None,
        parent: None,
        link_url: Some("https://www.gov.cn/"),
    },
];

/// The portal's 重点领域公开 block: filled from every site's items by keyword.
pub const PORTAL_KEY_COLUMNS: &[KeyColumn] = &[
    kc(
        "zdxm",
        "重大建设项目",
        &["重大项目", "重点项目", "建设项目"],
    ),
    kc(
        "ggzy",
        "公共资源配置",
        &["公共资源", "招标", "采购", "出让"],
    ),
    kc(
        "czzj",
        "财政资金",
        &["预算", "决算", "专项资金", "财政资金"],
    ),
    kc(
        "shjz",
        "社会救助",
        &["救助", "低保", "最低生活保障", "特困"],
    ),
    kc("jy", "教育", &["教育", "学校", "招生"]),
    kc("ylws", "医疗卫生", &["医疗", "医院", "公共卫生", "疾病"]),
    kc("hjbh", "环境保护", &["环境保护", "生态环境", "污染"]),
    kc("spaq", "食品药品安全", &["食品", "药品"]),
    kc("aqsc", "安全生产", &["安全生产", "危险化学品", "事故"]),
    kc("zdcq", "征地拆迁", &["征地", "征收", "拆迁"]),
];

/// Every department's and county's site has these, then its own 重点领域 columns.
pub const SUBSITE_COLUMNS: &[ColumnSpec] = &[
    col(Leadership, "ldxx", "领导信息", SinglePage, None),
    col(Affairs, "zcwj", "政策文件", Catalogue, Some(180)),
    col(Affairs, "zcjd", "政策解读", Catalogue, Some(180)),
    col(Affairs, "tzgg", "通知公告", Catalogue, Some(14)),
    col(Affairs, "gzdt", "工作动态", Articles, Some(14)),
    col(Affairs, "flfg", "法律法规", Catalogue, None),
    col(Basic, "gkzn", "政府信息公开指南", SinglePage, None),
    col(Basic, "jgzn", "机构职能", SinglePage, None),
    col(Basic, "gknb", "政府信息公开年报", Articles, Some(365)),
    col(Basic, "rsxx", "人事信息", Catalogue, None),
    col(Basic, "czyjs", "财政预决算", Catalogue, Some(365)),
    col(Basic, "ghjh", "规划计划", Catalogue, Some(365)),
];

/// Counties also list their townships' items.
pub const COUNTY_EXTRA_COLUMNS: &[ColumnSpec] = &[col(
    Affairs,
    "xzxx",
    "乡镇（街道）信息",
    Catalogue,
    Some(30),
)];

/// 主题分类 — the subject categories of the national government-information catalogue, with a
/// second level under the busiest ones. (code, name, parent code)
pub const SUBJECTS: &[(&str, &str, Option<&str>)] = &[
    ("01", "综合政务", None),
    ("0101", "政务公开", Some("01")),
    ("0102", "应急管理", Some("01")),
    ("0103", "信访", Some("01")),
    ("0104", "政务督查", Some("01")),
    ("02", "国民经济管理、国有资产监管", None),
    ("0201", "发展规划", Some("02")),
    ("0202", "国有资产监管", Some("02")),
    ("0203", "物价", Some("02")),
    ("03", "财政、金融、审计", None),
    ("0301", "财政", Some("03")),
    ("0302", "金融", Some("03")),
    ("0303", "审计", Some("03")),
    ("04", "国土资源、能源", None),
    ("0401", "土地", Some("04")),
    ("0402", "矿产", Some("04")),
    ("0403", "能源", Some("04")),
    ("05", "农业、林业、水利", None),
    ("0501", "农业、畜牧业、渔业", Some("05")),
    ("0502", "林业", Some("05")),
    ("0503", "水利", Some("05")),
    ("06", "工业、交通", None),
    ("0601", "工业", Some("06")),
    ("0602", "交通", Some("06")),
    ("0603", "信息产业（含电信）", Some("06")),
    ("07", "商贸、海关、旅游", None),
    ("0701", "商贸", Some("07")),
    ("0702", "旅游", Some("07")),
    ("08", "市场监管、安全生产监管", None),
    ("0801", "市场监管", Some("08")),
    ("0802", "安全生产监管", Some("08")),
    ("0803", "食品药品监管", Some("08")),
    ("09", "城乡建设、环境保护", None),
    ("0901", "城乡建设（含住房）", Some("09")),
    ("0902", "环境监测、保护与治理", Some("09")),
    ("10", "科技、教育", None),
    ("1001", "科技", Some("10")),
    ("1002", "教育", Some("10")),
    ("11", "文化、广电、新闻出版", None),
    ("1101", "文化", Some("11")),
    ("1102", "广播影视", Some("11")),
    ("1103", "新闻出版", Some("11")),
    ("12", "卫生、体育", None),
    ("1201", "卫生", Some("12")),
    ("1202", "体育", Some("12")),
    ("13", "人口与计划生育、妇女儿童工作", None),
    ("14", "劳动、人事、监察", None),
    ("1401", "劳动就业", Some("14")),
    ("1402", "社会保障", Some("14")),
    ("1403", "人事工作", Some("14")),
    ("15", "公安、安全、司法", None),
    ("1501", "公安", Some("15")),
    ("1502", "司法", Some("15")),
    ("16", "民政、扶贫、救灾", None),
    ("1601", "民政", Some("16")),
    ("1602", "扶贫", Some("16")),
    ("1603", "救灾", Some("16")),
    ("17", "民族、宗教", None),
    ("18", "对外事务", None),
    ("19", "港澳台侨工作", None),
    ("20", "国防", None),
    ("2001", "国防动员", Some("20")),
    ("21", "其他", None),
];

/// A keyword rule: a title containing any of `keywords` concerns department `dept` and subject
/// `subject`. Rules are tried in order, so the narrower ones come first (医疗保障 before 医疗,
/// 道路交通安全 before 交通).
pub struct Rule {
    pub keywords: &'static [&'static str],
    pub dept: &'static str,
    pub subject: &'static str,
}

const fn rule(
    dept: &'static str,
    subject: &'static str,
    keywords: &'static [&'static str],
) -> Rule {
    Rule {
        keywords,
        dept,
        subject,
    }
}

pub const RULES: &[Rule] = &[
    rule("ggzyjy", "0301", &["公共资源交易", "招标投标", "政府采购"]),
    rule(
        "zwfwj",
        "0101",
        &[
            "政务服务",
            "大数据",
            "政务数据",
            "一网通办",
            "电子政务",
            "营商环境",
            "行政审批",
            "政务公开",
            "政府网站",
        ],
    ),
    rule("xfj", "0103", &["信访"]),
    rule(
        "tyjrj",
        "1601",
        &["退役军人", "退役士兵", "优抚", "拥军", "双拥", "烈士"],
    ),
    rule("rfb", "2001", &["人民防空", "人防"]),
    rule("ybj", "1402", &["医疗保障", "医保", "医疗保险", "大病保险"]),
    rule("gjj", "0901", &["住房公积金", "公积金"]),
    rule("sjj", "0303", &["审计"]),
    rule("tjj", "0201", &["统计"]),
    rule(
        "czj",
        "0301",
        &[
            "财政",
            "预算",
            "决算",
            "国库",
            "非税",
            "政府债务",
            "专项资金",
            "税",
        ],
    ),
    rule("gzw", "0202", &["国有资产", "国资", "国有企业", "国有资本"]),
    rule(
        "jrj",
        "0302",
        &["金融", "银行", "证券", "融资", "信贷", "上市"],
    ),
    rule(
        "gaj",
        "1501",
        &[
            "道路交通安全",
            "公安",
            "治安",
            "禁毒",
            "消防",
            "户籍",
            "户口",
            "出入境",
            "枪支",
            "警察",
            "犯罪",
        ],
    ),
    rule(
        "sfj",
        "1502",
        &[
            "司法",
            "法律援助",
            "人民调解",
            "律师",
            "公证",
            "法治",
            "行政复议",
            "仲裁",
            "社区矫正",
        ],
    ),
    rule("scjgj", "0803", &["食品", "药品", "医疗器械", "化妆品"]),
    rule(
        "scjgj",
        "0801",
        &[
            "市场监管",
            "市场监督",
            "特种设备",
            "产品质量",
            "质量监督",
            "标准化",
            "计量",
            "商标",
            "广告",
            "消费者",
            "个体工商户",
            "市场主体",
            "企业登记",
            "知识产权",
        ],
    ),
    rule("ybj", "1402", &["医疗救助"]),
    rule(
        "mzj",
        "1601",
        &[
            "民政厅",
            "民政局",
            "民政部",
            "民政事业",
            "民政工作",
            "社会救助",
            "最低生活保障",
            "低保",
            "特困",
            "养老服务",
            "养老机构",
            "殡葬",
            "婚姻",
            "社会组织",
            "慈善",
            "残疾",
            "孤儿",
            "老年",
            "社区",
            "行政区划",
            "地名",
            "救助",
        ],
    ),
    rule("nyncj", "1602", &["扶贫", "脱贫", "乡村振兴"]),
    rule(
        "yjglj",
        "0802",
        &[
            "安全生产",
            "危险化学品",
            "烟花爆竹",
            "矿山安全",
            "非煤矿山",
            "生产安全",
        ],
    ),
    rule(
        "yjglj",
        "1603",
        &[
            "救灾",
            "防灾",
            "减灾",
            "地震",
            "防汛",
            "抗旱",
            "自然灾害",
            "地质灾害",
        ],
    ),
    rule("yjglj", "0102", &["应急", "突发事件"]),
    rule(
        "rsj",
        "1402",
        &["社会保障", "社会保险", "养老保险", "失业保险", "工伤"],
    ),
    rule(
        "rsj",
        "1401",
        &[
            "人力资源",
            "就业",
            "创业",
            "劳动",
            "人才",
            "职称",
            "工资",
            "技能",
            "事业单位",
            "公务员",
        ],
    ),
    rule(
        "cgj",
        "0901",
        &[
            "城市管理",
            "市容",
            "环境卫生",
            "垃圾",
            "园林",
            "绿化",
            "城管",
        ],
    ),
    rule(
        "wjw",
        "13",
        &["计划生育", "人口", "妇女", "儿童", "母婴", "生育"],
    ),
    rule(
        "wjw",
        "1201",
        &[
            "卫生",
            "医疗",
            "医院",
            "医药",
            "疾病",
            "传染病",
            "疫情",
            "公共卫生",
            "中医",
            "艾滋病",
            "疫苗",
            "医师",
        ],
    ),
    rule(
        "fgw",
        "0403",
        &[
            "能源",
            "节能",
            "电力",
            "煤",
            "石油",
            "天然气",
            "新能源",
            "碳达峰",
        ],
    ),
    rule("fgw", "0203", &["价格", "收费"]),
    rule(
        "fgw",
        "0201",
        &[
            "发展改革",
            "国民经济",
            "投资",
            "重大项目",
            "重点项目",
            "粮食",
            "五年",
        ],
    ),
    rule(
        "jyj",
        "1002",
        &[
            "教育",
            "学校",
            "学生",
            "教师",
            "高校",
            "大学",
            "学院",
            "幼儿园",
            "招生",
            "考试",
        ],
    ),
    rule(
        "kjj",
        "1001",
        &[
            "科技",
            "科学技术",
            "科技创新",
            "创新驱动",
            "高新技术",
            "专利",
            "研发",
            "科普",
        ],
    ),
    rule(
        "gxj",
        "0603",
        &[
            "信息化",
            "无线电",
            "通信",
            "软件",
            "集成电路",
            "数字经济",
            "互联网",
        ],
    ),
    rule(
        "gxj",
        "0601",
        &["工业", "制造", "产业园", "中小企业", "民营经济", "盐业"],
    ),
    rule("mzzj", "17", &["民族", "宗教"]),
    rule("zrzyj", "0402", &["矿产", "矿业", "地质"]),
    rule(
        "zrzyj",
        "0401",
        &[
            "自然资源",
            "国土",
            "土地",
            "用地",
            "测绘",
            "不动产",
            "城乡规划",
            "城市总体规划",
            "规划管理",
            "海域",
            "海洋",
        ],
    ),
    rule(
        "sthjj",
        "0902",
        &[
            "生态环境",
            "环境保护",
            "环保",
            "污染",
            "大气",
            "排污",
            "环境影响",
            "碳排放",
            "固体废物",
            "生态",
        ],
    ),
    rule(
        "zjj",
        "0901",
        &[
            "住房",
            "城乡建设",
            "建筑",
            "房地产",
            "物业",
            "城镇",
            "保障性",
            "棚户区",
            "工程建设",
            "燃气",
            "供水",
            "市政设施",
            "市政工程",
            "市政公用",
            "建设工程",
            "住宅",
        ],
    ),
    rule(
        "jtysj",
        "0602",
        &[
            "交通",
            "公路",
            "道路运输",
            "铁路",
            "机场",
            "港口",
            "航道",
            "水运",
            "客运",
            "出租汽车",
            "物流",
            "航空",
        ],
    ),
    rule(
        "slj",
        "0503",
        &[
            "水利",
            "水资源",
            "河道",
            "河长",
            "水库",
            "灌区",
            "水土保持",
            "节水",
            "湖泊",
        ],
    ),
    rule(
        "lyj",
        "0502",
        &[
            "林业",
            "森林",
            "林地",
            "湿地",
            "自然保护区",
            "野生动物",
            "野生植物",
        ],
    ),
    rule(
        "nyncj",
        "0501",
        &[
            "农业",
            "农村",
            "农民",
            "种子",
            "畜牧",
            "兽医",
            "渔业",
            "动物防疫",
            "农产品",
            "农机",
            "耕地",
            "乡村",
            "粮",
        ],
    ),
    rule("wlj", "0702", &["旅游", "景区"]),
    rule("tyj", "1202", &["体育", "全民健身", "运动会"]),
    rule(
        "wlj",
        "1101",
        &[
            "文化",
            "文物",
            "非物质文化遗产",
            "博物馆",
            "图书馆",
            "广播",
            "电视",
            "电影",
            "出版",
            "演出",
            "艺术",
        ],
    ),
    rule(
        "swj",
        "0701",
        &[
            "商务",
            "商贸",
            "外贸",
            "对外贸易",
            "外商投资",
            "外资",
            "招商",
            "消费",
            "电子商务",
            "商品",
            "口岸",
            "会展",
            "对外开放",
            "自由贸易",
        ],
    ),
    rule("wqb", "19", &["侨", "港澳", "台湾"]),
    rule("wqb", "18", &["外事", "外国", "国际", "友好城市", "对外"]),
];

/// The first rule whose keyword the title contains, with that keyword.
pub fn classify(title: &str) -> Option<(&'static Rule, &'static str)> {
    RULES.iter().find_map(|r| {
        r.keywords
            .iter()
            .find(|k| title.contains(*k))
            .map(|k| (r, *k))
    })
}

/// The organisation-code body of the n-th city department (0-based). Codes are made up but carry
/// a valid GB 11714 check character once minted.
pub fn department_code8(n: usize) -> String {
    format!("{:08}", 11_070_101 + n)
}

pub fn county_code8(n: usize) -> String {
    format!("{:08}", 11_080_000 + n * 100)
}

pub fn county_department_code8(county: usize, n: usize) -> String {
    format!("{:08}", 11_080_000 + county * 100 + 1 + n)
}

pub fn township_code8(county: usize, n: usize) -> String {
    format!("{:08}", 11_080_000 + county * 100 + 50 + n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gongkai_domain::site::SiteSlug;
    use std::collections::BTreeSet;

    #[test]
    fn forty_three_sites_with_distinct_valid_slugs() {
        let slugs: BTreeSet<&str> = std::iter::once(PORTAL_SLUG)
            .chain(DEPARTMENTS.iter().map(|d| d.slug))
            .chain(COUNTIES.iter().map(|c| c.slug))
            .collect();
        assert_eq!(slugs.len(), 43);
        for s in &slugs {
            SiteSlug::parse(s).unwrap();
        }
    }

    #[test]
    fn rules_point_at_real_departments_and_subjects() {
        let subjects: BTreeSet<&str> = SUBJECTS.iter().map(|s| s.0).collect();
        for r in RULES {
            assert!(DEPARTMENTS.iter().any(|d| d.slug == r.dept), "{}", r.dept);
            assert!(subjects.contains(r.subject), "{}", r.subject);
        }
        for d in DEPARTMENTS {
            assert!(subjects.contains(d.subject), "{}", d.subject);
        }
        for c in COUNTIES {
            for (_, mirror) in c.departments {
                assert!(DEPARTMENTS.iter().any(|d| d.slug == *mirror));
            }
        }
        assert_eq!(
            classify("关于进一步加强医疗保障基金监管的通知")
                .unwrap()
                .0
                .dept,
            "ybj"
        );
        assert_eq!(
            classify("关于加强道路交通安全管理的通告").unwrap().0.dept,
            "gaj"
        );
        assert!(classify("关于任免张三同志职务的通知").is_none());
        // Words inside common phrases must not classify: 人民政府 holds 民政, 市政府 holds 市政.
        assert!(classify("上海市人民政府办公厅关于加强值班工作的通知").is_none());
        const BOILERPLATE: &[&str] = &[
            "人民政府",
            "办公厅",
            "办公室",
            "市政府",
            "省政府",
            "区政府",
            "县政府",
            "国务院",
            "自治区",
            "自治州",
            "关于",
            "印发",
            "转发",
            "批转",
            "通知",
            "通报",
            "决定",
            "批复",
            "意见",
            "实施",
            "进一步",
            "加强",
            "工作",
            "有关",
            "若干",
            "规定",
            "暂行",
            "试行",
            "同意",
            "部门",
            "人民代表大会",
            "常务委员会",
        ];
        for r in RULES {
            for k in r.keywords {
                assert!(
                    !BOILERPLATE.iter().any(|b| b.contains(k)),
                    "keyword {k} hides in boilerplate"
                );
            }
        }
    }
}

//! Texts of the demo's single pages and generated items: the 政府信息公开指南 (as the 2019
//! 条例 requires it: what is disclosed, how to apply, where, when, fees and remedies), the
//! organisation pages, policy interpretations and annual reports.
//!
//! Addresses and telephone numbers are made up (area code 0000) so no real office is called.

use super::sources::escape;

/// The 政府信息公开指南 of an organisation. `n` makes each office's number and room different.
pub fn guide(org_name: &str, site_title: &str, n: usize) -> String {
    let org = escape(org_name);
    let site = escape(site_title);
    let phone = format!("0000-8123{:04}", 1000 + n);
    let room = 101 + n;
    format!(
        "<p>为了保障公民、法人和其他组织依法获取政府信息，根据《中华人民共和国政府信息公开条例》（以下简称《条例》），编制本指南。需要获得{org}政府信息公开服务的公民、法人和其他组织，建议阅读本指南。</p>\
<h2>一、主动公开</h2>\
<p>（一）公开范围。{org}按照《条例》第十九条、第二十条的规定，主动公开机构职能、规范性文件、规划计划、财政预决算、行政许可和行政处罚、人事信息、重点领域信息等政府信息，具体见本网站“政府信息公开目录”。</p>\
<p>（二）公开方式。主动公开的政府信息通过{site}、政务微博、政务微信和《示范市人民政府公报》公开，并在示范市档案馆、图书馆和政务服务中心设置政府信息查阅场所。</p>\
<p>（三）公开时限。属于主动公开范围的政府信息，自该信息形成或者变更之日起20个工作日内予以公开。</p>\
<h2>二、依申请公开</h2>\
<p>（一）受理机构：{org}政府信息公开工作机构。</p>\
<p>办公地址：示范市政务服务中心{room}室（示范市人民路1号）；邮政编码：000001；联系电话：{phone}；电子邮箱：gkb{n}@example.org。</p>\
<p>受理时间：法定工作日上午9:00—12:00，下午13:30—17:30（节假日除外）。</p>\
<p>（二）申请方式。申请人可以通过本网站“依申请公开”栏目在线提交，也可以当面提交或者邮寄、传真书面申请。申请应包括：申请人的姓名或者名称、身份证明、联系方式；申请公开的政府信息的名称、文号或者便于查询的其他特征性描述；申请公开的政府信息的形式要求。</p>\
<p>（三）办理期限。能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不超过20个工作日。征求第三方和其他机关意见所需时间不计算在内。</p>\
<p>（四）收费。依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，按照《政府信息公开信息处理费管理办法》收取信息处理费。</p>\
<h2>三、监督和救济</h2>\
<p>公民、法人或者其他组织认为{org}在政府信息公开工作中侵犯其合法权益的，可以向示范市人民政府政务公开办公室投诉、举报，也可以依法申请行政复议或者提起行政诉讼。</p>"
    )
}

/// 机构职能 — a short description of what the organisation does.
pub fn functions(org_name: &str, business: &str) -> String {
    format!(
        "<p>{org}是{parent}的工作部门，主要负责{business}方面的政策制定、组织实施和监督管理，依法履行行政许可、行政检查等职责。</p>\
<p>内设机构：办公室、政策法规科、业务科室若干。（演示站点：机构设置为示意。）</p>",
        org = escape(org_name),
        parent = "示范市人民政府",
        business = escape(business),
    )
}

/// 领导信息 of a sub-site: names are not made up on purpose; the page explains what it holds.
pub fn leaders(org_name: &str) -> String {
    format!(
        "<p>本栏目公开{org}领导姓名、职务、工作分工和简历。演示站点不列出真实或虚构人员信息。</p>",
        org = escape(org_name)
    )
}

pub const DISCLOSURE_RULES: &str = "<p>示范市政府信息公开工作遵循《中华人民共和国政府信息公开条例》（国务院令第711号）。本市建立政府信息公开审查、主动公开目录动态更新、依申请公开登记办理、政府信息公开工作年度报告和考核评议等制度。</p>\
<p>行政机关应当建立健全政府信息公开协调机制，公开前依照法律、法规和国家有关规定对拟公开的政府信息进行审查。</p>";

/// 政策解读 of a policy, written from its metadata. The page says that it is demo text.
pub fn interpretation(title: &str, doc_number: Option<&str>, org_name: &str) -> String {
    let number = doc_number
        .map(|d| format!("（{}）", escape(d)))
        .unwrap_or_default();
    format!(
        "<h2>一、制定背景</h2><p>为贯彻落实党中央、国务院决策部署，结合本地实际，{org}印发了《{title}》{number}。</p>\
<h2>二、主要内容</h2><p>文件明确了工作目标、主要任务、保障措施和责任分工，对有关单位的职责作出了规定。</p>\
<h2>三、适用范围</h2><p>文件适用于本行政区域内的有关单位和个人，自印发之日起施行。</p>\
<h2>四、解读机关</h2><p>{org}。</p>\
<p>（演示数据：本解读依据文件标题生成，不代表原发布机关的解读。）</p>",
        org = escape(org_name),
        title = escape(title),
    )
}

/// 政府信息公开工作年度报告 of a site for a year, with the counts of what it published that year.
pub fn annual_report(
    org_name: &str,
    year: i32,
    published: usize,
    normative: usize,
    interpretations: usize,
) -> String {
    format!(
        "<h2>一、总体情况</h2><p>{year}年，{org}认真贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，持续推进政务公开工作。</p>\
<h2>二、主动公开政府信息情况</h2><p>本年度通过本网站主动公开政府信息{published}条，其中行政规范性文件{normative}件，政策解读{interpretations}篇。（由平台按发布记录统计）</p>\
<h2>三、收到和处理政府信息公开申请情况</h2><p>见年度报告统计表。</p>\
<h2>四、政府信息公开行政复议、行政诉讼情况</h2><p>见年度报告统计表。</p>\
<h2>五、存在的主要问题及改进情况</h2><p>政策解读形式较为单一，部分栏目更新不够及时。下一步将加强栏目更新监测，丰富解读形式。</p>\
<h2>六、其他需要报告的事项</h2><p>本年度未收取信息处理费。</p>\
<p>（演示数据）</p>",
        org = escape(org_name),
    )
}

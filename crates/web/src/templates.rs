//! Server-rendered HTML: every minijinja template embedded at compile time, the filters they use and
//! the one stylesheet.
//!
//! The context each template reads is documented in `crates/web/templates/README.md`; the tests at the
//! bottom of this file hold the templates, the README and realistic sample contexts to one another.

use minijinja::value::Value;
use minijinja::{AutoEscape, Environment};

macro_rules! embed {
    ($($name:literal),* $(,)?) => {
        /// Every template as `(name, source)`. Names starting with `_` are partials (macros only).
        pub const TEMPLATES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!("../templates/", $name))),)*
        ];
    };
}

embed!(
    "_macros.html",
    "base.html",
    "portal_home.html",
    "site_home.html",
    "column.html",
    "item.html",
    "catalogue.html",
    "search.html",
    "error.html",
    "page.html",
    "report_error.html",
    "annual_reports.html",
    "site_list.html",
    "admin/base.html",
    "admin/login.html",
    "admin/dashboard.html",
    "admin/items.html",
    "admin/item_form.html",
    "admin/item_view.html",
    "admin/audit.html",
    "admin/users.html",
    "admin/user_form.html",
    "admin/sites.html",
    "admin/columns.html",
    "admin/orgs.html",
    "admin/version.html",
    "admin/search.html",
    "admin/subjects.html",
    "admin/user_view.html",
    "admin/column_form.html",
    "request_form.html",
    "request_done.html",
    "request_track.html",
    "admin/requests.html",
    "admin/request_view.html",
    "admin/request_new.html",
    "admin/request_settings.html",
    "admin/request_stats.html",
    // Annual report and statistics (issue 7).
    "admin/reports.html",
    "admin/report.html",
    "admin/statistics.html",
    // Key areas (issue 8).
    "trading_list.html",
    "trading_item.html",
    "trading_project.html",
    "key_areas.html",
    "major_projects.html",
    "major_project.html",
    "welfare.html",
    "service_guides.html",
    "service_guide.html",
    "admin/major_projects.html",
    "admin/major_project.html",
    "admin/service_guides.html",
    "admin/service_guide_form.html",
    "gazette_archive.html",
    "service_case.html",
    "admin/media_accounts.html",
    "gazette_issue.html",
    "admin/gazette.html",
    "admin/gazette_issue.html",
    "mailbox.html",
    "mailbox_form.html",
    "mailbox_done.html",
    "mailbox_track.html",
    "mailbox_letter.html",
    "admin/letters.html",
    "admin/letter_view.html",
    "admin/letter_stats.html",
    "admin/mailbox_settings.html",
    "survey_list.html",
    "survey.html",
    "admin/surveys.html",
    "admin/survey_form.html",
    "admin/survey_view.html",
    "interview_list.html",
    "interview.html",
    "admin/events.html",
    "admin/event_form.html",
    "admin/interpretations.html",
    "admin/interpretation_form.html",
    "admin/event_view.html",
    "consultation_list.html",
    "consultation.html",
    "admin/consultations.html",
    "admin/consultation_form.html",
    "admin/consultation_view.html",
    // 网站健康 (issue 9)
    "admin/health.html",
    "admin/health_site.html",
    "admin/health_words.html",
    "admin/health_report.html",
    "report_error_track.html",
);

/// Where the handlers must serve [`css()`]; templates link to it as the global `css_url`
/// (this path plus `?v=` and a hash of the stylesheet, so it can be cached for a long time).
pub const CSS_PATH: &str = "/static/site.css";

static CSS: &str = include_str!("../static/site.css");

/// The stylesheet for the whole application (public site, print view and back office).
pub fn css() -> &'static str {
    CSS
}

/// `CSS_PATH?v=<hash of the stylesheet>`: changes whenever the stylesheet does.
pub fn css_url() -> String {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in CSS.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{CSS_PATH}?v={:08x}", h as u32)
}

/// The template environment: all templates, HTML auto-escaping for `.html`, the default (lenient)
/// undefined behaviour, the filters `filesize` and `filetype`, and the global `css_url`.
pub fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_auto_escape_callback(|name| {
        if name.ends_with(".html") {
            AutoEscape::Html
        } else {
            AutoEscape::None
        }
    });
    for (name, source) in TEMPLATES {
        env.add_template(name, source)
            .unwrap_or_else(|e| panic!("template {name} does not compile: {e:#}"));
    }
    env.set_formatter(html_formatter);
    env.add_filter("filesize", filesize);
    env.add_filter("filetype", filetype);
    env.add_global("css_url", css_url());
    env
}

/// minijinja's HTML escaping also turns `/` into `&#x2f;`, which makes every URL in the output
/// unreadable (and twice as long) without making anything safer inside quoted attributes or text.
/// This escapes `& < > " '` only; everything else (safe strings, non-HTML templates, non-strings)
/// goes to the default formatter, which also enforces the undefined behaviour.
fn html_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    if state.auto_escape() == AutoEscape::Html && !value.is_safe() {
        if let Some(s) = value.as_str() {
            return write_html_escaped(out, s).map_err(minijinja::Error::from);
        }
    }
    minijinja::escape_formatter(out, state, value)
}

fn write_html_escaped(out: &mut minijinja::Output, s: &str) -> std::fmt::Result {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[last..i])?;
        out.write_str(rep)?;
        last = i + 1;
    }
    out.write_str(&s[last..])
}

/// `{{ bytes|filesize }}`: a byte count as people read it (`532 B`, `12.5 KB`, `3.2 MB`). Accepts a
/// number or a numeric string; anything else is printed unchanged, and a missing value prints nothing.
pub fn filesize(value: Value) -> String {
    let bytes = if let Some(s) = value.as_str() {
        match s.trim().parse::<f64>() {
            Ok(n) => n,
            Err(_) => return s.to_string(),
        }
    } else if value.is_number() {
        match f64::try_from(value.clone()) {
            Ok(n) => n,
            Err(_) => return value.to_string(),
        }
    } else {
        return String::new();
    };
    if !bytes.is_finite() || bytes < 0.0 {
        return String::new();
    }
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024.0 {
        return format!("{} B", bytes as u64);
    }
    let mut n = bytes / 1024.0;
    let mut unit = 0;
    while n >= 1024.0 && unit < UNITS.len() - 1 {
        n /= 1024.0;
        unit += 1;
    }
    if n >= 100.0 {
        format!("{:.0} {}", n, UNITS[unit])
    } else {
        let s = format!("{:.1}", n);
        let s = s.strip_suffix(".0").unwrap_or(&s);
        format!("{} {}", s, UNITS[unit])
    }
}

/// `{{ content_type|filetype }}`: a MIME type as a short label (`PDF`, `Word`, `Excel`, `图片` …);
/// `文件` when unknown or missing.
pub fn filetype(value: Value) -> String {
    let ct = value.as_str().unwrap_or("").trim().to_ascii_lowercase();
    let ct = ct.split(';').next().unwrap_or("").trim();
    let label = match ct {
        "application/pdf" => "PDF",
        "application/ofd" => "OFD",
        "application/msword" => "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => "Word",
        "application/vnd.ms-excel" => "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => "Excel",
        "application/vnd.ms-powerpoint" => "PPT",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => "PPT",
        "application/vnd.oasis.opendocument.text" => "ODT",
        "application/vnd.oasis.opendocument.spreadsheet" => "ODS",
        "application/zip"
        | "application/x-zip-compressed"
        | "application/x-7z-compressed"
        | "application/vnd.rar"
        | "application/x-rar-compressed"
        | "application/gzip" => "压缩包",
        "text/plain" => "文本",
        "text/csv" => "CSV",
        "application/wps-office.wps" | "application/kswps" => "WPS",
        _ if ct.starts_with("image/") => "图片",
        _ if ct.starts_with("video/") => "视频",
        _ if ct.starts_with("audio/") => "音频",
        _ => "文件",
    };
    label.to_string()
}

#[cfg(test)]
mod tests {
    //! The tests hold three things to one another: the templates, `templates/README.md` (the
    //! contract with the handlers) and the sample contexts below (what a handler would pass).
    //! They also check the rendered HTML for the mistakes the Nu HTML Checker and axe-core report
    //! (stray end tags, duplicate ids, unlabelled controls, heading order, …) and for CSRF inputs.

    use super::*;
    use serde_json::{json, Value as J};
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

    // ------------------------------------------------------------------ sample contexts

    fn merge(mut base: J, extra: J) -> J {
        if let (Some(b), J::Object(e)) = (base.as_object_mut(), extra) {
            for (k, v) in e {
                b.insert(k, v);
            }
        }
        base
    }

    fn public_globals() -> J {
        json!({
            "site": {"title": "某市教育局", "slug": "jyj", "url": "/s/jyj/", "is_portal": false},
            "portal": {"title": "某市人民政府", "url": "/"},
            "nav": [
                {"name": "首页", "url": "/s/jyj/", "current": false},
                {"name": "政府信息公开指南", "url": "/s/jyj/guide", "current": false},
                {"name": "政府信息公开目录", "url": "/s/jyj/catalogue", "current": true},
                {"name": "政府信息公开年报", "url": "/s/jyj/reports", "current": false}
            ],
            "large_text": false,
            "toggle_large_text_url": "/large-text?back=%2Fs%2Fjyj%2F",
            "search_url": "/search",
            "search_site": "jyj",
            "q": "",
            "breadcrumbs": [
                {"name": "首页", "url": "/s/jyj/"},
                {"name": "政府信息公开目录", "url": "/s/jyj/catalogue"}
            ],
            "page_title": "政府信息公开目录",
            "footer_links": [
                {"name": "我为政府网站找错", "url": "/report-error"},
                {"name": "网站地图", "url": "/sites"}
            ]
        })
    }

    fn portal_globals() -> J {
        merge(
            public_globals(),
            json!({
                "site": {"title": "某市人民政府", "slug": "www", "url": "/", "is_portal": true},
                "nav": [
                    {"name": "首页", "url": "/", "current": true},
                    {"name": "领导信息公开", "url": "/c/leaders", "current": false}
                ],
                "breadcrumbs": [],
                "page_title": "首页",
                "search_url": "/search",
                "search_site": null
            }),
        )
    }

    fn admin_globals() -> J {
        json!({
            "user": {"display_name": "王小明", "username": "wangxm", "roles": ["信息编辑", "信息审核"]},
            "csrf": "tok-123",
            "logout_url": "/admin/logout",
            "admin_nav": [
                {"name": "工作台", "url": "/admin/", "current": true},
                {"name": "信息管理", "url": "/admin/items", "current": false},
                {"name": "审计日志", "url": "/admin/audit", "current": false}
            ],
            "flash": {"kind": "ok", "message": "已保存"},
            "page_title": "工作台",
            "large_text": false,
            "toggle_large_text_url": "/large-text?back=%2Fadmin%2F"
        })
    }

    fn pagination() -> J {
        json!({
            "page": 2, "pages": 5, "total": 93,
            "prev_url": "?page=1", "next_url": "?page=3",
            "pages_list": [
                {"n": 1, "url": "?page=1", "current": false},
                {"n": 2, "url": "?page=2", "current": true},
                {"n": 3, "url": "?page=3", "current": false},
                {"n": "…", "url": null, "current": false},
                {"n": 5, "url": "?page=5", "current": false}
            ]
        })
    }

    fn catalogue_items() -> J {
        json!([
            {"title": "某市教育局关于做好2024年义务教育招生入学工作的通知", "url": "/s/jyj/items/101",
             "date": "2024-04-02", "index_number": "000014349/2024-00012", "doc_number": "某教发〔2024〕3号"},
            {"title": "2023年度部门决算公开", "url": "/s/jyj/items/102", "date": "2024-03-15",
             "index_number": "000014349/2024-00011", "doc_number": null}
        ])
    }

    fn facets() -> J {
        json!([
            {"name": "发布机构", "options": [
                {"label": "某市教育局", "count": 120, "url": "?org=12", "selected": true},
                {"label": "某市财政局", "count": 80, "url": "?org=13", "selected": false}]},
            {"name": "体裁", "options": [
                {"label": "行政规范性文件", "count": 12, "url": "?genre=normative_document", "selected": false}]},
            {"name": "年份", "options": []}
        ])
    }

    fn public_item() -> J {
        json!({
            "title": "某市教育局关于印发《某市中小学校管理办法》的通知",
            "index_number": "000014349/2024-00012",
            "subject": "教育\\基础教育",
            "genre": "行政规范性文件",
            "org": "某市教育局",
            "made_on": "2024-03-28",
            "published_on": "2024-04-02",
            "doc_number": "某教规〔2024〕1号",
            "validity": "有效",
            "validity_note": "2029-04-01 起失效",
            "keywords": "教育 管理 中小学",
            "summary": "印发某市中小学校管理办法。",
            "body_html": "<p>各县（市、区）教育局：</p><p>现将《某市中小学校管理办法》印发给你们，请认真贯彻执行。</p>",
            "attachments": [
                {"name": "某市中小学校管理办法.pdf", "url": "/files/1", "size": 234567, "content_type": "application/pdf"}
            ],
            "related": [{"title": "某市义务教育条例", "url": "/s/jyj/items/55"}],
            "interpretations": [{"title": "《某市中小学校管理办法》政策解读", "url": "/s/jyj/items/103"}],
            "withdrawn": null,
            "print_url": "/s/jyj/items/101?print=1",
            "share_url": "https://www.example.gov.cn/s/jyj/items/101",
            "version": 2,
            "updated_on": "2024-04-10"
        })
    }

    fn options(pairs: &[(&str, &str)]) -> J {
        J::Array(
            pairs
                .iter()
                .map(|(v, l)| json!({"value": v, "label": l}))
                .collect(),
        )
    }

    fn admin_rows(status: &str, reason: Option<&str>) -> J {
        json!([
            {"title": "关于2024年春季学期开学工作的通知", "url": "/admin/items/7", "status_label": status,
             "updated": "2024-02-20 09:30", "reason": reason, "org": "某市教育局"}
        ])
    }

    struct Sample {
        template: &'static str,
        label: &'static str,
        ctx: J,
        expect: Vec<&'static str>,
    }

    fn s(template: &'static str, label: &'static str, ctx: J, expect: &[&'static str]) -> Sample {
        Sample {
            template,
            label,
            ctx,
            expect: expect.to_vec(),
        }
    }

    fn samples() -> Vec<Sample> {
        let p = public_globals;
        let a = admin_globals;
        vec![
            s("portal_home.html", "default", merge(portal_globals(), json!({
                "entrances": [
                    {"name": "政府信息公开指南", "url": "/guide", "description": "申请方式、受理机构和办公时间"},
                    {"name": "政府信息公开目录", "url": "/catalogue", "description": null},
                    {"name": "政府信息公开年报", "url": "/reports", "description": "历年工作年度报告"},
                    {"name": "依申请公开", "url": "/apply", "description": "在线提交政府信息公开申请"},
                    {"name": "我为政府网站找错", "url": "/report-error", "description": "发现错误，告诉我们"}
                ],
                "key_areas": [
                    {"name": "公共资源交易", "url": "/trading", "description": "工程建设、政府采购、土地和产权交易公告"},
                    {"name": "办事指南", "url": "/service-guides", "description": "事项依据、条件、材料、流程与办理地点"}
                ],
                "latest": [{"title": "某市2024年政府工作报告", "url": "/items/1", "date": "2024-01-30", "org": "某市人民政府办公室"}],
                "modules": [
                    {"name": "领导信息公开", "columns": [
                        {"name": "领导简历", "url": "/c/leaders", "items": [
                            {"title": "市长 张某某", "url": "/items/2", "date": "2023-12-01"}]},
                        {"name": "领导分工", "url": "/c/duties", "items": []}]},
                    {"name": "重点领域公开", "columns": [
                        {"name": "财政预决算", "url": "/c/budget", "items": [
                            {"title": "2024年市级预算", "url": "/items/3", "date": "2024-02-10"}]}]}
                ],
                "site_groups": [
                    {"label": "市政府部门", "sites": [{"title": "某市教育局", "url": "/s/jyj/"}, {"title": "某市财政局", "url": "/s/czj/"}]},
                    {"label": "县（市、区）", "sites": [{"title": "某某区人民政府", "url": "/s/mmq/"}]}
                ]
            })), &["某市2024年政府工作报告", "政府信息公开指南", "申请方式、受理机构和办公时间", "领导信息公开",
                   "市长 张某某", "县（市、区）", "/s/czj/", "<h1 class=\"visually-hidden\">某市人民政府</h1>",
                   "action=\"/search\"", "大字版"]),
            s("site_home.html", "default", merge(p(), json!({
                "columns": [
                    {"name": "通知公告", "url": "/s/jyj/c/notices", "items": [
                        {"title": "关于开展校园安全检查的通知", "url": "/s/jyj/items/9", "date": "2024-03-01"}]},
                    {"name": "政策文件", "url": "/s/jyj/c/policies", "items": []}
                ]
            })), &["关于开展校园安全检查的通知", "通知公告", "暂无信息", "某市人民政府", "href=\"/\"",
                   "<input type=\"hidden\" name=\"site\" value=\"jyj\">"]),
            s("column.html", "catalogue", merge(p(), json!({
                "column": {"name": "政策文件", "kind": "catalogue", "kind_label": "目录列表",
                           "description": "本栏目发布规范性文件。"},
                "items": catalogue_items(),
                "pagination": pagination()
            })), &["<th scope=\"col\" class=\"col-index\">索引号</th>", "000014349/2024-00012", "某教发〔2024〕3号",
                   "本栏目发布规范性文件。", "aria-label=\"分页\"", "aria-current=\"page\"", "共 93 条", "rel=\"next\""]),
            s("column.html", "articles", merge(p(), json!({
                "column": {"name": "工作动态", "kind": "articles", "kind_label": "文章列表", "description": null},
                "items": [{"title": "市教育局召开全市教育工作会议", "url": "/s/jyj/items/5", "date": "2024-02-28",
                           "index_number": null, "doc_number": null}],
                "pagination": {"page": 1, "pages": 1, "total": 1, "prev_url": null, "next_url": null,
                               "pages_list": [{"n": 1, "url": "?page=1", "current": true}]}
            })), &["市教育局召开全市教育工作会议", "2024-02-28", "共 1 条"]),
            s("column.html", "single page", merge(p(), json!({
                "column": {"name": "机构职能", "kind": "single_page", "kind_label": "单页", "description": null,
                           "body_html": "<p>负责全市教育工作。</p>"},
                "items": [],
                "pagination": null
            })), &["<p>负责全市教育工作。</p>", "<h1>机构职能</h1>"]),
            s("item.html", "carried by a gazette issue, filed under a project", merge(p(), json!({"item": public_item(), "print": false,
                "gazette_issues": [{"label": "2026年第3期", "url": "/gazette/2026/3"}],
                "major_projects": [{"name": "某市轨道交通1号线一期工程", "kind": "批准结果", "url": "/major-projects/3"}]})),
              &["刊载于<a href=\"/gazette/2026/3\">《政府公报》2026年第3期</a>", "某市轨道交通1号线一期工程</a>（批准结果）"]),
            s("item.html", "normal", merge(p(), json!({"item": public_item(), "print": false})),
              &["<th scope=\"row\">索引号</th><td class=\"index-number\">000014349/2024-00012</td>",
                "主题分类", "教育\\基础教育", "<th scope=\"row\">发布机构</th><td>某市教育局</td>",
                "<th scope=\"row\">成文日期</th><td>2024-03-28</td>", "<th scope=\"row\">发布日期</th><td>2024-04-02</td>",
                "某教规〔2024〕1号", "<th scope=\"row\">有效性</th><td>有效", "2029-04-01 起失效", "关键词",
                "<th scope=\"row\">体裁</th><td>行政规范性文件</td>",
                "<p>现将《某市中小学校管理办法》印发给你们，请认真贯彻执行。</p>", "某市中小学校管理办法.pdf", "PDF，229 KB",
                "政策解读", "某市义务教育条例", "打印本页", "/s/jyj/items/101?print=1",
                "https://www.example.gov.cn/s/jyj/items/101", "第 2 版", "2024-04-10", "aria-label=\"面包屑\""]),
            s("item.html", "withdrawn", merge(p(), json!({"item": merge(public_item(), json!({
                "withdrawn": {"date": "2024-05-06", "reason": "该文件已被新文件替代"},
                "doc_number": null, "validity": "废止", "validity_note": null, "summary": null, "updated_on": null,
                "keywords": ["教育", "管理"],
                "attachments": [], "related": [], "interpretations": []
            }))})), &["本信息已于 2024-05-06 撤回", "该文件已被新文件替代", "<th scope=\"row\">文号</th><td>无</td>", "教育、管理",
                      "现将《某市中小学校管理办法》印发给你们"]),
            s("item.html", "interpretation", merge(p(), json!({"item": merge(public_item(), json!({
                "title": "《某市中小学校管理办法》图解", "genre": "政策解读", "interpretations": [],
                "policies": [{"title": "某市中小学校管理办法", "url": "/items/7"}],
                "interpretation": {"form": "视频解读", "video_url": "https://v.example.gov.cn/7.mp4"}
            }))})), &["<h2 id=\"h-policies\">解读的政策</h2>", "<a href=\"/items/7\">某市中小学校管理办法</a>",
                      "解读形式：</strong>视频解读", "href=\"https://v.example.gov.cn/7.mp4\""]),
            s("item.html", "print", merge(p(), json!({"item": public_item(), "print": true})),
              &["print-view", "000014349/2024-00012", "Ctrl+P"]),
            s("item.html", "escaping", merge(p(), json!({"item": merge(public_item(), json!({
                "title": "<script>alert(1)</script>标题", "org": "\"><img src=x onerror=alert(1)>"
            }))})), &["&lt;script&gt;alert(1)&lt;/script&gt;标题", "&quot;&gt;&lt;img src=x"]),
            s("catalogue.html", "default", merge(p(), json!({
                "facets": facets(),
                "active_filters": [{"label": "发布机构：某市教育局", "remove_url": "/s/jyj/catalogue"}],
                "items": catalogue_items(),
                "pagination": pagination(),
                "total": 93
            })), &["发布机构", "某市财政局", "（80）", "aria-current=\"true\"", "发布机构：某市教育局", "移除此条件",
                   "<th scope=\"col\" class=\"col-index\">索引号</th>", "000014349/2024-00011", "共找到 <strong>93</strong> 条",
                   "aria-label=\"分页\""]),
            s("search.html", "results", merge(p(), json!({
                "q": "招生", "page_title": "搜索结果", "error": null, "notice": "已为您搜索“招生”",
                "hits": [{"title_html": "关于义务教育<mark>招生</mark>的通知", "snippet_html": "做好<mark>招生</mark>入学工作",
                          "url": "/s/jyj/items/101", "kind_label": "政府信息", "index_number": "000014349/2024-00012",
                          "doc_number": "某教发〔2024〕3号", "org": "某市教育局", "published": "2024-04-02"},
                         {"title_html": "工作动态", "snippet_html": null, "url": "/s/jyj/items/5", "kind_label": "工作动态",
                          "index_number": null, "doc_number": null, "org": null, "published": null}],
                "total": 1200, "total_is_exact": false, "took_ms": 12,
                "facets": facets(), "active_filters": [{"label": "体裁：通知公告", "remove_url": "?q=招生"}],
                "sort": "date", "sort_urls": {"relevance": "?q=招生&sort=relevance", "date": "?q=招生&sort=date"},
                "pagination": pagination()
            })), &["<mark>招生</mark>的通知", "找到约 <strong>1200</strong> 条结果", "用时 12 毫秒", "已为您搜索",
                   "value=\"招生\"", "索引号：000014349/2024-00012", "按相关度",
                   "<a href=\"?q=招生&amp;sort=date\" aria-current=\"true\" class=\"current\">按日期</a>"]),
            s("search.html", "error", merge(p(), json!({
                "q": "x", "error": "搜索词过长，请不超过 100 个字", "notice": null, "hits": [], "total": 0,
                "total_is_exact": true, "took_ms": null, "facets": [], "active_filters": [], "sort": "relevance",
                "sort_urls": null, "pagination": null
            })), &["搜索词过长，请不超过 100 个字", "role=\"alert\""]),
            s("search.html", "no hits", merge(p(), json!({
                "q": "不存在的词", "error": null, "notice": null, "hits": [], "total": 0, "total_is_exact": true,
                "took_ms": 3, "facets": [], "active_filters": [], "sort": "relevance",
                "sort_urls": {"relevance": "?q=a", "date": "?q=a&sort=date"}, "pagination": null
            })), &["没有找到与“不存在的词”相关的信息", "找到 <strong>0</strong> 条结果"]),
            s("error.html", "404", merge(p(), json!({
                "status": 404, "title": "页面不存在", "message": "您访问的页面不存在或已被删除。", "back_url": "/s/jyj/",
                "page_title": "页面不存在"
            })), &["<h1>页面不存在</h1>", "您访问的页面不存在或已被删除。", "错误代码：404", "返回某市教育局首页"]),
            s("error.html", "500 without globals", json!({
                "status": 500, "title": "系统繁忙", "message": "服务器出现错误，请稍后再试。", "back_url": null
            }), &["<h1>系统繁忙</h1>", "错误代码：500", "<title>系统繁忙</title>", "<a href=\"/\" class=\"button-link\">返回首页</a>"]),
            s("page.html", "guide", merge(p(), json!({
                "page_title": "政府信息公开指南",
                "body_html": "<h2>一、主动公开</h2><p>办公时间：工作日 9:00-17:00。</p>"
            })), &["<h1>政府信息公开指南</h1>", "办公时间：工作日 9:00-17:00。"]),
            s("report_error.html", "rejected form", merge(p(), json!({
                "page_title": "我为政府网站找错",
                "submitted": false, "tracking_code": null,
                "categories": [{"value": "typo", "label": "错别字"}, {"value": "dead_link", "label": "链接失效"}],
                "errors": {"page_url": "请填写出错页面的地址", "description": "请描述问题"},
                "values": {"page_url": "not a url", "category": "dead_link", "description": "\"><script>x</script>", "contact": ""},
                "csrf": "tok-abc",
                "form_action": "/report-error"
            })), &["提交的内容有误", "<a href=\"#f-page_url\">请填写出错页面的地址</a>", "aria-invalid=\"true\"",
                   "id=\"f-page_url-error\"", "aria-describedby=\"f-page_url-hint f-page_url-error\"",
                   "value=\"not a url\"", "<option value=\"dead_link\" selected>链接失效</option>",
                   "&quot;&gt;&lt;script&gt;x&lt;/script&gt;</textarea>", "name=\"csrf\" value=\"tok-abc\""]),
            s("report_error.html", "submitted", merge(p(), json!({
                "submitted": true, "tracking_code": "ZC20240501-0007", "categories": [], "errors": {},
                "values": {}, "csrf": "tok-abc"
            })), &["感谢您的反馈", "ZC20240501-0007"]),
            s("annual_reports.html", "default", merge(p(), json!({
                "page_title": "政府信息公开年报",
                "reports": [{"year": 2023, "title": "某市教育局2023年政府信息公开工作年度报告", "url": "/s/jyj/items/77"}]
            })), &["<th scope=\"col\" class=\"col-year\">年度</th>", "2023", "某市教育局2023年政府信息公开工作年度报告"]),
            s("site_list.html", "default", merge(p(), json!({
                "page_title": "网站群导航",
                "site_groups": [{"label": "市政府部门", "sites": [{"title": "某市教育局", "url": "/s/jyj/"}]}]
            })), &["<h2 id=\"h-group-1\">市政府部门</h2>", "/s/jyj/"]),
            // ---------------------------------------------------------------- back office
            s("admin/login.html", "rejected", merge(a(), json!({
                "user": null, "admin_nav": [], "flash": null, "page_title": "登录",
                "message": "连续输错密码 5 次，账号已锁定 15 分钟。",
                "errors": {"password": "用户名或密码错误"},
                "values": {"username": "wangxm"},
                "form_action": "/admin/login"
            })), &["账号已锁定 15 分钟", "value=\"wangxm\"", "用户名或密码错误", "autocomplete=\"current-password\"",
                   "aria-invalid=\"true\""]),
            s("admin/dashboard.html", "default", merge(a(), json!({
                "my_drafts": admin_rows("草稿", None),
                "waiting_review": admin_rows("待审核", None),
                "recently_published": admin_rows("已发布", None),
                "rejected": admin_rows("已退回", Some("文号格式不正确")),
                "health": {"url": "/admin/health", "open": 6, "veto": 5, "failing_sites": ["市教育局"],
                           "top": [{"site": "市教育局", "kind": "空白栏目", "veto": true, "title": "招生考试",
                                    "evidence": "栏目没有任何已发布内容", "url": "/admin/columns/9", "since": "2026-11-24 08:00"}]},
                "report_reminders": [{"title": "某市全市2025年度报告", "url": "/admin/reports/2025?scope=city",
                                      "status_label": "草稿", "deadline": "2026-03-31", "late": false, "days_left": 20}],
                "letter_alerts": {"url": "/admin/letters", "open": 1,
                                  "top": [{"words": "上访 群体", "tracking_code": "XX20261124ABC123", "subject": "再不解决就上访",
                                           "org": "市教育局", "at": "2026-11-24 09:30", "url": "/admin/letters/5",
                                           "seen_url": "/admin/letters/alerts/3/seen"}]}
            })), &["年度报告待发布", "须于 2026-03-31 前发布，还有 20 天", "href=\"/admin/reports/2025?scope=city\"", "待我审核", "关键词：上访 群体", "/admin/letters/alerts/3/seen", "我的草稿", "最近发布", "文号格式不正确", "已保存", "王小明", "信息编辑、信息审核", "退出登录",
                   "单项否决不通过：</strong>市教育局", "[市教育局] 空白栏目", "计入单项否决 5 个"]),
            s("admin/items.html", "default", merge(a(), json!({
                "filters": {"q": "招生", "status": "published", "org_id": "12", "site_id": "3"},
                "status_options": options(&[("draft", "草稿"), ("published", "已发布")]),
                "org_options": [{"value": 12, "label": "某市教育局"}, {"value": 13, "label": "某市财政局"}],
                "site_options": options(&[("3", "某市教育局网站")]),
                "items": [{"id": 7, "title": "关于2024年春季学期开学工作的通知", "url": "/admin/items/7",
                           "status_label": "已发布", "org": "某市教育局", "index_number": "000014349/2024-00002",
                           "updated": "2024-02-20 09:30"}],
                "pagination": pagination(),
                "new_url": "/admin/items/new"
            })), &["value=\"招生\"", "<option value=\"published\" selected>已发布</option>",
                   "<option value=\"12\" selected>某市教育局</option>", "<option value=\"3\" selected>", "000014349/2024-00002",
                   "新建信息", "method=\"get\""]),
            s("admin/item_form.html", "new, rejected", merge(a(), json!({
                "page_title": "新建信息",
                "form_action": "/admin/items/new",
                "errors": {"title": "请填写标题", "column_ids": "请至少选择一个栏目", "_form": "保存失败，请检查以下各项"},
                "values": {"title": "", "summary": "概述", "body_html": "<p>正文</p>", "made_on": "2024-03-01",
                           "doc_number": "", "org_id": "12", "site_id": "3", "subject_id": "5", "genre": "notice",
                           "keywords": "开学", "validity": "valid", "valid_from": "", "invalid_from": "",
                           "disclosure_mode": "proactive", "channels": ["website", "wechat"], "column_ids": [],
                           "related_ids": "12,35", "change_note": "", "scheduled_at": "2024-03-02T09:00",
                           "welfare_area": "education"},
                "org_options": options(&[("12", "某市教育局")]),
                "site_options": options(&[("3", "某市教育局网站")]),
                "column_options": options(&[("31", "通知公告"), ("32", "政策文件")]),
                "subject_options": options(&[("5", "教育\\基础教育")]),
                "genre_options": options(&[("notice", "通知公告"), ("regulation", "规章")]),
                "validity_options": options(&[("valid", "有效"), ("repealed", "废止")]),
                "mode_options": options(&[("proactive", "主动公开")]),
                "channel_options": options(&[("website", "政府网站"), ("weibo", "政务微博"), ("wechat", "政务微信")]),
                "welfare_options": options(&[("education", "教育"), ("healthcare", "基本医疗")]),
                "is_published": false,
                "attachments": [], "upload_url": "/admin/items/0/attachments", "item_id": null, "preview_url": null,
                "csrf": "tok-123"
            })), &["<a href=\"#f-title\">请填写标题</a>", "<a href=\"#f-column_ids\">请至少选择一个栏目</a>",
                   "<li>保存失败，请检查以下各项</li>", "id=\"f-title-error\"",
                   "&lt;p&gt;正文&lt;/p&gt;</textarea>", "value=\"website\" checked", "value=\"wechat\" checked",
                   "<option value=\"notice\" selected>通知公告</option>", "<option value=\"education\" selected>教育</option>", "value=\"2024-03-02T09:00\"", "type=\"datetime-local\"",
                   "fieldset class=\"field checkboxes has-error\" id=\"f-column_ids\" aria-describedby=\"f-column_ids-error\""]),
            s("admin/item_form.html", "published, with attachments", merge(a(), json!({
                "form_action": "/admin/items/7",
                "errors": {},
                "values": {"title": "关于2024年春季学期开学工作的通知", "summary": "", "body_html": "", "made_on": "",
                           "doc_number": "", "org_id": "12", "site_id": "3", "subject_id": "", "genre": "",
                           "keywords": "", "validity": "", "valid_from": "", "invalid_from": "", "disclosure_mode": "",
                           "channels": [], "column_ids": ["32"], "related_ids": "", "change_note": "更正附件",
                           "scheduled_at": "", "welfare_area": ""},
                "org_options": options(&[("12", "某市教育局")]), "site_options": options(&[("3", "某市教育局网站")]),
                "column_options": options(&[("31", "通知公告"), ("32", "政策文件")]),
                "subject_options": [], "genre_options": [], "validity_options": [], "mode_options": [],
                "channel_options": options(&[("website", "政府网站")]),
                "welfare_options": [],
                "is_published": true,
                "attachments": [{"name": "附件1.docx", "url": "/files/9", "size": 52000, "delete_url": "/admin/attachments/9/delete"}],
                "upload_url": "/admin/items/7/attachments", "item_id": 7, "preview_url": "/admin/items/7/preview",
                "csrf": "tok-123",
                "content_check": {"blocking": true,
                    "hits": [{"field": "标题", "position": 3, "term": "按装", "kind": "错别字", "suggestion": "安装", "blocking": false, "context": "关于【按装】路灯"},
                             {"field": "正文", "position": 2, "term": "某敏感词", "kind": "敏感词", "suggestion": null, "blocking": true, "context": "请【某敏感词】注意"}],
                    "a11y": [{"text": "正文第 1 个图片：图片缺少替代文字（alt）", "snippet": "<img src=\"/a.png\">"}]}
            })), &["标题第 3 字", "“按装”", "改为“安装”", "<strong>禁止（阻止提交）</strong>", "关于【按装】路灯", "图片缺少替代文字",
                   "name=\"check\" value=\"1\"", "修改说明", "更正附件", "value=\"32\" checked", "enctype=\"multipart/form-data\"", "附件1.docx", "50.8 KB",
                   "/admin/attachments/9/delete", "预览", "type=\"file\""]),
            s("admin/item_view.html", "in review", merge(a(), json!({
                "item": merge(public_item(), json!({"id": 7, "status_label": "待审核", "reason": "请补充附件",
                    "index_number": null, "published_on": null})),
                "actions": [
                    {"name": "approve", "label": "通过", "url": "/admin/items/7/approve", "needs_reason": false, "needs_time": false},
                    {"name": "reject", "label": "退回", "url": "/admin/items/7/reject", "needs_reason": true, "needs_time": false},
                    {"name": "schedule", "label": "定时发布", "url": "/admin/items/7/schedule", "needs_reason": false, "needs_time": true}
                ],
                "versions": [{"version": 1, "note": "初稿", "by": "李编辑", "at": "2024-04-01 10:00", "url": "/admin/items/7/versions/1"}],
                "edit_url": "/admin/items/7/edit", "public_url": null,
                "audit": [{"at": "2024-04-01 10:00", "actor": "李编辑", "action": "提交审核", "summary": "提交给审核人"}],
                "content_check": {"blocking": true,
                    "hits": [{"text": "标题第 3 字“按装”（错别字，建议改为“安装”）", "context": "关于【按装】路灯", "blocking": false},
                             {"text": "正文第 2 字“某敏感词”（敏感词）", "context": "请【某敏感词】注意", "blocking": true}],
                    "a11y": [{"text": "正文第 1 个图片：图片缺少替代文字（alt）", "snippet": "<img src=\"/a.png\">"}]}
            })), &["内容检查", "修改前不能提交审核", "标题第 3 字“按装”", "<strong>禁止</strong>", "图片缺少替代文字", "&lt;img src=", "待审核", "请补充附件", "（发布时生成）", "action=\"/admin/items/7/reject\"", "name=\"reason\"",
                   "name=\"scheduled_at\"", "第 1 版", "提交给审核人", "value=\"reject\" class=\"danger\"",
                   "<th scope=\"row\">发布机构</th><td>某市教育局</td>"]),
            s("admin/item_view.html", "withdrawn, no actions", merge(a(), json!({
                "item": merge(public_item(), json!({"id": 8, "status_label": "已撤回", "reason": null,
                    "withdrawn": {"date": "2024-05-06", "reason": "内容有误"}})),
                "actions": [], "versions": [], "edit_url": null, "public_url": "/s/jyj/items/101", "audit": [],
                "new_interpretation_url": "/admin/interpretations/new?policy=8"
            })), &["本信息已于 2024-05-06 撤回", "内容有误", "查看公开页面", "暂无历史版本", "000014349/2024-00012",
                   "href=\"/admin/interpretations/new?policy=8\""]),
            s("admin/audit.html", "default", merge(a(), json!({
                "filters": {"actor": "wangxm", "action": "", "entity": "", "from": "2024-01-01", "to": ""},
                "entries": [{"at": "2024-04-01 10:00", "actor": "wangxm", "action": "item.update", "entity": "item:7",
                             "summary": "修改标题", "before": "{\"title\": \"旧\"}", "after": "{\"title\": \"新\"}"},
                            {"at": "2024-04-01 09:00", "actor": "admin", "action": "user.lock", "entity": "user:3",
                             "summary": null, "before": null, "after": null}],
                "pagination": pagination()
            })), &["item:7", "修改标题", "{&quot;title&quot;: &quot;旧&quot;}", "查看变更", "value=\"wangxm\"", "value=\"2024-01-01\""]),
            s("admin/users.html", "default", merge(a(), json!({
                "users": [{"username": "lisi", "display_name": "李四", "org": "某市教育局", "roles": ["信息编辑"],
                           "locked": true, "url": "/admin/users/3"}],
                "new_url": "/admin/users/new"
            })), &["lisi", "李四", "已锁定", "信息编辑", "新建用户"]),
            s("admin/user_form.html", "rejected", merge(a(), json!({
                "form_action": "/admin/users/new",
                "errors": {"password": "密码至少 12 位"},
                "values": {"username": "lisi", "display_name": "李四", "org_id": "12", "role": "editor", "password": "secret-typed"},
                "org_options": options(&[("12", "某市教育局")]),
                "role_options": options(&[("editor", "信息编辑"), ("reviewer", "信息审核")])
            })), &["密码至少 12 位", "value=\"lisi\"", "<option value=\"editor\" selected>信息编辑</option>",
                   "autocomplete=\"new-password\""]),
            s("admin/sites.html", "default", merge(a(), json!({
                "sites": [{"title": "某市教育局", "slug": "jyj", "org": "某市教育局", "url": "/s/jyj/", "columns_url": "/admin/sites/3/columns"}],
                "form_action": "/admin/sites",
                "errors": {"slug": "路径标识已被使用"},
                "values": {"title": "某市财政局", "slug": "jyj", "org_id": "13"},
                "org_options": options(&[("12", "某市教育局"), ("13", "某市财政局")])
            })), &["<code>jyj</code>", "/admin/sites/3/columns", "路径标识已被使用", "value=\"某市财政局\"",
                   "<option value=\"13\" selected>某市财政局</option>"]),
            s("admin/columns.html", "default", merge(a(), json!({
                "page_title": "某市教育局 栏目",
                "site": {"title": "某市教育局", "url": "/s/jyj/", "rename_action": "/admin/sites/3"},
                "columns": [
                    {"name": "政府信息公开", "depth": 0, "kind_label": "目录列表", "module_label": "政务信息", "update_days": null, "update_category_label": "按栏目名称判断", "items": 0, "edit_url": "/admin/columns/1"},
                    {"name": "通知公告", "depth": 1, "kind_label": "文章列表", "module_label": null, "update_days": 14, "update_category_label": "通知公告、政策文件类（六个月内须更新）", "items": 120, "edit_url": "/admin/columns/2"}
                ],
                "form_action": "/admin/sites/3/columns",
                "errors": {"name": "请填写栏目名称"},
                "values": {"name": "", "slug": "tzgg", "parent_id": "1", "kind": "articles", "module": "", "update_days": "14", "update_category": "notice_policy"},
                "kind_options": options(&[("catalogue", "目录列表"), ("articles", "文章列表")]),
                "module_options": options(&[("government_affairs", "政务信息")]),
                "update_category_options": options(&[("dynamic", "动态、要闻类（两周内须更新）"), ("notice_policy", "通知公告、政策文件类（六个月内须更新）")]),
                "parent_options": options(&[("1", "政府信息公开")])
            })), &["<h1>某市教育局 栏目</h1>", "class=\"depth-1\"", "通知公告", "120", "请填写栏目名称",
                   "<option value=\"articles\" selected>文章列表</option>", "value=\"tzgg\"",
                   "<option value=\"notice_policy\" selected>通知公告、政策文件类（六个月内须更新）</option>", "<td>按栏目名称判断</td>"]),
            s("admin/orgs.html", "default", merge(a(), json!({
                "orgs": [{"name": "某市人民政府", "short_name": "市政府", "code": "000014349", "level_label": "市级", "depth": 0},
                         {"name": "某市教育局", "short_name": null, "code": "000014350", "level_label": "市级部门", "depth": 1}],
                "form_action": "/admin/orgs",
                "errors": {"code": "机构代码格式不正确"},
                "values": {"name": "某市卫健委", "short_name": "", "code": "123", "parent_id": "1", "level": "city", "kind": "department"},
                "parent_options": options(&[("1", "某市人民政府")]),
                "level_options": options(&[("city", "市级")]),
                "kind_options": options(&[("department", "政府部门")])
            })), &["000014349", "市级部门", "机构代码格式不正确", "value=\"某市卫健委\"", "<option value=\"city\" selected>市级</option>"]),
            s("admin/version.html", "default", merge(a(), json!({
                "item_title": "关于2024年春季学期开学工作的通知",
                "version": {"version": 1, "note": "初稿", "by": "李编辑", "at": "2024-04-01 10:00"},
                "fields": [{"label": "文号", "value": "某教发〔2024〕1号"}, {"label": "关键词", "value": null}],
                "body_html": "<p>旧版正文</p>",
                "back_url": "/admin/items/7"
            })), &["（第 1 版）", "初稿", "<th scope=\"row\">文号</th><td>某教发〔2024〕1号</td>", "<p>旧版正文</p>"]),
            s("admin/column_form.html", "default", merge(a(), json!({
                "form_action": "/admin/columns/5", "delete_action": "/admin/columns/5/delete", "back_url": "/admin/sites/2/columns",
                "slug": "tzgg",
                "values": {"name": "通知公告", "kind": "catalogue", "module": "", "update_days": "x", "update_category": "static", "link_url": "", "body_html": ""},
                "errors": {"update_days": "更新周期须为天数"},
                "kind_options": options(&[("catalogue", "目录列表")]),
                "module_options": options(&[("government_affairs", "政务信息")]),
                "update_category_options": options(&[("dynamic", "动态、要闻类（两周内须更新）"), ("static", "不需更新（如机构职能、历史归档）")]),
                "guessed_class": "通知公告、政策文件类"
            })), &["<code>tzgg</code>", "更新周期须为天数", "value=\"通知公告\"", "删除栏目",
                   "<option value=\"static\" selected>不需更新（如机构职能、历史归档）</option>", "视为“通知公告、政策文件类”"]),
            s("admin/user_view.html", "default", merge(a(), json!({
                "account": {"username": "li.bianji", "display_name": "李编辑", "org": "某市教育局", "disabled": false, "locked": true, "locked_until": "2026-11-24 10:15"},
                "grants": [{"role": "editor", "role_label": "编辑", "org": "某市教育局", "org_id": "12"}],
                "status_action": "/admin/users/3/status",
                "grant_action": "/admin/users/3/grants",
                "revoke_action": "/admin/users/3/grants/revoke",
                "email_action": "/admin/users/3/email",
                "org_options": options(&[("12", "某市教育局")]),
                "role_options": options(&[("editor", "编辑"), ("reviewer", "审核员")]),
                "values": {"role": "", "org_id": "", "email": "li@jyj.example.gov.cn"},
                "errors": {"role": "该用户已有此角色"}
            })), &["李编辑", "已锁定（至 2026-11-24 10:15）", "启用账号", "编辑（某市教育局）", "该用户已有此角色", "name=\"org_id\" value=\"12\"",
                   "action=\"/admin/users/3/email\"", "value=\"li@jyj.example.gov.cn\"", "通知邮箱"]),
            s("admin/subjects.html", "default", merge(a(), json!({
                "subjects": [{"name": "综合政务", "code": "zw", "depth": 0}, {"name": "政务公开", "code": "zw.gk", "depth": 1}],
                "parent_options": options(&[("1", "综合政务")]),
                "form_action": "/admin/subjects",
                "values": {"name": "政务督查", "code": "", "parent_id": "1"},
                "errors": {"code": "该代码已存在"}
            })), &["综合政务", "class=\"depth-1\"", "该代码已存在", "value=\"政务督查\"", "<option value=\"1\" selected>综合政务</option>"]),
            s("admin/search.html", "default", merge(a(), json!({
                "synonyms": [{"terms": "低保、最低生活保障", "delete_url": "/admin/search/synonyms/1/delete"}],
                "best_bets": [{"query": "招生", "doc_ids": "item:42", "delete_url": "/admin/search/best-bets/1/delete"}],
                "weeks": [{"value": "2026-W48", "label": "2026-W48", "selected": true}],
                "report": {"week": "2026-W48",
                           "top": [{"query": "低保 标准", "searches": 12, "results": 30, "clicks": 7}],
                           "zero_results": [{"query": "不存在的词", "searches": 3, "results": 0, "clicks": 0}],
                           "no_clicks": []},
                "user_words": [{"word": "一网通办", "delete_url": "/admin/search/words/1/delete"}],
                "retokenize_requested": true,
                "try_text": "一网通办低保",
                "segmentation": {"text": "一网通办低保", "error": null,
                                 "words": [{"word": "一网通办", "synonyms": ""}, {"word": "低保", "synonyms": "最低生活保障"}]},
                "values": {"words": "好差评", "terms": "公积金", "query": "", "doc_ids": ""},
                "errors": {"terms": "同义词组至少包含两个词"}
            })), &["低保、最低生活保障", "item:42", "不存在的词", "同义词组至少包含两个词", "value=\"公积金\"", "<option value=\"2026-W48\" selected>",
                   "/admin/search/words/1/delete", "已通知各服务器重新分词", "value=\"一网通办低保\"", "同义词：最低生活保障", "value=\"好差评\""]),
            // ---------------------------------------------------------------- 依申请公开
            s("request_form.html", "rejected", merge(p(), json!({
                "page_title": "政府信息公开申请",
                "csrf": "tok-req", "form_action": "/request", "track_url": "/request/track",
                "errors": {"id_number": "居民身份证号码校验位不符，请核对号码", "address": "必填", "applicant_type": "请选择申请人类型"},
                "values": {"org_id": "12", "applicant_type": "research_institution", "name": "张三", "id_type": "resident_id",
                           "id_number": "420106199001011234", "phone": "13812345678", "email": "", "address": "",
                           "description": "\"><b>2024 年招生计划</b>", "preferred_form": "electronic", "delivery": "online"},
                "org_options": options(&[("12", "某市教育局")]),
                "person_type": {"value": "natural_person", "label": "自然人"},
                "organisation_types": options(&[("commercial_enterprise", "商业企业"), ("research_institution", "科研机构"), ("other_organization", "其他")]),
                "id_type_options": options(&[("resident_id", "居民身份证"), ("credit_code", "统一社会信用代码")]),
                "form_options": options(&[("paper", "纸质文本"), ("electronic", "电子文档")]),
                "delivery_options": options(&[("post", "邮寄"), ("online", "网上查询（凭查询码）")])
            })), &["<h1>政府信息公开申请</h1>", "<optgroup label=\"法人或其他组织\">", "<option value=\"research_institution\" selected>科研机构</option>",
                   "<a href=\"#f-id_number\">居民身份证号码校验位不符，请核对号码</a>", "value=\"420106199001011234\"",
                   "aria-describedby=\"f-id_number-hint f-id_number-error\"", "&quot;&gt;&lt;b&gt;2024 年招生计划&lt;/b&gt;</textarea>",
                   "<option value=\"12\" selected>某市教育局</option>", "name=\"csrf\" value=\"tok-req\"",
                   "id=\"f-applicant_type-error\"", "<a href=\"#f-applicant_type\">请选择申请人类型</a>"]),
            s("request_done.html", "stored", merge(p(), json!({
                "page_title": "申请已提交",
                "tracking_code": "YS20241125ABCDEF", "password": "K7M2Q9XP4T", "org": "某市教育局",
                "received_on": "2024-11-25", "due_on": "2024-12-23", "deadline_note": null, "track_url": "/request/track"
            })), &["YS20241125ABCDEF", "K7M2Q9XP4T", "至某市教育局", "2024-12-23 前", "只显示这一次"]),
            s("request_track.html", "found", merge(p(), json!({
                "page_title": "申请办理进度查询",
                "csrf": "tok-trk", "form_action": "/request/track", "errors": {}, "values": {"code": "YS20241125ABCDEF"},
                "result": {"tracking_code": "YS20241125ABCDEF", "org": "某市教育局", "status": "已答复", "received_on": "2024-11-25",
                           "due_on": "2024-12-23", "description": "2024 年招生计划", "answered_on": "2024-12-10",
                           "outcome": "（二）部分公开", "reply_text": "经审查，部分公开。", "fee": "100.00 元",
                           "fee_note": "按件计收：本月第 11 件申请，收费 100 元", "password": "K7M2Q9XP4T",
                           "files": [{"name": "告知书.pdf", "kind": "答复告知书", "size": "12 KB", "url": "/request/track/files/9"}]}
            })), &["申请 YS20241125ABCDEF", "已答复", "2024-12-23", "（二）部分公开", "经审查，部分公开。", "type=\"password\"",
                   "value=\"YS20241125ABCDEF\"", "action=\"/request/track/files/9\"", "下载 答复告知书：告知书.pdf",
                   "100.00 元（按件计收"]),
            s("request_track.html", "not found", merge(p(), json!({
                "csrf": "tok-trk", "form_action": "/request/track",
                "errors": {"_form": "查询码或密码不正确，请核对后重试。"}, "values": {"code": "YS1"}, "result": null
            })), &["<li>查询码或密码不正确，请核对后重试。</li>"]),
            s("admin/requests.html", "default", merge(a(), json!({
                "page_title": "依申请公开",
                "today": "2024-10-28", "soon_until": "2024-10-31", "new_url": "/admin/requests/new",
                "settings_url": "/admin/requests/settings",
                "overdue": [{"url": "/admin/requests/1", "tracking_code": "YS20240902AAAAAA", "applicant": "张三", "org": "某市教育局",
                             "stage_label": "已分办", "received_on": "2024-09-02", "due_on": "2024-09-30"}],
                "due_soon": [{"url": "/admin/requests/3", "tracking_code": "YS20241001CCCCCC", "applicant": "王五", "org": "某市教育局",
                              "stage_label": "已延期", "received_on": "2024-10-01", "due_on": "2024-10-30"}],
                "open": [{"url": "/admin/requests/1", "tracking_code": "YS20240902AAAAAA", "applicant": "张三", "org": "某市教育局",
                          "stage_label": "已分办", "received_on": "2024-09-02", "due_on": "2024-09-30"},
                         {"url": "/admin/requests/2", "tracking_code": "YS20241210BBBBBB", "applicant": "某公司", "org": "某市教育局",
                          "stage_label": "待补正", "received_on": "2024-12-10", "due_on": null}]
            })), &["<h1>依申请公开</h1>", "已逾期<span class=\"badge\">1</span>", "即将到期<span class=\"badge\">1</span>",
                   "/admin/requests/2", "2024-10-31（3 个工作日内）", "href=\"/admin/requests/new\"",
                   "href=\"/admin/requests/settings\""]),
            s("admin/request_view.html", "open, masked", merge(a(), json!({
                "page_title": "申请 YS20240927ABCDEF",
                "request": {"id": 1, "tracking_code": "YS20240927ABCDEF", "stage_label": "已分办", "org": "某市教育局", "handler": "李办理",
                            "applicant_type": "自然人", "applicant_name": "张三", "id_type": "居民身份证", "id_number": "4201**********1231",
                            "phone": "138****5678", "email": null, "address": "某市中山路 1 号", "description": "2024 年招生计划",
                            "preferred_form": "电子文档", "delivery": "网上查询（凭查询码）", "channel": "互联网渠道",
                            "received_on": "2024-09-27", "due_on": "2024-10-30", "outcome": "（二）部分公开", "outcome_article": "第三十七条",
                            "reply_text": "部分公开。", "answered_on": "2024-10-20", "fee": "100.00 元",
                            "fee_note": "按件计收：本月第 11 件申请，收费 100 元", "published_item_url": "/admin/items/9"},
                "revealed": false, "reveal_url": "/admin/requests/1/reveal",
                "deadline_lines": ["received Fri 2024-09-27 (day 0, not counted)", "10-01..10-07 国庆节 skipped", "due Wed 2024-10-30 (day 20)"],
                "deadline_error": null,
                "history": [{"on": "2024-09-27", "kind": "received", "detail": "{}", "actor": "public", "at": "2024-09-27 10:00"}],
                "appeals": [{"kind": "行政复议", "filed_on": "2024-11-04", "body": "某市人民政府", "outcome": "尚未审结", "decided_on": null, "note": ""}],
                "actions": [
                    {"name": "extend", "label": "延期答复", "url": "/admin/requests/1/act", "fields": [
                        {"name": "on", "label": "日期", "kind": "date", "value": "2024-10-20", "options": []},
                        {"name": "days", "label": "延长工作日数", "kind": "number", "value": "", "options": []}]},
                    {"name": "reply", "label": "答复", "url": "/admin/requests/1/act", "fields": [
                        {"name": "outcome", "label": "办理结果（表三）", "kind": "select", "value": "", "options": [{"value": "disclosed", "label": "（一）予以公开"}]},
                        {"name": "reply_text", "label": "答复内容", "kind": "textarea", "value": "", "options": []}]}
                ],
                "back_url": "/admin/requests",
                "duplicates": [{"url": "/admin/requests/7", "tracking_code": "YS20240801QQQQQQ", "received_on": "2024-08-01",
                                "stage": "已答复", "similarity_pct": 83}],
                "files": [{"url": "/admin/requests/1/files/3", "name": "申请表.pdf", "kind": "申请材料扫描件", "size": "80 KB",
                           "created_by": "李办理", "created_at": "2024-09-27 10:00", "public": false}],
                "file_kinds": options(&[("scan", "申请材料扫描件"), ("notice", "答复告知书")]),
                "upload_url": "/admin/requests/1/files", "notice_url": "/admin/requests/1/notice",
                "fee_url": "/admin/requests/1/fee", "fee_piece": 3, "publish_url": "/admin/requests/1/publish"
            })), &["4201**********1231", "138****5678", "action=\"/admin/requests/1/reveal\"", "10-01..10-07 国庆节 skipped",
                   "可能是重复申请", "YS20240801QQQQQQ", "相似度 83%", "enctype=\"multipart/form-data\"", "申请材料扫描件：申请表.pdf",
                   "action=\"/admin/requests/1/notice\"", "已收取 100.00 元", "href=\"/admin/items/9\"",
                   "value=\"extend\"", "<option value=\"disclosed\">（一）予以公开</option>", "（二）部分公开（第三十七条）", "尚未审结"]),
            s("admin/request_new.html", "rejected", merge(a(), json!({
                "page_title": "登记申请", "form_action": "/admin/requests",
                "errors": {"signed_for": "无法确定收到申请之日：请填写签收日期", "id_number": "必填"},
                "values": {"org_id": "12", "channel": "registered_post", "arrived_on": "2024-09-26", "signed_for": "", "confirmed": "",
                           "applicant_type": "natural_person", "name": "赵六", "id_type": "passport", "id_number": "",
                           "phone": "02787654321", "email": "", "address": "某市", "description": "某项目环评报告",
                           "preferred_form": "paper", "delivery": "post"},
                "org_options": options(&[("12", "某市教育局")]),
                "channel_options": options(&[("in_person", "当面提交"), ("registered_post", "邮寄（挂号信、EMS等需签收）")]),
                "person_type": {"value": "natural_person", "label": "自然人"},
                "organisation_types": options(&[("commercial_enterprise", "商业企业")]),
                "id_type_options": options(&[("resident_id", "居民身份证"), ("passport", "护照")]),
                "form_options": options(&[("paper", "纸质文本")]),
                "delivery_options": options(&[("post", "邮寄")])
            })), &["<h1>登记申请</h1>", "<option value=\"registered_post\" selected>", "value=\"2024-09-26\"", "type=\"date\"",
                   "<a href=\"#f-signed_for\">无法确定收到申请之日：请填写签收日期</a>", "<option value=\"natural_person\" selected>自然人</option>",
                   "value=\"赵六\""]),
            s("admin/request_view.html", "revealed, calendar missing", merge(a(), json!({
                "request": {"id": 2, "tracking_code": "YS20261210ABCDEF", "stage_label": "已收到", "org": "某市教育局", "handler": null,
                            "applicant_type": "法人或其他组织-商业企业", "applicant_name": "某公司", "id_type": "统一社会信用代码",
                            "id_number": "91350100M000100Y43", "phone": "13812345678", "email": "a@example.com", "address": "某市",
                            "description": "招标文件", "preferred_form": "纸质文本", "delivery": "邮寄", "channel": "互联网渠道",
                            "received_on": "2026-12-10", "due_on": null, "outcome": null, "outcome_article": null, "reply_text": null,
                            "answered_on": null},
                "revealed": true, "reveal_url": null, "imported": false, "deadline_lines": [],
                "deadline_error": "the working-day calendar has no data for 2027; load that year's holiday notice first",
                "history": [], "appeals": [], "actions": [], "back_url": "/admin/requests",
                "duplicates": [], "files": [], "file_kinds": [], "upload_url": null, "notice_url": null, "fee_url": null,
                "fee_piece": 1, "publish_url": null
            })), &["91350100M000100Y43", "已记入审计日志", "no data for 2027", "暂无。", "暂无材料。", "未配置收费标准"]),
            s("admin/request_settings.html", "default", merge(a(), json!({
                "page_title": "依申请公开设置", "first_year": 2007, "last_year": 2027,
                "years": [{"year": 2026, "sources": ["https://www.gov.cn/zhengce/content/2025-11/04/content_7047090.htm"]}, {"year": 2027, "sources": []}],
                "notices": [{"years": "2027", "format": "holiday_cn_json", "loaded_by": "admin", "loaded_at": "2026-11-24 10:00"}],
                "open_cases": 12, "calendar_url": "/admin/requests/settings/calendar", "fees_url": "/admin/requests/settings/fees",
                "fee_text": "", "national_fees": "[per_piece]\n11-30 100\n"
            })), &["<h1>依申请公开设置</h1>", "2007–2027", "12 件尚未答复", "action=\"/admin/requests/settings/calendar\"",
                   "holiday_cn_json", "[per_piece]", "name=\"schedule\""]),
            // ---------------------------------------------------------------- 依申请公开统计
            s("admin/request_stats.html", "a year", merge(a(), json!({
                "page_title": "依申请公开统计",
                "form_action": "/admin/requests/stats", "caseload_url": "/admin/requests",
                "values": {"year": "2024", "from": "", "to": ""}, "errors": {},
                "year_options": options(&[("2025", "2025 年"), ("2024", "2024 年")]),
                "outcome_labels": ["（一）予以公开", "（二）部分公开", "（三）不予公开", "（四）无法提供", "（五）不予处理", "（六）其他处理"],
                "today": "2025-01-10", "soon_until": "2025-01-15", "period_label": "2024 年", "imported": 1,
                "rows": [{"org": "合计（全市）", "is_total": true, "received": 8, "answered": 5, "on_time": "75.0%（1 件逾期）",
                          "median": "15.0", "p90": "24", "open": 3, "due_soon": 1, "overdue": 1, "outcomes": [2, 0, 1, 1, 0, 1]},
                         {"org": "某市教育局", "is_total": false, "received": 3, "answered": 1, "on_time": "—（0 件逾期）",
                          "median": "—", "p90": "—", "open": 1, "due_soon": 0, "overdue": 0, "outcomes": [0, 0, 0, 0, 0, 1]}],
                "open_by_due": [{"due_on": "2024-11-29", "count": 1}, {"due_on": null, "count": 2}]
            })), &["<h1>依申请公开统计</h1>", "办理情况（2024 年）", "<th scope=\"row\">合计（全市）</th>", "75.0%（1 件逾期）",
                   "<option value=\"2024\" selected>2024 年</option>", "历史案件 1 件", "暂无期限（待补正等）", "（至 2025-01-15）",
                   "href=\"/admin/requests\""]),
            s("admin/request_stats.html", "bad range", merge(a(), json!({
                "form_action": "/admin/requests/stats", "caseload_url": "/admin/requests",
                "values": {"year": "", "from": "2024-13-01", "to": "2024-01-01"},
                "errors": {"from": "日期“2024-13-01”无法识别，请按 YYYY-MM-DD 填写"},
                "year_options": options(&[("2024", "2024 年")]), "outcome_labels": [],
                "today": "2025-01-10", "soon_until": null, "period_label": null, "imported": 0, "rows": [], "open_by_due": []
            })), &["<a href=\"#f-from\">日期“2024-13-01”无法识别", "value=\"2024-13-01\""]),
            // ---------------------------------------------------------------- annual report (issue 7)
            s("admin/reports.html", "with drafts", merge(a(), json!({
                "deadline_rule": "各级人民政府于每年3月31日前公布。", "statistics_url": "/admin/statistics",
                "form_action": "/admin/reports/open",
                "scope_options": options(&[("city", "某市全市"), ("org:11420200MB0000001", "某市教育局")]),
                "year_options": options(&[("2025", "2025 年"), ("2024", "2024 年")]),
                "values": {"scope": "city", "year": "2025"}, "errors": {},
                "reports": [{"title": "某市全市2025年度报告", "url": "/admin/reports/2025?scope=city", "year": 2025,
                             "status_label": "草稿", "deadline": "2026-03-31", "late": true, "updated": "2026-04-02 09:00"}]
            })), &["某市全市2025年度报告", "已超期", "action=\"/admin/reports/open\"", "<option value=\"city\" selected>"]),
            s("admin/reports.html", "none", merge(a(), json!({
                "deadline_rule": "", "statistics_url": "/admin/statistics", "form_action": "/admin/reports/open",
                "scope_options": [], "year_options": [], "values": {"scope": "", "year": ""}, "errors": {}, "reports": []
            })), &["还没有起草年度报告"]),
            s("admin/report.html", "draft with problems", merge(a(), json!({
                "title": "某市2025年政府信息公开工作年度报告", "year": 2025, "scope": "city", "scope_label": "某市全市",
                "format_label": "2021 年版格式", "status_label": "草稿", "published_url": null,
                "deadline": "2026-03-31", "late": false,
                "problems": ["表三 / 自然人：一 + 二 ≠ 三（七） + 四"], "notices": ["表二 行政许可 尚未录入"],
                "downloads": [{"label": "PDF", "url": "/admin/reports/2025/download?scope=city&format=pdf"}],
                "actions": [{"action": "review", "label": "审核通过"}], "workflow_action": "/admin/reports/2025/workflow",
                "editable": true, "sections_action": "/admin/reports/2025/sections",
                "sections": [{"key": "overview", "heading": "一、总体情况",
                              "generated": [{"value": "overview:0", "text": "2025年，某市主动公开政府信息12条。"}]},
                             {"key": "problems", "heading": "五、存在的主要问题及改进情况", "generated": []},
                             {"key": "other", "heading": "六、其他需要报告的事项", "generated": []}],
                "section_values": {"overview": "全年工作平稳。", "problems": "", "other": ""},
                "entered": [{"cell": "行政许可 / 本年处理决定数量", "org": "某市教育局", "value": 12.0, "source": "省平台导出"}],
                "figures_action": "/admin/reports/2025/figures",
                "org_options": options(&[("12", "某市教育局")]),
                "cells": options(&[("licensing:decisions", "行政许可 / 本年处理决定数量")]),
                "values": {}, "errors": {},
                "figures": [{"label": "主动公开政府信息", "value": "12", "rule": "本范围各机关……"}],
                "report_html": "<h2>一、总体情况</h2>\n<p>全年工作平稳。</p>",
                "list_url": "/admin/reports", "statistics_url": "/admin/statistics?year=2025&scope=city"
            })), &["不能发布", "一 + 二 ≠ 三（七） + 四", "name=\"append\" value=\"overview:0\"", "全年工作平稳。</textarea>",
                   "value=\"review\"", "省平台导出", "name=\"source\"", "<h2>一、总体情况</h2>"]),
            s("admin/report.html", "published", merge(a(), json!({
                "title": "某市2024年政府信息公开工作年度报告", "year": 2024, "scope": "city", "scope_label": "某市全市",
                "format_label": "2021 年版格式", "status_label": "已发布", "published_url": "/admin/items/9",
                "deadline": "2025-03-31", "late": false, "problems": [], "notices": [], "downloads": [],
                "actions": [], "workflow_action": "/admin/reports/2024/workflow", "editable": false,
                "sections_action": "/admin/reports/2024/sections", "sections": [], "section_values": {},
                "entered": [], "figures_action": "/admin/reports/2024/figures", "org_options": [], "cells": [],
                "values": {}, "errors": {}, "figures": [], "report_html": "",
                "list_url": "/admin/reports", "statistics_url": "/admin/statistics"
            })), &["正文不能再修改", "href=\"/admin/items/9\""]),
            s("admin/statistics.html", "with charts", merge(a(), json!({
                "year": 2025, "last_year": 2024, "scope_label": "某市全市", "report_url": "/admin/reports/2025?scope=city",
                "form_action": "/admin/statistics",
                "scope_options": options(&[("city", "某市全市")]), "year_options": options(&[("2025", "2025 年")]),
                "values": {"scope": "city", "year": "2025"}, "errors": {},
                "figures": [{"label": "主动公开政府信息", "value": "12", "last": "9", "rule": "……"}],
                "charts": [{"id": "chart-orgs", "title": "主动公开信息（按机关）",
                            "svg_html": "<svg role=\"img\" aria-labelledby=\"chart-orgs-title\"><title id=\"chart-orgs-title\">x</title></svg>",
                            "table_html": "<table><caption>x</caption></table>"}]
            })), &["2025 年</th>", "<td class=\"nowrap\">9</td>", "id=\"h-chart-orgs\"", "以表格查看"]),
            s("admin/statistics.html", "empty", merge(a(), json!({
                "year": 2025, "last_year": 2024, "scope_label": "某市全市", "report_url": "/admin/reports",
                "form_action": "/admin/statistics", "scope_options": [], "year_options": [],
                "values": {"scope": "", "year": ""}, "errors": {}, "figures": [], "charts": []
            })), &["都没有记录"]),
            // ---------------------------------------------------------------- key areas (issue 8)
            s("trading_list.html", "filtered", merge(p(), json!({
                "page_title": "公共资源交易",
                "values": {"category": "procurement", "type": "", "org": "", "from": "2026-01-01", "to": "", "min": "50万元", "max": "", "q": "设备"},
                "errors": {},
                "options": {
                    "categories": [{"value": "construction", "label": "建设工程"}, {"value": "procurement", "label": "政府采购"}],
                    "types": [{"value": "procurement_notice", "label": "政府采购·采购公告"}],
                    "orgs": [{"value": "12", "label": "某市公共资源交易中心"}]
                },
                "announcements": [
                    {"title": "某市第一中学实验设备采购项目中标公告", "url": "/trading/7", "type_label": "政府采购·中标公告",
                     "org": "某市公共资源交易中心", "amount": "1,136,000.00 元", "date": "2026-03-20"},
                    {"title": "某市第一中学实验设备采购项目采购公告", "url": "/trading/5", "type_label": "政府采购·采购公告",
                     "org": "某市公共资源交易中心", "amount": null, "date": "2026-02-20"}
                ],
                "total": 2,
                "pagination": {"page": 1, "pages": 1, "total": 2, "prev_url": null, "next_url": null, "pages_list": [{"n": 1, "url": "/trading?page=1", "current": true}]},
                "export": {"csv": "/open-data/trading.csv?category=procurement", "json": "/open-data/trading.json?category=procurement"}
            })), &["政府采购·中标公告", "1,136,000.00 元", "value=\"50万元\"", "/open-data/trading.csv?category=procurement"]),
            s("trading_list.html", "bad filter", merge(p(), json!({
                "page_title": "公共资源交易",
                "values": {"category": "", "type": "", "org": "", "from": "2026-02-30", "to": "", "min": "很多", "max": "", "q": ""},
                "errors": {"from": "日期“2026-02-30”无法识别", "min": "金额“很多”无法识别"},
                "options": {"categories": [], "types": [], "orgs": []},
                "announcements": [],
                "total": 0,
                "pagination": null,
                "export": {"csv": "/open-data/trading.csv", "json": "/open-data/trading.json"}
            })), &["金额“很多”无法识别", "value=\"很多\"", "没有符合条件的公告"]),
            s("trading_item.html", "award", merge(p(), json!({
                "page_title": "某市第一中学实验设备采购项目中标公告",
                "announcement": {
                    "title": "某市第一中学实验设备采购项目中标公告", "type_label": "政府采购·中标公告",
                    "org": "某市公共资源交易中心", "purchaser": "某市第一中学", "budget": "1,200,000.00 元",
                    "published": "2026-03-20 09:00", "deadline": null, "opening": null,
                    "winner": "某科教仪器有限公司", "winning_price": "1,136,000.00 元",
                    "body_html": "<p>经评标委员会评审，确定中标人如下。</p>"
                },
                "project": {"name": "某市第一中学实验设备采购项目", "code": "SFCG-2026-001", "url": "/trading/projects/3"},
                "history": [
                    {"title": "某市第一中学实验设备采购项目采购公告", "url": "/trading/5", "type_label": "政府采购·采购公告", "date": "2026-02-20", "current": false},
                    {"title": "某市第一中学实验设备采购项目中标公告", "url": "/trading/7", "type_label": "政府采购·中标公告", "date": "2026-03-20", "current": true}
                ]
            })), &["某科教仪器有限公司", "SFCG-2026-001", "aria-current=\"page\"", "经评标委员会评审"]),
            s("trading_project.html", "default", merge(p(), json!({
                "page_title": "某市学校改造工程",
                "project": {"name": "某市学校改造工程", "code": "JS-2026-018", "category": "建设工程", "purchaser": "某市教育局", "url": "/trading/projects/4"},
                "org": "某市公共资源交易中心",
                "history": [{"title": "某市学校改造工程招标公告", "url": "/trading/9", "type_label": "建设工程·招标公告", "date": "2026-04-01", "org": "某市公共资源交易中心"}],
                "missing_stages": ["开标情况", "中标候选人公示", "中标公告"]
            })), &["JS-2026-018", "尚未发布：开标情况、中标候选人公示、中标公告"]),
            s("key_areas.html", "default", merge(p(), json!({
                "page_title": "重点领域信息公开",
                "entrances": [{"name": "重大建设项目", "url": "/major-projects", "description": "批准、招标、征地、施工、竣工等信息"}],
                "welfare_areas": [{"name": "脱贫攻坚", "url": "/welfare/poverty_alleviation"}, {"name": "教育", "url": "/welfare/education"}]
            })), &["<h1>重点领域信息公开</h1>", "href=\"/major-projects\"", "href=\"/welfare/education\">教育</a>"]),
            s("major_projects.html", "default", merge(p(), json!({
                "page_title": "重大建设项目",
                "projects": [{"name": "某市轨道交通1号线一期工程", "code": "2026-330100-48-01-000123", "org": "某市发展和改革委员会",
                              "url": "/major-projects/3", "filled": 2, "kinds_total": 8,
                              "empty": ["征收土地", "重大设计变更", "施工管理", "质量安全", "竣工", "批准服务"]}]
            })), &["href=\"/major-projects/3\"", "2 / 8", "征收土地、重大设计变更"]),
            s("major_projects.html", "empty", merge(p(), json!({"projects": []})), &["暂无重大建设项目。"]),
            s("major_project.html", "some kinds empty", merge(p(), json!({
                "page_title": "某市轨道交通1号线一期工程",
                "project": {"name": "某市轨道交通1号线一期工程", "code": "2026-330100-48-01-000123", "org": "某市发展和改革委员会",
                            "summary": "线路全长21.4公里。"},
                "empty_kinds": ["征收土地"],
                "sections": [
                    {"kind": "批准结果", "code": "approval_result", "items": [{"title": "关于轨道交通1号线一期工程可行性研究报告的批复", "url": "/items/5", "date": "2026-03-01"}]},
                    {"kind": "征收土地", "code": "land_expropriation", "items": []}
                ]
            })), &["<h2 id=\"h-kind-approval_result\">批准结果</h2>", "征收土地 <span class=\"badge\">暂无信息</span>",
                   "暂无信息的类别：征收土地", "本类信息尚未公开。", "线路全长21.4公里。"]),
            s("welfare.html", "index", merge(p(), json!({
                "page_title": "社会公益事业",
                "areas": [{"name": "教育", "url": "/welfare/education", "count": 12, "current": false}],
                "area": null, "items": [], "total": 0, "pagination": null
            })), &["<h1>社会公益事业</h1>", "教育<span class=\"count\">（12）</span>"]),
            s("welfare.html", "area", merge(p(), json!({
                "page_title": "教育",
                "areas": [{"name": "教育", "url": "/welfare/education", "count": null, "current": true},
                          {"name": "基本医疗", "url": "/welfare/healthcare", "count": null, "current": false}],
                "area": {"name": "教育", "catalogue_url": "/catalogue?welfare=education"},
                "items": [{"title": "关于2026年义务教育招生工作的通知", "url": "/items/9", "date": "2026-04-01",
                           "index_number": "000014349/2026-00009", "doc_number": null}],
                "total": 1,
                "pagination": pagination()
            })), &["<h1>教育</h1>", "aria-current=\"page\">教育", "/catalogue?welfare=education", "000014349/2026-00009"]),
            s("service_guides.html", "default", merge(p(), json!({
                "page_title": "办事指南",
                "values": {"org": "12", "theme": "", "q": "养老"},
                "org_options": [{"value": "12", "label": "某市人力资源和社会保障局"}],
                "theme_options": [{"value": "社会保障", "label": "社会保障（3）"}],
                "total": 1,
                "guides": [{"name": "城乡居民基本养老保险参保登记", "url": "/service-guides/4", "org": "某市人力资源和社会保障局",
                            "theme": "社会保障", "online_url": "https://zwfw.example.gov.cn/item/4"}],
                "pagination": pagination()
            })), &["value=\"养老\"", "<option value=\"12\" selected>", "href=\"/service-guides/4\"", "在线办理"]),
            s("service_guide.html", "incomplete", merge(p(), json!({
                "page_title": "城乡居民基本养老保险参保登记",
                "guide": {"name": "城乡居民基本养老保险参保登记", "org": "某市人力资源和社会保障局", "theme": "社会保障",
                          "updated": "2026-05-01", "online_url": "https://zwfw.example.gov.cn/item/4"},
                "elements": [{"label": "设定依据", "text": "《社会保险法》"}, {"label": "收费标准", "text": null}]
            })), &["<th scope=\"row\">设定依据</th>", "《社会保险法》", "暂未提供", "href=\"https://zwfw.example.gov.cn/item/4\""]),
            s("admin/major_projects.html", "default", merge(a(), json!({
                "page_title": "重大建设项目",
                "projects": [{"name": "某市轨道交通1号线一期工程", "code": "2026-330100-48-01-000123", "org": "某市发展和改革委员会",
                              "url": "/admin/major-projects/3", "public_url": "/major-projects/3"}],
                "form_action": "/admin/major-projects",
                "values": {"name": "", "code": "2026", "org_id": "12", "summary": ""},
                "errors": {"name": "项目名称必填"},
                "org_options": options(&[("12", "某市发展和改革委员会")])
            })), &["/admin/major-projects/3", "<a href=\"#f-name\">项目名称必填</a>", "<option value=\"12\" selected>"]),
            s("admin/major_project.html", "default", merge(a(), json!({
                "page_title": "某市轨道交通1号线一期工程",
                "project": {"name": "某市轨道交通1号线一期工程", "public_url": "/major-projects/3"},
                "link_action": "/admin/major-projects/3/link",
                "unlink_action": "/admin/major-projects/3/unlink",
                "form_action": "/admin/major-projects/3",
                "values": {"name": "某市轨道交通1号线一期工程", "code": "2026-330100-48-01-000123", "org_id": "12", "summary": "",
                           "item_id": "99", "kind": "tendering"},
                "errors": {"item_id": "编号为 99 的信息不存在"},
                "org_options": options(&[("12", "某市发展和改革委员会")]),
                "kind_options": options(&[("approval_result", "批准结果"), ("tendering", "招标投标")]),
                "sections": [
                    {"kind": "批准结果", "code": "approval_result", "items": [{"id": 5, "title": "可行性研究报告的批复", "url": "/admin/items/5",
                                                                              "status_label": "已发布", "date": "2026-03-01"}]},
                    {"kind": "招标投标", "code": "tendering", "items": []}
                ]
            })), &["编号为 99 的信息不存在", "<option value=\"tendering\" selected>招标投标</option>", "name=\"kind\" value=\"approval_result\"",
                   "招标投标 <span class=\"badge badge-danger\">暂无信息</span>", "/admin/major-projects/3/unlink"]),
            s("gazette_archive.html", "default", merge(p(), json!({
                "page_title": "政府公报",
                "years": [{"year": 2026, "count": 3, "url": "/gazette?year=2026", "current": true},
                          {"year": 2025, "count": 12, "url": "/gazette?year=2025", "current": false}],
                "year": 2026,
                "issues": [{"label": "2026年第3期", "url": "/gazette/2026/3", "issued_on": "2026-03-15"}]
            })), &["aria-current=\"page\">2026年<span class=\"count\">（3期）</span>", "<h2 id=\"h-issues\">2026年各期</h2>",
                   "href=\"/gazette/2026/3\">政府公报 2026年第3期</a>"]),
            s("gazette_archive.html", "none yet", merge(p(), json!({"years": [], "year": null, "issues": []})),
              &["暂无已出版的政府公报。"]),
            s("gazette_issue.html", "default", merge(p(), json!({
                "page_title": "政府公报 2026年第3期",
                "issue": {"label": "2026年第3期", "issued_on": "2026-03-15", "year": 2026},
                "total": 2, "pdf_url": "/gazette/2026/3/pdf",
                "sections": [
                    {"name": "政府规章", "entries": [{"n": 1, "title": "某市河道管理办法", "url": "/items/5", "org": "某市人民政府",
                                                   "doc_number": "某市人民政府令第12号"}]},
                    {"name": "人事任免", "entries": [{"n": 2, "title": "关于任免工作人员的通知", "url": "/items/6", "org": "某市人民政府",
                                                   "doc_number": null}]}
                ]
            })), &["<h1>政府公报 2026年第3期</h1>", "<h3>政府规章</h3>", "<li value=\"2\">", "（某市人民政府令第12号）", "本期共 2 篇",
                   "href=\"/gazette/2026/3/pdf\""]),
            s("admin/gazette.html", "default", merge(a(), json!({
                "page_title": "政府公报",
                "issues": [{"label": "2026年第3期", "url": "/admin/gazette/4", "issued_on": "2026-03-15", "status_label": "已发布",
                            "public_url": "/gazette/2026/3"},
                           {"label": "2026年第4期", "url": "/admin/gazette/5", "issued_on": "2026-04-15", "status_label": "编辑中",
                            "public_url": null}],
                "form_action": "/admin/gazette",
                "values": {"year": "2026", "number": "4", "issued_on": "2026-04-15"},
                "errors": {"number": "2026年第4期已存在"}
            })), &["2026年第4期已存在", "href=\"/admin/gazette/5\"", "value=\"2026-04-15\""]),
            s("admin/gazette_issue.html", "draft, refused", merge(a(), json!({
                "page_title": "政府公报 2026年第4期",
                "issue": {"issued_on": "2026-04-15", "published": false, "public_url": "/gazette/2026/4"},
                "entries": [{"n": 1, "id": 5, "title": "某市河道管理办法", "url": "/admin/items/5", "status_label": "已发布", "unpublished": false},
                            {"n": 2, "id": 7, "title": "某市停车管理办法", "url": "/admin/items/7", "status_label": "待审核", "unpublished": true}],
                "add_action": "/admin/gazette/5/add", "remove_action": "/admin/gazette/5/remove",
                "move_action": "/admin/gazette/5/move", "publish_action": "/admin/gazette/5/publish",
                "values": {"item_id": ""},
                "errors": {"_form": "以下信息尚未发布，本期公报不能发布：《某市停车管理办法》"}
            })), &["以下信息尚未发布", "待审核（发布前须先发布此信息）", "name=\"direction\" value=\"down\"", "/admin/gazette/5/publish"]),
            s("admin/gazette_issue.html", "published", merge(a(), json!({
                "page_title": "政府公报 2026年第3期",
                "issue": {"issued_on": "2026-03-15", "published": true, "public_url": "/gazette/2026/3"},
                "entries": [{"n": 1, "id": 5, "title": "某市河道管理办法", "url": "/admin/items/5", "status_label": "已发布", "unpublished": false}],
                "add_action": "/admin/gazette/4/add", "remove_action": "/admin/gazette/4/remove",
                "move_action": "/admin/gazette/4/move", "publish_action": "/admin/gazette/4/publish",
                "values": {"item_id": ""}, "errors": {}
            })), &["已发布，<a href=\"/gazette/2026/3\">查看门户页面</a>"]),
            s("service_case.html", "found", merge(p(), json!({
                "page_title": "办件查询",
                "values": {"number": "SF-2026-000123"}, "asked": true,
                "case": {"number": "SF-2026-000123", "service_name": "城乡居民基本养老保险参保登记", "org": "某市人力资源和社会保障局",
                         "status": "已办结", "received_on": "2026-03-02", "due_on": "2026-03-09", "completed_on": "2026-03-05"}
            })), &["value=\"SF-2026-000123\"", "<strong>已办结</strong>", "<td>2026-03-05</td>"]),
            s("service_case.html", "not found", merge(p(), json!({
                "values": {"number": "X-1"}, "asked": true, "case": null
            })), &["没有找到该编号的办件"]),
            s("admin/media_accounts.html", "default", merge(a(), json!({
                "page_title": "政务新媒体",
                "stale_days": 14, "stale_count": 1,
                "accounts": [
                    {"org": "某市教育局", "platform": "政务微信", "name": "某市教育发布", "url": "https://mp.example.cn/jy",
                     "last_updated_on": "2026-11-20", "stale": false, "update_action": "/admin/media-accounts/1/updated"},
                    {"org": "某市教育局", "platform": "政务微博", "name": "某市教育", "url": null,
                     "last_updated_on": "2026-09-01", "stale": true, "update_action": "/admin/media-accounts/2/updated"}
                ],
                "today": "2026-11-24",
                "form_action": "/admin/media-accounts",
                "settings_action": "/admin/media-accounts/settings",
                "platform_options": options(&[("weibo", "政务微博"), ("wechat", "政务微信")]),
                "org_options": options(&[("12", "某市教育局")]),
                "values": {"org_id": "12", "platform": "wechat", "name": "某市教育二号", "url": "", "last_updated_on": "2026-11-24", "stale_days": "14"},
                "errors": {"platform": "本单位已开设政务微信账号“某市教育发布”，每个单位每个平台只能开设一个账号"}
            })), &["<strong class=\"badge badge-danger\">长期未更新</strong>", "当前 <strong>1</strong> 个", "每个单位每个平台只能开设一个账号",
                   "/admin/media-accounts/2/updated", "value=\"14\""]),
            s("admin/service_guides.html", "default", merge(a(), json!({
                "page_title": "办事指南",
                "new_url": "/admin/service-guides/new", "total": 2, "incomplete": 1,
                "guides": [
                    {"name": "社会保障卡补换", "org": "某市人力资源和社会保障局", "url": "/admin/service-guides/5", "public_url": "/service-guides/5",
                     "missing": ["收费标准", "咨询电话"], "updated": "2026-05-01 10:00"},
                    {"name": "城乡居民基本养老保险参保登记", "org": "某市人力资源和社会保障局", "url": "/admin/service-guides/4",
                     "public_url": "/service-guides/4", "missing": [], "updated": "2026-05-01 09:00"}
                ]
            })), &["其中 <strong>1</strong> 项要素不全", "收费标准、咨询电话", "要素齐全"]),
            s("admin/service_guide_form.html", "editing, incomplete", merge(a(), json!({
                "page_title": "编辑办事指南",
                "form_action": "/admin/service-guides/5",
                "delete_action": "/admin/service-guides/5/delete",
                "public_url": "/service-guides/5",
                "missing": ["收费标准"],
                "values": {"name": "社会保障卡补换", "org_id": "12", "theme": "社会保障", "basis": "", "conditions": "", "materials": "身份证",
                           "procedure": "", "time_limit": "即办", "fee": "", "place_hours": "", "phone": "请拨打", "online_url": ""},
                "errors": {"phone": "咨询电话只能包含数字、连字符和括号"},
                "org_options": options(&[("12", "某市人力资源和社会保障局")])
            })), &["缺少收费标准", "value=\"请拨打\"", "/admin/service-guides/5/delete", "type=\"tel\""]),
            s("mailbox.html", "with letters", merge(p(), json!({
                "page_title": "领导信箱", "write_url": "/mailbox/write", "track_url": "/mailbox/track",
                "leaders": [{"label": "市长 王某", "org": "某市人民政府", "write_url": "/mailbox/write?leader=1",
                             "letters_url": "/mailbox?leader=1", "current": true}],
                "filter": "市长 王某", "total": 93,
                "letters": [{"url": "/mailbox/letters/7", "subject": "小区燃气压力不足", "to": "市长 王某", "org": "某市住房和城乡建设局",
                             "received_on": "2024-11-25", "replied_on": "2024-12-03", "working_days": 6}],
                "pagination": pagination()
            })), &["<h1>领导信箱</h1>", "市长 王某：来信选登<span class=\"badge\">93</span>", "href=\"/mailbox/letters/7\"",
                   "<td>6</td>", "aria-current=\"page\""]),
            s("mailbox.html", "empty", merge(p(), json!({
                "write_url": "/mailbox/write", "track_url": "/mailbox/track", "leaders": [], "filter": null, "total": 0,
                "letters": [], "pagination": pagination()
            })), &["暂无公开的来信。"]),
            s("mailbox_form.html", "errors keep input", merge(p(), json!({
                "page_title": "我要写信", "csrf": "tok-mb", "form_action": "/mailbox/write", "track_url": "/mailbox/track",
                "values": {"recipient": "leader:1", "category": "城乡建设/城市建设和市政管理/燃气供应", "subject": "燃气", "body": "",
                           "name": "李四", "phone": "139", "email": "", "publish": "1"},
                "errors": {"subject": "至少 4 个字", "body": "必填", "phone": "请填写有效的电话号码（7 至 20 位数字）", "category": "留言分类不是可选的值"},
                "recipient_options": [{"value": "leader:1", "label": "领导：市长 王某"}, {"value": "org:3", "label": "部门：某市教育局"}],
                "category_groups": [{"label": "城乡建设", "options": [{"value": "城乡建设/城市建设和市政管理/燃气供应", "label": "城市建设和市政管理 › 燃气供应"}]}]
            })), &["<option value=\"leader:1\" selected>", "<option value=\"城乡建设/城市建设和市政管理/燃气供应\" selected>",
                   "value=\"李四\"", "<a href=\"#f-body\">必填</a>", "id=\"f-publish\" name=\"publish\" value=\"1\" checked",
                   "<optgroup label=\"城乡建设\">", "留言分类不是可选的值"]),
            s("mailbox_done.html", "stored", merge(p(), json!({
                "page_title": "信件已提交", "tracking_code": "XX20241125ABCDEF", "password": "K7M2Q9XP4T", "org": "某市住房和城乡建设局",
                "received_on": "2024-11-25", "due_on": "2024-12-16", "reply_days": 15, "track_url": "/mailbox/track"
            })), &["XX20241125ABCDEF", "K7M2Q9XP4T", "由某市住房和城乡建设局办理", "2024-12-16 前（15 个工作日内）", "只显示这一次"]),
            s("mailbox_track.html", "replied, can rate", merge(p(), json!({
                "page_title": "信件查询", "csrf": "tok-mt", "form_action": "/mailbox/track", "rate_action": "/mailbox/rate",
                "values": {"code": "XX20241125ABCDEF"}, "errors": {}, "rating_options": [{"value": "satisfied", "label": "满意"}],
                "result": {"tracking_code": "XX20241125ABCDEF", "subject": "小区燃气压力不足", "body": "天然气压力不足。",
                           "category": "城乡建设 › 城市建设和市政管理 › 燃气供应", "org": "某市住房和城乡建设局", "status": "已答复",
                           "received_on": "2024-11-25", "due_on": "2024-12-16", "replied_on": "2024-12-03", "reply": "已协调燃气公司增压。",
                           "published_url": "/mailbox/letters/7", "can_rate": true, "rating": null, "rating_comment": null,
                           "rated_now": false, "password": "K7M2Q9XP4T", "comment_value": "很好"}
            })), &["信件 XX20241125ABCDEF", "已协调燃气公司增压。", "action=\"/mailbox/rate\"", "<h3 id=\"h-rate\">评价答复</h3>",
                   "name=\"password\" value=\"K7M2Q9XP4T\"", ">很好</textarea>"]),
            s("mailbox_track.html", "rated", merge(p(), json!({
                "csrf": "tok-mt", "form_action": "/mailbox/track", "rate_action": "/mailbox/rate",
                "values": {"code": "XX20241125ABCDEF"}, "errors": {}, "rating_options": [],
                "result": {"tracking_code": "XX20241125ABCDEF", "subject": "燃气", "body": "压力不足。", "category": "城乡建设",
                           "org": "某市住房和城乡建设局", "status": "已答复", "received_on": "2024-11-25", "due_on": null,
                           "replied_on": "2024-12-03", "reply": "已处理。", "published_url": null, "can_rate": false,
                           "rating": "基本满意", "rating_comment": "慢", "rated_now": true}
            })), &["感谢您的评价。", "您的评价：<strong>基本满意</strong>（慢）"]),
            s("mailbox_track.html", "not found", merge(p(), json!({
                "csrf": "tok-mt", "form_action": "/mailbox/track", "rate_action": "/mailbox/rate", "values": {"code": "XX1"},
                "errors": {"_form": "查询码或密码不正确，请核对后重试。"}, "rating_options": [], "result": null
            })), &["<li>查询码或密码不正确，请核对后重试。</li>"]),
            s("mailbox_letter.html", "published", merge(p(), json!({
                "page_title": "小区燃气压力不足",
                "letter": {"subject": "小区燃气压力不足", "body": "我是[姓名已隐去]，电话[电话已隐去]。", "reply": "已协调燃气公司增压。",
                           "to": "市长 王某", "org": "某市住房和城乡建设局", "category": "城乡建设 › 燃气供应",
                           "received_on": "2024-11-25", "replied_on": "2024-12-03", "working_days": 6},
                "back_url": "/mailbox"
            })), &["<h1>小区燃气压力不足</h1>", "[电话已隐去]", "（用时 6 个工作日）"]),
            s("admin/letters.html", "alerts and rows", merge(a(), json!({
                "page_title": "领导信箱", "stats_url": "/admin/letters/stats", "settings_url": "/admin/mailbox/settings",
                "alerts": [{"words": "上访 群体", "tracking_code": "XX20241125ABCDEF", "subject": "燃气", "org": "某市住房和城乡建设局",
                            "at": "2024-11-25 12:00", "url": "/admin/letters/7", "seen_url": "/admin/letters/alerts/3/seen"}],
                "all_url": "/admin/letters",
                "statuses": [{"url": "/admin/letters?status=received", "label": "待转办", "current": true}],
                "total": 2,
                "letters": [
                    {"url": "/admin/letters/7", "tracking_code": "XX20241125ABCDEF", "subject": "燃气", "writer": "李*", "org": "某市住房和城乡建设局",
                     "status": "办理中", "received_on": "2024-08-01", "due_on": "2024-08-22", "timeliness": "已超期 70 个工作日，应督办",
                     "overdue": true, "escalations": 1, "watch_hits": ["上访"], "over_3_months": true},
                    {"url": "/admin/letters/8", "tracking_code": "XX20241125BBBBBB", "subject": "路灯", "writer": "王**", "org": "某市城管局",
                     "status": "已答复", "received_on": "2024-11-25", "due_on": "2024-12-16", "timeliness": null,
                     "overdue": false, "escalations": 0, "watch_hits": [], "over_3_months": false}
                ],
                "pagination": pagination()
            })), &["舆情预警<span class=\"badge\">1</span>", "action=\"/admin/letters/alerts/3/seen\"", "class=\"row-danger\"",
                   "预警：上访", "督办 1", "（超过 3 个月未办结）", "李*"]),
            s("admin/letter_view.html", "open, masked", merge(a(), json!({
                "page_title": "信件 XX20241125ABCDEF", "back_url": "/admin/letters",
                "letter": {"tracking_code": "XX20241125ABCDEF", "subject": "燃气", "body": "压力不足，群体上访。", "category": "城乡建设 › 燃气供应",
                           "to": "市长 王某", "org": "某市住房和城乡建设局", "status": "办理中", "received_at": "2024-11-25 12:00",
                           "due_on": "2024-12-16", "deadline_note": null, "timeliness": "已超期 2 个工作日，应督办", "escalations": 0,
                           "reply": null, "replied_on": null, "reply_working_days": null, "publish_consent": true, "published_url": null,
                           "watch_hits": ["上访", "群体"], "writer": "李*", "phone": "139****1111", "email": null,
                           "rating": null, "rating_comment": null},
                "revealed": false, "reveal_url": "/admin/letters/7/reveal",
                "actions": [
                    {"name": "route", "label": "改派（重新转办）", "url": "/admin/letters/7/act", "fields": [
                        {"name": "org_id", "label": "承办单位", "kind": "select", "value": "", "options": [{"value": "3", "label": "某市教育局"}]},
                        {"name": "reason", "label": "改派理由（必填）", "kind": "text", "value": "", "options": []}]},
                    {"name": "escalate", "label": "督办", "url": "/admin/letters/7/act", "fields": [
                        {"name": "on", "label": "督办日期", "kind": "date", "value": "2024-12-18", "options": []},
                        {"name": "note", "label": "督办意见", "kind": "textarea", "value": "", "options": []}]}
                ],
                "history": [{"at": "2024-11-25 12:00", "kind": "收信", "org": "某市人民政府", "detail": "", "actor": "public"},
                            {"at": "2024-11-25 12:00", "kind": "按规则转办", "org": null, "detail": "城乡建设/燃气供应", "actor": "routing rule"}]
            })), &["139****1111", "显示完整联系方式（将记入审计日志）", "舆情预警：来信含关键词 上访、群体", "name=\"action\" value=\"escalate\"",
                   "按规则转办"]),
            s("admin/letter_view.html", "replied, revealed, rated", merge(a(), json!({
                "back_url": "/admin/letters",
                "letter": {"tracking_code": "XX20241125ABCDEF", "subject": "燃气", "body": "压力不足。", "category": "城乡建设",
                           "to": "某市住房和城乡建设局", "org": "某市住房和城乡建设局", "status": "已答复", "received_at": "2024-11-25 12:00",
                           "due_on": null, "deadline_note": "the working-day calendar has no data for 2027", "timeliness": null, "escalations": 2,
                           "reply": "已增压。", "replied_on": "2024-12-03", "reply_working_days": 6, "publish_consent": false,
                           "published_url": "/mailbox/letters/7", "watch_hits": [], "writer": "李小四", "phone": "13900001111",
                           "email": "li@example.com", "rating": "满意", "rating_comment": "谢谢"},
                "revealed": true, "reveal_url": "/admin/letters/7/reveal", "actions": [], "history": [],
                "flash": {"kind": "error", "message": "操作未执行：写信人不同意公开"}
            })), &["13900001111", "li@example.com", "本次查看已记入审计日志", "（6 个工作日）", "满意：谢谢", "no data for 2027",
                   "操作未执行：写信人不同意公开"]),
            s("admin/letter_stats.html", "a year", merge(a(), json!({
                "page_title": "信箱统计", "year": 2024, "all_url": "/admin/letters/stats", "back_url": "/admin/letters", "today": "2024-12-20",
                "years": [{"value": 2024, "url": "/admin/letters/stats?year=2024", "current": true}],
                "by_org": [
                    {"name": "合计", "received": 4, "replied": 3, "on_time_rate": "66.7%", "median_days": 15, "p90_days": 27,
                     "satisfaction_rate": "50.0%", "rated": 2, "open": 1, "open_over_3_months": 1},
                    {"name": "某市住房和城乡建设局", "received": 4, "replied": 3, "on_time_rate": null, "median_days": null, "p90_days": null,
                     "satisfaction_rate": null, "rated": 0, "open": 1, "open_over_3_months": 0}],
                "by_leader": [{"name": "市长 王某", "received": 4, "replied": 3, "on_time_rate": "66.7%", "median_days": 15, "p90_days": 27,
                     "satisfaction_rate": "50.0%", "rated": 2, "open": 1, "open_over_3_months": 1}],
                "open": [{"url": "/admin/letters/9", "tracking_code": "XX20240902CCCCCC", "subject": "燃气", "org": "某市住房和城乡建设局",
                          "received_on": "2024-09-02", "age_days": 109, "over_3_months": true}],
                "open_total": 1
            })), &["信箱统计（2024 年）", "<th scope=\"row\">合计</th>", "66.7%", "<td>27</td>", "109（超过 3 个月）", "class=\"cell-danger\""]),
            s("admin/mailbox_settings.html", "errors", merge(a(), json!({
                "page_title": "信箱设置", "form_action": "/admin/mailbox/settings", "back_url": "/admin/letters", "has_portal": true,
                "values": {"reply_days": "0", "reminder_days": "3", "watch_words": "上访\n群体"},
                "errors": {"reply_days": "答复期限应为 1 至 60 个工作日"},
                "routes": [{"category": "城乡建设 › 燃气供应", "org": "某市住房和城乡建设局", "delete_url": "/admin/mailbox/routes/1/delete"}],
                "route_action": "/admin/mailbox/routes", "category_options": [{"value": "城乡建设", "label": "城乡建设"}],
                "org_options": [{"value": "2", "label": "某市住房和城乡建设局"}],
                "leaders": [{"label": "市长 王某", "org": "某市人民政府", "active": true}, {"label": "副市长", "org": "某市人民政府", "active": false}],
                "leader_action": "/admin/mailbox/leaders"
            })), &["答复期限应为 1 至 60 个工作日", "value=\"0\"", "action=\"/admin/mailbox/routes/1/delete\"", "（已停用）"]),
            // 征集调查
            s("survey_list.html", "default", merge(p(), json!({
                "page_title": "征集调查",
                "surveys": [
                    {"title": "公交线网优化意见征集", "url": "/surveys/3", "org": "某市交通运输局", "opens_at": "2026-03-01 09:00", "closes_at": "2026-03-31 18:00", "phase": "进行中", "open": true},
                    {"title": "2025 年政务公开满意度调查", "url": "/surveys/2", "org": "某市人民政府办公室", "opens_at": "2025-11-01 09:00", "closes_at": "2025-11-30 18:00", "phase": "已结束", "open": false}
                ],
                "pagination": pagination()
            })), &["<a href=\"/surveys/3\">公交线网优化意见征集</a>", "<strong>进行中</strong>", "共 93 条"]),
            s("survey.html", "open, rejected answer", merge(p(), json!({
                "page_title": "公交线网优化意见征集",
                "survey": {"id": 3, "title": "公交线网优化意见征集", "url": "/surveys/3", "org": "某市交通运输局", "opens_at": "2026-03-01 09:00",
                           "closes_at": "2026-03-31 18:00", "phase": "进行中", "open": true, "intro": "为优化公交线网，现征求意见。",
                           "identified": true, "requires_sign_in": false, "one_per_person": true},
                "notice": null, "show_form": true,
                "questions": [
                    {"field": "q1", "number": 1, "prompt": "您对公交服务是否满意？", "kind": "single", "kind_label": "单选", "required": true, "text": "",
                     "options": [{"value": "1", "label": "满意", "checked": false}, {"value": "2", "label": "不满意", "checked": false}]},
                    {"field": "q2", "number": 2, "prompt": "您常乘坐的线路", "kind": "multiple", "kind_label": "多选", "required": false, "text": "",
                     "options": [{"value": "1", "label": "常规公交", "checked": true}, {"value": "2", "label": "夜班线路", "checked": false}]},
                    {"field": "q3", "number": 3, "prompt": "其他建议", "kind": "text", "kind_label": "文本", "required": false, "text": "多开夜班车", "options": []}
                ],
                "values": {"name": "张三", "phone": ""},
                "errors": {"q1": "此题为必答题，请选择", "phone": "请填写有效的联系电话"},
                "csrf": "tok-anon", "form_action": "/surveys/3",
                "results": null, "respondents": 0, "results_note": "调查结束后公布结果。"
            })), &["<a href=\"#f-q1\">此题为必答题，请选择</a>", "type=\"radio\" id=\"f-q1-1\"", "type=\"checkbox\" id=\"f-q2-1\" name=\"q2\" value=\"1\" checked",
                   ">多开夜班车</textarea>", "调查结束后公布结果。", "value=\"张三\""]),
            s("survey.html", "closed with results", merge(p(), json!({
                "page_title": "2025 年政务公开满意度调查",
                "survey": {"id": 2, "title": "2025 年政务公开满意度调查", "url": "/surveys/2", "org": "某市人民政府办公室", "opens_at": "2025-11-01 09:00",
                           "closes_at": "2025-11-30 18:00", "phase": "已结束", "open": false, "intro": "",
                           "identified": false, "requires_sign_in": false, "one_per_person": true},
                "notice": {"kind": "info", "text": "本次调查已结束，感谢关注。"}, "show_form": false,
                "questions": [], "values": {"name": "", "phone": ""}, "errors": {}, "csrf": "tok-anon", "form_action": "/surveys/2",
                "results": [
                    {"prompt": "您对政务公开工作是否满意？", "kind": "single", "answered": 3,
                     "chart_html": "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 560 42\" aria-hidden=\"true\" focusable=\"false\"><rect x=\"180\" y=\"10\" width=\"290\" height=\"22\" fill=\"#1f5aa6\"></rect></svg>",
                     "options": [{"label": "满意", "count": 2, "percent": "66.7"}, {"label": "不满意", "count": 1, "percent": "33.3"}]},
                    {"prompt": "其他建议", "kind": "text", "answered": 1, "chart_html": null, "options": []}
                ],
                "respondents": 3, "results_note": null
            })), &["共收到有效答卷 3 份", "<td>满意</td><td>2</td><td>66.7%</td>", "aria-hidden=\"true\"", "文字回答不公开展示", "本次调查已结束"]),
            s("admin/surveys.html", "default", merge(a(), json!({
                "page_title": "征集调查", "new_url": "/admin/surveys/new",
                "surveys": [{"title": "公交线网优化意见征集", "url": "/admin/surveys/3", "org": "某市交通运输局", "opens_at": "2026-03-01 09:00",
                             "closes_at": "2026-03-31 18:00", "status": "已发布", "phase": "进行中", "responses": 128}]
            })), &["<a href=\"/admin/surveys/3\">公交线网优化意见征集</a>", "已发布（进行中）", "<td>128</td>"]),
            s("admin/survey_form.html", "rejected", merge(a(), json!({
                "page_title": "新建调查", "form_action": "/admin/surveys", "cancel_url": "/admin/surveys",
                "org_options": options(&[("12", "某市交通运输局")]),
                "flag_options": options(&[("one_per_person", "每人限答一次"), ("live_results", "进行中即公开结果")]),
                "values": {"org_id": "12", "title": "公交调查", "intro": "", "questions": "[单选] 满意吗\n- 是", "opens_at": "2026-03-01T09:00",
                           "closes_at": "2026-03-31T18:00", "flags": ["one_per_person"]},
                "errors": {"questions": "第 1 题“满意吗”至少需要两个选项"}
            })), &["<a href=\"#f-questions\">第 1 题“满意吗”至少需要两个选项</a>", "type=\"datetime-local\"", "value=\"one_per_person\" checked", "<option value=\"12\" selected>"]),
            s("admin/survey_view.html", "published", merge(a(), json!({
                "page_title": "公交线网优化意见征集",
                "survey": {"title": "公交线网优化意见征集", "org": "某市交通运输局", "status": "已发布", "phase": "进行中", "opens_at": "2026-03-01 09:00",
                           "closes_at": "2026-03-31 18:00", "flags": ["每人限答一次"], "responses": 2, "published": true, "public_url": "/surveys/3"},
                "edit_url": "/admin/surveys/3/edit", "publish_url": "/admin/surveys/3/publish",
                "export_csv_url": "/admin/surveys/3/export.csv", "export_xlsx_url": "/admin/surveys/3/export.xlsx",
                "results": [{"prompt": "是否满意", "kind": "single", "answered": 2, "chart_html": "<svg xmlns=\"http://www.w3.org/2000/svg\" aria-hidden=\"true\" focusable=\"false\"></svg>",
                             "options": [{"label": "是", "count": 2, "percent": "100.0"}]}]
            })), &["撤回调查", "/admin/surveys/3/export.xlsx", "<td>是</td><td>2</td><td>100.0%</td>", "每人限答一次"]),
            // 在线访谈 and 新闻发布会
            s("interview_list.html", "interviews", merge(p(), json!({
                "page_title": "在线访谈", "kind": "interview",
                "events": [{"title": "聚焦老旧小区改造", "url": "/interviews/4", "org": "某市住房和城乡建设局", "starts_at": "2026-04-10 10:00",
                            "phase": "预告", "people": "张三 局长、李四 副局长"}],
                "pagination": pagination()
            })), &["<a href=\"/interviews/4\">聚焦老旧小区改造</a>", ">访谈嘉宾</th>", "张三 局长、李四 副局长"]),
            s("interview.html", "interview taking questions, rejected", merge(p(), json!({
                "page_title": "聚焦老旧小区改造",
                "event": {"kind": "interview", "kind_label": "在线访谈", "title": "聚焦老旧小区改造", "org": "某市住房和城乡建设局",
                          "starts_at": "2026-04-10 10:00", "ends_at": "2026-04-10 11:30", "phase": "预告", "people_label": "访谈嘉宾",
                          "people": ["张三 局长", "李四 副局长"], "summary": "介绍 2026 年改造计划。",
                          "transcript_html": "<p>主持人：各位网友好。</p>",
                          "media": [{"label": "访谈视频", "url": "https://v.example.gov.cn/1.mp4"}]},
                "questions": [{"nickname": "网友", "body": "加装电梯有补贴吗？", "answer": "有，每台补助 10 万元。", "asked_at": "2026-04-09 20:15"}],
                "takes_questions": true, "notice": null,
                "values": {"nickname": "", "body": "你好"}, "errors": {"body": "请填写您的问题（至少 5 个字）"},
                "csrf": "tok-anon", "form_action": "/interviews/4"
            })), &["<h2 id=\"h-people\">访谈嘉宾</h2>", "<p>主持人：各位网友好。</p>", "<strong>答：</strong>有，每台补助 10 万元。",
                   "<a href=\"#f-body\">请填写您的问题（至少 5 个字）</a>", "href=\"https://v.example.gov.cn/1.mp4\""]),
            s("interview.html", "press conference", merge(p(), json!({
                "page_title": "2026 年一季度经济运行情况新闻发布会",
                "event": {"kind": "press_conference", "kind_label": "新闻发布会", "title": "2026 年一季度经济运行情况新闻发布会", "org": "某市统计局",
                          "starts_at": "2026-04-20 15:00", "ends_at": "2026-04-20 16:00", "phase": "往期回顾", "people_label": "发布人",
                          "people": ["王五 市统计局局长"], "summary": "", "transcript_html": "", "media": [],
                          "attachments": [{"name": "发布会材料.pdf", "url": "/press-conferences/5/files/2", "size": 234567, "content_type": "application/pdf"}]},
                "questions": [], "takes_questions": false, "notice": {"kind": "ok", "text": "已提交"},
                "values": {"nickname": "", "body": ""}, "errors": {}, "csrf": "tok-anon", "form_action": "/press-conferences/5"
            })), &["<h2 id=\"h-people\">发布人</h2>", "王五 市统计局局长", "<a href=\"/press-conferences/5/files/2\" download>发布会材料.pdf</a>"]),
            s("admin/events.html", "default", merge(a(), json!({
                "page_title": "在线访谈", "new_url": "/admin/events/interview/new", "new_label": "新建在线访谈",
                "events": [{"title": "聚焦老旧小区改造", "url": "/admin/events/interview/4", "org": "某市住房和城乡建设局", "starts_at": "2026-04-10 10:00", "status": "已发布"}]
            })), &["新建在线访谈", "<a href=\"/admin/events/interview/4\">聚焦老旧小区改造</a>"]),
            s("admin/interpretations.html", "default", merge(a(), json!({
                "page_title": "政策解读", "new_url": "/admin/interpretations/new", "filter_action": "/admin/interpretations",
                "site_options": options(&[("3", "某市教育局")]), "values": {"site_id": "3"},
                "interpretations": [{"title": "《关于促进消费的若干措施》图解", "url": "/admin/interpretations/8", "item_url": "/admin/items/8",
                                     "site": "某市教育局", "org": "某市教育局", "form": "图解", "status": "草稿", "updated": "2026-11-24 10:00",
                                     "policies": [{"title": "关于促进消费的若干措施", "url": "/admin/items/7"}]}]
            })), &["新建政策解读", "<a href=\"/admin/interpretations/8\">解读设置</a>", "<a href=\"/admin/items/7\">关于促进消费的若干措施</a>",
                   "<option value=\"3\" selected>某市教育局</option>"]),
            s("admin/interpretation_form.html", "new, rejected", merge(a(), json!({
                "page_title": "新建政策解读", "is_new": true, "form_action": "/admin/interpretations", "cancel_url": "/admin/interpretations",
                "edit_body_url": null, "item_url": null,
                "org_options": options(&[("12", "某市教育局")]), "column_options": options(&[("31", "某市教育局 › 政策解读")]),
                "form_options": options(&[("text", "文字解读"), ("graphic", "图解"), ("video", "视频解读")]),
                "values": {"org_id": "12", "column_id": "31", "title": "图解", "made_on": "2026-11-24", "summary": "", "body_html": "<p>正文</p>",
                           "form": "video", "video_url": "", "policies": "7\n000014349/2024-00099"},
                "errors": {"video_url": "视频解读请填写以 http:// 或 https:// 开头的视频链接", "policies": "找不到这些政策文件：000014349/2024-00099"}
            })), &["<a href=\"#f-video_url\">", "找不到这些政策文件", "<option value=\"video\" selected>视频解读</option>", "保存为草稿"]),
            s("admin/interpretation_form.html", "edit", merge(a(), json!({
                "page_title": "解读设置：图解", "is_new": false, "form_action": "/admin/interpretations/8", "cancel_url": "/admin/interpretations",
                "edit_body_url": "/admin/items/8/edit", "item_url": "/admin/items/8",
                "org_options": [], "column_options": [],
                "form_options": options(&[("text", "文字解读"), ("graphic", "图解"), ("video", "视频解读")]),
                "values": {"title": "图解", "form": "graphic", "video_url": "", "policies": "7"},
                "errors": {}
            })), &["编辑标题和正文", "<option value=\"graphic\" selected>图解</option>"]),
            s("admin/event_form.html", "rejected", merge(a(), json!({
                "page_title": "新建在线访谈", "is_interview": true, "people_label": "访谈嘉宾",
                "org_options": options(&[("12", "某市住房和城乡建设局")]),
                "values": {"org_id": "12", "title": "访谈", "starts_at": "2026-04-10T10:00", "ends_at": "2026-04-10T09:00", "people": "",
                           "summary": "", "transcript_html": "", "media": "javascript:alert(1)", "accepts_questions": ["on"]},
                "errors": {"ends_at": "结束时间应晚于开始时间", "media": "第 1 行：链接应以 http:// 或 https:// 开头，且不含空格", "people": "请填写访谈嘉宾"},
                "form_action": "/admin/events/interview", "cancel_url": "/admin/events/interview"
            })), &["<a href=\"#f-ends_at\">结束时间应晚于开始时间</a>", "value=\"on\" checked", ">访谈嘉宾<span class=\"req\">"]),
            s("admin/event_view.html", "interview with questions", merge(a(), json!({
                "page_title": "聚焦老旧小区改造",
                "event": {"title": "聚焦老旧小区改造", "kind_label": "在线访谈", "org": "某市住房和城乡建设局", "status": "已发布", "published": true,
                          "starts_at": "2026-04-10 10:00", "ends_at": "2026-04-10 11:30", "people": "张三 局长", "public_url": "/interviews/4"},
                "edit_url": "/admin/events/interview/4/edit", "publish_url": "/admin/events/interview/4/publish", "is_interview": true,
                "upload_url": "/admin/events/interview/4/files",
                "files": [{"name": "访谈图片.jpg", "url": "/admin/events/interview/4/files/3", "size": 20480, "content_type": "image/jpeg",
                           "delete_url": "/admin/events/interview/4/files/3/delete"}],
                "questions": [
                    {"id": 7, "nickname": "网友", "body": "加装电梯有补贴吗？", "status": "待审核", "answer": null, "asked_at": "2026-04-09 20:15", "action_url": "/admin/events/interview/4/questions/7"},
                    {"id": 8, "nickname": "小王", "body": "停车位怎么解决？", "status": "已答复", "answer": "统筹建设。", "asked_at": "2026-04-09 20:16", "action_url": "/admin/events/interview/4/questions/8"}
                ]
            })), &["id=\"q7-answer\"", "id=\"q8-answer\"", "答复并公开", "（2026-04-09 20:15，待审核）",
                   "action=\"/admin/events/interview/4/files\" enctype=\"multipart/form-data\"", "访谈图片.jpg"]),
            // 公开征求意见
            s("consultation_list.html", "default", merge(p(), json!({
                "page_title": "公开征求意见",
                "consultations": [{"title": "《示范市养犬管理办法（征求意见稿）》", "url": "/consultations/2", "org": "某市公安局",
                                   "opens_at": "2026-03-01 09:00", "closes_at": "2026-03-31 18:00", "phase": "已结束", "has_report": true}],
                "pagination": pagination()
            })), &["<a href=\"/consultations/2\">《示范市养犬管理办法（征求意见稿）》</a>", "已结束（已公布采纳情况）"]),
            s("consultation.html", "open, rejected comment", merge(p(), json!({
                "page_title": "《示范市养犬管理办法（征求意见稿）》",
                "consultation": {"title": "《示范市养犬管理办法（征求意见稿）》", "org": "某市公安局", "intro": "欢迎提出意见。",
                                 "opens_at": "2026-03-01 09:00", "closes_at": "2026-03-31 18:00", "phase": "进行中"},
                "sections": [
                    {"anchor": "s1", "heading": "第一条", "text": ["为了规范养犬行为，制定本办法。"], "comments": 0, "comment_url": "/consultations/2?section=0#comment-form"},
                    {"anchor": "s2", "heading": "第二条", "text": ["居住区内遛犬应当拴绳。", "违者处罚。"], "comments": 3, "comment_url": "/consultations/2?section=1#comment-form"}
                ],
                "open": true,
                "section_options": options(&[("0", "第一条"), ("1", "第二条")]),
                "notice": null,
                "values": {"section": "1", "body": "短", "nickname": "", "contact": ""},
                "errors": {"body": "请填写您的意见（至少 5 个字）"},
                "csrf": "tok-anon", "form_action": "/consultations/2", "report": null
            })), &["<div class=\"draft-section\" id=\"s2\">", "<p>违者处罚。</p>", "已收到意见 3 条", "<option value=\"1\" selected>第二条</option>",
                   "<a href=\"#f-body\">请填写您的意见（至少 5 个字）</a>", "对“第二条”提意见"]),
            s("consultation.html", "closed with report", merge(p(), json!({
                "page_title": "《示范市养犬管理办法（征求意见稿）》",
                "consultation": {"title": "《示范市养犬管理办法（征求意见稿）》", "org": "某市公安局", "intro": "",
                                 "opens_at": "2026-03-01 09:00", "closes_at": "2026-03-31 18:00", "phase": "已结束"},
                "sections": [{"anchor": "s1", "heading": "第一条", "text": ["为了规范养犬行为，制定本办法。"], "comments": 2, "comment_url": null}],
                "open": false, "section_options": [], "notice": {"kind": "error", "text": "本次征求意见已结束"},
                "values": {"section": "", "body": "", "nickname": "", "contact": ""}, "errors": {},
                "csrf": "tok-anon", "form_action": "/consultations/2",
                "report": {"published_at": "2026-04-15 10:00", "summary": "共收到意见 2 条，采纳 1 条。",
                           "counts": {"total": 2, "adopted": 1, "partly_adopted": 0, "not_adopted": 1, "pending": 0},
                           "comments": [{"section": "第一条", "anchor": "s1", "nickname": "网友", "body": "建议明确拴绳长度。", "adoption": "采纳", "reason": ""},
                                        {"section": "第一条", "anchor": "s1", "nickname": "张先生", "body": "建议取消限养。", "adoption": "未采纳", "reason": "上位法已有规定。"}]}
            })), &["<h2 id=\"h-report\">意见采纳情况</h2>", "其中采纳 1 条，部分采纳 0 条，未采纳 1 条", "<td>未采纳</td><td>上位法已有规定。</td>", "<a href=\"#s1\">第一条</a>"]),
            s("admin/consultations.html", "default", merge(a(), json!({
                "page_title": "公开征求意见", "new_url": "/admin/consultations/new",
                "consultations": [{"title": "养犬管理办法", "url": "/admin/consultations/2", "org": "某市公安局", "opens_at": "2026-03-01 09:00",
                                   "closes_at": "2026-03-31 18:00", "status": "已发布", "phase": "已结束"}]
            })), &["<a href=\"/admin/consultations/2\">养犬管理办法</a>", "已发布（已结束）"]),
            s("admin/consultation_form.html", "rejected", merge(a(), json!({
                "page_title": "新建征求意见", "org_options": options(&[("12", "某市公安局")]),
                "values": {"org_id": "12", "title": "养犬管理办法", "intro": "", "draft": "", "opens_at": "2026-03-01T09:00", "closes_at": "2026-03-31T18:00"},
                "errors": {"draft": "请填写征求意见稿正文"}, "form_action": "/admin/consultations", "cancel_url": "/admin/consultations"
            })), &["<a href=\"#f-draft\">请填写征求意见稿正文</a>", "value=\"养犬管理办法\""]),
            s("admin/consultation_view.html", "with comments, report refused", merge(a(), json!({
                "page_title": "养犬管理办法",
                "consultation": {"title": "养犬管理办法", "org": "某市公安局", "status": "已发布", "published": true, "phase": "已结束",
                                 "opens_at": "2026-03-01 09:00", "closes_at": "2026-03-31 18:00", "sections": 12,
                                 "public_url": "/consultations/2", "report_published": false},
                "edit_url": "/admin/consultations/2/edit", "publish_url": "/admin/consultations/2/publish", "report_url": "/admin/consultations/2/report",
                "adoption_options": options(&[("pending", "待研究"), ("adopted", "采纳"), ("not_adopted", "未采纳")]),
                "comments": [{"id": 5, "section": "第二条", "nickname": "网友", "body": "建议明确拴绳长度。", "has_contact": true,
                              "values": {"adoption": "adopted", "reason": ""}, "adoption": "采纳", "action_url": "/admin/consultations/2/comments/5"}],
                "values": {"report": ""}, "errors": {"report": "还有 1 条意见未作出采纳决定"}
            })), &["id=\"c5-adoption\"", "<option value=\"adopted\" selected>采纳</option>", "（留有联系方式）", "<a href=\"#f-report\">还有 1 条意见未作出采纳决定</a>"]),
            // ---------------------------------------------------------------- 网站健康 (issue 9)
            s("admin/health.html", "platform admin", merge(a(), json!({
                "last_checked": "2026-11-24",
                "sites": [{"title": "市教育局", "url": "/admin/health/sites/2", "passed": false, "score": 88,
                           "failed": ["空白栏目"], "checked_on": "2026-11-24"},
                          {"title": "市人民政府", "url": "/admin/health/sites/1", "passed": true, "score": 100,
                           "failed": [], "checked_on": "2026-11-24"}],
                "findings": [{"site": "市教育局", "kind": "空白栏目", "veto": true, "title": "招生考试",
                              "evidence": "栏目没有任何已发布内容", "url": "/admin/columns/9", "since": "2026-11-24 08:00"},
                             {"site": "市教育局", "kind": "链接失效", "veto": false, "title": "/items/404",
                              "evidence": "返回 HTTP 404，出现在 /items/7", "url": null, "since": "2026-11-24 08:00"}],
                "digests": [{"day": "2026-11-24", "org": "某市教育局", "count": 2, "body": "2026-11-24 网站健康检查发现 2 个新问题：\n- ……", "mailed_to": null}],
                "run_url": "/admin/health/run", "crawl_url": "/admin/health/crawl", "words_url": "/admin/health/words",
                "crawl": {"at": "2026-11-24 03:00", "pages": 120, "broken": 1, "external": ["https://www.gov.cn/"]}
            })), &["市教育局", "不合格", "空白栏目", "单项否决", "返回 HTTP 404", "立即检查", "检查链接", "https://www.gov.cn/", "错敏词库"]),
            s("admin/health.html", "org admin, nothing yet", merge(a(), json!({
                "last_checked": null, "sites": [], "findings": [], "digests": [],
                "run_url": "/admin/health/run", "crawl_url": null, "words_url": null, "crawl": null
            })), &["尚未检查", "尚无检查结果", "没有待处理的问题", "暂无摘要"]),
            s("admin/health_site.html", "failed", merge(a(), json!({
                "report": {"title": "市教育局", "checked_on": "2026-11-24", "score": 88, "passed": false,
                    "vetoes": [{"code": "homepage", "name": "首页两周未更新", "passed": true, "count": 0, "threshold": 1, "evidence": []},
                               {"code": "empty", "name": "空白栏目", "passed": false, "count": 5, "threshold": 5,
                                "evidence": ["招生考试：栏目没有任何已发布内容"]}],
                    "deductions": [{"reason": "空白栏目（5 处）", "points": 10}],
                    "findings": [{"kind": "空白栏目", "title": "招生考试", "evidence": "栏目没有任何已发布内容", "url": "/admin/columns/9"}]},
                "history": [{"week": "2026-W47", "checked_on": "2026-11-17", "score": 95, "passed": true},
                            {"week": "2026-W48", "checked_on": "2026-11-24", "score": 88, "passed": false}],
                "back_url": "/admin/health"
            })), &["得分 <strong>88</strong>", "不通过", "5 / 5", "招生考试：栏目没有任何已发布内容", "−10 分", "2026-W47"]),
            s("admin/health_words.html", "after an import", merge(a(), json!({
                "words": [{"term": "按装", "kind": "错别字", "level": "提示", "suggestion": "安装", "delete_url": "/admin/health/words/1/delete"}],
                "kind_options": options(&[("wrong", "错别字"), ("sensitive", "敏感词")]),
                "level_options": options(&[("block", "禁止提交"), ("warn", "提示")]),
                "values": {"term": "", "kind": "wrong", "level": "warn", "suggestion": "", "text": ""},
                "errors": {},
                "import_result": {"added": 3, "existing": 1, "errors": [{"line": 2, "reason": "类型“typo”无效"}]},
                "add_url": "/admin/health/words", "import_url": "/admin/health/words/import", "starter_url": "/admin/health/words/starter"
            })), &["按装", "安装", "新增 3 条", "第 2 行：类型“typo”无效", "/admin/health/words/1/delete", "导入起步词库"]),
            s("admin/health_report.html", "awaiting a reply", merge(a(), json!({
                "report": {"tracking_code": "ZC20261124ABCDEF", "site": "市教育局", "created_at": "2026-11-24 09:00",
                           "category": "链接无法打开", "page_url": "/items/7", "description": "附件打不开", "contact": null},
                "reply": null, "form_action": "/admin/health/reports/3",
                "values": {"reply": ""}, "errors": {"reply": "答复须为 2-2000 个字"}, "back_url": "/admin/health"
            })), &["ZC20261124ABCDEF", "附件打不开", "答复须为 2-2000 个字", "action=\"/admin/health/reports/3\""]),
            s("admin/health_report.html", "replied", merge(a(), json!({
                "report": {"tracking_code": "ZC20261124ABCDEF", "site": "市教育局", "created_at": "2026-11-24 09:00",
                           "category": "其他问题", "page_url": "", "description": "错别字", "contact": "138"},
                "reply": {"text": "已更正，谢谢。", "by": "admin", "at": "2026-11-25 10:00"},
                "form_action": "/admin/health/reports/3", "values": {"reply": ""}, "errors": {}, "back_url": "/admin/health"
            })), &["已更正，谢谢。", "admin 于 2026-11-25 10:00 答复"]),
            s("report_error_track.html", "replied", merge(p(), json!({
                "form_action": "/report-error/track", "values": {"code": "ZC20261124ABCDEF"}, "errors": {},
                "result": {"tracking_code": "ZC20261124ABCDEF", "created_on": "2026-11-24", "status": "已答复",
                           "description": "附件打不开", "reply": "已修复。", "replied_on": "2026-11-25"}
            })), &["编号 ZC20261124ABCDEF", "已答复", "已修复。", "value=\"ZC20261124ABCDEF\""]),
            s("report_error_track.html", "unknown code", merge(p(), json!({
                "form_action": "/report-error/track", "values": {"code": "ZC0"}, "errors": {"code": "没有找到这个编号，请核对"},
                "result": null
            })), &["没有找到这个编号，请核对"]),
        ]
    }

    // ------------------------------------------------------------------ rendering helpers

    fn render_with(env: &Environment<'static>, template: &str, ctx: &J) -> Result<String, String> {
        let t = env
            .get_template(template)
            .map_err(|e| format!("{template}: {e:#}"))?;
        t.render(ctx).map_err(|e| format!("{template}: {e:#}"))
    }

    fn base_of(template: &str) -> Option<&'static str> {
        let src = TEMPLATES
            .iter()
            .find(|(n, _)| *n == template)
            .map(|(_, s)| *s)?;
        if src.contains("{% extends \"admin/base.html\" %}") {
            Some("admin/base.html")
        } else if src.contains("{% extends \"base.html\" %}") {
            Some("base.html")
        } else {
            None
        }
    }

    fn pages() -> Vec<&'static str> {
        TEMPLATES
            .iter()
            .map(|(n, _)| *n)
            .filter(|n| base_of(n).is_some())
            .collect()
    }

    // ------------------------------------------------------------------ a small HTML scanner

    #[derive(Debug)]
    struct Tag {
        name: String,
        end: bool,
        attrs: Vec<(String, String)>,
    }

    impl Tag {
        fn attr(&self, k: &str) -> Option<&str> {
            self.attrs
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.as_str())
        }
        fn has(&self, k: &str) -> bool {
            self.attr(k).is_some()
        }
    }

    /// Tags (with attributes) and the text between them. Errors on what an HTML parser would
    /// complain about in our own output: bare `<`, unclosed comments, duplicate attributes.
    fn scan(html: &str) -> Result<(Vec<Tag>, Vec<String>), String> {
        let b = html.as_bytes();
        let len = b.len();
        let mut i = 0;
        let mut tags = Vec::new();
        let mut texts = Vec::new();
        while i < len {
            if b[i] != b'<' {
                let next = html[i..].find('<').map(|p| i + p).unwrap_or(len);
                texts.push(html[i..next].to_string());
                i = next;
                continue;
            }
            if html[i..].starts_with("<!--") {
                let end = html[i..].find("-->").ok_or("unclosed comment")?;
                i += end + 3;
                continue;
            }
            if html[i..].starts_with("<!") {
                let end = html[i..].find('>').ok_or("unclosed <!")?;
                i += end + 1;
                continue;
            }
            let end = b.get(i + 1) == Some(&b'/');
            let start = if end { i + 2 } else { i + 1 };
            let mut j = start;
            while j < len && b[j].is_ascii_alphanumeric() {
                j += 1;
            }
            if j == start {
                let ctx: String = html[i..].chars().take(30).collect();
                return Err(format!("bare '<' in text: {ctx:?}"));
            }
            let name = html[start..j].to_ascii_lowercase();
            let mut attrs: Vec<(String, String)> = Vec::new();
            loop {
                while j < len && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if j >= len {
                    return Err(format!("unclosed tag <{name}"));
                }
                if b[j] == b'>' {
                    j += 1;
                    break;
                }
                if b[j] == b'/' && b.get(j + 1) == Some(&b'>') {
                    j += 2;
                    break;
                }
                let ns = j;
                while j < len
                    && !b[j].is_ascii_whitespace()
                    && !matches!(b[j], b'=' | b'>' | b'/' | b'"' | b'\'')
                {
                    j += 1;
                }
                if j == ns {
                    return Err(format!(
                        "bad attribute syntax in <{name}> near {:?}",
                        &html[ns..(ns + 20).min(len)]
                    ));
                }
                let an = html[ns..j].to_ascii_lowercase();
                let mut av = String::new();
                if j < len && b[j] == b'=' {
                    j += 1;
                    if j < len && (b[j] == b'"' || b[j] == b'\'') {
                        let q = b[j] as char;
                        let vs = j + 1;
                        let ve = html[vs..]
                            .find(q)
                            .map(|p| vs + p)
                            .ok_or("unclosed attribute value")?;
                        av = html[vs..ve].to_string();
                        j = ve + 1;
                    } else {
                        let vs = j;
                        while j < len && !b[j].is_ascii_whitespace() && b[j] != b'>' {
                            j += 1;
                        }
                        av = html[vs..j].to_string();
                    }
                }
                if attrs.iter().any(|(n, _)| *n == an) {
                    return Err(format!("duplicate attribute {an} on <{name}>"));
                }
                attrs.push((an, av));
            }
            tags.push(Tag { name, end, attrs });
            i = j;
        }
        Ok((tags, texts))
    }

    const VOID: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr",
    ];
    const BLOCK: &[&str] = &[
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "div",
        "dl",
        "fieldset",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
    ];
    const PHRASING_ONLY: &[&str] = &[
        "p", "span", "label", "button", "strong", "em", "code", "h1", "h2", "h3", "h4", "h5", "h6",
        "legend", "summary", "mark", "caption", "option",
    ];
    const INTERACTIVE: &[&str] = &[
        "a", "button", "input", "select", "textarea", "details", "label",
    ];

    /// Everything we can check without a browser that the Nu HTML Checker or axe-core would flag.
    fn problems(html: &str) -> Vec<String> {
        let mut out = Vec::new();
        if !html.trim_start().starts_with("<!DOCTYPE html>") {
            out.push("missing <!DOCTYPE html>".into());
        }
        let (tags, texts) = match scan(html) {
            Ok(x) => x,
            Err(e) => return vec![e],
        };

        // Structure: balance, content model, nesting rules.
        let mut stack: Vec<&str> = Vec::new();
        let mut form_open: Option<(bool, bool)> = None; // (is post, has csrf)
        for t in &tags {
            let n = t.name.as_str();
            if t.end {
                if VOID.contains(&n) {
                    out.push(format!("end tag for void element </{n}>"));
                    continue;
                }
                match stack.pop() {
                    Some(top) if top == n => {}
                    Some(top) => {
                        out.push(format!("stray </{n}> (open element is <{top}>)"));
                        stack.push(top);
                    }
                    None => out.push(format!("stray </{n}> at top level")),
                }
                if n == "form" {
                    if let Some((true, false)) = form_open {
                        out.push("POST form without a csrf input".into());
                    }
                    form_open = None;
                }
                continue;
            }
            let parent = stack.last().copied().unwrap_or("");
            let need_parent: Option<&[&str]> = match n {
                "li" => Some(&["ul", "ol"]),
                "tr" => Some(&["thead", "tbody", "tfoot", "table"]),
                "td" | "th" => Some(&["tr"]),
                "thead" | "tbody" | "tfoot" | "caption" => Some(&["table"]),
                "option" => Some(&["select", "optgroup"]),
                "legend" => Some(&["fieldset"]),
                "summary" => Some(&["details"]),
                _ => None,
            };
            if let Some(ok) = need_parent {
                if !ok.contains(&parent) {
                    out.push(format!("<{n}> inside <{parent}>"));
                }
            }
            if BLOCK.contains(&n) {
                if let Some(p) = stack.iter().rev().find(|p| PHRASING_ONLY.contains(p)) {
                    out.push(format!("block <{n}> inside phrasing <{p}>"));
                }
            }
            if INTERACTIVE.contains(&n) && !(n == "input" && t.attr("type") == Some("hidden")) {
                if let Some(p) = stack.iter().rev().find(|p| **p == "a" || **p == "button") {
                    out.push(format!("interactive <{n}> inside <{p}>"));
                }
            }
            if n == "form" {
                if form_open.is_some() {
                    out.push("nested <form>".into());
                }
                let post = t
                    .attr("method")
                    .map(|m| m.eq_ignore_ascii_case("post"))
                    .unwrap_or(false);
                form_open = Some((post, false));
            }
            if n == "input" && t.attr("type") == Some("hidden") && t.attr("name") == Some("csrf") {
                match &mut form_open {
                    Some(f) => f.1 = !t.attr("value").unwrap_or("").is_empty(),
                    None => out.push("csrf input outside a form".into()),
                }
            }
            if !VOID.contains(&n) {
                stack.push(n);
            }
        }
        if !stack.is_empty() {
            out.push(format!("unclosed elements: {stack:?}"));
        }

        // Ids and the references to them.
        let mut ids = HashSet::new();
        for t in tags.iter().filter(|t| !t.end) {
            if let Some(id) = t.attr("id") {
                if id.is_empty() || id.contains(char::is_whitespace) {
                    out.push(format!("bad id {id:?}"));
                }
                if !ids.insert(id.to_string()) {
                    out.push(format!("duplicate id {id:?}"));
                }
            }
        }
        let mut label_for = HashSet::new();
        for t in tags.iter().filter(|t| !t.end) {
            for a in ["aria-describedby", "aria-labelledby"] {
                for id in t.attr(a).unwrap_or("").split_whitespace() {
                    if !ids.contains(id) {
                        out.push(format!("{a} points at missing id {id:?}"));
                    }
                }
            }
            if t.name == "label" {
                match t.attr("for") {
                    Some(f) if ids.contains(f) => {
                        label_for.insert(f.to_string());
                    }
                    other => out.push(format!("<label for={other:?}> has no target")),
                }
            }
            if t.name == "a" {
                match t.attr("href") {
                    None | Some("") => out.push("<a> without href".into()),
                    Some(h) if h.starts_with('#') && !ids.contains(&h[1..]) => {
                        out.push(format!("in-page link {h} has no target"))
                    }
                    _ => {}
                }
            }
        }
        for t in tags.iter().filter(|t| !t.end) {
            let control = match t.name.as_str() {
                "select" | "textarea" => true,
                "input" => !matches!(
                    t.attr("type"),
                    Some("hidden" | "submit" | "button" | "reset" | "image")
                ),
                _ => false,
            };
            if control {
                let labelled = t
                    .attr("id")
                    .map(|id| label_for.contains(id))
                    .unwrap_or(false)
                    || t.has("aria-label")
                    || t.has("aria-labelledby");
                if !labelled {
                    out.push(format!("unlabelled <{}> name={:?}", t.name, t.attr("name")));
                }
            }
            if t.name == "button" && !matches!(t.attr("type"), Some("submit" | "button" | "reset"))
            {
                out.push("<button> without type".into());
            }
            if t.name == "th"
                && !matches!(
                    t.attr("scope"),
                    Some("row" | "col" | "rowgroup" | "colgroup")
                )
            {
                out.push("<th> without scope".into());
            }
            if t.name == "img" && !t.has("alt") {
                out.push("<img> without alt".into());
            }
            if let Some(ti) = t.attr("tabindex") {
                if ti != "0" && ti != "-1" {
                    out.push(format!("tabindex={ti}"));
                }
            }
            if let Some(c) = t.attr("aria-current") {
                if !matches!(c, "page" | "step" | "location" | "date" | "time" | "true") {
                    out.push(format!("aria-current={c}"));
                }
            }
            if t.attr("role") == Some("region") && !t.has("aria-label") && !t.has("aria-labelledby")
            {
                out.push("role=region without a name".into());
            }
        }

        // Document-level: language, landmarks, headings, skip link.
        let html_tag = tags.iter().find(|t| t.name == "html" && !t.end);
        if html_tag.and_then(|t| t.attr("lang")) != Some("zh-CN") {
            out.push("<html> without lang=\"zh-CN\"".into());
        }
        let count = |n: &str| tags.iter().filter(|t| t.name == n && !t.end).count();
        if count("main") != 1 {
            out.push(format!("{} <main> elements", count("main")));
        }
        if count("h1") != 1 {
            out.push(format!("{} <h1> elements", count("h1")));
        }
        // The document's own <title>, not those naming inline SVG charts.
        let mut in_svg = 0i32;
        let mut titles = 0;
        for t in &tags {
            match (t.name.as_str(), t.end) {
                ("svg", false) => in_svg += 1,
                ("svg", true) => in_svg -= 1,
                ("title", false) if in_svg == 0 => titles += 1,
                _ => {}
            }
        }
        if titles != 1 {
            out.push("no <title>".into());
        }
        let skip = tags.iter().any(|t| {
            t.name == "a" && t.attr("class") == Some("skip-link") && t.attr("href") == Some("#main")
        });
        if !skip || !html.contains("跳到主要内容") || !ids.contains("main") {
            out.push("no skip link to #main".into());
        }
        let mut last = 0;
        for t in tags.iter().filter(|t| !t.end) {
            let b = t.name.as_bytes();
            if b.len() == 2 && b[0] == b'h' && (b'1'..=b'6').contains(&b[1]) {
                let level = (b[1] - b'0') as i32;
                if last > 0 && level > last + 1 {
                    out.push(format!("heading order: h{level} after h{last}"));
                }
                last = level;
            }
        }
        let mut landmark_names: HashMap<String, usize> = HashMap::new();
        for t in tags.iter().filter(|t| !t.end) {
            let role = match (t.name.as_str(), t.attr("role")) {
                (_, Some("search")) => "search",
                (_, Some("region")) => "region",
                ("nav", _) => "navigation",
                _ => continue,
            };
            let name = t.attr("aria-label").unwrap_or("");
            if name.is_empty() {
                out.push(format!("{role} landmark without aria-label"));
            }
            *landmark_names.entry(format!("{role}:{name}")).or_default() += 1;
        }
        for (k, n) in landmark_names {
            if n > 1 {
                out.push(format!("{n} landmarks named {k}"));
            }
        }

        // Nothing printed a missing or null value.
        let attr_values = tags
            .iter()
            .flat_map(|t| t.attrs.iter().map(|(_, v)| v.clone()));
        for chunk in texts.into_iter().chain(attr_values) {
            for word in chunk.split(|c: char| !c.is_ascii_alphanumeric()) {
                if word.eq_ignore_ascii_case("none") || word.eq_ignore_ascii_case("undefined") {
                    out.push(format!("prints {word:?} in {:?}", chunk.trim()));
                }
            }
        }
        out
    }

    // ------------------------------------------------------------------ README contract

    #[derive(Default, Debug)]
    struct Contract {
        /// template → documented paths (with `[]` for list elements) → may be null, may be absent
        keys: BTreeMap<String, Vec<(String, bool, bool)>>,
    }

    fn contract() -> Contract {
        let readme = include_str!("../templates/README.md");
        let mut c = Contract::default();
        let mut current: Option<String> = None;
        for line in readme.lines() {
            if line.starts_with("## ") {
                current = line
                    .split('`')
                    .nth(1)
                    .filter(|n| n.ends_with(".html"))
                    .map(str::to_string);
                if let Some(t) = &current {
                    c.keys.entry(t.clone()).or_default();
                }
                continue;
            }
            let Some(t) = &current else { continue };
            if !line.starts_with("| `") {
                continue;
            }
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let key = cells[1].trim_matches('`').to_string();
            let ty = cells.get(2).copied().unwrap_or("");
            let nullable = ty.contains("null");
            let optional = ty.contains("optional");
            c.keys
                .get_mut(t)
                .unwrap()
                .push((key, nullable || optional, optional));
        }
        c
    }

    impl Contract {
        fn plain_keys(&self, t: &str) -> BTreeSet<String> {
            self.keys
                .get(t)
                .map(|v| {
                    v.iter()
                        .filter(|(k, _, _)| !k.contains("[]"))
                        .map(|(k, _, _)| k.clone())
                        .collect()
                })
                .unwrap_or_default()
        }
        fn all(&self, t: &str) -> Vec<(String, bool, bool)> {
            let mut v = self.keys.get(t).cloned().unwrap_or_default();
            if let Some(b) = base_of(t) {
                v.extend(self.keys.get(b).cloned().unwrap_or_default());
            }
            v
        }
    }

    /// Variables the environment provides, or the template language itself.
    const ENV_NAMES: &[&str] = &[
        "css_url",
        "loop",
        "super",
        "self",
        "range",
        "namespace",
        "dict",
        "caller",
        "varargs",
        "kwargs",
    ];

    // ------------------------------------------------------------------ JSON path helpers

    /// Applies `f` to the parent object of every value at `path` (`a.b[].c`), with the last key.
    fn at_path(v: &mut J, path: &str, f: &mut dyn FnMut(&mut serde_json::Map<String, J>, &str)) {
        let (head, rest) = match path.find(['.', '[']) {
            Some(i) => (&path[..i], &path[i..]),
            None => (path, ""),
        };
        let Some(obj) = v.as_object_mut() else { return };
        if rest.is_empty() {
            if obj.contains_key(head) {
                f(obj, head);
            }
            return;
        }
        let Some(child) = obj.get_mut(head) else {
            return;
        };
        if let Some(r) = rest.strip_prefix("[].") {
            if let Some(arr) = child.as_array_mut() {
                for el in arr {
                    at_path(el, r, f);
                }
            }
        } else if let Some(r) = rest.strip_prefix('.') {
            at_path(child, r, f);
        }
    }

    fn has_path(v: &J, path: &str) -> bool {
        let mut found = false;
        let mut copy = v.clone();
        at_path(&mut copy, path, &mut |_, _| found = true);
        if found || !path.ends_with("[]") {
            return found;
        }
        false
    }

    // ------------------------------------------------------------------ tests

    #[test]
    fn every_page_template_has_a_sample_and_a_readme_section() {
        let samples = samples();
        let c = contract();
        for t in pages() {
            assert!(
                samples.iter().any(|s| s.template == t),
                "{t} has no sample context"
            );
            assert!(
                c.keys.contains_key(t),
                "{t} has no section in templates/README.md"
            );
        }
        for t in c.keys.keys() {
            assert!(
                TEMPLATES.iter().any(|(n, _)| n == t),
                "README documents unknown template {t}"
            );
        }
        for s in &samples {
            assert!(
                base_of(s.template).is_some(),
                "sample for non-page template {}",
                s.template
            );
        }
    }

    #[test]
    fn samples_render_with_expected_content_and_clean_html() {
        let env = environment();
        let mut failures = Vec::new();
        for s in samples() {
            let html = match render_with(&env, s.template, &s.ctx) {
                Ok(h) => h,
                Err(e) => {
                    failures.push(format!("{} [{}]: render error {e}", s.template, s.label));
                    continue;
                }
            };
            for want in &s.expect {
                if !html.contains(want) {
                    failures.push(format!("{} [{}]: missing {want:?}", s.template, s.label));
                }
            }
            for p in problems(&html) {
                failures.push(format!("{} [{}]: {p}", s.template, s.label));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// A stricter environment fails on any key a template prints, iterates or looks into that the
    /// sample lacks: with the samples following the README, templates read only documented keys.
    #[test]
    fn samples_render_under_semi_strict_undefined() {
        let mut env = environment();
        env.set_undefined_behavior(minijinja::UndefinedBehavior::SemiStrict);
        let errors: Vec<String> = samples()
            .iter()
            .filter(|s| s.label != "500 without globals")
            .filter_map(|s| {
                render_with(&env, s.template, &s.ctx)
                    .err()
                    .map(|e| format!("[{}] {e}", s.label))
            })
            .collect();
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }

    #[test]
    fn templates_read_exactly_the_keys_the_readme_documents() {
        let env = environment();
        let c = contract();
        let mut failures = Vec::new();
        for (name, _) in TEMPLATES {
            let used: BTreeSet<String> = env
                .get_template(name)
                .unwrap()
                .undeclared_variables(true)
                .into_iter()
                .filter(|v| !ENV_NAMES.contains(&v.split('.').next().unwrap()))
                .collect();
            let mine = c.plain_keys(name);
            let mut allowed = mine.clone();
            if let Some(b) = base_of(name) {
                allowed.extend(c.plain_keys(b));
            }
            for u in &used {
                let ok =
                    allowed.contains(u) || allowed.iter().any(|k| k.starts_with(&format!("{u}.")));
                if !ok {
                    failures.push(format!(
                        "{name} reads `{u}`, which README.md does not document for it"
                    ));
                }
            }
            for k in &mine {
                let ok = used.iter().any(|u| {
                    u == k || k.starts_with(&format!("{u}.")) || u.starts_with(&format!("{k}."))
                });
                if !ok {
                    failures.push(format!(
                        "README.md documents `{k}` for {name}, which does not read it"
                    ));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn samples_cover_every_documented_key() {
        let c = contract();
        let samples = samples();
        let mut failures = Vec::new();
        for (t, keys) in &c.keys {
            let relevant: Vec<&Sample> = samples
                .iter()
                .filter(|s| s.template == t || base_of(s.template) == Some(t.as_str()))
                .collect();
            for (k, _, _) in keys {
                if !relevant.iter().any(|s| has_path(&s.ctx, k)) {
                    failures.push(format!("no sample for {t} has `{k}`"));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    /// Optional keys set to null, then left out: pages still render, and never print
    /// "none"/"undefined" (checked by `problems`).
    #[test]
    fn null_and_missing_optional_keys_render_cleanly() {
        let env = environment();
        let c = contract();
        let mut failures = Vec::new();
        for s in samples() {
            let keys = c.all(s.template);
            let mut nulled = s.ctx.clone();
            for (k, nullable, _) in &keys {
                if *nullable {
                    at_path(&mut nulled, k, &mut |obj, last| {
                        obj.insert(last.to_string(), J::Null);
                    });
                }
            }
            let mut removed = s.ctx.clone();
            for (k, _, optional) in &keys {
                if *optional {
                    at_path(&mut removed, k, &mut |obj, last| {
                        obj.remove(last);
                    });
                }
            }
            for (variant, ctx) in [("null", &nulled), ("absent", &removed)] {
                match render_with(&env, s.template, ctx) {
                    Ok(html) => {
                        for p in problems(&html) {
                            failures.push(format!(
                                "{} [{}, optional keys {variant}]: {p}",
                                s.template, s.label
                            ));
                        }
                    }
                    Err(e) => failures.push(format!("[{}, optional keys {variant}] {e}", s.label)),
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn every_post_form_carries_the_csrf_token() {
        let env = environment();
        let (mut forms, mut tokens) = (0, 0);
        for s in samples() {
            let html = render_with(&env, s.template, &s.ctx).unwrap();
            let f = html.matches("method=\"post\"").count();
            let t = html
                .matches("<input type=\"hidden\" name=\"csrf\" value=\"tok-")
                .count();
            assert_eq!(
                f, t,
                "{} [{}]: {f} POST forms, {t} csrf inputs",
                s.template, s.label
            );
            forms += f;
            tokens += t;
        }
        assert_eq!(forms, tokens);
        assert!(
            forms >= 20,
            "only {forms} POST forms rendered in all samples"
        );
        // And no template spells the method differently.
        for (name, src) in TEMPLATES {
            assert!(
                !src.contains("method=\"POST\"") && !src.contains("method='post'"),
                "{name}"
            );
        }
    }

    #[test]
    fn large_text_sets_the_body_class_and_flips_the_toggle() {
        let env = environment();
        for (t, ctx) in samples()
            .into_iter()
            .map(|s| (s.template, s.ctx))
            .filter(|(_, c)| c.get("large_text").is_some() && c.get("print") != Some(&json!(true)))
        {
            let normal = render_with(&env, t, &ctx).unwrap();
            assert!(
                normal.contains("大字版") && !normal.contains("class=\"large-text\""),
                "{t}"
            );
            let big =
                render_with(&env, t, &merge(ctx.clone(), json!({"large_text": true}))).unwrap();
            assert!(
                big.contains("<body class=\"large-text\">")
                    || big.contains("<body class=\"admin large-text\">"),
                "{t}"
            );
            assert!(big.contains("标准版"), "{t}");
            let toggle = ctx["toggle_large_text_url"].as_str().unwrap();
            assert!(
                big.contains(&format!(
                    "class=\"toggle-large-text\" href=\"{toggle}\">标准版</a>"
                )),
                "{t}"
            );
        }
    }

    #[test]
    fn text_is_escaped_and_html_fields_are_not() {
        let env = environment();
        let ctx = merge(
            public_globals(),
            json!({"item": merge(public_item(), json!({
            "title": "<script>alert(1)</script>", "body_html": "<p><strong>正文</strong></p>"
        })), "q": "\"><b>x"}),
        );
        let html = render_with(&env, "item.html", &ctx).unwrap();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("<p><strong>正文</strong></p>"));
        assert!(!html.contains("\"><b>x"));
    }

    #[test]
    fn column_kinds_choose_table_or_list() {
        let env = environment();
        let by_label = |l: &str| {
            samples()
                .into_iter()
                .find(|s| s.template == "column.html" && s.label == l)
                .unwrap()
        };
        let cat = render_with(&env, "column.html", &by_label("catalogue").ctx).unwrap();
        assert!(cat.contains("<table class=\"list-table\">") && cat.contains(">文号</th>"));
        let art = render_with(&env, "column.html", &by_label("articles").ctx).unwrap();
        assert!(!art.contains("<table") && art.contains("class=\"article-list\""));
        let single = render_with(&env, "column.html", &by_label("single page").ctx).unwrap();
        assert!(!single.contains("article-list") && !single.contains("分页"));
    }

    #[test]
    fn print_view_drops_navigation_search_and_footer() {
        let env = environment();
        let ctx = merge(
            public_globals(),
            json!({"item": public_item(), "print": true}),
        );
        let html = render_with(&env, "item.html", &ctx).unwrap();
        assert!(html.contains("000014349/2024-00012"));
        for gone in [
            "栏目导航",
            "role=\"search\"",
            "面包屑",
            "<footer",
            "本页链接",
        ] {
            assert!(!html.contains(gone), "print view still has {gone}");
        }
        let normal = render_with(&env, "item.html", &merge(ctx, json!({"print": false}))).unwrap();
        for present in [
            "栏目导航",
            "role=\"search\"",
            "面包屑",
            "<footer",
            "本页链接",
        ] {
            assert!(normal.contains(present), "normal view lacks {present}");
        }
    }

    #[test]
    fn field_errors_sit_next_to_their_fields() {
        let env = environment();
        let s = samples()
            .into_iter()
            .find(|s| s.template == "report_error.html" && s.label == "rejected form")
            .unwrap();
        let html = render_with(&env, s.template, &s.ctx).unwrap();
        let input = html.find("id=\"f-page_url\"").unwrap();
        let err = html.find("id=\"f-page_url-error\"").unwrap();
        let field_start = html[..input].rfind("<div class=\"field").unwrap();
        assert!(
            field_start < err && err < input,
            "error message is not inside the field"
        );
        assert!(html[field_start..].starts_with("<div class=\"field has-error\">"));
        // The field without an error is not marked.
        let contact = html.find("id=\"f-contact\"").unwrap();
        let tag_end = contact + html[contact..].find('>').unwrap();
        assert!(!html[contact..tag_end].contains("aria-invalid"));
        // The summary comes before the form.
        assert!(html.find("error-summary").unwrap() < html.find("<form method=\"post\"").unwrap());
    }

    #[test]
    fn passwords_are_never_refilled() {
        let env = environment();
        let s = samples()
            .into_iter()
            .find(|s| s.template == "admin/user_form.html")
            .unwrap();
        let html = render_with(&env, s.template, &s.ctx).unwrap();
        assert!(!html.contains("secret-typed"));
        let login = samples()
            .into_iter()
            .find(|s| s.template == "admin/login.html")
            .unwrap();
        let ctx = merge(
            login.ctx,
            json!({"values": {"username": "a", "password": "typed-pw"}}),
        );
        assert!(!render_with(&env, "admin/login.html", &ctx)
            .unwrap()
            .contains("typed-pw"));
    }

    #[test]
    fn pagination_hides_links_for_a_single_page_and_marks_the_current_one() {
        let env = environment();
        let one = json!({"page": 1, "pages": 1, "total": 3, "prev_url": null, "next_url": null,
                         "pages_list": [{"n": 1, "url": "?page=1", "current": true}]});
        let ctx = merge(
            public_globals(),
            json!({"column": {"name": "栏目", "kind": "articles", "description": null},
                                                 "items": [], "pagination": one}),
        );
        let html = render_with(&env, "column.html", &ctx).unwrap();
        assert!(html.contains("共 3 条") && !html.contains("aria-label=\"分页\""));
        let ctx = merge(ctx, json!({"pagination": pagination()}));
        let html = render_with(&env, "column.html", &ctx).unwrap();
        let nav = &html[html.find("aria-label=\"分页\"").unwrap()..];
        assert_eq!(nav.matches("aria-current=\"page\"").count(), 1);
        assert!(nav.contains("<span class=\"gap\">…</span>"));
        assert!(nav.contains("上一页") && nav.contains("下一页"));
    }

    #[test]
    fn macros_read_nothing_from_the_context() {
        let env = environment();
        let used: Vec<String> = env
            .get_template("_macros.html")
            .unwrap()
            .undeclared_variables(false)
            .into_iter()
            .filter(|v| !ENV_NAMES.contains(&v.as_str()))
            .collect();
        assert!(used.is_empty(), "_macros.html reads {used:?}");
    }

    #[test]
    fn filesize_and_filetype() {
        assert_eq!(filesize(Value::from(0)), "0 B");
        assert_eq!(filesize(Value::from(1023)), "1023 B");
        assert_eq!(filesize(Value::from(1024)), "1 KB");
        assert_eq!(filesize(Value::from(52000)), "50.8 KB");
        assert_eq!(filesize(Value::from(234567)), "229 KB");
        assert_eq!(filesize(Value::from(3_355_443)), "3.2 MB");
        assert_eq!(filesize(Value::from(5_u64 << 30)), "5 GB");
        assert_eq!(filesize(Value::from("2048")), "2 KB");
        assert_eq!(filesize(Value::from("约 2 MB")), "约 2 MB");
        assert_eq!(filesize(Value::from(())), "");
        assert_eq!(filesize(Value::UNDEFINED), "");
        assert_eq!(filetype(Value::from("application/pdf")), "PDF");
        assert_eq!(
            filetype(Value::from(
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            )),
            "Word"
        );
        assert_eq!(filetype(Value::from("image/png")), "图片");
        assert_eq!(
            filetype(Value::from("Application/ZIP; charset=binary")),
            "压缩包"
        );
        assert_eq!(filetype(Value::from(())), "文件");
        let env = environment();
        let out = env
            .render_str(
                "{{ 1536|filesize }} {{ 'application/msword'|filetype }}",
                (),
            )
            .unwrap();
        assert_eq!(out, "1.5 KB Word");
    }

    #[test]
    fn css_url_tracks_the_stylesheet() {
        let url = css_url();
        assert!(
            url.starts_with("/static/site.css?v=") && url.len() == CSS_PATH.len() + 3 + 8,
            "{url}"
        );
        let html = render_with(
            &environment(),
            "page.html",
            &merge(public_globals(), json!({"body_html": ""})),
        )
        .unwrap();
        assert!(html.contains(&format!("<link rel=\"stylesheet\" href=\"{url}\">")));
    }

    /// `GONGKAI_TEMPLATE_DUMP=dir cargo test -p gongkai-web dump_samples` writes every sample page
    /// (and site.css) to `dir`, for the Nu HTML Checker or a browser. Does nothing otherwise.
    #[test]
    fn dump_samples() {
        let Some(dir) = std::env::var_os("GONGKAI_TEMPLATE_DUMP") else {
            return;
        };
        let dir = std::path::PathBuf::from(dir);
        std::fs::create_dir_all(dir.join("static")).unwrap();
        std::fs::write(dir.join("static/site.css"), css()).unwrap();
        let env = environment();
        for s in samples() {
            let html = render_with(&env, s.template, &s.ctx).unwrap();
            let name: String = format!("{}--{}", s.template.trim_end_matches(".html"), s.label)
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '-' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            std::fs::write(dir.join(format!("{name}.html")), html).unwrap();
            if s.ctx.get("large_text").is_some() {
                let big = render_with(
                    &env,
                    s.template,
                    &merge(s.ctx.clone(), json!({"large_text": true})),
                )
                .unwrap();
                std::fs::write(dir.join(format!("{name}--large.html")), big).unwrap();
            }
        }
    }

    // ------------------------------------------------------------------ stylesheet

    fn css_vars(block_selector: &str) -> HashMap<String, String> {
        let css = css();
        let start = css
            .find(&format!("{block_selector} {{"))
            .unwrap_or_else(|| panic!("no {block_selector} block"));
        let body = &css[start..start + css[start..].find('}').unwrap()];
        body.lines()
            .filter_map(|l| {
                let l = l.trim();
                let rest = l.strip_prefix("--")?;
                let (k, v) = rest.split_once(':')?;
                let v = v.trim().trim_end_matches(';');
                let v = v
                    .split("/*")
                    .next()
                    .unwrap()
                    .trim()
                    .trim_end_matches(';')
                    .trim();
                v.starts_with('#')
                    .then(|| (k.trim().to_string(), v.to_string()))
            })
            .collect()
    }

    fn luminance(hex: &str) -> f64 {
        let h = hex.trim_start_matches('#');
        let h = if h.len() == 3 {
            h.chars().flat_map(|c| [c, c]).collect::<String>()
        } else {
            h.to_string()
        };
        let ch = |i: usize| {
            let c = u8::from_str_radix(&h[i..i + 2], 16).unwrap() as f64 / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * ch(0) + 0.7152 * ch(2) + 0.0722 * ch(4)
    }

    fn contrast(a: &str, b: &str) -> f64 {
        let (x, y) = (luminance(a), luminance(b));
        (x.max(y) + 0.05) / (x.min(y) + 0.05)
    }

    #[test]
    fn colour_pairs_meet_wcag_aa() {
        let root = css_vars(":root");
        let mut large = root.clone();
        large.extend(css_vars("body.large-text"));
        // (foreground, background, minimum): text needs 4.5:1, focus rings (non-text) 3:1.
        let pairs = [
            ("text", "bg", 4.5),
            ("muted", "bg", 4.5),
            ("muted", "panel", 4.5),
            ("text", "panel", 4.5),
            ("link", "bg", 4.5),
            ("link", "panel", 4.5),
            ("link-visited", "bg", 4.5),
            ("link-visited", "panel", 4.5),
            ("on-dark", "red", 4.5),
            ("on-dark", "red-dark", 4.5),
            ("on-dark", "blue", 4.5),
            ("on-dark", "blue-dark", 4.5),
            ("red-dark", "bg", 4.5),
            ("blue-dark", "bg", 4.5),
            ("blue-dark", "panel", 4.5),
            ("red-dark", "bg", 4.5),
            ("error", "bg", 4.5),
            ("error", "error-bg", 4.5),
            ("ok", "ok-bg", 4.5),
            ("warn-text", "warn-bg", 4.5),
            ("text", "highlight", 4.5),
            ("on-dark", "error", 4.5),
            ("text", "warn-bg", 4.5),
            ("focus", "red", 3.0),
            ("focus", "red-dark", 3.0),
            ("focus", "blue", 3.0),
            ("focus", "blue-dark", 3.0),
            ("focus-dark", "bg", 3.0),
            ("focus-dark", "panel", 3.0),
        ];
        let mut failures = Vec::new();
        for (name, vars) in [(":root", &root), ("large-text", &large)] {
            for (fg, bg, min) in pairs {
                let (Some(f), Some(b)) =
                    (vars.get(&format!("c-{fg}")), vars.get(&format!("c-{bg}")))
                else {
                    failures.push(format!("{name}: missing --c-{fg} or --c-{bg}"));
                    continue;
                };
                let r = contrast(f, b);
                if r < min {
                    failures.push(format!(
                        "{name}: --c-{fg} {f} on --c-{bg} {b} is {r:.2}:1 (< {min})"
                    ));
                }
            }
        }
        // Literal colours used in the stylesheet for text.
        for (f, b) in [
            ("#000000", "#ffd43b"),
            ("#1f1f1f", "#e8edf4"),
            ("#1f1f1f", "#fafbfc"),
            ("#ffffff", "#6e0013"),
        ] {
            if contrast(f, b) < 4.5 {
                failures.push(format!("{f} on {b}"));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
        assert!(contrast("#000000", "#ffffff") > 20.9);
    }

    #[test]
    fn stylesheet_covers_the_requirements() {
        let css = css();
        for needle in [
            "\"Noto Sans CJK SC\"",
            "\"Microsoft YaHei\"",
            "sans-serif",
            "body.large-text",
            "font-size: 1.375em",
            ":focus-visible",
            "@media print",
            "@media (min-width:",
            ".skip-link:focus",
            ".visually-hidden",
        ] {
            assert!(css.contains(needle), "site.css lacks {needle}");
        }
        let opens = css.matches('{').count();
        let closes = css.matches('}').count();
        assert_eq!(opens, closes, "unbalanced braces in site.css");
        assert!(!css.contains("outline: none;\n") || css.contains("main:focus { outline: none; }"));
    }
}

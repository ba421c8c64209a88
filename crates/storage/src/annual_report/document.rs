//! The annual report as a document in the 2021 standard format (sections 一 to 六, tables 二, 三,
//! 四), for every output format of `gongkai-reporting`.

use gongkai_domain::report::table3::layout;
use gongkai_domain::report::{
    ReportFormat, Table2Block, Table2Column, Table3Column, Table4Block, Table4Column,
};
use gongkai_reporting::{Cell, Document, Table};

use super::{AnnualReport, FigureValue, Sections};

/// The report's title, e.g. 示范市2025年政府信息公开工作年度报告.
pub fn title(r: &AnnualReport) -> String {
    format!("{}{}年政府信息公开工作年度报告", r.scope_name, r.year)
}

fn figure(r: &AnnualReport, key: &str) -> String {
    r.figure(key)
        .map(FigureValue::display)
        .unwrap_or_else(|| "—".into())
}

/// Paragraphs of figures staff can insert into their text, keyed by the section they suit.
pub fn generated_paragraphs(r: &AnnualReport) -> Vec<(&'static str, String)> {
    let mut out = vec![(
        "overview",
        format!(
            "{}年，{}主动公开政府信息{}条，其中市本级{}条、县（市、区）{}条；通过政府网站公开{}条，政务微博{}条，政务微信{}条；发布政策解读{}条。",
            r.year,
            r.scope_name,
            figure(r, "proactive.total"),
            figure(r, "proactive.city_level"),
            figure(r, "proactive.counties"),
            figure(r, "channel.website"),
            figure(r, "channel.weibo"),
            figure(r, "channel.wechat"),
            figure(r, "interpretations"),
        ),
    )];
    out.push((
        "overview",
        format!(
            "全年新收政府信息公开申请{}件，办结{}件，答复率{}，按时答复率{}；因政府信息公开被申请行政复议{}件、提起行政诉讼{}件。",
            figure(r, "requests.received"),
            figure(r, "requests.answered"),
            figure(r, "requests.reply_rate"),
            figure(r, "requests.on_time_rate"),
            figure(r, "appeals.reconsideration"),
            figure(r, "appeals.litigation"),
        ),
    ));
    let fee = r
        .table2
        .get(
            gongkai_domain::report::Table2Row::Fees,
            Table2Column::FeeAmount,
        )
        .map(|v| format!("{v:.2}万元"));
    out.push((
        "other",
        format!(
            "依申请公开收取信息处理费：{}。{}",
            figure(r, "requests.fees"),
            fee.map(|f| format!("本年行政事业性收费金额{f}。"))
                .unwrap_or_default()
        ),
    ));
    out
}

/// The whole report: staff text where written, generated paragraphs otherwise.
pub fn document(r: &AnnualReport, sections: &Sections) -> Document {
    let mut doc =
        Document::new(title(r)).subtitle(format!("{}（{}）", r.scope_name, r.format.label_zh()));
    for n in &r.notices {
        doc.paragraph(format!("说明：{n}"));
    }
    let generated = generated_paragraphs(r);
    let text_or_generated = |doc: &mut Document, key: &str| match sections
        .get(key)
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    {
        Some(text) => {
            for p in text.split('\n').map(str::trim).filter(|p| !p.is_empty()) {
                doc.paragraph(p);
            }
        }
        None => {
            for (_, p) in generated.iter().filter(|(k, _)| *k == key) {
                doc.paragraph(p.clone());
            }
        }
    };
    doc.heading(1, "一、总体情况");
    text_or_generated(&mut doc, "overview");
    doc.heading(1, "二、主动公开政府信息情况");
    for t in table2(r) {
        doc.table(t);
    }
    doc.heading(1, "三、收到和处理政府信息公开申请情况");
    doc.table(table3(r));
    doc.heading(1, "四、政府信息公开行政复议、行政诉讼情况");
    doc.table(table4(r));
    doc.heading(1, "五、存在的主要问题及改进情况");
    text_or_generated(&mut doc, "problems");
    if sections.get("problems").is_none_or(|s| s.trim().is_empty()) {
        doc.paragraph("（待填写）");
    }
    doc.heading(1, "六、其他需要报告的事项");
    text_or_generated(&mut doc, "other");
    if !r.table2_sources.is_empty() {
        let list: Vec<String> = r
            .table2_sources
            .iter()
            .map(|s| format!("{}/{} {}（{}）", s.row, s.column, s.value, s.source))
            .collect();
        doc.paragraph(format!("表二录入数据来源：{}。", list.join("；")));
    }
    doc
}

/// Table 二: one table per block (its columns differ), each headed by the article it reports on.
pub fn table2(r: &AnnualReport) -> Vec<Table> {
    let format = r.format;
    Table2Block::of(format)
        .iter()
        .enumerate()
        .map(|(i, block)| {
            let widths: Vec<u16> = std::iter::once(3)
                .chain(block.columns.iter().map(|_| 2))
                .collect();
            let mut header = vec![Cell::text("信息内容")];
            header.extend(block.columns.iter().map(|c| Cell::text(c.label())));
            let mut t = Table::new(format!("二、主动公开政府信息情况 — {}", block.item))
                .sheet_name(format!("表二（{}）", i + 1))
                .widths(&widths)
                .header_row(vec![
                    Cell::text(block.item).span(block.columns.len() as u16 + 1, 1)
                ])
                .header_row(header);
            for &row in block.rows {
                let mut cells = vec![Cell::label(row.label(format), 0)];
                for &col in block.columns {
                    let v = r.table2.get(row, col).unwrap_or(0.0);
                    cells.push(match col {
                        Table2Column::FeeAmount | Table2Column::ProcurementAmount => {
                            Cell::decimal(v, 4)
                        }
                        _ => Cell::int(v.round() as i64),
                    });
                }
                t.push_row(cells);
            }
            t
        })
        .collect()
}

/// Table 三 as the standard lays it out: the 申请人情况 header over 自然人, the five kinds of
/// 法人或其他组织 and 总计; every row of the format, group headings included.
pub fn table3(r: &AnnualReport) -> Table {
    let format: ReportFormat = r.format;
    let mut widths = vec![8u16];
    widths.extend([2u16; 7]);
    let mut t = Table::new("三、收到和处理政府信息公开申请情况")
        .sheet_name("表三")
        .widths(&widths)
        .header_row(vec![
            Cell::text("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
                .span(1, 3),
            Cell::text("申请人情况").span(7, 1),
        ])
        .header_row(vec![
            Cell::text("自然人").span(1, 2),
            Cell::text("法人或其他组织").span(5, 1),
            Cell::text("总计").span(1, 2),
        ])
        .header_row(
            Table3Column::PARTS[1..]
                .iter()
                .map(|c| Cell::text(c.label()))
                .collect(),
        );
    for line in layout(format) {
        match line.row {
            None => t.push_row(vec![Cell::label(line.text, line.depth).span(8, 1).bold()]),
            Some(row) => {
                let mut cells = vec![Cell::label(line.text, line.depth)];
                for col in Table3Column::ALL {
                    cells.push(Cell::int(r.table3.get(row, col).unwrap_or(0)));
                }
                t.push_row(cells);
            }
        }
    }
    t
}

/// Table 四: 行政复议 and the two kinds of 行政诉讼, five columns each.
pub fn table4(r: &AnnualReport) -> Table {
    let labels = || Table4Column::ALL.iter().map(|c| Cell::text(c.label()));
    let mut second = labels().map(|c| c.span(1, 2)).collect::<Vec<_>>();
    second.push(Cell::text("未经复议直接起诉").span(5, 1));
    second.push(Cell::text("复议后起诉").span(5, 1));
    let mut third: Vec<Cell> = labels().collect();
    third.extend(labels());
    let mut body = Vec::new();
    for block in Table4Block::ALL {
        for col in Table4Column::ALL {
            body.push(Cell::int(r.table4.get(block, col)));
        }
    }
    Table::new("四、政府信息公开行政复议、行政诉讼情况")
        .sheet_name("表四")
        .header_row(vec![
            Cell::text("行政复议").span(5, 1),
            Cell::text("行政诉讼").span(10, 1),
        ])
        .header_row(second)
        .header_row(third)
        .row(body)
}

/// JSON of all tables and figures, for machines.
pub fn json(r: &AnnualReport) -> serde_json::Value {
    serde_json::json!({
        "title": title(r),
        "year": r.year,
        "scope": r.scope,
        "scope_name": r.scope_name,
        "format": r.format,
        "table2": r.table2,
        "table3": r.table3,
        "table4": r.table4,
        "figures": r.figures,
        "table2_sources": r.table2_sources,
        "notices": r.notices,
        "problems": r.problems().iter().map(|p| p.to_string()).collect::<Vec<_>>(),
    })
}

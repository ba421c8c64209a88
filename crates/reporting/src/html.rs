//! HTML: a fragment to embed in a portal page, or a whole standalone page. Tables carry their
//! caption, column headers (`scope="col"`, `colgroup` when spanning) and row headers
//! (`scope="row"`), so a screen reader can name every figure.

use std::fmt::Write;

use crate::{Block, Document, Table};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The document's body without the title (the embedding page shows the title as its own `h1`):
/// headings start at `h2`.
pub fn fragment(doc: &Document) -> String {
    let mut out = String::new();
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let h = (level + 1).min(6);
                let _ = writeln!(out, "<h{h}>{}</h{h}>", escape(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(out, "<p>{}</p>", escape(text));
            }
            Block::Table(t) => out.push_str(&table(t)),
        }
    }
    out
}

/// One table, wrapped in a scrolling box so a wide table never widens a phone's page.
pub fn table(t: &Table) -> String {
    let mut out = String::new();
    let Ok(grid) = t.grid() else {
        // `render` validates first; a caller embedding a bad table gets its caption, not a panic.
        let _ = writeln!(out, "<p>{}</p>", escape(&t.caption));
        return out;
    };
    out.push_str("<div class=\"doc-table\" role=\"region\" tabindex=\"0\" aria-label=\"");
    out.push_str(&escape(&t.caption));
    out.push_str("\">\n<table>\n");
    let _ = writeln!(out, "<caption>{}</caption>", escape(&t.caption));
    for row in 0..grid.rows {
        if row == 0 && grid.header_rows > 0 {
            out.push_str("<thead>\n");
        }
        if row == grid.header_rows {
            out.push_str("<tbody>\n");
        }
        out.push_str("<tr>");
        for p in grid.placed.iter().filter(|p| p.row == row) {
            let c = p.cell;
            let (tag, scope) = if p.header {
                ("th", if c.col_span > 1 { "colgroup" } else { "col" })
            } else if c.row_label {
                ("th", "row")
            } else {
                ("td", "")
            };
            let _ = write!(out, "<{tag}");
            if !scope.is_empty() {
                let _ = write!(out, " scope=\"{scope}\"");
            }
            if c.col_span > 1 {
                let _ = write!(out, " colspan=\"{}\"", c.col_span);
            }
            if c.row_span > 1 {
                let _ = write!(out, " rowspan=\"{}\"", c.row_span);
            }
            let mut classes = Vec::new();
            if c.value.is_number() {
                classes.push("num".to_string());
            }
            if c.indent > 0 {
                classes.push(format!("indent-{}", c.indent.min(3)));
            }
            if !classes.is_empty() {
                let _ = write!(out, " class=\"{}\"", classes.join(" "));
            }
            out.push('>');
            let text = escape(&c.value.display());
            if c.bold {
                let _ = write!(out, "<strong>{text}</strong>");
            } else {
                out.push_str(&text);
            }
            let _ = write!(out, "</{tag}>");
        }
        out.push_str("</tr>\n");
        if row + 1 == grid.header_rows {
            out.push_str("</thead>\n");
        }
    }
    if grid.rows > grid.header_rows {
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n</div>\n");
    out
}

/// The style a standalone page carries (the portal uses its own stylesheet instead).
const STYLE: &str = "body{font-family:\"Noto Serif CJK SC\",\"Songti SC\",SimSun,serif;\
max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1a1a1a}\
h1{text-align:center;font-size:1.6rem}.subtitle{text-align:center;color:#444}\
p{text-indent:2em}.doc-table{overflow-x:auto;margin:1rem 0}\
table{border-collapse:collapse;width:100%}caption{font-weight:bold;padding:.5rem}\
th,td{border:1px solid #555;padding:.25rem .5rem;text-align:center}\
th[scope=row]{text-align:left;font-weight:normal}.num{text-align:right}\
.indent-1{padding-left:1.5rem}.indent-2{padding-left:3rem}.indent-3{padding-left:4.5rem}";

/// A whole standalone page (for download and for `--format html`).
pub fn page(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(out, "<title>{}</title>", escape(&doc.title));
    let _ = writeln!(out, "<style>{STYLE}</style>\n</head>\n<body>\n<main>");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&doc.title));
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(out, "<p class=\"subtitle\">{}</p>", escape(s));
    }
    out.push_str(&fragment(doc));
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{sample, Cell};

    #[test]
    fn page_has_title_headings_and_scoped_headers() {
        let html = page(&sample());
        assert!(html.contains("<title>示范市2025年政府信息公开工作年度报告</title>"));
        assert!(html.contains("<h2>一、总体情况</h2>"));
        assert!(html.contains("<th scope=\"colgroup\" colspan=\"3\">申请人情况</th>"));
        assert!(html.contains("rowspan=\"2\""));
        assert!(html.contains("<th scope=\"row\">一、本年新收政府信息公开申请数量</th>"));
        assert!(html.contains("<td class=\"num\">0.50</td>"));
        assert_eq!(html.matches("<tr>").count(), 6);
    }

    #[test]
    fn text_is_escaped() {
        let mut doc = Document::new("<script>");
        doc.paragraph("a & b < c")
            .table(Table::new("\"x\"").header_row(vec![Cell::text("<b>")]));
        let html = page(&doc);
        assert!(!html.contains("<script>"));
        assert!(html.contains("a &amp; b &lt; c"));
        assert!(html.contains("&lt;b&gt;"));
    }
}

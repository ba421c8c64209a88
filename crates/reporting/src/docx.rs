//! DOCX with docx-rs: real Word tables (merged cells as `gridSpan` and `vMerge`), headings as
//! Word's heading styles so the navigation pane lists them, Chinese text in 宋体/黑体.

use std::io::Cursor;

use docx_rs::{
    AlignmentType, Docx, Paragraph, Run, RunFonts, SpecialIndentType, Style, StyleType, TableCell,
    TableRow, VAlignType, VMergeType, WidthType,
};

use crate::{Block, Document, ReportingError, Table};

/// Text width of an A4 page with Word's default margins, in twentieths of a point.
const TEXT_WIDTH: usize = 9000;
const BODY_FONT: &str = "宋体";
const HEADING_FONT: &str = "黑体";

fn run(text: &str, size_half_points: usize, bold: bool, font: &str) -> Run {
    let r = Run::new()
        .add_text(text)
        .size(size_half_points)
        .fonts(RunFonts::new().east_asia(font));
    if bold {
        r.bold()
    } else {
        r
    }
}

fn heading_style(level: u8) -> Style {
    let size = match level {
        1 => 32,
        2 => 28,
        _ => 24,
    };
    Style::new(format!("Heading{level}"), StyleType::Paragraph)
        .name(format!("heading {level}"))
        .size(size)
        .bold()
}

pub fn render(doc: &Document) -> Result<Vec<u8>, ReportingError> {
    let mut docx = Docx::new()
        .add_style(heading_style(1))
        .add_style(heading_style(2))
        .add_style(heading_style(3));
    docx = docx.add_paragraph(
        Paragraph::new()
            .add_run(run(&doc.title, 40, true, HEADING_FONT))
            .align(AlignmentType::Center),
    );
    if let Some(s) = &doc.subtitle {
        docx = docx.add_paragraph(
            Paragraph::new()
                .add_run(run(s, 24, false, BODY_FONT))
                .align(AlignmentType::Center),
        );
    }
    for block in &doc.blocks {
        docx = match block {
            Block::Heading { level, text } => {
                docx.add_paragraph(Paragraph::new().style(&format!("Heading{level}")).add_run(
                    run(text, 0, true, HEADING_FONT).size(match level {
                        1 => 32,
                        2 => 28,
                        _ => 24,
                    }),
                ))
            }
            Block::Paragraph(text) => docx.add_paragraph(
                Paragraph::new()
                    .add_run(run(text, 24, false, BODY_FONT))
                    .indent(None, Some(SpecialIndentType::FirstLine(480)), None, None),
            ),
            Block::Table(t) => {
                let caption = Paragraph::new()
                    .add_run(run(&t.caption, 24, true, HEADING_FONT))
                    .align(AlignmentType::Center);
                docx.add_paragraph(caption).add_table(table(t)?)
            }
        };
    }
    let mut buf = Cursor::new(Vec::new());
    docx.build()
        .pack(&mut buf)
        .map_err(|e| ReportingError::Docx(e.to_string()))?;
    Ok(buf.into_inner())
}

fn table(t: &Table) -> Result<docx_rs::Table, ReportingError> {
    let grid = t.grid()?;
    let weights = t.column_weights(grid.columns);
    let total: usize = weights.iter().map(|w| *w as usize).sum::<usize>().max(1);
    let widths: Vec<usize> = weights
        .iter()
        .map(|w| TEXT_WIDTH * *w as usize / total)
        .collect();
    let mut rows = Vec::with_capacity(grid.rows);
    for r in 0..grid.rows {
        let mut cells = Vec::new();
        let mut c = 0;
        while c < grid.columns {
            let Some((p, starts)) = grid.at(r, c) else {
                c += 1;
                continue;
            };
            let span = p.cell.col_span as usize;
            if p.col != c {
                // Covered by a column span already written in this row.
                c += 1;
                continue;
            }
            let width: usize = widths[c..c + span].iter().sum();
            let mut cell = TableCell::new()
                .width(width, WidthType::Dxa)
                .vertical_align(VAlignType::Center);
            if span > 1 {
                cell = cell.grid_span(span);
            }
            if starts {
                if p.cell.row_span > 1 {
                    cell = cell.vertical_merge(VMergeType::Restart);
                }
                let align = if p.cell.row_label {
                    AlignmentType::Left
                } else if p.cell.value.is_number() {
                    AlignmentType::Right
                } else {
                    AlignmentType::Center
                };
                let mut para = Paragraph::new()
                    .add_run(run(
                        &p.cell.value.display(),
                        21,
                        p.header || p.cell.bold,
                        BODY_FONT,
                    ))
                    .align(align);
                if p.cell.indent > 0 {
                    para = para.indent(Some(p.cell.indent as i32 * 420), None, None, None);
                }
                cell = cell.add_paragraph(para);
            } else {
                // The rows below a row span hold an empty continuation cell.
                cell = cell
                    .vertical_merge(VMergeType::Continue)
                    .add_paragraph(Paragraph::new());
            }
            cells.push(cell);
            c += span;
        }
        rows.push(TableRow::new(cells));
    }
    Ok(docx_rs::Table::new(rows).set_grid(widths))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;
    use crate::sample;

    fn document_xml(bytes: &[u8]) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name("word/document.xml")
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn docx_holds_a_real_table_with_merged_cells() {
        let xml = document_xml(&render(&sample()).unwrap());
        assert_eq!(xml.matches("<w:tbl>").count(), 1, "one Word table");
        assert_eq!(xml.matches("<w:tr>").count(), 6);
        assert!(xml.contains(r#"<w:gridSpan w:val="3" />"#), "column span");
        assert!(
            xml.contains(r#"<w:vMerge w:val="restart" />"#),
            "row span starts"
        );
        assert!(
            xml.contains(r#"<w:vMerge w:val="continue" />"#),
            "row span continues"
        );
        assert!(xml.contains("申请人情况"));
        assert!(xml.contains("示范市2025年政府信息公开工作年度报告"));
        assert!(
            xml.contains(r#"<w:pStyle w:val="Heading1" />"#),
            "headings use Word's styles"
        );
    }
}

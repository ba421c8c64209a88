//! XLSX with rust_xlsxwriter: one sheet per table, the caption on the first line, header rows
//! merged as in print, numbers as numbers (so a reader can sum them again).

use std::collections::HashSet;

use rust_xlsxwriter::{Format as CellFormat, FormatAlign, FormatBorder, Workbook, Worksheet};

use crate::{Document, Placed, ReportingError, Table, Value};

/// Excel's limit on a sheet name, and the characters it refuses in one.
const SHEET_NAME_MAX: usize = 31;
const SHEET_NAME_FORBIDDEN: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

pub fn render(doc: &Document) -> Result<Vec<u8>, ReportingError> {
    let mut wb = Workbook::new();
    let mut used = HashSet::new();
    let mut any = false;
    for (i, t) in doc.tables().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(t, i, &mut used))?;
        sheet(ws, t)?;
        any = true;
    }
    if !any {
        // A workbook needs a sheet; a document without tables gets its title.
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, &doc.title)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// A valid, unique sheet name from the table's sheet name or caption.
fn sheet_name(t: &Table, index: usize, used: &mut HashSet<String>) -> String {
    let wanted = t.sheet_name.as_deref().unwrap_or(&t.caption);
    let mut name: String = wanted
        .chars()
        .map(|c| {
            if SHEET_NAME_FORBIDDEN.contains(&c) {
                '_'
            } else {
                c
            }
        })
        .take(SHEET_NAME_MAX)
        .collect();
    let name_trimmed = name.trim_matches('\'').trim().to_string();
    name = if name_trimmed.is_empty() {
        format!("表{}", index + 1)
    } else {
        name_trimmed
    };
    let mut candidate = name.clone();
    let mut n = 2;
    while !used.insert(candidate.to_lowercase()) {
        let suffix = format!("({n})");
        let keep = SHEET_NAME_MAX - suffix.chars().count();
        candidate = format!("{}{suffix}", name.chars().take(keep).collect::<String>());
        n += 1;
    }
    candidate
}

fn cell_format(p: &Placed<'_>) -> CellFormat {
    let mut f = CellFormat::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    f = if p.cell.row_label {
        f.set_align(FormatAlign::Left)
    } else if p.cell.value.is_number() {
        f.set_align(FormatAlign::Right)
    } else {
        f.set_align(FormatAlign::Center)
    };
    if p.cell.indent > 0 {
        f = f.set_indent(p.cell.indent);
    }
    if p.header || p.cell.bold {
        f = f.set_bold();
    }
    if let Value::Decimal { places, .. } = p.cell.value {
        let pattern = if places == 0 {
            "0".to_string()
        } else {
            format!("0.{}", "0".repeat(places as usize))
        };
        f = f.set_num_format(pattern);
    }
    f
}

fn sheet(ws: &mut Worksheet, t: &Table) -> Result<(), ReportingError> {
    let grid = t.grid()?;
    let columns = grid.columns.max(1) as u16;
    // Line 0 is the caption across the table's width.
    let caption = CellFormat::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    if columns > 1 {
        ws.merge_range(0, 0, 0, columns - 1, &t.caption, &caption)?;
    } else {
        ws.write_string_with_format(0, 0, &t.caption, &caption)?;
    }
    let weights = t.column_weights(grid.columns);
    for (c, w) in weights.iter().enumerate() {
        ws.set_column_width(c as u16, (*w as f64 * 10.0).clamp(8.0, 60.0))?;
    }
    for p in &grid.placed {
        let row = p.row as u32 + 1;
        let col = p.col as u16;
        let fmt = cell_format(p);
        let last_row = row + p.cell.row_span as u32 - 1;
        let last_col = col + p.cell.col_span - 1;
        let merged = last_row > row || last_col > col;
        match &p.cell.value {
            Value::Integer(n) => {
                if merged {
                    ws.merge_range(row, col, last_row, last_col, "", &fmt)?;
                }
                ws.write_number_with_format(row, col, *n as f64, &fmt)?;
            }
            Value::Decimal { value, .. } => {
                if merged {
                    ws.merge_range(row, col, last_row, last_col, "", &fmt)?;
                }
                ws.write_number_with_format(row, col, *value, &fmt)?;
            }
            other => {
                let text = other.display();
                if merged {
                    ws.merge_range(row, col, last_row, last_col, &text, &fmt)?;
                } else {
                    ws.write_string_with_format(row, col, &text, &fmt)?;
                }
            }
        }
    }
    if grid.header_rows > 0 {
        ws.set_freeze_panes(grid.header_rows as u32 + 1, 0)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use super::*;
    use crate::sample;

    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name(name).unwrap().read_to_string(&mut xml).unwrap();
        xml
    }

    #[test]
    fn one_sheet_per_table_with_merges_and_numbers() {
        let mut doc = sample();
        doc.table(Table::new("第二张表").header_row(vec![crate::Cell::text("甲")]));
        let bytes = render(&doc).unwrap();
        let wb = part(&bytes, "xl/workbook.xml");
        assert!(wb.contains(r#"name="表三""#), "{wb}");
        assert!(wb.contains(r#"name="第二张表""#), "{wb}");
        let sheet = part(&bytes, "xl/worksheets/sheet1.xml");
        assert!(sheet.contains(r#"<mergeCell ref="A2:A3"/>"#), "{sheet}");
        assert!(sheet.contains(r#"<mergeCell ref="B2:D2"/>"#), "{sheet}");
        // 12 is stored as a number, not a string.
        assert!(sheet.contains("<v>12</v>"), "{sheet}");
    }

    #[test]
    fn sheet_names_are_made_valid_and_unique() {
        let mut used = HashSet::new();
        let t = Table::new("a/b:c[d]*e?f\\g一二三四五六七八九十一二三四五六七八九十");
        let a = sheet_name(&t, 0, &mut used);
        assert_eq!(a.chars().count(), 31);
        assert!(!a.contains(SHEET_NAME_FORBIDDEN));
        let b = sheet_name(&t, 1, &mut used);
        assert_ne!(a, b);
        assert!(b.ends_with("(2)") && b.chars().count() <= 31);
    }
}

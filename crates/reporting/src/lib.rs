//! Documents for print and download. A small document model — a title, headings, paragraphs and
//! tables whose cells may span rows and columns, as the annual report's tables need — and one
//! renderer per format: HTML (`html`), DOCX (`docx`, real Word tables), XLSX (`xlsx`, one sheet per
//! table) and PDF (`pdf`, typst in-process with the Noto CJK fonts found on the machine).
//!
//! The annual report (年度报告), the reply notice of a disclosure request (告知书) and the gazette
//! (政府公报) all build a [`Document`] and hand it to [`render`], so every format shows the same
//! content and none of them is written by hand twice.

pub mod chart;
#[cfg(feature = "docx")]
pub mod docx;
pub mod html;
#[cfg(feature = "pdf")]
pub mod pdf;
#[cfg(feature = "xlsx")]
pub mod xlsx;

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

/// Everything that can go wrong turning a document into bytes.
#[derive(Debug, thiserror::Error)]
pub enum ReportingError {
    /// A table whose rows and spans do not make a rectangle; names the table and row.
    #[error("table “{table}”, row {row}: {problem}")]
    BadTable {
        table: String,
        row: usize,
        problem: String,
    },
    /// The PDF renderer found no CJK font to typeset Chinese with.
    #[error(
        "PDF output needs the Noto CJK fonts (Debian package fonts-noto-cjk); none found in {searched}. \
         Install them (apt-get install fonts-noto-cjk) or point GONGKAI_FONT_DIR at a folder holding them"
    )]
    FontsMissing { searched: String },
    /// typst refused the generated markup (a bug here, not in the caller's data).
    #[error("PDF typesetting failed: {0}")]
    Typeset(String),
    #[error("DOCX output failed: {0}")]
    Docx(String),
    #[cfg(feature = "xlsx")]
    #[error("XLSX output failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// The binary was built without this format's renderer (a cargo feature of this crate).
    #[error("this build has no {0} renderer (gongkai-reporting feature `{0}`)")]
    NotBuilt(Format),
    #[error("unknown output format “{0}” (expected html, docx, pdf or xlsx)")]
    UnknownFormat(String),
}

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Html,
    Docx,
    Pdf,
    Xlsx,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Html, Format::Docx, Format::Pdf, Format::Xlsx];

    pub fn extension(self) -> &'static str {
        match self {
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Pdf => "pdf",
            Format::Xlsx => "xlsx",
        }
    }

    /// The media type to serve a download with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Html => "text/html; charset=utf-8",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Pdf => "application/pdf",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl FromStr for Format {
    type Err = ReportingError;

    fn from_str(s: &str) -> Result<Format, ReportingError> {
        Format::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(s))
            .ok_or_else(|| ReportingError::UnknownFormat(s.to_string()))
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.extension())
    }
}

/// Renders `doc` in `format`. HTML comes back as a whole standalone page.
pub fn render(doc: &Document, format: Format) -> Result<Vec<u8>, ReportingError> {
    doc.validate()?;
    match format {
        Format::Html => Ok(html::page(doc).into_bytes()),
        #[cfg(feature = "docx")]
        Format::Docx => docx::render(doc),
        #[cfg(feature = "pdf")]
        Format::Pdf => pdf::render(doc),
        #[cfg(feature = "xlsx")]
        Format::Xlsx => xlsx::render(doc),
        #[allow(unreachable_patterns)]
        other => Err(ReportingError::NotBuilt(other)),
    }
}

/// A document: a title, an optional line under it, then blocks in reading order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Document {
    pub title: String,
    /// Shown under the title (e.g. the publishing body and date).
    pub subtitle: Option<String>,
    pub blocks: Vec<Block>,
    /// The trappings of a printed edition (the gazette's); only the PDF shows them.
    pub print: Option<PrintEdition>,
}

/// 印刷版 — what a printed edition adds to a document: a cover page, a table of contents with
/// page numbers (built from the headings) and a running header on every page after the cover.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct PrintEdition {
    /// The cover's lines, largest first: e.g. the publication's name, the issue, the publisher.
    pub cover: Vec<String>,
    /// The running header, e.g. 示范市人民政府公报 2025年第3期.
    pub header: String,
}

impl Document {
    pub fn new(title: impl Into<String>) -> Document {
        Document {
            title: title.into(),
            subtitle: None,
            blocks: Vec::new(),
            print: None,
        }
    }

    /// Makes the PDF a printed edition: cover, contents with page numbers, running header.
    pub fn print_edition(mut self, edition: PrintEdition) -> Document {
        self.print = Some(edition);
        self
    }

    pub fn subtitle(mut self, s: impl Into<String>) -> Document {
        self.subtitle = Some(s.into());
        self
    }

    pub fn heading(&mut self, level: u8, text: impl Into<String>) -> &mut Document {
        self.blocks.push(Block::Heading {
            level: level.clamp(1, 3),
            text: text.into(),
        });
        self
    }

    pub fn paragraph(&mut self, text: impl Into<String>) -> &mut Document {
        self.blocks.push(Block::Paragraph(text.into()));
        self
    }

    pub fn table(&mut self, table: Table) -> &mut Document {
        self.blocks.push(Block::Table(table));
        self
    }

    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// Checks every table's shape, so no renderer meets a ragged table.
    pub fn validate(&self) -> Result<(), ReportingError> {
        for t in self.tables() {
            t.grid()?;
        }
        Ok(())
    }
}

/// A block of a document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A heading, level 1 to 3.
    Heading {
        level: u8,
        text: String,
    },
    /// A paragraph of plain text (no markup: every renderer escapes it).
    Paragraph(String),
    Table(Table),
}

/// A table: header rows, body rows. As in HTML, a row lists only the cells that start in it; a
/// cell spanning rows takes its place in the rows below.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Table {
    /// The table's title, shown above it (and the XLSX sheet's first line).
    pub caption: String,
    /// A short name for the XLSX sheet (at most 31 characters); defaults to the caption.
    pub sheet_name: Option<String>,
    pub header: Vec<Vec<Cell>>,
    pub body: Vec<Vec<Cell>>,
    /// Relative column widths; equal widths when empty.
    pub widths: Vec<u16>,
}

impl Table {
    pub fn new(caption: impl Into<String>) -> Table {
        Table {
            caption: caption.into(),
            ..Table::default()
        }
    }

    pub fn sheet_name(mut self, name: impl Into<String>) -> Table {
        self.sheet_name = Some(name.into());
        self
    }

    pub fn widths(mut self, widths: &[u16]) -> Table {
        self.widths = widths.to_vec();
        self
    }

    pub fn header_row(mut self, cells: Vec<Cell>) -> Table {
        self.header.push(cells);
        self
    }

    pub fn row(mut self, cells: Vec<Cell>) -> Table {
        self.body.push(cells);
        self
    }

    pub fn push_row(&mut self, cells: Vec<Cell>) {
        self.body.push(cells);
    }

    /// Places every cell on the grid, checking that the table is a rectangle: each row as wide as
    /// the first, no span reaching past the table's edge, no row span crossing from header to body.
    pub fn grid(&self) -> Result<Grid<'_>, ReportingError> {
        let rows: Vec<(&Vec<Cell>, bool)> = self
            .header
            .iter()
            .map(|r| (r, true))
            .chain(self.body.iter().map(|r| (r, false)))
            .collect();
        let bad = |row: usize, problem: String| ReportingError::BadTable {
            table: self.caption.clone(),
            row: row + 1,
            problem,
        };
        // taken[r] lists the columns of row r already covered by a row span from above.
        let mut taken: Vec<Vec<bool>> = vec![Vec::new(); rows.len()];
        let mut placed = Vec::new();
        let mut width: Option<usize> = None;
        for (r, (cells, in_header)) in rows.iter().enumerate() {
            let mut col = 0usize;
            for cell in cells.iter() {
                if cell.col_span == 0 || cell.row_span == 0 {
                    return Err(bad(r, "a cell spans zero rows or columns".into()));
                }
                while taken[r].get(col).copied().unwrap_or(false) {
                    col += 1;
                }
                let last_row = r + cell.row_span as usize - 1;
                if last_row >= rows.len() {
                    return Err(bad(r, "a cell spans rows past the end of the table".into()));
                }
                if *in_header && last_row >= self.header.len() {
                    return Err(bad(r, "a header cell spans into the body".into()));
                }
                for (rr, taken_row) in taken.iter_mut().enumerate().take(last_row + 1).skip(r) {
                    for c in col..col + cell.col_span as usize {
                        if taken_row.len() <= c {
                            taken_row.resize(c + 1, false);
                        }
                        if taken_row[c] {
                            return Err(bad(rr, format!("two cells overlap at column {}", c + 1)));
                        }
                        taken_row[c] = true;
                    }
                }
                placed.push(Placed {
                    row: r,
                    col,
                    cell,
                    header: *in_header,
                });
                col += cell.col_span as usize;
            }
            let filled = taken[r].iter().filter(|t| **t).count();
            if filled != taken[r].len() {
                return Err(bad(r, "a gap between cells".into()));
            }
            match width {
                None => width = Some(filled),
                Some(w) if w != filled => {
                    return Err(bad(r, format!("{filled} columns wide, the first row {w}")));
                }
                _ => {}
            }
        }
        let columns = width.unwrap_or(0);
        if !self.widths.is_empty() && self.widths.len() != columns {
            return Err(bad(
                0,
                format!(
                    "{} column widths given for {columns} columns",
                    self.widths.len()
                ),
            ));
        }
        Ok(Grid {
            rows: rows.len(),
            header_rows: self.header.len(),
            columns,
            placed,
        })
    }

    /// Relative widths, one per column (equal when none were given).
    pub fn column_weights(&self, columns: usize) -> Vec<u16> {
        if self.widths.len() == columns {
            self.widths.clone()
        } else {
            vec![1; columns]
        }
    }
}

/// A table laid out on its grid.
#[derive(Debug)]
pub struct Grid<'a> {
    pub rows: usize,
    pub header_rows: usize,
    pub columns: usize,
    /// Cells in reading order with the grid position of their top-left corner.
    pub placed: Vec<Placed<'a>>,
}

impl Grid<'_> {
    /// The cell covering grid position (row, col), and whether it starts there.
    pub fn at(&self, row: usize, col: usize) -> Option<(&Placed<'_>, bool)> {
        self.placed.iter().find_map(|p| {
            let covers = row >= p.row
                && row < p.row + p.cell.row_span as usize
                && col >= p.col
                && col < p.col + p.cell.col_span as usize;
            covers.then_some((p, row == p.row && col == p.col))
        })
    }
}

/// A cell at its place on the grid.
#[derive(Debug, Clone, Copy)]
pub struct Placed<'a> {
    pub row: usize,
    pub col: usize,
    pub cell: &'a Cell,
    pub header: bool,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cell {
    pub value: Value,
    pub col_span: u16,
    pub row_span: u16,
    /// A label naming its row (rendered as a row header, left-aligned).
    pub row_label: bool,
    /// Indent steps for nested row labels (（一） under 三、).
    pub indent: u8,
    pub bold: bool,
}

/// What a cell holds. Numbers stay numbers, so XLSX cells can be summed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    Text(String),
    Integer(i64),
    /// A decimal shown with `places` digits after the point (sums of money in 万元).
    Decimal {
        value: f64,
        places: u8,
    },
    Empty,
}

impl Value {
    /// The value as shown.
    pub fn display(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Integer(n) => n.to_string(),
            Value::Decimal { value, places } => format!("{value:.*}", *places as usize),
            Value::Empty => String::new(),
        }
    }

    pub fn is_number(&self) -> bool {
        matches!(self, Value::Integer(_) | Value::Decimal { .. })
    }
}

impl Cell {
    fn of(value: Value) -> Cell {
        Cell {
            value,
            col_span: 1,
            row_span: 1,
            row_label: false,
            indent: 0,
            bold: false,
        }
    }

    pub fn text(s: impl Into<String>) -> Cell {
        Cell::of(Value::Text(s.into()))
    }

    pub fn int(n: i64) -> Cell {
        Cell::of(Value::Integer(n))
    }

    pub fn decimal(value: f64, places: u8) -> Cell {
        Cell::of(Value::Decimal { value, places })
    }

    pub fn empty() -> Cell {
        Cell::of(Value::Empty)
    }

    /// A row label, indented `indent` steps.
    pub fn label(s: impl Into<String>, indent: u8) -> Cell {
        Cell {
            row_label: true,
            indent,
            ..Cell::text(s)
        }
    }

    pub fn span(mut self, cols: u16, rows: u16) -> Cell {
        self.col_span = cols;
        self.row_span = rows;
        self
    }

    pub fn bold(mut self) -> Cell {
        self.bold = true;
        self
    }
}

/// A small sample with every feature the renderers must handle: merged header cells across
/// rows and columns, row labels at two depths, integers and decimals. Used by the tests here
/// and by callers checking their own output.
pub fn sample() -> Document {
    let mut doc =
        Document::new("示范市2025年政府信息公开工作年度报告").subtitle("示范市人民政府办公室");
    doc.heading(1, "一、总体情况")
        .paragraph("2025年，示范市认真贯彻落实《中华人民共和国政府信息公开条例》，全年主动公开政府信息1234条。")
        .heading(1, "三、收到和处理政府信息公开申请情况");
    let table = Table::new("收到和处理政府信息公开申请情况")
        .sheet_name("表三")
        .widths(&[4, 1, 1, 1])
        .header_row(vec![
            Cell::text("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）")
                .span(1, 2),
            Cell::text("申请人情况").span(3, 1),
        ])
        .header_row(vec![
            Cell::text("自然人"),
            Cell::text("法人或其他组织"),
            Cell::text("总计"),
        ])
        .row(vec![
            Cell::label("一、本年新收政府信息公开申请数量", 0),
            Cell::int(10),
            Cell::int(2),
            Cell::int(12),
        ])
        .row(vec![Cell::label("三、本年度办理结果", 0).span(4, 1)])
        .row(vec![
            Cell::label("（一）予以公开", 1),
            Cell::int(7),
            Cell::int(1),
            Cell::int(8),
        ])
        .row(vec![
            Cell::label("收费金额（万元）", 1),
            Cell::decimal(0.5, 2),
            Cell::empty(),
            Cell::decimal(0.5, 2),
        ]);
    doc.table(table);
    doc.heading(2, "（一）说明")
        .paragraph("以上数据由平台根据办理记录自动生成。");
    doc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_places_spanned_cells() {
        let doc = sample();
        let t = doc.tables().next().unwrap();
        let g = t.grid().unwrap();
        assert_eq!((g.rows, g.header_rows, g.columns), (6, 2, 4));
        // Row 2 of the header starts at column 1: column 0 is taken by the row span above.
        let (p, starts) = g.at(1, 0).unwrap();
        assert!(!starts);
        assert_eq!(p.cell.row_span, 2);
        let (p, starts) = g.at(1, 1).unwrap();
        assert!(starts);
        assert_eq!(p.cell.value, Value::Text("自然人".into()));
        let (p, starts) = g.at(3, 2).unwrap();
        assert!(!starts);
        assert_eq!(p.cell.col_span, 4);
    }

    #[test]
    fn ragged_tables_are_refused_with_their_row() {
        let t = Table::new("坏表")
            .header_row(vec![Cell::text("a"), Cell::text("b")])
            .row(vec![Cell::int(1)]);
        let e = t.grid().unwrap_err().to_string();
        assert!(e.contains("坏表") && e.contains("row 2"), "{e}");

        let t = Table::new("跨越").header_row(vec![Cell::text("a").span(1, 2)]);
        assert!(t.grid().unwrap_err().to_string().contains("past the end"));

        let t = Table::new("表头")
            .header_row(vec![Cell::text("a").span(1, 2)])
            .row(vec![]);
        assert!(t.grid().unwrap_err().to_string().contains("into the body"));

        let t = Table::new("宽度")
            .widths(&[1, 2, 3])
            .header_row(vec![Cell::text("a")]);
        assert!(t.grid().is_err());
    }

    #[test]
    fn formats_parse_by_extension() {
        assert_eq!("PDF".parse::<Format>().unwrap(), Format::Pdf);
        assert!("odt"
            .parse::<Format>()
            .unwrap_err()
            .to_string()
            .contains("odt"));
    }

    #[test]
    fn values_display_as_printed() {
        assert_eq!(
            Value::Decimal {
                value: 12.5,
                places: 2
            }
            .display(),
            "12.50"
        );
        assert_eq!(Value::Integer(-3).display(), "-3");
    }
}

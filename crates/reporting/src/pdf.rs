//! PDF with typst, in-process: the document becomes typst markup (every text as a string
//! literal, so no input is ever read as markup), typeset with the Noto CJK fonts found on the
//! machine, fonts embedded (typst subsets and embeds every font it uses). Nothing is downloaded:
//! the fonts come from Debian's `fonts-noto-cjk` under /usr/share/fonts, or from the folders in
//! `GONGKAI_FONT_DIR` (separated by `:`).

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use typst::diag::{FileError, FileResult};
use typst::foundations::{Bytes, Datetime, Duration};
use typst::syntax::{FileId, Source};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};
use typst_layout::PagedDocument;

use crate::{Block, Document, ReportingError, Table};

const DEFAULT_FONT_DIRS: &[&str] = &["/usr/share/fonts", "/usr/local/share/fonts"];
const SERIF: &str = "Noto Serif CJK SC";
const SANS: &str = "Noto Sans CJK SC";

/// The fonts, loaded once per process: reading and parsing ~90 MB of font collections takes
/// longer than typesetting a report.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: OnceLock<Result<Arc<Fonts>, String>> = OnceLock::new();

fn font_dirs() -> Vec<PathBuf> {
    match std::env::var_os("GONGKAI_FONT_DIR") {
        Some(v) if !v.is_empty() => std::env::split_paths(&v).collect(),
        _ => DEFAULT_FONT_DIRS.iter().map(PathBuf::from).collect(),
    }
}

/// Font files of the Noto CJK families under `dir`, recursively.
fn find_cjk_fonts(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            find_cjk_fonts(&path, out);
            continue;
        }
        let name = entry.file_name().to_string_lossy().to_lowercase();
        let font_file = [".ttc", ".otf", ".ttf"].iter().any(|e| name.ends_with(e));
        if font_file && name.starts_with("noto") && name.contains("cjk") {
            out.push(path);
        }
    }
}

fn load_fonts() -> Result<Arc<Fonts>, String> {
    load_fonts_from(&font_dirs()).map(Arc::new)
}

/// Loads every Noto CJK font under `dirs`; `Err` lists the folders searched when none of them
/// holds a simplified-Chinese face.
fn load_fonts_from(dirs: &[PathBuf]) -> Result<Fonts, String> {
    let mut files = Vec::new();
    for d in dirs {
        find_cjk_fonts(d, &mut files);
    }
    files.sort();
    let mut fonts = Vec::new();
    for f in &files {
        let Ok(data) = std::fs::read(f) else { continue };
        fonts.extend(Font::iter(Bytes::new(data)));
    }
    let has_sc = fonts.iter().any(|f| {
        let family = f.info().family.to_lowercase();
        [SERIF, SANS].iter().any(|w| w.to_lowercase() == family)
    });
    if !has_sc {
        return Err(dirs
            .iter()
            .map(|d| d.display().to_string())
            .collect::<Vec<_>>()
            .join(", "));
    }
    Ok(Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    })
}

fn fonts() -> Result<Arc<Fonts>, ReportingError> {
    FONTS
        .get_or_init(load_fonts)
        .clone()
        .map_err(|searched| ReportingError::FontsMissing { searched })
}

/// Whether PDF output can work on this machine (the fonts are there).
pub fn available() -> bool {
    fonts().is_ok()
}

/// The world typst compiles in: one generated source, the standard library, the fonts; no
/// files, no packages, no network.
struct ReportWorld {
    library: LazyHash<Library>,
    fonts: Arc<Fonts>,
    source: Source,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.fonts.book
    }

    fn main(&self) -> FileId {
        self.source.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.source.id() {
            Ok(self.source.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn file(&self, _id: FileId) -> FileResult<Bytes> {
        Err(FileError::AccessDenied)
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.fonts.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<Duration>) -> Option<Datetime> {
        None
    }
}

pub fn render(doc: &Document) -> Result<Vec<u8>, ReportingError> {
    let fonts = fonts()?;
    let world = ReportWorld {
        library: LazyHash::new(Library::default()),
        fonts,
        source: Source::detached(markup(doc)?),
    };
    let document = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| ReportingError::Typeset(diagnostics(errors.iter())))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| ReportingError::Typeset(diagnostics(errors.iter())))
}

fn diagnostics<'a>(errors: impl Iterator<Item = &'a typst::diag::SourceDiagnostic>) -> String {
    errors
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// A typst string literal: the only way any document text enters the markup.
fn lit(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The typst source for `doc` (public for tests and for debugging a layout).
pub fn markup(doc: &Document) -> Result<String, ReportingError> {
    let mut m = String::new();
    let _ = writeln!(m, "#set document(title: {})", lit(&doc.title));
    m.push_str("#set page(paper: \"a4\", margin: (x: 2.4cm, y: 2.5cm), numbering: \"— 1 —\")\n");
    let _ = writeln!(
        m,
        "#set text(font: ({}, {}), size: 11pt, lang: \"zh\", region: \"cn\")",
        lit(SERIF),
        lit(SANS)
    );
    m.push_str(
        "#set par(justify: true, leading: 0.9em, first-line-indent: (amount: 2em, all: true))\n",
    );
    let _ = writeln!(
        m,
        "#show heading: set text(font: ({}, {}), weight: \"bold\", size: 13pt)",
        lit(SANS),
        lit(SERIF)
    );
    m.push_str("#show heading: set block(above: 1.4em, below: 0.9em)\n");
    m.push_str("#show table: set text(size: 9pt)\n");
    m.push_str("#show table: set par(first-line-indent: 0em, justify: false, leading: 0.6em)\n");
    if let Some(edition) = &doc.print {
        print_front_matter(&mut m, edition);
    }
    let _ = writeln!(
        m,
        "#align(center, text(size: 18pt, weight: \"bold\", font: ({},))[#{}])",
        lit(SANS),
        lit(&doc.title)
    );
    if let Some(s) = &doc.subtitle {
        let _ = writeln!(m, "#align(center)[#{}]", lit(s));
    }
    m.push_str("#v(1em)\n\n");
    for block in &doc.blocks {
        match block {
            Block::Heading { level, text } => {
                let _ = writeln!(m, "#heading(level: {level})[#{}]\n", lit(text));
            }
            Block::Paragraph(text) => {
                let _ = writeln!(m, "#{}\n", lit(text));
            }
            Block::Table(t) => table(&mut m, t)?,
        }
    }
    Ok(m)
}

/// The cover (no number, no header), then from page 1 the running header over a rule, and the
/// contents: typst's outline of the headings, with the page each starts on.
fn print_front_matter(m: &mut String, edition: &crate::PrintEdition) {
    m.push_str("#page(numbering: none, header: none)[\n#align(center + horizon)[\n");
    for (i, line) in edition.cover.iter().enumerate() {
        let size = match i {
            0 => 32,
            1 => 18,
            _ => 14,
        };
        let _ = writeln!(
            m,
            "#text(size: {size}pt, weight: \"bold\", font: ({},))[#{}]\n#v(1.5em)",
            lit(SANS),
            lit(line)
        );
    }
    m.push_str("]\n]\n");
    let _ = writeln!(
        m,
        "#set page(header: [#align(center, text(size: 9pt)[#{}]) #v(-0.6em) #line(length: 100%, stroke: 0.5pt)])",
        lit(&edition.header)
    );
    m.push_str("#counter(page).update(1)\n");
    let _ = writeln!(
        m,
        "#outline(title: [#{}], depth: 2, indent: auto)\n#pagebreak()\n",
        lit("目　录")
    );
}

fn table(m: &mut String, t: &Table) -> Result<(), ReportingError> {
    let grid = t.grid()?;
    let _ = writeln!(
        m,
        "#align(center, text(weight: \"bold\")[#{}])",
        lit(&t.caption)
    );
    let columns: Vec<String> = t
        .column_weights(grid.columns)
        .iter()
        .map(|w| format!("{w}fr"))
        .collect();
    let _ = writeln!(
        m,
        "#table(columns: ({},), stroke: 0.5pt, inset: 4pt,",
        columns.join(", ")
    );
    let cell = |p: &crate::Placed<'_>| {
        let c = p.cell;
        let align = if c.row_label {
            "left + horizon"
        } else if c.value.is_number() {
            "right + horizon"
        } else {
            "center + horizon"
        };
        let mut body = format!("#{}", lit(&c.value.display()));
        if p.header || c.bold {
            body = format!("#strong[{body}]");
        }
        if c.indent > 0 {
            body = format!("#pad(left: {}em)[{body}]", c.indent as f32 * 1.5);
        }
        format!(
            "  table.cell(colspan: {}, rowspan: {}, align: {align})[{body}],\n",
            c.col_span, c.row_span
        )
    };
    if grid.header_rows > 0 {
        m.push_str(" table.header(\n");
        for p in grid.placed.iter().filter(|p| p.header) {
            m.push_str(&cell(p));
        }
        m.push_str(" ),\n");
    }
    for p in grid.placed.iter().filter(|p| !p.header) {
        m.push_str(&cell(p));
    }
    m.push_str(")\n\n");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_enters_markup_only_as_string_literals() {
        assert_eq!(lit("a\"b\\c\n#x"), "\"a\\\"b\\\\c\\n#x\"");
        let mut doc = Document::new("#set page(width: 1cm) *bold* $x$");
        doc.paragraph("= not a heading");
        let m = markup(&doc).unwrap();
        assert!(m.contains("#\"= not a heading\""));
        assert!(!m.contains("\n= not"));
    }

    #[test]
    fn missing_fonts_are_a_clear_error() {
        let empty = tempfile::tempdir().unwrap();
        std::fs::write(empty.path().join("DejaVuSans.ttf"), b"not a CJK font").unwrap();
        let searched = load_fonts_from(&[empty.path().to_path_buf()])
            .err()
            .unwrap();
        let msg = ReportingError::FontsMissing { searched }.to_string();
        assert!(msg.contains("fonts-noto-cjk"), "{msg}");
        assert!(msg.contains(&empty.path().display().to_string()), "{msg}");
    }
}

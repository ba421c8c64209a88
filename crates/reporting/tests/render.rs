#![cfg(all(feature = "docx", feature = "xlsx", feature = "pdf"))]
//! Every renderer's output opened by an independent reader: `pdftotext` (poppler-utils) reads the
//! PDF's Chinese text back, `pdffonts` shows the fonts embedded, and LibreOffice opens the DOCX
//! and XLSX. The tools are installed by `scripts/test`; without them a local run skips these
//! checks with a note, and a CI run (CI=true) fails.

use std::path::Path;
use std::process::Command;

use gongkai_reporting::{render, sample, Format};

fn tool(name: &str) -> bool {
    let found = Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {name}"))
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !found {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "{name} is missing and CI=true (scripts/test installs it)"
        );
        eprintln!("skipping: {name} is not installed");
    }
    found
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("tool runs");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn pdf_text_holds_the_title_and_table_headers_with_fonts_embedded() {
    if !tool("pdftotext") || !tool("pdffonts") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("report.pdf");
    std::fs::write(&pdf, render(&sample(), Format::Pdf).unwrap()).unwrap();
    // Reading order without layout, whitespace removed: a table cell's text may wrap.
    let text = squeeze(&run(Command::new("pdftotext").arg(&pdf).arg("-")));
    for wanted in [
        "示范市2025年政府信息公开工作年度报告",
        "一、总体情况",
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "一、本年新收政府信息公开申请数量",
        "0.50",
    ] {
        assert!(
            text.contains(wanted),
            "“{wanted}” not in the PDF's text:\n{text}"
        );
    }
    let fonts = run(Command::new("pdffonts").arg(&pdf));
    // After two header lines, one line per font: name type… encoding emb sub uni object ID.
    let used: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!used.is_empty(), "no font in the PDF:\n{fonts}");
    assert!(
        fonts.contains("Noto"),
        "the Noto CJK fonts typeset it:\n{fonts}"
    );
    for line in used {
        let f: Vec<&str> = line.split_whitespace().collect();
        assert!(
            f.len() >= 6 && f[f.len() - 5] == "yes",
            "font not embedded: {line}"
        );
    }
}

#[test]
fn a_print_edition_has_a_cover_contents_with_page_numbers_and_running_headers() {
    if !tool("pdftotext") {
        return;
    }
    let mut doc = gongkai_reporting::Document::new("示范市人民政府公报 2025年第3期").print_edition(
        gongkai_reporting::PrintEdition {
            cover: vec![
                "示范市人民政府公报".into(),
                "2025年第3期".into(),
                "示范市人民政府办公室".into(),
            ],
            header: "示范市人民政府公报·2025年第3期".into(),
        },
    );
    doc.heading(1, "规章");
    doc.heading(2, "示范市校车安全管理办法");
    for n in 0..80 {
        doc.paragraph(format!(
            "第{n}条 校车应当按照核定的线路行驶，保障学生乘车安全。"
        ));
    }
    doc.heading(1, "行政规范性文件");
    doc.heading(2, "示范市老旧小区改造实施意见");
    doc.paragraph("为推进老旧小区改造，制定本意见。");
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("gazette.pdf");
    std::fs::write(&pdf, render(&doc, Format::Pdf).unwrap()).unwrap();
    let page = |n: u32| {
        squeeze(&run(Command::new("pdftotext")
            .args(["-f", &n.to_string(), "-l", &n.to_string()])
            .arg(&pdf)
            .arg("-")))
    };
    let cover = page(1);
    assert!(cover.contains("示范市人民政府公报") && cover.contains("2025年第3期"));
    assert!(
        !cover.contains("·"),
        "no running header on the cover: {cover}"
    );
    let contents = page(2);
    assert!(contents.contains("目录"), "{contents}");
    assert!(contents.contains("示范市校车安全管理办法"));
    // The second document starts on a later page than the first; the contents say which.
    let at = contents.find("示范市老旧小区改造实施意见").unwrap();
    let number: String = contents[at..]
        .chars()
        .skip("示范市老旧小区改造实施意见".chars().count())
        // Leaders, then the number as the pages print it (— 4 —).
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    let number: u32 = number
        .parse()
        .unwrap_or_else(|_| panic!("no page number: {contents}"));
    assert!(number > 2, "{contents}");
    // Every page after the cover carries the running header.
    assert!(page(3).contains("示范市人民政府公报·2025年第3期"));
    assert!(page(number + 1).contains("示范市老旧小区改造实施意见"));
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn libreoffice_converts(path: &Path, out_dir: &Path) -> String {
    run(Command::new("soffice")
        .arg("--headless")
        .arg("--norestore")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            out_dir.join("lo-profile").display()
        ))
        .arg("--convert-to")
        .arg("pdf")
        .arg("--outdir")
        .arg(out_dir)
        .arg(path));
    let pdf = out_dir.join(path.with_extension("pdf").file_name().unwrap());
    assert!(
        pdf.exists(),
        "LibreOffice made no PDF of {}",
        path.display()
    );
    squeeze(&run(Command::new("pdftotext").arg(&pdf).arg("-")))
}

#[test]
fn libreoffice_opens_the_docx_and_the_xlsx() {
    if !tool("soffice") || !tool("pdftotext") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for format in [Format::Docx, Format::Xlsx] {
        let path = dir.path().join(format!("report.{}", format.extension()));
        std::fs::write(&path, render(&sample(), format).unwrap()).unwrap();
        let text = libreoffice_converts(&path, dir.path());
        for wanted in ["申请人情况", "自然人", "一、本年新收政府信息公开申请数量"]
        {
            assert!(
                text.contains(wanted),
                "{format}: “{wanted}” missing after LibreOffice opened it:\n{text}"
            );
        }
        if format == Format::Docx {
            assert!(text.contains("示范市2025年政府信息公开工作年度报告"));
        }
    }
}

#[test]
fn html_page_is_whole_and_in_chinese() {
    let html = String::from_utf8(render(&sample(), Format::Html).unwrap()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("<caption>收到和处理政府信息公开申请情况</caption>"));
}

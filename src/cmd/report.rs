//! `gongkai report` — annual-report (政府信息公开工作年度报告) tools.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use gongkai_domain::report::{CheckFile, Scope};
use gongkai_storage::annual_report::{self, document};

use super::common::DataArgs;

#[derive(Debug, clap::Subcommand)]
pub enum ReportCmd {
    /// Lists every inconsistency in figures typed from a report (file shape: docs/report-check.md).
    Check {
        /// A JSON or TOML (by extension) check file, e.g. examples/report-check/huangshi-2018.json
        file: PathBuf,
    },
    /// Generates the annual report on a year from the platform's records (tables 二, 三, 四 and
    /// the figures), with the staff-written text of its draft if there is one.
    Annual {
        #[command(flatten)]
        data: DataArgs,
        /// The year reported on (2019 or later: the standard format).
        #[arg(long)]
        year: i32,
        /// city (全市), city-level (市本级), counties (县（市、区）) or org:CODE (an organisation and
        /// the organisations under it).
        #[arg(long, default_value = "city")]
        scope: String,
        /// html, docx, pdf, xlsx or json.
        #[arg(long)]
        format: String,
        /// Where to write the report.
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn run(cmd: ReportCmd) -> Result<()> {
    match cmd {
        ReportCmd::Check { file } => check(&file),
        ReportCmd::Annual {
            data,
            year,
            scope,
            format,
            out,
        } => annual(&data, year, &scope, &format, &out),
    }
}

fn check(file: &Path) -> Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let is_toml = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    let parsed = if is_toml {
        CheckFile::from_toml(&text)
    } else {
        CheckFile::from_json(&text)
    };
    let check = parsed.with_context(|| file.display().to_string())?;
    let found = check.check().with_context(|| file.display().to_string())?;
    if found.is_empty() {
        println!("{}: no inconsistencies", file.display());
        return Ok(());
    }
    for (n, i) in found.iter().enumerate() {
        println!("{}. {i}", n + 1);
    }
    bail!("{} inconsistencies in {}", found.len(), file.display())
}

fn annual(data: &DataArgs, year: i32, scope: &str, format: &str, out: &Path) -> Result<()> {
    let scope: Scope = scope.parse()?;
    // Parse the format before any work, so a typo fails at once.
    let format = match format {
        "json" => None,
        other => Some(other.parse::<gongkai_reporting::Format>()?),
    };
    let db = data.open()?;
    let mut conn = db.conn()?;
    let report = annual_report::compute(&mut conn, year, &scope)?;
    let sections = annual_report::draft(&mut conn, &scope, year)?
        .map(|d| d.sections())
        .unwrap_or_default();
    let bytes = match format {
        None => serde_json::to_vec_pretty(&document::json(&report))?,
        Some(f) => gongkai_reporting::render(&document::document(&report, &sections), f)?,
    };
    std::fs::write(out, &bytes).with_context(|| format!("cannot write {}", out.display()))?;
    for n in &report.notices {
        eprintln!("note: {n}");
    }
    let problems = report.problems();
    for p in &problems {
        eprintln!("inconsistent: {p}");
    }
    println!(
        "{}: {} ({} bytes)",
        out.display(),
        document::title(&report),
        bytes.len()
    );
    if !problems.is_empty() {
        bail!(
            "{} inconsistencies: this report cannot be published",
            problems.len()
        );
    }
    Ok(())
}

//! `gongkai report` — annual-report (政府信息公开工作年度报告) tools.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use gongkai_domain::report::CheckFile;

#[derive(Debug, clap::Subcommand)]
pub enum ReportCmd {
    /// Lists every inconsistency in figures typed from a report (file shape: docs/report-check.md).
    Check {
        /// A JSON or TOML (by extension) check file, e.g. examples/report-check/huangshi-2018.json
        file: PathBuf,
    },
}

pub fn run(cmd: ReportCmd) -> Result<()> {
    match cmd {
        ReportCmd::Check { file } => check(&file),
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

//! `gongkai report` — annual-report tools.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use gongkai_domain::report::figures::CheckFile;

#[derive(Debug, clap::Subcommand)]
pub enum ReportCmd {
    /// Lists every inconsistency in figures typed from a report (shape: docs/report-check.md).
    Check {
        /// A JSON check file, e.g. examples/report-check/huangshi-2018.json
        file: PathBuf,
    },
}

pub fn run(cmd: ReportCmd) -> Result<()> {
    match cmd {
        ReportCmd::Check { file } => {
            let text =
                std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let check = CheckFile::from_json(&text).with_context(|| file.display().to_string())?;
            let found = check.check()?;
            if found.is_empty() {
                println!("{}: no inconsistencies", file.display());
                return Ok(());
            }
            for (n, i) in found.iter().enumerate() {
                println!("{}. {i}", n + 1);
            }
            bail!("{} inconsistencies in {}", found.len(), file.display())
        }
    }
}

//! `gongkai import trading FILE` — public resource trading announcements from the trading
//! centre's own system, as JSON lines or CSV (docs/key-areas.md).

use std::path::Path;

use anyhow::{bail, Context, Result};
use gongkai_domain::trading::{parse_import, ImportFormat};
use gongkai_storage::{trading, Actor};

use super::common::DataArgs;

pub fn import(data: &DataArgs, file: &Path) -> Result<()> {
    let text = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {} (UTF-8 expected)", file.display()))?;
    let db = data.open()?;
    let mut conn = db.conn()?;
    let lines = parse_import(&text, ImportFormat::of_path(&file.to_string_lossy()));
    // The command line runs as the platform itself: any organisation may be named.
    let report = trading::import(&mut conn, &Actor::system("import"), lines, &|_| true)?;
    for (line, message) in &report.errors {
        eprintln!("{}:{line}: {message}", file.display());
    }
    println!(
        "imported {} new and {} updated announcements; {} bad lines",
        report.created,
        report.updated,
        report.errors.len()
    );
    if !report.errors.is_empty() {
        bail!(
            "{} lines were not imported (see above)",
            report.errors.len()
        );
    }
    Ok(())
}

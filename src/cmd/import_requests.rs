//! `gongkai import requests FILE.jsonl` — past 依申请公开 cases (schema: docs/import.md).

use std::path::PathBuf;

use anyhow::{bail, Result};
use gongkai_ingest::import::requests::import_requests_file;
use gongkai_storage::audit::Actor;

use super::common::DataArgs;

pub fn run(data: DataArgs, file: PathBuf) -> Result<()> {
    let db = data.open()?;
    let cal = gongkai_storage::calendar::effective(&mut *db.conn()?)?;
    let report = import_requests_file(&db, &file, &Actor::system("import"), &cal)?;
    for (line, message) in &report.errors {
        eprintln!("{}:{line}: {message}", file.display());
    }
    println!(
        "imported {} requests ({} new, {} updated, {} unchanged); {} bad lines",
        report.created + report.updated + report.unchanged,
        report.created,
        report.updated,
        report.unchanged,
        report.errors.len()
    );
    if !report.is_clean() {
        bail!(
            "{} lines were not imported (see above)",
            report.errors.len()
        );
    }
    Ok(())
}

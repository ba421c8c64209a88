//! `gongkai import items FILE.jsonl` and `gongkai export items` (schema: docs/import.md).

use std::io::Write;
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use gongkai_domain::workflow::ItemStatus;
use gongkai_ingest::export::{export_items, ExportFilter};
use gongkai_ingest::import::{import_items_file, ImportOptions};

use super::common::DataArgs;

#[derive(Debug, clap::Subcommand)]
pub enum ImportCmd {
    /// Imports catalogue items, one JSON object per line. Bad lines are reported with their line
    /// number and reason; good lines are still imported. Exits non-zero when any line was bad.
    Items {
        #[command(flatten)]
        data: DataArgs,
        file: PathBuf,
    },
    /// Imports past on-application disclosure requests (依申请公开 cases from an earlier system),
    /// one JSON object per line (docs/import.md). Re-importing the same file changes nothing.
    Requests {
        #[command(flatten)]
        data: DataArgs,
        file: PathBuf,
    },
    /// Imports public resource trading announcements (公共资源交易) from JSON lines or CSV (by
    /// the file's extension; schema in docs/key-areas.md). Bad lines are reported with their
    /// number and reason; good lines are still imported. Exits non-zero when any line was bad.
    Trading {
        #[command(flatten)]
        data: DataArgs,
        file: PathBuf,
    },
    /// Imports letters to the leader mailbox (领导信箱), one JSON object per line (fields of
    /// `gongkai_storage::mailbox::ImportLetter`); a re-run skips letters already present.
    Letters {
        #[command(flatten)]
        data: DataArgs,
        file: PathBuf,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum ExportCmd {
    /// Writes catalogue items as JSON lines (to stdout, or --output FILE).
    Items {
        #[command(flatten)]
        data: DataArgs,
        /// Only this site (slug).
        #[arg(long)]
        site: Option<String>,
        /// Only this organisation (code) and those below it.
        #[arg(long)]
        org: Option<String>,
        /// Only these states (e.g. published); repeatable.
        #[arg(long)]
        status: Vec<String>,
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

pub fn import(cmd: ImportCmd) -> Result<()> {
    let (data, file) = match cmd {
        ImportCmd::Items { data, file } => (data, file),
        ImportCmd::Requests { data, file } => return super::import_requests::run(data, file),
        ImportCmd::Trading { data, file } => return super::trading::import(&data, &file),
        ImportCmd::Letters { data, file } => return import_letters(&data, &file),
    };
    let db = data.open()?;
    let report = import_items_file(&db, &file, &ImportOptions::default(), true)?;
    for (line, message) in &report.errors {
        eprintln!("{}:{line}: {message}", file.display());
    }
    println!(
        "imported {} items; {} bad lines",
        report.imported,
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

pub fn export(cmd: ExportCmd) -> Result<()> {
    let ExportCmd::Items {
        data,
        site,
        org,
        status,
        output,
    } = cmd;
    let statuses = status
        .iter()
        .map(|s| s.parse::<ItemStatus>())
        .collect::<Result<Vec<_>, _>>()?;
    let db = data.open()?;
    let filter = ExportFilter {
        site,
        org,
        statuses,
    };
    let n = match output {
        Some(path) => {
            let mut f = std::io::BufWriter::new(
                std::fs::File::create(&path)
                    .with_context(|| format!("cannot create {}", path.display()))?,
            );
            let n = export_items(&db, &mut f, &filter)?;
            f.flush()?;
            n
        }
        None => {
            let stdout = std::io::stdout();
            let mut lock = stdout.lock();
            export_items(&db, &mut lock, &filter)?
        }
    };
    eprintln!("exported {n} items");
    Ok(())
}

fn import_letters(data: &DataArgs, file: &std::path::Path) -> Result<()> {
    let records = gongkai_ingest::letters::read_file(file)?;
    let db = data.open()?;
    let key = gongkai_storage::crypto::DataKey::load_or_create(&data.data)
        .context("cannot load the data key")?;
    let mut conn = db.conn()?;
    let s = gongkai_ingest::letters::import(&mut conn, &key, &records)?;
    println!(
        "imported {} letters ({} replied, {} published); {} already present",
        s.added, s.replied, s.published, s.already_present
    );
    Ok(())
}

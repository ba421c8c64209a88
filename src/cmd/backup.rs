//! `gongkai backup` / `gongkai restore` — a consistent copy of the whole database (items,
//! attachments, users, audit log: everything lives there). SQLite uses `VACUUM INTO`, which is
//! safe while the server runs; PostgreSQL uses `pg_dump`/`pg_restore` (custom format).

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use super::common::DataArgs;

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// File to write (refuses to overwrite).
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// A file written by `gongkai backup`.
    pub file: PathBuf,
    /// Replace the current database (required: restoring discards what is there). Stop the server first.
    #[arg(long)]
    pub replace: bool,
}

pub fn backup(args: BackupArgs) -> Result<()> {
    if args.file.exists() {
        bail!("{} exists; choose a new file name", args.file.display());
    }
    match &args.data.database_url {
        None => {
            let db = args.data.open()?;
            let mut conn = db.conn()?;
            gongkai_storage::backup::vacuum_into(&mut conn, &args.file)?;
        }
        Some(url) => {
            let status = Command::new("pg_dump")
                .args(["--format=custom", "--no-owner", "--file"])
                .arg(&args.file)
                .arg(url)
                .status()
                .context("cannot run pg_dump (install postgresql-client)")?;
            if !status.success() {
                bail!("pg_dump failed ({status})");
            }
        }
    }
    println!("backup written to {}", args.file.display());
    Ok(())
}

pub fn restore(args: RestoreArgs) -> Result<()> {
    if !args.replace {
        bail!("restoring replaces the current database; add --replace to confirm (stop the server first)");
    }
    if !args.file.is_file() {
        bail!("{} is not a file", args.file.display());
    }
    match &args.data.database_url {
        None => restore_sqlite(&args.file, &args.data.data)?,
        Some(url) => {
            let status = Command::new("pg_restore")
                .args([
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    "--dbname",
                ])
                .arg(url)
                .arg(&args.file)
                .status()
                .context("cannot run pg_restore (install postgresql-client)")?;
            if !status.success() {
                bail!("pg_restore failed ({status})");
            }
        }
    }
    // Opening runs any migrations newer than the backup.
    args.data.open()?;
    // The search index is derived: drop it so the next start rebuilds it from the restored data.
    let search = args.data.search_dir();
    if search.exists() {
        std::fs::remove_dir_all(&search)
            .with_context(|| format!("cannot remove {}", search.display()))?;
    }
    println!(
        "restored from {}; the search index will be rebuilt on the next start",
        args.file.display()
    );
    Ok(())
}

fn restore_sqlite(file: &Path, data: &Path) -> Result<()> {
    // Check it is a Gongkai database before touching anything.
    let probe = gongkai_storage::Database::connect(&file.to_string_lossy())
        .context("the backup is not a readable SQLite database")?;
    drop(probe);
    std::fs::create_dir_all(data)?;
    let target = data.join("gongkai.db");
    for suffix in ["-wal", "-shm"] {
        let side = data.join(format!("gongkai.db{suffix}"));
        if side.exists() {
            std::fs::remove_file(&side)?;
        }
    }
    std::fs::copy(file, &target).with_context(|| format!("cannot write {}", target.display()))?;
    Ok(())
}

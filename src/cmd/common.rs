//! Options shared by the commands that open the platform's data.

use std::path::PathBuf;

use anyhow::{Context, Result};
use gongkai_storage::Database;

#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// Data directory: the SQLite database (gongkai.db) and this node's search index live here.
    #[arg(long, env = "GONGKAI_DATA", default_value = "data")]
    pub data: PathBuf,
    /// PostgreSQL instead of the embedded SQLite, e.g. postgres://user@host:5432/gongkai.
    #[arg(long, env = "GONGKAI_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl DataArgs {
    /// Opens the database (running pending migrations).
    pub fn open(&self) -> Result<Database> {
        match &self.database_url {
            Some(url) => Database::connect(url)
                .with_context(|| "cannot open the PostgreSQL database".to_string()),
            None => Database::open_sqlite_in(&self.data).with_context(|| {
                format!("cannot open the SQLite database in {}", self.data.display())
            }),
        }
    }

    pub fn search_dir(&self) -> PathBuf {
        self.data.join("search")
    }
}

/// A progress bar in the house style (hidden when stderr is not a terminal).
pub fn progress_bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(len);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg:>10} [{bar:40}] {pos}/{len} ({eta})")
            .expect("valid template")
            .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

//! `gongkai demo` (and `serve --demo`) — load the demo city 示范市 (idempotent).

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use gongkai_ingest::demo::{load_demo_city_with, DemoOptions};
use gongkai_storage::Database;

use super::common::DataArgs;

#[derive(Debug, clap::Args)]
pub struct DemoArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Where the shared reference data lives (laws, policies).
    #[arg(long, env = "GONGKAI_SHARED")]
    pub shared: Option<PathBuf>,
    /// How many documents to make from the shared data.
    #[arg(long, default_value_t = 4000)]
    pub items: usize,
    /// Only organisations, sites, columns, subjects and staff: an empty city to import into.
    #[arg(long)]
    pub structure_only: bool,
}

/// The shared data directory: the one given, else `../shared` or `./shared` when present.
fn shared_dir(given: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = given {
        return Some(p.to_path_buf());
    }
    ["../shared", "shared"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.join("data").is_dir())
}

pub fn load_with(
    db: &Database,
    shared: Option<&Path>,
    items: usize,
    structure_only: bool,
) -> Result<()> {
    let shared = shared_dir(shared);
    let opts = DemoOptions {
        max_items: items,
        structure_only,
        ..DemoOptions::default()
    };
    let summary = load_demo_city_with(db, shared.as_deref(), true, &opts)
        .context("cannot load the demo city")?;
    print!("{summary}");
    Ok(())
}

pub fn load(db: &Database, shared: Option<&Path>) -> Result<()> {
    load_with(db, shared, DemoOptions::default().max_items, false)
}

pub fn run(args: DemoArgs) -> Result<()> {
    let db = args.data.open()?;
    load_with(&db, args.shared.as_deref(), args.items, args.structure_only)?;
    if !args.structure_only {
        let key = gongkai_storage::crypto::DataKey::load_or_create(&args.data.data)
            .context("cannot load the data key")?;
        load_letters(&db, &key, args.shared.as_deref(), args.items)?;
    }
    Ok(())
}

/// The demo city's 领导信箱: categories, routing rules, leaders and up to `max` real letters from
/// `shared/data/letters/` (idempotent). The writers' data is encrypted with this node's data key.
pub fn load_letters(
    db: &Database,
    key: &gongkai_storage::crypto::DataKey,
    shared: Option<&Path>,
    max: usize,
) -> Result<()> {
    let Some(shared) = shared_dir(shared) else {
        return Ok(());
    };
    let mut conn = db.conn()?;
    match gongkai_ingest::letters::load_demo(&mut conn, key, &shared, max)
        .context("cannot load the demo letters")?
    {
        Some(s) if s.added > 0 => println!(
            "领导信箱: {} letters imported ({} replied, {} published)",
            s.added, s.replied, s.published
        ),
        _ => {}
    }
    Ok(())
}

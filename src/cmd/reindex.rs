//! `gongkai reindex` — rebuild this node's search index from the database.

use anyhow::Result;

use super::common::{progress_bar, DataArgs};

#[derive(Debug, clap::Args)]
pub struct ReindexArgs {
    #[command(flatten)]
    pub data: DataArgs,
}

pub fn run(args: ReindexArgs) -> Result<()> {
    let db = args.data.open()?;
    let engine = gongkai_search::SearchEngine::open_or_create(&args.data.search_dir())?;
    let n = rebuild_with_progress(&db, &engine)?;
    println!("indexed {n} published items");
    Ok(())
}

/// Re-indexes every published item into `engine`, with a progress bar; returns how many.
pub fn rebuild_with_progress(
    db: &gongkai_storage::Database,
    engine: &gongkai_search::SearchEngine,
) -> Result<usize> {
    let mut conn = db.conn()?;
    let dir =
        gongkai_web::directory::Directory::load(&mut conn).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bar = progress_bar(0, "索引");
    let n = gongkai_web::search::rebuild(&mut conn, &dir, engine, &|done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    Ok(n)
}

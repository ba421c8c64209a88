//! `gongkai serve` — the web application: portal, back office, JSON API.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use gongkai_search::SearchEngine;
use gongkai_web::{AppState, Config};

use super::common::DataArgs;

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Address to listen on.
    #[arg(long, env = "GONGKAI_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Load the demo city (idempotent) before serving, and print its sign-in credentials.
    #[arg(long)]
    pub demo: bool,
    /// Where the shared reference data lives (laws, policies) for the demo city.
    #[arg(long, env = "GONGKAI_SHARED")]
    pub shared: Option<PathBuf>,
    /// Mark cookies Secure (set this when the site is served over HTTPS).
    #[arg(long, env = "GONGKAI_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Public address of the site, for permanent links (default: http://ADDR).
    #[arg(long, env = "GONGKAI_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP relay for the daily health digest, `smtp://[user:password@]host[:port]` (plain SMTP;
    /// unset: the digest stays in the back office only).
    #[arg(long, env = "GONGKAI_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// Sender of the digest mails, e.g. `网站健康 <noreply@example.gov.cn>`.
    #[arg(long, env = "GONGKAI_SMTP_FROM", default_value = "gongkai@localhost")]
    pub smtp_from: String,
}

/// Opens this node's search index and brings it in step with the database: a full rebuild when
/// the index is new, was unreadable, or has never recorded an outbox position.
pub fn open_search(data: &DataArgs, db: &gongkai_storage::Database) -> Result<Arc<SearchEngine>> {
    let engine =
        SearchEngine::open_or_create(&data.search_dir()).context("cannot open the search index")?;
    if let gongkai_search::OpenState::Recreated { reason } = engine.open_state() {
        eprintln!("search index was unreadable ({reason}); rebuilding it from the database");
    }
    if engine.open_state().needs_rebuild() || engine.applied_seq().is_none() {
        let n = super::reindex::rebuild_with_progress(db, &engine)?;
        eprintln!("search index rebuilt: {n} documents");
    }
    Ok(Arc::new(engine))
}

pub fn run(args: ServeArgs) -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,tantivy=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let db = args.data.open()?;
    if args.demo {
        super::demo::load(&db, args.shared.as_deref())?;
    }
    let search = open_search(&args.data, &db)?;
    // Personal data in requests is encrypted with this node's data key (GONGKAI_DATA_KEY, or a key
    // file created once in the data directory); every node of one platform needs the same key.
    let key = gongkai_storage::crypto::DataKey::load_or_create(&args.data.data)
        .context("cannot load the data key")?;
    if args.demo {
        super::demo::load_letters(&db, &key, args.shared.as_deref(), usize::MAX)?;
    }
    let state = AppState::with_data_key(
        db,
        Some(search),
        Config {
            secure_cookies: args.secure_cookies,
            public_url: args
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{}", args.addr))
                .trim_end_matches('/')
                .to_string(),
            smtp: args
                .smtp_url
                .clone()
                .filter(|u| !u.trim().is_empty())
                .map(|url| gongkai_web::health::SmtpConfig {
                    url,
                    from: args.smtp_from.clone(),
                }),
            ..Config::default()
        },
        key,
    );
    let rt = tokio::runtime::Runtime::new()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(args.addr)
            .await
            .with_context(|| format!("cannot listen on {}", args.addr))?;
        eprintln!(
            "Gongkai is serving on http://{}/  (back office: http://{}/admin)",
            args.addr, args.addr
        );
        gongkai_web::serve_on(state, listener).await?;
        Ok(())
    })
}

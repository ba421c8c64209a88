//! `search` — the search benchmark (issue 4, point 9). One run on one corpus: Gongkai's indexing
//! rate and index size; query latency in process and over HTTP (the real application in a child
//! process); throughput at concurrency 16; the child's resident memory while serving; the same
//! queries against SQLite FTS5 trigram and a LIKE scan; ratios; the targets. Prints a markdown
//! report and writes it to `<dir>/result-<docs>.md`.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use clap::Parser;
use gongkai_bench::metrics::{summarize, Latency};
use gongkai_bench::queries::{bench_queries, BenchQuery, QueryKind};
use gongkai_bench::sqlite::{Baseline, Mode};
use gongkai_bench::{corpus, engine, metrics};

#[derive(Parser, Debug)]
#[command(about = "Gongkai search benchmark (issue 4, point 9)")]
struct Args {
    /// Corpus size.
    #[arg(long, default_value_t = 100_000)]
    docs: usize,
    #[arg(long, default_value_t = corpus::DEFAULT_SEED)]
    seed: u64,
    /// Where corpora, indexes, baseline databases and results go (kept out of git).
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/data"))]
    dir: PathBuf,
    /// The shared data directory (default: GONGKAI_SHARED or ../shared).
    #[arg(long)]
    shared: Option<PathBuf>,
    /// Measured passes over the query set (after one warm-up pass).
    #[arg(long, default_value_t = 3)]
    passes: usize,
    /// Seconds of each throughput run.
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    /// Concurrency of the throughput runs.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Queries run against the LIKE scan (a spread sample of the set; it is slow by nature).
    /// Default: all up to 200,000 documents, 40 above.
    #[arg(long)]
    like_queries: Option<usize>,
    /// Skip the SQLite baselines.
    #[arg(long)]
    no_baselines: bool,
    /// Reuse an existing index and baseline database of this size instead of rebuilding.
    #[arg(long)]
    reuse: bool,
    /// Child mode: serve the index in this directory over HTTP.
    #[arg(long, hide = true)]
    serve: Option<PathBuf>,
}

fn main() -> Result<()> {
    let args = Args::parse();
    if let Some(dir) = &args.serve {
        return engine::serve(dir);
    }
    run(args)
}

fn by_kind(queries: &[BenchQuery], samples: &[(usize, Duration)]) -> BTreeMap<QueryKind, Latency> {
    let mut m: BTreeMap<QueryKind, Vec<Duration>> = BTreeMap::new();
    for (i, d) in samples {
        m.entry(queries[*i].kind).or_default().push(*d);
    }
    m.into_iter().map(|(k, v)| (k, summarize(&v))).collect()
}

fn all(samples: &[(usize, Duration)]) -> Latency {
    summarize(&samples.iter().map(|s| s.1).collect::<Vec<_>>())
}

fn fmt_lat(l: &Latency) -> String {
    format!(
        "{:.2} | {:.2} | {:.2} | {:.2}",
        l.p50_ms, l.p95_ms, l.p99_ms, l.max_ms
    )
}

fn run(args: Args) -> Result<()> {
    let shared = args.shared.clone().unwrap_or_else(corpus::shared_dir);
    let n = args.docs;
    let mut report = String::new();
    let mut out = |line: String| {
        println!("{line}");
        report.push_str(&line);
        report.push('\n');
    };
    let started_all = Instant::now();
    let t = Instant::now();
    let corpus_path = corpus::ensure_corpus(&args.dir, &shared, n, args.seed)?;
    eprintln!(
        "corpus ready in {:.1}s: {}",
        t.elapsed().as_secs_f64(),
        corpus_path.display()
    );

    // --- Gongkai: index ---------------------------------------------------------------------
    let idx = args.dir.join(format!("index-{n}"));
    let build = if args.reuse && idx.exists() {
        None
    } else {
        eprintln!("indexing {n} documents…");
        Some(engine::build_index(&corpus_path, n, &idx)?)
    };
    let index_mib = metrics::dir_mib(&idx);

    // --- the query set, from the first 100,000 documents --------------------------------------
    let mut sample = vec![];
    corpus::read_corpus(&corpus_path, 10_000, n.min(100_000), |batch| {
        sample.extend(
            batch
                .into_iter()
                .enumerate()
                .filter(|(i, d)| i % 7 == 0 || d.doc_number.is_some())
                .map(|(_, d)| d),
        );
        Ok(())
    })?;
    let queries = bench_queries(&sample, args.seed);
    drop(sample);
    eprintln!("{} queries", queries.len());

    // --- Gongkai in process ---------------------------------------------------------------------
    let eng = Arc::new(engine::open(&idx)?);
    if eng.doc_count() as usize != n {
        bail!(
            "index holds {} documents, not {n}; run without --reuse",
            eng.doc_count()
        );
    }
    let mut zero = 0;
    for q in &queries {
        let (_, total) = engine::search(&eng, q, 10)?;
        if total == 0 {
            zero += 1;
        }
    }
    let mut inproc = vec![];
    for _ in 0..args.passes {
        for (i, q) in queries.iter().enumerate() {
            let req = engine::request(q, 10)?;
            let t = Instant::now();
            let r = eng.search(&req)?;
            inproc.push((i, t.elapsed()));
            std::hint::black_box(r);
        }
    }
    let inproc_qps = {
        let count = Arc::new(AtomicU64::new(0));
        let deadline = Instant::now() + Duration::from_secs(args.seconds);
        let reqs: Arc<Vec<_>> = Arc::new(
            queries
                .iter()
                .map(|q| engine::request(q, 10))
                .collect::<Result<_>>()?,
        );
        let threads: Vec<_> = (0..args.concurrency)
            .map(|t| {
                let (eng, count, reqs) = (eng.clone(), count.clone(), reqs.clone());
                std::thread::spawn(move || {
                    let mut i = t * 17;
                    while Instant::now() < deadline {
                        let _ = eng.search(&reqs[i % reqs.len()]);
                        count.fetch_add(1, Ordering::Relaxed);
                        i += 1;
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("query thread");
        }
        count.load(Ordering::Relaxed) as f64 / args.seconds as f64
    };
    let inproc_rss = metrics::rss_mib(std::process::id());
    drop(eng);

    // --- Gongkai over HTTP (a child process serving the index) -----------------------------------
    let mut child = std::process::Command::new(std::env::current_exe()?)
        .arg("--serve")
        .arg(&idx)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .context("start the serving child")?;
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().expect("child stdout")).read_line(&mut line)?;
    let addr = line
        .trim()
        .strip_prefix("listening ")
        .with_context(|| format!("child said {line:?}"))?
        .to_string();
    let base = format!("http://{addr}");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let paths: Arc<Vec<String>> =
        Arc::new(queries.iter().map(|q| engine::api_path(q, 10)).collect());
    let http = rt.block_on(async {
        let client = reqwest::Client::new();
        let mut samples = vec![];
        for pass in 0..=args.passes {
            for (i, p) in paths.iter().enumerate() {
                let t = Instant::now();
                let r = client.get(format!("{base}{p}")).send().await?;
                let status = r.status();
                let _ = r.bytes().await?;
                if !status.is_success() {
                    bail!("{p}: HTTP {status}");
                }
                if pass > 0 {
                    samples.push((i, t.elapsed()));
                }
            }
        }
        let count = Arc::new(AtomicU64::new(0));
        let deadline = Instant::now() + Duration::from_secs(args.seconds);
        let mut tasks = vec![];
        for t in 0..args.concurrency {
            let (client, count, paths, base) =
                (client.clone(), count.clone(), paths.clone(), base.clone());
            tasks.push(tokio::spawn(async move {
                let mut i = t * 17;
                while Instant::now() < deadline {
                    if let Ok(r) = client
                        .get(format!("{base}{}", paths[i % paths.len()]))
                        .send()
                        .await
                    {
                        let _ = r.bytes().await;
                    }
                    count.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            }));
        }
        for t in tasks {
            t.await?;
        }
        let qps = count.load(Ordering::Relaxed) as f64 / args.seconds as f64;
        Ok::<_, anyhow::Error>((samples, qps))
    });
    let serving_rss = metrics::rss_mib(child.id());
    let _ = child.kill();
    let _ = child.wait();
    let (http_samples, http_qps) = http?;

    // --- baselines ------------------------------------------------------------------------------
    let mut fts = vec![];
    let mut like = vec![];
    let mut baseline_build = None;
    let mut baseline_mib = (0.0, 0.0);
    let like_n = args
        .like_queries
        .unwrap_or(if n <= 200_000 { queries.len() } else { 40 });
    if !args.no_baselines {
        let db_path = args.dir.join(format!("baseline-{n}.db"));
        let b = if args.reuse && db_path.exists() {
            Baseline::open(&db_path)?
        } else {
            eprintln!("building the SQLite baseline…");
            let (b, times) = Baseline::build(&db_path, &corpus_path, n)?;
            baseline_mib = (times.table_mib, times.total_mib);
            baseline_build = Some(times);
            b
        };
        eprintln!("FTS5 queries…");
        for (i, q) in queries.iter().enumerate() {
            let t = Instant::now();
            std::hint::black_box(b.search(Mode::Fts5Trigram, q, 10)?);
            fts.push((i, t.elapsed()));
        }
        eprintln!("LIKE queries ({like_n})…");
        let step = (queries.len() / like_n.max(1)).max(1);
        for (i, q) in queries.iter().enumerate().step_by(step).take(like_n) {
            let t = Instant::now();
            std::hint::black_box(b.search(Mode::LikeScan, q, 10)?);
            like.push((i, t.elapsed()));
        }
    }

    // --- report ---------------------------------------------------------------------------------
    let g = all(&inproc);
    let h = all(&http_samples);
    out(format!("### {n} documents (seed {})", args.seed));
    out(String::new());
    out(format!(
        "Run {} on {} ({} cores); {} queries ({} with no result), {} measured passes after one warm-up; top 10 with total and facets; facet cache off.",
        chrono::Utc::now().format("%Y-%m-%d %H:%M UTC"),
        std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default().trim(),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        queries.len(),
        zero,
        args.passes,
    ));
    out(String::new());
    out("| measure | Gongkai | target |".into());
    out("|---|---|---|".into());
    if let Some(b) = &build {
        out(format!(
            "| indexing (upsert + commit) | {:.0} docs/s ({:.1} s) | ≥ 5,000 docs/s |",
            b.docs as f64 / b.indexed.as_secs_f64(),
            b.indexed.as_secs_f64()
        ));
        out(format!(
            "| indexing incl. final merges | {:.0} docs/s ({:.1} s) | |",
            b.docs as f64 / b.merged.as_secs_f64(),
            b.merged.as_secs_f64()
        ));
    }
    out(format!("| index size | {index_mib:.0} MiB | |"));
    out(format!(
        "| in-process p50 / p95 / p99 / max (ms) | {} | p50 ≤ 2, p99 ≤ 15 |",
        fmt_lat(&g).replace(" | ", " / ")
    ));
    out(format!(
        "| HTTP p50 / p95 / p99 / max (ms) | {} | p99 ≤ 25 |",
        fmt_lat(&h).replace(" | ", " / ")
    ));
    out(format!(
        "| throughput, {} concurrent, in process | {inproc_qps:.0} queries/s | |",
        args.concurrency
    ));
    out(format!(
        "| throughput, {} concurrent, HTTP | {http_qps:.0} queries/s | |",
        args.concurrency
    ));
    if let Some((rss, hwm)) = serving_rss {
        out(format!(
            "| server RSS after the HTTP runs (peak) | {rss:.0} MiB ({hwm:.0} MiB) | ≤ 1 GiB |"
        ));
    }
    if let Some((rss, _)) = inproc_rss {
        out(format!(
            "| bench process RSS after in-process runs | {rss:.0} MiB | |"
        ));
    }
    out(String::new());
    out("Latency by query type, in process (ms):".into());
    out(String::new());
    out("| type | n | p50 | p95 | p99 | max |".into());
    out("|---|---|---|---|---|---|".into());
    for (k, l) in by_kind(&queries, &inproc) {
        out(format!("| {} | {} | {} |", k.label(), l.n, fmt_lat(&l)));
    }
    if !fts.is_empty() {
        let f = all(&fts);
        let l = all(&like);
        out(String::new());
        out(
            "Baselines (same queries, same machine, one pass; LIKE on an evenly spread sample):"
                .into(),
        );
        out(String::new());
        out("| engine | queries | p50 | p95 | p99 | max | p50 ratio | p99 ratio |".into());
        out("|---|---|---|---|---|---|---|---|".into());
        out(format!(
            "| Gongkai (in process) | {} | {} | 1 | 1 |",
            g.n,
            fmt_lat(&g)
        ));
        out(format!(
            "| SQLite FTS5 trigram | {} | {} | {:.0}× | {:.0}× |",
            f.n,
            fmt_lat(&f),
            f.p50_ms / g.p50_ms,
            f.p99_ms / g.p99_ms
        ));
        let like_g = summarize(
            &inproc
                .iter()
                .filter(|(i, _)| like.iter().any(|(j, _)| j == i))
                .map(|s| s.1)
                .collect::<Vec<_>>(),
        );
        out(format!(
            "| LIKE '%…%' scan | {} | {} | {:.0}× | {:.0}× |",
            l.n,
            fmt_lat(&l),
            l.p50_ms / like_g.p50_ms,
            l.p99_ms / like_g.p99_ms
        ));
        if let Some(b) = &baseline_build {
            out(String::new());
            out(format!(
                "SQLite load {:.1} s, FTS5 build {:.1} s ({:.0} docs/s for both); table {:.0} MiB, with the FTS5 index {:.0} MiB.",
                b.load.as_secs_f64(),
                b.fts.as_secs_f64(),
                n as f64 / (b.load + b.fts).as_secs_f64(),
                baseline_mib.0,
                baseline_mib.1
            ));
        }
        out(String::new());
        out("FTS5 by query type (ms):".into());
        out(String::new());
        out("| type | n | p50 | p95 | p99 | max |".into());
        out("|---|---|---|---|---|---|".into());
        for (k, l) in by_kind(&queries, &fts) {
            out(format!("| {} | {} | {} |", k.label(), l.n, fmt_lat(&l)));
        }
        out(String::new());
        let ratio = f.p99_ms / g.p99_ms;
        out(format!(
            "Targets: p50 ≤ 2 ms {}; p99 ≤ 15 ms {}; HTTP p99 ≤ 25 ms {}; ≥ 20× FTS5 at p99 {} ({ratio:.0}×); indexing ≥ 5,000 docs/s {}; RSS ≤ 1 GiB {}.",
            mark(g.p50_ms <= 2.0),
            mark(g.p99_ms <= 15.0),
            mark(h.p99_ms <= 25.0),
            mark(ratio >= 20.0),
            build.as_ref().map(|b| mark(b.docs as f64 / b.indexed.as_secs_f64() >= 5_000.0)).unwrap_or("(not rebuilt)"),
            serving_rss.map(|r| mark(r.0 <= 1024.0)).unwrap_or("?"),
        ));
    }
    out(String::new());
    out(format!(
        "Whole run: {:.0} s.",
        started_all.elapsed().as_secs_f64()
    ));
    std::fs::write(args.dir.join(format!("result-{n}.md")), &report)?;
    Ok(())
}

fn mark(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "**missed**"
    }
}

//! `relevance` — the relevance evaluation (issue 4, point 10): a judged set of known-item
//! queries built from the corpus (a title's key words → that law, a short title → the law, a 文号
//! → its document), MRR@10 and nDCG@10 for Gongkai, SQLite FTS5 trigram and a LIKE scan. Reuses
//! the index and baseline database of `search` when they hold the corpus, else builds them.
//! Prints a markdown report and writes it to `<dir>/relevance-<docs>.md`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use anyhow::Result;
use clap::Parser;
use gongkai_bench::metrics::{ndcg, reciprocal_rank};
use gongkai_bench::queries::{judged_set, Judged, QueryKind};
use gongkai_bench::sqlite::{Baseline, Mode};
use gongkai_bench::{corpus, engine};

#[derive(Parser, Debug)]
#[command(about = "Gongkai relevance evaluation (issue 4, point 10)")]
struct Args {
    #[arg(long, default_value_t = 100_000)]
    docs: usize,
    #[arg(long, default_value_t = corpus::DEFAULT_SEED)]
    seed: u64,
    #[arg(long, default_value = concat!(env!("CARGO_MANIFEST_DIR"), "/data"))]
    dir: PathBuf,
    #[arg(long)]
    shared: Option<PathBuf>,
    /// List every query Gongkai does not answer with the document at rank 1.
    #[arg(long)]
    misses: bool,
}

#[derive(Default, Clone, Copy)]
struct Score {
    n: usize,
    rr: f64,
    ndcg: f64,
    top1: usize,
}

impl Score {
    fn add(&mut self, rr: f64, nd: f64) {
        self.n += 1;
        self.rr += rr;
        self.ndcg += nd;
        if rr == 1.0 {
            self.top1 += 1;
        }
    }
    fn mrr(&self) -> f64 {
        self.rr / self.n.max(1) as f64
    }
    fn ndcg(&self) -> f64 {
        self.ndcg / self.n.max(1) as f64
    }
}

fn main() -> Result<()> {
    let args = Args::parse();
    let shared = args.shared.clone().unwrap_or_else(corpus::shared_dir);
    let n = args.docs;
    let corpus_path = corpus::ensure_corpus(&args.dir, &shared, n, args.seed)?;

    let idx = args.dir.join(format!("index-{n}"));
    let reusable = idx.exists()
        && engine::open(&idx)
            .map(|e| e.doc_count() as usize == n)
            .unwrap_or(false);
    if !reusable {
        eprintln!("indexing {n} documents…");
        engine::build_index(&corpus_path, n, &idx)?;
    }
    let eng = engine::open(&idx)?;
    let db_path = args.dir.join(format!("baseline-{n}.db"));
    let base = match Baseline::open(&db_path) {
        Ok(b) if b.doc_count().map(|c| c as usize == n).unwrap_or(false) => b,
        _ => {
            eprintln!("building the SQLite baseline…");
            Baseline::build(&db_path, &corpus_path, n)?.0
        }
    };

    let laws = corpus::load_laws(&shared)?;
    let law_docs: Vec<(String, String, Option<String>)> = laws
        .iter()
        .enumerate()
        .take(n)
        .map(|(i, l)| (format!("item:{i}"), l.title.clone(), l.short_title.clone()))
        .collect();
    let mut docs = vec![];
    corpus::read_corpus(&corpus_path, 10_000, n, |batch| {
        docs.extend(batch.into_iter().map(|d| (d.id, d.title, d.doc_number)));
        Ok(())
    })?;
    let judged: Vec<Judged> = judged_set(&law_docs, &docs, args.seed);
    drop(docs);
    eprintln!("{} judged queries", judged.len());

    let systems = ["Gongkai", "SQLite FTS5 trigram", "LIKE '%…%' scan"];
    let mut scores: BTreeMap<(usize, Option<QueryKind>), Score> = BTreeMap::new();
    let mut misses = vec![];
    for j in &judged {
        for (s, _) in systems.iter().enumerate() {
            let ids = match s {
                0 => engine::search(&eng, &j.query, 10)?.0,
                1 => base.search(Mode::Fts5Trigram, &j.query, 10)?.0,
                _ => base.search(Mode::LikeScan, &j.query, 10)?.0,
            };
            let rr = reciprocal_rank(&ids, &j.grades, 2, 10);
            let nd = ndcg(&ids, &j.grades, 10);
            scores
                .entry((s, Some(j.query.kind)))
                .or_default()
                .add(rr, nd);
            scores.entry((s, None)).or_default().add(rr, nd);
            if s == 0 && rr < 1.0 {
                misses.push(format!(
                    "{:?} {} → {:?} (rr {rr:.2})",
                    j.query.kind,
                    j.query.q,
                    &ids[..ids.len().min(3)]
                ));
            }
        }
    }
    let mut report = String::new();
    let mut out = |l: String| {
        println!("{l}");
        report.push_str(&l);
        report.push('\n');
    };
    out(format!("### Relevance, {n} documents (seed {})", args.seed));
    out(String::new());
    out(format!(
        "{} judged known-item queries. Grade 2: the document looked for (every version of a law; every document with that 文号); grade 1: an article of that law. MRR@10 counts the first grade-2 result; nDCG@10 uses both grades.",
        judged.len()
    ));
    out(String::new());
    out("| system | query type | n | MRR@10 | nDCG@10 | rank 1 |".into());
    out("|---|---|---|---|---|---|".into());
    for (s, name) in systems.iter().enumerate() {
        for kind in [
            None,
            Some(QueryKind::TitleKeyWords),
            Some(QueryKind::ShortTitle),
            Some(QueryKind::DocNumber),
        ] {
            let Some(sc) = scores.get(&(s, kind)) else {
                continue;
            };
            out(format!(
                "| {name} | {} | {} | {:.3} | {:.3} | {} |",
                kind.map(|k| k.label()).unwrap_or("**all**"),
                sc.n,
                sc.mrr(),
                sc.ndcg(),
                sc.top1
            ));
        }
    }
    let g = scores[&(0, None)].mrr();
    let best_baseline = scores[&(1, None)].mrr().max(scores[&(2, None)].mrr());
    out(String::new());
    out(format!(
        "Target MRR@10 ≥ 0.90 and above both baselines: {} (Gongkai {g:.3}, best baseline {best_baseline:.3}).",
        if g >= 0.90 && g > best_baseline { "met" } else { "**missed**" }
    ));
    if args.misses {
        for m in &misses {
            eprintln!("miss: {m}");
        }
    }
    std::fs::write(args.dir.join(format!("relevance-{n}.md")), &report)?;
    Ok(())
}

//! `bench/report` (issue 7): the time to produce the annual report's tables (as JSON) and its PDF
//! for a year of a large city — by default 1,000,000 catalogue items and 100,000 requests over two
//! years — against the same counts made by plain SQL `GROUP BY` queries in the same run, on the
//! same SQLite database. Targets: tables under 1 s, PDF under 3 s.
//!
//! The data is generated in a temporary directory: a city of 1 government, 40 departments and 10
//! counties with 5 townships each; items spread evenly over two years, organisations, genres and
//! channels; requests over applicant types and every outcome, some still open. Prints a markdown
//! table; copy it into docs/benchmarks.md with the command.

use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use chrono::NaiveDate;
use clap::Parser;
use diesel::prelude::*;
use diesel::sql_query;
use gongkai_domain::org::{org_code_with_check, OrgKind, OrgLevel};
use gongkai_domain::report::Scope;
use gongkai_domain::request::{ApplicantType, Outcome};
use gongkai_storage::annual_report::{self, document};
use gongkai_storage::schema::disclosure_requests as r;
use gongkai_storage::{AnyConnection, Database};

#[derive(Parser)]
struct Args {
    /// Catalogue items over the two years.
    #[arg(long, default_value_t = 1_000_000)]
    items: i64,
    /// Requests over the two years.
    #[arg(long, default_value_t = 100_000)]
    requests: i64,
    /// Timed repetitions of each measurement (the median is reported).
    #[arg(long, default_value_t = 3)]
    passes: usize,
    /// Keep the generated database in this directory (for looking at query plans).
    #[arg(long)]
    keep: Option<std::path::PathBuf>,
}

const YEAR: i32 = 2025;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn time<T>(passes: usize, mut f: impl FnMut() -> Result<T>) -> Result<(Duration, T)> {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..passes.max(1) {
        let t = Instant::now();
        last = Some(f()?);
        times.push(t.elapsed());
    }
    Ok((median(times), last.expect("one pass")))
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// The organisation tree; returns every organisation's id.
fn city(conn: &mut AnyConnection) -> Result<Vec<i64>> {
    use gongkai_storage::org::{create, NewOrganisation};
    let mut n = 0;
    let mut code = || {
        n += 1;
        org_code_with_check(&format!("{:08}", 10_000 + n))
    };
    let mut ids = Vec::new();
    let root = create(
        conn,
        &NewOrganisation {
            parent_id: None,
            name: "示范市人民政府",
            short_name: "示范市",
            code: &code(),
            level: OrgLevel::City,
            kind: OrgKind::Government,
        },
    )?
    .id;
    ids.push(root);
    for i in 0..40 {
        let name = format!("示范市第{i}局");
        ids.push(
            create(
                conn,
                &NewOrganisation {
                    parent_id: Some(root),
                    name: &name,
                    short_name: &name,
                    code: &code(),
                    level: OrgLevel::City,
                    kind: OrgKind::Department,
                },
            )?
            .id,
        );
    }
    for c in 0..10 {
        let name = format!("示范{c}县人民政府");
        let county = create(
            conn,
            &NewOrganisation {
                parent_id: Some(root),
                name: &name,
                short_name: &name,
                code: &code(),
                level: OrgLevel::County,
                kind: OrgKind::Government,
            },
        )?
        .id;
        ids.push(county);
        for t in 0..5 {
            let name = format!("示范{c}县第{t}镇");
            ids.push(
                create(
                    conn,
                    &NewOrganisation {
                        parent_id: Some(county),
                        name: &name,
                        short_name: &name,
                        code: &code(),
                        level: OrgLevel::Township,
                        kind: OrgKind::Township,
                    },
                )?
                .id,
            );
        }
    }
    Ok(ids)
}

/// Items by one SQL statement (a recursive counter), spread over the organisations, two years,
/// genres (1 in 50 a normative document, 1 in 400 a regulation) and channels.
fn items(conn: &mut AnyConnection, n: i64, orgs: usize) -> Result<()> {
    sql_query(
        "INSERT INTO sites (org_id, slug, title, is_portal, created_at) \
         SELECT MIN(id), 'portal', '门户', 1, '2024-01-01 00:00:00' FROM organisations",
    )
    .execute(conn)?;
    sql_query("CREATE TEMP TABLE bench_orgs AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS k, id FROM organisations")
        .execute(conn)?;
    sql_query(format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {n}) \
         INSERT INTO items (site_id, org_id, index_number, title, summary, body_html, made_on, \
           published_at, published_year, genre, keywords, validity, disclosure_mode, channels, \
           status, version, created_at, updated_at) \
         SELECT (SELECT MIN(id) FROM sites), (SELECT id FROM bench_orgs WHERE k = i % {orgs}), \
           printf('B%08d', i), '关于做好第' || i || '项工作的通知', '', '<p>正文</p>', \
           date('2024-01-01', '+' || (i % 731) || ' days'), \
           datetime('2024-01-01 09:00:00', '+' || (i % 731) || ' days'), \
           CAST(strftime('%Y', date('2024-01-01', '+' || (i % 731) || ' days')) AS INTEGER), \
           CASE WHEN i % 400 = 0 THEN 'regulation' WHEN i % 50 = 0 THEN 'normative_document' \
                WHEN i % 20 = 0 THEN 'interpretation' ELSE 'notice' END, \
           '', CASE WHEN i % 97 = 0 THEN 'invalid' ELSE 'valid' END, 'proactive', \
           CASE i % 5 WHEN 0 THEN 'website,weibo' WHEN 1 THEN 'website,wechat' ELSE 'website' END, \
           'published', 1, '2024-01-01 00:00:00', '2024-01-01 00:00:00' FROM n"
    ))
    .execute(conn)?;
    Ok(())
}

/// Requests in batches, over applicant types and every outcome; one in ten still open.
fn requests(conn: &mut AnyConnection, orgs: &[i64], n: i64) -> Result<()> {
    let types = ApplicantType::ALL;
    let outcomes = Outcome::all();
    let start = NaiveDate::from_ymd_opt(2024, 1, 1).expect("date");
    let now = gongkai_storage::now();
    // One transaction; rows one by one (diesel's batch insert does not work on the two-backend
    // connection, and inside a transaction SQLite takes 100,000 rows in a few seconds).
    conn.transaction(|conn| {
        for i in 0..n {
            let received = start + chrono::Duration::days(i % 731);
            let open = i % 10 == 0;
            let outcome = (!open).then(|| outcomes[(i as usize) % outcomes.len()].as_str());
            let answered = (!open).then(|| received + chrono::Duration::days(5 + i % 30));
            diesel::insert_into(r::table)
                .values((
                    r::tracking_code.eq(format!("YS{i:010}")),
                    r::password_hash.eq(""),
                    r::org_id.eq(orgs[(i as usize) % orgs.len()]),
                    r::applicant_type.eq(types[(i as usize) % types.len()].as_str()),
                    r::applicant_name.eq("张三"),
                    r::id_type.eq("resident_id"),
                    r::id_number_enc.eq(""),
                    r::id_number_masked.eq(""),
                    r::phone_enc.eq(""),
                    r::phone_masked.eq(""),
                    r::address.eq(""),
                    r::description.eq("申请公开某项目的批复文件"),
                    r::preferred_form.eq("electronic"),
                    r::delivery.eq("online"),
                    r::channel.eq("online"),
                    r::arrived_on.eq(received),
                    r::received_on.eq(received),
                    r::stage.eq(if open { "handling" } else { "closed" }),
                    r::state.eq("{}"),
                    r::plan.eq("{}"),
                    r::due_on.eq(Some(received + chrono::Duration::days(28))),
                    r::outcome.eq(outcome),
                    r::answered_on.eq(answered),
                    r::created_at.eq(now),
                    r::updated_at.eq(now),
                    r::publish_consent.eq(false),
                ))
                .execute(conn)?;
        }
        Ok::<_, anyhow::Error>(())
    })
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    n: i64,
}

/// The baseline: what a hand-written statistics script would run — one GROUP BY per figure
/// group, with no scope resolution, no invariants and no document.
fn plain_sql(conn: &mut AnyConnection) -> Result<i64> {
    let from = format!("'{YEAR}-01-01 00:00:00'");
    let to = format!("'{}-01-01 00:00:00'", YEAR + 1);
    let queries = [
        format!("SELECT COUNT(*) AS n FROM items i JOIN organisations o ON o.id = i.org_id WHERE i.published_at >= {from} AND i.published_at < {to} AND i.index_number IS NOT NULL AND i.disclosure_mode = 'proactive' GROUP BY o.level"),
        format!("SELECT COUNT(*) AS n FROM items WHERE published_at >= {from} AND published_at < {to} AND index_number IS NOT NULL AND disclosure_mode = 'proactive' GROUP BY channels"),
        format!("SELECT COUNT(*) AS n FROM items WHERE published_at >= {from} AND published_at < {to} AND index_number IS NOT NULL GROUP BY genre"),
        "SELECT COUNT(*) AS n FROM items WHERE genre IN ('regulation', 'normative_document') GROUP BY genre, validity".to_string(),
        format!("SELECT COUNT(*) AS n FROM disclosure_requests WHERE received_on >= '{YEAR}-01-01' AND received_on <= '{YEAR}-12-31' GROUP BY applicant_type"),
        format!("SELECT COUNT(*) AS n FROM disclosure_requests WHERE answered_on >= '{YEAR}-01-01' AND answered_on <= '{YEAR}-12-31' GROUP BY applicant_type, outcome"),
        format!("SELECT COUNT(*) AS n FROM disclosure_requests WHERE received_on <= '{YEAR}-12-31' AND (answered_on IS NULL OR answered_on > '{YEAR}-12-31') GROUP BY applicant_type"),
        format!("SELECT COUNT(*) AS n FROM disclosure_requests WHERE received_on < '{YEAR}-01-01' AND (answered_on IS NULL OR answered_on >= '{YEAR}-01-01') GROUP BY applicant_type"),
    ];
    let mut total = 0;
    for q in queries {
        let rows: Vec<Count> = sql_query(q).load(conn)?;
        total += rows.iter().map(|c| c.n).sum::<i64>();
    }
    Ok(total)
}

fn main() -> Result<()> {
    let args = Args::parse();
    let dir = tempfile::tempdir()?;
    let path = args
        .keep
        .clone()
        .unwrap_or_else(|| dir.path().to_path_buf());
    std::fs::create_dir_all(&path)?;
    let db = Database::open_sqlite_in(&path).context("open the benchmark database")?;
    let mut conn = db.conn()?;
    let t = Instant::now();
    let orgs = city(&mut conn)?;
    items(&mut conn, args.items, orgs.len())?;
    requests(&mut conn, &orgs, args.requests)?;
    sql_query("ANALYZE").execute(&mut *conn)?;
    eprintln!(
        "generated {} organisations, {} items, {} requests in {:.1} s",
        orgs.len(),
        args.items,
        args.requests,
        t.elapsed().as_secs_f64()
    );

    let (baseline, counted) = time(args.passes, || plain_sql(&mut conn))?;
    let (tables, json) = time(args.passes, || {
        let report = annual_report::compute(&mut conn, YEAR, &Scope::City)?;
        Ok(serde_json::to_vec(&document::json(&report))?)
    })?;
    let report = annual_report::compute(&mut conn, YEAR, &Scope::City)?;
    anyhow::ensure!(
        report.problems().is_empty(),
        "the generated year breaks invariants: {:?}",
        report.problems()
    );
    let doc = document::document(&report, &Default::default());
    let (pdf, bytes) = time(args.passes, || {
        Ok(gongkai_reporting::render(
            &doc,
            gongkai_reporting::Format::Pdf,
        )?)
    })?;
    let (whole, _) = time(args.passes, || {
        let report = annual_report::compute(&mut conn, YEAR, &Scope::City)?;
        let doc = document::document(&report, &Default::default());
        Ok(gongkai_reporting::render(
            &doc,
            gongkai_reporting::Format::Pdf,
        )?)
    })?;
    let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
    println!(
        "### Annual report, {} items and {} requests (year {YEAR}, scope 全市, SQLite, median of {})\n",
        args.items, args.requests, args.passes
    );
    println!("| measurement | time | × plain SQL GROUP BY | target |");
    println!("|---|---:|---:|---|");
    println!(
        "| plain SQL GROUP BY (8 queries, {counted} rows counted) | {} | 1.0 | — |",
        ms(baseline)
    );
    println!(
        "| tables as JSON ({} bytes): every figure, tables 二/三/四, invariants | {} | {:.1} | < 1 s: {} |",
        json.len(),
        ms(tables),
        ratio(tables),
        if tables < Duration::from_secs(1) { "met" } else { "**missed**" }
    );
    println!(
        "| PDF ({} bytes) from the computed report | {} | {:.1} | < 3 s: {} |",
        bytes.len(),
        ms(pdf),
        ratio(pdf),
        if pdf < Duration::from_secs(3) {
            "met"
        } else {
            "**missed**"
        }
    );
    println!(
        "| tables and PDF together | {} | {:.1} | — |",
        ms(whole),
        ratio(whole)
    );
    Ok(())
}

//! `gongkai check` — the national website checks on demand (for cron): prints each site's result
//! and exits with status 2 when any site fails a single-veto item (1 on errors, 0 when all pass).

use anyhow::{Context, Result};
use chrono::{NaiveDate, NaiveTime};
use gongkai_domain::calendar::WorkingCalendar;

use super::common::DataArgs;

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub data: DataArgs,
    /// Only this site (its slug); all sites when left out.
    #[arg(long)]
    pub site: Option<String>,
    /// Judge as of this day (YYYY-MM-DD, China time) instead of today.
    #[arg(long)]
    pub at: Option<String>,
    /// Print the reports as JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Exit status when a single-veto item fails.
pub const VETO_FAILED: u8 = 2;

pub fn run(args: CheckArgs) -> Result<std::process::ExitCode> {
    let now = match &args.at {
        Some(day) => {
            let d = NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
                .with_context(|| format!("--at {day:?} is not a date (YYYY-MM-DD)"))?;
            // Noon in China is 04:00 UTC.
            d.and_time(NaiveTime::from_hms_opt(4, 0, 0).expect("valid time"))
        }
        None => gongkai_storage::now(),
    };
    let db = args.data.open()?;
    let mut conn = db.conn()?;
    let cal = WorkingCalendar::builtin();
    let reports = gongkai_storage::health::run_checks(&mut conn, &cal, now, args.site.as_deref())
        .map_err(|e| match e {
        gongkai_storage::StorageError::NotFound { what: "site", id } => {
            anyhow::anyhow!("no site with slug {id:?}")
        }
        other => other.into(),
    })?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&reports)?);
    } else {
        for r in &reports {
            println!(
                "{} ({}) {} — score {} on {}",
                r.title,
                r.slug,
                if r.passed() {
                    "PASS 合格"
                } else {
                    "FAIL 不合格"
                },
                r.score,
                r.checked_on
            );
            for v in r.failed_vetoes() {
                println!(
                    "  单项否决 {}: {} (threshold {})",
                    v.name, v.count, v.threshold
                );
                for e in v.evidence.iter().take(10) {
                    println!("    - {e}");
                }
            }
            for d in &r.deductions {
                println!("  −{} {}", d.points, d.reason);
            }
        }
    }
    let failed = reports.iter().filter(|r| !r.passed()).count();
    if failed > 0 {
        eprintln!(
            "{failed} of {} sites fail a single-veto item",
            reports.len()
        );
        Ok(std::process::ExitCode::from(VETO_FAILED))
    } else {
        Ok(std::process::ExitCode::SUCCESS)
    }
}

//! `gongkai calendar` — working-day questions, answered from the calendar in force: the built-in
//! holiday notices plus those loaded into the platform's database (when it has one).

use std::path::PathBuf;

use anyhow::{Context, Result};
use chrono::NaiveDate;
use gongkai_domain::calendar::WorkingCalendar;
use gongkai_storage::calendar::{self, NoticeFormat};
use gongkai_storage::Actor;

use super::common::DataArgs;

#[derive(Debug, clap::Subcommand)]
pub enum CalendarCmd {
    /// The due date N working days after receipt (the day of receipt is not counted), with the reasoning.
    Deadline {
        /// Day of receipt (收到申请之日), YYYY-MM-DD.
        #[arg(long)]
        received: NaiveDate,
        /// Working days allowed, e.g. 20 for a reply (Art. 33).
        #[arg(long)]
        days: u32,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Prints `true` if the date is a working day (调休 included), `false` otherwise.
    IsWorkday {
        /// YYYY-MM-DD
        date: NaiveDate,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Loads a year's holiday notice (holiday-cn `YYYY.json` or an ICS file) into the platform and
    /// recomputes the due date of every request still waiting for a reply.
    Load {
        /// The file; its format is recognised from its content.
        file: PathBuf,
        #[command(flatten)]
        data: DataArgs,
    },
    /// Lists the years the calendar in force covers and the notices loaded.
    Years {
        #[command(flatten)]
        data: DataArgs,
    },
}

/// The calendar in force: with a platform database (an existing SQLite file in the data
/// directory, or a PostgreSQL URL), the loaded notices count; otherwise the built-in years.
fn in_force(data: &DataArgs) -> Result<WorkingCalendar> {
    if data.database_url.is_none() && !data.data.join("gongkai.db").exists() {
        return Ok(WorkingCalendar::builtin());
    }
    let db = data.open()?;
    let mut conn = db.conn()?;
    Ok(calendar::effective(&mut conn)?)
}

pub fn run(cmd: CalendarCmd) -> Result<()> {
    match cmd {
        CalendarCmd::Deadline {
            received,
            days,
            data,
        } => {
            let deadline = in_force(&data)?.add_working_days(received, days)?;
            println!("{}", deadline.due);
            println!("{deadline:#}");
        }
        CalendarCmd::IsWorkday { date, data } => {
            println!("{}", in_force(&data)?.is_workday(date)?);
        }
        CalendarCmd::Load { file, data } => {
            let body = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let format = NoticeFormat::sniff(&body).with_context(|| {
                format!(
                    "{}: not a holiday-cn JSON file nor an iCalendar file",
                    file.display()
                )
            })?;
            let db = data.open()?;
            let mut conn = db.conn()?;
            let loaded = calendar::load(&mut conn, &Actor::system("cli"), format, &body)
                .with_context(|| file.display().to_string())?;
            let years: Vec<String> = loaded.years.iter().map(|y| y.to_string()).collect();
            println!(
                "loaded {} from {}: {} open requests checked, {} due dates changed",
                years.join(", "),
                file.display(),
                loaded.checked,
                loaded.changed.len()
            );
            for c in &loaded.changed {
                let show = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or("-".into());
                println!(
                    "  {}: {} -> {}",
                    c.tracking_code,
                    show(c.before),
                    show(c.after)
                );
            }
        }
        CalendarCmd::Years { data } => {
            let cal = in_force(&data)?;
            for y in cal.years() {
                let sources = cal.sources(y).unwrap_or(&[]).join(" ");
                println!("{y}\t{sources}");
            }
        }
    }
    Ok(())
}

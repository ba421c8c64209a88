//! `gongkai calendar` — working-day questions answered from the built-in holiday notices.

use anyhow::Result;
use chrono::NaiveDate;
use gongkai_domain::calendar::WorkingCalendar;

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
    },
    /// Prints `true` if the date is a working day (调休 included), `false` otherwise.
    IsWorkday {
        /// YYYY-MM-DD
        date: NaiveDate,
    },
}

pub fn run(cmd: CalendarCmd) -> Result<()> {
    let calendar = WorkingCalendar::builtin();
    match cmd {
        CalendarCmd::Deadline { received, days } => {
            let deadline = calendar.add_working_days(received, days)?;
            println!("{}", deadline.due);
            println!("{deadline:#}");
        }
        CalendarCmd::IsWorkday { date } => {
            println!("{}", calendar.is_workday(date)?);
        }
    }
    Ok(())
}

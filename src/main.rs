//! `gongkai` — the one binary of the platform. Each sub-command lives in `src/cmd/<name>.rs`.

use clap::{Parser, Subcommand};

mod cmd;

#[derive(Parser)]
#[command(name = "gongkai", version, about = "政务公开平台 — government information disclosure platform")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Working-day calendar (工作日): deadlines and working days.
    #[command(subcommand)]
    Calendar(cmd::calendar::CalendarCmd),
    /// Annual report (政府信息公开年报) tools.
    #[command(subcommand)]
    Report(cmd::report::ReportCmd),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Calendar(c) => cmd::calendar::run(c),
        Command::Report(c) => cmd::report::run(c),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

//! `gongkai` — the one binary of the platform. Each sub-command lives in `src/cmd/<name>.rs`.

use clap::{Parser, Subcommand};

mod cmd;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "政务公开平台 — government information disclosure platform"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the portal, back office and JSON API.
    Serve(cmd::serve::ServeArgs),
    /// Staff accounts.
    #[command(subcommand)]
    User(cmd::user::UserCmd),
    /// Import or export catalogue items as JSON lines (docs/import.md).
    #[command(subcommand)]
    Import(cmd::items::ImportCmd),
    #[command(subcommand)]
    Export(cmd::items::ExportCmd),
    /// Load the demo city into the database (idempotent).
    Demo(cmd::demo::DemoArgs),
    /// Write a consistent copy of the database.
    Backup(cmd::backup::BackupArgs),
    /// Replace the database with a backup.
    Restore(cmd::backup::RestoreArgs),
    /// Rebuild this node's search index from the database.
    Reindex(cmd::reindex::ReindexArgs),
    /// Working-day calendar (工作日): deadlines and working days.
    #[command(subcommand)]
    Calendar(cmd::calendar::CalendarCmd),
    /// Annual report (政府信息公开年报) tools.
    #[command(subcommand)]
    Report(cmd::report::ReportCmd),
    /// Website health: the national checks (exit 2 when a single-veto item fails).
    Check(cmd::check::CheckArgs),
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Serve(a) => cmd::serve::run(a),
        Command::User(c) => cmd::user::run(c),
        Command::Import(c) => cmd::items::import(c),
        Command::Export(c) => cmd::items::export(c),
        Command::Demo(a) => cmd::demo::run(a),
        Command::Backup(a) => cmd::backup::backup(a),
        Command::Restore(a) => cmd::backup::restore(a),
        Command::Reindex(a) => cmd::reindex::run(a),
        Command::Calendar(c) => cmd::calendar::run(c),
        Command::Report(c) => cmd::report::run(c),
        Command::Check(a) => match cmd::check::run(a) {
            Ok(code) => return code,
            Err(e) => Err(e),
        },
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

//! `gongkai user add` — create a member of staff (the first platform administrator, typically).

use anyhow::{bail, Result};
use gongkai_domain::role::Role;
use gongkai_storage::{org, user, Actor};

use super::common::DataArgs;

#[derive(Debug, clap::Subcommand)]
pub enum UserCmd {
    /// Creates a user with one role over an organisation (and its children).
    Add {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        username: String,
        /// Name shown in the back office and the audit log.
        #[arg(long)]
        name: String,
        /// platform_admin, org_admin, editor, reviewer or request_handler (or the Chinese label).
        #[arg(long)]
        role: String,
        /// Code of the organisation the role covers (索引号 organisation code).
        #[arg(long)]
        org: String,
        /// Password; without it one is generated and printed. Prefer GONGKAI_PASSWORD over the command line.
        #[arg(long, env = "GONGKAI_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// Issues an API token for a user (printed once).
    Token {
        #[command(flatten)]
        data: DataArgs,
        #[arg(long)]
        username: String,
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

/// A random password of 16 letters and digits (no look-alikes).
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

pub fn run(cmd: UserCmd) -> Result<()> {
    match cmd {
        UserCmd::Add {
            data,
            username,
            name,
            role,
            org: code,
            password,
        } => {
            let role: Role = role.parse()?;
            let db = data.open()?;
            let mut conn = db.conn()?;
            let Some(o) = org::by_code(&mut conn, &code)? else {
                bail!("no organisation has the code {code}")
            };
            let generated = password.is_none();
            let password = password.unwrap_or_else(generate_password);
            let u = user::create(
                &mut conn,
                &Actor::system("cli"),
                &user::NewUser {
                    username: &username,
                    display_name: &name,
                    password: &password,
                    org_id: o.id,
                    roles: &[(role, o.id)],
                },
            )?;
            println!(
                "created user {} ({}, {} of {})",
                u.username,
                u.display_name,
                role.label_zh(),
                o.name
            );
            if generated {
                println!("password: {password}");
            }
            Ok(())
        }
        UserCmd::Token {
            data,
            username,
            name,
        } => {
            let db = data.open()?;
            let mut conn = db.conn()?;
            let Some(u) = user::find_by_username(&mut conn, &username)? else {
                bail!("no user {username}")
            };
            let token = user::create_api_token(&mut conn, &Actor::system("cli"), u.id, &name)?;
            println!("{token}");
            Ok(())
        }
    }
}

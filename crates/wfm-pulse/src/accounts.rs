//! The `user` command: console accounts from the command line, written straight to the
//! store (the first administrator has no one to ask), audited as `cli`.

use std::io::BufRead;

use clap::{Args, Subcommand};
use rand::RngCore;
use wfm_store::Store;
use wfm_store::model::{Actor, Role};
use wfm_store::people::UserChange;

use crate::api::people::new_user;
use crate::auth::password;
use crate::http::error::ApiError;

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Creates an account. Prints a generated password unless --password-stdin is given.
    Add(AddArgs),
    /// Lists the accounts with their roles and lockouts.
    List,
    /// Sets a new password (ends the person's sessions); generated unless --password-stdin.
    Passwd(NameArgs),
    /// Clears a lockout after wrong passwords.
    Unlock(NameArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// The sign-in name.
    pub name: String,
    /// viewer, supervisor, manager or admin.
    #[arg(long, value_parser = |s: &str| Role::parse(s).ok_or_else(|| format!("unknown role {s:?}")))]
    pub role: Role,
    /// The console's language for this person: ru or en.
    #[arg(long, default_value = "ru")]
    pub locale: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Args)]
pub struct NameArgs {
    /// The sign-in name.
    pub name: String,
    /// Read the password from the first line of standard input.
    #[arg(long)]
    pub password_stdin: bool,
}

fn actor() -> Actor {
    Actor {
        name: "cli".into(),
        correlation_id: uuid::Uuid::new_v4().to_string(),
    }
}

/// A password from standard input, or a generated one to print (None: read).
fn password_from(stdin: bool) -> Result<(String, bool), String> {
    if !stdin {
        let mut bytes = [0u8; 12];
        rand::thread_rng().fill_bytes(&mut bytes);
        return Ok((hex::encode(bytes), true));
    }
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("cannot read the password from standard input: {e}"))?;
    Ok((line.trim_end_matches(['\r', '\n']).to_string(), false))
}

fn say(e: ApiError) -> String {
    let body = e.body();
    format!("{}: {}", body.message, body.description)
}

/// Runs a `user` subcommand on `store`.
pub async fn run(store: &dyn Store, command: UserCommand) -> Result<(), String> {
    match command {
        UserCommand::Add(args) => {
            let (secret, generated) = password_from(args.password_stdin)?;
            let new = new_user(&args.name, args.role, &secret, Some(&args.locale))
                .await
                .map_err(say)?;
            let user = store
                .create_user(&new, &actor())
                .await
                .map_err(|e| e.to_string())?;
            println!("created {} ({})", user.name, user.role.as_str());
            if generated {
                println!("password: {secret}");
            }
        }
        UserCommand::List => {
            let now = chrono::Utc::now();
            for u in store.list_users().await.map_err(|e| e.to_string())? {
                let state = match u.locked_until {
                    Some(t) if t > now => format!("locked until {}", t.format("%H:%M UTC")),
                    _ => String::new(),
                };
                println!(
                    "{:<24} {:<11} {:<3} {state}",
                    u.name,
                    u.role.as_str(),
                    u.locale
                );
            }
        }
        UserCommand::Passwd(args) => {
            let user = find(store, &args.name).await?;
            let (secret, generated) = password_from(args.password_stdin)?;
            if let Some(why) = password::weakness(&user.name, &secret) {
                return Err(format!("the password {why}"));
            }
            let hash = password::hash(secret.clone()).await;
            store
                .change_user(user.id, &UserChange::Password(hash), &actor())
                .await
                .map_err(|e| e.to_string())?;
            println!("password of {} set; their sessions ended", user.name);
            if generated {
                println!("password: {secret}");
            }
        }
        UserCommand::Unlock(args) => {
            let user = find(store, &args.name).await?;
            store
                .change_user(user.id, &UserChange::Unlock, &actor())
                .await
                .map_err(|e| e.to_string())?;
            println!("{} can sign in again", user.name);
        }
    }
    Ok(())
}

async fn find(store: &dyn Store, name: &str) -> Result<wfm_store::people::User, String> {
    store
        .find_user(name)
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| format!("no user named {name:?}; `wfm-pulse user list` shows them"))
}

//! The JWT secret: configured, read from the data directory, or (by the server) generated
//! there on its first start.

use std::path::{Path, PathBuf};

use super::{Config, check_secret};

/// Where the JWT secret came from.
#[derive(Debug, PartialEq, Eq)]
pub enum SecretSource {
    Configured,
    File(PathBuf),
    Generated(PathBuf),
}

/// The HS256 secret for commands beside the server (`token`, `import`, the simulators):
/// configured, else read from `DATA_DIR/jwt-secret`. Never generated here: a secret the
/// running server does not know would only make tokens it refuses. The error says where it
/// looked and how to point the command at the server's secret.
pub fn jwt_secret(config: &Config) -> Result<(Vec<u8>, SecretSource), String> {
    read_jwt_secret(config)?.ok_or_else(|| no_secret(config))
}

/// The HS256 secret for the server (`serve`, `demo`): as [`jwt_secret`], else generated into
/// `DATA_DIR/jwt-secret` (readable by the owner only) so that tokens survive restarts.
/// The file appears whole or not at all, so a command reading it meanwhile never sees part
/// of it; of two servers starting together, the second uses the first one's.
pub fn jwt_secret_or_generate(config: &Config) -> Result<(Vec<u8>, SecretSource), String> {
    if let Some(found) = read_jwt_secret(config)? {
        return Ok(found);
    }
    crate::files::create_private_dir(&config.data_dir)
        .map_err(|e| format!("cannot create {}: {e}", config.data_dir.display()))?;
    let path = secret_path(config);
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut bytes);
    let secret = hex::encode(bytes);
    let draft = config
        .data_dir
        .join(format!(".jwt-secret.{}", uuid::Uuid::new_v4()));
    write_private(&draft, &secret).map_err(|e| format!("cannot write {}: {e}", draft.display()))?;
    // A hard link publishes the finished file, and fails if another start was first.
    let published = std::fs::hard_link(&draft, &path);
    let _ = std::fs::remove_file(&draft);
    match published {
        Ok(()) => Ok((secret.into_bytes(), SecretSource::Generated(path))),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            read_jwt_secret(config)?.ok_or_else(|| no_secret(config))
        }
        Err(e) => Err(format!("cannot write {}: {e}", path.display())),
    }
}

fn secret_path(config: &Config) -> PathBuf {
    config.data_dir.join("jwt-secret")
}

/// The configured secret, else the one in the data directory, else None.
fn read_jwt_secret(config: &Config) -> Result<Option<(Vec<u8>, SecretSource)>, String> {
    if let Some(s) = &config.jwt_secret {
        return Ok(Some((s.0.as_bytes().to_vec(), SecretSource::Configured)));
    }
    let path = secret_path(config);
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let secret = text.trim().to_string();
            check_secret(&secret).map_err(|e| format!("{}: {e}", path.display()))?;
            Ok(Some((secret.into_bytes(), SecretSource::File(path))))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read {}: {e}", path.display())),
    }
}

fn no_secret(config: &Config) -> String {
    let dir = std::path::absolute(&config.data_dir).unwrap_or_else(|_| config.data_dir.clone());
    format!(
        "no JWT secret: none is configured and there is no jwt-secret file in the data dir {} \
         (the server writes one there on its first start, and only the server does). \
         Run this command where the server runs, set WFM_DATA_DIR to the server's data dir, \
         or set WFM_JWT_SECRET to the server's secret",
        dir.display()
    )
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

//! Logging: `tracing` to stderr as text or JSON, filtered by `WFM_LOG` / `log`; the demo
//! keeps its terminal for what it prints and writes the full log to a file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tracing_subscriber::EnvFilter;
use tracing_subscriber::Layer;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;

use crate::config::{Config, LogFormat};

/// The filter when none is configured.
const DEFAULT_FILTER: &str = "info";

/// What the demo shows on stderr when no filter is configured: problems only.
const DEMO_STDERR_FILTER: &str = "warn";

/// Installs the global subscriber; a second call (tests) is a no-op.
pub fn init(config: &Config) {
    let filter = filter(config.log.as_deref().unwrap_or(DEFAULT_FILTER));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()));
    let _ = match config.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

/// The demo's logging. With a configured filter, as [`init`]. Without one, stderr shows
/// warnings and errors only, so that the lines the demo prints (the console's address, who
/// signs in) stay in sight, and the whole log at `info` (every request, the feed's progress)
/// goes to `DATA_DIR/demo.log`, started afresh each time; returns that file's path.
pub fn init_demo(config: &Config) -> Option<PathBuf> {
    if config.log.is_some() {
        init(config);
        return None;
    }
    let path = config.data_dir.join("demo.log");
    let file = match open_log(&config.data_dir, &path) {
        Ok(f) => Arc::new(f),
        Err(e) => {
            init(&Config {
                log: Some(DEMO_STDERR_FILTER.into()),
                ..config.clone()
            });
            tracing::warn!(path = %path.display(), error = %e, "cannot write the demo's log file");
            return None;
        }
    };
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let (stderr, to_file) = match config.log_format {
        LogFormat::Json => (
            tracing_subscriber::fmt::layer()
                .json()
                .with_writer(std::io::stderr)
                .boxed(),
            tracing_subscriber::fmt::layer()
                .json()
                .with_writer(file)
                .boxed(),
        ),
        LogFormat::Text => (
            tracing_subscriber::fmt::layer()
                .with_ansi(ansi)
                .with_writer(std::io::stderr)
                .boxed(),
            tracing_subscriber::fmt::layer()
                .with_ansi(false)
                .with_writer(file)
                .boxed(),
        ),
    };
    let _ = tracing_subscriber::registry()
        .with(stderr.with_filter(filter(DEMO_STDERR_FILTER)))
        .with(to_file.with_filter(filter(DEFAULT_FILTER)))
        .try_init();
    Some(path)
}

fn filter(spec: &str) -> EnvFilter {
    EnvFilter::try_new(spec).unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER))
}

/// The log file, emptied, readable by the owner only (it names the callers).
fn open_log(dir: &Path, path: &Path) -> std::io::Result<std::fs::File> {
    crate::files::create_private_dir(dir)?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

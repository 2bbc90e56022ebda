//! Accepting and serving connections: our own accept loop over hyper (axum::serve sets no
//! timeouts and takes every connection), so that a client that never finishes its headers,
//! or leaves a kept-alive connection idle, is cut off, connections beyond a limit wait, and
//! shutdown still finishes the requests under way.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Limits on client connections.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnLimits {
    /// Longest wait for a request's whole head, from the connection's start or, on a
    /// kept-alive connection, from the end of the previous response: hyper runs one timer
    /// for both, so this is the idle keep-alive limit too.
    pub header_timeout: Duration,
    /// Longest pause while a request body is being read.
    pub body_timeout: Duration,
    /// Connections served at once; further ones wait in the listen backlog.
    pub max_connections: usize,
}

impl Default for ConnLimits {
    /// Headers come in one packet from any real client: 10 s is generous even on a poor link,
    /// yet frees a connection a slow client holds 10 s later. A body is given 30 s between
    /// two packets, room for TCP retransmissions on a bad link while a large plan uploads.
    /// 4,096 connections cover a large center's consoles and feeds (a browser opens up to 6);
    /// an idle one costs about 11 KB, 45 MB for all.
    fn default() -> Self {
        ConnLimits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            max_connections: 4096,
        }
    }
}

/// Longest timeout accepted: an hour.
const MAX_TIMEOUT_SECONDS: f64 = 3600.0;
/// Largest connection limit accepted.
const MAX_CONNECTIONS: f64 = 1_000_000.0;

impl ConnLimits {
    /// The limits from their settings (seconds, and a count), the default where `None`; the
    /// error names the setting that is out of range.
    pub fn from_settings(
        header_timeout_seconds: Option<f64>,
        body_timeout_seconds: Option<f64>,
        max_connections: Option<f64>,
    ) -> Result<ConnLimits, String> {
        let default = ConnLimits::default();
        let timeout = |name: &str, v: Option<f64>, default| match v {
            None => Ok(default),
            Some(s) if s > 0.0 && s <= MAX_TIMEOUT_SECONDS => Ok(Duration::from_secs_f64(s)),
            Some(s) => Err(format!(
                "{name} must be a number of seconds above 0 and at most {MAX_TIMEOUT_SECONDS}, not {s}"
            )),
        };
        let max_connections = match max_connections {
            None => default.max_connections,
            Some(n) if n.fract() == 0.0 && (1.0..=MAX_CONNECTIONS).contains(&n) => n as usize,
            Some(n) => {
                return Err(format!(
                    "max_connections must be a whole number from 1 to {MAX_CONNECTIONS}, not {n}"
                ));
            }
        };
        Ok(ConnLimits {
            header_timeout: timeout(
                "header_timeout_seconds",
                header_timeout_seconds,
                default.header_timeout,
            )?,
            body_timeout: timeout(
                "body_timeout_seconds",
                body_timeout_seconds,
                default.body_timeout,
            )?,
            max_connections,
        })
    }
}

/// Files the process needs besides connections: the store, logs, the listener.
const OTHER_FILES: usize = 64;

/// Serves `app` on `listener` until `shutdown` completes; then stops accepting, closes idle
/// connections and waits for those with a request under way to finish it.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()>,
) {
    warn_if_open_files_short(limits.max_connections);
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let permits = Arc::new(Semaphore::new(limits.max_connections));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A permit before accepting: at the limit, new connections wait in the kernel's listen
        // backlog (and beyond it their SYNs are dropped and retried), costing us nothing.
        let permit = tokio::select! {
            permit = permits.clone().acquire_owned() => match permit {
                Ok(p) => p,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    accept_failed(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // hyper writes a response whole; Nagle would only hold back the next one (such as the
        // second of two pipelined requests) until the client's delayed ACK, 40 ms later.
        if let Err(e) = stream.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
        let service = TowerToHyperService::new(app.clone());
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                // Timeouts and clients going away end up here: routine, not worth a warning.
                tracing::debug!(error = %e, "connection ended");
            }
            drop(permit);
        });
    }
    drop(listener);
    graceful.shutdown().await;
}

/// A failed accept: the client's own trouble is skipped; anything else (such as no file
/// descriptors left) is logged and waited out for a second rather than retried in a spin.
async fn accept_failed(e: std::io::Error) {
    use std::io::ErrorKind;
    if matches!(
        e.kind(),
        ErrorKind::ConnectionRefused | ErrorKind::ConnectionAborted | ErrorKind::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "cannot accept a connection");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Warns when the process may open fewer files than the connections allowed need: accepting
/// would fail before the limit is reached.
fn warn_if_open_files_short(max_connections: usize) {
    #[cfg(unix)]
    {
        // None: unlimited.
        let Some(open_files) =
            rustix::process::getrlimit(rustix::process::Resource::Nofile).current
        else {
            return;
        };
        let needed = max_connections.saturating_add(OTHER_FILES) as u64;
        if open_files < needed {
            tracing::warn!(
                open_files,
                max_connections,
                "the open-file limit (ulimit -n) is below max_connections + {OTHER_FILES}: \
                 raise it or lower max_connections"
            );
        }
    }
    #[cfg(not(unix))]
    let _ = max_connections;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_default_and_are_checked() {
        assert_eq!(
            ConnLimits::from_settings(None, None, None),
            Ok(ConnLimits::default())
        );
        let limits = ConnLimits::from_settings(Some(5.0), Some(2.5), Some(200.0)).unwrap();
        assert_eq!(limits.header_timeout, Duration::from_secs(5));
        assert_eq!(limits.body_timeout, Duration::from_millis(2500));
        assert_eq!(limits.max_connections, 200);
        for (settings, named) in [
            ((Some(0.0), None, None), "header_timeout_seconds"),
            ((None, Some(-1.0), None), "body_timeout_seconds"),
            ((None, Some(f64::INFINITY), None), "body_timeout_seconds"),
            ((None, Some(f64::NAN), None), "body_timeout_seconds"),
            ((None, None, Some(0.0)), "max_connections"),
            ((None, None, Some(1.5)), "max_connections"),
        ] {
            let (h, b, m) = settings;
            let e = ConnLimits::from_settings(h, b, m).unwrap_err();
            assert!(e.contains(named), "{settings:?}: {e}");
        }
    }
}

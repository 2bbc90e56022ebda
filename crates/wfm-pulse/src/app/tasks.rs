//! Every background task of the application, started, named and stopped in one place: each
//! runs until the shutdown signal; one that panics is logged and started again after a
//! pause, so that one bad pass does not end the publisher, the sync workers or the
//! recorder for the rest of the process.

use std::future::Future;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinSet;

/// Pause before a task that panicked is started again (short in unit tests).
const RESTART_PAUSE: Duration = Duration::from_millis(if cfg!(test) { 10 } else { 1000 });

/// The running tasks and their shutdown signal.
pub struct Tasks {
    stop: watch::Sender<bool>,
    running: JoinSet<()>,
}

impl Default for Tasks {
    fn default() -> Self {
        Tasks {
            stop: watch::Sender::new(false),
            running: JoinSet::new(),
        }
    }
}

impl Tasks {
    /// Starts `name`: `task` is given the shutdown signal (true once stopping) and is
    /// called again if the future it made panics.
    pub fn start<F, T>(&mut self, name: &'static str, task: F)
    where
        F: Fn(watch::Receiver<bool>) -> T + Send + 'static,
        T: Future<Output = ()> + Send + 'static,
    {
        let mut stopping = self.stop.subscribe();
        self.running.spawn(async move {
            loop {
                let ended = tokio::spawn(task(stopping.clone())).await;
                let stopped = *stopping.borrow();
                match ended {
                    Ok(()) if stopped => return,
                    Ok(()) => {
                        tracing::warn!(task = name, "background task ended before shutdown");
                        return;
                    }
                    Err(e) if e.is_panic() && !stopped => {
                        tracing::error!(task = name, "background task panicked: starting it again")
                    }
                    Err(_) => return,
                }
                tokio::select! {
                    _ = tokio::time::sleep(RESTART_PAUSE) => {}
                    _ = stopping.changed() => return,
                }
            }
        });
    }

    /// Signals shutdown to every task and waits until all have ended.
    pub async fn stop(mut self) {
        self.stop.send_replace(true);
        while self.running.join_next().await.is_some() {}
    }

    /// Signals shutdown without waiting (the tasks end as they see it).
    pub fn signal(&self) {
        self.stop.send_replace(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn a_task_that_panics_is_started_again_and_all_stop_on_the_signal() {
        let starts = Arc::new(AtomicUsize::new(0));
        let mut tasks = Tasks::default();
        let counted = starts.clone();
        tasks.start("flaky", move |mut stopping| {
            let n = counted.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    panic!("the first pass fails");
                }
                let _ = stopping.wait_for(|s| *s).await;
            }
        });
        let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
        while starts.load(Ordering::SeqCst) < 2 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "never started again"
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        tasks.stop().await;
        assert_eq!(
            starts.load(Ordering::SeqCst),
            2,
            "stopped, not started a third time"
        );
    }
}

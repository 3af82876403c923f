//! The live progress line on a terminal: calls so far, each service's parts done, and what
//! the scan is waiting on (a quota's next slot, or a pause after throttling), so a long,
//! paced run never looks hung. The collector updates the counters here; the line reads them.

use crate::collect::Service;
use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

/// One service's counters, for all accounts scanned in this process together.
#[derive(Debug, Default)]
pub(crate) struct ServiceProgress {
    /// Parts of the service's collection (per region, per listing) started and finished.
    parts_started: AtomicU32,
    parts_done: AtomicU32,
    /// Calls sent.
    calls: AtomicU64,
    /// Calls waiting for a slot of a quota now.
    waiting: AtomicU32,
    /// Calls waiting out a pause after a throttle now.
    backing_off: AtomicU32,
}

/// Decrements its counter when dropped (a wait that ends or is abandoned).
pub(crate) struct Holding<'a>(&'a AtomicU32);

impl Drop for Holding<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

impl ServiceProgress {
    const fn new() -> Self {
        ServiceProgress {
            parts_started: AtomicU32::new(0),
            parts_done: AtomicU32::new(0),
            calls: AtomicU64::new(0),
            waiting: AtomicU32::new(0),
            backing_off: AtomicU32::new(0),
        }
    }

    pub(crate) fn waiting(&self) -> Holding<'_> {
        self.waiting.fetch_add(1, Ordering::Relaxed);
        Holding(&self.waiting)
    }

    pub(crate) fn backing_off(&self) -> Holding<'_> {
        self.backing_off.fetch_add(1, Ordering::Relaxed);
        Holding(&self.backing_off)
    }

    pub(crate) fn sent(&self) {
        self.calls.fetch_add(1, Ordering::Relaxed);
    }

    /// Runs one part of the service's collection, counting it started and done.
    pub(crate) async fn part<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        self.parts_started.fetch_add(1, Ordering::Relaxed);
        let out = work.await;
        self.parts_done.fetch_add(1, Ordering::Relaxed);
        out
    }
}

static SERVICES: [ServiceProgress; 5] = [
    ServiceProgress::new(),
    ServiceProgress::new(),
    ServiceProgress::new(),
    ServiceProgress::new(),
    ServiceProgress::new(),
];

pub(crate) fn service(service: Service) -> &'static ServiceProgress {
    let index = Service::ALL
        .iter()
        .position(|s| *s == service)
        .unwrap_or_default();
    &SERVICES[index]
}

fn display_name(service: Service) -> &'static str {
    match service {
        Service::Lambda => "Lambda",
        Service::Iam => "IAM",
        Service::S3 => "S3",
        Service::Apigateway => "API Gateway",
        Service::Kms => "KMS",
    }
}

/// The line's text after the label: per service, its parts done or its calls so far and
/// what it waits on.
pub(crate) fn status() -> String {
    let mut parts = Vec::new();
    let mut waits = Vec::new();
    for s in Service::ALL {
        let p = service(s);
        let started = p.parts_started.load(Ordering::Relaxed);
        if started == 0 {
            continue;
        }
        let done = p.parts_done.load(Ordering::Relaxed);
        let calls = p.calls.load(Ordering::Relaxed);
        let name = display_name(s);
        if done >= started {
            parts.push(format!("{name} done"));
            continue;
        }
        parts.push(format!("{name} {done}/{started} ({calls} calls)"));
        if p.backing_off.load(Ordering::Relaxed) > 0 {
            waits.push(format!("backing off {name} after throttling"));
        } else if p.waiting.load(Ordering::Relaxed) > 0 {
            waits.push(format!("waiting on {name} quota"));
        }
    }
    let mut text = parts.join(" · ");
    if !waits.is_empty() {
        text.push_str(" · ");
        text.push_str(&waits.join(", "));
    }
    text
}

/// A live progress line on a terminal, redrawn in place; nothing when stderr is not a
/// terminal, with --quiet, or with JSON logs (`live` false).
pub(crate) struct ProgressLine {
    stop: Arc<AtomicBool>,
    handle: Option<std::thread::JoinHandle<()>>,
}

impl ProgressLine {
    pub(crate) fn start(live: bool, label: String) -> ProgressLine {
        let stop = Arc::new(AtomicBool::new(false));
        let handle = live.then(|| {
            let stop = stop.clone();
            std::thread::spawn(move || {
                let spinner = ['|', '/', '-', '\\'];
                let mut tick = 0usize;
                let width = terminal_size::terminal_size_of(std::io::stderr())
                    .map_or(120, |(w, _)| usize::from(w.0).max(20));
                while !stop.load(Ordering::Relaxed) {
                    let calls = crate::collect::calls::OPERATIONS_STARTED.load(Ordering::Relaxed);
                    let mut line = format!(
                        "{} faascan: {label} · {calls} calls · {}",
                        spinner[tick % 4],
                        status()
                    );
                    // One terminal row, or the carriage return cannot redraw it.
                    if line.chars().count() >= width {
                        line = line.chars().take(width - 2).collect::<String>() + "…";
                    }
                    let mut err = std::io::stderr().lock();
                    let _ = write!(err, "\r\x1b[2K{line}");
                    let _ = err.flush();
                    drop(err);
                    tick += 1;
                    std::thread::sleep(Duration::from_millis(150));
                }
                let mut err = std::io::stderr().lock();
                let _ = write!(err, "\r\x1b[2K");
                let _ = err.flush();
            })
        });
        ProgressLine { stop, handle }
    }
}

impl Drop for ProgressLine {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
    }
}

/// The pacing part of the "collected" message: throttled responses and time waited, per
/// service with any ("" when there is nothing to say).
pub(crate) fn pacing_summary(calls: &faascan_checks::model::CallStats) -> String {
    calls
        .pacing_summary()
        .map(|s| format!("; {s}"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_status_names_each_service_and_what_it_waits_on() {
        // The counters are process-wide; this is the only test that touches KMS's.
        let kms = service(Service::Kms);
        let (release, hold) = tokio::sync::oneshot::channel::<()>();
        let part = kms.part(async {
            let _ = hold.await;
        });
        let check = async {
            tokio::task::yield_now().await;
            kms.sent();
            let waiting = kms.waiting();
            assert!(status().contains("waiting on KMS quota"), "{}", status());
            {
                let _pause = kms.backing_off();
                assert!(
                    status().contains("backing off KMS after throttling"),
                    "{}",
                    status()
                );
            }
            drop(waiting);
            assert!(!status().contains("KMS quota"), "{}", status());
            let _ = release.send(());
        };
        tokio::join!(part, check);
        assert!(status().contains("KMS done"), "{}", status());
    }
}

//! Telling the caller how a build goes: progress per phase (a bar in the CLI) and the time
//! each phase took (`--verbose`).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::site::{Options, Progress};

/// Counts finished items of a phase and reports them, at most every 64 items.
pub(crate) struct Ticker<'a> {
    progress: Option<&'a Progress>,
    phase: &'static str,
    total: usize,
    done: AtomicUsize,
}

impl<'a> Ticker<'a> {
    pub(crate) fn new(opts: &'a Options, phase: &'static str, total: usize) -> Self {
        let t = Ticker {
            progress: opts.progress.as_ref(),
            phase,
            total,
            done: Default::default(),
        };
        if let Some(p) = t.progress {
            p(phase, 0, total);
        }
        t
    }

    pub(crate) fn tick(&self) {
        if let Some(p) = self.progress {
            let n = self.done.fetch_add(1, Ordering::Relaxed) + 1;
            if n.is_multiple_of(64) || n == self.total {
                p(self.phase, n, self.total);
            }
        }
    }
}

/// Records that `phase` took `elapsed`, when the caller asked for timings.
pub(crate) fn record_time(opts: &Options, phase: &'static str, elapsed: Duration) {
    if let Some(t) = &opts.timings {
        if let Ok(mut t) = t.lock() {
            t.push((phase, elapsed));
        }
    }
}

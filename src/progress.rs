//! Progress on stderr: an indicatif bar (bytes, rate, ETA) on a terminal, plain lines otherwise.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::output::note;

/// Reports the progress of a transfer of known or unknown size.
pub struct TransferProgress {
    label: String,
    bar: Option<ProgressBar>,
    last_line: Instant,
    last_fraction: f64,
}

impl TransferProgress {
    /// A bar when stderr is a terminal, plain lines (every 10% or 5 s) when it is not.
    pub fn new(label: &str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            let style = ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} ETA {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(label.to_string());
            bar
        });
        Self {
            label: label.to_string(),
            bar,
            last_line: Instant::now(),
            last_fraction: 0.0,
        }
    }

    /// Records `done` of `total` bytes.
    pub fn update(&mut self, done: u64, total: Option<u64>) {
        if let Some(bar) = &self.bar {
            if let Some(total) = total {
                bar.set_length(total);
            }
            bar.set_position(done);
            return;
        }
        let fraction = total.filter(|t| *t > 0).map(|t| done as f64 / t as f64);
        let due = self.last_line.elapsed() >= Duration::from_secs(5)
            || fraction.is_some_and(|f| f - self.last_fraction >= 0.1);
        if due {
            self.last_line = Instant::now();
            if let Some(fraction) = fraction {
                self.last_fraction = fraction;
            }
            note(&self.line(done, total));
        }
    }

    /// Clears the display after a failure (the error says what happened).
    pub fn abandon(self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    /// Ends the display with a final line.
    pub fn finish(self, done: u64, total: Option<u64>) {
        match &self.bar {
            Some(bar) => bar.finish_and_clear(),
            None => note(&self.line(done, total)),
        }
    }

    fn line(&self, done: u64, total: Option<u64>) -> String {
        match total {
            Some(total) if total > 0 => format!(
                "{}: {} / {} ({:.0}%)",
                self.label,
                human_bytes(done),
                human_bytes(total),
                done as f64 * 100.0 / total as f64
            ),
            _ => format!("{}: {}", self.label, human_bytes(done)),
        }
    }
}

/// Bytes as B, KiB, MiB or GiB with one decimal.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_bytes_picks_a_unit() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 30), "3.0 GiB");
    }
}

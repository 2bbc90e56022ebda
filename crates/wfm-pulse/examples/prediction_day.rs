//! Prediction accuracy over a simulated week, the model against a naive baseline per
//! kind: reproducible for the seeds and without a server.
//!
//! Seeds FIRST..FIRST+6 each run one simulated day of the demo's contact center
//! (`prediction_day/scenario.rs`): seed s is day (s - 1) mod 7 of a week with surge
//! days, quiet days and ordinary ones. The simulator (`wfm-sim`) runs the whole local day;
//! its feed is applied to a `wfm_core::live::Center` in order.
//!
//! Every simulated minute, for every group and prediction kind at the low end of its lead
//! range, `predict()` and the persistence `baseline()` (the current figure persists) are
//! made; the first prediction for each (kind, group, target interval) is kept and, when
//! the clock reaches the end of its target interval, both are scored with `actual()` (or
//! `actual_peak_load()`) on the Center then and the same threshold, by the same
//! `wfm_core::alerting::accuracy::accuracy` (`prediction_day/score.rs`). Lead time: from
//! the prediction to the first minute the group's live figure breached (0 when it already
//! had). The verdict per kind is `prediction_day/report.rs`'s "beats".
//!
//! Run: `cargo run --release --example prediction_day -p wfm-pulse -- [FIRST_SEED]`
//! (1 when left out). Everything printed but the run time is the same for the same seed.

mod prediction_day {
    pub mod report;
    pub mod scenario;
    pub mod score;
}

use std::process::ExitCode;
use std::time::Instant;

use prediction_day::scenario::{Day, GROUPS};
use prediction_day::{report, score};

/// Days in the week run.
const DAYS: u64 = 7;

fn main() -> ExitCode {
    let Ok(first) = std::env::args().nth(1).map_or(Ok(1), |s| s.parse::<u64>()) else {
        eprintln!("usage: prediction_day [FIRST_SEED]   (a whole number, default 1)");
        return ExitCode::from(2);
    };
    let started = Instant::now();
    println!(
        "prediction accuracy over a simulated week: seeds {first}-{}, {} groups, 100 operators, \
         15-minute intervals, Europe/Moscow",
        first + DAYS - 1,
        GROUPS.len()
    );
    let mut scored = Vec::new();
    let (mut unstaffed, mut unscorable) = (0, 0);
    for seed in first..first + DAYS {
        let day = match Day::new(seed) {
            Ok(day) => day,
            Err(e) => {
                eprintln!("prediction_day: {e}");
                return ExitCode::FAILURE;
            }
        };
        let (date, kind, forecast) = (day.date, day.kind, day.forecast_calls);
        let run = score::run(day);
        let sl: Vec<String> = GROUPS
            .iter()
            .zip(&run.sl_today)
            .map(|(g, sl)| format!("{} {}", g.0, sl.map_or("-".into(), |v| format!("{v:.0}%"))))
            .collect();
        println!(
            "  seed {seed}: {date} {}; {} calls offered against {forecast:.0} forecast; SL today {}",
            kind.name,
            run.offered,
            sl.join(", ")
        );
        scored.extend(run.scored);
        unstaffed += run.unstaffed;
        unscorable += run.unscorable;
    }
    println!();
    println!(
        "per kind over the week (targets: the first prediction per kind, group and target \
         interval with someone planned on line; {unstaffed} night targets and {unscorable} \
         without a baseline or an actual left out)"
    );
    report::print(&scored);
    println!();
    println!(
        "prec = hits / alarms, recall = hits / breaches, F1 = 2 prec recall / (prec + recall); \
         lead: median minutes from a hit's alarm to the live figure's breach (0: it already had)"
    );
    println!("beats: a higher F1, a precision not lower than the baseline's and at least 50 %");
    println!(
        "seeds {first}-{}; run time {:.2} s (wall clock, the only figure that varies between runs)",
        first + DAYS - 1,
        started.elapsed().as_secs_f64()
    );
    ExitCode::SUCCESS
}

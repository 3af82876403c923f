//! Evaluation benchmark: loads an inventory and times the whole catalogue over it, excluding
//! the JSON load. `mocks/bench-eval.sh` builds a 100k-resource inventory and runs this in a
//! release build.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use faascan_checks::evaluate::{Selection, evaluate};
use faascan_checks::model::Inventory;
use faascan_checks::{Options, Status};
use std::time::Instant;

fn main() -> std::process::ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: eval_bench INVENTORY.json [RUNS]");
        return std::process::ExitCode::from(2);
    };
    let runs: usize = std::env::args()
        .nth(2)
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let loaded = Instant::now();
    let inventory: Inventory = match std::fs::read_to_string(&path)
        .map_err(|e| e.to_string())
        .and_then(|t| serde_json::from_str(&t).map_err(|e| e.to_string()))
    {
        Ok(inventory) => inventory,
        Err(e) => {
            eprintln!("{path}: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    println!("loaded {path} in {:.2} s", loaded.elapsed().as_secs_f64());
    let checks = Selection::default().resolve().unwrap_or_default();
    let options = Options::default();
    for run in 1..=runs {
        let started = Instant::now();
        let results = evaluate(&inventory, &options, &checks);
        let elapsed = started.elapsed().as_secs_f64();
        let fails = results.iter().filter(|r| r.status == Status::Fail).count();
        println!(
            "run {run}: {} checks, {} results ({fails} fail) in {elapsed:.3} s",
            checks.len(),
            results.len()
        );
    }
    if std::env::var_os("FAASCAN_BENCH_PER_CHECK").is_some() {
        let mut timings: Vec<(f64, &str)> = checks
            .iter()
            .map(|c| {
                let started = Instant::now();
                let _ = evaluate(&inventory, &options, &[*c]);
                (started.elapsed().as_secs_f64(), c.meta.id)
            })
            .collect();
        timings.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (t, id) in timings.iter().take(15) {
            println!("{t:>8.3} s  {id}");
        }
    }
    std::process::ExitCode::SUCCESS
}

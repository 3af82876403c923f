//! Output benchmark: loads an inventory (typed, straight from the file), evaluates the given
//! checks, then writes each format to a file, printing the peak RSS after each stage. It
//! measures what the renderers add on top of the inventory and the results;
//! `mocks/bench-outputs.sh` runs it beside `faascan scan` on a 100k-resource inventory.
//!
//!     render_bench INVENTORY.json OUT_DIR CHECK[,CHECK...] FORMAT...
#![allow(clippy::print_stdout, clippy::print_stderr)]

use faascan_checks::Options;
use faascan_checks::evaluate::{Selection, catalogue_version, evaluate};
use faascan_checks::model::Inventory;
use faascan_reports::report::Report;
use std::io::Write;
use std::time::Instant;

/// The process's peak resident set so far, in MiB (Linux `VmHWM`).
fn peak_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kib| kib.parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kib| kib / 1024.0)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [inventory, dir, checks, formats @ ..] = args.as_slice() else {
        return Err("usage: render_bench INVENTORY.json OUT_DIR CHECK[,CHECK...] FORMAT...".into());
    };
    let started = Instant::now();
    let file = std::io::BufReader::new(std::fs::File::open(inventory)?);
    let inventory: Inventory = serde_json::from_reader(file)?;
    println!(
        "load: {:.1} s, peak {:.0} MiB",
        started.elapsed().as_secs_f64(),
        peak_mib()
    );
    let selection = Selection {
        checks: checks.split(',').map(str::to_owned).collect(),
        ..Selection::default()
    };
    let checks = selection.resolve()?;
    let results = evaluate(&inventory, &Options::default(), &checks);
    let report = Report::new(&inventory, results, checks.len(), catalogue_version());
    println!(
        "evaluate + report: {} results, peak {:.0} MiB",
        report.results.len(),
        peak_mib()
    );
    std::fs::create_dir_all(dir)?;
    for format in formats {
        let started = Instant::now();
        let path = std::path::Path::new(dir).join(format!("report.{format}"));
        let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
        match format.as_str() {
            "json" => report.write_json(&mut out)?,
            "csv" => faascan_reports::csv::write(&report, &mut out)?,
            "junit" => faascan_reports::junit::write(&report, &mut out)?,
            "markdown" => faascan_reports::markdown::write(&report, &mut out)?,
            "html" => faascan_reports::html::write(&report, &mut out)?,
            "ocsf" => faascan_reports::ocsf::write(&report, &mut out)?,
            "asff" => faascan_reports::asff::write(&report, &mut out)?,
            "sarif" => faascan_reports::sarif::write(&report, &mut out)?,
            "table" => out.write_all(
                faascan_reports::table::render(&report, &Default::default()).as_bytes(),
            )?,
            other => return Err(format!("unknown format {other}").into()),
        }
        out.flush()?;
        println!(
            "{format}: {:.1} s, {:.1} MB, peak {:.0} MiB",
            started.elapsed().as_secs_f64(),
            std::fs::metadata(&path)?.len() as f64 / 1e6,
            peak_mib()
        );
    }
    Ok(())
}

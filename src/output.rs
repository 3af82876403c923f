//! Writing reports: every format from one report (scan and merge share it), to stdout, a
//! file, or one file per format in a directory. Nothing else writes to stdout.

use crate::cli::{Format, GroupBy};
use crate::error::Failure;
use crate::plan::OutputPlan;
use faascan_checks::model::Inventory;
use faascan_reports::report::Report;
use faascan_reports::summary::InventorySummary;
use faascan_reports::table;
use faascan_reports::text::sanitize;
use std::io::{IsTerminal, Write};
use std::path::Path;

/// The table's width when stdout is not a terminal (a file, a pipe, a CI log).
const DEFAULT_WIDTH: u16 = 120;

/// The terminal's width: asked of the terminal itself (most shells do not export COLUMNS to
/// programs), else COLUMNS.
pub(crate) fn terminal_width() -> Option<u16> {
    terminal_size::terminal_size_of(std::io::stdout())
        .map(|(terminal_size::Width(w), _)| w)
        .filter(|w| *w > 0)
        .or_else(|| std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()))
}

/// What a report is rendered from: the report, and for `--format summary` (or a scan that
/// needs no report) the inventories and the accounts that failed.
pub(crate) struct Rendered<'a> {
    pub(crate) report: Option<&'a Report>,
    pub(crate) inventories: &'a [Inventory],
    pub(crate) failures: &'a [(String, String)],
}

/// Writes every format the plan asks for.
pub(crate) fn write_reports(plan: &OutputPlan, what: &Rendered<'_>) -> Result<(), Failure> {
    let on_terminal = plan.file.is_none() && plan.dir.is_none() && std::io::stdout().is_terminal();
    let width = if on_terminal {
        terminal_width()
    } else {
        std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok())
    };
    // Colour only for a person at a terminal, and never when NO_COLOR is set (no-color.org).
    let colour = on_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let render = |format: Format, out: &mut dyn Write| -> Result<(), Failure> {
        let text = match (format, what.report) {
            (Format::Summary, _) | (_, None) => {
                let mut text: String = what
                    .inventories
                    .iter()
                    .map(|inventory| InventorySummary::new(inventory).to_table(width, plan.verbose))
                    .collect();
                for (account, error) in what.failures {
                    text.push_str(&format!(
                        "INCOMPLETE SCAN: account {} could not be scanned: {}\n",
                        sanitize(account),
                        sanitize(error)
                    ));
                }
                text
            }
            (Format::Table, Some(r)) => table::render(
                r,
                &table::Options {
                    width: usize::from(width.unwrap_or(DEFAULT_WIDTH)),
                    verbose: plan.verbose,
                    colour,
                    group_by: match plan.group_by {
                        GroupBy::Resource => table::GroupBy::Resource,
                        GroupBy::Check => table::GroupBy::Check,
                    },
                    compliance: plan.compliance.as_deref(),
                },
            ),
            // The report formats are written as they are rendered.
            (format, Some(r)) => {
                return match format {
                    Format::Json => r.write_json(out),
                    Format::Csv => faascan_reports::csv::write(r, out),
                    Format::Junit => faascan_reports::junit::write(r, out),
                    Format::Markdown => faascan_reports::markdown::write(r, out),
                    Format::Html => faascan_reports::html::write(r, out),
                    Format::Ocsf => faascan_reports::ocsf::write(r, out),
                    Format::Asff => faascan_reports::asff::write(r, out),
                    Format::Sarif => faascan_reports::sarif::write(r, out),
                    Format::Summary | Format::Table => Ok(()),
                }
                .map_err(|e| match e.io_kind() {
                    Some(std::io::ErrorKind::BrokenPipe) => Failure::PipeClosed,
                    _ => Failure::Render(e),
                });
            }
        };
        out.write_all(text.as_bytes())
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::BrokenPipe => Failure::PipeClosed,
                _ => Failure::Write {
                    what: "writing the output".to_owned(),
                    source,
                },
            })
    };
    match &plan.dir {
        Some(dir) => {
            // create_dir_all on an existing file says only "File exists".
            if dir.exists() && !dir.is_dir() {
                return Err(Failure::Write {
                    what: format!("--output-dir {}", dir.display()),
                    source: std::io::Error::other("it exists and is not a directory"),
                });
            }
            std::fs::create_dir_all(dir).map_err(|source| Failure::Write {
                what: format!("creating {}", dir.display()),
                source,
            })?;
            let stem = output_stem(what.report, what.inventories);
            let mut written = String::new();
            for format in &plan.formats {
                let path = dir.join(format!("{stem}.{}", extension(*format)));
                write_rendered(Some(&path), |out| render(*format, out))?;
                written.push_str(&sanitize(&path.display().to_string()));
                written.push('\n');
            }
            // The paths written, one per line, for a person or a script (not with --quiet).
            if !plan.quiet {
                write_output(None, &written)?;
            }
        }
        // --quiet: nothing on stdout; a file named with --output is still written.
        None if plan.quiet && plan.file.is_none() => {}
        None => {
            let format = plan.formats.first().copied().unwrap_or(Format::Table);
            write_rendered(plan.file.as_deref(), |out| render(format, out))?;
        }
    }
    Ok(())
}

/// Results go to stdout or a file; nothing else writes there.
pub(crate) fn write_output(path: Option<&Path>, text: &str) -> Result<(), Failure> {
    match path {
        Some(path) => write_file(path, |out| {
            out.write_all(text.as_bytes())
                .map_err(|source| Failure::Write {
                    what: format!("writing {}", path.display()),
                    source,
                })
        }),
        None => {
            let mut stdout = std::io::stdout().lock();
            let written = stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush());
            match written {
                // `faascan scan | head`: the reader has what it wanted; end quietly.
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(Failure::PipeClosed),
                Err(source) => Err(Failure::Write {
                    what: "writing to stdout".to_owned(),
                    source,
                }),
                Ok(()) => Ok(()),
            }
        }
    }
}

/// Writes `value` as pretty JSON while it is serialised (a 10,000-function inventory is never
/// also held as one string): to the file, or to stdout.
pub(crate) fn write_json<T: serde::Serialize>(
    path: Option<&Path>,
    value: &T,
    what: &str,
) -> Result<(), Failure> {
    let target = path.map_or("stdout".to_owned(), |p| p.display().to_string());
    write_rendered(path, |out| {
        serde_json::to_writer_pretty(&mut *out, value)
            .map_err(std::io::Error::from)
            .and_then(|()| out.write_all(b"\n"))
            .map_err(|source| match source.kind() {
                std::io::ErrorKind::BrokenPipe => Failure::PipeClosed,
                _ => Failure::Write {
                    what: format!("writing the {what} to {target}"),
                    source,
                },
            })
    })
}

/// Writes one output as it is rendered, through a buffer: to the file, or to stdout.
fn write_rendered(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let flushed = |result: Result<(), Failure>, flush: std::io::Result<()>, what: String| {
        result?;
        flush.map_err(|source| match source.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::PipeClosed,
            _ => Failure::Write { what, source },
        })
    };
    match path {
        Some(path) => write_file(path, render),
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            let result = render(&mut out);
            let flush = out.flush();
            flushed(result, flush, "writing to stdout".to_owned())
        }
    }
}

/// Writes a file through a temporary file in its directory, renamed over PATH once complete:
/// a reader polling for PATH (the merge step of a sharded run on a shared volume) never sees
/// half a report, and a failed render leaves neither PATH nor the temporary file (dropping
/// it deletes it).
pub(crate) fn write_file(
    path: &Path,
    render: impl FnOnce(&mut dyn Write) -> Result<(), Failure>,
) -> Result<(), Failure> {
    let failed = |source| Failure::Write {
        what: format!("writing {}", path.display()),
        source,
    };
    // A device or a pipe (`--output /dev/stdout`) cannot be replaced by a rename, nor has a
    // directory to hold a temporary file: written in place, as it is read.
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut out = std::io::BufWriter::new(std::fs::File::create(path).map_err(failed)?);
        render(&mut out)?;
        return out.flush().map_err(|source| match source.kind() {
            std::io::ErrorKind::BrokenPipe => Failure::PipeClosed,
            _ => failed(source),
        });
    }
    // A symlink stays, and the file it points to is replaced (as writing through it did).
    let target = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = match target.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    // The mode a plain create gives (0666 less the umask), not the temporary file's 0600: a
    // merge step running as another user reads the shards.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let temp = builder.tempfile_in(dir).map_err(failed)?;
    let mut out = std::io::BufWriter::new(temp);
    render(&mut out)?;
    let temp = out.into_inner().map_err(|e| failed(e.into_error()))?;
    // On a network volume, written data may reach the server only at close: synced before
    // the rename, so a reader on another machine never finds the name before the content.
    temp.as_file().sync_all().map_err(failed)?;
    temp.persist(&target).map_err(|e| failed(e.error))?;
    Ok(())
}

/// The file extension of each format (with --output-dir).
pub(crate) fn extension(format: Format) -> &'static str {
    match format {
        Format::Table => "txt",
        Format::Json => "json",
        Format::Summary => "summary.txt",
        Format::Csv => "csv",
        Format::Junit => "junit.xml",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Ocsf => "ocsf.json",
        Format::Asff => "asff.jsonl",
        Format::Sarif => "sarif",
    }
}

/// The format a file name asks for (`--output report.sarif`), longest extension first.
pub(crate) fn format_for_path(path: &Path) -> Option<Format> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    const BY_SUFFIX: [(&str, Format); 14] = [
        (".summary.txt", Format::Summary),
        (".ocsf.json", Format::Ocsf),
        (".asff.jsonl", Format::Asff),
        (".asff.json", Format::Asff),
        (".sarif.json", Format::Sarif),
        (".junit.xml", Format::Junit),
        (".sarif", Format::Sarif),
        (".json", Format::Json),
        (".csv", Format::Csv),
        (".xml", Format::Junit),
        (".md", Format::Markdown),
        (".html", Format::Html),
        (".htm", Format::Html),
        (".txt", Format::Table),
    ];
    BY_SUFFIX
        .iter()
        .find(|(suffix, _)| name.ends_with(suffix))
        .map(|(_, format)| *format)
}

/// `faascan-<account>-<scan end, UTC>`: files of different accounts and runs sit side by side
/// in one --output-dir instead of overwriting each other.
fn output_stem(report: Option<&Report>, inventories: &[Inventory]) -> String {
    let (account, finished) = match report {
        Some(r) => (r.account.clone(), r.scan_finished.clone()),
        None => inventories.first().map_or_else(Default::default, |i| {
            (
                i.account.id.clone(),
                i.account
                    .scan_finished
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default(),
            )
        }),
    };
    let account: String = account
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '+'
            }
        })
        .take(120)
        .collect();
    let stamp: String = finished
        .chars()
        .take_while(|c| *c != '.' && *c != '+')
        .filter(|c| c.is_ascii_digit() || *c == 'T')
        .collect();
    format!(
        "faascan-{}-{}Z",
        if account.is_empty() {
            "unknown"
        } else {
            &account
        },
        stamp
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("faascan-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        dir
    }

    fn entries(dir: &Path) -> Vec<String> {
        std::fs::read_dir(dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect::<Result<_, _>>()
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Half a report, then a render error: nothing at PATH (or the old file intact), and no
    /// temporary file left beside it.
    #[test]
    fn a_failed_render_leaves_no_partial_file() {
        let dir = scratch("failed");
        let path = dir.join("shard-0.json");
        let half = |out: &mut dyn Write| -> Result<(), Failure> {
            out.write_all(&[b'x'; 100_000])
                .and_then(|()| out.flush())
                .unwrap_or_else(|e| panic!("{e}"));
            Err(Failure::usage("the render failed"))
        };
        assert!(matches!(
            write_rendered(Some(&path), half),
            Err(Failure::Usage(_))
        ));
        assert!(!path.exists(), "no half-written file at PATH");
        assert_eq!(
            entries(&dir),
            Vec::<String>::new(),
            "no temporary file left"
        );

        // A previous report at PATH is kept whole, not truncated.
        write_output(Some(&path), "{\"previous\": true}\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(write_rendered(Some(&path), half).is_err());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap_or_default(),
            "{\"previous\": true}\n"
        );
        assert_eq!(entries(&dir), ["shard-0.json"]);

        // A complete render replaces it, and only PATH is left.
        write_rendered(Some(&path), |out| {
            out.write_all(b"{}\n").map_err(|source| Failure::Write {
                what: "test".to_owned(),
                source,
            })
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), "{}\n");
        assert_eq!(entries(&dir), ["shard-0.json"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn an_unwritable_place_is_a_write_failure_naming_the_path() {
        let path = scratch("missing").join("no-such-dir").join("report.json");
        match write_output(Some(&path), "{}") {
            Err(Failure::Write { what, .. }) => {
                assert_eq!(what, format!("writing {}", path.display()));
            }
            other => panic!("{other:?}"),
        }
    }

    /// `--output /dev/stdout` and the like: a device is written in place, not renamed over.
    #[cfg(unix)]
    #[test]
    fn a_device_is_written_in_place() {
        write_output(Some(Path::new("/dev/null")), "{}\n").unwrap_or_else(|e| panic!("{e}"));
    }

    /// The report gets the mode a plain create gives (the umask's), not a temporary file's 0600.
    #[cfg(unix)]
    #[test]
    fn the_report_has_a_plain_files_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = scratch("mode");
        let (probe, path) = (dir.join("probe"), dir.join("report.json"));
        std::fs::File::create(&probe).unwrap_or_else(|e| panic!("{e}"));
        write_output(Some(&path), "{}").unwrap_or_else(|e| panic!("{e}"));
        let mode = |p: &Path| std::fs::metadata(p).map(|m| m.permissions().mode()).ok();
        assert_eq!(mode(&path), mode(&probe));
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A symlink at PATH stays a symlink; the file it points to gets the report.
    #[cfg(unix)]
    #[test]
    fn a_symlink_is_kept() {
        let dir = scratch("link");
        let (real, link) = (dir.join("real.json"), dir.join("link.json"));
        std::fs::write(&real, "old").unwrap_or_else(|e| panic!("{e}"));
        std::os::unix::fs::symlink(&real, &link).unwrap_or_else(|e| panic!("{e}"));
        write_output(Some(&link), "new").unwrap_or_else(|e| panic!("{e}"));
        assert!(std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink()));
        assert_eq!(std::fs::read_to_string(&real).unwrap_or_default(), "new");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

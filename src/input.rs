//! Reading files a person hands to faascan (inventories, baseline reports, the configuration):
//! bounded in size (`/dev/zero` is an error, not an exhausted machine), a UTF-8 byte-order mark
//! accepted, and schema versions checked with a message that says what was found.

use crate::error::Failure;
use faascan_checks::model::{INVENTORY_SCHEMA_VERSION, Inventory};
use std::io::Read;
use std::path::Path;

/// Inventories and reports: a 100,000-resource inventory is about 200 MB.
pub(crate) const MAX_JSON_BYTES: u64 = 512 * 1024 * 1024;
/// The configuration file.
pub(crate) const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

fn human(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

/// The whole file as text, at most `limit` bytes, without a leading byte-order mark.
pub(crate) fn read_text(path: &Path, what: &str, limit: u64) -> Result<String, String> {
    let bytes = read_bytes(path, what, limit)?;
    text_of(bytes, path, what)
}

/// UTF-8 text without a leading byte-order mark.
fn text_of(bytes: Vec<u8>, path: &Path, what: &str) -> Result<String, String> {
    let shown = path.display();
    let text = String::from_utf8(bytes).map_err(|e| {
        format!(
            "the {what} {shown} is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })?;
    Ok(match text.strip_prefix('\u{FEFF}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// The whole file, at most `limit` bytes, read through the bound (not by the size the file
/// claims: a device or a growing file behind a symlink cannot exhaust memory).
pub(crate) fn read_bytes(path: &Path, what: &str, limit: u64) -> Result<Vec<u8>, String> {
    read_bytes_checked(path, what, limit, |_| Ok(()))
}

/// [`read_bytes`], with `check` run on the first 64 KiB before the rest is read: a device that
/// never ends (`/dev/zero`) is refused by its first bytes, not after filling the limit.
fn read_bytes_checked(
    path: &Path,
    what: &str,
    limit: u64,
    check: impl Fn(&[u8]) -> Result<(), String>,
) -> Result<Vec<u8>, String> {
    let shown = path.display();
    let file = open(path).map_err(|e| format!("reading the {what} {shown}: {e}"))?;
    if let Ok(meta) = file.metadata() {
        if meta.is_dir() {
            return Err(format!("the {what} {shown} is a directory, not a file"));
        }
        if meta.len() > limit {
            // The size in bytes: rounded, 1.5 MiB would read "1 MiB; at most 1 MiB".
            return Err(format!(
                "the {what} {shown} is {} bytes; faascan reads at most {}",
                meta.len(),
                human(limit)
            ));
        }
    }
    // Devices and pipes report no length: read one byte past the limit to tell.
    let mut bytes = Vec::new();
    let mut bounded = file.take(limit + 1);
    (&mut bounded)
        .take(64 * 1024)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading the {what} {shown}: {e}"))?;
    check(&bytes)?;
    bounded
        .read_to_end(&mut bytes)
        .map_err(|e| format!("reading the {what} {shown}: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "the {what} {shown} is larger than {}, the most faascan reads",
            human(limit)
        ));
    }
    Ok(bytes)
}

/// Opens `path` for reading. A FIFO is opened without waiting for a writer (a named pipe nobody
/// writes to would hang the scan at `open`), then read normally: `<(command)` still works, and a
/// FIFO without a writer reads as empty.
#[cfg(unix)]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
    let is_fifo = std::fs::metadata(path).is_ok_and(|m| m.file_type().is_fifo());
    if !is_fifo {
        return std::fs::File::open(path);
    }
    let nonblocking = rustix::fs::OFlags::NONBLOCK.bits();
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(i32::try_from(nonblocking).unwrap_or_default())
        .open(path)?;
    rustix::fs::fcntl_setfl(&file, rustix::fs::OFlags::empty())?;
    Ok(file)
}

#[cfg(not(unix))]
fn open(path: &Path) -> std::io::Result<std::fs::File> {
    std::fs::File::open(path)
}

/// [`read_text`] for a JSON file: text that cannot start a JSON value is refused at its first
/// bytes.
fn read_json_text(path: &Path, what: &str) -> Result<String, String> {
    let starts_json = |head: &[u8]| {
        // Invalid UTF-8 (not a character cut at the end of the head) is said as such.
        if let Err(e) = std::str::from_utf8(head)
            && e.error_len().is_some()
        {
            return Err(format!(
                "the {what} {} is not UTF-8 text (invalid byte at offset {})",
                path.display(),
                e.valid_up_to()
            ));
        }
        let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
        match head.iter().find(|b| !b.is_ascii_whitespace()) {
            None | Some(b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n') => Ok(()),
            Some(_) => Err(format!(
                "{} is not JSON: it does not start like JSON",
                path.display()
            )),
        }
    };
    let bytes = read_bytes_checked(path, what, MAX_JSON_BYTES, starts_json)?;
    text_of(bytes, path, what)
}

/// `schema_version` must be the number this faascan reads; the message says what was there
/// instead (absent, another type, another number).
pub(crate) fn check_schema_version(
    value: &serde_json::Value,
    path: &Path,
    what: &str,
    expected: u32,
) -> Result<(), String> {
    let shown = path.display();
    if !value.is_object() {
        return Err(format!(
            "{shown} is not a faascan {what}: it is a JSON {}, not an object",
            kind(value)
        ));
    }
    match value.get("schema_version") {
        None => Err(format!(
            "{shown} has no schema_version: it is not a faascan {what}"
        )),
        Some(v) if v.as_u64() == Some(u64::from(expected)) => Ok(()),
        Some(serde_json::Value::Number(n)) => Err(format!(
            "{shown} has {what} schema version {n}; this faascan reads version {expected}"
        )),
        Some(other) => Err(format!(
            "{shown} has schema_version {} (a {}); this faascan reads {what} schema version {expected}, a number",
            shorten_for_message(&other.to_string()),
            kind(other)
        )),
    }
}

/// Values echoed in a message (serde quotes the offending value) stay short.
pub(crate) fn shorten_for_message(text: &str) -> String {
    const MAX: usize = 300;
    if text.chars().count() <= MAX {
        text.to_owned()
    } else {
        text.chars().take(MAX).collect::<String>() + "…"
    }
}

/// A JSON file faascan wrote (`what` names it in messages): bounded in size, JSON, and of
/// the schema version this faascan reads. Every refusal is a usage error.
pub(crate) fn read_json(
    path: &Path,
    what: &str,
    schema_version: u32,
) -> Result<serde_json::Value, Failure> {
    let text = read_json_text(path, what).map_err(Failure::Usage)?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Failure::Usage(format!("{} is not JSON: {e}", path.display())))?;
    check_schema_version(&value, path, what, schema_version).map_err(Failure::Usage)?;
    Ok(value)
}

/// The top level of a JSON object with every member but `schema_version` skipped unread.
/// (A derived `Deserialize` would also accept an array, taking its first element.)
struct Probe {
    schema_version: Option<serde_json::Value>,
}

impl<'de> serde::Deserialize<'de> for Probe {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectOnly;
        impl<'de> serde::de::Visitor<'de> for ObjectOnly {
            type Value = Probe;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Probe, A::Error> {
                let mut schema_version = None;
                while let Some(key) = map.next_key::<String>()? {
                    if key == "schema_version" {
                        schema_version = Some(map.next_value()?);
                    } else {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    }
                }
                Ok(Probe { schema_version })
            }
        }
        deserializer.deserialize_map(ObjectOnly)
    }
}

/// A JSON file faascan wrote, read straight into its type: the schema version is checked
/// on a probe that keeps nothing else, so a 200 MB inventory is never also held as a
/// `serde_json::Value` tree (that tree took four times the typed model's memory).
fn read_typed<T: serde::de::DeserializeOwned>(
    path: &Path,
    what: &str,
    kind_name: &str,
    schema_version: u32,
) -> Result<T, Failure> {
    let not_a = |e: serde_json::Error| {
        Failure::Usage(format!(
            "{} is not a {kind_name}: {}",
            path.display(),
            shorten_for_message(&e.to_string())
        ))
    };
    let schema_checked = |probe: Result<Probe, serde_json::Error>| -> Result<(), Failure> {
        match probe {
            Ok(probe) => {
                let mut object = serde_json::Map::new();
                if let Some(version) = probe.schema_version {
                    object.insert("schema_version".to_owned(), version);
                }
                check_schema_version(&object.into(), path, what, schema_version)
                    .map_err(Failure::Usage)
            }
            // Not an object, or not JSON: the full parse says which (only on this error path).
            Err(_) => read_json(path, what, schema_version).map(drop),
        }
    };
    // A regular file within the limit is parsed from the file itself, twice (the probe, then
    // the model), so the text is never held whole beside the model; anything else (a pipe, a
    // device) is read bounded into memory first.
    if let Some(file) = regular_file_within(path, MAX_JSON_BYTES) {
        schema_checked(serde_json::from_reader(json_reader(file)))?;
        let file = std::fs::File::open(path)
            .map_err(|e| Failure::Usage(format!("reading the {what} {}: {e}", path.display())))?;
        return serde_json::from_reader(json_reader(file)).map_err(not_a);
    }
    let text = read_json_text(path, what).map_err(Failure::Usage)?;
    schema_checked(serde_json::from_str::<Probe>(&text))?;
    serde_json::from_str(&text).map_err(not_a)
}

/// The file, when `path` is a regular file no larger than `limit`.
fn regular_file_within(path: &Path, limit: u64) -> Option<std::fs::File> {
    let file = open(path).ok()?;
    let meta = file.metadata().ok()?;
    (meta.is_file() && meta.len() <= limit).then_some(file)
}

/// A buffered reader of a JSON file, past a UTF-8 byte-order mark if there is one.
fn json_reader(file: std::fs::File) -> impl Read {
    use std::io::BufRead;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    if reader
        .fill_buf()
        .is_ok_and(|b| b.starts_with(b"\xEF\xBB\xBF"))
    {
        reader.consume(3);
    }
    reader
}

/// A saved JSON report (`--baseline`, `faascan diff`).
pub(crate) fn load_report(path: &Path) -> Result<faascan_reports::diff::SavedReport, Failure> {
    read_typed(
        path,
        "report",
        "faascan JSON report",
        faascan_reports::report::REPORT_SCHEMA_VERSION,
    )
}

/// A saved inventory (`scan --inventory`).
pub(crate) fn load_inventory(path: &Path) -> Result<Inventory, Failure> {
    read_typed(
        path,
        "inventory",
        "faascan inventory",
        INVENTORY_SCHEMA_VERSION,
    )
}

fn kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path =
            std::env::temp_dir().join(format!("faascan-input-{name}-{}", std::process::id()));
        std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
        path
    }

    #[test]
    fn size_limits_hold_for_files_and_devices() {
        let big = temp("big", &[b' '; 2048]);
        let err = read_text(&big, "inventory", 1024).err().unwrap_or_default();
        assert!(err.contains("at most 1 KiB"), "{err}");
        let _ = std::fs::remove_file(&big);
        let zero = read_text(Path::new("/dev/zero"), "inventory", 4096)
            .err()
            .unwrap_or_default();
        assert!(zero.contains("larger than"), "{zero}");
        // A JSON input is refused by its first bytes, not after reading the limit.
        let zero = load_inventory(Path::new("/dev/zero"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(zero.contains("does not start like JSON"), "{zero}");
    }

    /// `f` on another thread, failed after 20 s instead of hanging the suite.
    #[cfg(unix)]
    fn within_seconds<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let _ = tx.send(f());
        });
        rx.recv_timeout(std::time::Duration::from_secs(20))
            .unwrap_or_else(|_| panic!("hung on a FIFO"))
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_without_a_writer_is_refused_at_once_and_one_with_a_writer_is_read() {
        let fifo = std::env::temp_dir().join(format!("faascan-fifo-{}", std::process::id()));
        let _ = std::fs::remove_file(&fifo);
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap_or_else(|e| panic!("mkfifo: {e}"));
        assert!(made.success());
        let path = fifo.clone();
        let err = within_seconds(move || load_inventory(&path).err().map(|e| e.to_string()));
        assert!(err.is_some_and(|e| e.contains("not JSON")), "an empty pipe");
        let writer_path = fifo.clone();
        let writer = std::thread::spawn(move || {
            // Opening for writing waits for a reader; a reader that leaves before the write
            // (it read the pipe empty) breaks it, so write again.
            while std::fs::write(&writer_path, b"{\"a\": 1}").is_err() {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        });
        // The reader may open before the writer: it then reads an empty pipe, so retry.
        let path = fifo.clone();
        let text = within_seconds(move || {
            loop {
                match read_text(&path, "inventory", 1024) {
                    Ok(text) if !text.is_empty() => return text,
                    _ => std::thread::sleep(std::time::Duration::from_millis(20)),
                }
            }
        });
        assert_eq!(text, "{\"a\": 1}");
        writer.join().unwrap_or_else(|_| panic!("writer"));
        let _ = std::fs::remove_file(&fifo);
    }

    #[test]
    fn a_bom_is_accepted_and_bad_utf8_is_named() {
        let bom = temp("bom", b"\xEF\xBB\xBF{\"a\":1}");
        assert_eq!(
            read_text(&bom, "report", 1024).ok().as_deref(),
            Some("{\"a\":1}")
        );
        let _ = std::fs::remove_file(&bom);
        let bad = temp("bad", b"{\"a\":\"\xFF\"}");
        let err = read_text(&bad, "report", 1024).err().unwrap_or_default();
        assert!(
            err.contains("not UTF-8") && err.contains("offset 6"),
            "{err}"
        );
        let _ = std::fs::remove_file(&bad);
    }

    #[test]
    fn an_inventory_file_is_read_typed_with_or_without_a_bom_and_refused_clearly() {
        let demo = std::fs::read(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("mocks/demo/inventory.json"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let plain = temp("inv-plain", &demo);
        let with_bom = temp("inv-bom", &[b"\xEF\xBB\xBF".as_slice(), &demo].concat());
        let a = load_inventory(&plain).unwrap_or_else(|e| panic!("{e}"));
        let b = load_inventory(&with_bom).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(a.account.id, b.account.id);
        let message = |bytes: &[u8], name: &str| match load_inventory(&temp(name, bytes)) {
            Err(Failure::Usage(m)) => m,
            other => panic!(
                "{name}: expected a usage error, got {:?}",
                other.map(|_| ())
            ),
        };
        assert!(message(b"[1]", "inv-array").contains("not an object"));
        assert!(message(b"{\"schema_version\": 1}", "inv-old").contains("schema version 1"));
        assert!(message(b"{\"schema_version\": 2", "inv-cut").contains("not JSON"));
        assert!(message(b"\xff\xfe", "inv-utf16").contains("not UTF-8"));
        assert!(
            message(b"{\"schema_version\": 2, \"account\": 7}", "inv-shape")
                .contains("is not a faascan inventory")
        );
    }

    #[test]
    fn schema_version_messages_say_what_was_found() {
        let p = Path::new("x.json");
        let check = |v: serde_json::Value| check_schema_version(&v, p, "inventory", 1).err();
        assert_eq!(check(serde_json::json!({"schema_version": 1})), None);
        let string = check(serde_json::json!({"schema_version": "1"})).unwrap_or_default();
        assert!(
            string.contains("schema_version \"1\" (a string)"),
            "{string}"
        );
        let other = check(serde_json::json!({"schema_version": 7})).unwrap_or_default();
        assert!(
            other.contains("schema version 7; this faascan reads version 1"),
            "{other}"
        );
        let none = check(serde_json::json!({})).unwrap_or_default();
        assert!(none.contains("has no schema_version"), "{none}");
        let array = check(serde_json::json!([1])).unwrap_or_default();
        assert!(array.contains("a JSON array"), "{array}");
    }

    /// Random bytes and mutated JSON through the reader and the version check: never a panic,
    /// always an answer, within a time bound.
    #[test]
    fn random_input_is_read_or_refused_cleanly() {
        let mut state: u64 = 0x0dd_ba11;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let seeds: [&[u8]; 5] = [
            b"{\"schema_version\": 1, \"results\": []}",
            b"\xEF\xBB\xBF{\"schema_version\": \"1\"}",
            b"[1,2,3]",
            b"\xFF\xFE\x00\x00",
            b"",
        ];
        for case in 0..300 {
            let start = std::time::Instant::now();
            let mut bytes = seeds[case % seeds.len()].to_vec();
            for _ in 0..(next() % 6) {
                if bytes.is_empty() {
                    bytes.push((next() & 0xff) as u8);
                } else {
                    let i = (next() as usize) % bytes.len();
                    bytes[i] = (next() & 0xff) as u8;
                }
            }
            let path = temp(&format!("fuzz-{case}"), &bytes);
            if let Ok(text) = read_text(&path, "report", 1 << 20)
                && let Ok(value) = serde_json::from_str::<serde_json::Value>(&text)
            {
                let _ = check_schema_version(&value, &path, "report", 1);
            }
            let _ = std::fs::remove_file(&path);
            assert!(start.elapsed() < std::time::Duration::from_secs(2));
        }
    }
}

//! glibc's allocator, tuned for a scan. glibc gives threads that allocate at once their own
//! arenas (up to eight per core) and keeps each arena's freed pages: the collector's futures
//! run on the tokio workers, the checks on rayon's, and every arena they touched stayed
//! resident. Two arenas took a live scan of the bench account from 63 to 56 MiB peak RSS with
//! the same wall time (BENCHMARKS.md). `MALLOC_ARENA_MAX` in the environment still wins.

/// Arenas for the whole process: two keeps allocation from serialising on one lock.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const ARENAS: libc::c_int = 2;

/// Called first thing in `main`, before any other thread exists.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub(crate) fn tune() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_some() {
        return;
    }
    // SAFETY: mallopt sets one of the allocator's parameters; it takes no pointer and runs
    // before any other thread starts, so no allocation races it.
    #[allow(unsafe_code)]
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, ARENAS);
    }
}

/// Other allocators (musl, macOS, Windows) have no per-thread arenas to limit.
#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub(crate) fn tune() {}

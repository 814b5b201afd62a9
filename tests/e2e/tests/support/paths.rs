//! Where the built console is, and where screenshots go.

use std::path::PathBuf;

/// This crate's folder, read when the test runs (cargo sets it), not when it
/// was built: a target directory shared between clones can hold a binary built
/// in another checkout, which would then serve that checkout's console.
fn manifest_dir() -> PathBuf {
    std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// The npm tools (`tools/node_modules`), axe-core among them.
pub fn tools_dir() -> PathBuf {
    manifest_dir().join("../../tools")
}

pub fn console_dist() -> PathBuf {
    let dist = manifest_dir().join("../../dist");
    assert!(
        dist.join("index.html").exists(),
        "no console build at {}: run scripts/test (it builds the console with trunk first)",
        dist.display()
    );
    dist
}

/// Saves a PNG of the page to `tests/e2e/screenshots/<name>.png` (or
/// `$TILLOR_SCREENSHOT_DIR`), one per state a test reaches, so anyone can look
/// at what the browser showed.
pub fn screenshot_dir() -> PathBuf {
    std::env::var("TILLOR_SCREENSHOT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| manifest_dir().join("screenshots"))
}

//! The core must never depend on a browser API: it is tested natively and must stay usable outside
//! the panel. `cargo tree` over the core's normal (non-dev) dependencies, for the host and for
//! wasm32, must not name web-sys, js-sys, wasm-bindgen or leptos. A failure names the crate and
//! the dependency path that pulled it in, so it can be removed.

use std::process::Command;

const FORBIDDEN: [&str; 4] = ["web-sys", "js-sys", "wasm-bindgen", "leptos"];

fn tree(target: Option<&str>) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "-p", "socketscope-core", "-e", "normal", "--prefix", "none"]);
    if let Some(t) = target {
        cmd.args(["--target", t]);
    }
    let out = cmd.output().expect("run cargo tree");
    assert!(out.status.success(), "cargo tree failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8 output")
}

/// Crate names in `cargo tree --prefix none` output ("name vX.Y.Z (...)").
fn names(tree: &str) -> Vec<&str> {
    tree.lines().filter_map(|l| l.split_whitespace().next()).collect()
}

fn check(target: Option<&str>) {
    let t = tree(target);
    let names = names(&t);
    assert!(names.contains(&"socketscope-core"), "cargo tree printed no core: {t}");
    for bad in FORBIDDEN {
        // Exact names, and their sub-crates (wasm-bindgen-macro, leptos_dom, ...).
        let hits: Vec<&&str> = names
            .iter()
            .filter(|n| **n == bad || n.starts_with(&format!("{bad}-")) || n.starts_with(&format!("{}_", bad)))
            .collect();
        assert!(
            hits.is_empty(),
            "socketscope-core depends on {hits:?} (target {target:?}); the core must stay free of browser APIs. \
             Run `cargo tree -p socketscope-core -e normal -i {bad}` to see which dependency pulls it in."
        );
    }
}

#[test]
fn core_has_no_browser_dependencies_natively() {
    check(None);
}

#[test]
fn core_has_no_browser_dependencies_on_wasm32() {
    check(Some("wasm32-unknown-unknown"));
}

#[test]
fn the_check_would_catch_a_forbidden_crate() {
    // The UI crate does depend on them: the same scan over its tree must find them, or the
    // check above proves nothing.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["tree", "-p", "socketscope", "-e", "normal", "--prefix", "none"])
        .output()
        .expect("run cargo tree");
    let t = String::from_utf8_lossy(&out.stdout);
    let n = names(&t);
    assert!(n.contains(&"wasm-bindgen") && n.contains(&"leptos"), "scan found nothing in the UI crate: {t}");
}

//! The panel's split build (feature `split`, wasm32) keeps the linker's relocations in the wasm:
//! scripts/split-panel.sh needs them to cut it into chunks; wasm-bindgen and wasm-opt then drop
//! them. Only this crate's cdylib gets the flag, so the verify and HAR modules stay as they were.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let split = std::env::var_os("CARGO_FEATURE_SPLIT").is_some();
    if split && std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-cdylib-link-arg=--emit-relocs");
    }
}

# One place for every pinned tool version. Trunk.toml [tools] must agree (a test checks it).
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130   # must equal wasm-bindgen in Cargo.lock
WASM_OPT_VERSION=132           # npm binaryen; Debian's binaryen 108 breaks the output
WASM_SPLIT_VERSION=0.2.4         # crate wasm_split_cli_support (binary wasm-split-cli); must read Cargo.lock's wasm_split_helpers
CARGO_FUZZ_VERSION=0.13.2      # cargo +nightly install cargo-fuzz --version 0.13.2 --locked

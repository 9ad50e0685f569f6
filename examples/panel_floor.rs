//! The panel without its views: the Leptos floor (examples/leptos_floor.rs) and the first screen's
//! analysis (core/examples/first_screen_floor.rs) in one module, so what they share (std, the
//! allocator, formatting) counts once. What the panel's startup wasm has beyond this is its views
//! and their glue. Built and measured by `scripts/size-floors.sh`.

#[path = "leptos_floor.rs"]
mod leptos_floor;

#[path = "../core/examples/first_screen_floor.rs"]
mod first_screen_floor;

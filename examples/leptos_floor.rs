//! A small Leptos app built like the panel (same Leptos, features, `erase_components`, profile and
//! wasm-opt): signals, a memo, an effect, a keyed list, a `Show`, an input and a button. It draws
//! none of the panel's views: it is the floor the Leptos runtime and its glue put under the
//! panel's startup wasm. `scripts/size-floors.sh` builds it and prints its gzipped size.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

#[derive(Clone, PartialEq)]
struct Row {
    id: u32,
    name: String,
    frames: u64,
}

#[component]
fn RowView(#[prop(into)] row: Signal<Option<Row>>) -> impl IntoView {
    view! { <li class="conn">{move || row.get().map(|r| view! { <span class="url">{r.name}</span><span>{r.frames}</span> })}</li> }
}

#[component]
fn Floor() -> impl IntoView {
    let rows = RwSignal::new(Vec::<Row>::new());
    let filter = RwSignal::new(String::new());
    let shown = Memo::new(move |_| filter.with(|f| rows.with(|r| r.iter().filter(|x| x.name.contains(f.as_str())).cloned().collect::<Vec<_>>())));
    Effect::new(move |_| leptos::logging::log!("{} shown", shown.with(Vec::len)));
    let add = move |_| rows.update(|r| r.push(Row { id: r.len() as u32, name: format!("socket {}", r.len()), frames: 0 }));
    view! {
        <div class="app">
            <input prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev)) />
            <button on:click=add>"add"</button>
            <Show when=move || shown.with(Vec::is_empty)><p class="empty">"No sockets yet."</p></Show>
            <ul>
                <For each=move || shown.with(|s| s.iter().map(|r| r.id).collect::<Vec<_>>()) key=|id| *id let:id>
                    <RowView row=Signal::derive(move || shown.with(|s| s.iter().find(|r| r.id == id).cloned())) />
                </For>
            </ul>
        </div>
    }
}

#[wasm_bindgen]
pub fn leptos_floor_mount() {
    leptos::mount::mount_to_body(Floor);
}

//! The counts and what the capture lost (first screen), and the controls: pause, clear, preserve
//! log, export, settings (in the chunk drawn right after it).

use crate::{store::PanelState, transport::{send_via, TransportHandle}, ui::format::{bytes, count}};
use leptos::prelude::*;
use socketscope_core::schema::{Command, VERSION};

/// The wasm heap's size: where the captured frames live, so this is what the caps bound.
fn wasm_memory_bytes() -> u64 {
    use wasm_bindgen::JsCast;
    wasm_bindgen::memory()
        .dyn_into::<js_sys::WebAssembly::Memory>()
        .map(|m| m.buffer().unchecked_into::<js_sys::ArrayBuffer>().byte_length() as u64)
        .unwrap_or(0)
}

#[component]
pub fn Toolbar(live: bool) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let show_settings = RwSignal::new(false);
    let counts = move || {
        state.read(|s| {
            let conns = s.session.connections();
            let frames: u64 = conns.iter().map(|c| c.frames.len() as u64).sum();
            format!(
                "{} connections · {} frames · {} schema problems · panel memory {}",
                conns.len(),
                frames,
                s.schema_errors,
                bytes(wasm_memory_bytes())
            )
        })
    };
    // What the capture could not keep: frames the relays counted as over the frame cap, and events
    // that never reached the panel (gaps in a page's sequence numbers). Never silent.
    let losses = move || {
        state.read(|s| {
            let pages = s.session.pages();
            let (frames, dropped_bytes) = pages.iter().fold((0, 0), |(f, b), p| (f + p.dropped_frames, b + p.dropped_bytes));
            let lost: u64 = pages.iter().map(|p| p.lost()).sum();
            let mut out = Vec::new();
            if frames > 0 {
                out.push(format!(
                    "{} ({}) not kept: over the frame cap. Raise it in Settings, or Clear.",
                    count(frames, "frame"),
                    bytes(dropped_bytes)
                ));
            }
            if lost > 0 {
                out.push(format!("{} lost on the way to the panel: reopen the panel to resync.", count(lost, "event")));
            }
            out.join(" ")
        })
    };
    // The buttons come from the panel views' chunk, asked for one frame after the first connection
    // is drawn (the detail area asked first), or 300 ms after mount on a page with none: loading it
    // at mount cost reopens 20-25 ms before the first screen.
    let load_controls = crate::ui::latch::Latch::default();
    Effect::new(move |_| {
        if load_controls.is_off() && state.read(|s| !s.session.connections().is_empty()) {
            request_animation_frame(move || load_controls.turn_on());
        }
    });
    set_timeout(move || load_controls.turn_on(), std::time::Duration::from_millis(300));
    view! {
        <header class="bar" role="toolbar" aria-label="Recording">
            <strong>"Socketscope"</strong>
            {move || load_controls.is_on().then(|| crate::ui::lazy::show("toolbar controls", controls(live, show_settings)))}
            <span class="counts" data-testid="counts">{counts}</span>
            <span class="warn" data-testid="losses" role="status">{losses}</span>
        </header>
        <Show when=move || show_settings.get()>
            {crate::ui::lazy::show("settings view", super::settings::settings_view(Callback::new(move |_| show_settings.set(false))))}
        </Show>
    }
}

crate::ui::lazy::lazy_view! {
    /// Pause, clear, preserve log, export and settings, in the chunk drawn right after the first screen.
    after_first_screen => fn controls(live: bool, show_settings: RwSignal<bool>) { view! { <Controls live=live show_settings=show_settings /> }.into_any() }
}

#[component]
fn Controls(live: bool, show_settings: RwSignal<bool>) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let transport = use_context::<TransportHandle>();
    let toggle_pause = move |_| {
        let paused = !state.paused.get_untracked();
        state.paused.set(paused);
        if let Err(e) = send_via(transport, &Command::Pause { v: VERSION, paused }) {
            state.status.set(e);
        }
    };
    let clear = move |_| {
        state.write_now(|s| s.clear());
        state.selected.set(None);
        state.pinned.set(false);
        state.selected_frame.set(None);
    };
    let retry = crate::ui::lazy::retry_hint();
    let export_session = move |_| crate::ui::analysis::export(state, crate::ui::analysis::ExportKind::Session, retry);
    let export_har = move |_| crate::ui::analysis::export(state, crate::ui::analysis::ExportKind::Har, retry);
    view! {
            {live.then(|| view! {
                <button on:click=toggle_pause data-testid="pause" aria-pressed=move || state.paused.get().to_string()>
                    {move || if state.paused.get() { "Resume" } else { "Pause" }}
                </button>
            })}
            <button on:click=clear data-testid="clear" title="Forget everything captured so far">"Clear"</button>
            <label title="Keep connections from before the last reload or navigation">
                <input type="checkbox" data-testid="preserve-log"
                    prop:checked=move || state.settings.with(|s| s.preserve_log)
                    on:change=move |ev| { let on = event_target_checked(&ev); state.settings.update(|s| s.preserve_log = on) } />
                "Preserve log"
            </label>
            <button on:click=export_session data-testid="export-session">"Export session"</button>
            <button on:click=export_har data-testid="export-har">"Export HAR"</button>
            <label title="Replace tokens in exports">
                <input type="checkbox" data-testid="redact"
                    prop:checked=move || state.settings.with(|s| s.redact_exports)
                    on:change=move |ev| { let on = event_target_checked(&ev); state.settings.update(|s| s.redact_exports = on) } />
                "Redact tokens"
            </label>
            <button on:click=move |_| show_settings.update(|s| *s = !*s) data-testid="settings-toggle" aria-expanded=move || show_settings.get().to_string()>"Settings"</button>
    }
}

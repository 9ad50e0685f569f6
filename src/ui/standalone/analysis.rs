//! What an imported file shows. Placeholder until the core's HAR and session import exist.

use leptos::prelude::*;

#[component]
pub fn Analysis(name: String, text: String, #[prop(into)] now: Signal<f64>) -> impl IntoView {
    let _ = now;
    view! {
        <p class="bad" data-testid="import-status">
            {format!("{name} ({} bytes) was read, but this build cannot analyse imports yet: the core's HAR and session import are not built in.", text.len())}
        </p>
    }
}

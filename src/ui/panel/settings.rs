//! The settings view: capture caps, sites where capture is off, export redaction, project
//! close-code profiles, the topic key path, required claims, the operation-to-scope map and the
//! clock leeway. Edits are applied with "Apply", normalised by the core, and every correction
//! or profile problem is shown.

use crate::store::PanelState;
use leptos::prelude::*;
use socketscope_core::close_codes::parse_project_profile;
use socketscope_core::settings::{normalise, Settings};

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect()
}

/// `connect_document=doc:read` per line.
pub fn parse_scope_map(text: &str) -> (Vec<(String, String)>, Vec<String>) {
    let mut map = Vec::new();
    let mut problems = Vec::new();
    for line in lines(text) {
        match line.split_once('=') {
            Some((op, scope)) if !op.trim().is_empty() && !scope.trim().is_empty() => map.push((op.trim().into(), scope.trim().into())),
            _ => problems.push(format!("\"{line}\" is not operation=scope (e.g. submitOp=doc:write); ignored.")),
        }
    }
    (map, problems)
}

crate::ui::lazy::lazy_view! {
    /// The settings view, in its own chunk (shown on the Settings button).
    after_first_screen => fn settings_view(on_close: Callback<()>) { view! { <SettingsView on_close=on_close /> }.into_any() }
}

#[component]
pub fn SettingsView(#[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let s = state.settings.get_untracked();
    let enabled = RwSignal::new(s.capture.enabled);
    let max_frames = RwSignal::new(s.capture.max_frames.to_string());
    let max_payload_kib = RwSignal::new((s.capture.max_payload / 1024).to_string());
    let off_sites = RwSignal::new(s.capture_off_sites.join("\n"));
    let topic_path = RwSignal::new(s.topic_key_path.clone());
    let claims = RwSignal::new(s.required_claims.join(", "));
    let scopes = RwSignal::new(s.operation_scopes.iter().map(|(o, sc)| format!("{o}={sc}")).collect::<Vec<_>>().join("\n"));
    let leeway = RwSignal::new(s.leeway_seconds.to_string());
    let profiles = RwSignal::new(s.project_profiles.clone());
    let new_profile = RwSignal::new(String::new());
    let problems = RwSignal::new(Vec::<String>::new());

    let profile_problems = move |text: &str| parse_project_profile(text).problems.iter().map(|p| p.to_string()).collect::<Vec<_>>();
    let add_profile = move |_| {
        let text = new_profile.get_untracked();
        let load = parse_project_profile(&text);
        if load.profile.is_none() {
            problems.set(load.problems.iter().map(|p| format!("Profile not added: {p}")).collect());
            return;
        }
        profiles.update(|p| p.push(text));
        new_profile.set(String::new());
    };
    let apply = move |_| {
        let mut next: Settings = state.settings.get_untracked();
        let mut notes = Vec::new();
        let num = |text: String, what: &str, notes: &mut Vec<String>| -> Option<u64> {
            text.trim().parse::<u64>().map_err(|_| notes.push(format!("{what} must be a whole number; kept the old value."))).ok()
        };
        next.capture.enabled = enabled.get_untracked();
        if let Some(n) = num(max_frames.get_untracked(), "The frame cap", &mut notes) {
            next.capture.max_frames = n;
        }
        if let Some(n) = num(max_payload_kib.get_untracked(), "The payload cap", &mut notes) {
            next.capture.max_payload = n.saturating_mul(1024);
        }
        if let Some(n) = num(leeway.get_untracked(), "The leeway", &mut notes) {
            next.leeway_seconds = n;
        }
        next.capture_off_sites = lines(&off_sites.get_untracked());
        next.topic_key_path = topic_path.get_untracked();
        next.required_claims = claims.get_untracked().split(',').map(|c| c.trim().to_string()).filter(|c| !c.is_empty()).collect();
        let (map, map_problems) = parse_scope_map(&scopes.get_untracked());
        next.operation_scopes = map;
        notes.extend(map_problems);
        next.project_profiles = profiles.get_untracked();
        notes.extend(normalise(&mut next));
        state.settings.set(next);
        problems.set(notes.clone());
        state.status.set(if notes.is_empty() { "Settings applied.".into() } else { format!("Settings applied with {} correction(s).", notes.len()) });
    };

    view! {
        <section class="settings" aria-label="Settings" data-testid="settings">
            <h2>"Settings" <button class="link" on:click=move |_| on_close.run(()) aria-label="Close settings">"✕"</button></h2>
            <fieldset><legend>"Capture"</legend>
                <label><input type="checkbox" prop:checked=enabled on:change=move |ev| enabled.set(event_target_checked(&ev)) />" Record frames on this tab"</label>
                <label>"Frames kept per tab (its iframes included) " <input size="9" data-testid="max-frames" prop:value=max_frames on:input=move |ev| max_frames.set(event_target_value(&ev)) /></label>
                <label>"Payload kept per frame (KiB) " <input size="6" prop:value=max_payload_kib on:input=move |ev| max_payload_kib.set(event_target_value(&ev)) /></label>
                <label>"Sites where capture is off (one host per line; their tokens are never buffered)"
                    <textarea rows="2" prop:value=off_sites on:input=move |ev| off_sites.set(event_target_value(&ev))></textarea></label>
            </fieldset>
            <fieldset><legend>"Decoding"</legend>
                <label>"Topic key path in JSON frames (e.g. " <code>"meta.room"</code>") "
                    <input data-testid="topic-path" prop:value=topic_path on:input=move |ev| topic_path.set(event_target_value(&ev)) /></label>
            </fieldset>
            <fieldset><legend>"Tokens"</legend>
                <label>"Required claims " <input prop:value=claims on:input=move |ev| claims.set(event_target_value(&ev)) /></label>
                <label>"Clock leeway (s) " <input size="4" prop:value=leeway on:input=move |ev| leeway.set(event_target_value(&ev)) /></label>
                <label>"Scopes each operation needs (operation=scope per line)"
                    <textarea rows="3" data-testid="scope-map" prop:value=scopes on:input=move |ev| scopes.set(event_target_value(&ev))></textarea></label>
            </fieldset>
            <fieldset><legend>"Project close-code profiles"</legend>
                <ul class="profiles">
                    {move || profiles.get().into_iter().enumerate().map(|(i, text)| {
                        let load = parse_project_profile(&text);
                        let name = load.profile.as_ref().map(|p| p.name.clone()).unwrap_or_else(|| "(unreadable profile)".into());
                        let codes = load.profile.as_ref().map(|p| p.entries.len()).unwrap_or(0);
                        let issues = profile_problems(&text);
                        view! {
                            <li>{format!("{name} · {codes} entries")}
                                <button class="link" on:click=move |_| profiles.update(|p| { p.remove(i); })>" remove"</button>
                                {issues.into_iter().map(|p| view! { <div class="warn">{p}</div> }).collect_view()}
                            </li>
                        }
                    }).collect_view()}
                </ul>
                <textarea rows="3" data-testid="new-profile" placeholder="Paste a profile JSON (docs/close-code-profiles.md)"
                    prop:value=new_profile on:input=move |ev| new_profile.set(event_target_value(&ev))></textarea>
                <button on:click=add_profile>"Add profile"</button>
            </fieldset>
            <button on:click=apply data-testid="apply-settings">"Apply"</button>
            <ul class="warn" role="alert">{move || problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scope_map_lines_parse_and_bad_ones_are_reported() {
        let (map, problems) = parse_scope_map("connect_document = doc:read\n\nsubmitOp=doc:write\nbogus\n");
        assert_eq!(map, vec![("connect_document".into(), "doc:read".into()), ("submitOp".into(), "doc:write".into())]);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].contains("bogus"));
    }
}

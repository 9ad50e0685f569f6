//! Close-code lookup: type a code (and optionally the reason text) and see what the IANA registry,
//! each library profile and the loaded project profiles say about it, with collisions.

use super::files::read_file_text;
use crate::ui::cards::{CloseCard, DiagnosticItem, DiagnosticsList};
use leptos::prelude::*;
use socketscope_core::close_codes::{parse_project_profile, Library, ProfileSet, Trigger, DJANGO_EXAMPLE_PROFILE};
use socketscope_core::settings::Settings;

fn profile_name(text: &str) -> Option<String> {
    parse_project_profile(text).profile.map(|p| p.name)
}

/// `#code=4001` -> 4001 (the only thing a deep link may carry; never a token).
pub fn code_from_hash(hash: &str) -> Option<String> {
    let h = hash.trim_start_matches('#');
    h.split('&').find_map(|kv| kv.strip_prefix("code=")).map(|c| c.chars().take(6).collect())
}

fn write_hash(code: &str) {
    let Some(w) = web_sys::window() else { return };
    let url = if code.trim().is_empty() { w.location().pathname().unwrap_or_default() } else { format!("#code={}", code.trim()) };
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// A typed code: a number from 0 to 65535, or an error that says what to type.
pub fn parse_code(s: &str) -> Result<u16, String> {
    let t = s.trim();
    t.parse::<u16>().map_err(|_| {
        format!("\"{t}\" is not a close code: type a whole number from 0 to 65535, e.g. 1006 or 4001.")
    })
}

/// The close-code lookup. `initial` is the code from the deep link, if any. Project profiles live
/// in `settings.project_profiles` (the panel's settings), so the offline analysis uses the same.
#[component]
pub fn CloseLookup(#[prop(optional)] initial: Option<String>, settings: RwSignal<Settings>) -> impl IntoView {
    let code = RwSignal::new(initial.unwrap_or_default());
    let reason = RwSignal::new(String::new());
    let libs = RwSignal::new(Library::ALL.to_vec());
    let projects = Memo::new(move |_| settings.with(crate::ui::analysis::project_profiles));
    let problems = RwSignal::new(Vec::<DiagnosticItem>::new());

    let load_profile = move |text: String, source: String| {
        let load = parse_project_profile(&text);
        let mut items: Vec<DiagnosticItem> = load.problems.iter().map(DiagnosticItem::from).collect();
        match load.profile {
            Some(p) => {
                items.insert(0, DiagnosticItem::new(
                    socketscope_core::diagnostics::Severity::Info,
                    "profile",
                    format!("Loaded \"{}\" from {source}: {} codes.", p.name, p.entries.len()),
                ));
                settings.update(|s| {
                    s.project_profiles.retain(|t| profile_name(t).as_deref() != Some(p.name.as_str()));
                    s.project_profiles.push(text);
                });
            }
            None => items.push(DiagnosticItem::new(
                socketscope_core::diagnostics::Severity::Error,
                "profile",
                format!("{source} was not loaded; fix the problems above and load it again."),
            )),
        }
        problems.set(items);
    };

    let set = Memo::new(move |_| {
        let mut set = ProfileSet::new();
        for l in libs.get() {
            set.add_library(l);
        }
        for p in projects.get() {
            set.push(p);
        }
        set
    });

    let result = move || {
        let typed = code.get();
        if typed.trim().is_empty() {
            return view! { <p class="hint" data-testid="close-status">"Type a close code, e.g. 1006, 1008 or 4001 (what a close event's code says)."</p> }.into_any();
        }
        let n = match parse_code(&typed) {
            Ok(n) => n,
            Err(e) => return view! { <p class="bad" data-testid="close-status">{e}</p> }.into_any(),
        };
        let set = set.get();
        let explanation = set.explain(n, &reason.get());
        let collisions: Vec<_> = set.collisions().into_iter().filter(|c| c.code == n).collect();
        // Entries that define this code only together with a specific reason text.
        let with_reason: Vec<_> = set
            .profiles()
            .iter()
            .flat_map(|p| p.entries.iter().map(move |e| (p, e)))
            .filter(|(_, e)| matches!(&e.trigger, Trigger::CodeAndReason { code, .. } if *code == n))
            .filter(|(p, e)| !explanation.matches.iter().any(|m| m.profile == p.name && m.entry == **e))
            .map(|(p, e)| {
                let Trigger::CodeAndReason { reason: r, .. } = &e.trigger else { unreachable!() };
                let text = format!("{}: with reason \"{}\": {}. {}", p.name, r, e.name, e.meaning);
                let r = r.clone();
                view! { <li data-testid="close-with-reason">{text}" "<button class="link" on:click=move |_| reason.set(r.clone())>"use this reason"</button></li> }
            })
            .collect_view();
        view! {
            <CloseCard explanation=explanation collisions=collisions />
            <ul class="with-reason">{with_reason}</ul>
        }
        .into_any()
    };

    let lib_boxes = Library::ALL
        .iter()
        .map(|&l| {
            view! {
                <label class="chk">
                    <input type="checkbox" data-testid="close-lib" data-lib=l.name()
                        prop:checked=move || libs.with(|ls| ls.contains(&l))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            libs.update(|ls| { ls.retain(|x| *x != l); if on { ls.push(l); } });
                        } />
                    {l.name()}
                </label>
            }
        })
        .collect_view();

    view! {
        <section class="tool close-tool" aria-label="Close code lookup">
            <div class="row">
                <label>"Close code "
                    <input data-testid="close-lookup-code" class="code-input" inputmode="numeric" autocomplete="off"
                        prop:value=move || code.get()
                        on:input=move |ev| { let v = event_target_value(&ev); write_hash(&v); code.set(v); } />
                </label>
                <label>" Reason (optional) "
                    <input data-testid="close-lookup-reason" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) />
                </label>
            </div>
            <div class="row profiles">
                <span class="muted">"Profiles: IANA registry, "</span>
                {lib_boxes}
                {move || projects.get().into_iter().map(|p| {
                    let name = p.name.clone();
                    view! {
                        <span class="chip" data-testid="close-project">{p.name.clone()}
                            <button class="link" aria-label=format!("Remove {name}") on:click=move |_| settings.update(|s| s.project_profiles.retain(|t| profile_name(t).as_deref() != Some(name.as_str())))>"×"</button>
                        </span>
                    }
                }).collect_view()}
            </div>
            <div class="row">
                <button data-testid="load-django" on:click=move |_| load_profile(DJANGO_EXAMPLE_PROFILE.to_string(), "the Django Channels example".into())>
                    "Load the Django Channels example profile"
                </button>
                <label class="file">"or a project profile (JSON) "
                    <input type="file" accept=".json,application/json" data-testid="profile-file"
                        on:change=move |ev| read_file_text(&ev, move |name, r| match r {
                            Ok(text) => load_profile(text, name),
                            Err(e) => problems.set(vec![DiagnosticItem::new(socketscope_core::diagnostics::Severity::Error, "profile", format!("{name}: {e}"))]),
                        }) />
                </label>
            </div>
            {move || { let items = problems.get(); (!items.is_empty()).then(|| view! { <DiagnosticsList items=items /> }) }}
            {result}
        </section>
    }
}

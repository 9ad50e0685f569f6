//! The token debugger: paste a JWT, or a ws URL, a `Sec-WebSocket-Protocol` value or a JSON
//! payload that contains one; see it decoded, checked and verified (by the core).

use crate::ui::cards::{location_label, TokenCard};
use leptos::prelude::*;
use socketscope_core::settings::Settings;
use socketscope_core::jwt::{
    self, find_in_subprotocols, find_in_text, find_in_url, FoundToken, InspectOptions, Moments, ScopeMap,
};

/// What the pasted text is, and the tokens the core found in it.
#[derive(Debug, Clone, PartialEq)]
pub enum Pasted {
    Empty,
    /// Tokens found by the core's finders, in order.
    Found { what: &'static str, tokens: Vec<FoundToken> },
    /// Nothing that looks like a JWT was found in a URL, header or JSON: say so.
    NoneIn(&'static str),
    /// Plain text with no well-formed JWT inside: inspect it as a (possibly broken) token.
    Raw(String),
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    s.get(..prefix.len()).filter(|p| p.eq_ignore_ascii_case(prefix)).map(|_| &s[prefix.len()..])
}

/// Route pasted text to the core's finders: a URL to `find_in_url`, a subprotocol header (or
/// list) to `find_in_subprotocols`, anything else to `find_in_text` (JSON or free text). Text in
/// which none is found is inspected as a token itself, so a broken one is still decoded in part.
pub fn route(text: &str) -> Pasted {
    let t = text.trim();
    if t.is_empty() {
        return Pasted::Empty;
    }
    let lower = t.to_ascii_lowercase();
    if ["ws://", "wss://", "http://", "https://"].iter().any(|p| lower.starts_with(p)) {
        let tokens = find_in_url(t);
        return if tokens.is_empty() { Pasted::NoneIn("this URL's query") } else { Pasted::Found { what: "URL", tokens } };
    }
    let header = strip_prefix_ci(t, "sec-websocket-protocol:");
    let list = header.unwrap_or(t);
    if header.is_some() || (list.contains(',') && !list.starts_with(['{', '['])) || lower.starts_with("base64url.bearer.") {
        let protocols: Vec<String> = list.split(',').map(|p| p.trim().to_string()).collect();
        let tokens = find_in_subprotocols(&protocols);
        if !tokens.is_empty() {
            return Pasted::Found { what: "subprotocol list", tokens };
        }
        if header.is_some() {
            return Pasted::NoneIn("this Sec-WebSocket-Protocol header");
        }
    }
    let tokens = find_in_text(t);
    if !tokens.is_empty() {
        let what = if t.starts_with(['{', '[']) { "JSON" } else { "text" };
        return Pasted::Found { what, tokens };
    }
    if serde_json::from_str::<serde_json::Value>(t.trim_end_matches('\u{1e}')).is_ok() {
        return Pasted::NoneIn("this JSON");
    }
    Pasted::Raw(t.to_string())
}

fn words(s: &str) -> Vec<String> {
    s.split([',', ' ', '\n']).map(str::trim).filter(|w| !w.is_empty()).map(String::from).collect()
}

/// The token debugger (the standalone page's first tab). Its checks start from `settings`
/// (required claims, leeway, operation map) and can be edited here.
#[component]
pub fn TokenDebugger(#[prop(into)] now: Signal<f64>, #[prop(optional)] settings: Option<Settings>) -> impl IntoView {
    let start = settings.as_ref().map(crate::ui::analysis::inspect_options).unwrap_or_default();
    let text = RwSignal::new(String::new());
    let chosen = RwSignal::new(0usize);
    let required = RwSignal::new(start.required_claims.join(" "));
    let leeway = RwSignal::new(start.leeway_s.to_string());
    let scope_map_text = RwSignal::new(if start.scope_map.operations.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&start.scope_map).unwrap_or_default()
    });
    let key = RwSignal::new(String::new());

    let pasted = Memo::new(move |_| text.with(|t| route(t)));
    let scope_map = Memo::new(move |_| {
        scope_map_text.with(|t| if t.trim().is_empty() { Ok(ScopeMap::default()) } else { ScopeMap::from_json(t) })
    });
    // The token to inspect and where it came from.
    let target = Memo::new(move |_| match pasted.get() {
        Pasted::Found { tokens, .. } => {
            let i = chosen.get().min(tokens.len().saturating_sub(1));
            tokens.get(i).map(|f| (f.token.clone(), Some(location_label(&f.location))))
        }
        Pasted::Raw(t) => Some((t, None)),
        Pasted::Empty | Pasted::NoneIn(_) => None,
    });
    let inspection = Memo::new(move |_| {
        let (token, location) = target.get()?;
        let map = scope_map.get().unwrap_or_default();
        let operations: Vec<String> = map.operations.iter().map(|o| o.operation.clone()).collect();
        let ops: Vec<&str> = operations.iter().map(String::as_str).collect();
        let opts = InspectOptions {
            required_claims: words(&required.get()),
            leeway_s: leeway.get().trim().parse().unwrap_or(0),
            scope_map: map,
        };
        // Judged at the moment of pasting; the card's countdown keeps ticking with `now`.
        let moments = Moments::at(now.get_untracked());
        Some((jwt::inspect(&token, &moments, &ops, &opts), location))
    });

    let status = move || match pasted.get() {
        Pasted::Empty => view! { <p class="hint" data-testid="token-status">"Paste a JWT, a ws:// URL with a token in its query, a Sec-WebSocket-Protocol value, or a JSON message that carries one."</p> }.into_any(),
        Pasted::NoneIn(what) => view! { <p class="bad" data-testid="token-status">{format!("No JWT found in {what}. A JWT starts with eyJ and has three dot-separated parts; if yours is damaged, paste the token alone to see what is wrong with it.")}</p> }.into_any(),
        Pasted::Raw(_) => view! { <p class="hint" data-testid="token-status">"No well-formed JWT found: inspecting the whole text as a token."</p> }.into_any(),
        Pasted::Found { what, tokens } => {
            let n = tokens.len();
            let picks = (n > 1).then(|| {
                tokens.iter().enumerate().map(|(i, f)| {
                    let label = location_label(&f.location);
                    view! {
                        <button class="pick" data-testid="token-pick" aria-pressed=move || (chosen.get() == i).to_string()
                            on:click=move |_| chosen.set(i)>{label}</button>
                    }
                }).collect_view()
            });
            view! {
                <p class="hint" data-testid="token-status">{format!("Found {} in the {what}.", crate::ui::format::count(n as u64, "token"))}{picks}</p>
            }.into_any()
        }
    };

    view! {
        <section class="tool token-tool" aria-label="Token debugger">
            <textarea
                class="paste"
                data-testid="token-input"
                aria-label="Token, ws URL, subprotocol header or JSON message"
                placeholder="eyJhbGciOi…  or  wss://host/socket?token=eyJ…  or  {\"token\": \"eyJ…\"}"
                rows="5"
                spellcheck="false"
                prop:value=move || text.get()
                on:input=move |ev| { chosen.set(0); text.set(event_target_value(&ev)); }
            ></textarea>
            {status}
            <details class="options">
                <summary>"Checks: required claims, leeway, operation map"</summary>
                <label>"Required claims "
                    <input data-testid="required-claims" prop:value=move || required.get() on:input=move |ev| required.set(event_target_value(&ev)) />
                </label>
                <label>" Leeway (s) "
                    <input type="number" min="0" class="short" prop:value=move || leeway.get() on:input=move |ev| leeway.set(event_target_value(&ev)) />
                </label>
                <label class="block">"Operation map (JSON): which scopes each operation needs"
                    <textarea data-testid="scope-map" rows="3" spellcheck="false"
                        placeholder="{\"operations\": [{\"operation\": \"submitOp\", \"requires\": [\"doc:write\"]}]}"
                        prop:value=move || scope_map_text.get() on:input=move |ev| scope_map_text.set(event_target_value(&ev))></textarea>
                </label>
                <button class="link" data-testid="scope-map-example" on:click=move |_| {
                    scope_map_text.set(serde_json::to_string(&ScopeMap::document_service()).unwrap_or_default());
                    required.set("exp sub".into());
                }>"Use the Phoenix document service's map (connect_document: doc:read, submitOp: doc:write)"</button>
                {move || scope_map.get().err().map(|e| view! { <p class="bad" data-testid="scope-map-error">{e}</p> })}
            </details>
            {move || inspection.get().map(|(i, location)| match location {
                Some(l) => view! { <TokenCard inspection=i now=now location=l key=key /> }.into_any(),
                None => view! { <TokenCard inspection=i now=now key=key /> }.into_any(),
            })}
        </section>
    }
}

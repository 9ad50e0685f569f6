//! Render checks for the shared cards and the standalone page, in headless Chromium
//! (`CHROMEDRIVER=/usr/bin/chromedriver cargo test -p socketscope --target wasm32-unknown-unknown`).
//! The interpretation is the core's (tested natively); these prove the views show it, as text.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use socketscope::ui::cards::{CloseCard, DiagnosticItem, DiagnosticsList, TokenCard};
use socketscope::ui::standalone::StandalonePage;
use socketscope_core::close_codes::{parse_project_profile, Library, ProfileSet, DJANGO_EXAMPLE_PROFILE};
use socketscope_core::diagnostics::Severity;
use socketscope_core::jwt::{inspect, InspectOptions, Moments};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// HS256, kid "k2", signed with the UTF-8 bytes of `second-key-for-tests`. Claims:
/// {"sub":"user-1","exp":4102444800,"iat":1700000000,"scope":"doc:read","note":"<img src=x onerror=alert(1)>"}
const TOKEN: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImsyIn0.eyJzdWIiOiJ1c2VyLTEiLCJleHAiOjQxMDI0NDQ4MDAsImlhdCI6MTcwMDAwMDAwMCwic2NvcGUiOiJkb2M6cmVhZCIsIm5vdGUiOiI8aW1nIHNyYz14IG9uZXJyb3I9YWxlcnQoMSk-In0.eCntuZt1LjChAK-dorjRkyBrKLzpSfrB53irrFNkJb8";
const EXP_MS: f64 = 4_102_444_800_000.0;
/// `first-key-for-tests` (kid k1) first, then `second-key-for-tests` (kid k2), base64url.
const JWKS: &str = r#"{"keys":[{"kty":"oct","kid":"k1","k":"Zmlyc3Qta2V5LWZvci10ZXN0cw"},{"kty":"oct","kid":"k2","k":"c2Vjb25kLWtleS1mb3ItdGVzdHM"}]}"#;

fn host() -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

fn mount<V: IntoView + 'static>(f: impl FnOnce() -> V + 'static) -> web_sys::HtmlElement {
    let el = host();
    leptos::mount::mount_to(el.clone(), f).forget();
    el
}

fn text(el: &web_sys::Element) -> String {
    el.text_content().unwrap_or_default()
}

fn all(el: &web_sys::Element, sel: &str) -> Vec<web_sys::Element> {
    let list = el.query_selector_all(sel).unwrap();
    (0..list.length()).filter_map(|i| list.item(i)?.dyn_into().ok()).collect()
}

fn one(el: &web_sys::Element, sel: &str) -> web_sys::Element {
    el.query_selector(sel).unwrap().unwrap_or_else(|| panic!("no {sel} in: {}", text(el)))
}

/// Type into an input or textarea the way a user does (value + a bubbling `input` event).
fn type_into(el: &web_sys::Element, value: &str) {
    if let Some(t) = el.dyn_ref::<web_sys::HtmlTextAreaElement>() {
        t.set_value(value);
    } else {
        el.dyn_ref::<web_sys::HtmlInputElement>().unwrap().set_value(value);
    }
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    el.dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap()).unwrap();
}

fn click(el: &web_sys::Element) {
    el.dyn_ref::<web_sys::HtmlElement>().unwrap().click();
}

#[wasm_bindgen_test]
fn token_card_shows_claims_times_and_renders_claims_as_text() {
    let now = js_sys::Date::now();
    let i = inspect(TOKEN, &Moments::at(now), &[], &InspectOptions::default());
    let el = mount(move || view! { <TokenCard inspection=i now=now /> });
    let card = one(&el, "[data-testid=token-card]");
    let claims = text(&one(&card, "[data-testid=token-claims]"));
    assert!(claims.contains("user-1"), "{claims}");
    assert!(text(&one(&card, "[data-testid=token-header]")).contains("HS256"));
    // exp from the token, in UTC as the core formats it.
    let exp = text(&one(&card, "[data-testid=token-time][data-claim=exp]"));
    assert!(exp.contains("4102444800") && exp.contains("2100-01-01T00:00:00Z"), "{exp}");
    let countdown = text(&one(&card, "[data-testid=token-countdown]"));
    assert!(countdown.starts_with("Expires in "), "{countdown}");
    // The claim holding markup is shown as text, never parsed.
    assert!(claims.contains("<img src=x onerror=alert(1)>"), "{claims}");
    assert!(el.query_selector("img").unwrap().is_none(), "a claim was rendered as HTML");
    assert!(text(&card).contains("No problems found in the token."), "{}", text(&card));
    let _ = EXP_MS;
}

#[wasm_bindgen_test]
fn malformed_token_is_partly_decoded_with_the_exact_offset() {
    // Break the claims: a '!' at claims offset 5.
    let (h, rest) = TOKEN.split_once('.').unwrap();
    let (c, s) = rest.split_once('.').unwrap();
    let broken = format!("{h}.{}!{}.{s}", &c[..5], &c[6..]);
    let token_offset = h.len() + 1 + 5;
    let i = inspect(&broken, &Moments::at(js_sys::Date::now()), &[], &InspectOptions::default());
    let el = mount(move || view! { <TokenCard inspection=i now=0.0 /> });
    // The header still decodes; the claims don't, and the finding says exactly where.
    assert!(text(&one(&el, "[data-testid=token-header]")).contains("k2"));
    one(&el, "[data-testid=token-claims-missing]");
    let errors: Vec<String> = all(&el, "[data-testid=diagnostic][data-severity=error]").iter().map(text).collect();
    let want = format!("'!' at offset 5 (token offset {token_offset})");
    assert!(errors.iter().any(|e| e.contains("part 2 (claims)") && e.contains(&want)), "{errors:?}");
}

#[wasm_bindgen_test]
async fn verify_box_picks_the_jwks_key_by_kid() {
    let i = inspect(TOKEN, &Moments::at(js_sys::Date::now()), &[], &InspectOptions::default());
    let el = mount(move || view! { <TokenCard inspection=i now=js_sys::Date::now() /> });
    type_into(&one(&el, "[data-testid=verify-key]"), JWKS);
    leptos::task::tick().await;
    click(&one(&el, "[data-testid=verify-button]"));
    leptos::task::tick().await;
    let outcome = one(&el, "[data-testid=verify-outcome]");
    assert_eq!(outcome.get_attribute("data-state").as_deref(), Some("ok"), "{}", text(&outcome));
    assert!(text(&outcome).contains("kid \"k2\""), "{}", text(&outcome));

    // The same JWKS without k2: the kid is not found, and the message names what it has.
    type_into(&one(&el, "[data-testid=verify-key]"), r#"{"keys":[{"kty":"oct","kid":"k1","k":"Zmlyc3Qta2V5LWZvci10ZXN0cw"}]}"#);
    leptos::task::tick().await;
    click(&one(&el, "[data-testid=verify-button]"));
    leptos::task::tick().await;
    let all_text = text(&el);
    assert!(all_text.contains("kid \"k2\" is not in the JWKS"), "{all_text}");
}

/// Header {"alg":"HS256","kid":"rk"}, claims {"iss":"https://render.test","sub":"u"}; and the same
/// issuer with kid "other". Signatures are not checked here.
const SIGNER_RK: &str = "eyJhbGciOiJIUzI1NiIsImtpZCI6InJrIn0.eyJpc3MiOiJodHRwczovL3JlbmRlci50ZXN0Iiwic3ViIjoidSJ9.c2ln";
const SIGNER_OTHER: &str = "eyJhbGciOiJIUzI1NiIsImtpZCI6Im90aGVyIn0.eyJpc3MiOiJodHRwczovL3JlbmRlci50ZXN0Iiwic3ViIjoidSJ9.c2ln";

fn checked(el: &web_sys::Element) -> bool {
    el.dyn_ref::<web_sys::HtmlInputElement>().unwrap().checked()
}

fn field(el: &web_sys::Element) -> String {
    el.dyn_ref::<web_sys::HtmlTextAreaElement>().unwrap().value()
}

#[wasm_bindgen_test]
async fn verify_key_is_remembered_only_on_opt_in_and_forgotten_on_request() {
    use socketscope::ui::cards::key_store;
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    let (slot, _) = key_store::slot_of(SIGNER_RK);
    storage.remove_item(&slot).unwrap();
    let card = |token: &'static str| {
        let i = inspect(token, &Moments::at(js_sys::Date::now()), &[], &InspectOptions::default());
        mount(move || view! { <TokenCard inspection=i now=js_sys::Date::now() /> })
    };
    let secret = "a-secret-kept-on-opt-in";

    // Off by default: typing a key stores nothing.
    let el = card(SIGNER_RK);
    let remember = one(&el, "[data-testid=verify-remember]");
    assert!(!checked(&remember));
    assert_eq!(text(&one(&el, "[data-testid=verify-remember-scope]")), "for issuer https://render.test, kid rk");
    type_into(&one(&el, "[data-testid=verify-key]"), secret);
    let kind = one(&el, "[data-testid=verify-kind]");
    kind.dyn_ref::<web_sys::HtmlSelectElement>().unwrap().set_value("secret");
    kind.dispatch_event(&web_sys::Event::new("change").unwrap()).unwrap();
    leptos::task::tick().await;
    assert_eq!(storage.get_item(&slot).unwrap(), None, "stored without the opt-in");
    assert!(el.query_selector("[data-testid=verify-forget]").unwrap().is_none());

    // Opt in: stored for this signer, with the kind the user picked.
    click(&remember);
    leptos::task::tick().await;
    let stored = storage.get_item(&slot).unwrap().expect("stored after the opt-in");
    assert_eq!(key_store::read(&stored).unwrap(), key_store::Remembered { key: secret.into(), kind: "secret".into() });
    one(&el, "[data-testid=verify-forget]");

    // A new card for the same signer (a reload) comes prefilled; another signer does not.
    let again = card(SIGNER_RK);
    let other = card(SIGNER_OTHER);
    leptos::task::tick().await;
    assert_eq!(field(&one(&again, "[data-testid=verify-key]")), secret);
    assert!(checked(&one(&again, "[data-testid=verify-remember]")));
    assert_eq!(one(&again, "[data-testid=verify-kind]").dyn_ref::<web_sys::HtmlSelectElement>().unwrap().value(), "secret");
    assert_eq!(field(&one(&other, "[data-testid=verify-key]")), "");
    assert!(!checked(&one(&other, "[data-testid=verify-remember]")));

    // Forget: gone from storage and from the box, and the next card starts empty.
    click(&one(&again, "[data-testid=verify-forget]"));
    leptos::task::tick().await;
    assert_eq!(storage.get_item(&slot).unwrap(), None);
    assert_eq!(field(&one(&again, "[data-testid=verify-key]")), "");
    assert!(!checked(&one(&again, "[data-testid=verify-remember]")));
    let after = card(SIGNER_RK);
    leptos::task::tick().await;
    assert_eq!(field(&one(&after, "[data-testid=verify-key]")), "");
}

#[wasm_bindgen_test]
fn close_card_explains_4001_with_the_project_profile_and_shows_collisions() {
    let django = parse_project_profile(DJANGO_EXAMPLE_PROFILE).profile.unwrap();
    let mut set = ProfileSet::new();
    set.add_library(Library::GraphqlWs);
    set.push(django.clone());
    let e = set.explain(4001, "");
    let entry = django.entries.iter().find(|e| e.name == "Authentication failed").unwrap().clone();
    let el = mount(move || view! { <CloseCard explanation=e /> });
    assert!(text(&one(&el, "[data-testid=close-title]")).contains("4001 Authentication failed"));
    assert_eq!(text(&one(&el, "[data-testid=close-next]")), format!("Next step: {}", entry.next_step));

    // 4004: the Django example's "Rate limited" against graphql-ws's own 4004.
    let e = set.explain(4004, "");
    let collisions: Vec<_> = set.collisions().into_iter().filter(|c| c.code == 4004).collect();
    assert!(!collisions.is_empty());
    let el = mount(move || view! { <CloseCard explanation=e collisions=collisions /> });
    let sources: Vec<_> = all(&el, "[data-testid=close-meaning]").iter().filter_map(|m| m.get_attribute("data-profile")).collect();
    assert!(sources.contains(&"Django Channels example".to_string()) && sources.iter().any(|s| s.contains("graphql")), "{sources:?}");
    let warn = text(&one(&el, "[data-testid=diagnostic][data-severity=warning]"));
    assert!(warn.contains("Rate limited") && warn.contains("4004"), "{warn}");
}

#[wasm_bindgen_test]
fn diagnostics_are_ranked_errors_first() {
    let items = vec![
        DiagnosticItem::new(Severity::Info, "a", "first info"),
        DiagnosticItem::new(Severity::Error, "b", "the error"),
        DiagnosticItem::new(Severity::Warning, "c", "a warning"),
    ];
    let el = mount(move || view! { <DiagnosticsList items=items /> });
    let order: Vec<_> = all(&el, "[data-testid=diagnostic]").iter().filter_map(|d| d.get_attribute("data-severity")).collect();
    assert_eq!(order, ["error", "warning", "info"]);
}

/// The countdown and each "from now" cell follow `now` in place: the same elements, new text, and
/// the countdown's state turns from ok to bad when `exp` passes.
#[wasm_bindgen_test]
async fn token_times_follow_now_in_place() {
    let now = RwSignal::new(EXP_MS - 90_000.0);
    let i = inspect(TOKEN, &Moments::at(EXP_MS - 90_000.0), &[], &InspectOptions::default());
    let el = mount(move || view! { <TokenCard inspection=i now=now /> });
    leptos::task::tick().await;
    let countdown = one(&el, "[data-testid=token-countdown]");
    let exp_rel = one(&el, "[data-testid=token-time][data-claim=exp] td.rel");
    assert_eq!((text(&countdown).as_str(), countdown.get_attribute("data-state").as_deref()), ("Expires in 1 min 30 s (1 min 30 s)", Some("ok")));
    assert_eq!(text(&exp_rel), "in 1 min 30 s");

    now.set(EXP_MS + 120_000.0);
    leptos::task::tick().await;
    let after = one(&el, "[data-testid=token-countdown]");
    assert!(after.is_same_node(Some(&countdown)), "the countdown was redrawn instead of updated");
    assert_eq!((text(&after).as_str(), after.get_attribute("data-state").as_deref()), ("Expired 2 min ago", Some("bad")));
    assert_eq!(text(&exp_rel), "2 min ago");
}

/// An evidence link hands its target to `on_evidence`; a click on the row's text does nothing; evidence
/// without a target is plain text.
#[wasm_bindgen_test]
async fn evidence_links_report_their_target() {
    let clicked = RwSignal::new(Vec::<String>::new());
    let items = vec![DiagnosticItem::new(Severity::Error, "closed", "Closed with 4001.")
        .with_evidence("frame #7", "frame:p:1:7")
        .with_evidence("token", "token")
        .with_evidence("page Origin http://localhost", "")];
    let on = Callback::new(move |target: String| clicked.update(|c| c.push(target)));
    let el = mount(move || view! { <DiagnosticsList items=items on_evidence=on /> });
    click(&one(&el, ".diag-msg"));
    let links = all(&el, "button.evidence");
    assert_eq!(links.iter().map(text).collect::<Vec<_>>(), ["frame #7", "token"]);
    click(&links[1]);
    click(&links[0]);
    assert_eq!(clicked.get_untracked(), ["token", "frame:p:1:7"]);
    // Evidence with nowhere to go is text, not a link that does nothing.
    assert_eq!(all(&el, "span.evidence").iter().map(text).collect::<Vec<_>>(), ["page Origin http://localhost"]);
}

#[wasm_bindgen_test]
async fn standalone_page_finds_the_token_in_a_pasted_url_and_looks_up_a_code() {
    let el = mount(|| view! { <StandalonePage /> });
    type_into(&one(&el, "[data-testid=token-input]"), &format!("wss://example.test/ws/chat/1/?token={TOKEN}&x=1"));
    leptos::task::tick().await;
    let status = text(&one(&el, "[data-testid=token-status]"));
    assert!(status.contains("Found 1 token in the URL"), "{status}");
    assert!(text(&one(&el, "[data-testid=token-card]")).contains("URL query parameter `token`"));

    click(&one(&el, "[data-testid=tab-close]"));
    type_into(&one(&el, "[data-testid=close-lookup-code]"), "1006");
    leptos::task::tick().await;
    assert!(text(&one(&el, "[data-testid=close-title]")).contains("1006"));
    let hash = web_sys::window().unwrap().location().hash().unwrap();
    assert_eq!(hash, "#code=1006");
    type_into(&one(&el, "[data-testid=close-lookup-code]"), "70000");
    leptos::task::tick().await;
    assert!(text(&one(&el, "[data-testid=close-status]")).contains("from 0 to 65535"));
}

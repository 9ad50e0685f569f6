//! Render checks in a real browser (wasm-bindgen-test + headless Chromium). Business logic is
//! tested natively in the core; these only prove the panel draws what the model holds, as text.
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use socketscope::store::{PanelState, Store};
use socketscope::ui::panel::SessionView;
use socketscope_core::settings::Settings;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const HINT: &str = "No WebSocket yet: reload the page to capture its sockets.";

fn render(batches: &[String]) -> web_sys::HtmlElement {
    let document = web_sys::window().unwrap().document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let mut store = Store::default();
    for b in batches {
        store.ingest_text(b);
    }
    let state = PanelState::new(store, Settings::default());
    let handle = leptos::mount::mount_to(host.clone(), move || {
        provide_context(state);
        view! { <SessionView live=true empty_hint=HINT /> }
    });
    handle.forget();
    host
}

fn batch(events: &str) -> String {
    format!(r#"{{"v":1,"page":"p","events":[{events}]}}"#)
}

fn text(host: &web_sys::HtmlElement) -> String {
    host.text_content().unwrap_or_default()
}

#[wasm_bindgen_test]
fn empty_panel_says_what_to_do() {
    let host = render(&[]);
    assert!(text(&host).contains(HINT), "{}", text(&host));
    assert!(text(&host).contains("0 connections · 0 frames · 0 schema problems"));
}

#[wasm_bindgen_test]
fn frames_over_the_cap_and_lost_events_are_shown() {
    // The relay's cumulative `dropped` counters (the latest wins), and a gap in seq (3 never came).
    let host = render(&[batch(
        r#"{"seq":1,"type":"dropped","t":1,"frames":7,"bytes":700},
           {"seq":2,"type":"dropped","t":2,"frames":30,"bytes":3072},
           {"seq":4,"type":"page","t":3,"url":"http://x/"}"#,
    )]);
    let losses = host.query_selector("[data-testid=losses]").unwrap().unwrap().text_content().unwrap();
    assert!(losses.contains("30 frames (3.0 KiB) not kept: over the frame cap."), "{losses}");
    assert!(losses.contains("1 event lost on the way to the panel: reopen the panel to resync."), "{losses}");
    let quiet = render(&[]);
    assert_eq!(quiet.query_selector("[data-testid=losses]").unwrap().unwrap().text_content().unwrap(), "");
}

#[wasm_bindgen_test]
async fn payloads_render_as_text_never_html() {
    let url = "ws://127.0.0.1:9/chat";
    let payload = r#"<img src=x onerror=alert(1)>"#;
    let host = render(&[batch(&format!(
        r#"{{"seq":1,"type":"socket","id":"p:1","t":1,"url":"{url}"}},
           {{"seq":2,"type":"frame","id":"p:1","t":2,"dir":"in","op":"text","size":{},"data":"{payload}"}}"#,
        payload.len()
    ))]);
    // The connection's details are a chunk (src/ui/lazy.rs), and the frame list comes a frame after them.
    settle_until(&host, "[data-testid=shown-count]").await;
    assert!(text(&host).contains(payload), "{}", text(&host));
    assert!(host.query_selector("img").unwrap().is_none(), "payload was parsed as HTML");
    assert!(text(&host).contains(url));
}

#[wasm_bindgen_test]
async fn close_card_timeline_and_masked_token_for_a_4001() {
    // exp 1700000000 (2023): long expired at the connect time below (2024).
    let token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1LTQyIiwiZXhwIjoxNzAwMDAwMDAwfQ.c2lnbmF0dXJlLXNpZ25hdHVyZS1zaWduYXR1cmU";
    let t0 = 1_717_000_000_000.0_f64;
    let host = render(&[batch(&format!(
        r#"{{"seq":1,"type":"socket","id":"p:1","t":{t0},"url":"ws://h/ws/chat/7/?token={token}"}},
           {{"seq":2,"type":"state","id":"p:1","t":{},"state":"OPEN","protocol":"","extensions":""}},
           {{"seq":3,"type":"close","id":"p:1","t":{},"code":4001,"reason":"token_expired","was_clean":true,"initiator":"server"}}"#,
        t0 + 20.0,
        t0 + 45.0
    ))]);
    settle().await;
    let all = text(&host);
    assert!(!all.contains(token), "the token is masked in lists and titles");
    let card = host.query_selector("[data-testid=close-card]").unwrap().expect("close card shown without a click");
    assert_eq!(card.get_attribute("data-code").as_deref(), Some("4001"));
    let marker = host.query_selector("[data-testid=close-marker]").unwrap().unwrap().text_content().unwrap();
    assert!(marker.contains("closed 4001 \"token_expired\""), "{marker}");
    assert!(host.query_selector("[data-testid=timeline] .seg[data-state=OPEN]").unwrap().is_some());
    let diags = host.query_selector_all("[data-testid=diagnostic]").unwrap();
    assert!(diags.length() > 0, "the 4001 has a diagnosis");
    assert!(host.query_selector("[data-testid=token-card]").unwrap().is_some());
}

/// Let Leptos apply pending DOM updates (they run after the current task).
async fn settle() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window().unwrap().set_timeout_with_callback(&resolve).unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// Settles until `sel` is in `host`: the frame list is drawn a frame after the cards.
async fn settle_until(host: &web_sys::HtmlElement, sel: &str) {
    for _ in 0..200 {
        if host.query_selector(sel).unwrap().is_some() {
            return;
        }
        settle().await;
    }
    panic!("{sel} never drawn: {}", text(host));
}

#[wasm_bindgen_test]
async fn filter_box_narrows_the_list() {
    let mut events = vec![r#"{"seq":1,"type":"socket","id":"p:1","t":1,"url":"ws://h/"}"#.to_string()];
    for i in 0..30u32 {
        let data = if i % 3 == 0 { format!("ping {i}") } else { format!("msg {i}") };
        events.push(format!(
            r#"{{"seq":{},"type":"frame","id":"p:1","t":{},"dir":"in","op":"text","size":{},"data":"{data}"}}"#,
            i + 2,
            i + 2,
            data.len()
        ));
    }
    let host = render(&[batch(&events.join(","))]);
    settle_until(&host, "[data-testid=shown-count]").await;
    let shown = || host.query_selector("[data-testid=shown-count]").unwrap().unwrap().text_content().unwrap();
    assert_eq!(shown(), "30 shown");
    let input: web_sys::HtmlInputElement = host.query_selector("[data-testid=filter]").unwrap().unwrap().unchecked_into();
    input.set_value("ping");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    settle().await;
    assert_eq!(shown(), "10 shown");
    input.set_value("-ping");
    input.dispatch_event(&web_sys::Event::new("input").unwrap()).unwrap();
    settle().await;
    assert_eq!(shown(), "20 shown");
}

/// The panel's regexes run on the browser's RegExp, a batch per filter pass: each frame is judged on
/// its own text (the batch is sliced by UTF-16 offsets, so non-ASCII text must not shift them).
#[wasm_bindgen_test]
fn regex_filter_judges_each_frame_alone_in_the_browser_engine() {
    let texts = ["é1", "😀x2", "abc3", "x", "ÉCOLE 😀", r#"{"id":1234,"b":1}"#];
    let mut events = vec![r#"{"seq":1,"type":"socket","id":"p:1","t":1,"url":"ws://h/"}"#.to_string()];
    for (i, t) in texts.iter().enumerate() {
        let data = serde_json::to_string(t).unwrap();
        events.push(format!(r#"{{"seq":{},"type":"frame","id":"p:1","t":{},"dir":"in","op":"text","size":{},"data":{data}}}"#, i + 2, i + 2, t.len()));
    }
    let mut store = Store::default();
    store.ingest_text(&batch(&events.join(",")));
    let conn = store.session.connections()[0].id;
    let pick = |text: &str| {
        let f = socketscope::regex::filter(socketscope_core::filter::FilterSpec { text: text.into(), ..Default::default() }).unwrap();
        store.filtered(conn, &f)
    };
    assert_eq!(pick(r"/\d$/"), vec![0, 1, 2]);
    assert_eq!(pick("/^😀/"), vec![1]);
    assert_eq!(pick("/^x$/"), vec![3]);
    assert_eq!(pick("/école/i"), vec![4], "Unicode case folding");
    // Plain non-ASCII text is searched by the same engine, ignoring Unicode case.
    assert_eq!(pick("école"), vec![4], "plain text folds Unicode case");
    assert_eq!(pick("É"), vec![0, 4]);
    assert_eq!(pick("-É"), vec![1, 2, 3, 5]);
    assert_eq!(pick(r#"/"id":1\d{3},/"#), vec![5]);
    assert_eq!(pick("-/x/"), vec![0, 2, 4, 5]);
    // JavaScript syntax, and its own error message for a bad pattern.
    assert_eq!(pick(r"/(?<n>é)\k<n>|1$/"), vec![0]);
    let err = socketscope::regex::filter(socketscope_core::filter::FilterSpec { text: "/(/".into(), ..Default::default() }).unwrap_err();
    assert!(err.0.contains("does not compile") && err.0.contains("Invalid regular expression"), "{err}");
}

//! The frame list: filters, a virtualised table, and the chosen frame's details (decoded
//! protocol message, JSON tree, raw text, hex for binary).

use crate::store::PanelState;
use crate::ui::format::{bytes, clock, duration};
use crate::ui::{hex::hex_dump, json_tree::JsonTree, virtual_list::VirtualList};
use leptos::prelude::*;
use socketscope_core::filter::FilterSpec;
use socketscope_core::protocols::{Kind, Opcode, Status};
use socketscope_core::schema::Direction;
use socketscope_core::session::{ConnId, FrameRef, PairedBy};

pub const ROW_HEIGHT: f64 = 22.0;
const SUMMARY_CHARS: usize = 160;

/// Filter results are extended, not recomputed, while only new frames arrive.
#[derive(Default)]
struct FilterCache {
    key: Option<(ConnId, FilterSpec)>,
    scanned: usize,
    hits: Vec<u32>,
}

#[component]
pub fn FramePane(conn: ConnId) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let direction = RwSignal::new(None::<Direction>);
    let topic = state.filter_topic;
    let hide_hb = Signal::derive(move || state.settings.with(|s| s.hide_heartbeats));
    let cache = StoredValue::new(FilterCache::default());

    let spec = Memo::new(move |_| FilterSpec {
        text: state.filter_text.get(),
        direction: direction.get(),
        topic: Some(topic.get()).filter(|t| !t.is_empty()),
        event: None,
        protocol: None,
        hide_heartbeats: hide_hb.get(),
    });
    let filter = Memo::new(move |_| crate::regex::filter(spec.get()).map_err(|e| e.to_string()));

    // Indices of matching frames, in order. Extends the cached result when only frames were added.
    let hits = Memo::new(move |_| {
        let Ok(f) = filter.get() else { return Vec::new() };
        let key = (conn, f.spec().clone());
        state.read(|s| {
            let total = s.session.connection(conn).map(|c| c.frames.len()).unwrap_or(0);
            cache.update_value(|cache| {
                if cache.key.as_ref() != Some(&key) || cache.scanned > total {
                    *cache = FilterCache { key: Some(key.clone()), ..Default::default() };
                }
                if cache.scanned < total {
                    let new = s.filtered_range(conn, &f, cache.scanned as u32..total as u32);
                    cache.hits.extend(new);
                    cache.scanned = total;
                }
            });
            cache.with_value(|c| c.hits.clone())
        })
    });
    let count = Signal::derive(move || hits.with(|h| h.len()));
    // A memo: the topic <select> is rebuilt only when the set of topics changes, not per frame.
    let topics = Memo::new(move |_| {
        state.read(|s| {
            s.session
                .connection(conn)
                .map(|c| c.topics.iter().filter_map(|t| s.session.name(t.name).map(str::to_string)).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let reveal = Signal::derive(move || {
        let sel = state.selected_frame.get()?;
        hits.with(|h| h.iter().position(|&i| i == sel))
    });

    let render = move |row: usize| {
        let Some(index) = hits.with_untracked(|h| h.get(row).copied()) else { return ().into_any() };
        view! { <FrameRow conn=conn index=index /> }.into_any()
    };

    // The frame list is drawn after the first screen (from the panel views' chunk): the bench reports when.
    Effect::new(|_| crate::perf::mark_once("frame-list"));

    let on_key = move |ev: web_sys::KeyboardEvent| {
        let key = ev.key();
        let step: i64 = match key.as_str() {
            "ArrowDown" => 1,
            "ArrowUp" => -1,
            "Escape" => {
                state.selected_frame.set(None);
                return;
            }
            _ => return,
        };
        ev.prevent_default();
        hits.with(|h| {
            if h.is_empty() {
                return;
            }
            let pos = state.selected_frame.get_untracked().and_then(|s| h.iter().position(|&i| i == s));
            let next = match pos {
                Some(p) => (p as i64 + step).clamp(0, h.len() as i64 - 1) as usize,
                None => 0,
            };
            state.selected_frame.set(Some(h[next]));
        });
    };

    view! {
        <div class="frames-pane">
            <div class="filters" role="search">
                <input type="search" class="filter" id="frame-filter" data-testid="filter"
                    placeholder="Filter: text, /regex/i, -exclude  (press / to focus)"
                    aria-label="Filter frames"
                    prop:value=move || state.filter_text.get()
                    on:input=move |ev| state.filter_text.set(event_target_value(&ev)) />
                <select aria-label="Direction" data-testid="filter-direction" on:change=move |ev| direction.set(match event_target_value(&ev).as_str() {
                    "in" => Some(Direction::In), "out" => Some(Direction::Out), _ => None })>
                    <option value="">"both directions"</option>
                    <option value="in">"↓ received"</option>
                    <option value="out">"↑ sent"</option>
                </select>
                <select aria-label="Topic" data-testid="filter-topic" prop:value=move || topic.get() on:change=move |ev| topic.set(event_target_value(&ev))>
                    <option value="">"all topics"</option>
                    {move || topics.get().into_iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                </select>
                <label><input type="checkbox" data-testid="hide-heartbeats" prop:checked=hide_hb
                    on:change=move |ev| { let on = event_target_checked(&ev); state.settings.update(|s| s.hide_heartbeats = on) } />"hide heartbeats"</label>
                <span class="counts" data-testid="shown-count">{move || format!("{} shown", count.get())}</span>
                {move || filter.get().err().map(|e| view! { <span class="error" role="alert">{e}</span> })}
            </div>
            <div class="frame-head" aria-hidden="true"><span></span><span>"time"</span><span>"size"</span><span>"topic"</span><span>"event"</span><span>"data"</span></div>
            <div class="frame-body" on:keydown=on_key>
                <VirtualList count=count row_height=ROW_HEIGHT render=render reveal=reveal follow=true />
            </div>
            {move || state.selected_frame.get().map(|i| view! { <FrameDetail conn=conn index=i /> })}
        </div>
    }
}

#[component]
fn FrameRow(conn: ConnId, index: u32) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let selected = move || state.selected_frame.get() == Some(index);
    let cells = state.store.with_value(|s| {
        let c = s.session.connection(conn)?;
        let f = s.session.frame(FrameRef { conn, index })?;
        let dir = f.record.dir();
        let kind = f.record.kind();
        let summary = match f.record.op() {
            Opcode::Text => f.text().map(|t| t.chars().take(SUMMARY_CHARS).collect::<String>()).unwrap_or_else(|| "(not UTF-8)".into()),
            Opcode::Binary => {
                let head: Vec<String> = f.data.iter().take(16).map(|b| format!("{b:02x}")).collect();
                format!("[binary {}] {}", bytes(f.record.size as u64), head.join(" "))
            }
        };
        let latency = f.exchange.and_then(|x| x.latency_ms).filter(|_| f.exchange.is_some_and(|x| x.reply == Some(index)));
        let error = f.record.status() == Some(Status::Error) || kind == Kind::Error;
        Some((
            dir,
            duration(f.record.t - c.created),
            bytes(f.record.size as u64),
            f.topic.unwrap_or("").to_string(),
            f.event.unwrap_or("").to_string(),
            summary,
            latency,
            error,
            kind == Kind::Heartbeat,
            f.record.truncated(),
        ))
    });
    let Some((dir, at, size, topic, event, summary, latency, error, heartbeat, truncated)) = cells else { return ().into_any() };
    let (arrow, dir_name) = if dir == Direction::In { ("↓", "in") } else { ("↑", "out") };
    view! {
        <div class="frame-row" class:selected=selected class:error=error class:heartbeat=heartbeat
            data-testid="frame" data-dir=dir_name role="row" on:click=move |_| state.selected_frame.set(Some(index))>
            <span class="dir">{arrow}</span>
            <span class="num">{at}</span>
            <span class="num">{size}</span>
            <span class="topic">{topic}</span>
            <span class="event">{event}{latency.map(|l| format!(" ({})", duration(l)))}</span>
            <span class="payload">{summary}{truncated.then_some(" …")}</span>
        </div>
    }
    .into_any()
}

#[component]
fn FrameDetail(conn: ConnId, index: u32) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let detail = state.store.with_value(|s| {
        let f = s.session.frame(FrameRef { conn, index })?;
        let decoded = s.session.decode(FrameRef { conn, index });
        let (protocol, why_raw) = decoded
            .as_ref()
            .map(|d| (d.protocol.label().to_string(), d.why_raw.iter().map(|m| format!("{}: {}", m.protocol.label(), m.reason.describe())).collect::<Vec<_>>()))
            .unwrap_or_default();
        let exchange = f.exchange.map(|x| {
            let status = match x.status {
                Some(Status::Ok) => "ok",
                Some(Status::Error) => "error",
                None => "no reply yet",
            };
            let latency = x.latency_ms.map(duration).unwrap_or_default();
            match x.paired_by {
                PairedBy::Key => format!("request/reply key {} · {status} · {latency}", x.key),
                // Typed JSON has no ids: the reply is the next message the server sent.
                PairedBy::Order => format!("request/reply paired by order · {status} · {latency}"),
            }
        });
        let text = f.text().map(str::to_string);
        let json = text.as_deref().and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok());
        let hex = (f.record.op() == Opcode::Binary).then(|| hex_dump(&f.data[..f.data.len().min(64 * 1024)]));
        Some((clock(f.record.t), f.record.size, f.record.truncated(), protocol, why_raw, exchange, text, json, hex))
    });
    let Some((at, size, truncated, protocol, why_raw, exchange, text, json, hex)) = detail else {
        return view! { <div class="frame-detail">"This frame is no longer in the buffer."</div> }.into_any();
    };
    let json_error = text.as_ref().filter(|_| json.is_none()).and_then(|t| {
        let t = t.trim_start();
        (t.starts_with('{') || t.starts_with('['))
            .then(|| serde_json::from_str::<serde_json::Value>(t).err().map(|e| format!("Looks like JSON but does not parse: {e}")))
            .flatten()
    });
    view! {
        <div class="frame-detail" data-testid="frame-detail" aria-label="Frame details">
            <div class="meta">
                <span>{at}</span>
                <span>{format!("{size} bytes")}</span>
                <span data-testid="frame-protocol">{protocol}</span>
                {exchange.map(|x| view! { <span data-testid="exchange">{x}</span> })}
                {truncated.then(|| view! { <span class="warn">"Only a prefix was kept (payload cap); the size above is the real one."</span> })}
                <button class="link" on:click=move |_| state.selected_frame.set(None) aria-label="Close details">"✕"</button>
            </div>
            {(!why_raw.is_empty()).then(|| view! {
                <details class="why-raw"><summary>"Why no protocol matched"</summary>
                    <ul>{why_raw.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                </details>
            })}
            {json_error.map(|e| view! { <p class="warn">{e}</p> })}
            {json.map(|v| view! { <JsonTree value=v /> })}
            {text.map(|t| view! { <details><summary>"Raw text"</summary><pre class="raw">{t}</pre></details> })}
            {hex.map(|h| view! { <pre class="hex" data-testid="hex">{h}</pre> })}
        </div>
    }
    .into_any()
}

//! Per-topic lanes: each topic a row, its events on one shared time axis. Errors in red,
//! heartbeats dimmed (or hidden), reply latency on each answered request; a click opens the frame.

use crate::store::PanelState;
use crate::ui::format::duration;
use leptos::prelude::*;
use socketscope_core::protocols::{Kind, Status};
use socketscope_core::session::{ConnId, FrameRef, TopicState};

/// Marks drawn per lane: at most `MAX_MARKS`, and `ALL_MARKS` over all lanes together; beyond it
/// marks are thinned, but errors are always kept. Each mark is a button, and the lanes are redrawn
/// while frames stream in: 20 busy topics at 400 marks each were 8,000 buttons per redraw, and the
/// panel drew at 1.5 frames per second (`tests/bench/panel.mjs`, Topics tab on 20 live topics).
const MAX_MARKS: usize = 150;
const ALL_MARKS: usize = 1200;

fn kind_class(kind: Kind, status: Option<Status>) -> &'static str {
    if status == Some(Status::Error) || kind == Kind::Error {
        return "k-error";
    }
    match kind {
        Kind::Join => "k-join",
        Kind::Leave | Kind::Close => "k-leave",
        Kind::Reply => "k-reply",
        Kind::StreamItem => "k-stream",
        Kind::Push => "k-push",
        Kind::Broadcast => "k-broadcast",
        Kind::Heartbeat => "k-heartbeat",
        Kind::Control | Kind::Attachment | Kind::Raw => "k-other",
        Kind::Error => "k-error",
    }
}

fn topic_state(s: TopicState) -> &'static str {
    match s {
        TopicState::Unjoined => "not joined",
        TopicState::Joining => "joining",
        TopicState::Joined => "joined",
        TopicState::JoinFailed => "join failed",
        TopicState::Leaving => "leaving",
        TopicState::Left => "left",
        TopicState::Closed => "closed by server",
        TopicState::Errored => "channel error",
        TopicState::Completed => "completed",
        TopicState::Failed => "failed",
    }
}

#[derive(Clone)]
struct Mark {
    index: u32,
    left: f64,
    class: &'static str,
    title: String,
}

crate::ui::lazy::lazy_view! {
    /// The lanes, in their own chunk (shown on the Topics tab).
    lanes => fn topic_lanes(conn: ConnId, on_pick: Callback<u32>) { view! { <TopicLanes conn=conn on_pick=on_pick /> }.into_any() }
}

#[component]
pub fn TopicLanes(conn: ConnId, #[prop(into)] on_pick: Callback<u32>) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let hide_hb = move || state.settings.with(|s| s.hide_heartbeats);
    let lanes = move || {
        let hide = hide_hb();
        let now = js_sys::Date::now();
        // An overview: redrawn at most twice a second while frames stream in, not on every frame.
        state.read_slow(|s| {
            let c = s.session.connection(conn)?;
            let start = c.created;
            let end = c.ended_at().or(c.last_frame_at()).unwrap_or(now).max(start + 1.0);
            let span = end - start;
            let per_lane = (ALL_MARKS / c.topics.len().max(1)).clamp(1, MAX_MARKS);
            let lanes = c
                .topics
                .iter()
                .map(|t| {
                    let name = s.session.name(t.name).unwrap_or("?").to_string();
                    let step = (t.timeline.len() / per_lane).max(1);
                    let marks: Vec<Mark> = t
                        .timeline
                        .iter()
                        .enumerate()
                        .filter_map(|(k, &i)| {
                            let f = s.session.frame(FrameRef { conn, index: i })?;
                            let kind = f.record.kind();
                            if hide && kind == Kind::Heartbeat {
                                return None;
                            }
                            let status = f.record.status();
                            let class = kind_class(kind, status);
                            if k % step != 0 && class != "k-error" {
                                return None;
                            }
                            let latency = f.exchange.filter(|x| x.reply == Some(i)).and_then(|x| x.latency_ms);
                            let title = format!(
                                "{} {} at +{}{}",
                                if f.record.dir() == socketscope_core::schema::Direction::In { "↓" } else { "↑" },
                                f.event.unwrap_or("?"),
                                duration(f.record.t - start),
                                latency.map(|l| format!(", replied in {}", duration(l))).unwrap_or_default()
                            );
                            Some(Mark { index: i, left: (f.record.t - start) / span * 100.0, class, title })
                        })
                        .collect();
                    let errors = t.count(Kind::Error);
                    (name, topic_state(t.state), t.timeline.len(), errors, marks)
                })
                .collect::<Vec<_>>();
            Some(lanes)
        })
    };
    // A click (or Enter on a focused mark) opens that mark's frame.
    let pick = move |ev: leptos::ev::MouseEvent| {
        use wasm_bindgen::JsCast;
        let frame = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|el| el.get_attribute("data-frame"))
            .and_then(|i| i.parse::<u32>().ok());
        if let Some(i) = frame {
            state.selected_frame.set(Some(i));
            on_pick.run(i);
        }
    };
    move || match lanes() {
        None => view! { <p class="empty">"This connection is gone."</p> }.into_any(),
        Some(l) if l.is_empty() => view! {
            <p class="empty" data-testid="no-topics">"No topics on this connection: its protocol has none, or no frame named one. Set a topic key path in Settings for custom JSON."</p>
        }
        .into_any(),
        Some(l) => view! {
            <div class="lanes" data-testid="lanes" role="list">
                {l.into_iter().map(|(name, st, n, errors, marks)| view! {
                    <div class="lane" role="listitem" data-testid="lane">
                        <div class="lane-name" title=name.clone()>
                            <strong>{name.clone()}</strong>
                            <span class="meta">{format!("{st} · {n} messages")}{(errors > 0).then(|| format!(" · {errors} errors"))}</span>
                        </div>
                        // One click handler per lane, not per mark: a redraw then creates no closures.
                        <div class="lane-track" on:click=pick>
                            {marks.into_iter().map(|m| view! {
                                <button class=format!("mark {}", m.class) style:left=format!("{:.3}%", m.left) title=m.title.clone() aria-label=m.title
                                    data-frame=m.index.to_string()></button>
                            }).collect_view()}
                        </div>
                    </div>
                }).collect_view()}
            </div>
        }
        .into_any(),
    }
}

//! Per-topic lanes: each topic a row, its events on one shared time axis. Errors in red,
//! heartbeats dimmed (or hidden), reply latency on each answered request; a click opens the frame.

use crate::store::PanelState;
use crate::ui::format::duration;
use socketscope_core::decimal::fixed;
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

#[derive(Clone, PartialEq)]
struct Mark {
    index: u32,
    left: f64,
    class: &'static str,
    title: String,
}

#[derive(Clone, PartialEq)]
struct Lane {
    name: String,
    meta: String,
    marks: Vec<Mark>,
}

/// The time axis's length: an ended connection's ends with it; a live one's a little past its
/// last frame, growing by a quarter at a time, so marks keep their places between redraws.
pub fn axis_span(span_ms: f64, live: bool) -> f64 {
    let span = span_ms.max(1.0);
    if !live {
        return span;
    }
    // The smallest power of 1.25 (in ms) that holds the span: marks fill 80-100% of the lane.
    let axis = 1.25f64.powf((span.ln() / 1.25f64.ln()).ceil());
    if axis < span { axis * 1.25 } else { axis }
}

/// Every `step`-th event of a lane gets a mark (errors always do). A power of two, so as a lane
/// grows the marks kept are a subset of those drawn before: a redraw mostly adds marks.
pub fn mark_step(events: usize, max_marks: usize) -> usize {
    events.div_ceil(max_marks.max(1)).max(1).next_power_of_two()
}

#[component]
pub fn TopicLanes(conn: ConnId, #[prop(into)] on_pick: Callback<u32>) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let hide_hb = move || state.settings.with(|s| s.hide_heartbeats);
    // An overview: recomputed at most twice a second while frames stream in (the slow tick), and
    // drawn keyed, so a redraw only adds the new marks and drops the thinned ones.
    let lanes = Memo::new(move |_| {
        let hide = hide_hb();
        let now = js_sys::Date::now();
        state.read_slow(|s| {
            let c = s.session.connection(conn)?;
            let start = c.created;
            let live = c.ended_at().is_none();
            let last = c.ended_at().or(c.last_frame_at()).unwrap_or(now);
            let span = axis_span(last - start, live);
            let per_lane = (ALL_MARKS / c.topics.len().max(1)).clamp(1, MAX_MARKS);
            let lanes = c
                .topics
                .iter()
                .map(|t| {
                    let name = s.session.name(t.name).unwrap_or("?").to_string();
                    let step = mark_step(t.timeline.len(), per_lane);
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
                    let errors = if errors > 0 { format!(" · {errors} errors") } else { String::new() };
                    let meta = format!("{} · {} messages{errors}", topic_state(t.state), t.timeline.len());
                    Lane { name, meta, marks }
                })
                .collect::<Vec<_>>();
            Some(lanes)
        })
    });
    // What to draw at all changes rarely; the lanes below update in place.
    let shape = Memo::new(move |_| lanes.with(|l| l.as_ref().map(|l| l.len())));
    let lane = move |i: usize| lanes.with(|l| l.as_ref().and_then(|l| l.get(i)).cloned());
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
    move || match shape.get() {
        None => view! { <p class="empty">"This connection is gone."</p> }.into_any(),
        Some(0) => view! {
            <p class="empty" data-testid="no-topics">"No topics on this connection: its protocol has none, or no frame named one. Set a topic key path in Settings for custom JSON."</p>
        }
        .into_any(),
        Some(_) => view! {
            <div class="lanes" data-testid="lanes" role="list">
                <For each=move || 0..shape.get().unwrap_or(0) key=|i| *i let:i>
                    <div class="lane" role="listitem" data-testid="lane">
                        <div class="lane-name" title=move || lane(i).map(|l| l.name)>
                            <strong>{move || lane(i).map(|l| l.name)}</strong>
                            <span class="meta">{move || lane(i).map(|l| l.meta)}</span>
                        </div>
                        // One click handler per lane, not per mark: a redraw creates no closures.
                        <div class="lane-track" on:click=pick>
                            <For each=move || lane(i).map(|l| l.marks).unwrap_or_default()
                                key=|m| (m.index, m.left.to_bits(), m.class, m.title.clone()) let:m>
                                <button class=format!("mark {}", m.class) style:left=format!("{}%", fixed(m.left, 3)) title=m.title.clone() aria-label=m.title
                                    data-frame=m.index.to_string()></button>
                            </For>
                        </div>
                    </div>
                </For>
            </div>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_live_axis_grows_in_quarters_and_an_ended_one_fits() {
        assert_eq!(axis_span(5_000.0, false), 5_000.0);
        assert_eq!(axis_span(0.0, false), 1.0);
        let a = axis_span(5_000.0, true);
        assert!((5_000.0..5_000.0 * 1.25).contains(&a), "{a}");
        for span in [3.0, 164.0, 86_400_000.0] {
            let a = axis_span(span, true);
            assert!(a >= span && a < span * 1.25 + 1e-9, "{span}: {a}");
        }
        // Frames that arrive before the axis is full leave it, and so every mark, where it was.
        assert_eq!(axis_span(a - 1.0, true), a);
        assert!(axis_span(a + 1.0, true) > a);
    }

    #[test]
    fn thinning_keeps_a_subset_as_a_lane_grows() {
        assert_eq!(mark_step(0, 150), 1);
        assert_eq!(mark_step(150, 150), 1);
        for n in [151, 1_000, 99_999] {
            let step = mark_step(n, 150);
            assert!(step.is_power_of_two() && n.div_ceil(step) <= 150, "{n}: step {step}");
            // A longer lane's step is a multiple of a shorter one's: its marks were drawn before.
            assert_eq!(mark_step(2 * n, 150) % step, 0);
        }
    }
}

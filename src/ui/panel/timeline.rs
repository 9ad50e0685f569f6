//! readyState as a time bar: each state's span with its duration, the handshake status and the
//! close marker. Times are absolute (UTC clock) and relative to the socket's creation.

use crate::store::PanelState;
use crate::ui::format::{clock, duration, state_name};
use socketscope_core::decimal::fixed;
use leptos::prelude::*;
use socketscope_core::schema::{Initiator, ReadyState};
use socketscope_core::session::ConnId;

#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub state: ReadyState,
    pub start: f64,
    pub end: Option<f64>,
}

/// Spans from the creation time through every transition; the last open span ends `now`.
pub fn spans(created: f64, transitions: &[(f64, ReadyState)]) -> Vec<Span> {
    let mut out = vec![Span { state: ReadyState::Connecting, start: created, end: None }];
    for &(t, state) in transitions {
        let last = out.last_mut().expect("never empty");
        if last.state == state {
            continue;
        }
        last.end = Some(t);
        out.push(Span { state, start: t, end: None });
    }
    if let Some(last) = out.last_mut() {
        if last.state == ReadyState::Closed {
            last.end = Some(last.start);
        }
    }
    out
}

#[component]
pub fn Timeline(conn: ConnId) -> impl IntoView {
    let state = expect_context::<PanelState>();
    move || {
        let now = js_sys::Date::now();
        state.read(|s| {
            let c = s.session.connection(conn)?;
            let tr: Vec<(f64, ReadyState)> = c.transitions.iter().map(|t| (t.t, t.state)).collect();
            let spans = spans(c.created, &tr);
            let total = spans.last().and_then(|l| l.end).unwrap_or(now) - c.created;
            let total = total.max(1.0);
            let bars = spans
                .iter()
                .map(|sp| {
                    let len = sp.end.unwrap_or(now) - sp.start;
                    // Every state stays visible, however short.
                    let width = (len / total * 100.0).max(if sp.state == ReadyState::Closed { 0.8 } else { 2.0 });
                    let label = format!("{} {}", state_name(sp.state), if sp.state == ReadyState::Closed { String::new() } else { duration(len) });
                    let title = format!("{} at {} (+{})", state_name(sp.state), clock(sp.start), duration(sp.start - c.created));
                    view! { <div class="seg" data-state=state_name(sp.state) style:flex-basis=format!("{}%", fixed(width, 2)) title=title>{label}</div> }
                })
                .collect_view();
            let handshake = c.handshake.as_ref().map(|h| match (h.status, &h.error) {
                (Some(code), _) => format!("handshake HTTP {code}"),
                (None, Some(e)) => format!("handshake failed: {e}"),
                (None, None) => "handshake: no response".to_string(),
            });
            let close = c.close.as_ref().map(|cl| {
                let by = match cl.initiator {
                    Initiator::Page => "the page called close()",
                    Initiator::Panel => "Socketscope force-closed it",
                    Initiator::Server => "the server or network",
                };
                format!(
                    "closed {} {} · {} · {} · at {} (+{})",
                    cl.code,
                    if cl.reason.is_empty() { "(no reason)".to_string() } else { format!("\"{}\"", cl.reason) },
                    if cl.was_clean { "clean" } else { "not clean" },
                    by,
                    clock(cl.t),
                    duration(cl.t - c.created)
                )
            });
            Some(view! {
                <div class="timeline" data-testid="timeline" aria-label="readyState timeline" data-evidence-target=crate::ui::cards::TIMELINE_TARGET tabindex="-1">
                    <div class="bar-track">{bars}</div>
                    <div class="timeline-notes">
                        <span>"created " {clock(c.created)}</span>
                        {handshake.map(|h| view! { <span data-testid="handshake">{h}</span> })}
                        {close.map(|t| view! { <span class="close-marker" data-testid="close-marker">{t}</span> })}
                    </div>
                </div>
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_follow_transitions_and_end_at_close() {
        let s = spans(100.0, &[(110.0, ReadyState::Open), (5110.0, ReadyState::Closing), (5112.0, ReadyState::Closed)]);
        assert_eq!(s.len(), 4);
        assert_eq!((s[0].state, s[0].end), (ReadyState::Connecting, Some(110.0)));
        assert_eq!((s[1].start, s[1].end), (110.0, Some(5110.0)));
        assert_eq!(s[3].state, ReadyState::Closed);
        let open = spans(0.0, &[(5.0, ReadyState::Open)]);
        assert_eq!(open[1].end, None, "still open: ends now");
    }
}

//! A virtualised list: only the rows in view (plus a little overscan) exist in the DOM, so 100k+
//! frames scroll as smoothly as ten. Rows have one fixed height; the spacer gives the scrollbar
//! its true length.

use leptos::prelude::*;

const OVERSCAN: usize = 8;

/// The rows to draw for a viewport: `[first, last)`.
pub fn visible_range(count: usize, row_height: f64, scroll_top: f64, viewport: f64) -> (usize, usize) {
    if count == 0 || row_height <= 0.0 {
        return (0, 0);
    }
    let first = ((scroll_top.max(0.0) / row_height) as usize).saturating_sub(OVERSCAN).min(count);
    let shown = (viewport.max(row_height) / row_height).ceil() as usize + 2 * OVERSCAN;
    (first, (first + shown).min(count))
}

#[component]
pub fn VirtualList<R, V>(
    /// How many rows there are.
    #[prop(into)]
    count: Signal<usize>,
    /// Row height in px (CSS must agree: `.vrow { height }`).
    row_height: f64,
    /// Draws row `i`.
    render: R,
    /// When it changes, scroll so that this row is in view.
    #[prop(optional, into)]
    reveal: Option<Signal<Option<usize>>>,
    /// Stay at the bottom while new rows arrive, unless the user scrolled up.
    #[prop(optional)]
    follow: bool,
) -> impl IntoView
where
    R: Fn(usize) -> V + Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let scroll_top = RwSignal::new(0.0_f64);
    let viewport = RwSignal::new(600.0_f64);
    let at_bottom = RwSignal::new(true);
    let container = NodeRef::<leptos::html::Div>::new();

    // While following the tail, the rows drawn are the last ones at once (from the count, not from
    // the scroll position, which the browser reports a frame later): one redraw per new batch.
    let following = move || follow && at_bottom.get() && reveal.is_none_or(|r| r.get().is_none());
    let view_top = move || {
        if following() {
            (count.get() as f64 * row_height - viewport.get()).max(0.0)
        } else {
            scroll_top.get()
        }
    };

    // Follow the tail, or reveal a chosen row, after the DOM has the new height.
    Effect::new(move |_| {
        let n = count.get();
        let target = reveal.and_then(|r| r.get());
        let Some(el) = container.get() else { return };
        let h = el.client_height() as f64;
        if h > 0.0 && viewport.get_untracked() != h {
            viewport.set(h);
        }
        if let Some(i) = target {
            let top = i as f64 * row_height;
            let (view_top, view_h) = (el.scroll_top() as f64, el.client_height() as f64);
            if top < view_top || top + row_height > view_top + view_h {
                el.set_scroll_top((top - view_h / 2.0).max(0.0) as i32);
            }
        } else if follow && at_bottom.get_untracked() {
            el.set_scroll_top((n as f64 * row_height) as i32);
        }
    });

    // Signals change only when the values do: the scroll event that follows our own scrolling
    // must not redraw the rows again.
    let on_scroll = move |_| {
        if let Some(el) = container.get() {
            let (top, h) = (el.scroll_top() as f64, el.client_height() as f64);
            let bottom = top + h >= el.scroll_height() as f64 - row_height;
            if at_bottom.get_untracked() != bottom {
                at_bottom.set(bottom);
            }
            if scroll_top.get_untracked() != top {
                scroll_top.set(top);
            }
            if viewport.get_untracked() != h {
                viewport.set(h);
            }
        }
    };

    let rows = move || {
        let (first, last) = visible_range(count.get(), row_height, view_top(), viewport.get());
        let render = render.clone();
        (first..last)
            .map(move |i| {
                // CSSOM properties, not a style attribute: the pages' CSP forbids inline styles.
                view! { <div class="vrow" style:top=px(i as f64 * row_height) style:height=px(row_height)>{render(i)}</div> }
            })
            .collect_view()
    };

    view! {
        <div class="vlist" node_ref=container on:scroll=on_scroll tabindex="0">
            <div class="vspace" style:height=move || px(count.get() as f64 * row_height)>
                {rows}
            </div>
        </div>
    }
}

/// A CSS length in pixels, to the hundredth (socketscope_core::decimal says why not `{}`).
fn px(v: f64) -> String {
    format!("{}px", socketscope_core::decimal::fixed(v, 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_covers_viewport_with_overscan_and_clamps() {
        assert_eq!(visible_range(0, 20.0, 0.0, 400.0), (0, 0));
        assert_eq!(visible_range(100_000, 20.0, 0.0, 400.0), (0, 20 + 2 * OVERSCAN));
        let (first, last) = visible_range(100_000, 20.0, 20.0 * 5000.0, 400.0);
        assert_eq!(first, 5000 - OVERSCAN);
        assert!(last >= 5000 + 20);
        assert_eq!(visible_range(10, 20.0, 1e9, 400.0).1, 10);
    }
}

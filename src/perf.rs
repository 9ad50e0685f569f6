//! Performance marks for the panel benchmark (tests/bench/panel.mjs) and for anyone profiling the
//! panel in DevTools: each names a step on the way to the first screen.

/// `performance.mark("socketscope:<name>")`, once per page load (later calls are ignored).
pub fn mark_once(name: &'static str) {
    thread_local! {
        static DONE: std::cell::RefCell<Vec<&'static str>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let first = DONE.with(|d| {
        let mut d = d.borrow_mut();
        let first = !d.contains(&name);
        if first {
            d.push(name);
        }
        first
    });
    if first {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.mark(&format!("socketscope:{name}"));
        }
    }
}

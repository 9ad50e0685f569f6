//! Views that are not the first screen live in wasm chunks, so the startup wasm holds little more
//! than the connections list (issue #5's size budget). The panel's views share one chunk,
//! `after_first_screen`: a connection's details (header, timeline, diagnostics, close and token
//! cards, frame list, topic lanes, frame details, live actions) and the toolbar's buttons and
//! settings. It is fetched as soon as there is a connection to show, so the cards appear without a
//! click, right after the list; one chunk, so the code its parts share comes in one file, not in a
//! dozen small shared chunks, and a later click draws at once. The standalone page, and the code
//! behind an Export click, are chunks of their own, fetched on first use.
//!
//! With the `split` feature (the panel's Trunk build) each [`lazy_fn!`] function becomes a
//! split point (`wasm_split_helpers`, re-exported by Leptos), and `scripts/split-panel.sh` cuts the
//! linked wasm into the main module and one chunk per chunk name. Without it (native and render-test
//! builds) the same function is an ordinary `async fn`, so callers and tests see one API.

use leptos::prelude::*;
use std::future::Future;

/// A view's chunk could not be fetched or instantiated (the browser console has the details).
#[derive(Debug, Clone)]
pub struct LoadFailed;

impl From<leptos::wasm_split::SplitLoaderError> for LoadFailed {
    fn from(_: leptos::wasm_split::SplitLoaderError) -> Self {
        LoadFailed
    }
}

/// What a lazy view function returns.
pub type Loaded = Result<AnyView, LoadFailed>;

/// Declares `fn $name(args) -> Result<$ret, LoadFailed>` whose body is compiled into the chunk
/// `$chunk` under the `split` feature. Call it as `name(args).await`.
macro_rules! lazy_fn {
    ($(#[$doc:meta])* $chunk:ident => fn $name:ident($($arg:ident: $ty:ty),* $(,)?) -> $ret:ty $body:block) => {
        $(#[$doc])*
        #[cfg(feature = "split")]
        #[::leptos::wasm_split::wasm_split($chunk, wasm_split_path = ::leptos::wasm_split, fallible)]
        pub fn $name($($arg: $ty),*) -> Result<$ret, $crate::ui::lazy::LoadFailed> {
            let out: $ret = $body;
            Ok(out)
        }
        $(#[$doc])*
        #[cfg(not(feature = "split"))]
        pub async fn $name($($arg: $ty),*) -> Result<$ret, $crate::ui::lazy::LoadFailed> {
            let out: $ret = $body;
            Ok(out)
        }
    };
}
pub(crate) use lazy_fn;

/// [`lazy_fn!`] for a view: `fn $name(args) -> Loaded`, the body an `AnyView`.
macro_rules! lazy_view {
    ($(#[$doc:meta])* $chunk:ident => fn $name:ident($($arg:ident: $ty:ty),* $(,)?) $body:block) => {
        $crate::ui::lazy::lazy_fn! { $(#[$doc])* $chunk => fn $name($($arg: $ty),*) -> ::leptos::prelude::AnyView $body }
    };
}
pub(crate) use lazy_view;

/// How to fetch the chunks again in this mode ("Reload the page" / "Close and reopen the panel").
/// Reads the mode from the component's context: call it while building a view.
pub fn retry_hint() -> &'static str {
    match use_context::<crate::mode::Mode>() {
        Some(crate::mode::Mode::Standalone) => "Reload the page",
        _ => "Close and reopen the panel",
    }
}

/// Draws what `load` resolves to: nothing while the chunk loads (a few milliseconds from the
/// extension's own files; at once once loaded), or an error that says what to do.
pub fn show(part: &'static str, load: impl Future<Output = Loaded> + 'static) -> impl IntoView {
    let retry = retry_hint();
    // Leptos wants a Send future; the panel runs on one thread.
    Suspend::new(send_wrapper::SendWrapper::new(async move { load.await.unwrap_or_else(|LoadFailed| failed(part, retry).into_any()) }))
}

/// What a part whose chunk failed to load shows instead; `retry` is [`retry_hint`]'s.
pub fn failed(part: &'static str, retry: &'static str) -> impl IntoView {
    view! {
        <p class="error" role="alert" data-testid="lazy-failed">
            {format!("The {part} could not be loaded: a file of this build is missing or broken (the console says which). {retry} to try again; if that does not help, rebuild or reinstall the extension.")}
        </p>
    }
}

//! The filter's `/regex/` engine ([`socketscope_core::filter::RegexCompiler`]). In the browser it
//! is the page's own RegExp: V8 compiles it to machine code (a regex over 100k frames takes
//! milliseconds, not the second an interpreter needs), and the panel's wasm carries no regex engine.
//! The syntax is JavaScript's, with the `u` flag (what a frontend developer types anyway). Native
//! builds use the core's regex-lite engine.

use socketscope_core::filter::{Filter, FilterError, FilterSpec, RegexCompiler};

/// The engine for this build.
pub const COMPILER: RegexCompiler = compile;

/// A filter with this build's regex engine.
pub fn filter(spec: FilterSpec) -> Result<Filter, FilterError> {
    Filter::with_regex(spec, COMPILER)
}

#[cfg(target_arch = "wasm32")]
fn compile(pattern: &str, case_insensitive: bool) -> Result<Box<dyn socketscope_core::filter::Regex>, String> {
    use send_wrapper::SendWrapper;
    use wasm_bindgen::prelude::*;

    #[wasm_bindgen]
    extern "C" {
        /// `RegExp(pattern, flags)`; throws a SyntaxError for a bad pattern.
        #[wasm_bindgen(catch, js_name = RegExp)]
        fn new_regexp(pattern: &str, flags: &str) -> Result<js_sys::RegExp, JsValue>;
    }

    /// The JS object lives on the panel's one thread; the wrapper only lets it sit in a memo.
    #[derive(Debug)]
    struct JsRegex(SendWrapper<js_sys::RegExp>);
    impl socketscope_core::filter::Regex for JsRegex {
        fn is_match(&self, text: &str) -> bool {
            // No `g` or `y` flag, so `test` does not depend on `lastIndex`.
            self.0.test(text)
        }
    }

    let flags = if case_insensitive { "iu" } else { "u" };
    match new_regexp(pattern, flags) {
        Ok(re) => Ok(Box::new(JsRegex(SendWrapper::new(re)))),
        Err(e) => Err(e.dyn_ref::<js_sys::Error>().map(|e| String::from(e.message())).unwrap_or_else(|| format!("{e:?}"))),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn compile(pattern: &str, case_insensitive: bool) -> Result<Box<dyn socketscope_core::filter::Regex>, String> {
    socketscope_core::filter::lite_regex(pattern, case_insensitive)
}

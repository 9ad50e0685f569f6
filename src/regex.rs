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
        /// A JS RegExp without `g` or `y`, so `test` does not depend on `lastIndex`.
        #[wasm_bindgen(js_name = RegExp)]
        #[derive(Debug)]
        type JsRegExp;

        /// `RegExp(pattern, flags)`; throws a SyntaxError for a bad pattern.
        #[wasm_bindgen(catch, js_name = RegExp)]
        fn new_regexp(pattern: &str, flags: &str) -> Result<JsRegExp, JsValue>;

        #[wasm_bindgen(method, js_name = test)]
        fn test_str(this: &JsRegExp, text: &str) -> bool;

        /// `test` on a string already in JS (no copy out of wasm memory).
        #[wasm_bindgen(method, js_name = test)]
        fn test_js(this: &JsRegExp, text: &js_sys::JsString) -> bool;
    }

    /// The JS object lives on the panel's one thread; the wrapper only lets it sit in a memo.
    #[derive(Debug)]
    struct JsRegex(SendWrapper<JsRegExp>);
    impl socketscope_core::filter::Regex for JsRegex {
        fn is_match(&self, text: &str) -> bool {
            self.0.test_str(text)
        }

        /// One copy into JS for the whole batch, then a slice per frame: handing each frame's text
        /// over on its own (a UTF-8 decode per call) cost more than the matching.
        fn is_match_many(&self, texts: &[&str]) -> Vec<bool> {
            let mut joined = String::with_capacity(texts.iter().map(|t| t.len()).sum());
            let mut ends = Vec::with_capacity(texts.len());
            let mut at = 0u32;
            for t in texts {
                joined.push_str(t);
                // JS strings count UTF-16 units.
                at += if t.is_ascii() { t.len() } else { t.encode_utf16().count() } as u32;
                ends.push(at);
            }
            let all = js_sys::JsString::from(joined.as_str());
            drop(joined);
            let mut start = 0;
            ends.into_iter()
                .map(|end| {
                    let piece = all.slice(start, end);
                    start = end;
                    self.0.test_js(&piece)
                })
                .collect()
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

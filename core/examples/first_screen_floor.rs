//! The analysis core alone, doing what the panel's first screen asks of it (settings, ingest,
//! diagnostics, token inspection, close explanation, the frame filter), with no UI and no
//! wasm-bindgen: the floor under the panel's startup wasm. `scripts/size-floors.sh` builds it and
//! prints its gzipped size next to the panel's. Not a benchmark of speed: nothing calls it.

use socketscope_core::close_codes::parse_project_profile;
use socketscope_core::diagnostics::{self, diagnose_connection, Context};
use socketscope_core::filter::{Filter, FilterSpec, FrameFacts};
use socketscope_core::session::{FrameRef, Model};
use socketscope_core::{jwt, schema, settings};
use std::fmt::Write;

/// Room for the host to write the three inputs into.
#[no_mangle]
pub extern "C" fn floor_alloc(len: usize) -> *mut u8 {
    let mut v = Vec::<u8>::with_capacity(len);
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

fn text<'a>(ptr: *const u8, len: usize) -> &'a str {
    // SAFETY: the host passes memory it got from floor_alloc and filled with `len` bytes.
    std::str::from_utf8(unsafe { std::slice::from_raw_parts(ptr, len) }).unwrap_or("")
}

/// Everything the first screen computes from an event batch, the settings and a filter text;
/// returns the length of a summary that depends on all of it (so none of it is optimised away).
#[no_mangle]
pub extern "C" fn floor_analyse(batch: *const u8, batch_len: usize, cfg: *const u8, cfg_len: usize, query: *const u8, query_len: usize, now: f64) -> usize {
    let (settings, problems) = settings::load(text(cfg, cfg_len));
    let mut out = problems.concat();
    let mut model = Model::default();
    match schema::parse_batch(text(batch, batch_len)) {
        Ok(parsed) => {
            parsed.errors.iter().for_each(|e| out.push_str(&e.to_string()));
            model.ingest_batch(&parsed);
        }
        Err(e) => out.push_str(&e.to_string()),
    }
    let profiles = settings.project_profiles.iter().filter_map(|t| parse_project_profile(t).profile).collect();
    let ctx = Context { project_profiles: profiles, auth_events: settings.auth_events.clone(), ..Context::new(now) };
    let spec = FilterSpec { text: text(query, query_len).into(), ..Default::default() };
    let filter = Filter::with_regex(spec, |_, _| Err("the panel uses the browser's RegExp".into())).ok();
    for c in model.connections() {
        for d in diagnose_connection(&model, c.id, &ctx) {
            out.push_str(&d.cause);
            d.evidence.iter().for_each(|e| out.push_str(&e.label()));
        }
        for t in diagnostics::facts::tokens(&model, c) {
            let moments = jwt::Moments { now_ms: now, connect_ms: Some(c.created), close_ms: c.close.as_ref().map(|cl| cl.t) };
            let i = jwt::inspect(&t.found.token, &moments, &[], &ctx.inspect);
            i.findings.iter().for_each(|f| out.push_str(&f.message));
            i.times.iter().for_each(|t| out.push_str(&t.utc));
        }
        if let Some(cl) = &c.close {
            let set = diagnostics::facts::profiles_for(c, &ctx.project_profiles);
            out.push_str(&set.explain(cl.code, &cl.reason).next_step());
            let _ = write!(out, "{}", set.collisions().len());
        }
        let shown = (0..c.frames.len() as u32)
            .filter_map(|index| model.frame(FrameRef { conn: c.id, index }))
            .filter(|f| {
                let facts = FrameFacts { direction: f.record.dir(), text: "", topic: f.topic, event: f.event, protocol: "", heartbeat: false };
                filter.as_ref().is_some_and(|fl| fl.matches(&facts))
            })
            .count();
        let _ = write!(out, "{shown}");
    }
    out.push_str(&serde_json::to_string(&settings).unwrap_or_default());
    out.len()
}

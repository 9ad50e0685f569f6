#![no_main]
// Fuzz the diagnostics rules end to end: any batch the schema accepts, ingested into the session
// model, then every rule over every connection, with the Django profile and the document
// service's auth events and scope map active. Never a panic; every finding says something.
use libfuzzer_sys::fuzz_target;
use socketscope_core::close_codes::{parse_project_profile, DJANGO_EXAMPLE_PROFILE};
use socketscope_core::diagnostics::{diagnose, Context};
use socketscope_core::schema;
use socketscope_core::session::{Model, ModelConfig};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(parsed) = schema::parse_batch(text) else { return };
    let mut model = Model::new(ModelConfig::default());
    model.ingest_batch(&parsed);
    let mut ctx = Context::document_service(1.8e12);
    ctx.project_profiles.extend(parse_project_profile(DJANGO_EXAMPLE_PROFILE).profile);
    for d in diagnose(&model, &ctx) {
        assert!(!d.cause.is_empty() && !d.next_step.is_empty());
    }
});

//! Offline analysis: an imported HAR or session becomes a session model (by the core's importers)
//! and is shown with the panel's own views (`crate::ui::panel::SessionView`, live = false): the
//! same connections, timelines, topic lanes, token and close cards and diagnostics.

use crate::store::{PanelState, Store};
use crate::ui::cards::{DiagnosticItem, DiagnosticsList};
use crate::ui::panel::SessionView;
use leptos::context::Provider;
use leptos::prelude::*;
use socketscope_core::diagnostics::Severity;
use socketscope_core::export::{import_session, ImportError, Imported};
use socketscope_core::har::HarAsSession;
use socketscope_core::settings::Settings;

/// A file the user dropped, imported by the core.
pub struct Loaded {
    pub name: String,
    pub kind: &'static str,
    pub imported: Imported,
}

/// Import `text` as a Socketscope session or a Chrome HAR, whichever it is; the error says what
/// the file is not and what to drop instead. A HAR is converted to a session file by the HAR module
/// (`har/`, loaded on first use), so the panel itself only reads session files.
pub async fn import(name: &str, text: String) -> Result<Loaded, String> {
    let session = match import_session(&text) {
        Ok(imported) => return Ok(Loaded { name: name.into(), kind: "Socketscope session", imported }),
        Err(e) => e,
    };
    match &session {
        ImportError::NotJson(e) => {
            return Err(format!(
                "{name} is not JSON ({e}). Drop a .har file saved from Chrome's Network panel, or a session exported from Socketscope."
            ))
        }
        ImportError::NewerVersion { .. } => return Err(format!("{name}: {session}.")),
        ImportError::WrongFormat(_) => {}
    }
    let args = [text.into(), js_sys::Date::now().into()];
    let har = crate::modules::call_for("har", "session_from_har", &args)
        .await
        .and_then(|r| match r {
            Ok(v) => serde_json::from_value::<HarAsSession>(v).map(Ok).map_err(|e| format!("its answer could not be read: {e}")),
            Err(e) => Ok(Err(e)),
        })
        .map_err(|e| format!("{name}: the HAR reader failed ({e}). Reload the page and drop the file again."))?;
    match har {
        Ok(converted) => {
            let mut imported = import_session(&converted.session).map_err(|e| format!("{name}: the HAR was read, but not its session ({e})."))?;
            imported.issues.splice(0..0, converted.issues);
            Ok(Loaded { name: name.into(), kind: "HAR", imported })
        }
        Err(har) => Err(format!(
            "{name} is JSON but neither a {} nor a {}. Drop a .har saved from Chrome (Network › Save all as HAR with content) or a Socketscope session export.",
            session.to_string().trim_start_matches("not a "),
            har.trim_start_matches("not a ")
        )),
    }
}

/// One imported file: a summary line, the import issues, then the panel's session view over it.
/// `settings` are the page's (project close-code profiles, required claims, scope map); they are
/// shared, so a profile loaded in the close-code lookup also explains the imported closes.
#[component]
pub fn Analysis(loaded: Loaded, settings: RwSignal<Settings>) -> impl IntoView {
    let Loaded { name, kind, imported } = loaded;
    let model = imported.model;
    let frames: usize = model.connections().iter().map(|c| c.frames.len()).sum();
    let n = model.connections().len();
    let summary = format!(
        "{name} ({kind}): {}, {frames} frames{}.",
        crate::ui::format::count(n as u64, "connection"),
        if imported.redacted { "; tokens were redacted when it was exported" } else { "" }
    );
    let issues: Vec<DiagnosticItem> = imported
        .issues
        .iter()
        .map(|i| DiagnosticItem::new(Severity::Warning, "import", format!("{}: {}", i.at, i.problem)))
        .collect();
    let mut store = Store::default();
    store.session = model;
    // Imported connections are all closed: run the rules once so the one with a problem is shown first.
    store.ctx = Some(settings.with_untracked(|s| crate::ui::analysis::diagnostic_context(s, js_sys::Date::now())));
    store.refresh_problems();
    let mut state = PanelState::new(store, settings.get_untracked());
    state.settings = settings;
    view! {
        <div class="analysis-import" data-testid="import-analysis">
            <p data-testid="import-status">{summary}</p>
            {(!issues.is_empty()).then(|| view! {
                <details data-testid="import-issues"><summary>{crate::ui::format::count(issues.len() as u64, "import issue")}</summary><DiagnosticsList items=issues /></details>
            })}
            <Provider value=state>
                <SessionView
                    live=false
                    empty_hint="No WebSocket connections in this file. In Chrome, open DevTools on the Network panel before the page opens its sockets (or reload), then save the HAR again."
                />
            </Provider>
        </div>
    }
}

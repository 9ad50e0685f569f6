//! The close card: code, reason, what each active profile says it means, evidence, next step.

use super::diagnostics::{DiagnosticItem, DiagnosticsList, Evidence};
use leptos::prelude::*;
use socketscope_core::close_codes::{CloseExplanation, CloseNote, Collision, ProfileOrigin};

fn origin_label(o: &ProfileOrigin) -> &'static str {
    match o {
        ProfileOrigin::Library(_) => "library profile",
        ProfileOrigin::Project => "project profile",
    }
}

fn note_text(n: &CloseNote) -> String {
    match n {
        CloseNote::LocalOnly => "No close frame carried this number: the browser reports it itself to describe \
                                 what happened (see the meaning below)."
            .into(),
        CloseNote::InvalidOnWire => "No endpoint may send this number: the peer's WebSocket implementation, or a \
                                     proxy, is broken."
            .into(),
        CloseNote::Unexplained => "No loaded profile explains this code. Load the project's close-code profile, \
                                   or find where the server calls close() with it."
            .into(),
        CloseNote::Ambiguous { profiles } => format!(
            "Ambiguous: {} all define this code with different meanings; check who closed and the reason text.",
            profiles.join(", ")
        ),
    }
}

/// One close, explained: `explanation` is `ProfileSet::explain(code, reason)` from the core for
/// the connection's profiles.
///
/// - `collisions`: `ProfileSet::collisions()` for this code (shown as warnings); optional.
/// - `evidence` / `on_evidence`: links to what proves the close's cause (the closing frame, the
///   token); `on_evidence` gets the [`Evidence::target`] clicked. Optional.
///
/// Test ids: `close-card` (root, `data-code`), `close-title`, `close-next`, `close-meaning` (one
/// per source: IANA entry or profile match, with `data-profile`), `close-note`.
#[component]
pub fn CloseCard(
    explanation: CloseExplanation,
    #[prop(optional)] collisions: Vec<Collision>,
    #[prop(optional)] evidence: Vec<Evidence>,
    #[prop(optional)] on_evidence: Option<Callback<String>>,
) -> impl IntoView {
    let e = explanation;
    let reason = if e.reason.trim().is_empty() {
        view! { <span class="muted">"no reason text"</span> }.into_any()
    } else {
        view! { <span class="close-reason" data-testid="close-reason">{format!("\"{}\"", e.reason)}</span> }.into_any()
    };
    let mut sources: Vec<AnyView> = e
        .matches
        .iter()
        .map(|m| {
            let name = m.entry.name.clone();
            let meaning = if m.entry.meaning.is_empty() { None } else { Some(m.entry.meaning.clone()) };
            let next = (!m.entry.next_step.is_empty()).then(|| m.entry.next_step.clone());
            view! {
                <li class="close-source" data-testid="close-meaning" data-profile=m.profile.clone()>
                    <span class="src">{m.profile.clone()}<span class="muted">{format!(" ({})", origin_label(&m.origin))}</span></span>
                    <strong>{name}</strong>
                    {meaning.map(|t| view! { <span>{t}</span> })}
                    <span class="muted">{format!("Sent by {}.", m.entry.sent_by.label())}</span>
                    {next.map(|t| view! { <span class="next">"Next: "{t}</span> })}
                </li>
            }
            .into_any()
        })
        .collect();
    if let Some(s) = e.standard {
        sources.push(
            view! {
                <li class="close-source" data-testid="close-meaning" data-profile="IANA">
                    <span class="src">"IANA registry"</span>
                    <strong>{s.name}</strong>
                    <span>{s.meaning}</span>
                    <span class="muted">{format!("Sent by {}.", s.sent_by.label())}</span>
                    <span class="next">"Next: "{s.next_step}</span>
                </li>
            }
            .into_any(),
        );
    } else if e.matches.is_empty() {
        sources.push(
            view! {
                <li class="close-source" data-testid="close-meaning" data-profile="range">
                    <span class="src">{e.range.label()}</span>
                    <span>{e.range.meaning()}</span>
                </li>
            }
            .into_any(),
        );
    }
    let notes = e
        .notes
        .iter()
        .map(|n| view! { <p class="close-note" data-testid="close-note">{note_text(n)}</p> })
        .collect_view();
    let collisions = (!collisions.is_empty()).then(|| {
        let items: Vec<DiagnosticItem> = collisions.iter().map(DiagnosticItem::from).collect();
        view! { <DiagnosticsList items=items /> }
    });
    let evidence = (!evidence.is_empty()).then(|| {
        let item = evidence.into_iter().fold(
            DiagnosticItem::new(socketscope_core::diagnostics::Severity::Info, "evidence", "What this close is based on."),
            |i, ev| i.with_evidence(ev.label, ev.target),
        );
        match on_evidence {
            Some(cb) => view! { <DiagnosticsList items=vec![item] on_evidence=cb /> }.into_any(),
            None => view! { <DiagnosticsList items=vec![item] /> }.into_any(),
        }
    });
    view! {
        <section class="card close-card" data-testid="close-card" data-code=e.code aria-label="Close">
            <h3 class="card-title" data-testid="close-title">{e.title()}</h3>
            <p class="close-line">
                <span class="code">{format!("code {}", e.code)}</span>" · "
                <span class="muted">{e.range.label()}</span>" · "{reason}
            </p>
            <p class="close-next" data-testid="close-next"><strong>"Next step: "</strong>{e.next_step()}</p>
            {notes}
            <ul class="close-sources">{sources}</ul>
            {collisions}
            {evidence}
        </section>
    }
}

//! The close card: code, reason, what each active profile says it means, evidence, next step.

use super::diagnostics::{diagnostics_list, DiagnosticItem, Evidence};
use crate::ui::dom::{el, Node};
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
    close_card(explanation, collisions, evidence, on_evidence)
}

/// [`CloseCard`] as a tree.
pub fn close_card(e: CloseExplanation, collisions: Vec<Collision>, evidence: Vec<Evidence>, on_evidence: Option<Callback<String>>) -> Node {
    let reason = if e.reason.trim().is_empty() {
        el("span").class("muted").text("no reason text")
    } else {
        el("span").class("close-reason").testid("close-reason").text(format!("\"{}\"", e.reason))
    };
    let source = |profile: String| el("li").class("close-source").testid("close-meaning").attr("data-profile", profile);
    let mut sources: Vec<Node> = e
        .matches
        .iter()
        .map(|m| {
            let entry = &m.entry;
            source(m.profile.clone())
                .child(el("span").class("src").text(m.profile.clone()).child(el("span").class("muted").text(format!(" ({})", origin_label(&m.origin)))))
                .child(el("strong").text(entry.name.clone()))
                .opt((!entry.meaning.is_empty()).then(|| el("span").text(entry.meaning.clone())))
                .child(el("span").class("muted").text(format!("Sent by {}.", entry.sent_by.label())))
                .opt((!entry.next_step.is_empty()).then(|| el("span").class("next").text("Next: ").text(entry.next_step.clone())))
        })
        .collect();
    if let Some(s) = e.standard {
        sources.push(
            source("IANA".into())
                .child(el("span").class("src").text("IANA registry"))
                .child(el("strong").text(s.name))
                .child(el("span").text(s.meaning))
                .child(el("span").class("muted").text(format!("Sent by {}.", s.sent_by.label())))
                .child(el("span").class("next").text("Next: ").text(s.next_step)),
        );
    } else if e.matches.is_empty() {
        sources.push(source("range".into()).child(el("span").class("src").text(e.range.label())).child(el("span").text(e.range.meaning())));
    }
    let notes = e.notes.iter().map(|n| el("p").class("close-note").testid("close-note").text(note_text(n)));
    let collisions = (!collisions.is_empty()).then(|| diagnostics_list(collisions.iter().map(DiagnosticItem::from).collect(), None, None));
    let evidence = (!evidence.is_empty()).then(|| {
        let item = evidence.into_iter().fold(
            DiagnosticItem::new(socketscope_core::diagnostics::Severity::Info, "evidence", "What this close is based on."),
            |i, ev| i.with_evidence(ev.label, ev.target),
        );
        diagnostics_list(vec![item], on_evidence, None)
    });
    el("section")
        .class("card close-card")
        .testid("close-card")
        .attr("data-code", e.code.to_string())
        .attr("aria-label", "Close")
        .attr("data-evidence-target", super::diagnostics::CLOSE_TARGET)
        .attr("tabindex", "-1")
        .child(el("h3").class("card-title").testid("close-title").text(e.title()))
        .child(
            el("p")
                .class("close-line")
                .child(el("span").class("code").text(format!("code {}", e.code)))
                .text(" · ")
                .child(el("span").class("muted").text(e.range.label()))
                .text(" · ")
                .child(reason),
        )
        .child(el("p").class("close-next").testid("close-next").child(el("strong").text("Next step: ")).text(e.next_step()))
        .children(notes)
        .child(el("ul").class("close-sources").children(sources))
        .opt(collisions)
        .opt(evidence)
}

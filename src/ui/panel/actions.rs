//! Send a message into the page's live socket, or force-close it with a chosen code and reason
//! (a real `close()` on the page's socket, recorded as started by the panel).

use super::compose::{check, ComposeCheck};
use crate::{store::PanelState, transport::{send_via, TransportHandle}};
use leptos::prelude::*;
use socketscope_core::close_codes::CloseCode;
use socketscope_core::schema::{Command, Opcode, ReadyState, VERSION};
use socketscope_core::session::ConnId;

/// `close()` accepts 1000 and 3000-4999 only; anything else throws InvalidAccessError in the page.
pub fn closable(code: u16) -> Result<(), String> {
    if code == 1000 || (3000..=4999).contains(&code) {
        Ok(())
    } else {
        Err(format!("close() accepts only 1000 or 3000-4999; {code} would throw InvalidAccessError in the page. {}", CloseCode::from(code)))
    }
}

#[component]
pub fn LiveActions(conn: ConnId) -> impl IntoView {
    let state = expect_context::<PanelState>();
    let transport = use_context::<TransportHandle>();
    let message = RwSignal::new(String::new());
    let code = RwSignal::new("4001".to_string());
    let reason = RwSignal::new("Socketscope test".to_string());
    let verdict = Memo::new(move |_| check(&message.get()));
    let socket = move || state.read(|s| s.session.connection(conn).map(|c| (c.socket.clone(), c.state())));
    let open = move || socket().is_some_and(|(_, st)| st == ReadyState::Open);

    let send_cmd = move |cmd: Command, done: String| {
        state.status.set(match send_via(transport, &cmd) {
            Ok(()) => done,
            Err(e) => format!("Could not send the command: {e}"),
        });
    };
    let send = move |_| {
        let Some((id, _)) = socket() else { return };
        let data = message.get_untracked();
        if verdict.get_untracked() == ComposeCheck::Empty {
            return;
        }
        send_cmd(Command::Send { v: VERSION, id, op: Opcode::Text, data }, "Sent through the page's socket.".into());
    };
    let force_close = move |_| {
        let Some((id, _)) = socket() else { return };
        let parsed = code.get_untracked().trim().parse::<u16>();
        match parsed.map_err(|_| "the close code must be a number, e.g. 4001".to_string()).and_then(|c| closable(c).map(|()| c)) {
            Ok(c) => send_cmd(
                Command::Close { v: VERSION, id, code: c, reason: reason.get_untracked() },
                format!("Asked the page's socket to close with {c}."),
            ),
            Err(e) => state.status.set(e),
        }
    };

    view! {
        <div class="actions" aria-label="Live actions">
            <Show when=open fallback=|| view! { <p class="meta">"Sending and force-closing work while the socket is OPEN."</p> }>
                <div class="compose">
                    <textarea aria-label="Message to send" data-testid="compose" rows="2"
                        prop:value=move || message.get() on:input=move |ev| message.set(event_target_value(&ev))
                        placeholder="{\"type\":\"ping\"}"></textarea>
                    <button on:click=send data-testid="send" disabled=move || verdict.get() == ComposeCheck::Empty>"Send"</button>
                    <span class="meta" class:warn=move || matches!(verdict.get(), ComposeCheck::BrokenJson { .. }) data-testid="compose-check">{move || verdict.get().describe()}</span>
                </div>
                <div class="force-close">
                    <label>"Close code " <input size="5" aria-label="Close code" data-testid="close-code-input" prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev)) /></label>
                    <label>"reason " <input size="24" aria-label="Close reason" data-testid="close-reason-input" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev)) /></label>
                    <button on:click=force_close data-testid="force-close">"Force-close"</button>
                </div>
            </Show>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_codes_close_accepts_are_allowed() {
        assert!(closable(1000).is_ok());
        assert!(closable(4001).is_ok());
        assert!(closable(3000).is_ok());
        let err = closable(1006).unwrap_err();
        assert!(err.contains("InvalidAccessError"), "{err}");
        assert!(closable(5000).is_err());
    }
}

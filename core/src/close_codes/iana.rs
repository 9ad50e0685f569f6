//! The IANA "WebSocket Close Code Number Registry": every entry of 1000-1015 and the registered
//! 3000, 3003 and 3008, with what a person debugging a closed socket needs: who sent it, whether
//! it could have been on the wire at all, and what to check next.

use super::SentBy;
use serde::Serialize;

/// One registry entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CodeInfo {
    pub code: u16,
    /// The registry's name, e.g. "Going Away".
    pub name: &'static str,
    /// What it means, in the words of RFC 6455 or the registration.
    pub meaning: &'static str,
    pub sent_by: SentBy,
    /// False for codes an endpoint must never put in a close frame (1004, 1005, 1006, 1015).
    pub on_wire: bool,
    /// What to check next when a socket closes with it.
    pub next_step: &'static str,
}

const fn entry(
    code: u16,
    name: &'static str,
    meaning: &'static str,
    sent_by: SentBy,
    on_wire: bool,
    next_step: &'static str,
) -> CodeInfo {
    CodeInfo { code, name, meaning, sent_by, on_wire, next_step }
}

/// The table, in code order. `lookup` relies on the order for 1000-1015.
pub static REGISTRY: [CodeInfo; 19] = [
    entry(1000, "Normal Closure",
        "The purpose for which the connection was established has been fulfilled.",
        SentBy::Either, true,
        "Nothing is wrong at the protocol level. Check who closed (the page, the panel or the server) and \
         the reason text: some libraries close with 1000 on their own errors (Phoenix: \"heartbeat timeout\")."),
    entry(1001, "Going Away",
        "An endpoint is going away: a server shutting down, or a browser navigating away from the page.",
        SentBy::Either, true,
        "If the page was not navigating, the server was shutting down or restarting: check its deploy or \
         process logs at the close time, and make sure the client reconnects with backoff."),
    entry(1002, "Protocol Error",
        "An endpoint is terminating the connection due to a protocol error.",
        SentBy::Either, true,
        "A framing error: usually a proxy or a hand-written server that breaks RFC 6455 (bad masking, \
         fragmented control frame). Check the server's WebSocket library and any proxy in between."),
    entry(1003, "Unsupported Data",
        "An endpoint received a type of data it cannot accept, e.g. binary on a text-only endpoint.",
        SentBy::Either, true,
        "Compare the opcode of the last frames sent before the close (text vs binary) with what the \
         server accepts."),
    entry(1004, "Reserved",
        "Reserved; the meaning might be defined in the future.",
        SentBy::Nobody, false,
        "No endpoint may send 1004: the peer's WebSocket implementation is broken."),
    entry(1005, "No Status Received",
        "The close frame carried no status code. Never sent: the browser reports it when the peer's \
         close frame was empty.",
        SentBy::LocalOnly, false,
        "The peer closed cleanly but gave no code. Check the server's close call (many servers close \
         without a code by default) and the frames just before the close."),
    entry(1006, "Abnormal Closure",
        "The connection closed without a close frame: the TCP connection dropped, or the handshake \
         failed. Never sent: the browser reports it.",
        SentBy::LocalOnly, false,
        "Look at the handshake: an HTTP status other than 101 (e.g. 403) means the server refused before \
         accepting. With no handshake response, the server was unreachable. After a successful open, \
         check the idle time before the drop (proxy timeouts) and the server's logs."),
    entry(1007, "Invalid Frame Payload Data",
        "An endpoint received data inconsistent with the message type, e.g. non-UTF-8 in a text message.",
        SentBy::Either, true,
        "Check the last text frame sent before the close for invalid UTF-8 or an encoding mix-up."),
    entry(1008, "Policy Violation",
        "An endpoint received a message that violates its policy; a generic code when no other fits or \
         details should stay hidden.",
        SentBy::Either, true,
        "Frequently an authentication or origin check. Check the token, the Origin header and the \
         server's logs for the rejected message."),
    entry(1009, "Message Too Big",
        "An endpoint received a message too big for it to process.",
        SentBy::Either, true,
        "Compare the size of the last frames sent before the close with the server's maximum message \
         size, and split or compress large messages."),
    entry(1010, "Mandatory Extension",
        "The client expected the server to negotiate one or more extensions, and the server did not.",
        SentBy::Client, true,
        "Compare the extensions the client required with the `Sec-WebSocket-Extensions` the server \
         returned in the handshake."),
    entry(1011, "Internal Error",
        "The server met an unexpected condition that prevented it from fulfilling the request.",
        SentBy::Server, true,
        "A crash or unhandled exception on the server: find the error in its logs at the close time; \
         the last frame sent before the close often triggers it."),
    entry(1012, "Service Restart",
        "The service is restarting.",
        SentBy::Server, true,
        "Expected during deploys. The client should reconnect after a randomised delay; check the \
         reconnect attempts that follow."),
    entry(1013, "Try Again Later",
        "The service is overloaded or in a temporary condition; try again later.",
        SentBy::Server, true,
        "Reconnect with exponential backoff; check the reconnect intervals for a storm."),
    entry(1014, "Bad Gateway",
        "The server was acting as a gateway or proxy and received an invalid response from upstream.",
        SentBy::Server, true,
        "The proxy could not reach the application server: check the upstream's health and the proxy's \
         logs."),
    entry(1015, "TLS Handshake",
        "The TLS handshake failed, e.g. the server certificate could not be verified. Never sent: the \
         browser reports it.",
        SentBy::LocalOnly, false,
        "Open the wss:// URL's https:// equivalent in a tab to see the certificate error; check the \
         certificate chain, its host name and its expiry."),
    entry(3000, "Unauthorized",
        "Registered with IANA: the WebSocket counterpart of HTTP 401, the request lacks valid credentials.",
        SentBy::Server, true,
        "Check the credentials sent with the connection: the token found in the URL, subprotocol or \
         first message, its expiry and its signature."),
    entry(3003, "Forbidden",
        "Registered with IANA: the WebSocket counterpart of HTTP 403, the credentials are valid but not \
         allowed to do this.",
        SentBy::Server, true,
        "Check the token's scopes or roles against what the last message before the close needed."),
    entry(3008, "Timeout",
        "Registered with IANA: the WebSocket counterpart of HTTP 408, the server timed out waiting.",
        SentBy::Server, true,
        "Check the idle time before the close and whether the client sent what the server waited for \
         (an init message, a heartbeat)."),
];

/// The registry entry for `code`, if the registry has one.
pub fn lookup(code: u16) -> Option<&'static CodeInfo> {
    match code {
        1000..=1015 => REGISTRY.get(usize::from(code - 1000)),
        _ => REGISTRY[16..].iter().find(|i| i.code == code),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_standard_code_has_an_entry_at_its_index() {
        for code in 1000..=1015u16 {
            let info = lookup(code).unwrap_or_else(|| panic!("missing {code}"));
            assert_eq!(info.code, code);
            assert!(!info.next_step.is_empty());
        }
        for code in [3000u16, 3003, 3008] {
            assert_eq!(lookup(code).map(|i| i.code), Some(code));
        }
        assert!(lookup(1016).is_none());
        assert!(lookup(3001).is_none());
        assert!(lookup(999).is_none());
    }

    #[test]
    fn table_is_sorted_and_unique() {
        for w in REGISTRY.windows(2) {
            assert!(w[0].code < w[1].code);
        }
    }
}

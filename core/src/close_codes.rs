//! The close-code table: the one place where Socketscope learns what a close code means.
//!
//! Four layers, from the most general to the most specific:
//!
//! 1. [`CloseCode`]: every `u16` maps to exactly one variant and back ([`From<u16>`] is total, as
//!    in tungstenite), so a code seen on the wire is never lost or "normalised".
//! 2. The IANA registry ([`iana`]): 1000-1015 with meaning, who sends it, whether it can appear in
//!    a close frame at all (1005, 1006 and 1015 never do) and what to check next; plus the
//!    registered 3000, 3003 and 3008.
//! 3. Library profiles ([`profile::library_profile`]): graphql-ws, Phoenix, ActionCable. Chosen by
//!    the negotiated subprotocol or by the library the protocol decoders detected.
//! 4. Project profiles: JSON files users load ([`profile::parse_project_profile`]; format in
//!    `docs/close-code-profiles.md`), e.g. `core/profiles/django-example.json`.
//!
//! [`ProfileSet::explain`] combines them for one close and says when two of them disagree
//! (a project 4004 under graphql-ws, whose own 4004 means "bad response").

pub mod explain;
pub mod iana;
pub mod profile;

pub use explain::{CloseExplanation, CloseNote, Collision, ProfileMatch, ProfileSet};
pub use iana::CodeInfo;
pub use profile::{
    library_profile, parse_project_profile, Library, Profile, ProfileEntry, ProfileLoad, ProfileOrigin,
    ProfileProblem, Trigger,
};

use serde::{Deserialize, Serialize};

/// The Django Channels example profile from the context guide, shipped so users can load it
/// (or copy it) without hunting for the file.
pub const DJANGO_EXAMPLE_PROFILE: &str = include_str!("../profiles/django-example.json");

/// A WebSocket close status code, as defined by RFC 6455 section 7.4 and the IANA
/// "WebSocket Close Code Number Registry".
///
/// Build it with `CloseCode::from(u16)`: that conversion is total, and `u16::from(code)` gives the
/// original number back for every input (a test checks all 65,536 values). The payload-carrying
/// variants hold the raw number; construct them only through `From<u16>` so each number has exactly
/// one representation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CloseCode {
    /// 1000: "indicates a normal closure, meaning that the purpose for which the connection was
    /// established has been fulfilled."
    Normal,
    /// 1001: "indicates that an endpoint is 'going away', such as a server going down or a browser
    /// having navigated away from a page."
    GoingAway,
    /// 1002: "indicates that an endpoint is terminating the connection due to a protocol error."
    ProtocolError,
    /// 1003: "indicates that an endpoint is terminating the connection because it has received a
    /// type of data it cannot accept (e.g., an endpoint that understands only text data MAY send
    /// this if it receives a binary message)."
    UnsupportedData,
    /// 1004: "Reserved. The specific meaning might be defined in the future."
    Reserved,
    /// 1005: "a reserved value and MUST NOT be set as a status code in a Close control frame by an
    /// endpoint. It is designated for use in applications expecting a status code to indicate that
    /// no status code was actually present."
    NoStatusReceived,
    /// 1006: "a reserved value and MUST NOT be set as a status code in a Close control frame by an
    /// endpoint. It is designated for use in applications expecting a status code to indicate that
    /// the connection was closed abnormally, e.g., without sending or receiving a Close control
    /// frame."
    Abnormal,
    /// 1007: "indicates that an endpoint is terminating the connection because it has received data
    /// within a message that was not consistent with the type of the message (e.g., non-UTF-8 data
    /// within a text message)."
    InvalidPayload,
    /// 1008: "indicates that an endpoint is terminating the connection because it has received a
    /// message that violates its policy. This is a generic status code that can be returned when
    /// there is no other more suitable status code (e.g., 1003 or 1009) or if there is a need to
    /// hide specific details about the policy."
    PolicyViolation,
    /// 1009: "indicates that an endpoint is terminating the connection because it has received a
    /// message that is too big for it to process."
    MessageTooBig,
    /// 1010: "indicates that an endpoint (client) is terminating the connection because it has
    /// expected the server to negotiate one or more extension, but the server didn't return them in
    /// the response message of the WebSocket handshake."
    MandatoryExtension,
    /// 1011: "indicates that a server is terminating the connection because it encountered an
    /// unexpected condition that prevented it from fulfilling the request."
    InternalError,
    /// 1012 (IANA): the service is restarting; a client may reconnect, with a randomised delay.
    ServiceRestart,
    /// 1013 (IANA): the service is experiencing overload; "try again later", with backoff.
    TryAgainLater,
    /// 1014 (IANA): "the server was acting as a gateway or proxy and received an invalid response
    /// from the upstream server" (like HTTP 502).
    BadGateway,
    /// 1015: "a reserved value and MUST NOT be set as a status code in a Close control frame by an
    /// endpoint. It is designated for use in applications expecting a status code to indicate that
    /// the connection was closed due to a failure to perform a TLS handshake (e.g., the server
    /// certificate can't be verified)."
    TlsHandshake,
    /// 1016-2999: "reserved for definition by this protocol, its future revisions, and extensions
    /// specified in a permanent and readily available public specification." None is assigned.
    Unassigned(u16),
    /// 3000 (IANA registry): Unauthorized, the WebSocket counterpart of HTTP 401.
    Unauthorized,
    /// 3003 (IANA registry): Forbidden, the WebSocket counterpart of HTTP 403.
    Forbidden,
    /// 3008 (IANA registry): Timeout, the WebSocket counterpart of HTTP 408.
    Timeout,
    /// 3000-3999 other than the above: "reserved for use by libraries, frameworks, and
    /// applications. These status codes are registered directly with IANA."
    Registered(u16),
    /// 4000-4999: "reserved for private use and thus can't be registered. Such codes can be used by
    /// prior agreements between WebSocket applications." Their meaning comes from a profile.
    Private(u16),
    /// 0-999 ("not used") and 5000-65535 (undefined): never valid in a close frame. Kept so that a
    /// buggy peer's number is shown as it was sent.
    Invalid(u16),
}

impl From<u16> for CloseCode {
    fn from(code: u16) -> Self {
        use CloseCode::*;
        match code {
            1000 => Normal,
            1001 => GoingAway,
            1002 => ProtocolError,
            1003 => UnsupportedData,
            1004 => Reserved,
            1005 => NoStatusReceived,
            1006 => Abnormal,
            1007 => InvalidPayload,
            1008 => PolicyViolation,
            1009 => MessageTooBig,
            1010 => MandatoryExtension,
            1011 => InternalError,
            1012 => ServiceRestart,
            1013 => TryAgainLater,
            1014 => BadGateway,
            1015 => TlsHandshake,
            1016..=2999 => Unassigned(code),
            3000 => Unauthorized,
            3003 => Forbidden,
            3008 => Timeout,
            3001..=3999 => Registered(code),
            4000..=4999 => Private(code),
            0..=999 | 5000..=u16::MAX => Invalid(code),
        }
    }
}

impl From<CloseCode> for u16 {
    fn from(code: CloseCode) -> u16 {
        use CloseCode::*;
        match code {
            Normal => 1000,
            GoingAway => 1001,
            ProtocolError => 1002,
            UnsupportedData => 1003,
            Reserved => 1004,
            NoStatusReceived => 1005,
            Abnormal => 1006,
            InvalidPayload => 1007,
            PolicyViolation => 1008,
            MessageTooBig => 1009,
            MandatoryExtension => 1010,
            InternalError => 1011,
            ServiceRestart => 1012,
            TryAgainLater => 1013,
            BadGateway => 1014,
            TlsHandshake => 1015,
            Unauthorized => 3000,
            Forbidden => 3003,
            Timeout => 3008,
            Unassigned(c) | Registered(c) | Private(c) | Invalid(c) => c,
        }
    }
}

impl CloseCode {
    /// The number, as sent (or as synthesised by the browser).
    pub fn code(self) -> u16 {
        self.into()
    }

    /// Which range of the registry the number falls in.
    pub fn range(self) -> CodeRange {
        CodeRange::of(self.code())
    }

    /// The IANA registry entry, for 1000-1015, 3000, 3003 and 3008.
    pub fn info(self) -> Option<&'static CodeInfo> {
        iana::lookup(self.code())
    }

    /// Whether an endpoint may put this number in a close frame. False for 1004-1006, 1015, the
    /// unassigned 1016-2999 and everything outside 1000-4999: seeing one of those *on the wire*
    /// means the peer is broken; seeing 1005/1006/1015 in a `close` event means the browser made
    /// it up to describe what happened.
    pub fn valid_on_wire(self) -> bool {
        match self.info() {
            Some(info) => info.on_wire,
            None => matches!(self.range(), CodeRange::Registered | CodeRange::Private),
        }
    }
}

impl std::fmt::Display for CloseCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.info() {
            Some(info) => write!(f, "{} {}", info.code, info.name),
            None => write!(f, "{} ({})", self.code(), self.range().label()),
        }
    }
}

/// The ranges of RFC 6455 section 7.4.2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeRange {
    /// 0-999: "not used".
    NotUsed,
    /// 1000-1015: defined by RFC 6455 and the IANA registry.
    Standard,
    /// 1016-2999: reserved for future revisions of the protocol; nothing is assigned.
    ReservedForProtocol,
    /// 3000-3999: registered with IANA by libraries, frameworks and applications.
    Registered,
    /// 4000-4999: private use; the meaning is whatever the application says.
    Private,
    /// 5000-65535: outside every range of the RFC.
    Undefined,
}

impl CodeRange {
    pub fn of(code: u16) -> CodeRange {
        match code {
            0..=999 => CodeRange::NotUsed,
            1000..=1015 => CodeRange::Standard,
            1016..=2999 => CodeRange::ReservedForProtocol,
            3000..=3999 => CodeRange::Registered,
            4000..=4999 => CodeRange::Private,
            5000..=u16::MAX => CodeRange::Undefined,
        }
    }

    /// A short label for the UI.
    pub fn label(self) -> &'static str {
        match self {
            CodeRange::NotUsed => "0-999, not used: invalid on the wire",
            CodeRange::Standard => "1000-1015, standard",
            CodeRange::ReservedForProtocol => "1016-2999, reserved for the protocol: invalid on the wire",
            CodeRange::Registered => "3000-3999, registered with IANA",
            CodeRange::Private => "4000-4999, private to the application",
            CodeRange::Undefined => "above 4999: invalid on the wire",
        }
    }

    /// What a code in this range means when no registry entry or profile explains it.
    pub fn meaning(self) -> &'static str {
        match self {
            CodeRange::NotUsed | CodeRange::Undefined => {
                "This number is outside 1000-4999, so no endpoint may send it: the peer's WebSocket \
                 implementation is broken, or a proxy rewrote the close frame."
            }
            CodeRange::Standard => "A standard close code.",
            CodeRange::ReservedForProtocol => {
                "This number is reserved for future versions of the WebSocket protocol and has no \
                 meaning yet: the peer should not send it."
            }
            CodeRange::Registered => {
                "A code registered with IANA by a library or framework. Look it up in the IANA \
                 WebSocket Close Code Number Registry, or load a profile that names it."
            }
            CodeRange::Private => {
                "A private code: only the application that sent it knows what it means. Load the \
                 project's close-code profile, or find where the server calls close() with it."
            }
        }
    }
}

/// Who puts a code into a close frame (or into the `close` event, for the ones that never travel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentBy {
    /// Either side may send it.
    Either,
    /// Normally the server.
    Server,
    /// Normally the client (the page).
    Client,
    /// Nobody sends it: the local WebSocket implementation (the browser) reports it in the `close`
    /// event to describe what happened.
    LocalOnly,
    /// Nobody: reserved and never used.
    Nobody,
}

impl SentBy {
    pub fn label(self) -> &'static str {
        match self {
            SentBy::Either => "either side",
            SentBy::Server => "the server",
            SentBy::Client => "the client",
            SentBy::LocalOnly => "nobody: the browser reports it locally",
            SentBy::Nobody => "nobody (reserved)",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_is_total_and_lossless_for_every_u16() {
        for n in 0..=u16::MAX {
            let code = CloseCode::from(n);
            assert_eq!(u16::from(code), n, "{code:?}");
            assert_eq!(code.range(), CodeRange::of(n));
        }
    }

    #[test]
    fn buckets_follow_the_rfc_ranges() {
        assert_eq!(CloseCode::from(999), CloseCode::Invalid(999));
        assert_eq!(CloseCode::from(5000), CloseCode::Invalid(5000));
        assert_eq!(CloseCode::from(1016), CloseCode::Unassigned(1016));
        assert_eq!(CloseCode::from(2999), CloseCode::Unassigned(2999));
        assert_eq!(CloseCode::from(3001), CloseCode::Registered(3001));
        assert_eq!(CloseCode::from(4999), CloseCode::Private(4999));
        assert!(!CloseCode::from(999).valid_on_wire());
        assert!(!CloseCode::from(5000).valid_on_wire());
        assert!(!CloseCode::from(2000).valid_on_wire());
        assert!(CloseCode::from(3001).valid_on_wire());
        assert!(CloseCode::from(4000).valid_on_wire());
    }

    #[test]
    fn the_three_local_only_codes_are_never_on_the_wire() {
        for n in [1005u16, 1006, 1015] {
            let c = CloseCode::from(n);
            assert!(!c.valid_on_wire(), "{n}");
            assert_eq!(c.info().map(|i| i.sent_by), Some(SentBy::LocalOnly), "{n}");
        }
        assert!(!CloseCode::Reserved.valid_on_wire());
    }
}

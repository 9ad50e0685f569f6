//! Per-topic timelines: every frame that names a topic (a Phoenix topic, a socket.io namespace,
//! a STOMP destination, an Action Cable identifier, a graphql operation id...) in order, plus
//! the topic's membership state as joins, replies, leaves and closes arrive.

use serde::Serialize;

use crate::protocols::{Kind, Status};

use super::intern::Sym;

/// Where a topic stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TopicState {
    /// Traffic seen, but no join (e.g. broadcasts for a topic never joined on this connection).
    Unjoined,
    /// Join sent, no answer yet.
    Joining,
    Joined,
    /// The join was answered with an error.
    JoinFailed,
    Leaving,
    Left,
    /// The server closed the topic (`phx_close`, Action Cable disconnect).
    Closed,
    /// The server reported a channel error (`phx_error`).
    Errored,
    /// A graphql operation finished.
    Completed,
    /// A graphql operation ended with an error.
    Failed,
}

/// A state change and the frame that caused it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TopicTransition {
    pub t: f64,
    pub frame: u32,
    pub state: TopicState,
}

#[derive(Debug, Clone, Serialize)]
pub struct Topic {
    pub name: Sym,
    pub state: TopicState,
    /// Phoenix: the join_ref of the current join.
    pub join_ref: Option<Box<str>>,
    pub joins: u32,
    /// Frame indices, in order.
    pub timeline: Vec<u32>,
    pub transitions: Vec<TopicTransition>,
    /// Messages per [`Kind`] (indexed by `Kind::index`).
    pub counts: [u32; 12],
}

impl Topic {
    pub fn new(name: Sym) -> Self {
        Topic { name, state: TopicState::Unjoined, join_ref: None, joins: 0, timeline: Vec::new(), transitions: Vec::new(), counts: [0; 12] }
    }
    pub fn count(&self, k: Kind) -> u32 {
        self.counts[k.index() as usize]
    }

    pub(crate) fn set(&mut self, t: f64, frame: u32, state: TopicState) {
        if self.state != state {
            self.state = state;
            self.transitions.push(TopicTransition { t, frame, state });
        }
    }

    /// Apply a message that names this topic. `answered` is the kind of the request a reply
    /// closed (Join, Leave...), when it closed one; `stream_protocol` marks graphql-style
    /// operations, whose final reply ends the operation rather than confirming a join.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn apply(&mut self, t: f64, frame: u32, kind: Kind, join_ref: Option<&str>, answered: Option<(Kind, Option<Status>)>, stream_protocol: bool, has_corr: bool) {
        self.counts[kind.index() as usize] += 1;
        match kind {
            Kind::Join => {
                self.joins += 1;
                self.join_ref = join_ref.map(Into::into);
                // A join nobody answers (STOMP SUBSCRIBE without receipt) counts as joined.
                self.set(t, frame, if has_corr { TopicState::Joining } else { TopicState::Joined });
            }
            Kind::Leave => self.set(t, frame, if has_corr { TopicState::Leaving } else { TopicState::Left }),
            Kind::Close => self.set(t, frame, TopicState::Closed),
            Kind::Error => self.set(t, frame, TopicState::Errored),
            Kind::StreamItem if stream_protocol && self.state == TopicState::Joining => self.set(t, frame, TopicState::Joined),
            Kind::Reply => match answered {
                Some((Kind::Join, status)) => {
                    let ok = status != Some(Status::Error);
                    let state = match (stream_protocol, ok) {
                        (true, true) => TopicState::Completed,
                        (true, false) => TopicState::Failed,
                        (false, true) => TopicState::Joined,
                        (false, false) => TopicState::JoinFailed,
                    };
                    self.set(t, frame, state);
                }
                Some((Kind::Leave, _)) => self.set(t, frame, TopicState::Left),
                _ => {}
            },
            _ => {}
        }
    }
}

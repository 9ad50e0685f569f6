//! Why broadcasts never arrive: the topic was never joined (or its join failed), its name differs
//! by a typo from the topic that has the traffic, or messages carry a stale `join_ref`.

use super::facts;
use super::{Diagnosis, Evidence, Rule, Severity};
use crate::protocols::{Direction, Kind, Protocol};
use crate::session::{Connection, FrameRef, Model, Topic, TopicState};

/// How many mismatched frames are cited.
const MAX_CITED: usize = 5;

fn is_phoenix(c: &Connection) -> bool {
    matches!(c.protocol().map(|(p, _)| p), Some(Protocol::PhoenixV1 | Protocol::PhoenixV2))
}

/// The topic's state just before frame `f`.
fn state_before(t: &Topic, f: u32) -> TopicState {
    t.transitions.iter().take_while(|tr| tr.frame < f).last().map(|tr| tr.state).unwrap_or(TopicState::Unjoined)
}

pub(super) fn rules(model: &Model, c: &Connection, out: &mut Vec<Diagnosis>) {
    for t in &c.topics {
        let Some(name) = model.name(t.name) else { continue };
        // Only protocols with an explicit join: elsewhere (Django's URL-path topics, socket.io
        // namespaces) "never joined" would be noise.
        if is_phoenix(c) || c.protocol().map(|(p, _)| p) == Some(Protocol::ActionCable) {
            not_joined(model, c, t, name, out);
        }
        if is_phoenix(c) {
            join_ref_mismatch(model, c, t, name, out);
        }
        typo(model, c, t, name, out);
    }
}

fn frame_ev(model: &Model, c: &Connection, index: u32, what: impl Into<String>) -> Option<Evidence> {
    let at = FrameRef { conn: c.id, index };
    Some(Evidence::Frame { at, t: model.frame(at)?.record.t, what: what.into() })
}

fn not_joined(model: &Model, c: &Connection, t: &Topic, name: &str, out: &mut Vec<Diagnosis>) {
    let recs = c.frames.records();
    let orphan_push = t.timeline.iter().copied().find(|&f| {
        recs.get(f as usize).is_some_and(|r| r.dir() == Direction::Out && r.kind() == Kind::Push)
            && matches!(state_before(t, f), TopicState::Unjoined | TopicState::JoinFailed | TopicState::Left | TopicState::Closed)
    });
    let Some(f) = orphan_push else { return };
    let state = state_before(t, f);
    let mut evidence: Vec<Evidence> = frame_ev(model, c, f, format!("push to {name}")).into_iter().collect();
    let why = match state {
        TopicState::JoinFailed => {
            if let Some(tr) = t.transitions.iter().rev().find(|tr| tr.state == TopicState::JoinFailed && tr.frame < f) {
                evidence.extend(frame_ev(model, c, tr.frame, "join answered with an error"));
            }
            "its join had failed"
        }
        TopicState::Left | TopicState::Closed => "it had been left or closed",
        _ => "it was never joined on this connection",
    };
    evidence.push(Evidence::Topic { conn: c.id, name: name.into(), what: format!("{:?} before the push", state) });
    out.push(Diagnosis {
        rule: Rule::NotJoined,
        severity: Severity::Error,
        conn: Some(c.id),
        cause: format!("messages were sent to {name} (first: frame #{f}) although {why}: the server ignores them, and no \
                        broadcast for {name} can reach this connection."),
        evidence,
        next_step: format!("Join {name} (and wait for its ok reply) before pushing to it or expecting its broadcasts."),
    });
}

fn join_ref_mismatch(model: &Model, c: &Connection, t: &Topic, name: &str, out: &mut Vec<Diagnosis>) {
    let mut current: Option<String> = None;
    let mut bad: Vec<(u32, String, Option<String>)> = Vec::new();
    for &f in &t.timeline {
        let at = FrameRef { conn: c.id, index: f };
        let Some(d) = model.decode(at) else { continue };
        let Some(dir) = model.frame(at).map(|v| v.record.dir()) else { continue };
        let jr = d.msg.join_ref.as_deref().map(str::to_string);
        if d.msg.kind == Kind::Join && dir == Direction::Out {
            current = jr.or_else(|| d.msg.corr.as_ref().map(|k| k.key.to_string()));
            continue;
        }
        if let (Some(j), Some(cur)) = (&jr, &current) {
            if j != cur {
                bad.push((f, j.clone(), current.clone()));
            }
        }
    }
    let Some((first, j, cur)) = bad.first().cloned() else { return };
    let evidence: Vec<Evidence> = bad
        .iter()
        .take(MAX_CITED)
        .filter_map(|(f, j, cur)| frame_ev(model, c, *f, format!("join_ref {j}, current join {}", cur.as_deref().unwrap_or("?"))))
        .collect();
    out.push(Diagnosis {
        rule: Rule::JoinRefMismatch,
        severity: Severity::Error,
        conn: Some(c.id),
        cause: format!("{} message(s) on {name} carry a join_ref other than the current join's (first: frame #{first}, \
                        join_ref {j} while the current join is {}): Phoenix drops messages of a stale join, so these \
                        pushes and broadcasts are lost.", bad.len(), cur.as_deref().unwrap_or("?")),
        evidence,
        next_step: "Stop using the channel object from before the rejoin: after a rejoin, push through the new \
                    channel (phoenix.js does this itself unless a second channel for the same topic was created)."
            .into(),
    });
}

fn typo(model: &Model, c: &Connection, t: &Topic, name: &str, out: &mut Vec<Diagnosis>) {
    if t.joins == 0 || t.count(Kind::Broadcast) > 0 {
        return;
    }
    // A near-identical topic with traffic, on this connection or another.
    let similar = model.connections().iter().flat_map(|other| other.topics.iter().map(move |ot| (other, ot))).find(|(_, ot)| {
        (ot.count(Kind::Broadcast) > 0 || ot.count(Kind::Push) > 0)
            && model.name(ot.name).is_some_and(|n| facts::close_names(name, n, 2))
    });
    let Some((oc, ot)) = similar else { return };
    let other = model.name(ot.name).unwrap_or("");
    let mut evidence = vec![
        Evidence::Topic { conn: c.id, name: name.into(), what: format!("joined {} time(s), 0 broadcasts", t.joins) },
        Evidence::Topic {
            conn: oc.id,
            name: other.into(),
            what: format!("{} broadcasts, {} pushes", ot.count(Kind::Broadcast), ot.count(Kind::Push)),
        },
    ];
    if let Some(&f) = ot.timeline.first() {
        let at = FrameRef { conn: oc.id, index: f };
        if let Some(v) = model.frame(at) {
            evidence.push(Evidence::Frame { at, t: v.record.t, what: format!("traffic on {other}") });
        }
    }
    out.push(Diagnosis {
        rule: Rule::TopicTypo,
        severity: Severity::Warning,
        conn: Some(c.id),
        cause: format!("{name} was joined but received no broadcast, while {other}, which differs by a character or two, \
                        has traffic: one of the two names is probably a typo."),
        evidence,
        next_step: "Compare the topic the client joins with the one the server broadcasts to (e.g. \
                    \"document:<tenant>:<document>\"), character by character."
            .into(),
    });
}

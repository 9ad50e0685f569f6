//! Reconnect sessions: the connections a page opened to the same endpoint, the intervals
//! between one closing and the next opening (the client's backoff), and storms (many
//! connections in a short window, or reconnects with no backoff).

use serde::{Deserialize, Serialize};

use super::ConnId;

/// The endpoint a URL names: scheme (http/ws folded together), host and path. The query is
/// left out on purpose: tokens, cache busters and `vsn` change between attempts.
pub fn endpoint_key(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" | "ws" => "ws",
        "https" | "wss" => "wss",
        _ => "",
    };
    let rest = rest.split(['?', '#']).next().unwrap_or("");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    format!("{scheme}://{}/{}", host.to_ascii_lowercase(), path.trim_end_matches('/'))
}

/// When a burst of connections counts as a storm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct StormConfig {
    /// At least this many connections...
    pub min_connections: u32,
    /// ...opened within this many milliseconds.
    pub window_ms: f64,
}

impl Default for StormConfig {
    fn default() -> Self {
        StormConfig { min_connections: 5, window_ms: 10_000.0 }
    }
}

/// The pattern of reconnect intervals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Backoff {
    /// Fewer than two intervals: nothing to judge.
    Unknown,
    /// Intervals grow (exponential or linear backoff).
    Growing,
    /// Intervals stay about the same.
    Constant,
    /// Reconnects immediately (every interval under 100 ms): no backoff at all.
    Immediate,
    /// None of the above.
    Irregular,
}

/// A window with too many connections.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Storm {
    pub from: f64,
    pub to: f64,
    pub connections: u32,
}

/// One endpoint's connections, in creation order.
#[derive(Debug, Clone, Serialize)]
pub struct Endpoint {
    pub key: String,
    pub connections: Vec<ConnId>,
}

/// Facts about one endpoint's reconnects.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReconnectSummary {
    pub attempts: u32,
    /// Milliseconds from each connection's end (close, or last activity) to the next one's
    /// creation.
    pub intervals_ms: Vec<f64>,
    pub backoff: Backoff,
    pub storm: Option<Storm>,
}

/// `spans`: (created, ended) per connection, in creation order.
pub fn summarise(spans: &[(f64, Option<f64>)], cfg: &StormConfig) -> ReconnectSummary {
    let intervals_ms: Vec<f64> = spans.windows(2).map(|w| (w[1].0 - w[0].1.unwrap_or(w[0].0)).max(0.0)).collect();
    let backoff = classify(&intervals_ms);
    let mut storm: Option<Storm> = None;
    let n = cfg.min_connections.max(2) as usize;
    if spans.len() >= n {
        for i in 0..=spans.len() - n {
            let (from, to) = (spans[i].0, spans[i + n - 1].0);
            if to - from <= cfg.window_ms {
                // Extend the window as far as it stays within the limit.
                let mut j = i + n - 1;
                while j + 1 < spans.len() && spans[j + 1].0 - from <= cfg.window_ms {
                    j += 1;
                }
                let s = Storm { from, to: spans[j].0, connections: (j - i + 1) as u32 };
                if storm.is_none_or(|b| s.connections > b.connections) {
                    storm = Some(s);
                }
            }
        }
    }
    ReconnectSummary { attempts: spans.len().saturating_sub(1) as u32, intervals_ms, backoff, storm }
}

fn classify(iv: &[f64]) -> Backoff {
    if iv.len() < 2 {
        return Backoff::Unknown;
    }
    if iv.iter().all(|&x| x < 100.0) {
        return Backoff::Immediate;
    }
    let growing = iv.windows(2).all(|w| w[1] >= w[0] * 1.2 || w[1] - w[0] >= 250.0);
    if growing {
        return Backoff::Growing;
    }
    let mean = iv.iter().sum::<f64>() / iv.len() as f64;
    if iv.iter().all(|&x| (x - mean).abs() <= mean * 0.25 + 50.0) {
        return Backoff::Constant;
    }
    Backoff::Irregular
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_ignores_query_and_scheme_family() {
        assert_eq!(endpoint_key("ws://Host:4000/socket/websocket?token=a&vsn=2.0.0"), endpoint_key("http://host:4000/socket/websocket?token=b"));
        assert_ne!(endpoint_key("wss://h/a"), endpoint_key("ws://h/a"));
        assert_ne!(endpoint_key("ws://h/a"), endpoint_key("ws://h/b"));
    }
}

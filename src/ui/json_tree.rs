//! Collapsible JSON tree with "copy value" and "copy path". Values are rendered as text.

use leptos::prelude::*;
use serde_json::Value;

/// A JS-style path to a child: `$.payload.token`, `$[3]`, `$["odd key"]`.
pub fn child_path(parent: &str, key: PathKey<'_>) -> String {
    match key {
        PathKey::Index(i) => format!("{parent}[{i}]"),
        PathKey::Name(k) if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$') && !k.starts_with(|c: char| c.is_ascii_digit()) => {
            format!("{parent}.{k}")
        }
        PathKey::Name(k) => format!("{parent}[{}]", Value::String(k.to_string())),
    }
}

pub enum PathKey<'a> {
    Index(usize),
    Name(&'a str),
}

fn scalar(v: &Value) -> (String, &'static str) {
    match v {
        Value::Null => ("null".into(), "j-null"),
        Value::Bool(b) => (b.to_string(), "j-bool"),
        Value::Number(n) => (n.to_string(), "j-num"),
        Value::String(s) => (Value::String(s.clone()).to_string(), "j-str"),
        Value::Array(_) | Value::Object(_) => (String::new(), ""),
    }
}

fn node(label: Option<String>, value: Value, path: String, depth: usize) -> AnyView {
    let copy_value = {
        let text = value.to_string();
        let done = format!("Copied the value at {path}.");
        move |_| crate::ui::clipboard::copy(&text, done.clone())
    };
    let copy_path = {
        let p = path.clone();
        move |_| crate::ui::clipboard::copy(&p, format!("Copied the path {p}."))
    };
    let tools = view! {
        <span class="j-tools">
            <button class="link" title="Copy value" on:click=copy_value>"value"</button>
            <button class="link" title=format!("Copy path {path}") on:click=copy_path>"path"</button>
        </span>
    };
    let label = label.map(|l| view! { <span class="j-key">{l}": "</span> });
    match value {
        Value::Array(items) => {
            let summary = format!("[{}]", items.len());
            let children = items
                .into_iter()
                .enumerate()
                .map(|(i, v)| node(Some(i.to_string()), v, child_path(&path, PathKey::Index(i)), depth + 1))
                .collect_view();
            view! { <details class="j" open=depth < 2><summary>{label}<span class="j-meta">{summary}</span>{tools}</summary>{children}</details> }.into_any()
        }
        Value::Object(map) => {
            let summary = format!("{{{}}}", map.len());
            let children = map
                .into_iter()
                .map(|(k, v)| {
                    let p = child_path(&path, PathKey::Name(&k));
                    node(Some(k), v, p, depth + 1)
                })
                .collect_view();
            view! { <details class="j" open=depth < 2><summary>{label}<span class="j-meta">{summary}</span>{tools}</summary>{children}</details> }.into_any()
        }
        other => {
            let (text, class) = scalar(&other);
            view! { <div class="j-leaf">{label}<span class=class>{text}</span>{tools}</div> }.into_any()
        }
    }
}

#[component]
pub fn JsonTree(value: Value) -> impl IntoView {
    view! { <div class="json-tree">{node(None, value, "$".into(), 0)}</div> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_use_dots_for_identifiers_and_quotes_otherwise() {
        assert_eq!(child_path("$", PathKey::Name("payload")), "$.payload");
        assert_eq!(child_path("$.a", PathKey::Index(3)), "$.a[3]");
        assert_eq!(child_path("$", PathKey::Name("odd key")), "$[\"odd key\"]");
        assert_eq!(child_path("$", PathKey::Name("4x")), "$[\"4x\"]");
    }
}

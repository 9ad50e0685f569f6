//! Validation for the "send a message" box: JSON is checked, plain text is allowed.

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ComposeCheck {
    Empty,
    Json,
    /// Looks like JSON (starts with `{` or `[`) but does not parse: say where.
    BrokenJson { line: usize, column: usize, message: String },
    Text,
}

pub fn check(text: &str) -> ComposeCheck {
    let t = text.trim_start();
    if t.is_empty() {
        return ComposeCheck::Empty;
    }
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(_) => ComposeCheck::Json,
        Err(e) if t.starts_with('{') || t.starts_with('[') => {
            ComposeCheck::BrokenJson { line: e.line(), column: e.column(), message: e.to_string() }
        }
        Err(_) => ComposeCheck::Text,
    }
}

impl ComposeCheck {
    pub fn describe(&self) -> String {
        match self {
            ComposeCheck::Empty => "Type a message to send through the page's socket.".into(),
            ComposeCheck::Json => "Valid JSON.".into(),
            ComposeCheck::BrokenJson { line, column, message } => {
                format!("Not valid JSON (line {line}, column {column}: {message}). Fix it, or send it as plain text anyway.")
            }
            ComposeCheck::Text => "Plain text (not JSON).".into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_broken_json_and_text_are_told_apart() {
        assert_eq!(check(r#"{"type":"ping"}"#), ComposeCheck::Json);
        assert_eq!(check("  "), ComposeCheck::Empty);
        assert_eq!(check("hello"), ComposeCheck::Text);
        match check("{\"a\":\n 1,}") {
            ComposeCheck::BrokenJson { line, .. } => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
    }
}

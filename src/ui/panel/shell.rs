//! "Copy as websocat / wscat": a command that reopens the connection from a terminal.
//! URLs come from pages and can hold anything, so every argument is single-quoted.

/// POSIX single-quoting: `it's` -> `'it'\''s'`.
pub fn quote(arg: &str) -> String {
    format!("'{}'", arg.replace('\'', r"'\''"))
}

pub fn websocat(url: &str, protocols: &[String], origin: Option<&str>) -> String {
    let mut cmd = String::from("websocat");
    if !protocols.is_empty() {
        cmd.push_str(&format!(" --protocol {}", quote(&protocols.join(", "))));
    }
    if let Some(origin) = origin {
        cmd.push_str(&format!(" -H {}", quote(&format!("Origin: {origin}"))));
    }
    cmd.push(' ');
    cmd.push_str(&quote(url));
    cmd
}

pub fn wscat(url: &str, protocols: &[String], origin: Option<&str>) -> String {
    let mut cmd = format!("wscat -c {}", quote(url));
    for p in protocols {
        cmd.push_str(&format!(" -s {}", quote(p)));
    }
    if let Some(origin) = origin {
        cmd.push_str(&format!(" -o {}", quote(origin)));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_urls_stay_one_argument() {
        let url = "ws://h/x?token=a'b;rm -rf ~&x=$(id)";
        let cmd = websocat(url, &[], None);
        assert_eq!(cmd, r"websocat 'ws://h/x?token=a'\''b;rm -rf ~&x=$(id)'");
    }

    #[test]
    fn protocols_and_origin_are_passed() {
        let protos = vec!["graphql-transport-ws".to_string()];
        assert_eq!(
            wscat("wss://api/graphql", &protos, Some("https://app")),
            "wscat -c 'wss://api/graphql' -s 'graphql-transport-ws' -o 'https://app'"
        );
        assert!(websocat("ws://h/", &protos, None).contains("--protocol 'graphql-transport-ws'"));
    }
}

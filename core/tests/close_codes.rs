//! Fixture-driven tests of the close-code table: the shipped Django profile, a profile full of
//! mistakes, and a list of closes with what their explanation must say.

use serde_json::Value;
use socketscope_core::close_codes::{
    library_profile, parse_project_profile, CloseCode, CloseNote, Library, Profile, ProfileProblem, ProfileSet,
    Trigger, DJANGO_EXAMPLE_PROFILE,
};
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/close_codes").join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn django() -> Profile {
    let load = parse_project_profile(DJANGO_EXAMPLE_PROFILE);
    assert!(load.problems.is_empty(), "{:?}", load.problems);
    load.profile.expect("django profile loads")
}

#[test]
fn shipped_django_profile_has_every_code_of_its_file() {
    let raw: Value = serde_json::from_str(DJANGO_EXAMPLE_PROFILE).unwrap();
    let profile = django();
    let codes = raw["codes"].as_array().unwrap();
    assert_eq!(profile.entries.len(), codes.len());
    assert_eq!(profile.name, raw["name"].as_str().unwrap());
    let set = ProfileSet::for_connection(None, None, &[profile]);
    for c in codes {
        let code = c["code"].as_u64().unwrap() as u16;
        let ex = set.explain(code, "");
        let m = ex.matches.first().unwrap_or_else(|| panic!("{code} unexplained"));
        assert_eq!(m.entry.name, c["name"].as_str().unwrap());
        assert_eq!(ex.next_step(), c["next_step"].as_str().unwrap());
        assert!(ex.title().contains(c["name"].as_str().unwrap()));
    }
}

#[test]
fn the_guide_codes_are_in_the_shipped_profile() {
    // The guide's table: 4001 authentication, 4003 origin, 4004 rate limit, 4005 message format.
    let codes: Vec<u16> = django().entries.iter().filter_map(|e| e.trigger.code()).collect();
    assert_eq!(codes, vec![4001, 4003, 4004, 4005]);
}

#[test]
fn profile_with_problems_keeps_good_entries_and_names_each_bad_one() {
    let text = fixture("profile-with-problems.json");
    let raw: Value = serde_json::from_str(&text).unwrap();
    let expect = &raw["expect"];
    let load = parse_project_profile(&text);
    let profile = load.profile.expect("a profile with bad entries still loads");
    let kept: Vec<u64> = profile.entries.iter().map(|e| e.trigger.code().unwrap() as u64).collect();
    let want: Vec<u64> = expect["kept_codes"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    assert_eq!(kept, want);

    let mut skipped = serde_json::Map::new();
    let mut suspicious = serde_json::Map::new();
    for p in &load.problems {
        assert!(!p.to_string().is_empty());
        match p {
            ProfileProblem::Skipped { index, why } => {
                let k = match why {
                    socketscope_core::close_codes::profile::EntryProblem::NotAnObject => "not_an_object",
                    socketscope_core::close_codes::profile::EntryProblem::BadCode(_) => "bad_code",
                    socketscope_core::close_codes::profile::EntryProblem::MissingName => "missing_name",
                    socketscope_core::close_codes::profile::EntryProblem::Duplicate { .. } => "duplicate",
                };
                skipped.insert(index.to_string(), k.into());
            }
            ProfileProblem::Suspicious { index, why, .. } => {
                let k = match why {
                    socketscope_core::close_codes::profile::EntrySuspicion::NeverOnWire => "never_on_wire",
                    socketscope_core::close_codes::profile::EntrySuspicion::ShadowsStandard => "shadows_standard",
                    socketscope_core::close_codes::profile::EntrySuspicion::UnknownSentBy => "unknown_sent_by",
                };
                suspicious.insert(index.to_string(), k.into());
            }
            other => panic!("unexpected file-level problem {other}"),
        }
    }
    assert_eq!(Value::Object(skipped), expect["skipped"]);
    assert_eq!(Value::Object(suspicious), expect["suspicious"]);
    // The reason-qualified entry keeps its reason.
    assert!(profile.entries.iter().any(|e| matches!(&e.trigger,
        Trigger::CodeAndReason { code: 1000, reason } if reason == "heartbeat timeout")));
}

#[test]
fn unusable_profile_files_say_why() {
    let cases = [
        ("{", "not valid JSON"),
        ("[]", "JSON object"),
        ("{\"codes\": []}", "socketscope_close_codes"),
        ("{\"socketscope_close_codes\": 2, \"codes\": []}", "format 2"),
        ("{\"socketscope_close_codes\": 1}", "no `codes` array"),
    ];
    for (text, says) in cases {
        let load = parse_project_profile(text);
        assert!(load.profile.is_none(), "{text}");
        assert_eq!(load.problems.len(), 1, "{text}");
        let msg = load.problems[0].to_string();
        assert!(msg.contains(says), "{text}: {msg}");
    }
}

#[test]
fn closes_are_explained_as_the_fixture_says() {
    let raw: Value = serde_json::from_str(&fixture("closes.json")).unwrap();
    for case in raw["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let code = case["code"].as_u64().unwrap() as u16;
        let reason = case["reason"].as_str().unwrap();
        let library = case["library"].as_str().map(|l| match l {
            "phoenix" => Library::Phoenix,
            "graphql-ws" => Library::GraphqlWs,
            "actioncable" => Library::ActionCable,
            other => panic!("unknown library {other}"),
        });
        let projects: Vec<Profile> = case["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                assert_eq!(p, "django-example");
                django()
            })
            .collect();
        let set = ProfileSet::for_connection(case["subprotocol"].as_str(), library, &projects);
        let ex = set.explain(code, reason);
        let expect = &case["expect"];
        assert_eq!(ex.code, code, "{name}");
        assert_eq!(
            ex.matches.first().map(|m| m.entry.name.as_str()),
            expect["first_match"].as_str(),
            "{name}"
        );
        if let Some(std_name) = expect.get("standard").and_then(Value::as_str) {
            assert_eq!(ex.standard.map(|s| s.name), Some(std_name), "{name}");
        }
        let notes: Vec<&str> = ex
            .notes
            .iter()
            .map(|n| match n {
                CloseNote::LocalOnly => "local_only",
                CloseNote::InvalidOnWire => "invalid_on_wire",
                CloseNote::Unexplained => "unexplained",
                CloseNote::Ambiguous { .. } => "ambiguous",
            })
            .collect();
        let want: Vec<&str> = expect["notes"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
        assert_eq!(notes, want, "{name}");
        assert!(!ex.next_step().is_empty(), "{name}");
        assert!(!ex.meaning().is_empty(), "{name}");
    }
}

#[test]
fn project_codes_colliding_with_graphql_ws_are_reported() {
    let project = django();
    let gql = library_profile(Library::GraphqlWs);
    let set = ProfileSet::for_connection(Some("graphql-transport-ws"), None, std::slice::from_ref(&project));
    let collisions = set.collisions();
    let gql_codes: Vec<u16> = gql.entries.iter().filter_map(|e| e.trigger.code()).collect();
    let mut want: Vec<u16> =
        project.entries.iter().filter_map(|e| e.trigger.code()).filter(|c| gql_codes.contains(c)).collect();
    want.sort_unstable();
    let mut got: Vec<u16> = collisions.iter().map(|c| c.code).collect();
    got.sort_unstable();
    assert_eq!(got, want);
    assert!(got.contains(&4004), "the issue's example: project 4004 under graphql-ws");
    let msg = collisions.iter().find(|c| c.code == 4004).unwrap().to_string();
    assert!(msg.contains("Rate limited") && msg.contains("Bad Response"), "{msg}");
    // Without graphql-ws there is nothing to collide with.
    assert!(ProfileSet::for_connection(None, None, &[project]).collisions().is_empty());
}

#[test]
fn graphql_ws_profile_has_the_issue_codes() {
    let codes: Vec<u16> = library_profile(Library::GraphqlWs).entries.iter().filter_map(|e| e.trigger.code()).collect();
    for c in [4400u16, 4401, 4403, 4406, 4408, 4409, 4429, 4500, 4504, 4004, 4005] {
        assert!(codes.contains(&c), "{c}");
        assert_eq!(CloseCode::from(c), CloseCode::Private(c));
    }
}

#[test]
fn actioncable_disconnect_reasons_are_explained() {
    let set = ProfileSet::for_connection(Some("actioncable-v1-json"), None, &[]);
    for reason in ["unauthorized", "invalid_request", "server_restart", "remote"] {
        let m = set.explain_disconnect(reason);
        assert_eq!(m.len(), 1, "{reason}");
        assert!(m[0].entry.name.contains(reason));
    }
    assert!(set.explain_disconnect("something else").is_empty());
}

#[test]
fn subprotocol_and_detection_do_not_add_a_library_twice() {
    let set = ProfileSet::for_connection(Some("phoenix"), Some(Library::Phoenix), &[]);
    assert_eq!(set.profiles().len(), 1);
}

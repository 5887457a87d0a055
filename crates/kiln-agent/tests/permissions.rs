//! The permission policy: defaults, path rules, precedence.

use kiln_agent::{Permission, Policy, Rule};

#[test]
fn defaults_allow_reading_and_running_and_ask_for_changes_and_fetches() {
    let policy = Policy::default();
    for tool in [
        "ls",
        "glob",
        "grep",
        "view",
        "run",
        "diagnostics",
        "task",
        "todo",
    ] {
        assert_eq!(policy.decide(tool, None), Permission::Allow, "{tool}");
    }
    for tool in ["write", "edit", "patch"] {
        assert_eq!(
            policy.decide(tool, Some("main.py")),
            Permission::Ask,
            "{tool}"
        );
    }
    assert_eq!(policy.decide("fetch", None), Permission::Ask);
}

#[test]
fn newer_rules_win_and_path_rules_match_only_their_paths() {
    let mut policy = Policy::default();
    policy.push(Rule::path("edit", "src/**", Permission::Allow));
    policy.push(Rule::path("write", "src/generated/**", Permission::Deny));
    assert_eq!(policy.decide("edit", Some("src/app.py")), Permission::Allow);
    assert_eq!(
        policy.decide("patch", Some("src/app.py")),
        Permission::Allow
    );
    assert_eq!(policy.decide("edit", Some("README.md")), Permission::Ask);
    assert_eq!(
        policy.decide("write", Some("src/generated/x.py")),
        Permission::Deny
    );
    assert_eq!(
        policy.decide("edit", Some("src/generated/x.py")),
        Permission::Allow
    );
    policy.push(Rule::tool("*", Permission::Deny));
    assert_eq!(policy.decide("view", None), Permission::Deny);
}

#[test]
fn bad_globs_are_reported() {
    let mut policy = Policy::default();
    policy.push(Rule::path("edit", "src/[", Permission::Allow));
    let err = policy.validate().unwrap_err();
    assert!(err.contains("src/["), "{err}");
    assert!(Policy::default().validate().is_ok());
}

#[test]
fn policies_round_trip_through_json() {
    let mut policy = Policy::default();
    policy.push(Rule::path("edit", "tests/**", Permission::Allow));
    let json = serde_json::to_string(&policy).unwrap();
    assert!(json.contains("\"permission\":\"allow\""), "{json}");
    assert_eq!(serde_json::from_str::<Policy>(&json).unwrap(), policy);
}

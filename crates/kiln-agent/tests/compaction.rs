//! Where compaction cuts a conversation, and what it leaves.

use kiln_agent::compaction::{rebuild, split_point, transcript};
use kiln_assistant::{Message, Part, Role, ToolCall};

fn call(id: &str) -> Message {
    Message::new(
        Role::Assistant,
        vec![Part::ToolCall(ToolCall::from_raw(id, "ls", "{}"))],
    )
}

fn result(id: &str) -> Message {
    Message::new(
        Role::User,
        vec![Part::ToolResult {
            call_id: id.to_owned(),
            name: "ls".to_owned(),
            output: "x".repeat(400),
            is_error: false,
        }],
    )
}

#[test]
fn short_conversations_are_not_compacted() {
    let messages = [Message::user("hi"), Message::assistant("hello")];
    assert_eq!(split_point(&messages, 10), None);
}

#[test]
fn the_cut_never_separates_a_tool_call_from_its_result() {
    let messages = vec![
        Message::user("do it"),
        call("a"),
        result("a"),
        call("b"),
        result("b"),
        Message::assistant("done"),
    ];
    // A budget that would keep only the last two messages lands between call b and result b
    // without the rule; the cut must move onto call b.
    let split = split_point(&messages, 110).unwrap();
    assert_eq!(messages[split].role, Role::Assistant, "cut at {split}");
    assert!(!matches!(messages[split].parts[0], Part::ToolResult { .. }));
    let rebuilt = rebuild(&messages, split, "summary".to_owned());
    // A marker message comes first (user), then the kept assistant call: roles alternate.
    assert_eq!(rebuilt[0].role, Role::User);
    assert!(matches!(rebuilt[0].parts[0], Part::CompactionMarker { .. }));
    assert_eq!(rebuilt[1].role, Role::Assistant);
}

#[test]
fn a_kept_user_message_carries_the_marker_itself() {
    let messages = vec![
        Message::user("one"),
        Message::assistant("1"),
        Message::user("two"),
        Message::assistant("2"),
    ];
    let rebuilt = rebuild(&messages, 2, "they counted".to_owned());
    assert_eq!(rebuilt.len(), 2);
    assert_eq!(rebuilt[0].role, Role::User);
    assert!(matches!(
        &rebuilt[0].parts[0],
        Part::CompactionMarker { summary, replaced_message_count: 2 } if summary == "they counted"
    ));
    assert_eq!(rebuilt[0].text(), "two");
}

#[test]
fn the_transcript_names_speakers_tools_and_results() {
    let messages = vec![Message::user("fix main.py"), call("a"), result("a")];
    let text = transcript(&messages, 10_000);
    assert!(text.contains("User: fix main.py"));
    assert!(text.contains("Assistant called ls({})"));
    assert!(text.contains("Result of ls: xxx"));
}

//! The store-agnostic suite (`kiln_sessions::conformance`) against the in-memory store, one test
//! per case.

use kiln_core::store::MemoryStore;
use kiln_sessions::conformance;

fn run(name: &str) {
    let result = futures_executor::block_on(conformance::run_case(name, &mut || async {
        MemoryStore::new()
    }));
    if let Err(why) = result {
        panic!("{name}: {why}");
    }
}

macro_rules! cases {
    ($($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                run(stringify!($name));
            }
        )*

        #[test]
        fn every_case_has_a_test() {
            let here = [$(stringify!($name)),*];
            assert_eq!(&here[..], conformance::CASE_NAMES);
        }
    };
}

cases!(
    crud_and_ordering,
    append_only_messages,
    streaming_update_and_finalise,
    aborted_transaction_keeps_old_state,
    quota_failure_keeps_old_state,
    workspace_files_with_revisions,
    settings_and_keys,
    keys_never_exported,
    export_import_round_trip,
    malformed_imports_rejected,
    import_conflicts_remap_ids,
    search_titles_and_content,
    branch_and_duplicate,
    delete_and_undo,
    fixtures_keep_loading,
    newer_formats_refused,
);

#[test]
fn run_all_passes() {
    let report =
        futures_executor::block_on(conformance::run_all(&mut || async { MemoryStore::new() }));
    assert!(report.failed.is_empty(), "{report}");
}

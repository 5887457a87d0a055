//! The app's sessions over any [`Store`]: which session is open, its workspace files saved as
//! they change, the list, search, new, rename, duplicate, delete with undo, export and import.
//! The browser passes `kiln_web::IdbStore` (or a `MemoryStore` where IndexedDB is refused); the
//! tests pass a `MemoryStore`. Every error is a sentence for the user that says what to do.

use kiln_core::store::{Change, Store};
use kiln_sessions::{Deleted, ImportChoices, SessionSummary, Sessions, SessionsError};
use kiln_vfs::Workspace;
use serde::{Deserialize, Serialize};

use crate::state::{Layout, Saved, SavedFile, Snapshot, Theme};
use crate::templates;

/// The setting naming the open session and its open file.
pub const CURRENT_KEY: &str = "app.current";
/// The setting holding the layout and theme.
pub const PREFS_KEY: &str = "app.prefs";
/// The title of the session made from a workspace the previous version kept in `localStorage`.
pub const MIGRATED_TITLE: &str = "Workspace from before";
/// The title of a new session.
pub const NEW_TITLE: &str = "Untitled";

/// Which session is open, and which of its files (the setting [`CURRENT_KEY`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Current {
    /// The session's id.
    pub id: String,
    /// The file open in it.
    pub open: Option<String>,
}

/// Layout and theme (the setting [`PREFS_KEY`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Prefs {
    /// Panels.
    pub layout: Layout,
    /// Theme.
    pub theme: Theme,
}

/// A session opened in the app: its id, title and files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenSession {
    /// Its id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// Its files and the open one.
    pub snapshot: Snapshot,
}

/// What the app starts with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Started {
    /// The session to show.
    pub session: OpenSession,
    /// The saved layout and theme, if any.
    pub prefs: Option<Prefs>,
    /// Whether a `localStorage` workspace was imported (the caller may now remove it).
    pub migrated: bool,
}

/// One session found by [`Library::search`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The session's id.
    pub id: String,
    /// Its title.
    pub title: String,
    /// When it last changed.
    pub updated_at_ms: u64,
    /// Where it matched, in words (`title`, a file's path, `conversation`).
    pub matched: Vec<String>,
}

/// The files of a workspace as a [`Snapshot`] with `open` (or a sensible first file).
#[must_use]
pub fn snapshot_of(workspace: &Workspace, open: Option<String>) -> Snapshot {
    let files: Vec<SavedFile> = workspace
        .to_files()
        .into_iter()
        .map(|(path, content)| SavedFile {
            path: path.as_str().to_owned(),
            content,
        })
        .collect();
    let open = open
        .filter(|p| workspace.is_file(p))
        .or_else(|| {
            files
                .iter()
                .find(|f| f.path.starts_with("main."))
                .map(|f| f.path.clone())
        })
        .or_else(|| files.first().map(|f| f.path.clone()));
    Snapshot { files, open }
}

/// How long ago `then_ms` was, in words (`just now`, `5 min ago`, `3 h ago`, `2 days ago`).
#[must_use]
pub fn ago(then_ms: u64, now_ms: u64) -> String {
    let minutes = now_ms.saturating_sub(then_ms) / 60_000;
    match minutes {
        0 => "just now".to_owned(),
        1..60 => format!("{minutes} min ago"),
        60..1440 => format!("{} h ago", minutes / 60),
        1440..2880 => "yesterday".to_owned(),
        _ => format!("{} days ago", minutes / 1440),
    }
}

fn workspace_of(snapshot: &Snapshot) -> Result<Workspace, String> {
    let mut workspace = Workspace::new();
    for file in &snapshot.files {
        workspace
            .write(&file.path, file.content.clone())
            .map_err(|e| format!("`{}` cannot be kept: {e}", file.path))?;
    }
    Ok(workspace)
}

fn said(what: &str) -> impl Fn(SessionsError) -> String + '_ {
    move |e| format!("{what}: {e}")
}

/// The app's sessions in a store.
#[derive(Debug)]
pub struct Library<S> {
    sessions: Sessions<S>,
}

/// Two libraries are equal when they are the same one (what a UI property compares: the
/// stored data is not compared).
impl<S> PartialEq for Library<S> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl<S: Store> Library<S> {
    /// Sessions kept in `store`.
    pub fn new(store: S) -> Self {
        Library {
            sessions: Sessions::new(store),
        }
    }

    /// The typed layer underneath.
    pub fn sessions(&self) -> &Sessions<S> {
        &self.sessions
    }

    /// Finds what to show at start: a workspace the previous version left in `localStorage`
    /// (`legacy`) becomes a new session and opens; otherwise the session open last time, else
    /// the most recently changed one, else a new session with the default example.
    ///
    /// # Errors
    ///
    /// The store failed (the message says why and what to do); nothing was lost.
    pub async fn start(&self, legacy: Option<Saved>, now_ms: u64) -> Result<Started, String> {
        let prefs = self.prefs().await;
        if let Some(legacy) = legacy.filter(|l| !l.workspace.files.is_empty()) {
            let legacy_prefs = Prefs {
                layout: legacy.layout,
                theme: legacy.theme,
            };
            let id = self
                .create(MIGRATED_TITLE, &legacy.workspace, now_ms)
                .await
                .map_err(|e| {
                    format!("The workspace saved by the previous version could not be moved: {e}")
                })?;
            let session = self.open(&id).await?;
            self.set_current(&session.id, session.snapshot.open.clone())
                .await?;
            if prefs.is_none() {
                self.set_prefs(legacy_prefs).await?;
            }
            return Ok(Started {
                session,
                prefs: Some(prefs.unwrap_or(legacy_prefs)),
                migrated: true,
            });
        }
        let current: Option<Current> = self.sessions.setting(CURRENT_KEY).await.ok().flatten();
        let listed = self
            .sessions
            .list()
            .await
            .map_err(said("Your sessions could not be read"))?;
        let chosen = current
            .as_ref()
            .and_then(|c| listed.iter().find(|s| s.id == c.id))
            .or_else(|| listed.first());
        let session = match chosen {
            Some(summary) => {
                let mut session = self.open(&summary.id).await?;
                if let Some(c) = current.filter(|c| c.id == summary.id) {
                    session.snapshot.open = c
                        .open
                        .filter(|p| session.snapshot.files.iter().any(|f| &f.path == p))
                        .or(session.snapshot.open);
                }
                session
            }
            None => {
                let id = self
                    .create_from_template(templates::DEFAULT, Some(NEW_TITLE), now_ms)
                    .await?;
                self.open(&id).await?
            }
        };
        Ok(Started {
            session,
            prefs,
            migrated: false,
        })
    }

    async fn prefs(&self) -> Option<Prefs> {
        self.sessions.setting(PREFS_KEY).await.ok().flatten()
    }

    /// Saves the layout and theme.
    ///
    /// # Errors
    ///
    /// The store refused (the message says why).
    pub async fn set_prefs(&self, prefs: Prefs) -> Result<(), String> {
        self.sessions
            .set_setting(PREFS_KEY, &prefs)
            .await
            .map_err(said("The layout could not be saved"))
    }

    /// Remembers which session (and file) is open, for the next visit.
    ///
    /// # Errors
    ///
    /// The store refused (the message says why).
    pub async fn set_current(&self, id: &str, open: Option<String>) -> Result<(), String> {
        self.sessions
            .set_setting(
                CURRENT_KEY,
                &Current {
                    id: id.to_owned(),
                    open,
                },
            )
            .await
            .map_err(said("Which session is open could not be saved"))
    }

    /// A new session titled `title` holding `snapshot`'s files, in one transaction per step.
    /// Returns its id.
    ///
    /// # Errors
    ///
    /// A file cannot be kept, or the store refused.
    pub async fn create(
        &self,
        title: &str,
        snapshot: &Snapshot,
        now_ms: u64,
    ) -> Result<String, String> {
        let workspace = workspace_of(snapshot)?;
        let id = self
            .sessions
            .free_id(&format!("s{now_ms}"))
            .await
            .map_err(said("A new session could not be made"))?;
        self.sessions
            .create(&id, title, now_ms)
            .await
            .map_err(said("A new session could not be made"))?;
        self.sessions
            .save_workspace(&id, &workspace, now_ms)
            .await
            .map_err(said("The new session's files could not be saved"))?;
        Ok(id)
    }

    /// A new session with an example's files, titled `title` (default: the example's title).
    ///
    /// # Errors
    ///
    /// As [`Library::create`].
    pub async fn create_from_template(
        &self,
        id: &str,
        title: Option<&str>,
        now_ms: u64,
    ) -> Result<String, String> {
        let template = templates::find(id).unwrap_or(&templates::ALL[0]);
        let snapshot = Snapshot {
            files: template
                .files
                .iter()
                .map(|(path, text)| SavedFile {
                    path: (*path).to_owned(),
                    content: kiln_vfs::Content::Text((*text).to_owned()),
                })
                .collect(),
            open: Some(template.open.to_owned()),
        };
        self.create(title.unwrap_or(template.title), &snapshot, now_ms)
            .await
    }

    /// A session's title and files.
    ///
    /// # Errors
    ///
    /// There is no such session (deleted in another tab?), or its files cannot be read.
    pub async fn open(&self, id: &str) -> Result<OpenSession, String> {
        let header = self
            .sessions
            .store()
            .session(id)
            .await
            .map_err(|e| format!("The session could not be opened: {e}"))?
            .filter(|h| h.deleted_at_ms.is_none())
            .ok_or_else(|| {
                "That session no longer exists (it may have been deleted in another tab); pick another one.".to_owned()
            })?;
        let workspace = self
            .sessions
            .load_workspace(id)
            .await
            .map_err(said("The session's files could not be read"))?;
        Ok(OpenSession {
            id: id.to_owned(),
            title: header.title,
            snapshot: snapshot_of(&workspace, None),
        })
    }

    /// Saves a session's files: a revision for each file that changed, and the session moves
    /// to the top of the list. Returns whether anything changed.
    ///
    /// # Errors
    ///
    /// The store refused (full, another tab upgraded Kiln, …): nothing of this save was kept.
    pub async fn save(&self, id: &str, snapshot: &Snapshot, now_ms: u64) -> Result<bool, String> {
        let workspace = workspace_of(snapshot)?;
        let changed = self
            .sessions
            .save_workspace(id, &workspace, now_ms)
            .await
            .map_err(said("Your files could not be saved"))?;
        if changed == 0 {
            return Ok(false);
        }
        let store = self.sessions.store();
        if let Some(mut header) = store.session(id).await.map_err(|e| {
            format!("Your files were saved, but the session list could not be updated: {e}")
        })? {
            header.updated_at_ms = header.updated_at_ms.max(now_ms);
            store
                .apply(vec![Change::UpdateSession(header)])
                .await
                .map_err(|e| {
                    format!("Your files were saved, but the session list could not be updated: {e}")
                })?;
        }
        Ok(true)
    }

    /// Live sessions, most recently changed first.
    ///
    /// # Errors
    ///
    /// The store cannot be read.
    pub async fn list(&self) -> Result<Vec<SessionSummary>, String> {
        self.sessions
            .list()
            .await
            .map_err(said("Your sessions could not be listed"))
    }

    /// Sessions whose title, file names, file contents or conversation hold `query`
    /// (ignoring case), most recently changed first.
    ///
    /// # Errors
    ///
    /// The store cannot be read.
    pub async fn search(&self, query: &str) -> Result<Vec<Found>, String> {
        let needle = query.trim().to_lowercase();
        if needle.is_empty() {
            return Ok(self
                .list()
                .await?
                .into_iter()
                .map(|s| Found {
                    id: s.id,
                    title: s.title,
                    updated_at_ms: s.updated_at_ms,
                    matched: Vec::new(),
                })
                .collect());
        }
        let conversation_hits = self
            .sessions
            .search(query.trim(), usize::MAX)
            .await
            .map_err(said("The search failed"))?;
        let mut found = Vec::new();
        for summary in self.list().await? {
            let mut matched = Vec::new();
            if summary.title.to_lowercase().contains(&needle) {
                matched.push("title".to_owned());
            }
            let workspace = self
                .sessions
                .load_workspace(&summary.id)
                .await
                .map_err(said("The search failed"))?;
            for (path, content) in workspace.to_files() {
                let in_text = match &content {
                    kiln_vfs::Content::Text(text) => text.to_lowercase().contains(&needle),
                    kiln_vfs::Content::Binary(_) => false,
                };
                if in_text || path.as_str().to_lowercase().contains(&needle) {
                    matched.push(path.as_str().to_owned());
                }
            }
            if conversation_hits
                .iter()
                .any(|h| h.session_id == summary.id && !h.snippets.is_empty())
            {
                matched.push("conversation".to_owned());
            }
            if !matched.is_empty() {
                found.push(Found {
                    id: summary.id,
                    title: summary.title,
                    updated_at_ms: summary.updated_at_ms,
                    matched,
                });
            }
        }
        Ok(found)
    }

    /// Renames a session (a blank title is refused).
    ///
    /// # Errors
    ///
    /// The title is blank, or the store refused.
    pub async fn rename(&self, id: &str, title: &str, now_ms: u64) -> Result<(), String> {
        let title = title.trim();
        if title.is_empty() {
            return Err("A session needs a title: type one, then save.".to_owned());
        }
        self.sessions
            .rename(id, title, now_ms)
            .await
            .map_err(said("The session could not be renamed"))
    }

    /// Copies a session with its files; returns the copy's id.
    ///
    /// # Errors
    ///
    /// The session is gone, or the store refused.
    pub async fn duplicate(&self, id: &str, now_ms: u64) -> Result<String, String> {
        self.sessions
            .duplicate(id, now_ms)
            .await
            .map_err(said("The session could not be copied"))
    }

    /// Deletes a session so that [`Library::undo_delete`] can bring it back.
    ///
    /// # Errors
    ///
    /// The session is gone, or the store refused.
    pub async fn delete(&self, id: &str, now_ms: u64) -> Result<Deleted, String> {
        self.sessions
            .delete(id, now_ms)
            .await
            .map_err(said("The session could not be deleted"))
    }

    /// Restores a deleted session.
    ///
    /// # Errors
    ///
    /// It was removed for good meanwhile, or the store refused.
    pub async fn undo_delete(&self, deleted: &Deleted) -> Result<(), String> {
        self.sessions
            .undo_delete(deleted)
            .await
            .map_err(said("The session could not be restored"))
    }

    /// One session (`Some(id)`) or every session as `kiln-session` JSON.
    ///
    /// # Errors
    ///
    /// The session is gone, or the store cannot be read.
    pub async fn export(&self, id: Option<&str>, now_ms: u64) -> Result<String, String> {
        let file = match id {
            Some(id) => self.sessions.export_session(id, now_ms).await,
            None => self.sessions.export_all(now_ms).await,
        }
        .map_err(said("The export failed"))?;
        Ok(file.to_json())
    }

    /// Imports a `kiln-session` file beside what is stored (sessions whose id is taken get a
    /// new one; nothing is overwritten). Returns the new sessions' ids.
    ///
    /// # Errors
    ///
    /// What is wrong with the file, or the store refused (then nothing was imported).
    pub async fn import(&self, text: &str, now_ms: u64) -> Result<Vec<String>, String> {
        let plan = self
            .sessions
            .plan_import(text)
            .await
            .map_err(said("This file cannot be imported"))?;
        let report = self
            .sessions
            .import(&plan, &ImportChoices::default(), now_ms)
            .await
            .map_err(said("The import failed"))?;
        Ok(report.imported.into_iter().map(|(_, now)| now).collect())
    }
}

#[cfg(test)]
mod tests {
    use futures_executor::block_on;
    use kiln_core::store::{FaultInjection, MemoryStore, StoreError};
    use kiln_vfs::Content;

    use super::*;

    fn snap(files: &[(&str, &str)], open: &str) -> Snapshot {
        Snapshot {
            files: files
                .iter()
                .map(|(p, t)| SavedFile {
                    path: (*p).to_owned(),
                    content: Content::Text((*t).to_owned()),
                })
                .collect(),
            open: Some(open.to_owned()),
        }
    }

    #[test]
    fn times_read_as_words() {
        let min = 60_000;
        assert_eq!(ago(10 * min, 10 * min + 5), "just now");
        assert_eq!(ago(0, 5 * min), "5 min ago");
        assert_eq!(ago(0, 150 * min), "2 h ago");
        assert_eq!(ago(0, 1500 * min), "yesterday");
        assert_eq!(ago(0, 5000 * min), "3 days ago");
        assert_eq!(ago(5 * min, 0), "just now");
    }

    #[test]
    fn a_first_start_makes_a_session_and_a_reload_reopens_the_current_one() {
        block_on(async {
            let library = Library::new(MemoryStore::new());
            let first = library.start(None, 1_000).await.unwrap();
            assert!(!first.migrated);
            assert_eq!(first.session.title, NEW_TITLE);
            assert!(!first.session.snapshot.files.is_empty());

            let other = library
                .create("Other", &snap(&[("a.py", "print(2)\n")], "a.py"), 2_000)
                .await
                .unwrap();
            library
                .save(
                    &first.session.id,
                    &snap(&[("main.py", "print(1)\n"), ("b.js", "1\n")], "b.js"),
                    3_000,
                )
                .await
                .unwrap();
            library
                .set_current(&first.session.id, Some("b.js".into()))
                .await
                .unwrap();
            let again = library.start(None, 4_000).await.unwrap();
            assert_eq!(again.session.id, first.session.id);
            assert_eq!(again.session.snapshot.open.as_deref(), Some("b.js"));
            assert_eq!(again.session.snapshot.files.len(), 2);
            // Saving moved the edited session above the newer one.
            let list = library.list().await.unwrap();
            assert_eq!(list[0].id, first.session.id);
            assert_eq!(list[1].id, other);
        });
    }

    #[test]
    fn an_example_opens_in_a_session_of_its_own() {
        block_on(async {
            let library = Library::new(MemoryStore::new());
            let first = library.start(None, 1).await.unwrap().session;
            let id = library
                .create_from_template("py-project", None, 2)
                .await
                .unwrap();
            let example = library.open(&id).await.unwrap();
            let template = templates::find("py-project").unwrap();
            assert_eq!(example.title, template.title);
            assert_eq!(example.snapshot.files.len(), template.files.len());
            assert_eq!(example.snapshot.open.as_deref(), Some(template.open));
            // The first session keeps its files.
            assert_eq!(library.open(&first.id).await.unwrap(), first);
        });
    }

    #[test]
    fn a_workspace_from_local_storage_becomes_a_session() {
        block_on(async {
            let library = Library::new(MemoryStore::new());
            library.start(None, 1_000).await.unwrap();
            let legacy = Saved {
                version: 1,
                workspace: snap(&[("old.py", "print('kept')\n")], "old.py"),
                layout: Layout::default(),
                theme: Theme::Dark,
            };
            let started = library.start(Some(legacy), 2_000).await.unwrap();
            assert!(started.migrated);
            assert_eq!(started.session.title, MIGRATED_TITLE);
            assert_eq!(
                started.session.snapshot,
                snap(&[("old.py", "print('kept')\n")], "old.py")
            );
            // The earlier session is still there, and the migrated one opens next time.
            assert_eq!(library.list().await.unwrap().len(), 2);
            let next = library.start(None, 3_000).await.unwrap();
            assert_eq!(next.session.id, started.session.id);
            assert_eq!(next.prefs.map(|p| p.theme), Some(Theme::Dark));
        });
    }

    #[test]
    fn a_failed_migration_says_so_and_keeps_nothing_half_done() {
        block_on(async {
            let store = MemoryStore::new();
            store.fail_next_with(StoreError::QuotaExceeded);
            let library = Library::new(store);
            let legacy = Saved {
                workspace: snap(&[("old.py", "x = 1\n")], "old.py"),
                ..Saved::default()
            };
            let err = library.start(Some(legacy), 1_000).await.unwrap_err();
            assert!(err.contains("previous version"), "{err}");
            assert!(err.contains("no more room"), "{err}");
        });
    }

    #[test]
    fn sessions_are_searched_renamed_copied_deleted_and_restored() {
        block_on(async {
            let library = Library::new(MemoryStore::new());
            let a = library
                .create(
                    "Fizz",
                    &snap(&[("main.py", "print('buzz')\n")], "main.py"),
                    1,
                )
                .await
                .unwrap();
            let b = library
                .create("Other", &snap(&[("main.js", "let q = 1;\n")], "main.js"), 2)
                .await
                .unwrap();
            let hits = library.search("BUZZ").await.unwrap();
            assert_eq!(hits.len(), 1);
            assert_eq!(hits[0].id, a);
            assert_eq!(hits[0].matched, vec!["main.py".to_owned()]);

            assert!(library.rename(&b, "  ", 3).await.is_err());
            library.rename(&b, "Renamed buzz", 3).await.unwrap();
            let hits = library.search("buzz").await.unwrap();
            assert_eq!(hits.len(), 2);
            assert_eq!(hits[0].id, b);
            assert_eq!(hits[0].matched, vec!["title".to_owned()]);

            let copy = library.duplicate(&a, 4).await.unwrap();
            assert_ne!(copy, a);
            assert_eq!(
                library.open(&copy).await.unwrap().snapshot,
                library.open(&a).await.unwrap().snapshot
            );

            let deleted = library.delete(&a, 5).await.unwrap();
            assert!(library.list().await.unwrap().iter().all(|s| s.id != a));
            assert!(library.open(&a).await.is_err());
            library.undo_delete(&deleted).await.unwrap();
            assert!(library.list().await.unwrap().iter().any(|s| s.id == a));
        });
    }

    #[test]
    fn an_export_imports_beside_the_original() {
        block_on(async {
            let library = Library::new(MemoryStore::new());
            let a = library
                .create("Mine", &snap(&[("main.py", "print(1)\n")], "main.py"), 1)
                .await
                .unwrap();
            let one = library.export(Some(&a), 2).await.unwrap();
            let ids = library.import(&one, 3).await.unwrap();
            assert_eq!(ids.len(), 1);
            assert_ne!(ids[0], a);
            let copy = library.open(&ids[0]).await.unwrap();
            assert_eq!(copy.title, "Mine");
            assert_eq!(copy.snapshot, library.open(&a).await.unwrap().snapshot);
            let all = library.export(None, 4).await.unwrap();
            assert_eq!(library.import(&all, 5).await.unwrap().len(), 2);
            assert_eq!(library.list().await.unwrap().len(), 4);

            let err = library.import("{\"format\": 3}", 6).await.unwrap_err();
            assert!(err.starts_with("This file cannot be imported"), "{err}");
            assert_eq!(library.list().await.unwrap().len(), 4);
        });
    }
}

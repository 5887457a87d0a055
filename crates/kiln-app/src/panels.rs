//! The sessions dialog (list, search, new, rename, duplicate, delete with undo, export and
//! import) and the settings dialog (storage used, persistent storage).

use std::rc::Rc;

use kiln_sessions::Deleted;
use kiln_web::{PERSISTENCE_EXPLANATION, Persistence, SessionChange, StorageEstimate};
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{HtmlElement, HtmlInputElement};
use yew::prelude::*;

use crate::library::{Found, ago};
use crate::state::Action;
use crate::ui::{Announcer, Dispatch};
use crate::web::{self, AppLibrary, epoch_ms};

/// Moves focus into a dialog when it opens, and back to what opened it when it closes.
#[hook]
fn use_dialog_focus(first: NodeRef) {
    use_effect_with((), move |()| {
        let opener = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.active_element())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        if let Some(el) = first.cast::<HtmlElement>() {
            let _ = el.focus();
        }
        move || {
            if let Some(opener) = opener {
                let _ = opener.focus();
            }
        }
    });
}

fn frame(title: &str, close: &Callback<()>, body: Html) -> Html {
    let close = close.clone();
    html! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
                <div class="dialog-head">
                    <h2 id="dialog-title">{title}</h2>
                    <button type="button" onclick={Callback::from(move |_: MouseEvent| close.emit(()))}
                        aria-label={format!("Close {title}")}>{"Close"}</button>
                </div>
                {body}
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct SessionsProps {
    pub(crate) library: Rc<AppLibrary>,
    pub(crate) current: Option<String>,
    pub(crate) dispatch: Dispatch,
    pub(crate) close: Callback<()>,
    /// Bumped whenever the list may have changed (here, by a save, or in another tab).
    pub(crate) generation: u64,
    pub(crate) bump: Callback<()>,
    pub(crate) channel: Rc<Announcer>,
}

/// What the dialog last did, shown under its tools.
#[derive(Clone, PartialEq)]
enum Notice {
    Done(String),
    Problem(String),
    Deleted(Deleted),
}

/// Opens `id` in the app.
pub(crate) async fn open_in_app(
    library: &AppLibrary,
    id: &str,
    dispatch: &Dispatch,
) -> Result<(), String> {
    let session = library.open(id).await?;
    dispatch.dispatch(Action::OpenSession {
        id: session.id,
        title: session.title,
        snapshot: session.snapshot,
    });
    Ok(())
}

/// Sessions: list (newest first), search, new, rename, duplicate, delete with undo, export and
/// import.
#[function_component]
pub(crate) fn SessionsDialog(props: &SessionsProps) -> Html {
    let query = use_state(String::new);
    let found = use_state(|| None::<Result<Vec<Found>, String>>);
    let notice = use_state(|| None::<Notice>);
    let renaming = use_state(|| None::<String>);
    let first = use_node_ref();
    use_dialog_focus(first.clone());

    {
        let library = props.library.clone();
        let found = found.clone();
        use_effect_with(((*query).clone(), props.generation), move |(query, _)| {
            let query = query.clone();
            spawn_local(async move {
                found.set(Some(library.search(&query).await));
            });
        });
    }

    // Runs an operation, then shows its notice (or problem) and refreshes the list.
    let act = {
        let notice = notice.clone();
        let bump = props.bump.clone();
        move |work: std::pin::Pin<Box<dyn std::future::Future<Output = Result<Notice, String>>>>| {
            let notice = notice.clone();
            let bump = bump.clone();
            spawn_local(async move {
                notice.set(Some(match work.await {
                    Ok(done) => done,
                    Err(problem) => Notice::Problem(problem),
                }));
                bump.emit(());
            });
        }
    };

    let on_search = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                query.set(input.value());
            }
        })
    };
    let new_session = {
        let (library, dispatch, channel, act, close) = (
            props.library.clone(),
            props.dispatch.clone(),
            props.channel.clone(),
            act.clone(),
            props.close.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (library, dispatch, channel, close) = (
                library.clone(),
                dispatch.clone(),
                channel.clone(),
                close.clone(),
            );
            act(Box::pin(async move {
                let id = library
                    .create_from_template(
                        crate::templates::DEFAULT,
                        Some(crate::library::NEW_TITLE),
                        epoch_ms(),
                    )
                    .await?;
                channel.announce(SessionChange::Created, &id);
                open_in_app(&library, &id, &dispatch).await?;
                close.emit(());
                Ok(Notice::Done(
                    "A new session was made and opened.".to_owned(),
                ))
            }));
        })
    };
    let export_all = {
        let (library, act) = (props.library.clone(), act.clone());
        Callback::from(move |_: MouseEvent| {
            let library = library.clone();
            act(Box::pin(async move {
                let json = library.export(None, epoch_ms()).await?;
                web::download("kiln-sessions.json", json.as_bytes())?;
                Ok(Notice::Done(
                    "All sessions were exported as kiln-sessions.json.".to_owned(),
                ))
            }));
        })
    };
    let import = {
        let (library, channel, act) = (props.library.clone(), props.channel.clone(), act.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let (library, channel) = (library.clone(), channel.clone());
            act(Box::pin(async move {
                let name = file.name();
                let text = JsFuture::from(file.text())
                    .await
                    .map_err(|e| format!("`{name}` could not be read: {}", web::message(&e)))?
                    .as_string()
                    .unwrap_or_default();
                let ids = library
                    .import(&text, epoch_ms())
                    .await
                    .map_err(|e| format!("`{name}`: {e}"))?;
                for id in &ids {
                    channel.announce(SessionChange::Created, id);
                }
                Ok(Notice::Done(match ids.len() {
                    1 => format!("Imported 1 session from `{name}`."),
                    n => format!("Imported {n} sessions from `{name}`."),
                }))
            }));
        })
    };
    let undo = |deleted: Deleted| {
        let (library, channel, act) = (props.library.clone(), props.channel.clone(), act.clone());
        Callback::from(move |_: MouseEvent| {
            let (library, channel, deleted) = (library.clone(), channel.clone(), deleted.clone());
            act(Box::pin(async move {
                library.undo_delete(&deleted).await?;
                channel.announce(SessionChange::Updated, &deleted.id);
                Ok(Notice::Done(format!("“{}” is back.", deleted.title)))
            }));
        })
    };

    let now = epoch_ms();
    let rows = match &*found {
        None => html! { <p class="quiet">{"Loading…"}</p> },
        Some(Err(problem)) => html! { <p role="alert">{problem}</p> },
        Some(Ok(found)) if found.is_empty() => html! {
            <p class="quiet">{ if query.trim().is_empty() { "No sessions yet.".to_owned() } else { format!("No session holds “{}”.", query.trim()) } }</p>
        },
        Some(Ok(found)) => html! {
            <ul class="session-list" aria-label="Sessions">
                { for found.iter().map(|s| session_row(props, s, now, &renaming, &act)) }
            </ul>
        },
    };

    let body = html! {
        <>
            <div class="session-tools">
                <label for="session-search" class="visually-hidden">{"Search sessions"}</label>
                <input id="session-search" ref={first} type="search" placeholder="Search titles and files"
                    value={(*query).clone()} oninput={on_search} autocomplete="off" />
                <div class="row">
                    <button type="button" class="new-session" onclick={new_session}>{"New session"}</button>
                    <button type="button" class="export-all" onclick={export_all}>{"Export all"}</button>
                    <label class="button import">
                        {"Import…"}
                        <input type="file" accept=".json,application/json" onchange={import}
                            aria-label="Import sessions from a file" />
                    </label>
                </div>
            </div>
            { match (*notice).clone() {
                Some(Notice::Done(text)) => html! { <p class="notice" role="status">{text}</p> },
                Some(Notice::Problem(text)) => html! { <p class="notice problem-text" role="alert">{text}</p> },
                Some(Notice::Deleted(deleted)) => html! {
                    <p class="notice" role="status">
                        {format!("Deleted “{}”. ", deleted.title)}
                        <button type="button" class="undo" onclick={undo(deleted)}>{"Undo"}</button>
                    </p>
                },
                None => html! {},
            } }
            {rows}
        </>
    };
    frame("Sessions", &props.close, body)
}

fn session_row(
    props: &SessionsProps,
    s: &Found,
    now: u64,
    renaming: &UseStateHandle<Option<String>>,
    act: &(
         impl Fn(std::pin::Pin<Box<dyn std::future::Future<Output = Result<Notice, String>>>>)
         + Clone
         + 'static
     ),
) -> Html {
    let current = props.current.as_deref() == Some(s.id.as_str());
    let id = s.id.clone();
    let title = s.title.clone();
    let open = {
        let (library, dispatch, close, act, id) = (
            props.library.clone(),
            props.dispatch.clone(),
            props.close.clone(),
            act.clone(),
            id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (library, dispatch, close, id) =
                (library.clone(), dispatch.clone(), close.clone(), id.clone());
            act(Box::pin(async move {
                open_in_app(&library, &id, &dispatch).await?;
                close.emit(());
                Ok(Notice::Done(String::new()))
            }));
        })
    };
    let rename = {
        let (library, dispatch, channel, act, id, renaming, current) = (
            props.library.clone(),
            props.dispatch.clone(),
            props.channel.clone(),
            act.clone(),
            id.clone(),
            renaming.clone(),
            current,
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
                .and_then(|f| f.query_selector("input").ok().flatten())
                .and_then(|i| i.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            let title = input.value();
            renaming.set(None);
            let (library, dispatch, channel, id) = (
                library.clone(),
                dispatch.clone(),
                channel.clone(),
                id.clone(),
            );
            act(Box::pin(async move {
                library.rename(&id, &title, epoch_ms()).await?;
                channel.announce(SessionChange::Renamed, &id);
                if current {
                    dispatch.dispatch(Action::Retitle(title.trim().to_owned()));
                }
                Ok(Notice::Done(format!("Renamed to “{}”.", title.trim())))
            }));
        })
    };
    let duplicate = {
        let (library, channel, act, id) = (
            props.library.clone(),
            props.channel.clone(),
            act.clone(),
            id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (library, channel, id) = (library.clone(), channel.clone(), id.clone());
            act(Box::pin(async move {
                let copy = library.duplicate(&id, epoch_ms()).await?;
                channel.announce(SessionChange::Created, &copy);
                Ok(Notice::Done("A copy was made.".to_owned()))
            }));
        })
    };
    let export = {
        let (library, act, id, title) = (
            props.library.clone(),
            act.clone(),
            id.clone(),
            title.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (library, id, title) = (library.clone(), id.clone(), title.clone());
            act(Box::pin(async move {
                let json = library.export(Some(&id), epoch_ms()).await?;
                let name = format!("{}.kiln.json", file_stem(&title));
                web::download(&name, json.as_bytes())?;
                Ok(Notice::Done(format!("“{title}” was exported as {name}.")))
            }));
        })
    };
    let delete = {
        let (library, dispatch, channel, act, id) = (
            props.library.clone(),
            props.dispatch.clone(),
            props.channel.clone(),
            act.clone(),
            id.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let (library, dispatch, channel, id) = (
                library.clone(),
                dispatch.clone(),
                channel.clone(),
                id.clone(),
            );
            act(Box::pin(async move {
                let deleted = library.delete(&id, epoch_ms()).await?;
                channel.announce(SessionChange::Deleted, &id);
                if current {
                    // The app always shows a session: the newest other one, or a new one.
                    let next = match library.list().await?.into_iter().next() {
                        Some(s) => s.id,
                        None => {
                            let id = library
                                .create_from_template(
                                    crate::templates::DEFAULT,
                                    Some(crate::library::NEW_TITLE),
                                    epoch_ms(),
                                )
                                .await?;
                            channel.announce(SessionChange::Created, &id);
                            id
                        }
                    };
                    open_in_app(&library, &next, &dispatch).await?;
                }
                Ok(Notice::Deleted(deleted))
            }));
        })
    };
    let is_renaming = renaming.as_deref() == Some(s.id.as_str());
    let start_rename = {
        let (renaming, id) = (renaming.clone(), id.clone());
        Callback::from(move |_: MouseEvent| renaming.set(Some(id.clone())))
    };
    html! {
        <li key={s.id.clone()} class={classes!("session", current.then_some("current"))} data-session={s.id.clone()}>
            if is_renaming {
                <form class="rename-session" onsubmit={rename}>
                    <label for="rename-session-to">{format!("Rename “{title}” to")}</label>
                    <div class="row">
                        <input id="rename-session-to" type="text" value={title.clone()} autocomplete="off" required=true />
                        <button type="submit">{"Save"}</button>
                    </div>
                </form>
            } else {
                <button type="button" class="session-open" onclick={open} aria-current={current.then_some("true")}
                    aria-label={format!("Open {title}")}>
                    <strong class="session-title">{&title}</strong>
                    <span class="session-meta">
                        {ago(s.updated_at_ms, now)}
                        if current { {" · open"} }
                        if !s.matched.is_empty() { {format!(" · found in {}", s.matched.join(", "))} }
                    </span>
                </button>
            }
            <div class="session-actions" role="group" aria-label={format!("Actions for {title}")}>
                if !is_renaming {
                    <button type="button" class="rename" onclick={start_rename} aria-label={format!("Rename {title}")}>{"Rename"}</button>
                }
                <button type="button" class="duplicate" onclick={duplicate} aria-label={format!("Duplicate {title}")}>{"Duplicate"}</button>
                <button type="button" class="export" onclick={export} aria-label={format!("Export {title}")}>{"Export"}</button>
                <button type="button" class="delete" onclick={delete} aria-label={format!("Delete {title}")}>{"Delete"}</button>
            </div>
        </li>
    }
}

/// A title as a file name: letters, digits, `-` and `_`; others become `-`.
fn file_stem(title: &str) -> String {
    let stem: String = title
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    let stem = stem.trim_matches('-');
    if stem.is_empty() {
        "session".to_owned()
    } else {
        stem.to_owned()
    }
}

#[derive(Properties, PartialEq)]
pub(crate) struct SettingsProps {
    /// Why sessions live in memory only, if they do.
    pub(crate) note: Option<String>,
    pub(crate) close: Callback<()>,
}

fn human_bytes(bytes: u64) -> String {
    #[allow(clippy::cast_precision_loss)] // shown with one decimal
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else if b >= 1e6 {
        format!("{:.1} MB", b / 1e6)
    } else if b >= 1e3 {
        format!("{:.1} kB", b / 1e3)
    } else {
        format!("{bytes} bytes")
    }
}

fn persistence_text(p: &Persistence, asked: bool) -> String {
    match (p, asked) {
        (Persistence::Granted, _) => {
            "Your work is kept on this device until you delete it.".to_owned()
        }
        (Persistence::Denied, false) => {
            "Not yet persistent: the browser may delete your work when space runs short.".to_owned()
        }
        (Persistence::Denied, true) => "The browser said no for now (it decides by how much you use Kiln). Export your sessions to keep a copy.".to_owned(),
        (Persistence::Unavailable { reason }, _) => format!("The browser cannot say ({reason})."),
    }
}

/// Storage used and quota, and the "Keep my work on this device" request.
#[function_component]
pub(crate) fn SettingsDialog(props: &SettingsProps) -> Html {
    let estimate = use_state(|| None::<StorageEstimate>);
    let persisted = use_state(|| None::<(Persistence, bool)>);
    let first = use_node_ref();
    use_dialog_focus(first.clone());
    {
        let (estimate, persisted) = (estimate.clone(), persisted.clone());
        use_effect_with((), move |()| {
            spawn_local(async move {
                estimate.set(Some(kiln_web::storage::estimate().await));
                persisted.set(Some((kiln_web::storage::persisted().await, false)));
            });
        });
    }
    let keep = {
        let (estimate, persisted) = (estimate.clone(), persisted.clone());
        Callback::from(move |_: MouseEvent| {
            let (estimate, persisted) = (estimate.clone(), persisted.clone());
            // Called from the click: Firefox asks the user, the others decide on their own.
            spawn_local(async move {
                persisted.set(Some((kiln_web::storage::request_persist().await, true)));
                estimate.set(Some(kiln_web::storage::estimate().await));
            });
        })
    };
    let used = match &*estimate {
        None => "Measuring…".to_owned(),
        Some(
            e @ StorageEstimate::Known {
                usage_bytes,
                quota_bytes,
            },
        ) => format!(
            "{} used of {} available to Kiln ({:.1} %).",
            human_bytes(*usage_bytes),
            human_bytes(*quota_bytes),
            e.fraction_used().unwrap_or(0.0) * 100.0
        ),
        Some(StorageEstimate::Unavailable { reason }) => {
            format!("The browser does not say how much is used ({reason}).")
        }
    };
    let body = html! {
        <>
            if let Some(note) = &props.note {
                <p class="storage-note" role="alert">{note}</p>
            }
            <h3>{"Storage"}</h3>
            <p class="storage-used" role="status">{used}</p>
            <h3>{"Keep my work"}</h3>
            <p>{PERSISTENCE_EXPLANATION}</p>
            <button type="button" class="persist" ref={first} onclick={keep}>{"Keep my work on this device"}</button>
            if let Some((p, asked)) = &*persisted {
                <p class="persist-result" role="status" data-asked={asked.then_some("true")}>{persistence_text(p, *asked)}</p>
            }
        </>
    };
    frame("Settings", &props.close, body)
}

//! The Yew components. They render [`App`] and dispatch [`Action`]s; the effects (running,
//! checking, saving, the clock) talk to the page through [`crate::web`].

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::Function;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::{JsFuture, spawn_local};
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::share;
use crate::state::{
    Action, App, Language, Layout, Panel, Phase, Segment, Snapshot, Stream, Theme, line_links,
};
use crate::templates::{self, Level};
use crate::web::{self, Boot, EditorHandle, EditorHost, KilnHost, epoch_ms, now_ms};

/// A run's time limit.
const TIMEOUT_MS: u32 = 10_000;
/// The pause in typing after which the analyzer looks at the code.
const CHECK_DELAY_MS: i32 = 600;
/// Screens at least this wide put the output beside the editor.
const WIDE: &str = "(min-width: 1200px)";

/// The page's hosts, handed in by `www/app.js`. They never change, so they always compare equal.
#[derive(Clone, Debug)]
pub(crate) struct Hosts {
    pub(crate) kiln: KilnHost,
    pub(crate) editor: EditorHost,
}

impl PartialEq for Hosts {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl PartialEq for Boot {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

/// The root component's properties.
#[derive(Properties, PartialEq)]
pub(crate) struct MainProps {
    pub(crate) hosts: Hosts,
    pub(crate) boot: Rc<Boot>,
}

/// [`App`] as Yew's reducer state.
#[derive(Clone, PartialEq)]
pub(crate) struct Model(App);

impl Reducible for Model {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut app = Rc::unwrap_or_clone(self).0;
        app.apply(action);
        Rc::new(Model(app))
    }
}

/// Bumped whenever the sessions list may have changed (a save, a dialog action, another tab).
#[derive(Default, PartialEq)]
struct Generation(u64);

impl Reducible for Generation {
    type Action = ();

    fn reduce(self: Rc<Self>, (): ()) -> Rc<Self> {
        Rc::new(Generation(self.0 + 1))
    }
}

/// The editor once mounted, shared between the editor pane and the line links.
#[derive(Clone, Default)]
struct EditorSlot(Rc<RefCell<Option<EditorHandle>>>);

impl PartialEq for EditorSlot {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl EditorSlot {
    fn show_line(&self, line: u32) {
        if let Some(editor) = self.0.borrow().as_ref() {
            let _ = editor.show_line(line);
        }
    }
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn initial_app(boot: &Boot) -> App {
    let mut app = App::default();
    if let Some(started) = &boot.started {
        if let Some(prefs) = started.prefs {
            app.layout = prefs.layout;
            app.theme = prefs.theme;
        }
        app.apply(Action::OpenSession {
            id: started.session.id.clone(),
            title: started.session.title.clone(),
            snapshot: started.session.snapshot.clone(),
        });
        if started.migrated {
            app.problem = Some(
                "Your workspace from the previous version is now the session “Workspace from before” (see Sessions)."
                    .to_owned(),
            );
        }
    }
    if let Some(problem) = &boot.problem {
        app.problem = Some(problem.clone());
    }
    app.storage_note.clone_from(&boot.storage_note);
    if let Some(w) = window() {
        app.online = w.navigator().on_line();
        if w.inner_width()
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(1024.0)
            < 700.0
        {
            // A phone starts with the editor in view: the file list folds away.
            app.layout.files_open = false;
        }
    }
    app
}

/// Opens a share link found in the address (`#share=…`) in a new session (the open one keeps
/// its files), then clears it from the address.
fn open_share_link(dispatch: &UseReducerDispatcher<Model>, library: &Rc<web::AppLibrary>) {
    let Some(w) = window() else { return };
    let Ok(hash) = w.location().hash() else {
        return;
    };
    match share::decode(&hash) {
        Ok(Some(snapshot)) => {
            let (dispatch, library) = (dispatch.clone(), library.clone());
            spawn_local(async move {
                let opened = match library.create("Shared link", &snapshot, epoch_ms()).await {
                    Ok(id) => crate::panels::open_in_app(&library, &id, &dispatch).await,
                    Err(problem) => Err(problem),
                };
                if let Err(problem) = opened {
                    dispatch.dispatch(Action::Notify(format!(
                        "The shared files could not be kept in a new session: {problem}"
                    )));
                }
            });
            let path = w.location().pathname().unwrap_or_default();
            if let Ok(history) = w.history() {
                let _ = history.replace_state_with_url(&JsValue::NULL, "", Some(&path));
            }
        }
        Ok(None) => {}
        Err(problem) => dispatch.dispatch(Action::Notify(problem)),
    }
}

fn listen(target: &web_sys::EventTarget, event: &str, handler: &Closure<dyn Fn()>) {
    let _ = target.add_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
}

fn unlisten(target: &web_sys::EventTarget, event: &str, handler: &Closure<dyn Fn()>) {
    let _ = target.remove_event_listener_with_callback(event, handler.as_ref().unchecked_ref());
}

/// The app.
#[function_component]
pub(crate) fn Main(props: &MainProps) -> Html {
    let state = use_reducer(|| Model(initial_app(&props.boot)));
    let app = &state.0;
    let dispatch = state.dispatcher();
    let editor = use_memo((), |()| EditorSlot::default());
    let editor = (*editor).clone();
    let tick = use_state(|| 0.0_f64);
    let dialog = use_state(|| None::<Dialog>);
    let root = use_node_ref();

    // Once: a share link in the address, and the network's state.
    {
        let dispatch = dispatch.clone();
        let library = props.boot.library.clone();
        use_effect_with((), move |()| {
            open_share_link(&dispatch, &library);
            let target: Option<web_sys::EventTarget> = window().map(Into::into);
            let on = {
                let d = dispatch.clone();
                Closure::<dyn Fn()>::new(move || d.dispatch(Action::Online(true)))
            };
            let off = {
                let d = dispatch.clone();
                Closure::<dyn Fn()>::new(move || d.dispatch(Action::Online(false)))
            };
            let hash = {
                let d = dispatch.clone();
                Closure::<dyn Fn()>::new(move || open_share_link(&d, &library))
            };
            if let Some(t) = &target {
                listen(t, "online", &on);
                listen(t, "offline", &off);
                listen(t, "hashchange", &hash);
            }
            move || {
                if let Some(t) = &target {
                    unlisten(t, "online", &on);
                    unlisten(t, "offline", &off);
                    unlisten(t, "hashchange", &hash);
                }
            }
        });
    }

    // Save the open session's files whenever they change (one save at a time, the newest
    // state last), the open file and the layout when they change.
    let saver = use_memo((), |()| SaveQueue::default());
    let channel = use_memo((), |()| Announcer::default());
    let generation = use_reducer(Generation::default);
    let bump = {
        // A reducer, not a state: callbacks kept by effects and the channel must not bump a
        // stale value.
        let generation = generation.dispatcher();
        Callback::from(move |()| generation.dispatch(()))
    };
    {
        let key = (app.session_id.clone(), app.snapshot());
        let library = props.boot.library.clone();
        let saver = saver.clone();
        let dispatch = dispatch.clone();
        let bump = bump.clone();
        let channel = channel.clone();
        use_effect_with(key, move |(id, snapshot)| {
            if let Some(id) = id.clone() {
                saver.request(library, id, snapshot.files.clone(), dispatch, bump, channel);
            }
        });
    }
    {
        let key = (app.session_id.clone(), app.open.clone());
        let library = props.boot.library.clone();
        let dispatch = dispatch.clone();
        use_effect_with(key, move |(id, open)| {
            if let Some(id) = id.clone() {
                let open = open.clone();
                spawn_local(async move {
                    if let Err(problem) = library.set_current(&id, open).await {
                        dispatch.dispatch(Action::Notify(problem));
                    }
                });
            }
        });
    }
    {
        let prefs = crate::library::Prefs {
            layout: app.layout,
            theme: app.theme,
        };
        let library = props.boot.library.clone();
        let first = use_mut_ref(|| true);
        use_effect_with(prefs, move |prefs| {
            // The first value is what was loaded: nothing to save.
            if !std::mem::replace(&mut *first.borrow_mut(), false) {
                let prefs = *prefs;
                spawn_local(async move {
                    let _ = library.set_prefs(prefs).await;
                });
            }
        });
    }
    // Other tabs' changes to sessions.
    {
        let channel = channel.clone();
        let bump = bump.clone();
        let library = props.boot.library.clone();
        let dispatch = dispatch.clone();
        let current = use_mut_ref(|| None::<String>);
        *current.borrow_mut() = app.session_id.clone();
        use_effect_with((), move |()| {
            let opened = kiln_web::SessionsChannel::open(move |event: kiln_web::SessionEvent| {
                bump.emit(());
                if current.borrow().as_deref() != Some(event.session_id.as_str()) {
                    return;
                }
                match event.change {
                    kiln_web::SessionChange::Deleted => dispatch.dispatch(Action::Notify(
                        "This session was deleted in another tab: open another one from Sessions, or undo the deletion there.".to_owned(),
                    )),
                    kiln_web::SessionChange::Renamed => {
                        let library = library.clone();
                        let dispatch = dispatch.clone();
                        let id = event.session_id;
                        spawn_local(async move {
                            if let Ok(session) = library.open(&id).await {
                                dispatch.dispatch(Action::Retitle(session.title));
                            }
                        });
                    }
                    _ => {}
                }
            });
            // Without a channel other tabs see changes after a reload; nothing is lost.
            *channel.0.borrow_mut() = opened.ok();
            move || {
                channel.0.borrow_mut().take();
            }
        });
    }

    // Theme and panel sizes on the page.
    {
        let theme = app.theme;
        use_effect_with(theme, move |theme| {
            if let Some(html) = window()
                .and_then(|w| w.document())
                .and_then(|d| d.document_element())
            {
                let _ = match theme {
                    Theme::System => html.remove_attribute("data-theme"),
                    other => html.set_attribute("data-theme", other.attr()),
                };
            }
        });
    }
    {
        let layout = app.layout;
        let root = root.clone();
        use_effect_with(layout, move |layout| {
            if let Some(el) = root.cast::<HtmlElement>() {
                let style = el.style();
                let _ = style.set_property("--files-size", &format!("{}px", layout.files_size));
                let _ = style.set_property("--output-size", &format!("{}px", layout.output_size));
            }
        });
    }

    // The running clock.
    {
        let tick = tick.clone();
        let running = matches!(app.phase, Phase::Running { .. });
        use_effect_with(running, move |running| {
            let mut interval = None;
            let callback = Closure::<dyn Fn()>::new(move || tick.set(now_ms()));
            if *running && let Some(w) = window() {
                interval = w
                    .set_interval_with_callback_and_timeout_and_arguments_0(
                        callback.as_ref().unchecked_ref(),
                        100,
                    )
                    .ok();
            }
            move || {
                if let (Some(id), Some(w)) = (interval, window()) {
                    w.clear_interval_with_handle(id);
                }
                drop(callback);
            }
        });
    }

    // The analyzer, after a pause in typing, once the language's runtime is up.
    {
        let language = app.open_language().filter(|l| app.runners.contains_key(l));
        let others: Vec<String> = app
            .paths()
            .into_iter()
            .filter(|p| Some(p) != app.open.as_ref())
            .collect();
        let key = (
            app.open.clone(),
            app.open_text().map(str::to_owned),
            language,
            app.busy(),
            others,
        );
        let already = app.diagnostics_for.clone();
        let kiln = props.hosts.kiln.clone();
        let dispatch = dispatch.clone();
        use_effect_with(key, move |(path, text, language, busy, others)| {
            let mut timer = None;
            let mut callback = None;
            if let (Some(path), Some(text), Some(language), false) =
                (path.clone(), text.clone(), *language, *busy)
                && already.as_ref() != Some(&(path.clone(), text.clone()))
            {
                let others = others.clone();
                let check = Closure::once(move || {
                    spawn_local(async move {
                        if let Ok(diagnostics) =
                            kiln.check_code(language, &text, &path, &others).await
                        {
                            dispatch.dispatch(Action::Checked {
                                path,
                                code: text,
                                diagnostics,
                            });
                        }
                    });
                });
                timer = window().and_then(|w| {
                    w.set_timeout_with_callback_and_timeout_and_arguments_0(
                        check.as_ref().unchecked_ref(),
                        CHECK_DELAY_MS,
                    )
                    .ok()
                });
                callback = Some(check);
            }
            move || {
                if let (Some(id), Some(w)) = (timer, window()) {
                    w.clear_timeout_with_handle(id);
                }
                drop(callback);
            }
        });
    }

    let run = {
        let state = state.clone();
        let kiln = props.hosts.kiln.clone();
        Callback::from(move |()| {
            let app = &state.0;
            if app.busy() {
                return;
            }
            let dispatch = state.dispatcher();
            let request = match app.run_request() {
                Ok(request) => request,
                Err(problem) => return dispatch.dispatch(Action::Notify(problem)),
            };
            let language = request.language;
            let loaded = app.runners.contains_key(&language);
            dispatch.dispatch(Action::Started {
                language,
                at_ms: now_ms(),
            });
            let kiln = kiln.clone();
            spawn_local(async move {
                if !loaded {
                    let progress = dispatch.clone();
                    match kiln
                        .ready_runner(language, move |bytes, total| {
                            progress.dispatch(Action::Loading { bytes, total });
                        })
                        .await
                    {
                        Ok(runner) => {
                            dispatch.dispatch(Action::Ready { language, runner });
                            dispatch.dispatch(Action::Started {
                                language,
                                at_ms: now_ms(),
                            });
                        }
                        Err(problem) => return dispatch.dispatch(Action::Failed(problem)),
                    }
                }
                let output = dispatch.clone();
                let result = kiln
                    .run_request(&request, TIMEOUT_MS, move |stream, text| {
                        output.dispatch(Action::Output(stream, text));
                    })
                    .await;
                dispatch.dispatch(match result {
                    Ok(outcome) => Action::Finished(outcome),
                    Err(problem) => Action::Failed(problem),
                });
            });
        })
    };
    // The editor's Ctrl/Cmd+Enter calls the newest `run` (it sees the newest state).
    let latest_run = use_mut_ref(|| Callback::from(|()| {}));
    *latest_run.borrow_mut() = run.clone();

    let stop = {
        let kiln = props.hosts.kiln.clone();
        let language = app.run_language;
        Callback::from(move |_: MouseEvent| {
            if let Some(language) = language {
                kiln.stop_language(language);
            }
        })
    };

    let onkeydown = {
        let run = run.clone();
        let dialog = dialog.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) && !e.default_prevented() {
                e.prevent_default();
                run.emit(());
            } else if e.key() == "Escape" && dialog.is_some() {
                dialog.set(None);
            }
        })
    };

    let open_dialog = |which: Dialog| {
        let dialog = dialog.clone();
        Callback::from(move |_: MouseEvent| dialog.set(Some(which)))
    };
    let close_dialog = {
        let dialog = dialog.clone();
        Callback::from(move |()| dialog.set(None))
    };
    let on_theme = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                dispatch.dispatch(Action::SetTheme(Theme::parse(&select.value())));
            }
        })
    };
    let toggle = |panel: Panel| {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Toggle(panel)))
    };
    let on_line = {
        let editor = editor.clone();
        Callback::from(move |line: u32| editor.show_line(line))
    };
    let dismiss = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::DismissProblem))
    };

    let busy = app.busy();
    let running = matches!(app.phase, Phase::Running { .. });
    let language = app.open_language();
    let run_label = match language {
        Some(l) => format!(
            "Run {} (Ctrl+Enter)",
            app.open.as_deref().unwrap_or(l.title())
        ),
        None => "Run (open a .py, .js or .wat file first)".to_owned(),
    };
    let layout = app.layout;
    let classes = classes!(
        "app",
        (!layout.files_open).then_some("files-closed"),
        (!layout.output_open).then_some("output-closed"),
    );
    let theme_value = match app.theme {
        Theme::System => "system",
        other => other.attr(),
    };

    let dialog_view = match *dialog {
        Some(Dialog::Sessions) => html! {
            <crate::panels::SessionsDialog library={props.boot.library.clone()}
                current={app.session_id.clone()} dispatch={dispatch.clone()} close={close_dialog}
                generation={generation.0} bump={bump.clone()} channel={channel.clone()} />
        },
        Some(Dialog::Settings) => html! {
            <crate::panels::SettingsDialog note={app.storage_note.clone()} close={close_dialog} />
        },
        Some(which) => html! {
            <DialogView which={which} library={props.boot.library.clone()} snapshot={Rc::new(app.snapshot())} dispatch={dispatch.clone()} close={close_dialog} />
        },
        None => html! {},
    };
    html! {
        <div class={classes} ref={root} {onkeydown}>
            <header class="topbar">
                <h1 class="brand">{"Kiln"}</h1>
                <div class="actions" role="toolbar" aria-label="Program">
                    <button type="button" class="primary run" onclick={let run = run.clone(); Callback::from(move |_: MouseEvent| run.emit(()))}
                        disabled={busy || language.is_none()} aria-label={run_label.clone()} title={run_label}>{"▶ Run"}</button>
                    <button type="button" class="stop" onclick={stop} disabled={!running}
                        aria-label="Stop the running program" title="Stop the running program">{"■ Stop"}</button>
                    <button type="button" onclick={open_dialog(Dialog::Examples)} aria-haspopup="dialog">{"Examples"}</button>
                    <button type="button" onclick={open_dialog(Dialog::Share)} aria-haspopup="dialog">{"Share"}</button>
                    <button type="button" class="sessions-button" onclick={open_dialog(Dialog::Sessions)} aria-haspopup="dialog"
                        title={format!("Sessions (open: {})", app.session_title)}>{"Sessions"}</button>
                    <button type="button" class="settings-button" onclick={open_dialog(Dialog::Settings)} aria-haspopup="dialog">{"Settings"}</button>
                </div>
                <div class="view" role="toolbar" aria-label="View">
                    <button type="button" onclick={toggle(Panel::Files)} aria-expanded={layout.files_open.to_string()}
                        aria-controls="files-panel">{"Files"}</button>
                    <button type="button" onclick={toggle(Panel::Output)} aria-expanded={layout.output_open.to_string()}
                        aria-controls="output-panel">{"Output"}</button>
                    <label class="theme">
                        <span>{"Theme"}</span>
                        <select onchange={on_theme} aria-label="Colour theme">
                            <option value="system" selected={theme_value == "system"}>{"System"}</option>
                            <option value="light" selected={theme_value == "light"}>{"Light"}</option>
                            <option value="dark" selected={theme_value == "dark"}>{"Dark"}</option>
                        </select>
                    </label>
                    if !app.online {
                        <span class="offline" role="status" title="You are offline: programs still run; share links still work">{"Offline"}</span>
                    }
                </div>
            </header>
            if let Some(note) = &app.storage_note {
                <div class="storage-note" role="status">{note}</div>
            }
            if let Some(problem) = &app.problem {
                <div class="problem" role="alert">
                    <span>{problem}</span>
                    <button type="button" onclick={dismiss} aria-label="Dismiss this message">{"Dismiss"}</button>
                </div>
            }
            <div class="workspace">
                if layout.files_open {
                    <FilesPanel paths={app.paths()} open={app.open.clone()} dispatch={dispatch.clone()}
                        open_bytes={app.open.as_deref().and_then(|p| app.workspace.read(p).ok()).map(|c| Rc::new(c.as_bytes().to_vec()))} />
                    <Splitter panel={Panel::Files} size={layout.files_size} dispatch={dispatch.clone()} />
                }
                <div class="main">
                    <section class="editor-pane" aria-label="Editor">
                        <EditorPane editor_host={props.hosts.editor.clone()} slot={editor.clone()}
                            path={app.open.clone()} text={app.open_text().map(str::to_owned)}
                            version={app.doc_version} dispatch={dispatch.clone()} run={latest_run.clone()} />
                        <StatusBar phase={app.phase.clone()} text={app.status_text(*tick)} runner={app.runner().map(str::to_owned)} />
                    </section>
                    if layout.output_open {
                        <Splitter panel={Panel::Output} size={layout.output_size} dispatch={dispatch.clone()} />
                        <OutputPanel app={Rc::new(app.clone())} on_line={on_line} />
                    }
                </div>
            </div>
            {dialog_view}
        </div>
    }
}

/// Which dialog is open.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dialog {
    Examples,
    Share,
    Sessions,
    Settings,
}

/// Saves one session's files at a time; a request made while a save runs replaces any waiting
/// one, so the newest state is always saved last.
#[derive(Default)]
pub(crate) struct SaveQueue {
    busy: std::cell::Cell<bool>,
    waiting: RefCell<Option<(String, Vec<crate::state::SavedFile>)>>,
}

impl PartialEq for SaveQueue {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl SaveQueue {
    fn request(
        self: Rc<Self>,
        library: Rc<web::AppLibrary>,
        id: String,
        files: Vec<crate::state::SavedFile>,
        dispatch: UseReducerDispatcher<Model>,
        saved: Callback<()>,
        channel: Rc<Announcer>,
    ) {
        *self.waiting.borrow_mut() = Some((id, files));
        if self.busy.replace(true) {
            return;
        }
        // `data-saving` on the page while a save is under way (a reload then could lose it).
        let html = window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element());
        if let Some(html) = &html {
            let _ = html.set_attribute("data-saving", "");
        }
        spawn_local(async move {
            loop {
                let next = self.waiting.borrow_mut().take();
                let Some((id, files)) = next else { break };
                let snapshot = Snapshot { files, open: None };
                match library.save(&id, &snapshot, epoch_ms()).await {
                    Ok(true) => {
                        saved.emit(());
                        channel.announce(kiln_web::SessionChange::Updated, &id);
                    }
                    Ok(false) => {}
                    Err(problem) => dispatch.dispatch(Action::Notify(problem)),
                }
            }
            self.busy.set(false);
            if let Some(html) = &html {
                let _ = html.remove_attribute("data-saving");
            }
        });
    }
}

/// This tab's end of the sessions channel, once open.
#[derive(Default)]
pub(crate) struct Announcer(RefCell<Option<kiln_web::SessionsChannel>>);

impl PartialEq for Announcer {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other)
    }
}

impl Announcer {
    /// Tells the other tabs (if the channel is open; otherwise they see it after a reload).
    pub(crate) fn announce(&self, change: kiln_web::SessionChange, id: &str) {
        if let Some(channel) = self.0.borrow().as_ref() {
            let _ = channel.post(&kiln_web::SessionEvent::new(change, id));
        }
    }
}

/// Model's dispatcher, for the panels.
pub(crate) type Dispatch = UseReducerDispatcher<Model>;

#[derive(Properties, PartialEq)]
struct FilesProps {
    paths: Vec<String>,
    open: Option<String>,
    open_bytes: Option<Rc<Vec<u8>>>,
    dispatch: UseReducerDispatcher<Model>,
}

/// The workspace's files: open, create, rename, delete, upload, download.
#[function_component]
fn FilesPanel(props: &FilesProps) -> Html {
    let renaming = use_state(|| false);
    let confirm_delete = use_state(|| false);
    let new_name = use_node_ref();
    let rename_to = use_node_ref();
    let dispatch = props.dispatch.clone();

    let create = {
        let dispatch = dispatch.clone();
        let input = new_name.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let Some(input) = input.cast::<HtmlInputElement>() {
                dispatch.dispatch(Action::Create(input.value()));
                input.set_value("");
            }
        })
    };
    let rename = {
        let dispatch = dispatch.clone();
        let input = rename_to.clone();
        let from = props.open.clone();
        let renaming = renaming.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if let (Some(input), Some(from)) = (input.cast::<HtmlInputElement>(), from.clone()) {
                dispatch.dispatch(Action::Rename {
                    from,
                    to: input.value(),
                });
            }
            renaming.set(false);
        })
    };
    let upload = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let Some(files) = input.files() else { return };
            for i in 0..files.length() {
                let Some(file) = files.get(i) else { continue };
                let dispatch = dispatch.clone();
                spawn_local(async move {
                    let name = file.name();
                    match JsFuture::from(file.array_buffer()).await {
                        Ok(buffer) => dispatch.dispatch(Action::Upload {
                            path: name,
                            bytes: js_sys::Uint8Array::new(&buffer).to_vec(),
                        }),
                        Err(err) => dispatch.dispatch(Action::Notify(format!(
                            "`{name}` could not be read: {}",
                            web::message(&err)
                        ))),
                    }
                });
            }
            input.set_value("");
        })
    };
    let open_file = props.open.clone();

    html! {
        <nav id="files-panel" class="files" aria-label="Files">
            <h2>{"Files"}</h2>
            <ul class="file-list">
                { for props.paths.iter().map(|path| {
                    let current = props.open.as_deref() == Some(path.as_str());
                    let onclick = {
                        let dispatch = dispatch.clone();
                        let path = path.clone();
                        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::Open(path.clone())))
                    };
                    html! {
                        <li key={path.clone()}>
                            <button type="button" class={classes!("file", current.then_some("current"))}
                                aria-current={current.then_some("true")} {onclick}>{path}</button>
                        </li>
                    }
                }) }
            </ul>
            <form class="new-file" onsubmit={create}>
                <label for="new-file-name">{"New file"}</label>
                <div class="row">
                    <input id="new-file-name" ref={new_name} type="text" placeholder="name.py" autocomplete="off"
                        autocapitalize="off" spellcheck="false" required=true />
                    <button type="submit">{"Create"}</button>
                </div>
            </form>
            if let Some(open) = open_file {
                <div class="file-actions" role="group" aria-label={format!("Actions for {open}")}>
                    if *renaming {
                        <form class="rename" onsubmit={rename}>
                            <label for="rename-to">{format!("Rename {open} to")}</label>
                            <div class="row">
                                <input id="rename-to" ref={rename_to} type="text" value={open.clone()} autocomplete="off"
                                    autocapitalize="off" spellcheck="false" required=true />
                                <button type="submit">{"Save"}</button>
                            </div>
                        </form>
                    } else {
                        <button type="button" onclick={let r = renaming.clone(); Callback::from(move |_: MouseEvent| r.set(true))}
                            aria-label={format!("Rename {open}")}>{"Rename"}</button>
                    }
                    if let Some(bytes) = props.open_bytes.clone() {
                        <DownloadButton path={open.clone()} {bytes} />
                    }
                    if *confirm_delete {
                        <button type="button" class="danger" aria-label={format!("Really delete {open}")}
                            onclick={let d = dispatch.clone(); let c = confirm_delete.clone(); let p = open.clone();
                                Callback::from(move |_: MouseEvent| { d.dispatch(Action::Delete(p.clone())); c.set(false); })}>
                            {"Really delete"}</button>
                        <button type="button" onclick={let c = confirm_delete.clone(); Callback::from(move |_: MouseEvent| c.set(false))}>{"Keep"}</button>
                    } else {
                        <button type="button" aria-label={format!("Delete {open}")}
                            onclick={let c = confirm_delete.clone(); Callback::from(move |_: MouseEvent| c.set(true))}>{"Delete"}</button>
                    }
                </div>
            }
            <label class="upload button">
                {"Upload files…"}
                <input type="file" multiple=true onchange={upload} aria-label="Upload files from this device" />
            </label>
        </nav>
    }
}

#[derive(Properties, PartialEq)]
struct DownloadProps {
    path: String,
    bytes: Rc<Vec<u8>>,
}

/// Offers one file as a download.
#[function_component]
fn DownloadButton(props: &DownloadProps) -> Html {
    let path = props.path.clone();
    let bytes = props.bytes.clone();
    let onclick = Callback::from(move |_: MouseEvent| {
        let _ = web::download(&path, &bytes);
    });
    html! {
        <button type="button" {onclick} aria-label={format!("Download {}", props.path)}>{"Download"}</button>
    }
}

#[derive(Properties, PartialEq)]
struct SplitterProps {
    panel: Panel,
    size: u32,
    dispatch: UseReducerDispatcher<Model>,
}

/// A draggable, keyboard-operable separator that resizes a panel.
#[function_component]
fn Splitter(props: &SplitterProps) -> Html {
    let dragging = use_mut_ref(|| false);
    let panel = props.panel;
    let wide = window()
        .and_then(|w| w.match_media(WIDE).ok().flatten())
        .is_some_and(|m| m.matches());
    // The files panel and a wide output panel are columns; a narrow output panel sits below.
    let vertical = panel == Panel::Files || wide;
    let size_at = move |e: &PointerEvent| -> Option<i64> {
        let target: Element = e.target_dyn_into()?;
        let parent = target.parent_element()?.get_bounding_client_rect();
        #[allow(clippy::cast_possible_truncation)] // pixels
        let size = match (panel, vertical) {
            (Panel::Files, _) => f64::from(e.client_x()) - parent.left(),
            (Panel::Output, true) => parent.right() - f64::from(e.client_x()),
            (Panel::Output, false) => parent.bottom() - f64::from(e.client_y()),
        } as i64;
        Some(size)
    };
    let onpointerdown = {
        let dragging = dragging.clone();
        Callback::from(move |e: PointerEvent| {
            if let Some(target) = e.target_dyn_into::<Element>() {
                let _ = target.set_pointer_capture(e.pointer_id());
            }
            *dragging.borrow_mut() = true;
        })
    };
    let onpointermove = {
        let dragging = dragging.clone();
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: PointerEvent| {
            if *dragging.borrow()
                && let Some(size) = size_at(&e)
            {
                dispatch.dispatch(Action::Resize(panel, size));
            }
        })
    };
    let onpointerup = {
        let dragging = dragging.clone();
        Callback::from(move |_: PointerEvent| *dragging.borrow_mut() = false)
    };
    let onkeydown = {
        let dispatch = props.dispatch.clone();
        let size = i64::from(props.size);
        Callback::from(move |e: KeyboardEvent| {
            // Arrows move the separator; for the output panel (after it) that shrinks it.
            let sign = if panel == Panel::Files { 1 } else { -1 };
            let step = match e.key().as_str() {
                "ArrowRight" | "ArrowDown" => 24 * sign,
                "ArrowLeft" | "ArrowUp" => -24 * sign,
                "Home" => i64::from(Layout::MIN) - size,
                "End" => i64::from(Layout::MAX) - size,
                _ => return,
            };
            e.prevent_default();
            dispatch.dispatch(Action::Resize(panel, size + step));
        })
    };
    let label = match panel {
        Panel::Files => "Resize the files panel",
        Panel::Output => "Resize the output panel",
    };
    html! {
        <div class={classes!("splitter", if vertical { "vertical" } else { "horizontal" })}
            role="separator" tabindex="0" aria-label={label}
            aria-orientation={if vertical { "vertical" } else { "horizontal" }}
            aria-valuenow={props.size.to_string()} aria-valuemin={Layout::MIN.to_string()}
            aria-valuemax={Layout::MAX.to_string()}
            {onpointerdown} {onpointermove} {onpointerup} {onkeydown}></div>
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    editor_host: EditorHost,
    slot: EditorSlot,
    path: Option<String>,
    text: Option<String>,
    version: u64,
    dispatch: UseReducerDispatcher<Model>,
    run: Rc<RefCell<Callback<()>>>,
}

impl PartialEq for EditorHost {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// CodeMirror (through `www/app-editor.js`) showing the open file.
#[function_component]
fn EditorPane(props: &EditorProps) -> Html {
    let host = use_node_ref();
    let failed = use_state(|| None::<String>);
    let language = props
        .path
        .as_deref()
        .and_then(Language::of_path)
        .map_or("text", Language::id);

    // Mount once.
    {
        let host = host.clone();
        let editor_host = props.editor_host.clone();
        let slot = props.slot.clone();
        let dispatch = props.dispatch.clone();
        let run = props.run.clone();
        let doc = props.text.clone().unwrap_or_default();
        let language = language.to_owned();
        let failed = failed.clone();
        use_effect_with((), move |()| {
            let on_run = Closure::<dyn Fn()>::new(move || run.borrow().emit(()));
            let on_change = Closure::<dyn Fn(String)>::new(move |text: String| {
                dispatch.dispatch(Action::Edit(text));
            });
            let on_run_fn: Function = on_run.as_ref().unchecked_ref::<Function>().clone();
            let on_change_fn: Function = on_change.as_ref().unchecked_ref::<Function>().clone();
            let mount_slot = slot.clone();
            if let Some(parent) = host.cast::<HtmlElement>() {
                spawn_local(async move {
                    match editor_host
                        .mount_editor(&parent, &doc, &language, &on_run_fn, &on_change_fn)
                        .await
                    {
                        Ok(handle) => *mount_slot.0.borrow_mut() = Some(handle),
                        Err(problem) => failed.set(Some(problem)),
                    }
                });
            }
            move || {
                if let Some(editor) = slot.0.borrow_mut().take() {
                    editor.destroy();
                }
                drop(on_run);
                drop(on_change);
            }
        });
    }

    // Another file opened (or the workspace replaced): give the editor its text.
    {
        let slot = props.slot.clone();
        let doc = props.text.clone().unwrap_or_default();
        let language = language.to_owned();
        use_effect_with(props.version, move |_| {
            if let Some(editor) = slot.0.borrow().as_ref() {
                let _ = editor.set_doc(&doc, &language);
            }
        });
    }

    let binary = props.path.is_some() && props.text.is_none();
    html! {
        <>
            <div class="editor-title">
                <h2>{ props.path.clone().unwrap_or_else(|| "No file open".to_owned()) }</h2>
            </div>
            if let Some(problem) = &*failed {
                <p class="problem" role="alert">{problem}</p>
            }
            if binary {
                <p class="binary-note">{"This file is binary: it cannot be edited here, but Run runs a .wasm module and other programs can read it."}</p>
            }
            <div class="editor-host" ref={host} hidden={binary || props.path.is_none()}></div>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct StatusProps {
    phase: Phase,
    text: String,
    runner: Option<String>,
}

/// The runner, the runtime download and the running time.
#[function_component]
fn StatusBar(props: &StatusProps) -> Html {
    let progress = match &props.phase {
        Phase::Loading { bytes, total } => Some((*bytes, *total)),
        _ => None,
    };
    let class = match &props.phase {
        Phase::Failed(_) => "status error",
        Phase::Running { .. } | Phase::Loading { .. } => "status busy",
        _ => "status",
    };
    html! {
        <div class={class} role="status" aria-label="Run status">
            if let Some(runner) = &props.runner {
                <span class="runner" title="The runner that runs this file">{runner}</span>
            }
            <span class="status-text">{&props.text}</span>
            if let Some((bytes, total)) = progress {
                if let Some(total) = total {
                    <progress max={total.to_string()} value={bytes.to_string()} aria-label="Runtime download"></progress>
                } else {
                    <progress aria-label="Runtime download"></progress>
                }
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct OutputProps {
    app: Rc<App>,
    on_line: Callback<u32>,
}

fn line_button(line: u32, text: String, on_line: &Callback<u32>) -> Html {
    let on_line = on_line.clone();
    html! {
        <button type="button" class="line-link" title={format!("Show line {line} in the editor")}
            aria-label={format!("Show line {line} in the editor")}
            onclick={Callback::from(move |_: MouseEvent| on_line.emit(line))}>{text}</button>
    }
}

fn segments(text: &str, file: &str, on_line: &Callback<u32>) -> Html {
    line_links(text, file)
        .into_iter()
        .map(|segment| match segment {
            Segment::Text(text) => html! { {text} },
            Segment::Line { text, line } => line_button(line, text, on_line),
        })
        .collect()
}

/// Warnings, the error (with its line), and the output with stdout and stderr apart.
#[function_component]
fn OutputPanel(props: &OutputProps) -> Html {
    let filter = use_state(|| "all".to_owned());
    let app = &props.app;
    let file = app.run_file.clone().unwrap_or_default();
    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<HtmlSelectElement>() {
                filter.set(select.value());
            }
        })
    };
    let mut diagnostics: Vec<_> = app.current_diagnostics().to_vec();
    if let Some(outcome) = &app.outcome {
        for d in &outcome.diagnostics {
            if !diagnostics.contains(d) {
                diagnostics.push(d.clone());
            }
        }
    }
    // The error: the last line stderr ends with, and the deepest line of the program it names.
    let error = app
        .outcome
        .as_ref()
        .filter(|o| o.status != "ok" && !o.stopped)
        .and_then(|o| {
            let message = o
                .stderr
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())?
                .trim()
                .to_owned();
            let line = line_links(&o.stderr, &file)
                .into_iter()
                .rev()
                .find_map(|s| match s {
                    Segment::Line { line, .. } => Some(line),
                    Segment::Text(_) => None,
                });
            Some((message, line))
        });
    let shown: Vec<_> = app
        .output
        .iter()
        .filter(|c| match filter.as_str() {
            "stdout" => c.stream == Stream::Stdout,
            "stderr" => c.stream == Stream::Stderr,
            _ => true,
        })
        .collect();
    html! {
        <section id="output-panel" class="output-panel" aria-label="Results">
            if let Some((message, line)) = error {
                <div class="error-box" role="alert">
                    <h2>{"Error"}</h2>
                    <p class="error-message">{message}</p>
                    if let Some(line) = line {
                        <p>{line_button(line, format!("Go to line {line}"), &props.on_line)}</p>
                    }
                </div>
            }
            <h2 class="warnings-title">{format!("Warnings ({})", diagnostics.len())}</h2>
            if diagnostics.is_empty() {
                <p class="quiet">{"No warnings."}</p>
            } else {
                <ul class="warnings" aria-label="Warnings from the analyzer">
                    { for diagnostics.iter().map(|d| html! {
                        <li class={d.severity.clone()}>
                            <span class="severity">{&d.severity}</span>{" "}
                            <span>{&d.message}</span>{" "}
                            <code class="code">{&d.code}</code>
                            if let Some(line) = d.line {
                                {" "}{line_button(line, format!("line {line}"), &props.on_line)}
                            }
                        </li>
                    }) }
                </ul>
            }
            <div class="output-head">
                <h2>{"Output"}</h2>
                <label>
                    <span class="visually-hidden">{"Show"}</span>
                    <select onchange={on_filter} aria-label="Which output to show">
                        <option value="all" selected={*filter == "all"}>{"stdout and stderr"}</option>
                        <option value="stdout" selected={*filter == "stdout"}>{"stdout only"}</option>
                        <option value="stderr" selected={*filter == "stderr"}>{"stderr only"}</option>
                    </select>
                </label>
            </div>
            <pre class="output" role="log" aria-live="polite" aria-label="Program output" tabindex="0">
                { for shown.iter().map(|chunk| match chunk.stream {
                    Stream::Stdout => html! { <span class="stdout">{&chunk.text}</span> },
                    Stream::Stderr => html! {
                        <span class="stderr"><span class="visually-hidden">{"stderr: "}</span>{segments(&chunk.text, &file, &props.on_line)}</span>
                    },
                }) }
            </pre>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DialogProps {
    which: Dialog,
    library: Rc<web::AppLibrary>,
    snapshot: Rc<crate::state::Snapshot>,
    dispatch: UseReducerDispatcher<Model>,
    close: Callback<()>,
}

/// The examples gallery and the share link, as modal dialogs.
#[function_component]
fn DialogView(props: &DialogProps) -> Html {
    let first = use_node_ref();
    let copied = use_state(|| None::<String>);
    {
        let first = first.clone();
        use_effect_with(props.which, move |_| {
            // Focus moves into the dialog, and back to what opened it when it closes.
            let opener = window()
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
    let close = {
        let close = props.close.clone();
        Callback::from(move |_: MouseEvent| close.emit(()))
    };
    let (title, body) = match props.which {
        Dialog::Examples => ("Examples", examples(props, &first)),
        // Drawn by their own components (`crate::panels`).
        Dialog::Sessions | Dialog::Settings => return html! {},
        Dialog::Share => {
            let link = share::encode(&props.snapshot).map(|fragment| {
                let base = window()
                    .and_then(|w| {
                        let l = w.location();
                        Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?))
                    })
                    .unwrap_or_default();
                format!("{base}#{fragment}")
            });
            let copy = {
                let copied = copied.clone();
                let link = link.clone().unwrap_or_default();
                Callback::from(move |_: MouseEvent| {
                    let copied = copied.clone();
                    let link = link.clone();
                    spawn_local(async move {
                        let clipboard = window().map(|w| w.navigator()).and_then(|n| {
                            js_sys::Reflect::get(&n, &JsValue::from_str("clipboard")).ok()
                        });
                        let write = clipboard.as_ref().and_then(|c| {
                            js_sys::Reflect::get(c, &JsValue::from_str("writeText"))
                                .ok()?
                                .dyn_into::<Function>()
                                .ok()?
                                .call1(c, &JsValue::from_str(&link))
                                .ok()?
                                .dyn_into::<js_sys::Promise>()
                                .ok()
                        });
                        let done = match write {
                            Some(p) => JsFuture::from(p).await.is_ok(),
                            None => false,
                        };
                        copied.set(Some(if done {
                            "Link copied.".to_owned()
                        } else {
                            "Copying is not allowed here: select the link and copy it.".to_owned()
                        }));
                    });
                })
            };
            let body = match link {
                Ok(link) => html! {
                    <>
                        <p>{"This link carries every file of the workspace (compressed in the part after #, never sent to a server). Opening it loads the files."}</p>
                        <label for="share-link">{format!("Link ({} characters)", link.len())}</label>
                        <input id="share-link" ref={first.clone()} type="text" readonly=true value={link.clone()}
                            onfocus={Callback::from(|e: FocusEvent| if let Some(i) = e.target_dyn_into::<HtmlInputElement>() { i.select(); })} />
                        <div class="row">
                            <button type="button" onclick={copy}>{"Copy link"}</button>
                            <a class="button" href={link}>{"Open link"}</a>
                        </div>
                        if let Some(note) = &*copied {
                            <p role="status">{note}</p>
                        }
                    </>
                },
                Err(problem) => html! { <p role="alert">{problem}</p> },
            };
            ("Share", body)
        }
    };
    html! {
        <div class="backdrop">
            <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title">
                <div class="dialog-head">
                    <h2 id="dialog-title">{title}</h2>
                    <button type="button" onclick={close} aria-label={format!("Close {title}")}>{"Close"}</button>
                </div>
                {body}
            </div>
        </div>
    }
}

fn examples(props: &DialogProps, first: &NodeRef) -> Html {
    let mut first_done = false;
    html! {
        <>
            <p>{"Each example opens in a new session; your other sessions stay in Sessions."}</p>
            { for Language::ALL.iter().map(|language| html! {
                <section class="gallery" aria-label={format!("{} examples", language.title())}>
                    <h3>{language.title()}</h3>
                    <ul>
                        { for templates::ALL.iter().filter(|t| t.language == *language).map(|t| {
                            let dispatch = props.dispatch.clone();
                            let close = props.close.clone();
                            let id = t.id.to_owned();
                            let library = props.library.clone();
                            let onclick = Callback::from(move |_: MouseEvent| {
                                let (dispatch, library, id) = (dispatch.clone(), library.clone(), id.clone());
                                spawn_local(async move {
                                    let opened = match library.create_from_template(&id, None, epoch_ms()).await {
                                        Ok(session) => crate::panels::open_in_app(&library, &session, &dispatch).await,
                                        Err(problem) => Err(problem),
                                    };
                                    if let Err(problem) = opened {
                                        dispatch.dispatch(Action::Notify(problem));
                                    }
                                });
                                close.emit(());
                            });
                            let node = if first_done { NodeRef::default() } else { first_done = true; first.clone() };
                            let level = match t.level { Level::Beginner => "beginner", Level::Intermediate => "intermediate", Level::Advanced => "advanced" };
                            html! {
                                <li>
                                    <button type="button" ref={node} class="template" data-template={t.id} {onclick}>
                                        <span class={classes!("level", level)}>{t.level.title()}</span>
                                        <strong>{t.title}</strong>
                                        <span class="summary">{t.summary}</span>
                                    </button>
                                </li>
                            }
                        }) }
                    </ul>
                </section>
            }) }
        </>
    }
}

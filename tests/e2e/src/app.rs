//! The app's cases (`index.html`, crate kiln-app): code written and run through the UI in each
//! language, an error's line link, files created and renamed (and kept across a reload), a share
//! link's round trip into a multi-file run, and the layout at iPad portrait, iPad landscape and
//! phone sizes (screenshots, and no control overlapping another or cut off).

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use thirtyfour::prelude::*;

use crate::cases::Case;
use crate::{Ctx, Verdict};

type CaseFuture<'a> = Pin<Box<dyn Future<Output = Result<Verdict, String>> + 'a>>;

/// The app's cases, in order.
pub(crate) const ALL: &[Case] = &[
    Case {
        name: "app-run-python",
        run: run_python,
    },
    Case {
        name: "app-run-js",
        run: run_js,
    },
    Case {
        name: "app-run-wat",
        run: run_wat,
    },
    Case {
        name: "app-stop",
        run: stop_runaway,
    },
    Case {
        name: "app-error-line-link",
        run: error_line_link,
    },
    Case {
        name: "app-files-create-rename",
        run: files_create_rename,
    },
    Case {
        name: "app-share-round-trip",
        run: share_round_trip,
    },
    Case {
        name: "app-keyboard-dialog",
        run: keyboard_dialog,
    },
    Case {
        name: "app-layout-screenshots",
        run: layout_screenshots,
    },
    Case {
        name: "app-sessions-reload",
        run: sessions_reload,
    },
    Case {
        name: "app-sessions-rename-search",
        run: sessions_rename_search,
    },
    Case {
        name: "app-sessions-delete-undo",
        run: sessions_delete_undo,
    },
    Case {
        name: "app-sessions-export-import",
        run: sessions_export_import,
    },
    Case {
        name: "app-sessions-migration",
        run: sessions_migration,
    },
    Case {
        name: "app-settings-storage",
        run: settings_storage,
    },
    Case {
        name: "app-sessions-two-tabs",
        run: sessions_two_tabs,
    },
];

/// A WASI program writing "wat-ok\n".
const WAT: &str = r#"(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32))) (memory (export "memory") 1) (data (i32.const 8) "wat-ok\n") (func (export "_start") (i32.store (i32.const 0) (i32.const 8)) (i32.store (i32.const 4) (i32.const 7)) (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 40)))))"#;

/// The sizes the app is checked at: iPad portrait, iPad landscape, phone.
const SIZES: &[(&str, u32, u32)] = &[
    ("ipad-portrait", 1024, 1366),
    ("ipad-landscape", 1366, 1024),
    ("phone", 390, 844),
];

fn webdriver(e: WebDriverError) -> String {
    format!("WebDriver: {e}")
}

/// The key the previous version kept the workspace under (moved into a session at start).
const LEGACY_KEY: &str = "kiln-app:workspace";

/// Forgets everything the app saved: the IndexedDB database and the old `localStorage` key
/// (from the test page, so no app tab holds the database open).
async fn clear_storage(ctx: &Ctx) -> Result<(), String> {
    ctx.open("e2e.html", "window.kilnE2E").await?;
    ctx.eval(
        "localStorage.removeItem(args[0]);\n\
         await new Promise((resolve, reject) => {\n\
           const r = indexedDB.deleteDatabase('kiln');\n\
           r.onsuccess = () => resolve();\n\
           r.onerror = () => reject(r.error);\n\
         });",
        vec![json!(LEGACY_KEY)],
    )
    .await
    .map(drop)
}

/// Opens (or reloads) the app and waits for the editor.
async fn open_app(ctx: &Ctx) -> Result<(), String> {
    ctx.open(
        "index.html",
        "document.querySelector('.editor-host .cm-content')",
    )
    .await
}

/// Opens the app with nothing saved (the default workspace in a new session) and waits for
/// the editor.
async fn fresh_app(ctx: &Ctx) -> Result<(), String> {
    ctx.driver
        .set_window_rect(0, 0, 1280, 900)
        .await
        .map_err(webdriver)?;
    clear_storage(ctx).await?;
    open_app(ctx).await
}

/// Waits until the app has saved what it shows (no `data-saving` on the page).
async fn saved(ctx: &Ctx) -> Result<(), String> {
    tokio::time::sleep(Duration::from_millis(300)).await;
    wait_for(ctx, "the app to save", || async {
        Ok(ctx
            .eval(
                "return !document.documentElement.hasAttribute('data-saving');",
                Vec::new(),
            )
            .await?
            .as_bool()
            == Some(true))
    })
    .await
}

async fn find(ctx: &Ctx, css: &str) -> Result<WebElement, String> {
    ctx.driver
        .query(By::Css(css))
        .wait(Duration::from_secs(30), Duration::from_millis(100))
        .first()
        .await
        .map_err(|e| format!("`{css}` did not appear: {e}"))
}

async fn text_of(ctx: &Ctx, css: &str) -> Result<String, String> {
    let value = ctx
        .eval(
            "return document.querySelector(args[0])?.textContent ?? null;",
            vec![json!(css)],
        )
        .await?;
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("`{css}` is not on the page"))
}

/// Creates a file through the "New file" form; the app opens it in the editor.
async fn create_file(ctx: &Ctx, name: &str) -> Result<(), String> {
    let input = find(ctx, "#new-file-name").await?;
    input
        .clear()
        .await
        .map_err(|e| format!("the new file's name field: {e}"))?;
    input
        .send_keys(name.to_owned() + Key::Enter)
        .await
        .map_err(webdriver)?;
    // The editor is rebuilt when the language changes: wait for the one labelled for this file.
    let label = match name.rsplit('.').next() {
        Some("py") => "Python code",
        Some("js") => "JavaScript code",
        Some("wat") => "WebAssembly code",
        _ => "Text",
    };
    wait_for(ctx, &format!("the editor for {name}"), || async {
        let shown = ctx
            .eval(
                "const c = document.querySelector('.editor-host .cm-content');\n\
                 return [document.querySelector('.editor-title h2')?.textContent, c?.getAttribute('aria-label') ?? ''];",
                Vec::new(),
            )
            .await?;
        Ok(shown[0] == name && shown[1].as_str().unwrap_or("").starts_with(label))
    })
    .await
}

/// Replaces the editor's text by typing `code` (select all, then the keys). Spaces typed over
/// WebDriver can arrive as no-break spaces, which Python and WAT reject, so the cases write
/// their code without spaces where it matters (newlines in Python, `(;;)` in WAT); the editor's
/// own indentation on Enter is ignored in the comparison.
async fn type_code(ctx: &Ctx, code: &str) -> Result<(), String> {
    // The editor may be rebuilt for the file's grammar right after it appears: retry briefly.
    let mut attempt = 0;
    let editor = loop {
        let editor = find(ctx, ".editor-host .cm-content").await?;
        match editor.click().await {
            Ok(()) => break editor,
            Err(e) if attempt >= 20 => return Err(format!("clicking the editor: {e}")),
            Err(_) => {
                attempt += 1;
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        }
    };
    let select_all = if ctx.is_mac().await {
        Key::Command
    } else {
        Key::Control
    };
    editor
        .send_keys(select_all + "a")
        .await
        .map_err(webdriver)?;
    editor.send_keys(Key::Delete).await.map_err(webdriver)?;
    // Enter as a key of its own: WebKitGTK's driver types "\n" as nothing.
    for (i, line) in code.split('\n').enumerate() {
        if i > 0 {
            editor
                .send_keys(Key::Enter)
                .await
                .map_err(|e| format!("typing into the editor: {e}"))?;
        }
        if !line.is_empty() {
            editor
                .send_keys(line)
                .await
                .map_err(|e| format!("typing into the editor: {e}"))?;
        }
    }
    let typed = ctx
        .eval(
            "return document.querySelector('.editor-host .cm-content').innerText;",
            Vec::new(),
        )
        .await?;
    let squeeze = |t: &str| -> String { t.chars().filter(|c| !c.is_whitespace()).collect() };
    let typed = typed.as_str().unwrap_or("");
    if squeeze(typed) != squeeze(code) {
        return Err(format!("the editor holds {typed:?} after typing {code:?}"));
    }
    Ok(())
}

/// Polls `check` every 200 ms for up to 120 s.
async fn wait_for<F, Fut>(ctx: &Ctx, what: &str, check: F) -> Result<(), String>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<bool, String>>,
{
    let _ = ctx;
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut last = None;
    while Instant::now() < deadline {
        match check().await {
            Ok(true) => return Ok(()),
            Ok(false) => last = None,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Err(format!(
        "timed out waiting for {what}{}",
        last.map(|e| format!(" ({e})")).unwrap_or_default()
    ))
}

/// Presses Run (or Ctrl+Enter in the editor) and waits for the run to end; returns the status
/// line and the output.
async fn run_and_wait(ctx: &Ctx, keyboard: bool) -> Result<(String, String), String> {
    if keyboard {
        let editor = find(ctx, ".editor-host .cm-content").await?;
        editor
            .send_keys(Key::Control + Key::Enter)
            .await
            .map_err(webdriver)?;
    } else {
        find(ctx, "button.run")
            .await?
            .click()
            .await
            .map_err(webdriver)?;
    }
    wait_for(ctx, "the run to end", || async {
        let status = text_of(ctx, ".status-text").await?;
        Ok(["Finished", "Failed", "Stopped", "Exited", "Not run"]
            .iter()
            .any(|w| status.starts_with(w))
            || status.contains("could not"))
    })
    .await?;
    Ok((
        text_of(ctx, ".status-text").await?,
        text_of(ctx, "pre.output").await?,
    ))
}

async fn writes_and_runs(
    ctx: &Ctx,
    file: &str,
    code: &str,
    expected: &str,
    keyboard: bool,
) -> Result<Verdict, String> {
    fresh_app(ctx).await?;
    create_file(ctx, file).await?;
    type_code(ctx, code).await?;
    let t0 = Instant::now();
    let (status, output) = run_and_wait(ctx, keyboard).await?;
    if !status.starts_with("Finished in") || output != expected {
        return Err(format!(
            "expected {expected:?} and \"Finished in …\", got {output:?} and {status:?}"
        ));
    }
    Ok(Verdict::Pass(format!(
        "typed, ran{} in {} ms wall: {status}",
        if keyboard { " with Ctrl+Enter" } else { "" },
        t0.elapsed().as_millis()
    )))
}

fn run_python(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(writes_and_runs(
        ctx,
        "hello.py",
        "print('py',sum(range(5)))",
        "py 10\n",
        false,
    ))
}

fn run_js(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(writes_and_runs(
        ctx,
        "hello.js",
        "console.log('js', [1, 2, 3].map(x => x * 2).join(','))",
        "js 2,4,6\n",
        true,
    ))
}

fn run_wat(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        // `(;;)` (an empty block comment) separates tokens like a space does.
        let code = WAT.replace(' ', "(;;)");
        writes_and_runs(ctx, "hello.wat", &code, "wat-ok\n", false).await
    })
}

/// An endless loop: Stop ends it, and the next run works.
fn stop_runaway(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        create_file(ctx, "loop.js").await?;
        type_code(ctx, "while(true){}").await?;
        find(ctx, "button.run")
            .await?
            .click()
            .await
            .map_err(webdriver)?;
        wait_for(ctx, "the loop to run", || async {
            Ok(text_of(ctx, ".status-text").await?.starts_with("Running"))
        })
        .await?;
        tokio::time::sleep(Duration::from_millis(500)).await;
        let t0 = Instant::now();
        find(ctx, "button.stop")
            .await?
            .click()
            .await
            .map_err(webdriver)?;
        wait_for(ctx, "the run to stop", || async {
            Ok(text_of(ctx, ".status-text")
                .await?
                .starts_with("Stopped after"))
        })
        .await?;
        let stopped_ms = t0.elapsed().as_millis();
        type_code(ctx, "console.log('after')").await?;
        let (status, output) = run_and_wait(ctx, false).await?;
        if output != "after\n" || !status.starts_with("Finished in") {
            return Err(format!(
                "the run after Stop did not work: {output:?} ({status})"
            ));
        }
        Ok(Verdict::Pass(format!(
            "stopped {stopped_ms} ms after the click; the next run: {status}"
        )))
    })
}

/// A Python error on line 2: the error panel links the line, and the link puts the cursor there.
fn error_line_link(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        create_file(ctx, "oops.py").await?;
        type_code(ctx, "x=0\nprint(1/x)").await?;
        let (status, output) = run_and_wait(ctx, false).await?;
        if !output.contains("ZeroDivisionError") {
            return Err(format!("no traceback in the output: {output:?} ({status})"));
        }
        let message = text_of(ctx, ".error-box .error-message").await?;
        let link = find(ctx, ".error-box .line-link").await?;
        let label = link.text().await.map_err(webdriver)?;
        if label != "Go to line 2" {
            return Err(format!(
                "the error's link says {label:?}, not \"Go to line 2\""
            ));
        }
        // Put the cursor on line 1 first, so the link has to move it.
        find(ctx, ".editor-host .cm-line")
            .await?
            .click()
            .await
            .map_err(webdriver)?;
        link.click().await.map_err(webdriver)?;
        wait_for(ctx, "the cursor on line 2", || async {
            Ok(text_of(ctx, ".editor-host .cm-activeLine").await? == "print(1/x)")
        })
        .await?;
        let focused = ctx
            .eval(
                "return document.activeElement?.classList.contains('cm-content') ?? false;",
                Vec::new(),
            )
            .await?;
        if focused != true {
            return Err("the editor did not get the focus after the line link".to_owned());
        }
        Ok(Verdict::Pass(format!(
            "{message:?}; the link moved the cursor to line 2 ({status})"
        )))
    })
}

async fn file_names(ctx: &Ctx) -> Result<Vec<String>, String> {
    let names = ctx
        .eval(
            "return [...document.querySelectorAll('.file-list .file')].map((b) => b.textContent);",
            Vec::new(),
        )
        .await?;
    Ok(names
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect())
}

/// Create a file, rename it, reload (the workspace persists), delete it.
fn files_create_rename(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        create_file(ctx, "first.js").await?;
        find(ctx, ".file-actions button[aria-label='Rename first.js']")
            .await?
            .click()
            .await
            .map_err(webdriver)?;
        let input = find(ctx, "#rename-to").await?;
        input.clear().await.map_err(webdriver)?;
        input
            .send_keys("second.js".to_owned() + Key::Enter)
            .await
            .map_err(webdriver)?;
        wait_for(ctx, "second.js in the list", || async {
            let names = file_names(ctx).await?;
            Ok(names.iter().any(|n| n == "second.js") && !names.iter().any(|n| n == "first.js"))
        })
        .await?;
        if text_of(ctx, ".editor-title h2").await? != "second.js" {
            return Err("the renamed file is no longer the open one".to_owned());
        }
        saved(ctx).await?;
        ctx.open(
            "index.html",
            "document.querySelector('.editor-host .cm-content')",
        )
        .await?;
        let names = file_names(ctx).await?;
        if !names.iter().any(|n| n == "second.js") {
            return Err(format!("after a reload the files are {names:?}"));
        }
        find(ctx, ".file-actions button[aria-label='Delete second.js']")
            .await?
            .click()
            .await
            .map_err(webdriver)?;
        find(
            ctx,
            ".file-actions button[aria-label='Really delete second.js']",
        )
        .await?
        .click()
        .await
        .map_err(webdriver)?;
        wait_for(ctx, "second.js gone", || async {
            Ok(!file_names(ctx).await?.iter().any(|n| n == "second.js"))
        })
        .await?;
        // Upload a file from the device: it joins the workspace and opens.
        let upload = std::env::temp_dir().join("kiln-e2e-uploaded.py");
        std::fs::write(&upload, "print('uploaded')\n")
            .map_err(|e| format!("cannot write {}: {e}", upload.display()))?;
        find(ctx, ".upload input[type=file]")
            .await?
            .send_keys(upload.to_string_lossy().as_ref())
            .await
            .map_err(|e| format!("uploading {}: {e}", upload.display()))?;
        wait_for(ctx, "the uploaded file", || async {
            Ok(file_names(ctx)
                .await?
                .iter()
                .any(|n| n == "kiln-e2e-uploaded.py"))
        })
        .await?;
        let (status, output) = run_and_wait(ctx, false).await?;
        if output != "uploaded\n" {
            return Err(format!(
                "the uploaded file did not run: {output:?} ({status})"
            ));
        }
        Ok(Verdict::Pass(format!(
            "created, renamed, kept across a reload, deleted, uploaded and run; files now {:?}",
            file_names(ctx).await?
        )))
    })
}

/// Opens the examples dialog and picks `template`; the example opens in a new session once the
/// store has it, so this waits until the file list is `files`.
async fn open_example(ctx: &Ctx, template: &str, files: &[&str]) -> Result<(), String> {
    find(ctx, ".actions button:nth-of-type(3)")
        .await?
        .click()
        .await
        .map_err(webdriver)?;
    find(ctx, &format!("button[data-template='{template}']"))
        .await?
        .click()
        .await
        .map_err(webdriver)?;
    wait_for(ctx, "the example's files", || async {
        Ok(file_names(ctx).await? == files)
    })
    .await
}

/// The multi-file example through a share link into a fresh app, then run there.
fn share_round_trip(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        open_example(ctx, "py-project", &["main.py", "shapes.py"]).await?;
        find(ctx, ".actions button:nth-of-type(4)")
            .await?
            .click()
            .await
            .map_err(webdriver)?;
        let link = find(ctx, "#share-link")
            .await?
            .value()
            .await
            .map_err(webdriver)?
            .ok_or("the share link is empty")?;
        if !link.contains("#share=") {
            return Err(format!("not a share link: {link}"));
        }
        // A new visitor: nothing saved, the link opened in a fresh page.
        ctx.eval("localStorage.clear();", Vec::new()).await?;
        ctx.driver.goto("about:blank").await.map_err(webdriver)?;
        ctx.driver.goto(link.as_str()).await.map_err(webdriver)?;
        find(ctx, ".editor-host .cm-content").await?;
        wait_for(ctx, "the shared files", || async {
            let names = file_names(ctx).await?;
            if names == ["main.py", "shapes.py"] {
                Ok(true)
            } else {
                Err(format!("files {names:?}"))
            }
        })
        .await?;
        let url = ctx.driver.current_url().await.map_err(webdriver)?;
        if url.as_str().contains("share=") {
            return Err(format!("the link stayed in the address: {url}"));
        }
        let (status, output) = run_and_wait(ctx, false).await?;
        if !output.contains("total area: 11.854") {
            return Err(format!(
                "the shared project did not run: {output:?} ({status})"
            ));
        }
        // The runtime is up, so the analyzer has looked at main.py (600 ms after the last
        // change) with the other files' paths: `import shapes` is a workspace import.
        tokio::time::sleep(Duration::from_millis(2000)).await;
        let panel = text_of(ctx, "#output-panel").await?;
        if panel.contains("shapes") && panel.contains("import-missing") {
            return Err(format!(
                "the analyzer called the workspace file shapes.py missing: {panel:?}"
            ));
        }
        Ok(Verdict::Pass(format!(
            "{} characters of link; main.py imported shapes.py: {status}",
            link.len()
        )))
    })
}

/// The examples dialog by keyboard: Enter opens it with the focus inside, Escape closes it and
/// gives the focus back to the button that opened it.
fn keyboard_dialog(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        let focused = "const a = document.activeElement;\n\
                       return a ? (a.dataset.template ?? a.textContent) : null;";
        ctx.eval(
            "[...document.querySelectorAll('.actions button')].find((b) => b.textContent === 'Examples').focus();",
            Vec::new(),
        )
        .await?;
        ctx.driver
            .active_element()
            .await
            .map_err(webdriver)?
            .send_keys(Key::Enter)
            .await
            .map_err(webdriver)?;
        wait_for(ctx, "the dialog with the focus inside", || async {
            Ok(ctx.eval(focused, Vec::new()).await? == "py-hello")
        })
        .await?;
        ctx.driver
            .active_element()
            .await
            .map_err(webdriver)?
            .send_keys(Key::Escape)
            .await
            .map_err(webdriver)?;
        wait_for(
            ctx,
            "the dialog closed, the focus back on Examples",
            || async {
                let open = ctx
                    .eval(
                        "return document.querySelector('[role=dialog]') != null;",
                        Vec::new(),
                    )
                    .await?;
                Ok(open == false && ctx.eval(focused, Vec::new()).await? == "Examples")
            },
        )
        .await?;
        Ok(Verdict::Pass(
            "Enter opened the examples with the focus on the first one; Escape closed them and \
             the focus went back to Examples"
                .to_owned(),
        ))
    })
}

/// Every visible control: none may overlap another or stick out of the window or of a
/// clipping ancestor (horizontally; panels scroll vertically).
const LAYOUT_CHECK: &str = r"
const visible = (el) => {
  const s = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  return s.visibility !== 'hidden' && s.display !== 'none' && r.width > 0 && r.height > 0;
};
const controls = [...document.querySelectorAll('button, select, input, a[href], [role=separator], .cm-editor')]
  .filter((el) => visible(el) && !(el.type === 'file' && el.closest('label')));
const name = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}[${(el.getAttribute('aria-label') || el.textContent || el.className).trim().slice(0, 40)}]`;
const problems = [];
const W = document.documentElement.clientWidth;
for (const el of controls) {
  const r = el.getBoundingClientRect();
  if (r.left < -0.5 || r.right > W + 0.5) problems.push(`${name(el)} is cut off by the window (${Math.round(r.left)}..${Math.round(r.right)} of ${W})`);
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const s = getComputedStyle(p);
    if (s.overflowX === 'visible') continue;
    const pr = p.getBoundingClientRect();
    if (r.left < pr.left - 0.5 || r.right > pr.right + 0.5) {
      problems.push(`${name(el)} is cut off by ${p.className || p.tagName} (${Math.round(r.left)}..${Math.round(r.right)} in ${Math.round(pr.left)}..${Math.round(pr.right)})`);
      break;
    }
  }
}
for (let i = 0; i < controls.length; i++) {
  for (let j = i + 1; j < controls.length; j++) {
    const a = controls[i], b = controls[j];
    if (a.contains(b) || b.contains(a)) continue;
    const ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
    const w = Math.min(ra.right, rb.right) - Math.max(ra.left, rb.left);
    const h = Math.min(ra.bottom, rb.bottom) - Math.max(ra.top, rb.top);
    if (w > 1 && h > 1) problems.push(`${name(a)} overlaps ${name(b)} (${Math.round(w)}×${Math.round(h)} px)`);
  }
}
return { problems, controls: controls.length, width: innerWidth, height: innerHeight };
";

fn screenshot_dir() -> std::path::PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache/kiln/target"))
        })
        .unwrap_or_else(|| std::path::PathBuf::from("target"));
    target.join("e2e/screenshots")
}

/// Sizes the window so that the page's viewport is `width`×`height` (browsers add their
/// frame to the window size).
async fn set_viewport(ctx: &Ctx, width: u32, height: u32) -> Result<(u32, u32), String> {
    ctx.driver
        .set_window_rect(0, 0, width, height)
        .await
        .map_err(webdriver)?;
    let inner = ctx
        .eval("return [innerWidth, innerHeight];", Vec::new())
        .await?;
    let got = |i: usize| {
        inner[i]
            .as_u64()
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0)
    };
    let (w, h) = (got(0), got(1));
    if (w, h) != (width, height) && w > 0 && h > 0 {
        ctx.driver
            .set_window_rect(0, 0, width * 2 - w, height * 2 - h)
            .await
            .map_err(webdriver)?;
    }
    let inner = ctx
        .eval("return [innerWidth, innerHeight];", Vec::new())
        .await?;
    Ok((got_u32(&inner[0]), got_u32(&inner[1])))
}

fn got_u32(v: &Value) -> u32 {
    v.as_u64().and_then(|v| u32::try_from(v).ok()).unwrap_or(0)
}

fn layout_screenshots(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        // Something in every panel: the JavaScript project, run once.
        open_example(ctx, "js-project", &["main.js", "queue.js"]).await?;
        let (status, output) = run_and_wait(ctx, false).await?;
        if !output.contains("all jobs finished") {
            return Err(format!(
                "the JavaScript project did not run: {output:?} ({status})"
            ));
        }
        let browser = ctx.browser_name().await;
        let dir = screenshot_dir();
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let original = ctx.driver.get_window_rect().await.map_err(webdriver)?;
        let mut notes = Vec::new();
        let mut problems = Vec::new();
        for (label, width, height) in SIZES {
            let (w, h) = set_viewport(ctx, *width, *height).await?;
            tokio::time::sleep(Duration::from_millis(300)).await;
            // Named by the size the browser gave (Firefox keeps windows at least 450 px wide,
            // WebKitGTK under Xvfb within the virtual screen).
            let path = dir.join(format!("app-{browser}-{label}-{w}x{h}.png"));
            ctx.driver.screenshot(&path).await.map_err(webdriver)?;
            let report = ctx.eval(LAYOUT_CHECK, Vec::new()).await?;
            for p in report["problems"].as_array().into_iter().flatten() {
                problems.push(format!("{label} ({w}×{h}): {}", p.as_str().unwrap_or("?")));
            }
            notes.push(format!(
                "{label} {w}×{h}: {} controls",
                report["controls"].as_u64().unwrap_or(0)
            ));
        }
        // The dark theme, chosen in the app, at iPad landscape size.
        set_viewport(ctx, 1366, 1024).await?;
        let dark = ctx
            .eval(
                "const s = document.querySelector('select[aria-label=\"Colour theme\"]');\n\
                 s.value = 'dark'; s.dispatchEvent(new Event('change', { bubbles: true }));\n\
                 await new Promise((r) => setTimeout(r, 300));\n\
                 return [document.documentElement.dataset.theme ?? null, getComputedStyle(document.body).backgroundColor];",
                Vec::new(),
            )
            .await?;
        if dark[0] != "dark" || dark[1] == "rgb(255, 255, 255)" {
            return Err(format!("the dark theme did not apply: {dark}"));
        }
        let path = dir.join(format!("app-{browser}-dark-1366x1024.png"));
        ctx.driver.screenshot(&path).await.map_err(webdriver)?;
        notes.push(format!("dark theme: body {}", dark[1]));
        let _ = ctx
            .driver
            .set_window_rect(
                original.x,
                original.y,
                u32::try_from(original.width).unwrap_or(1280),
                u32::try_from(original.height).unwrap_or(800),
            )
            .await;
        if !problems.is_empty() {
            return Err(format!(
                "controls overlap or are cut off:\n  {}",
                problems.join("\n  ")
            ));
        }
        Ok(Verdict::Pass(format!(
            "{}; screenshots in {}",
            notes.join(", "),
            dir.display()
        )))
    })
}

impl Ctx {
    /// Whether the browser runs on macOS (Cmd instead of Ctrl).
    async fn is_mac(&self) -> bool {
        self.eval("return /Mac/.test(navigator.platform);", Vec::new())
            .await
            .is_ok_and(|v| v == true)
    }

    /// `chromium`, `firefox` or `webkit`, from the user agent.
    async fn browser_name(&self) -> &'static str {
        let agent = self
            .eval("return navigator.userAgent;", Vec::new())
            .await
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        if agent.contains("Firefox") {
            "firefox"
        } else if agent.contains("Chrome") {
            "chromium"
        } else {
            "webkit"
        }
    }
}

async fn click(ctx: &Ctx, css: &str) -> Result<(), String> {
    find(ctx, css)
        .await?
        .click()
        .await
        .map_err(|e| format!("clicking `{css}`: {e}"))
}

/// Opens the sessions dialog and waits for its list.
async fn open_sessions(ctx: &Ctx) -> Result<(), String> {
    click(ctx, "button.sessions-button").await?;
    find(ctx, ".session-list .session").await.map(drop)
}

/// Closes the open dialog.
async fn close_dialog(ctx: &Ctx) -> Result<(), String> {
    click(ctx, ".dialog-head button").await
}

/// The sessions listed, newest first: `(title, whether it is the open one, meta line)`.
async fn sessions_listed(ctx: &Ctx) -> Result<Vec<(String, bool, String)>, String> {
    let rows = ctx
        .eval(
            "return [...document.querySelectorAll('.session-list .session')].map((li) => [\n\
               li.querySelector('.session-title')?.textContent ?? '',\n\
               li.classList.contains('current'),\n\
               li.querySelector('.session-meta')?.textContent ?? '']);",
            Vec::new(),
        )
        .await?;
    Ok(rows
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| {
            (
                r[0].as_str().unwrap_or("").to_owned(),
                r[1].as_bool().unwrap_or(false),
                r[2].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect())
}

async fn titles(ctx: &Ctx) -> Result<Vec<String>, String> {
    Ok(sessions_listed(ctx)
        .await?
        .into_iter()
        .map(|(t, _, _)| t)
        .collect())
}

/// Renames the open session through the sessions dialog (left open).
async fn rename_current(ctx: &Ctx, title: &str) -> Result<(), String> {
    click(ctx, ".session.current button.rename").await?;
    let input = find(ctx, "#rename-session-to").await?;
    input.clear().await.map_err(webdriver)?;
    input
        .send_keys(title.to_owned() + Key::Enter)
        .await
        .map_err(webdriver)?;
    wait_for(ctx, &format!("the session renamed to {title}"), || async {
        Ok(sessions_listed(ctx)
            .await?
            .iter()
            .any(|(t, current, _)| t == title && *current))
    })
    .await
}

/// Two sessions with a file each; a reload reopens the second, and the first keeps its file.
fn sessions_reload(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        create_file(ctx, "one.py").await?;
        open_sessions(ctx).await?;
        rename_current(ctx, "First").await?;
        click(ctx, "button.new-session").await?;
        wait_for(ctx, "the new session", || async {
            Ok(file_names(ctx).await?.iter().all(|n| n != "one.py"))
        })
        .await?;
        create_file(ctx, "two.js").await?;
        saved(ctx).await?;
        open_app(ctx).await?;
        let names = file_names(ctx).await?;
        if !names.iter().any(|n| n == "two.js") || names.iter().any(|n| n == "one.py") {
            return Err(format!(
                "after a reload the open session's files are {names:?}"
            ));
        }
        open_sessions(ctx).await?;
        let listed = sessions_listed(ctx).await?;
        if listed.len() != 2 || listed[1].0 != "First" || !listed[0].1 {
            return Err(format!(
                "expected the new session (open) above \"First\", got {listed:?}"
            ));
        }
        click(ctx, "button[aria-label='Open First']").await?;
        wait_for(ctx, "the first session's files", || async {
            Ok(file_names(ctx).await?.iter().any(|n| n == "one.py"))
        })
        .await?;
        Ok(Verdict::Pass(format!(
            "two sessions kept across a reload: {:?}",
            listed.iter().map(|l| &l.0).collect::<Vec<_>>()
        )))
    })
}

/// Rename a session, then find sessions by title and by a file's content.
fn sessions_rename_search(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        open_sessions(ctx).await?;
        rename_current(ctx, "Fizz project").await?;
        click(ctx, "button.new-session").await?;
        wait_for(ctx, "the dialog to close", || async {
            Ok(ctx
                .eval(
                    "return document.querySelector('.dialog') === null;",
                    Vec::new(),
                )
                .await?
                .as_bool()
                == Some(true))
        })
        .await?;
        create_file(ctx, "needle.py").await?;
        type_code(ctx, "print('haystack')").await?;
        saved(ctx).await?;
        open_sessions(ctx).await?;
        let search = find(ctx, "#session-search").await?;
        search.send_keys("HAYSTACK").await.map_err(webdriver)?;
        wait_for(ctx, "the content search", || async {
            let listed = sessions_listed(ctx).await?;
            Ok(listed.len() == 1 && listed[0].1 && listed[0].2.contains("needle.py"))
        })
        .await?;
        // Select the query and type over it (WebKit's clear() fires no input event).
        let select_all = if ctx.is_mac().await {
            Key::Command
        } else {
            Key::Control
        };
        search
            .send_keys(select_all + "a")
            .await
            .map_err(webdriver)?;
        search.send_keys("fizz").await.map_err(webdriver)?;
        wait_for(ctx, "the title search", || async {
            let listed = titles(ctx).await?;
            if listed == ["Fizz project"] {
                return Ok(true);
            }
            let query = search.value().await.map_err(webdriver)?;
            Err(format!("{listed:?} listed for the query {query:?}"))
        })
        .await?;
        Ok(Verdict::Pass(
            "renamed; \"HAYSTACK\" found the session by its file, \"fizz\" by its title".to_owned(),
        ))
    })
}

/// Duplicate a session, delete the copy, undo; the copy is back after a reload.
fn sessions_delete_undo(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        open_sessions(ctx).await?;
        rename_current(ctx, "Keep").await?;
        click(ctx, "button[aria-label='Duplicate Keep']").await?;
        wait_for(ctx, "the copy", || async {
            Ok(titles(ctx).await?.iter().any(|t| t == "Keep (copy)"))
        })
        .await?;
        click(ctx, "button[aria-label='Delete Keep (copy)']").await?;
        wait_for(ctx, "the copy deleted", || async {
            Ok(titles(ctx).await? == ["Keep"])
        })
        .await?;
        click(ctx, ".notice button.undo").await?;
        wait_for(ctx, "the copy restored", || async {
            Ok(titles(ctx).await?.iter().any(|t| t == "Keep (copy)"))
        })
        .await?;
        open_app(ctx).await?;
        open_sessions(ctx).await?;
        let after = titles(ctx).await?;
        if after.len() != 2 || !after.iter().any(|t| t == "Keep (copy)") {
            return Err(format!("after a reload the sessions are {after:?}"));
        }
        Ok(Verdict::Pass(format!(
            "deleted, undone, kept across a reload: {after:?}"
        )))
    })
}

/// Export one session (the download captured in the page), import the file: the copy appears
/// beside the original with its files.
fn sessions_export_import(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        create_file(ctx, "exported.py").await?;
        saved(ctx).await?;
        open_sessions(ctx).await?;
        rename_current(ctx, "Original").await?;
        // Downloads go through a blob URL and an <a download> click: keep the blob's text
        // instead (the page's policy allows no fetch of blob: URLs).
        ctx.eval(
            "window.kilnExports = [];\n\
             const blobs = new Map();\n\
             const create = URL.createObjectURL;\n\
             URL.createObjectURL = (blob) => { const url = create.call(URL, blob); blobs.set(url, blob); return url; };\n\
             const click = HTMLAnchorElement.prototype.click;\n\
             HTMLAnchorElement.prototype.click = function () {\n\
               const blob = blobs.get(this.href);\n\
               if (!this.download || !blob) return click.call(this);\n\
               const name = this.download;\n\
               window.kilnExports.push(blob.text().then((text) => ({ name, text })));\n\
             };",
            Vec::new(),
        )
        .await?;
        click(ctx, "button[aria-label='Export Original']").await?;
        wait_for(ctx, "the export", || async {
            Ok(ctx
                .eval("return window.kilnExports.length;", Vec::new())
                .await?
                .as_u64()
                == Some(1))
        })
        .await?;
        let export = ctx
            .eval("return await window.kilnExports[0];", Vec::new())
            .await?;
        let name = export["name"].as_str().unwrap_or("").to_owned();
        let text = export["text"].as_str().unwrap_or("").to_owned();
        let parsed: Value = serde_json::from_str(&text)
            .map_err(|e| format!("the export {name} is not JSON: {e}"))?;
        if parsed["format"] != "kiln-session" || !text.contains("exported.py") {
            return Err(format!(
                "the export {name} is not a session file: {text:.300}"
            ));
        }
        let path = std::env::temp_dir().join(format!("kiln-e2e-{}-{name}", std::process::id()));
        std::fs::write(&path, &text)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        find(ctx, ".import input[type=file]")
            .await?
            .send_keys(path.to_string_lossy().as_ref())
            .await
            .map_err(|e| format!("importing {}: {e}", path.display()))?;
        wait_for(ctx, "the imported copy", || async {
            Ok(titles(ctx).await? == ["Original", "Original"])
        })
        .await?;
        let notice = text_of(ctx, ".notice").await?;
        let ids = ctx
            .eval(
                "return [...document.querySelectorAll('.session-list .session')].map((li) => li.dataset.session);",
                Vec::new(),
            )
            .await?;
        if ids[0] == ids[1] {
            return Err(format!("the import reused the id: {ids}"));
        }
        click(ctx, ".session:not(.current) .session-open").await?;
        wait_for(ctx, "the imported session open", || async {
            Ok(file_names(ctx).await?.iter().any(|n| n == "exported.py")
                && ctx
                    .eval(
                        "return document.querySelector('.dialog') === null;",
                        Vec::new(),
                    )
                    .await?
                    .as_bool()
                    == Some(true))
        })
        .await?;
        let _ = std::fs::remove_file(&path);
        Ok(Verdict::Pass(format!(
            "exported {name} ({} bytes), imported beside the original with ids {ids}: {notice}",
            text.len()
        )))
    })
}

/// A workspace the previous version kept in `localStorage` becomes a session; the old key goes.
fn sessions_migration(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        clear_storage(ctx).await?;
        let old = json!({
            "version": 1,
            "workspace": {
                "files": [
                    {"path": "legacy.js", "content": {"text": "console.log('legacy');\n"}},
                    {"path": "notes.txt", "content": {"text": "kept\n"}}
                ],
                "open": "legacy.js"
            },
            "theme": "system"
        });
        ctx.eval(
            "localStorage.setItem(args[0], args[1]);",
            vec![json!(LEGACY_KEY), json!(old.to_string())],
        )
        .await?;
        open_app(ctx).await?;
        wait_for(ctx, "the old workspace", || async {
            let names = file_names(ctx).await?;
            Ok(names == ["legacy.js", "notes.txt"])
        })
        .await?;
        let key = ctx
            .eval(
                "return localStorage.getItem(args[0]);",
                vec![json!(LEGACY_KEY)],
            )
            .await?;
        if !key.is_null() {
            return Err("the old localStorage key is still there".to_owned());
        }
        open_app(ctx).await?;
        let names = file_names(ctx).await?;
        if names != ["legacy.js", "notes.txt"] {
            return Err(format!("after a reload the files are {names:?}"));
        }
        let (status, output) = run_and_wait(ctx, false).await?;
        if output != "legacy\n" {
            return Err(format!("the moved program printed {output:?} ({status})"));
        }
        open_sessions(ctx).await?;
        let listed = titles(ctx).await?;
        if listed != ["Workspace from before"] {
            return Err(format!("the sessions are {listed:?}"));
        }
        Ok(Verdict::Pass(format!(
            "moved into the session {listed:?}, key removed, kept across a reload, ran: {status}"
        )))
    })
}

/// The settings dialog shows the storage estimate and answers "Keep my work on this device".
fn settings_storage(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        click(ctx, "button.settings-button").await?;
        wait_for(ctx, "the storage estimate", || async {
            Ok(!text_of(ctx, ".storage-used")
                .await?
                .starts_with("Measuring"))
        })
        .await?;
        let used = text_of(ctx, ".storage-used").await?;
        click(ctx, "button.persist").await?;
        let asked =
            "return document.querySelector('.persist-result[data-asked]')?.textContent ?? null;";
        let deadline = Instant::now() + Duration::from_secs(15);
        let result = loop {
            if let Some(text) = ctx.eval(asked, Vec::new()).await?.as_str() {
                break text.to_owned();
            }
            if Instant::now() > deadline {
                // Firefox asks the user with a door hanger that WebDriver cannot answer.
                let firefox = ctx
                    .eval(
                        "return navigator.userAgent.includes('Firefox');",
                        Vec::new(),
                    )
                    .await?
                    .as_bool()
                    == Some(true);
                if firefox {
                    break "no answer yet: Firefox is asking the user".to_owned();
                }
                let direct = ctx
                    .eval(
                        "return await Promise.race([navigator.storage.persist().then(String), \n\
                           new Promise((r) => setTimeout(() => r('no answer in 3 s'), 3000))]);",
                        Vec::new(),
                    )
                    .await;
                return Err(format!(
                    "\"Keep my work on this device\" got no answer in 15 s (persist() directly: {direct:?}; shown: {:?})",
                    text_of(ctx, ".persist-result").await
                ));
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        close_dialog(ctx).await?;
        Ok(Verdict::Pass(format!("{used} / {result}")))
    })
}

/// A rename in a second tab reaches the first tab's open sessions list and title (through the
/// `BroadcastChannel`), without a reload.
fn sessions_two_tabs(ctx: &Ctx) -> CaseFuture<'_> {
    Box::pin(async move {
        fresh_app(ctx).await?;
        open_sessions(ctx).await?;
        rename_current(ctx, "Tab A").await?;
        let first = ctx.driver.window().await.map_err(webdriver)?;
        let second = ctx.driver.new_tab().await.map_err(webdriver)?;
        ctx.driver
            .switch_to_window(second)
            .await
            .map_err(webdriver)?;
        let in_second = async {
            open_app(ctx).await?;
            open_sessions(ctx).await?;
            rename_current(ctx, "Renamed in B").await
        }
        .await;
        let closed = ctx.driver.close_window().await.map_err(webdriver);
        ctx.driver
            .switch_to_window(first)
            .await
            .map_err(webdriver)?;
        in_second?;
        closed?;
        wait_for(ctx, "the first tab to hear of the rename", || async {
            let title = ctx
                .eval(
                    "return document.querySelector('button.sessions-button')?.title ?? '';",
                    Vec::new(),
                )
                .await?;
            Ok(titles(ctx).await? == ["Renamed in B"]
                && title.as_str() == Some("Sessions (open: Renamed in B)"))
        })
        .await?;
        Ok(Verdict::Pass(
            "renamed in a second tab; the first tab's list and title followed without a reload"
                .to_owned(),
        ))
    })
}

// The app's editor interop: a thin layer over the CodeMirror bundle (editor/editor.js, the same
// one the <kiln-run> cell uses) that kiln-app's Yew editor component drives. One editor per app;
// opening a file of another language rebuilds it with that language's grammar.
import { createEditor, grammar } from "./editor/editor.js";

const NAMES = { python: "Python", js: "JavaScript", wasm: "WebAssembly" };

/**
 * Mounts an editor in `parent`: `{doc, language, onRun, onChange(text)}` → a handle with
 * `setDoc(doc, language)`, `code()`, `showLine(n)`, `focus()` and `destroy()`.
 */
export async function mount(parent, { doc, language, onRun, onChange }) {
  let editor = null;
  let current = null;
  let building = Promise.resolve();
  const label = (lang) => `${NAMES[lang] ?? "Text"} code (Ctrl+Enter or Cmd+Enter runs it)`;

  async function build(text, lang) {
    const g = NAMES[lang] ? await grammar(lang) : [];
    editor?.view.destroy();
    parent.replaceChildren();
    current = lang;
    editor = createEditor(parent, {
      root: document, doc: text, grammar: g, language: lang, editable: true, label: label(lang),
      onRun: () => onRun?.(),
      onChange: () => onChange?.(editor.code),
    });
  }

  await build(doc, language);
  return {
    /** Shows `doc` (a file just opened): rebuilds the editor when the language changes. */
    setDoc(text, lang) {
      building = building.then(() => {
        if (lang !== current) return build(text, lang);
        if (editor.code !== text) {
          editor.view.dispatch({ changes: { from: 0, to: editor.view.state.doc.length, insert: String(text) } });
        }
      });
      return building;
    },
    code: () => editor.code,
    showLine: (n) => building.then(() => editor.showLine(n)),
    focus: () => editor.focus(),
    destroy: () => editor?.view.destroy(),
  };
}

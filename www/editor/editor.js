// The cell's editor: CodeMirror 6, bundled by `cargo xtask build` (esbuild) into dist/editor.js and
// loaded by cell.js only when a page has cells. Colours come from CSS classes (`tok-*`, styled in
// cell.css with custom properties), so the page's theme and the cell's `theme` attribute apply.
import { EditorState, StateEffect, StateField, Compartment } from "@codemirror/state";
import { EditorView, Decoration, keymap, lineNumbers, drawSelection, highlightActiveLine } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { syntaxHighlighting, indentOnInput, bracketMatching, StreamLanguage, indentUnit } from "@codemirror/language";
import { classHighlighter } from "@lezer/highlight";

// Each language's grammar is its own chunk, loaded when a cell of that language appears.
const grammars = {
  python: () => import("@codemirror/lang-python").then((m) => m.python()),
  js: () => import("@codemirror/lang-javascript").then((m) => m.javascript()),
  wasm: () => import("@codemirror/legacy-modes/mode/wast").then((m) => StreamLanguage.define(m.wast)),
};

// The line an error points at, highlighted until the code changes.
const markLine = StateEffect.define();
const marked = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    if (tr.docChanged) value = Decoration.none;
    for (const e of tr.effects) {
      if (e.is(markLine)) {
        value = e.value == null ? Decoration.none
          : Decoration.set([Decoration.line({ class: "kiln-error-line" }).range(e.value)]);
      }
    }
    return value;
  },
  provide: (f) => EditorView.decorations.from(f),
});

/** Loads a language's grammar ("python", "js" or "wasm") for createEditor. */
export const grammar = (language) => (grammars[language] ?? grammars.js)();

/**
 * An editor in `parent` (inside `root`, a shadow root or the document):
 * `{doc, grammar, editable, label, onRun, onChange}`. Returns `{code (get/set), showLine(n), focus(), view}`.
 */
export function createEditor(parent, { root, doc, grammar, language, editable, label, onRun, onChange }) {
  const editing = new Compartment();
  const view = new EditorView({
    parent,
    root,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        indentOnInput(),
        bracketMatching(),
        indentUnit.of(language === "python" ? "    " : "  "),
        syntaxHighlighting(classHighlighter),
        grammar,
        marked,
        editing.of([EditorView.editable.of(editable), EditorState.readOnly.of(!editable), editable ? highlightActiveLine() : []]),
        keymap.of([
          { key: "Mod-Enter", run: () => (onRun?.(), true) },
          ...(editable ? [indentWithTab] : []),
          ...defaultKeymap,
          ...historyKeymap,
        ]),
        EditorView.contentAttributes.of({ "aria-label": label, spellcheck: "false", autocapitalize: "off", autocorrect: "off" }),
        EditorView.updateListener.of((u) => u.docChanged && onChange?.()),
      ],
    }),
  });
  return {
    view,
    get code() {
      return view.state.doc.toString();
    },
    set code(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: String(text) } });
    },
    /** Puts the caret on line `n` (1-based), highlights it and scrolls it into view. */
    showLine(n) {
      const doc = view.state.doc;
      const line = doc.line(Math.min(Math.max(1, n), doc.lines));
      view.dispatch({ selection: { anchor: line.from }, effects: [markLine.of(line.from), EditorView.scrollIntoView(line.from, { y: "center" })] });
      view.focus();
    },
    focus: () => view.focus(),
  };
}

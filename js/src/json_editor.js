// The web sandbox's code editors: an anywidget front end around CodeMirror 6, for the JSON body
// (sandbox/widgets/editor.py, JsonEditor) and for a search query (sandbox/widgets/query_editor.py,
// QueryEditor).
//
// The model holds:
//   value        the text, both ways (every edit is sent; a change from Python replaces the text);
//   marks        [{from, to, message, kind}] ranges in UTF-16 offsets of the text, computed by
//                Python: an error's source.pointer, a parse error, a query's syntax error;
//   placeholder  shown while the text is empty;
//   language     "json" (the default, also when the model has no such trait) or "search" (Oro's
//                search query language: its words coloured, no line numbers, a shorter box);
//   completions  [{label, type, detail}] offered as one types (the search fields and the
//                language's words); none for JSON.
// A search editor runs its query on Ctrl/Cmd+Enter: it sends {event: "run", value} (the text with
// it: the value's own updates may still be on their way) and keeps the key from the page's
// shortcut (class oro-own-keys, see sandbox/widgets/shortcuts.py).
// A mark is drawn as an underlined, tinted range with its message as a tooltip, its lines tinted;
// new marks scroll the first one into view. Should CodeMirror fail to start, a plain textarea
// takes its place and says so.
//
// Built by `make editor` (esbuild) into sandbox/widgets/static/json_editor.js: one ES module,
// nothing fetched at run time.

import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { json } from "@codemirror/lang-json";
import {
  HighlightStyle,
  StreamLanguage,
  bracketMatching,
  foldGutter,
  foldKeymap,
  indentOnInput,
  syntaxHighlighting,
} from "@codemirror/language";
import { highlightSelectionMatches, searchKeymap } from "@codemirror/search";
import { tags } from "@lezer/highlight";
import { Annotation, EditorState, Prec, StateEffect, StateField } from "@codemirror/state";
import {
  Decoration,
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  keymap,
  lineNumbers,
  placeholder,
  WidgetType,
} from "@codemirror/view";

const fromModel = Annotation.define(); // a change that came from Python: not sent back
const setMarks = StateEffect.define();

// an empty mark (an error at the end of the text): a small red block where it is
class Caret extends WidgetType {
  constructor(message) {
    super();
    this.message = message;
  }
  eq(other) {
    return other.message === this.message;
  }
  toDOM() {
    const caret = document.createElement("span");
    caret.className = "oro-cm-caret";
    caret.title = this.message;
    caret.textContent = "\u2002";
    return caret;
  }
}

function decorations(doc, marks) {
  const ranges = [];
  for (const mark of marks || []) {
    const from = Math.max(0, Math.min(doc.length, mark.from | 0));
    const to = Math.max(from, Math.min(doc.length, mark.to | 0));
    const kind = mark.kind === "parse" ? "oro-cm-parse" : "oro-cm-error";
    const attributes = { title: mark.message || "" };
    if (to > from) {
      ranges.push(Decoration.mark({ class: `oro-cm-mark ${kind}`, attributes }).range(from, to));
    } else {
      ranges.push(Decoration.widget({ widget: new Caret(attributes.title), side: 1 }).range(from));
    }
    // the lines tinted too: an empty range (a parse error at the end) still shows where
    const last = doc.lineAt(to).number;
    for (let number = doc.lineAt(from).number; number <= last; number++) {
      const line = doc.line(number);
      ranges.push(Decoration.line({ class: `oro-cm-line ${kind}-line`, attributes }).range(line.from));
    }
  }
  return Decoration.set(ranges, true);
}

const markField = StateField.define({
  create: () => Decoration.none,
  update(value, tr) {
    let next = value.map(tr.changes);
    for (const effect of tr.effects) {
      if (effect.is(setMarks)) next = decorations(tr.state.doc, effect.value);
    }
    return next;
  },
  provide: (field) => EditorView.decorations.from(field),
});

// JSON's (and a query's) parts in JupyterLab's code colours (its CSS variables where the page has
// them)
const jsonColours = HighlightStyle.define([
  { tag: [tags.propertyName, tags.variableName], color: "var(--jp-mirror-editor-property-color, #05a)" },
  { tag: tags.string, color: "var(--jp-mirror-editor-string-color, #a11)" },
  { tag: tags.number, color: "var(--jp-mirror-editor-number-color, #080)" },
  { tag: [tags.bool, tags.null, tags.keyword], color: "var(--jp-mirror-editor-keyword-color, #708)" },
  { tag: tags.operator, color: "var(--jp-mirror-editor-operator-color, #aa22ff)", fontWeight: "bold" },
  { tag: tags.typeName, color: "var(--jp-mirror-editor-builtin-color, #008000)" },
  { tag: tags.invalid, color: "#f00" },
]);

// Oro's search query language (sandbox/search.py and the server parse it; this only colours):
// `field operator value`, and/or, brackets, quoted strings; the legacy keywords and types too
const WORDS = new Set(
  ("and or in !in like notlike starts_with exists notexists select from where aggregate " +
    "order_by offset max_results as asc desc count sum avg min max").split(" "),
);
const TYPES = new Set("text integer decimal datetime float double".split(" "));
const searchLanguage = StreamLanguage.define({
  name: "oro-search",
  token(stream) {
    if (stream.eatSpace()) return null;
    if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'(?:[^'\\]|\\.)*'?/)) {
      return "string";
    }
    if (stream.match(/^!in\b/i)) return "keyword";
    if (stream.match(/^(?:!~|!=|>=|<=|[~=<>])/)) return "operator";
    if (stream.match(/^[(),]/)) return "punctuation";
    if (stream.match(/^-?\d+(?:\.\d+)?(?![^\s(),"'=<>~!])/)) return "number";
    if (stream.match(/^[^\s(),"'=<>~!]+/)) {
      const word = stream.current().toLowerCase();
      if (WORDS.has(word)) return "keyword";
      return TYPES.has(word.split(".")[0]) && word.includes(".") ? "typeName" : "variableName";
    }
    stream.next();
    return "invalid";
  },
});

// what the model offers as one types: [{label, type, detail}]
function completionSource(model) {
  return (context) => {
    const word = context.matchBefore(/[\w.!]*/);
    if (!word || (word.from === word.to && !context.explicit)) return null;
    return { from: word.from, options: model.get("completions") || [], validFor: /^[\w.!]*$/ };
  };
}

function languageExtensions(model) {
  if (model.get("language") === "search") {
    const run = (view) => {
      model.send({ event: "run", value: view.state.doc.toString() });
      return true;
    };
    return [
      searchLanguage,
      Prec.highest(keymap.of([{ key: "Mod-Enter", run, preventDefault: true }])),
      autocompletion({ override: [completionSource(model)], activateOnTyping: true }),
      keymap.of(completionKeymap),
      Prec.highest(
        EditorView.theme({
          ".cm-scroller": { minHeight: "3.4rem", maxHeight: "12rem" },
          ".cm-content": { minHeight: "3.4rem" },
        }),
      ),
    ];
  }
  return [lineNumbers(), highlightActiveLineGutter(), foldGutter(), json()];
}

// "&.cm-editor": above JupyterLab's own ".cm-editor" rules (no border, its font size)
const theme = EditorView.theme({
  "&.cm-editor": {
    fontSize: "12px",
    border: "1px solid var(--jp-border-color1, #bdbdbd)",
    borderRadius: "2px",
    background: "var(--jp-layout-color0, #fff)",
  },
  "&.cm-editor.cm-focused": { outline: "1px solid var(--jp-brand-color1, #1976d2)" },
  ".cm-scroller": {
    fontFamily: "ui-monospace, Menlo, Consolas, monospace",
    lineHeight: "1.4",
    minHeight: "10rem",
    maxHeight: "26rem",
    overflow: "auto",
  },
  ".cm-content": { minHeight: "10rem" },
  ".oro-cm-mark": { textDecoration: "underline wavy #c62828", textUnderlineOffset: "3px" },
  ".oro-cm-error": { background: "#ffe3e3" },
  ".oro-cm-parse": { background: "#ffd6d6" },
  ".oro-cm-line": { background: "#fff5f5" },
  ".oro-cm-caret": {
    background: "#ffd6d6",
    borderBottom: "2px solid #c62828",
    margin: "0 1px",
  },
  ".cm-gutters": { background: "var(--jp-layout-color2, #f5f5f5)", borderRight: "none" },
});

function fallback(el, model, error) {
  // a plain textarea, in sync with the model, and a note saying why
  const note = document.createElement("div");
  note.className = "oro-json-fallback-note";
  note.textContent =
    "The code editor could not start here; plain text editing instead (no highlighting, " +
    `no marks). ${error && error.message ? error.message : ""}`;
  note.style.color = "#8a4b00";
  const area = document.createElement("textarea");
  area.className = "oro-json-fallback";
  area.spellcheck = false;
  area.value = model.get("value");
  area.placeholder = model.get("placeholder") || "";
  Object.assign(area.style, {
    width: "100%",
    minHeight: "14rem",
    fontFamily: "ui-monospace, Menlo, Consolas, monospace",
    fontSize: "12px",
    lineHeight: "1.4",
    boxSizing: "border-box",
  });
  area.addEventListener("input", () => {
    model.set("value", area.value);
    model.save_changes();
  });
  const onValue = () => {
    if (area.value !== model.get("value")) area.value = model.get("value");
  };
  model.on("change:value", onValue);
  el.replaceChildren(note, area);
  return () => model.off("change:value", onValue);
}

function render({ model, el }) {
  el.classList.add("oro-json-editor");
  if (model.get("language") === "search") el.classList.add("oro-own-keys");
  let view;
  try {
    if (window.__oroEditorFails) throw new Error(String(window.__oroEditorFails));
    view = new EditorView({
      parent: el,
      state: EditorState.create({
        doc: model.get("value"),
        extensions: [
          languageExtensions(model),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          closeBrackets(),
          highlightActiveLine(),
          highlightSelectionMatches(),
          syntaxHighlighting(jsonColours),
          placeholder(model.get("placeholder") || ""),
          EditorState.tabSize.of(2),
          EditorView.lineWrapping,
          keymap.of([
            ...closeBracketsKeymap,
            ...defaultKeymap,
            ...searchKeymap,
            ...historyKeymap,
            ...foldKeymap,
            indentWithTab,
          ]),
          markField,
          theme,
          EditorView.updateListener.of((update) => {
            if (!update.docChanged) return;
            if (update.transactions.some((tr) => tr.annotation(fromModel))) return;
            model.set("value", update.state.doc.toString());
            model.save_changes();
          }),
        ],
      }),
    });
  } catch (error) {
    return fallback(el, model, error);
  }

  const showMarks = () => {
    const marks = model.get("marks") || [];
    view.dispatch({ effects: setMarks.of(marks) });
    if (marks.length) {
      const at = Math.min(view.state.doc.length, marks[0].from | 0);
      view.dispatch({ effects: EditorView.scrollIntoView(at, { y: "center" }) });
    }
  };
  const onValue = () => {
    const text = model.get("value");
    if (text === view.state.doc.toString()) return;
    view.dispatch({
      changes: { from: 0, to: view.state.doc.length, insert: text },
      annotations: fromModel.of(true),
    });
    showMarks(); // the marks were computed for this text
  };
  model.on("change:value", onValue);
  model.on("change:marks", showMarks);
  showMarks();
  return () => {
    model.off("change:value", onValue);
    model.off("change:marks", showMarks);
    view.destroy();
  };
}

export default { render };

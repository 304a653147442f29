// The policy editor: CodeMirror 6 over every `textarea[data-policy-editor]`.
//
// Progressive enhancement: without JavaScript (or until this loads) the plain textarea works.
// With it, the textarea is hidden but stays the form's field: every change is copied into it
// and announced with an `input` event, so htmx's live updates fire exactly as they did.
//
// The page's CSP allows no inline style; CodeMirror mounts its stylesheet in a <style> element,
// so it carries the per-response nonce the server put on this script (`data-style-nonce`).

import { EditorSelection, EditorState } from "@codemirror/state";
import {
  EditorView,
  drawSelection,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  keymap,
  lineNumbers,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import {
  HighlightStyle,
  bracketMatching,
  indentOnInput,
  syntaxHighlighting,
  syntaxTree,
} from "@codemirror/language";
import { json } from "@codemirror/lang-json";
import {
  autocompletion,
  closeBrackets,
  closeBracketsKeymap,
  completionKeymap,
} from "@codemirror/autocomplete";
import { forceLinting, linter, lintGutter, lintKeymap, setDiagnostics } from "@codemirror/lint";
import { tags } from "@lezer/highlight";

import { formatJson } from "./format.js";
import { completionPlace } from "./place.js";

const script = document.currentScript;
const config = {
  nonce: (script && script.dataset.styleNonce) || "",
  actionsUrl: script && script.dataset.actionsUrl,
  keysUrl: script && script.dataset.conditionKeysUrl,
  operatorsUrl: script && script.dataset.operatorsUrl,
  findingsUrl: script && script.dataset.findingsUrl,
};

const HINT = "Press Escape then Tab to leave the editor. Suggestions appear as you type; Control+Space asks for them.";
// Said after Escape, for as long as it is true: CodeMirror's window for Tab to leave the editor
// (@codemirror/view: two seconds, closed early by any key but a modifier).
const TAB_LEAVES = "Tab now leaves the editor.";
const TAB_LEAVES_MS = 2000;
const MODIFIER_KEYS = new Set(["Shift", "Control", "Alt", "AltGraph", "Meta", "CapsLock", "OS"]);

// Colours come from the site's palette: --code-* when a palette sets them, else the site's
// general colours (--card, --ink, --brand, …), so a dark palette that redefines those keeps the
// editor readable without touching this file.
const highlight = HighlightStyle.define([
  { tag: tags.propertyName, color: "var(--code-key, var(--brand, #1d4f7a))" },
  { tag: tags.string, color: "var(--code-string, var(--allow, #1f6b33))" },
  { tag: tags.number, color: "var(--code-number, #8a3b00)" },
  { tag: [tags.bool, tags.null], color: "var(--code-literal, #6b2d7a)" },
  { tag: tags.invalid, color: "var(--deny, #a3211b)" },
]);

const theme = EditorView.theme({
  "&": {
    backgroundColor: "var(--code-bg, var(--card, #fff))",
    color: "var(--code-ink, var(--ink, #1b2430))",
    border: "1px solid var(--code-border, #9aa3ae)",
    borderRadius: "6px",
    fontSize: ".9rem",
    maxHeight: "36rem",
  },
  ".cm-content, .cm-gutter": { minHeight: "6.5em" }, // an empty editor is still a place to click
  "&.cm-focused": { outline: "3px solid var(--focus, #c45a00)", outlineOffset: "2px" },
  ".cm-scroller": {
    fontFamily: 'ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace',
    lineHeight: "1.45",
    overflow: "auto",
  },
  ".cm-gutters": {
    backgroundColor: "var(--code-gutter, var(--paper, #f4f2ee))",
    color: "var(--ink-soft, #4a5566)",
    borderRight: "1px solid var(--line, #dcd9d2)",
  },
  ".cm-activeLineGutter": { backgroundColor: "var(--code-active-gutter, #e6e2da)" },
  ".cm-activeLine": { backgroundColor: "var(--code-active-line, rgba(29, 79, 122, .06))" },
  // Ten options at a time, none hidden behind a scrollbar: arrow keys page through the rest
  // (a scrolling list no key can reach would be one more thing to explain).
  ".cm-tooltip.cm-tooltip-autocomplete > ul": { maxHeight: "none" },
  ".cm-tooltip-autocomplete ul li[aria-selected]": {
    backgroundColor: "var(--brand, #1d4f7a)",
    color: "#fff",
  },
});

// --- talking to the server -----------------------------------------------------------------

async function getText(url) {
  const response = await fetch(url, { credentials: "same-origin" });
  if (!response.ok) throw new Error(`${response.status}`);
  return response.text();
}

async function actionOptions(typed) {
  if (!config.actionsUrl || !typed) return [];
  // The sandbox's own suggestions endpoint answers with a <datalist>; read its options.
  const html = await getText(`${config.actionsUrl}?action=${encodeURIComponent(typed)}`);
  const doc = new DOMParser().parseFromString(html, "text/html");
  return Array.from(doc.querySelectorAll("option"), (o) => o.value).filter(Boolean);
}

const keyCache = new Map();
async function conditionKeys(actions) {
  if (!config.keysUrl) return [];
  const query = actions.slice(0, 20).map((a) => `action=${encodeURIComponent(a)}`).join("&");
  if (!keyCache.has(query)) {
    const found = getText(`${config.keysUrl}?${query}`).then((t) => JSON.parse(t).keys);
    found.catch(() => keyCache.delete(query));
    keyCache.set(query, found);
  }
  return keyCache.get(query);
}

let operatorList = null;
function conditionOperators() {
  if (!config.operatorsUrl) return Promise.resolve([]);
  if (!operatorList) {
    operatorList = getText(config.operatorsUrl).then((t) => JSON.parse(t).operators);
    operatorList.catch(() => (operatorList = null));
  }
  return operatorList;
}

async function policyCompletions(context) {
  const place = completionPlace(context.state, context.pos);
  if (!place) return null;
  if (!context.explicit && place.typed === "" && place.kind === "action") return null;
  let options = [];
  try {
    if (place.kind === "action") {
      options = (await actionOptions(place.typed)).map((label) => ({ label, type: "function" }));
    } else if (place.kind === "key") {
      options = (await conditionKeys(place.actions)).map((label) => ({
        label,
        type: "property",
        detail: label.startsWith("aws:") ? "global" : undefined,
      }));
    } else if (place.kind === "operator") {
      options = (await conditionOperators()).map((label) => ({ label, type: "keyword" }));
    }
  } catch (error) {
    return null; // offline or refused: the editor works without suggestions
  }
  if (context.aborted || !options.length) return null;
  return { from: place.from, to: place.to, options, filter: place.kind !== "action" };
}

// --- findings as diagnostics -------------------------------------------------------------

const SEVERITY = { error: "error", warning: "warning", suggestion: "info" };

/** A finding's 1-based line and column as a range: the JSON token that starts there. */
function findingRange(state, line, column) {
  const doc = state.doc;
  const row = doc.line(Math.min(Math.max(line, 1), doc.lines));
  const from = row.from + Math.min(Math.max((column || 1) - 1, 0), row.length);
  let node = syntaxTree(state).resolveInner(from, 1);
  while (node.parent && node.from === from && node.parent.from === from && node.name !== "String"
         && node.name !== "PropertyName" && node.parent.name !== "JsonText") {
    node = node.parent;
  }
  let to = node.from === from && node.to > from ? node.to : from + 1;
  if (to > row.to) to = Math.max(row.to, from);
  return { from, to };
}

function diagnosticsFrom(state, container) {
  if (!container) return [];
  const found = [];
  for (const note of container.querySelectorAll("[data-line]")) {
    const severity = SEVERITY[note.dataset.severity];
    if (!severity) continue;
    const line = parseInt(note.dataset.line, 10);
    if (!(line > 0)) continue;
    const { from, to } = findingRange(state, line, parseInt(note.dataset.column, 10));
    const text = note.querySelector(".note-message") || note;
    found.push({ from, to, severity, message: text.textContent.trim().replace(/\s+/g, " ") });
  }
  return found;
}

function csrfToken() {
  try {
    return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  } catch (error) {
    return "";
  }
}

/**
 * Outside the sandbox no live result lists the findings: ask the server for them after a pause.
 * A refusal (a policy too long to check, too many checks at once) comes back as
 * `{findings: [], message}`: its message is shown where findings appear, on the first line, and
 * `report` says it in the editor's status line, so a refused check never looks like a policy
 * without findings. `report("")` when findings came back.
 */
function serverFindings(report) {
  let retry = 0;
  return linter(async (view) => {
    const state = view.state;
    const text = state.doc.toString();
    if (!config.findingsUrl || !text.trim()) {
      report("");
      return [];
    }
    let response;
    let data = null;
    try {
      response = await fetch(config.findingsUrl, {
        method: "POST",
        body: new URLSearchParams({ policy: text }),
        headers: { "X-CSRFToken": csrfToken() },
        credentials: "same-origin",
      });
      data = await response.json().catch(() => null);
    } catch (error) {
      return []; // offline: the editor works without findings
    }
    if (response.ok && data && Array.isArray(data.findings)) {
      report("");
      return data.findings.map((f) => ({
        ...findingRange(state, f.line, f.column),
        severity: SEVERITY[f.severity] || "info",
        message: f.message,
      }));
    }
    const message = (data && typeof data.message === "string" && data.message)
      || `Findings could not be checked: the server answered ${response.status}. Reload the page to try again.`;
    report(message);
    if (data && data.retry_after > 0) { // asked to wait: check again then, typed or not
      window.clearTimeout(retry);
      retry = window.setTimeout(() => forceLinting(view), data.retry_after * 1000);
    }
    return [{ ...findingRange(state, 1, 1), severity: "warning", message }];
  }, { delay: 700 });
}

function showFindings(textarea) {
  const view = textarea.policyEditor;
  const id = textarea.dataset.policyFindings;
  if (!view || !id) return;
  view.dispatch(setDiagnostics(view.state, diagnosticsFrom(view.state, document.getElementById(id))));
}

// --- the editor itself -------------------------------------------------------------------

/**
 * Text typed over a selection that spans lines, or text of several lines, applied by CodeMirror
 * rather than the browser. CodeMirror lets the browser type into the page and reads the change
 * back; joining or splitting lines, Chromium's editing writes a `style` attribute to keep the
 * moved text's look, which the page's CSP refuses (a console error and a
 * `securitypolicyviolation` event; CodeMirror then redraws). So that input is taken over here:
 * the editor's input handlers first (closeBrackets wrapping the selection), as for any typed
 * text, else a plain replace. A composition is left alone: CodeMirror itself deletes such a
 * selection when one starts over it.
 *
 * The range replaced is the browser's selection, the one the page shows and the browser was
 * about to replace: a selection made just before, by a script or on a busy machine, may not
 * have reached the editor's state yet (CodeMirror reads it on `selectionchange`, which waits
 * behind input). (Chromium gives no target range for typed text to read instead.)
 */
function typeOverLines(event, view) {
  if (event.inputType !== "insertText" || !event.data || view.composing) return false;
  const target = browserSelection(view);
  if (target && !view.state.selection.main.eq(target)) view.dispatch({ selection: target });
  const { state } = view;
  const spansLines = (r) => state.doc.lineAt(r.from).number !== state.doc.lineAt(r.to).number;
  if (!event.data.includes("\n") && !state.selection.ranges.some(spansLines)) return false;
  if (state.readOnly) return true; // no edit, as CodeMirror would have ended up
  const { from, to } = state.selection.main;
  const insert = () => state.update(state.replaceSelection(event.data), { userEvent: "input.type", scrollIntoView: true });
  if (!state.facet(EditorView.inputHandler).some((handler) => handler(view, from, to, event.data, insert))) {
    view.dispatch(insert());
  }
  return true; // handled: CodeMirror prevents the browser's own edit
}

/** The browser's selection in the editor, as a selection range; null when it lies outside. */
function browserSelection(view) {
  const selection = view.root.getSelection ? view.root.getSelection() : document.getSelection();
  const inside = (node) => node && view.contentDOM.contains(node);
  if (!selection || !inside(selection.anchorNode) || !inside(selection.focusNode)) return null;
  return EditorSelection.range(
    view.posAtDOM(selection.anchorNode, selection.anchorOffset),
    view.posAtDOM(selection.focusNode, selection.focusOffset),
  );
}

let counter = 0;

function labelText(textarea) {
  const label = textarea.labels && textarea.labels[0];
  return (label ? label.textContent : textarea.getAttribute("aria-label") || "Policy").trim().replace(/\s+/g, " ");
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  if (text) node.textContent = text;
  return node;
}

function upgrade(textarea) {
  if (textarea.policyEditor) return;
  const n = ++counter;
  const name = labelText(textarea);
  const hintId = `policy-editor-hint-${n}`;
  const wrap = el("div", { class: "policy-editor" });
  const bar = el("div", { class: "policy-editor-bar" });
  const format = el("button", { type: "button", class: "button button-compact button-secondary policy-editor-format" }, "Format");
  format.append(el("span", { class: "visually-hidden" }, ` ${name}`));
  const status = el("span", { class: "policy-editor-status", role: "status" });
  bar.append(format, status);
  const hint = el("p", { id: hintId, class: "visually-hidden" }, HINT);
  wrap.append(bar, hint);

  const describedBy = [hintId, textarea.getAttribute("aria-describedby")].filter(Boolean).join(" ");
  // tabindex: the editable text is in the Tab order already (contenteditable); saying so lets a
  // checker see that the scroller around a long policy can be reached by keyboard.
  const contentAttributes = { "aria-label": name, "aria-describedby": describedBy, tabindex: "0" };
  if (textarea.getAttribute("aria-invalid")) contentAttributes["aria-invalid"] = textarea.getAttribute("aria-invalid");
  if (textarea.required) contentAttributes["aria-required"] = "true";
  const readOnly = textarea.readOnly || textarea.disabled;

  let syncing = false;
  // The status line: emptied, then the message a moment later, so a screen reader reads it out
  // again when it repeats. `said` is the last message asked for, shown or still pending.
  let said = "";
  let pending = 0;
  const say = (message) => {
    window.clearTimeout(pending);
    said = message;
    status.textContent = "";
    if (message) pending = window.setTimeout(() => { status.textContent = message; }, 50);
  };
  // After Escape, CodeMirror lets Tab leave the editor for two seconds, until any other key
  // (a modifier aside: Shift+Tab leaves backwards). The hint saying so stayed on after all of
  // them, wrong once Tab indented again; it goes when the way out does, or focus leaves.
  let tabLeaves = 0;
  const takeBackTabHint = () => {
    if (!tabLeaves) return;
    window.clearTimeout(tabLeaves);
    tabLeaves = 0;
    if (said === TAB_LEAVES) say("");
  };
  // Why the server's findings are missing, said once (not at every pause) and taken back when
  // they return, unless the status line has moved on to something else.
  let unchecked = "";
  const reportFindings = (message) => {
    if (message === unchecked) return;
    const showing = unchecked !== "" && status.textContent === unchecked;
    unchecked = message;
    if (message) say(message);
    else if (showing) say("");
  };

  const view = new EditorView({
    parent: wrap,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        EditorView.cspNonce.of(config.nonce),
        lineNumbers(),
        highlightActiveLineGutter(),
        highlightSpecialChars(),
        history(),
        drawSelection(),
        indentOnInput(),
        syntaxHighlighting(highlight),
        bracketMatching(),
        closeBrackets(),
        highlightActiveLine(),
        json(),
        lintGutter(),
        textarea.dataset.policyFindings ? [] : serverFindings(reportFindings),
        autocompletion({ override: [policyCompletions], icons: false, maxRenderedOptions: 10 }),
        EditorState.tabSize.of(2),
        EditorView.lineWrapping, // long ARNs wrap: no sideways scrolling, on a phone least of all
        EditorState.readOnly.of(readOnly),
        keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap, indentWithTab]),
        EditorView.contentAttributes.of(contentAttributes),
        EditorView.domEventHandlers({
          keydown(event) {
            if (event.key === "Escape") {
              takeBackTabHint();
              say(TAB_LEAVES);
              tabLeaves = window.setTimeout(takeBackTabHint, TAB_LEAVES_MS);
            } else if (!MODIFIER_KEYS.has(event.key)) {
              takeBackTabHint();
            }
            return false;
          },
          focusout() {
            takeBackTabHint();
            return false;
          },
          beforeinput: typeOverLines,
        }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged || syncing) return;
          textarea.value = update.state.doc.toString();
          textarea.dispatchEvent(new Event("input", { bubbles: true }));
        }),
        theme,
      ],
    }),
  });

  format.disabled = readOnly;
  format.addEventListener("click", () => {
    const text = view.state.doc.toString();
    if (!text.trim()) return say("Nothing to format yet.");
    const result = formatJson(text);
    if (result.error) {
      const line = result.line ? ` (line ${result.line})` : "";
      return say(`Not formatted: this is not valid JSON yet${line}.`);
    }
    if (result.text !== text) view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: result.text } });
    say("Formatted.");
  });

  const hadFocus = document.activeElement === textarea;
  textarea.hidden = true;
  textarea.required = false; // the server checks it; a hidden required field would block submit
  textarea.after(wrap);
  textarea.policyEditor = view;
  // The label (and anything that focuses the textarea by script) now means the editor.
  for (const label of textarea.labels || []) label.addEventListener("click", () => view.focus());
  // A form reset or a script that sets the textarea's value: follow it.
  textarea.addEventListener("policy-editor:refresh", () => {
    if (textarea.value === view.state.doc.toString()) return;
    syncing = true;
    view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: textarea.value } });
    syncing = false;
  });
  if (hadFocus) view.focus();
  showFindings(textarea);
}

function upgradeAll(root) {
  const scope = root && root.querySelectorAll ? root : document;
  if (scope.matches && scope.matches("textarea[data-policy-editor]")) upgrade(scope);
  for (const textarea of scope.querySelectorAll("textarea[data-policy-editor]")) upgrade(textarea);
}

function refreshFindings() {
  for (const textarea of document.querySelectorAll("textarea[data-policy-findings]")) showFindings(textarea);
}

/** Focus the editor standing in for `textarea` (sandbox.js uses it after a swap). */
window.policyEditorFocus = (textarea) => {
  if (textarea && textarea.policyEditor) { textarea.policyEditor.focus(); return true; }
  return false;
};

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => upgradeAll(document));
else upgradeAll(document);
// htmx swaps in new editors (a policy added in the sandbox) and new findings (a live update).
document.addEventListener("htmx:load", (event) => upgradeAll(event.target));
document.addEventListener("htmx:afterSettle", refreshFindings);

// Where the cursor is in a policy, for completion: an action name (a string under Action or
// NotAction), a condition operator (a key of Condition's object) or a condition key (a key of
// an operator's object, completed with the keys of the statement's actions).

import { syntaxTree } from "@codemirror/language";

const unquote = (state, node) => {
  const text = state.sliceDoc(node.from, node.to);
  return text.replace(/^"/, "").replace(/"$/, "");
};

/** The name of the Property whose value holds `node` (directly, or as a list item). */
function ownerName(state, node) {
  let holder = node.parent;
  if (holder && holder.name === "Array") holder = holder.parent;
  if (!holder || holder.name !== "Property") return null;
  const name = holder.getChild("PropertyName");
  return name && name.from !== node.from ? { name: unquote(state, name), property: holder } : null;
}

/** The Property named `name` in object `object`, or null. */
function member(state, object, name) {
  for (let child = object.firstChild; child; child = child.nextSibling) {
    if (child.name !== "Property") continue;
    const key = child.getChild("PropertyName");
    if (key && unquote(state, key) === name) return child;
  }
  return null;
}

/** The action strings of a statement object (its Action element: one string or a list). */
function statementActions(state, statement) {
  const property = statement && member(state, statement, "Action");
  if (!property) return [];
  const value = property.lastChild;
  if (!value) return [];
  if (value.name === "String") return [unquote(state, value)];
  if (value.name !== "Array") return [];
  return value.getChildren("String").map((s) => unquote(state, s));
}

// An action string still being typed without its closing quote (the tree has no String then).
const OPEN_ACTION = /"(?:Not)?Action"\s*:\s*(?:\[\s*(?:"[^"]*"\s*,\s*)*)?"([\w*?:-]*)$/;

export function completionPlace(state, pos) {
  const node = syntaxTree(state).resolveInner(pos, -1);
  const inside = (node.name === "String" || node.name === "PropertyName") && pos > node.from && pos < node.to;
  if (!inside) {
    const line = state.doc.lineAt(pos);
    const open = OPEN_ACTION.exec(state.sliceDoc(line.from, pos));
    return open ? { kind: "action", from: pos - open[1].length, to: pos, typed: open[1] } : null;
  }
  const from = node.from + 1;
  const to = node.to - 1; // up to the closing quote: a pick replaces the whole name
  const typed = state.sliceDoc(from, pos);
  if (node.name === "String") {
    const owner = ownerName(state, node);
    if (owner && (owner.name === "Action" || owner.name === "NotAction")) {
      return { kind: "action", from, to, typed };
    }
    return null;
  }
  // A key: whose object is it?
  const object = node.parent && node.parent.parent; // PropertyName → Property → Object
  if (!object || object.name !== "Object") return null;
  const outer = ownerName(state, object);
  if (!outer) return null;
  if (outer.name === "Condition") return { kind: "operator", from, to, typed };
  const conditionObject = outer.property.parent;
  const condition = conditionObject && ownerName(state, conditionObject);
  if (condition && condition.name === "Condition") {
    const statement = condition.property.parent;
    return { kind: "key", from, to, typed, actions: statementActions(state, statement) };
  }
  return null;
}

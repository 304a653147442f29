// Run with `node --test test/` (needs the bundling step's node_modules).
import assert from "node:assert/strict";
import { test } from "node:test";
import { EditorState } from "@codemirror/state";
import { json } from "@codemirror/lang-json";
import { ensureSyntaxTree } from "@codemirror/language";
import { completionPlace } from "../src/place.js";
import { formatJson } from "../src/format.js";

function at(textWithBar) {
  const pos = textWithBar.indexOf("|");
  const doc = textWithBar.replace("|", "");
  const state = EditorState.create({ doc, extensions: [json()] });
  ensureSyntaxTree(state, doc.length, 5000);
  return completionPlace(state, pos);
}

test("an action string, alone or in a list", () => {
  assert.deepEqual(at('{"Statement": [{"Action": "s3:Ge|t"}]}').kind, "action");
  assert.equal(at('{"Statement": [{"Action": "s3:Ge|t"}]}').typed, "s3:Ge");
  assert.equal(at('{"Statement": [{"NotAction": ["s3:GetObject", "iam:|"]}]}').typed, "iam:");
  assert.equal(at('{"Statement": [{"Resource": "s3:|"}]}'), null);
});

test("an action still missing its closing quote", () => {
  const place = at('{"Statement": [{"Effect": "Allow", "Action": "s3:Pu|');
  assert.equal(place.kind, "action");
  assert.equal(place.typed, "s3:Pu");
});

test("an operator under Condition, and a key under an operator with the statement's actions", () => {
  assert.equal(at('{"Statement": [{"Condition": {"Str|"}}]}').kind, "operator");
  const key = at('{"Statement": [{"Action": ["s3:GetObject", "s3:PutObject"], "Condition": {"StringEquals": {"s3:|"}}}]}');
  assert.equal(key.kind, "key");
  assert.deepEqual(key.actions, ["s3:GetObject", "s3:PutObject"]);
  const one = at('{"Statement": {"Action": "ec2:RunInstances", "Condition": {"Bool": {"|": "true"}}}}');
  assert.deepEqual(one.actions, ["ec2:RunInstances"]);
  assert.equal(at('{"Statement": [{"Effe|": "Allow"}]}'), null);
});

test("format keeps duplicates and spelling, and refuses invalid JSON", () => {
  const { text } = formatJson('{"a":1,"a":1.50,"b":[],"c":{ },"d":["x, y",{"e":"\\"}"}]}');
  assert.equal(text, '{\n  "a": 1,\n  "a": 1.50,\n  "b": [],\n  "c": {},\n  "d": [\n    "x, y",\n    {\n      "e": "\\"}"\n    }\n  ]\n}');
  assert.equal(formatJson('{"a": }').error, true);
});

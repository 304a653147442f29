// Bundle the policy editor into ONE committed file, static/js/policy-editor.bundle.js, so the
// app itself never needs Node (`make editor-bundle` runs this; `make run` and CI do not).
//
// The bundle's first line records a SHA-256 of its sources (src/, this script, package.json and
// the lock file); tests/test_policy_editor_bundle.py recomputes it, so a source change without a
// rebuild fails the tests. Licences of the bundled packages go beside it, in
// static/js/policy-editor.bundle.LICENSES.txt.

import { createHash } from "node:crypto";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const out = join(root, "static", "js", "policy-editor.bundle.js");

/** The hash tests/test_policy_editor_bundle.py recomputes: each file's path, NUL, bytes, NUL. */
export function sourcesHash() {
  const files = ["build.mjs", "package.json", "package-lock.json"]
    .concat(readdirSync(join(here, "src")).map((name) => `src/${name}`))
    .sort();
  const hash = createHash("sha256");
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(readFileSync(join(here, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

const result = await build({
  entryPoints: [join(here, "src", "policy-editor.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "none",
  metafile: true,
  write: false,
});

// Every package that ended up in the bundle, with its licence text.
const packages = new Map();
for (const input of Object.keys(result.metafile.inputs)) {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(input);
  if (match) packages.set(match[1], join(here, "node_modules", match[1]));
}
let licences = "Third-party code in policy-editor.bundle.js, with each package's licence.\n";
for (const [name, dir] of [...packages].sort()) {
  const meta = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
  const text = file ? readFileSync(join(dir, file), "utf8").trim() : `License: ${meta.license}`;
  licences += `\n${"=".repeat(72)}\n${name} ${meta.version} (${meta.license})\n${"=".repeat(72)}\n${text}\n`;
}

const names = [...packages.keys()].sort().join(", ");
const header =
  `/* policy-editor bundle; sources sha256: ${sourcesHash()} */\n` +
  `/* Built by frontend/policy-editor/build.mjs from: ${names}. MIT-licensed; the licences are in policy-editor.bundle.LICENSES.txt. */\n`;
writeFileSync(out, header + result.outputFiles[0].text);
writeFileSync(out.replace(/\.js$/, ".LICENSES.txt"), licences);
console.log(`${relative(root, out)}: ${(result.outputFiles[0].contents.length / 1024).toFixed(0)} KB, ${packages.size} packages`);

// Format a policy: two-space indents, one member per line, empty {} and [] kept closed.
// It re-spaces the text token by token rather than re-printing JSON.parse's result, so nothing
// the author wrote changes meaning: duplicate keys, key order and number spellings all stay
// (the engine has findings about some of them).

const SPACE = " \t\n\r";

/** `{text}` formatted, or `{error, line}` when the text is not valid JSON. */
export function formatJson(text) {
  try {
    JSON.parse(text);
  } catch (error) {
    const match = /line (\d+)/.exec(String(error.message));
    return { error: true, line: match ? Number(match[1]) : null };
  }
  const pad = (depth) => "\n" + "  ".repeat(depth);
  let out = "";
  let depth = 0;
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (SPACE.includes(c)) {
      i += 1;
    } else if (c === "{" || c === "[") {
      let j = i + 1;
      while (SPACE.includes(text[j])) j += 1;
      if (text[j] === (c === "{" ? "}" : "]")) {
        out += c + text[j];
        i = j + 1;
      } else {
        depth += 1;
        out += c + pad(depth);
        i += 1;
      }
    } else if (c === "}" || c === "]") {
      depth -= 1;
      out += pad(depth) + c;
      i += 1;
    } else if (c === ",") {
      out += "," + pad(depth);
      i += 1;
    } else if (c === ":") {
      out += ": ";
      i += 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return { text: out + (text.endsWith("\n") ? "\n" : "") };
}

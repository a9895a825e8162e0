// The TextMate grammar, run on every shipped policy, scenario and tutorial file:
// comments, strings, citations, declarations and every keyword of grammar/policy.pest
// get the scopes an editor colours them by.
"use strict";

const test = require("node:test");
const assert = require("node:assert");
const fs = require("node:fs");
const path = require("node:path");
const vsctm = require("vscode-textmate");
const oniguruma = require("vscode-oniguruma");

const repo = path.join(__dirname, "..", "..", "..");
const syntaxes = path.join(__dirname, "..", "syntaxes");

function files(dir, ext) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...files(full, ext));
    else if (entry.name.endsWith(ext)) out.push(full);
  }
  return out.sort();
}

// The keywords of the language, read from the pest grammar (its `kw_` and `cw_` rules).
const pest = fs.readFileSync(path.join(repo, "grammar", "policy.pest"), "utf8");
const keywords = new Map();
for (const line of pest.split("\n")) {
  const m = /^(kw|cw)_\w+\s*=\s*@\{\s*"([a-z]+)"/.exec(line);
  if (m) keywords.set(m[2], m[1] === "cw");
}

async function registry() {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm")).buffer;
  await oniguruma.loadWASM(wasm);
  return new vsctm.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (p) => new oniguruma.OnigScanner(p),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scope) => {
      const file = { "source.cspr": "cspr.tmLanguage.json", "source.cspr.scenario": "cspr-scenario.tmLanguage.json" }[scope];
      if (!file) return null;
      const text = fs.readFileSync(path.join(syntaxes, file), "utf8");
      return vsctm.parseRawGrammar(text, path.join(syntaxes, file));
    },
  });
}

/** Every token of a file: its text and scopes. */
function tokens(grammar, text) {
  const out = [];
  let state = vsctm.INITIAL;
  for (const line of text.split("\n")) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes, line });
    state = r.ruleStack;
  }
  return out;
}

const has = (t, prefix) => t.scopes.some((s) => s.startsWith(prefix));
const inText = (t) => has(t, "comment") || has(t, "string");

test("the grammar knows every keyword of the language", () => {
  assert.ok(keywords.size > 45, `only ${keywords.size} keywords read`);
  const grammars = fs.readdirSync(syntaxes).map((f) => fs.readFileSync(path.join(syntaxes, f), "utf8")).join("\n");
  for (const word of keywords.keys()) {
    assert.match(grammars, new RegExp(`[(|]${word}[|)?]`), `\`${word}\` is not highlighted`);
  }
});

test("shipped files are highlighted", async () => {
  const reg = await registry();
  const policy = await reg.loadGrammar("source.cspr");
  const scenario = await reg.loadGrammar("source.cspr.scenario");
  const all = [
    ...files(path.join(repo, "policies"), ".policy"),
    ...files(path.join(repo, "docs", "tutorial"), ".policy"),
    ...files(path.join(repo, "docs", "tutorial"), ".scenario"),
    ...files(path.join(repo, "tests", "scenarios"), ".scenario"),
    // The deadline constructs (appointments, windows, anchors, assumed days, moves).
    ...files(path.join(repo, "tests", "clock"), ".policy"),
    ...files(path.join(repo, "tests", "clock"), ".scenario"),
    // Whose view decides (`by FACT unless …`).
    ...files(path.join(repo, "tests", "decider"), ".policy"),
    ...files(path.join(repo, "tests", "decider"), ".scenario"),
  ];
  assert.ok(all.length > 20, `found only ${all.length} files`);
  let cites = 0;
  let refined = 0;
  for (const file of all) {
    const isScenario = file.endsWith(".scenario");
    const toks = tokens(isScenario ? scenario : policy, fs.readFileSync(file, "utf8"));
    const name = path.relative(repo, file);
    for (const t of toks) {
      const word = t.text.trim();
      if (word === "") continue;
      if (t.line.trim().startsWith("#")) {
        assert.ok(has(t, "comment"), `${name}: comment line not a comment: ${t.line}`);
        continue;
      }
      if (!inText(t)) {
        assert.ok(!t.text.includes('"') || has(t, "punctuation"), `${name}: a quote outside a string: ${t.line}`);
        assert.ok(!t.text.includes("#"), `${name}: a comment not scoped: ${t.line}`);
      }
      if (keywords.has(word) && !inText(t) && (isScenario || !keywords.get(word))) {
        const scoped = has(t, "keyword") || has(t, "storage") || has(t, "support");
        assert.ok(scoped, `${name}: keyword \`${word}\` not highlighted: ${t.line} ${t.scopes}`);
      }
      if (has(t, "entity.name.type.source")) cites += 1;
    }
    // Each declaration's name is highlighted as one.
    for (const m of fs.readFileSync(file, "utf8").matchAll(/^(?:override )?(?:actor|fact|rule|decision|duty|timeline) (\w+)/gm)) {
      const t = toks.find((x) => x.text === m[1] && x.line.startsWith(m[0]));
      assert.ok(t && has(t, "entity.name.function"), `${name}: \`${m[1]}\` not highlighted as a declaration`);
    }
    // `duty a refines b`: `refines` is a modifier like `override`, and `b` names a duty.
    for (const m of fs.readFileSync(file, "utf8").matchAll(/^duty \w+ refines (\w+)/gm)) {
      const r = toks.find((x) => x.text === "refines" && x.line.startsWith(m[0]));
      const b = toks.find((x) => x.text === m[1] && x.line.startsWith(m[0]));
      assert.ok(r && has(r, "storage.modifier"), `${name}: \`refines\` not highlighted`);
      assert.ok(b && has(b, "variable.other.refined"), `${name}: the refined duty \`${m[1]}\` not highlighted`);
      refined += 1;
    }
  }
  // Every citation of the shipped files (`cite SOURCE "…"`) has its source highlighted.
  const written = all
    .map((f) => (fs.readFileSync(f, "utf8").match(/^[^#\n]*\bcite \w+ "/gm) || []).length)
    .reduce((a, b) => a + b, 0);
  assert.ok(written > 300, `only ${written} citations found`);
  assert.ok(refined >= 1, "no `refines` found in the shipped policies");
  assert.strictEqual(cites, written);
});

test("a decider's `by` and `unless` are highlighted, and its fact", async () => {
  const reg = await registry();
  const policy = await reg.loadGrammar("source.cspr");
  const text = [
    'decision rapid_review_route cite LOCAL "3":',
    "  by la_decision unless not_yet_given",
    '    cite LOCAL "3 (the Local Authority has the final say)"',
    "  by partners_view",
  ].join("\n");
  const toks = tokens(policy, text);
  for (const word of ["by", "unless"]) {
    const t = toks.find((x) => x.text === word);
    assert.ok(t && has(t, "keyword"), `\`${word}\` not highlighted: ${t && t.scopes}`);
  }
  for (const fact of ["la_decision", "partners_view"]) {
    const t = toks.find((x) => x.text === fact);
    assert.ok(t && has(t, "variable.other.decider"), `\`${fact}\` not highlighted as a decider`);
  }
});

// `make editor`: bundle src/json_editor.js and CodeMirror into one ES module inside the package.
// The banner names the sources' digest; tests/sandbox/widgets/test_editor.py recomputes it, so a
// bundle older than its sources (or than package-lock.json) fails the tests.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { build } from "esbuild";

const sources = ["package-lock.json", ...readdirSync("src").sort().map((name) => `src/${name}`)];
const digest = createHash("sha256");
for (const name of sources) digest.update(readFileSync(name));

await build({
  entryPoints: ["src/json_editor.js"],
  bundle: true,
  format: "esm",
  minify: true,
  target: "es2020",
  legalComments: "eof",
  outfile: "../sandbox/widgets/static/json_editor.js",
  banner: {
    js:
      "// Built by `make editor` from js/ (do not edit): CodeMirror 6 and its parts (MIT,\n" +
      "// Marijn Haverbeke and others: @codemirror/*, @lezer/*, style-mod, w3c-keyname, crelt).\n" +
      `// sources sha256 ${digest.digest("hex")}`,
  },
});

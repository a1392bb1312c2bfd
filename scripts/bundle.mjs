// Bundles nubis into dist/ with esbuild: one ESM file per entry point plus lazily loaded
// chunks (one per protocol and per SDK client), so `nubis` starts without resolving thousands
// of small module files (spawn to first answer: ~180 ms instead of ~300 ms). Type checking is
// `npm run typecheck` / `npm test`; this only builds.
import { copyFileSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { encodeSchemaTable, stringLiteral } from "./schemaTable.mjs";

// Each SDK client's schemas module becomes its JSON table (see ./schemaTable.mjs): the module is
// bundled and evaluated here once, and the chunk nubis loads on the service's first call holds
// only the JSON and src/core/protocols/schemaTable.ts to read it back.
const scratch = mkdtempSync(join(tmpdir(), "nubis-schemas-"));
const schemasAsJson = {
  name: "sdk-schemas-as-json",
  setup(b) {
    b.onLoad({ filter: /[\\/]@aws-sdk[\\/]client-[a-z0-9-]+[\\/]dist-es[\\/]schemas[\\/]schemas_0\.js$/ }, async ({ path }) => {
      const file = join(scratch, `${path.split(/[\\/]/).at(-4)}.mjs`);
      await build({ entryPoints: [path], bundle: true, platform: "node", format: "esm", mainFields: ["module", "main"], outfile: file, logLevel: "warning" });
      const json = JSON.stringify(encodeSchemaTable(await import(pathToFileURL(file).href)));
      const reader = JSON.stringify(fileURLToPath(new URL("../src/core/protocols/schemaTable.ts", import.meta.url)));
      return { contents: `import { schemaTable } from ${reader};\nexport default schemaTable(${stringLiteral(json)});\n`, loader: "js" };
    });
  },
};

const built = await build({
  entryPoints: { cli: "src/cli.ts", index: "src/index.ts" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  splitting: true,
  outdir: "dist",
  // The SDK clients' ESM builds: their schemas stay named exports of the lazily loaded chunks.
  mainFields: ["module", "main"],
  // A native addon, loaded only with --data-dir; esbuild builds the console only when run from the sources.
  external: ["better-sqlite3", "esbuild"],
  // Bundled CommonJS code calls require(); ESM output has none of its own. Made on the first
  // call: every chunk has the banner, few call it, and createRequire costs each chunk's load.
  banner: {
    js: "import { createRequire as __nubisCreateRequire } from 'node:module'; let __nubisRequire; function require(id) { return (__nubisRequire ??= __nubisCreateRequire(import.meta.url))(id); }",
  },
  sourcemap: true,
  // Smaller chunks parse sooner and take less memory; names stay as written, for profiles and logs.
  minifyWhitespace: true,
  minifySyntax: true,
  plugins: [schemasAsJson],
  metafile: true,
  logLevel: "warning",
}).finally(() => rmSync(scratch, { recursive: true, force: true }));

// Chunk names carry a content hash, so each build adds its own and leaves the last ones, which
// a nubis still running from dist/ may yet load. `--clean` (npm's prepare: npm ci, npm pack, and
// so the package test) removes the chunks this build did not write once they are an hour old:
// the package holds one build, and a nubis started from an earlier one in the last hour
// (npm start, then an edit and npm test) keeps the chunks it loads on a service's first call.
if (process.argv.includes("--clean")) {
  const written = new Set(Object.keys(built.metafile.outputs).map((f) => f.replace(/^dist\//, "")));
  const hourAgo = Date.now() - 3_600_000;
  for (const entry of readdirSync("dist")) {
    const file = join("dist", entry);
    if (/\.js(\.map)?$/.test(entry) && !written.has(entry) && statSync(file).mtimeMs < hourAgo) rmSync(file);
  }
}

// The web console (src/console/app): one minified script and stylesheet for the browser, and the
// page, in dist/console/, read by src/console/assets.ts on the console's first request.
await build({
  entryPoints: { app: "src/console/app/main.ts", appcss: "src/console/app/style.css" },
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  platform: "browser",
  legalComments: "none",
  outdir: "dist/console",
  entryNames: "[name]",
  logLevel: "warning",
});
copyFileSync("src/console/app/index.html", "dist/console/index.html");
renameSync("dist/console/appcss.css", "dist/console/app.css");

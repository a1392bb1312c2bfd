// Bundles nubis into dist/ with esbuild: one ESM file per entry point plus lazily loaded
// chunks (one per protocol and per SDK client), so `nubis` starts without resolving thousands
// of small module files (spawn to first answer: ~180 ms instead of ~300 ms). Type checking is
// `npm run typecheck` / `npm test`; this only builds.
import { build } from "esbuild";

await build({
  entryPoints: { cli: "src/cli.ts", index: "src/index.ts" },
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  splitting: true,
  outdir: "dist",
  // The SDK clients' ESM builds: their schemas stay named exports of the lazily loaded chunks.
  mainFields: ["module", "main"],
  // A native addon, loaded only with --data-dir.
  external: ["better-sqlite3"],
  // Bundled CommonJS code calls require(); ESM output has none of its own.
  banner: { js: "import { createRequire as __nubisRequire } from 'node:module'; const require = __nubisRequire(import.meta.url);" },
  sourcemap: true,
  logLevel: "warning",
});

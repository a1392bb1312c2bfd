import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

/**
 * The console's static files. `npm run build` writes them to dist/console/ (scripts/bundle.mjs);
 * running from the sources (tsx, the tests), they are bundled in memory with the same esbuild
 * options on first use.
 */

export interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
}

export const ASSET_NAMES = ["index.html", "app.js", "app.css"] as const;

const TYPES: Record<string, string> = {
  "index.html": "text/html; charset=utf-8",
  "app.js": "text/javascript; charset=utf-8",
  "app.css": "text/css; charset=utf-8",
};

/** esbuild options for the page; scripts/bundle.mjs uses the same for dist/console/. */
export const consoleBuildOptions = {
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  platform: "browser",
  legalComments: "none",
  logLevel: "warning",
} as const;

let loaded: Promise<Map<string, Asset>> | undefined;

export function consoleAsset(name: string): Promise<Asset | undefined> {
  loaded ??= load();
  return loaded.then((assets) => assets.get(name));
}

async function load(): Promise<Map<string, Asset>> {
  const files = new Map<string, Buffer>();
  const built = new URL("./console/", import.meta.url);
  if (existsSync(fileURLToPath(new URL("index.html", built)))) {
    for (const name of ASSET_NAMES) files.set(name, readFileSync(fileURLToPath(new URL(name, built))));
  } else {
    for (const [name, body] of await buildInMemory()) files.set(name, body);
  }
  const assets = new Map<string, Asset>();
  for (const [name, body] of files) assets.set(name, { type: TYPES[name] ?? "application/octet-stream", body, gzip: gzipSync(body, { level: 9 }) });
  return assets;
}

/** Bundles src/console/app into the three files the page needs. */
export async function buildInMemory(): Promise<Map<string, Buffer>> {
  const { build } = await import("esbuild");
  const app = fileURLToPath(new URL("./app/", import.meta.url));
  const result = await build({ ...consoleBuildOptions, entryPoints: { app: app + "main.ts", appcss: app + "style.css" }, write: false, outdir: "/console" });
  const files = new Map<string, Buffer>();
  for (const out of result.outputFiles) {
    if (out.path.endsWith(".js")) files.set("app.js", Buffer.from(out.contents));
    else if (out.path.endsWith(".css")) files.set("app.css", Buffer.from(out.contents));
  }
  files.set("index.html", readFileSync(app + "index.html"));
  return files;
}

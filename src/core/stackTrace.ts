/**
 * An unexpected failure's stack with the bundle's frames named by their src/ lines. The maps
 * (dist/*.js.map) are read when a failure is reported, not at start-up: Node's own source-map
 * support (`setSourceMapsEnabled`) reads and keeps every chunk's map as it loads, which cost
 * start-up time and about 8 MB of memory for the rare stack that needs it.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const maps = new Map<string, SourceMap | undefined>();

function mapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    const map = `${file}.map`;
    maps.set(file, existsSync(map) ? new SourceMap(JSON.parse(readFileSync(map, "utf8"))) : undefined);
  }
  return maps.get(file);
}

/** The error, or for an Error its stack with every mapped frame rewritten as `src/….ts:line:column`. */
export function mappedStack(error: unknown): unknown {
  if (!(error instanceof Error) || !error.stack) return error;
  try {
    // Frames name a file by URL (ES modules) or by path.
    return error.stack.replace(/((?:file:\/\/)?\/[^\s()]+\.js):(\d+):(\d+)/g, (frame, where: string, line: string, column: string) => {
      const file = where.startsWith("file:") ? fileURLToPath(where) : where;
      const entry = mapOf(file)?.findEntry(Number(line) - 1, Number(column) - 1);
      if (!entry || !("originalSource" in entry)) return frame;
      const source = entry.originalSource.startsWith("file:") ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
      return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    });
  } catch {
    return error;
  }
}

import type { AddressInfo } from "node:net";
import { defaultConfig, type NubisConfig } from "./core/config.js";
import { Nubis } from "./core/server.js";
import { readFileSync } from "node:fs";
import { MemoryStore } from "./core/store/memory.js";
import { parseSnapshot } from "./core/store/snapshot.js";
import type { Store } from "./core/store/store.js";
import { services } from "./services/index.js";

export type { NubisConfig } from "./core/config.js";

export interface RunningServer {
  /** `http://127.0.0.1:PORT`, to pass as the SDK's `endpoint` or `--endpoint-url`. */
  endpoint: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

/** SQLite under `dataDir`, else memory; then the `initState` snapshot, if any, replaces the state. */
export async function createStore(config: NubisConfig): Promise<Store> {
  let snapshot;
  if (config.initState) {
    // Read and check the snapshot before opening the store, so a bad file overwrites nothing.
    let text: string;
    try {
      text = readFileSync(config.initState, "utf8");
    } catch (error) {
      throw new Error(`cannot read state file ${config.initState}: ${(error as Error).message}`);
    }
    try {
      snapshot = parseSnapshot(text);
    } catch (error) {
      throw new Error(`state file ${config.initState} refused: ${(error as Error).message}`);
    }
  }
  // better-sqlite3 is loaded only when state goes to disk.
  const store = config.dataDir ? new (await import("./core/store/sqlite.js")).SqliteStore(config.dataDir) : new MemoryStore();
  if (snapshot) await store.load(snapshot.tables);
  return store;
}

/** Starts nubis in this process; `port: 0` picks a free port. */
export async function startServer(options: Partial<NubisConfig> = {}): Promise<RunningServer> {
  const config: NubisConfig = { ...defaultConfig(), host: "127.0.0.1", ...options };
  const store = await createStore(config);
  const server = await new Nubis(config, store, services).listen().catch(async (error) => {
    await store.close();
    throw error;
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    store,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}

import type { AddressInfo } from "node:net";
import { checkQuotaNames, defaultConfig, type NubisConfig } from "./core/config.js";
import { Nubis } from "./core/server.js";
import { readFileSync } from "node:fs";
import { MemoryStore } from "./core/store/memory.js";
import { parseSnapshot } from "./core/store/snapshot.js";
import { type Store, StoreNotEmptyError } from "./core/store/store.js";
import { services } from "./services/index.js";

export type { NubisConfig } from "./core/config.js";

export interface RunningServer {
  /** `http://127.0.0.1:PORT`, to pass as the SDK's `endpoint` or `--endpoint-url`. */
  endpoint: string;
  port: number;
  store: Store;
  close(): Promise<void>;
}

/**
 * PostgreSQL at `databaseUrl`, SQLite under `dataDir`, else memory; then the `initState`
 * snapshot, if any, becomes the state (refused when the store already holds state, unless
 * `initStateForce`: a second replica must not wipe the first's work).
 */
export async function createStore(config: NubisConfig): Promise<Store> {
  if (config.dataDir && config.databaseUrl) {
    throw new Error("--data-dir (SQLite) and --database-url (PostgreSQL) name two different stores: give one of them");
  }
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
      snapshot = parseSnapshot(text, services);
    } catch (error) {
      throw new Error(`state file ${config.initState} refused: ${(error as Error).message}`);
    }
  }
  // better-sqlite3 and pg are loaded only when state leaves memory.
  let store: Store;
  if (config.databaseUrl) {
    const { PostgresStore } = await import("./core/store/postgres.js");
    store = await PostgresStore.open({ url: config.databaseUrl, schema: config.databaseSchema, pool: config.databasePool });
  } else if (config.dataDir) store = new (await import("./core/store/sqlite.js")).SqliteStore(config.dataDir);
  else store = new MemoryStore();
  if (snapshot) {
    try {
      await store.load(snapshot.tables, { ifEmpty: !config.initStateForce });
    } catch (error) {
      await store.close();
      if (error instanceof StoreNotEmptyError) {
        throw new Error(`--init-state ${config.initState} refused: the store (${store.kind}) already holds state; nothing changed (--init-state-force replaces it)`);
      }
      throw error;
    }
  }
  return store;
}

/** Starts nubis in this process; `port: 0` picks a free port. */
export async function startServer(options: Partial<NubisConfig> = {}): Promise<RunningServer> {
  const config: NubisConfig = { ...defaultConfig(), ...options };
  checkQuotaNames(config.quotas, services);
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

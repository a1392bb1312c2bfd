import type { AddressInfo } from "node:net";
import { defaultConfig, type NubisConfig } from "./core/config.js";
import { Nubis } from "./core/server.js";
import { MemoryStore } from "./core/store/memory.js";
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

export async function createStore(config: NubisConfig): Promise<Store> {
  if (config.dataDir) throw new Error("--data-dir needs the SQLite store, which this build does not have yet");
  return new MemoryStore();
}

/** Starts nubis in this process; `port: 0` picks a free port. */
export async function startServer(options: Partial<NubisConfig> = {}): Promise<RunningServer> {
  const config: NubisConfig = { ...defaultConfig(), host: "127.0.0.1", ...options };
  const store = await createStore(config);
  const server = await new Nubis(config, store, services).listen();
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

import type { ProtocolName } from "../service.js";
import type { Protocol } from "./protocol.js";

/**
 * One module per AWS wire protocol; a service names the one it speaks. Each is loaded on the
 * first request that needs it (the SDK codecs behind them take ~100 ms to load), so nubis
 * listens before any of them is read.
 */
const modules: Record<ProtocolName, () => Promise<Protocol>> = {
  awsQuery: async () => (await import("./awsQuery.js")).awsQuery,
  awsJson1_1: async () => (await import("./awsJson.js")).awsJson1_1,
  restJson1: async () => (await import("./restJson1.js")).restJson1,
  restXml: async () => (await import("./restXml.js")).restXml,
};

const loaded = new Map<ProtocolName, Promise<Protocol>>();

export function loadProtocol(name: ProtocolName): Promise<Protocol> {
  let protocol = loaded.get(name);
  if (!protocol) loaded.set(name, (protocol = modules[name]()));
  return protocol;
}

import type { NubisConfig, RootCredential } from "../config.js";
import { identitySources, type Credential, type Principal, type ServiceDefinition } from "../service.js";
import type { Store } from "../store/store.js";

export const rootPrincipal = (account: string): Principal => ({
  type: "root",
  account,
  arn: `arn:aws:iam::${account}:root`,
  userId: account,
});

/** The secret of the documented default root pair, and of the 12-digit-key convenience. */
export const DEFAULT_SECRET = "test";

/**
 * Root credentials from `--root-credentials ACCOUNT:KEY:SECRET,...`. Without the option, the
 * default account's root is `test`/`test`, and (as with `--auth none`) a 12-digit access key
 * id is the root of that account, with the secret `test`: several accounts without setup.
 */
export function parseRootCredentials(specs: string[]): RootCredential[] {
  const out: RootCredential[] = [];
  for (const spec of specs.flatMap((s) => s.split(",")).map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d{12}):([^:\s]+):(\S+)$/.exec(spec);
    if (!m) throw new Error(`invalid root credentials '${spec}': expected <12-digit account>:<access key id>:<secret>`);
    out.push({ account: m[1], accessKeyId: m[2], secretAccessKey: m[3] });
  }
  return out;
}

/**
 * Who holds an access key id, and its secret: configured root pairs first, then the keys the
 * services issue (IAM CreateAccessKey), read at each request so that a deleted or deactivated
 * key stops working on the very next one.
 */
export async function findCredential(
  accessKeyId: string,
  config: NubisConfig,
  store: Store,
  services: readonly ServiceDefinition[],
): Promise<Credential | undefined> {
  const configured = config.rootCredentials;
  if (configured?.length) {
    const root = configured.find((c) => c.accessKeyId === accessKeyId);
    if (root) return { principal: rootPrincipal(root.account), secretAccessKey: root.secretAccessKey, active: true };
  } else {
    if (accessKeyId === "test") return { principal: rootPrincipal(config.defaultAccount), secretAccessKey: DEFAULT_SECRET, active: true };
    if (/^\d{12}$/.test(accessKeyId)) return { principal: rootPrincipal(accessKeyId), secretAccessKey: DEFAULT_SECRET, active: true };
  }
  for (const identity of await identitySources(services)) {
    const found = await store.transaction((tx) => identity.accessKey(tx, accessKeyId));
    if (found) return found;
  }
  return undefined;
}

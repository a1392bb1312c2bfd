import type { NubisConfig } from "./config.js";
import { type ObjectLocation, type ObjectRead, readObject } from "./objects.js";
import type { Principal, RequestContext, ServiceDefinition } from "./service.js";
import type { Store, Transaction } from "./store/store.js";

/**
 * The context of one call (RequestContext) for the API and the console alike. Its quota,
 * transaction and readObject are methods, not closures made for every request.
 */
export class CallContext implements RequestContext {
  readonly service: string;
  readonly account: string;

  constructor(
    private readonly def: ServiceDefinition,
    private readonly store: Store,
    readonly config: NubisConfig,
    readonly requestId: string,
    readonly operation: string,
    readonly principal: Principal,
    readonly region: string,
    readonly accessKeyId: string,
    readonly now: Date,
  ) {
    this.service = def.name;
    this.account = principal.account;
  }

  quota(name: string): number {
    return this.config.quotas[`${this.def.name}.${name}`] ?? this.def.quotas?.[name] ?? Number.POSITIVE_INFINITY;
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.store.transaction(work);
  }

  readObject(location: ObjectLocation): Promise<ObjectRead> {
    return readObject(this.config, location);
  }
}

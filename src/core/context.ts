import type { NubisConfig } from "./config.js";
import { type ObjectLocation, type ObjectRead, readObject } from "./objects.js";
import type { Principal, RequestContext, ServiceDefinition } from "./service.js";
import type { Store, Transaction } from "./store/store.js";

/** What a call's context is made of: who calls which operation of which service, where and when. */
export interface CallFacts {
  requestId: string;
  operation: string;
  principal: Principal;
  region: string;
  accessKeyId: string;
  now: Date;
}

/**
 * The context of one call (RequestContext) for the API and the console alike. Its quota,
 * transaction and readObject are methods, not closures made for every request.
 */
export class CallContext implements RequestContext {
  readonly requestId: string;
  readonly service: string;
  readonly operation: string;
  readonly account: string;
  readonly region: string;
  readonly principal: Principal;
  readonly accessKeyId: string;
  readonly now: Date;

  constructor(
    private readonly def: ServiceDefinition,
    private readonly store: Store,
    readonly config: NubisConfig,
    facts: CallFacts,
  ) {
    this.requestId = facts.requestId;
    this.service = def.name;
    this.operation = facts.operation;
    this.account = facts.principal.account;
    this.region = facts.region;
    this.principal = facts.principal;
    this.accessKeyId = facts.accessKeyId;
    this.now = facts.now;
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

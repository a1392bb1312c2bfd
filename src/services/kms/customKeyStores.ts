import type {
  ConnectCustomKeyStoreRequest,
  CreateCustomKeyStoreRequest,
  CreateCustomKeyStoreResponse,
  CustomKeyStoresListEntry,
  DeleteCustomKeyStoreRequest,
  DescribeCustomKeyStoresRequest,
  DescribeCustomKeyStoresResponse,
  DisconnectCustomKeyStoreRequest,
  UpdateCustomKeyStoreRequest,
  XksProxyAuthenticationCredentialType,
} from "@aws-sdk/client-kms";
import { AwsError } from "../../core/errors.js";
import { paginate } from "../../core/pagination.js";
import type { Handler, RequestContext } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import type { Validator } from "../../core/validation.js";
import { listPage, regionPrefix } from "./model.js";
import * as check from "./validation.js";
import { secureRandom } from "../../core/ids.js";

/**
 * Custom key stores, as far as an emulator can hold them: their configuration and connection
 * life. nubis reaches no CloudHSM cluster and no external key store proxy, so a CloudHSM store
 * cannot be created (its cluster is not found) and connecting an external key store ends in
 * FAILED with XKS_PROXY_NOT_REACHABLE; keys in custom key stores therefore cannot be created.
 */

interface StoreRecord {
  CustomKeyStoreId: string;
  CustomKeyStoreName: string;
  CustomKeyStoreType: "EXTERNAL_KEY_STORE";
  ConnectionState: "CONNECTED" | "CONNECTING" | "DISCONNECTED" | "DISCONNECTING" | "FAILED";
  ConnectionErrorCode?: "XKS_PROXY_NOT_REACHABLE";
  CreationDate: number;
  Connectivity: "PUBLIC_ENDPOINT" | "VPC_ENDPOINT_SERVICE";
  AccessKeyId: string;
  UriEndpoint: string;
  UriPath: string;
  VpcEndpointServiceName?: string;
  VpcEndpointServiceOwner?: string;
}

const key = (ctx: { account: string; region: string }, id: string) => `${regionPrefix(ctx.account, ctx.region)}${id}`;

const URI_ENDPOINT = /^https:\/\/[a-zA-Z0-9.-]+$/;
const URI_PATH = /^(\/[a-zA-Z0-9/_-]+\/kms\/xks\/v\d{1,2})$|^(\/kms\/xks\/v\d{1,2})$/;
const ACCESS_KEY = /^[A-Z2-7=]+$/;
const SECRET = /^[a-zA-Z0-9/+=]+$/;

function xksMembers(
  v: Validator,
  input: {
    XksProxyUriEndpoint?: string;
    XksProxyUriPath?: string;
    XksProxyVpcEndpointServiceName?: string;
    XksProxyVpcEndpointServiceOwner?: string;
    XksProxyAuthenticationCredential?: XksProxyAuthenticationCredentialType;
    XksProxyConnectivity?: string;
  },
) {
  v.length(input.XksProxyUriEndpoint, "XksProxyUriEndpoint", 10, 128).pattern(input.XksProxyUriEndpoint, "XksProxyUriEndpoint", URI_ENDPOINT, "^https://[a-zA-Z0-9.-]+$");
  v.length(input.XksProxyUriPath, "XksProxyUriPath", 10, 128).pattern(
    input.XksProxyUriPath,
    "XksProxyUriPath",
    URI_PATH,
    "^(/[a-zA-Z0-9\\/_-]+/kms/xks/v\\d{1,2})$|^(/kms/xks/v\\d{1,2})$",
  );
  v.length(input.XksProxyVpcEndpointServiceName, "XksProxyVpcEndpointServiceName", 20, 64);
  v.length(input.XksProxyVpcEndpointServiceOwner, "XksProxyVpcEndpointServiceOwner", 12, 12);
  const cred = input.XksProxyAuthenticationCredential;
  if (cred) {
    v.required(cred.AccessKeyId, "XksProxyAuthenticationCredential.AccessKeyId").required(cred.RawSecretAccessKey, "XksProxyAuthenticationCredential.RawSecretAccessKey");
    v.length(cred.AccessKeyId, "XksProxyAuthenticationCredential.AccessKeyId", 20, 30).pattern(cred.AccessKeyId, "XksProxyAuthenticationCredential.AccessKeyId", ACCESS_KEY, "^[A-Z2-7=]+$");
    v.length(cred.RawSecretAccessKey, "XksProxyAuthenticationCredential.RawSecretAccessKey", 43, 64).pattern(
      cred.RawSecretAccessKey,
      "XksProxyAuthenticationCredential.RawSecretAccessKey",
      SECRET,
      "^[a-zA-Z0-9\\/+=]+$",
    );
  }
  v.oneOf(input.XksProxyConnectivity, "XksProxyConnectivity", ["PUBLIC_ENDPOINT", "VPC_ENDPOINT_SERVICE"]);
  return v;
}

async function allStores(tx: Transaction, ctx: RequestContext): Promise<StoreRecord[]> {
  return (await tx.scan<StoreRecord>(check.CUSTOM_KEY_STORES, { prefix: regionPrefix(ctx.account, ctx.region), limit: 1000 })).map(([, s]) => s);
}

async function requireStore(tx: Transaction, ctx: RequestContext, id: string): Promise<StoreRecord> {
  return (await check.requireCustomKeyStore(tx, ctx, id)) as StoreRecord;
}

/** No other store of the account and region may use the same name or proxy URI. */
async function checkUnique(tx: Transaction, ctx: RequestContext, s: StoreRecord) {
  for (const other of await allStores(tx, ctx)) {
    if (other.CustomKeyStoreId === s.CustomKeyStoreId) continue;
    if (other.CustomKeyStoreName === s.CustomKeyStoreName) {
      throw new AwsError("CustomKeyStoreNameInUseException", `A custom key store with the name ${s.CustomKeyStoreName} already exists.`);
    }
    if (s.Connectivity === "PUBLIC_ENDPOINT" && other.UriEndpoint === s.UriEndpoint && other.UriPath === s.UriPath) {
      throw new AwsError("XksProxyUriInUseException", `The XKS proxy URI ${s.UriEndpoint}${s.UriPath} is already used by custom key store ${other.CustomKeyStoreId}.`);
    }
  }
}

export const CreateCustomKeyStore: Handler<CreateCustomKeyStoreRequest, CreateCustomKeyStoreResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.CustomKeyStoreName, "CustomKeyStoreName");
  v.length(input.CustomKeyStoreName, "CustomKeyStoreName", 1, 256);
  v.length(input.CloudHsmClusterId, "CloudHsmClusterId", 19, 24);
  v.length(input.TrustAnchorCertificate, "TrustAnchorCertificate", 1, 5000);
  v.length(input.KeyStorePassword, "KeyStorePassword", 7, 32);
  v.oneOf(input.CustomKeyStoreType, "CustomKeyStoreType", ["AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"]);
  xksMembers(v, input).check();
  if ((input.CustomKeyStoreType ?? "AWS_CLOUDHSM") === "AWS_CLOUDHSM") {
    if (!input.CloudHsmClusterId || !input.TrustAnchorCertificate || !input.KeyStorePassword) {
      throw new AwsError("ValidationException", "CloudHsmClusterId, TrustAnchorCertificate and KeyStorePassword are required for an AWS_CLOUDHSM custom key store.");
    }
    throw new AwsError("CloudHsmClusterNotFoundException", `AWS CloudHSM cluster ${input.CloudHsmClusterId} does not exist.`);
  }
  const connectivity = input.XksProxyConnectivity ?? "PUBLIC_ENDPOINT";
  const { XksProxyUriEndpoint: uri, XksProxyUriPath: path, XksProxyAuthenticationCredential: credential } = input;
  if (!uri || !path || !credential) {
    throw new AwsError("ValidationException", "XksProxyUriEndpoint, XksProxyUriPath and XksProxyAuthenticationCredential are required for an EXTERNAL_KEY_STORE custom key store.");
  }
  if (connectivity === "VPC_ENDPOINT_SERVICE") {
    if (!input.XksProxyVpcEndpointServiceName) throw new AwsError("ValidationException", "XksProxyVpcEndpointServiceName is required when XksProxyConnectivity is VPC_ENDPOINT_SERVICE.");
    throw new AwsError("XksProxyVpcEndpointServiceNotFoundException", `VPC endpoint service ${input.XksProxyVpcEndpointServiceName} does not exist.`);
  }
  return ctx.transaction(async (tx) => {
    const limit = ctx.quota("CustomKeyStoresPerRegion");
    if ((await tx.count(check.CUSTOM_KEY_STORES, regionPrefix(ctx.account, ctx.region))) >= limit) {
      throw new AwsError("LimitExceededException", `Cannot exceed quota for CustomKeyStoresPerRegion: ${limit}`);
    }
    const store: StoreRecord = {
      CustomKeyStoreId: `cks-${secureRandom(9).toString("hex").slice(0, 17)}`,
      CustomKeyStoreName: input.CustomKeyStoreName!,
      CustomKeyStoreType: "EXTERNAL_KEY_STORE",
      ConnectionState: "DISCONNECTED",
      CreationDate: ctx.now.getTime(),
      Connectivity: connectivity,
      AccessKeyId: credential.AccessKeyId!,
      UriEndpoint: uri,
      UriPath: path,
    };
    await checkUnique(tx, ctx, store);
    await tx.put(check.CUSTOM_KEY_STORES, key(ctx, store.CustomKeyStoreId), store);
    return { CustomKeyStoreId: store.CustomKeyStoreId };
  });
};

const entry = (s: StoreRecord): CustomKeyStoresListEntry => ({
  CustomKeyStoreId: s.CustomKeyStoreId,
  CustomKeyStoreName: s.CustomKeyStoreName,
  ConnectionState: s.ConnectionState,
  ...(s.ConnectionErrorCode ? { ConnectionErrorCode: s.ConnectionErrorCode } : {}),
  CreationDate: new Date(s.CreationDate),
  CustomKeyStoreType: s.CustomKeyStoreType,
  XksProxyConfiguration: {
    Connectivity: s.Connectivity,
    AccessKeyId: s.AccessKeyId,
    UriEndpoint: s.UriEndpoint,
    UriPath: s.UriPath,
    ...(s.VpcEndpointServiceName ? { VpcEndpointServiceName: s.VpcEndpointServiceName } : {}),
  },
});

export const DescribeCustomKeyStores: Handler<DescribeCustomKeyStoresRequest, DescribeCustomKeyStoresResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.length(input.CustomKeyStoreId, "CustomKeyStoreId", 1, 64);
  v.length(input.CustomKeyStoreName, "CustomKeyStoreName", 1, 256);
  check.limit(v, input.Limit);
  check.marker(v, input.Marker).check();
  return ctx.transaction(async (tx) => {
    if (input.CustomKeyStoreId !== undefined) return listPage("CustomKeyStores", { items: [entry(await requireStore(tx, ctx, input.CustomKeyStoreId))] });
    if (input.CustomKeyStoreName !== undefined) {
      const found = (await allStores(tx, ctx)).find((s) => s.CustomKeyStoreName === input.CustomKeyStoreName);
      if (!found) throw new AwsError("CustomKeyStoreNotFoundException", `Custom key store ${input.CustomKeyStoreName} does not exist.`);
      return listPage("CustomKeyStores", { items: [entry(found)] });
    }
    const page = await paginate<StoreRecord>(tx, check.CUSTOM_KEY_STORES, regionPrefix(ctx.account, ctx.region), {
      marker: input.Marker,
      maxItems: input.Limit ?? 1000,
      invalidMarker: () => new AwsError("InvalidMarkerException", "Invalid marker"),
    });
    return listPage("CustomKeyStores", { items: page.items.map(entry), next: page.next });
  });
};

const invalidState = (s: StoreRecord, what: string) =>
  new AwsError("CustomKeyStoreInvalidStateException", `Custom key store ${s.CustomKeyStoreId} is ${s.ConnectionState}: ${what}`);

/** Name changes are allowed in any state; the proxy settings only while disconnected. */
export const UpdateCustomKeyStore: Handler<UpdateCustomKeyStoreRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.CustomKeyStoreId, "CustomKeyStoreId").length(input.CustomKeyStoreId, "CustomKeyStoreId", 1, 64);
  v.length(input.NewCustomKeyStoreName, "NewCustomKeyStoreName", 1, 256);
  v.length(input.KeyStorePassword, "KeyStorePassword", 7, 32);
  v.length(input.CloudHsmClusterId, "CloudHsmClusterId", 19, 24);
  xksMembers(v, input).check();
  return ctx.transaction(async (tx) => {
    const store = await requireStore(tx, ctx, input.CustomKeyStoreId!);
    if (input.KeyStorePassword !== undefined || input.CloudHsmClusterId !== undefined) {
      throw new AwsError("ValidationException", "KeyStorePassword and CloudHsmClusterId apply only to AWS_CLOUDHSM custom key stores.");
    }
    const proxyChange =
      input.XksProxyUriEndpoint ?? input.XksProxyUriPath ?? input.XksProxyAuthenticationCredential ?? input.XksProxyConnectivity ?? input.XksProxyVpcEndpointServiceName;
    if (proxyChange !== undefined && store.ConnectionState !== "DISCONNECTED") throw invalidState(store, "disconnect it before changing its proxy settings.");
    if (input.XksProxyConnectivity === "VPC_ENDPOINT_SERVICE") {
      throw new AwsError("XksProxyVpcEndpointServiceNotFoundException", `VPC endpoint service ${input.XksProxyVpcEndpointServiceName ?? ""} does not exist.`);
    }
    const next: StoreRecord = {
      ...store,
      ...(input.NewCustomKeyStoreName !== undefined ? { CustomKeyStoreName: input.NewCustomKeyStoreName } : {}),
      ...(input.XksProxyUriEndpoint !== undefined ? { UriEndpoint: input.XksProxyUriEndpoint } : {}),
      ...(input.XksProxyUriPath !== undefined ? { UriPath: input.XksProxyUriPath } : {}),
      ...(input.XksProxyAuthenticationCredential?.AccessKeyId ? { AccessKeyId: input.XksProxyAuthenticationCredential.AccessKeyId } : {}),
    };
    await checkUnique(tx, ctx, next);
    await tx.put(check.CUSTOM_KEY_STORES, key(ctx, store.CustomKeyStoreId), next);
    return {};
  });
};

/** A store holds no keys in nubis (none can be created in it), so only its state can refuse. */
export const DeleteCustomKeyStore: Handler<DeleteCustomKeyStoreRequest, Record<string, never>> = async (input, ctx) => {
  check.kmsValidator().required(input.CustomKeyStoreId, "CustomKeyStoreId").length(input.CustomKeyStoreId, "CustomKeyStoreId", 1, 64).check();
  return ctx.transaction(async (tx) => {
    const store = await requireStore(tx, ctx, input.CustomKeyStoreId!);
    if (store.ConnectionState !== "DISCONNECTED") throw invalidState(store, "disconnect it before deleting it.");
    await tx.delete(check.CUSTOM_KEY_STORES, key(ctx, store.CustomKeyStoreId));
    return {};
  });
};

/** nubis calls no external proxy: the connection attempt fails as an unreachable proxy. */
export const ConnectCustomKeyStore: Handler<ConnectCustomKeyStoreRequest, Record<string, never>> = async (input, ctx) => {
  check.kmsValidator().required(input.CustomKeyStoreId, "CustomKeyStoreId").length(input.CustomKeyStoreId, "CustomKeyStoreId", 1, 64).check();
  return ctx.transaction(async (tx) => {
    const store = await requireStore(tx, ctx, input.CustomKeyStoreId!);
    if (store.ConnectionState !== "DISCONNECTED") throw invalidState(store, "only a DISCONNECTED custom key store can be connected.");
    await tx.put(check.CUSTOM_KEY_STORES, key(ctx, store.CustomKeyStoreId), { ...store, ConnectionState: "FAILED", ConnectionErrorCode: "XKS_PROXY_NOT_REACHABLE" });
    return {};
  });
};

export const DisconnectCustomKeyStore: Handler<DisconnectCustomKeyStoreRequest, Record<string, never>> = async (input, ctx) => {
  check.kmsValidator().required(input.CustomKeyStoreId, "CustomKeyStoreId").length(input.CustomKeyStoreId, "CustomKeyStoreId", 1, 64).check();
  return ctx.transaction(async (tx) => {
    const store = await requireStore(tx, ctx, input.CustomKeyStoreId!);
    const { ConnectionErrorCode: _e, ...rest } = store;
    await tx.put(check.CUSTOM_KEY_STORES, key(ctx, store.CustomKeyStoreId), { ...rest, ConnectionState: "DISCONNECTED" });
    return {};
  });
};

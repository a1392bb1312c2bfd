import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  ConnectCustomKeyStoreCommand,
  CreateCustomKeyStoreCommand,
  type CreateCustomKeyStoreCommandInput,
  CreateKeyCommand,
  DeleteCustomKeyStoreCommand,
  DescribeCustomKeyStoresCommand,
  DisconnectCustomKeyStoreCommand,
  GenerateRandomCommand,
  UpdateCustomKeyStoreCommand,
} from "@aws-sdk/client-kms";
import { failure, useServer } from "../harness.js";
import { kmsClient, refusal } from "./fixtures.js";

const server = useServer({ quotas: { "kms.CustomKeyStoresPerRegion": 3 } });
const client = kmsClient(server);

let n = 0;
const xks = (overrides: Partial<CreateCustomKeyStoreCommandInput> = {}): CreateCustomKeyStoreCommandInput => ({
  CustomKeyStoreName: `xks-${++n}`,
  CustomKeyStoreType: "EXTERNAL_KEY_STORE",
  XksProxyUriEndpoint: `https://xks${n}.example.com`,
  XksProxyUriPath: "/example/kms/xks/v1",
  XksProxyConnectivity: "PUBLIC_ENDPOINT",
  XksProxyAuthenticationCredential: { AccessKeyId: "ABCDEFGHIJKLMNOPQRST", RawSecretAccessKey: "a".repeat(43) },
  ...overrides,
});

const stores = async (kms = client("ap-northeast-1")) => (await kms.send(new DescribeCustomKeyStoresCommand({}))).CustomKeyStores!;

describe("KMS custom key stores", () => {
  it("lives as an external key store: create, describe, update, connect (proxy unreachable), disconnect, delete", async () => {
    const kms = client("ap-northeast-1");
    assert.deepEqual(await stores(kms), []);
    const { CustomKeyStoreId: id } = await kms.send(new CreateCustomKeyStoreCommand(xks({ CustomKeyStoreName: "mine" })));
    assert.match(id!, /^cks-[0-9a-f]{17}$/);
    let [store] = await stores(kms);
    assert.equal(store.CustomKeyStoreName, "mine");
    assert.equal(store.ConnectionState, "DISCONNECTED");
    assert.equal(store.CustomKeyStoreType, "EXTERNAL_KEY_STORE");
    assert.equal(store.XksProxyConfiguration!.AccessKeyId, "ABCDEFGHIJKLMNOPQRST");
    assert.equal((await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreName: "mine" }))).CustomKeyStores![0].CustomKeyStoreId, id);
    await kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, NewCustomKeyStoreName: "renamed", XksProxyUriPath: "/kms/xks/v2" }));
    [store] = (await kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id }))).CustomKeyStores!;
    assert.equal(store.CustomKeyStoreName, "renamed");
    assert.equal(store.XksProxyConfiguration!.UriPath, "/kms/xks/v2");
    await kms.send(new ConnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    [store] = await stores(kms);
    assert.equal(store.ConnectionState, "FAILED");
    assert.equal(store.ConnectionErrorCode, "XKS_PROXY_NOT_REACHABLE");
    await refusal(kms, () => kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id })), "CustomKeyStoreInvalidStateException");
    await refusal(kms, () => kms.send(new UpdateCustomKeyStoreCommand({ CustomKeyStoreId: id, XksProxyUriPath: "/kms/xks/v3" })), "CustomKeyStoreInvalidStateException");
    await refusal(kms, () => kms.send(new CreateKeyCommand({ Origin: "EXTERNAL_KEY_STORE", CustomKeyStoreId: id, XksKeyId: "k1" })), "CustomKeyStoreInvalidStateException");
    await refusal(kms, () => kms.send(new GenerateRandomCommand({ NumberOfBytes: 8, CustomKeyStoreId: id })), "CustomKeyStoreInvalidStateException");
    await kms.send(new DisconnectCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    assert.equal((await stores(kms))[0].ConnectionState, "DISCONNECTED");
    assert.equal((await stores(kms))[0].ConnectionErrorCode, undefined);
    await kms.send(new DeleteCustomKeyStoreCommand({ CustomKeyStoreId: id }));
    assert.deepEqual(await stores(kms), []);
    await refusal(kms, () => kms.send(new DescribeCustomKeyStoresCommand({ CustomKeyStoreId: id })), "CustomKeyStoreNotFoundException");
  });

  it("refuses duplicate names and URIs, CloudHSM clusters it cannot reach, bad members, and the quota", async () => {
    const kms = client("ca-central-1");
    const first = xks();
    await kms.send(new CreateCustomKeyStoreCommand(first));
    const count = async () => (await stores(kms)).length;
    for (const [input, code] of [
      [xks({ CustomKeyStoreName: first.CustomKeyStoreName }), "CustomKeyStoreNameInUseException"],
      [xks({ XksProxyUriEndpoint: first.XksProxyUriEndpoint }), "XksProxyUriInUseException"],
      [{ CustomKeyStoreName: "hsm", CloudHsmClusterId: "cluster-1234567890ab", TrustAnchorCertificate: "cert", KeyStorePassword: "kmsPswd" }, "CloudHsmClusterNotFoundException"],
      [{ CustomKeyStoreName: "hsm" }, "ValidationException"],
      [xks({ XksProxyUriEndpoint: "http://plain.example.com" }), "ValidationException"],
      [xks({ XksProxyUriPath: "/wrong/path" }), "ValidationException"],
      [xks({ XksProxyConnectivity: "VPC_ENDPOINT_SERVICE", XksProxyVpcEndpointServiceName: "com.amazonaws.vpce.ca-central-1.vpce-svc-1" }), "XksProxyVpcEndpointServiceNotFoundException"],
    ] as const) {
      const before = await count();
      const error = await failure(kms.send(new CreateCustomKeyStoreCommand(input as CreateCustomKeyStoreCommandInput)));
      assert.equal(error.name, code, error.message);
      assert.equal(error.$metadata.httpStatusCode, 400);
      assert.equal(await count(), before);
    }
    await kms.send(new CreateCustomKeyStoreCommand(xks()));
    await kms.send(new CreateCustomKeyStoreCommand(xks()));
    await refusal(kms, () => kms.send(new CreateCustomKeyStoreCommand(xks())), "LimitExceededException");
    await refusal(kms, () => kms.send(new CreateKeyCommand({ CustomKeyStoreId: "cks-1234567890abcdef0" })), "CustomKeyStoreNotFoundException");
  });
});

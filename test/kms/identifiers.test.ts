import { describe, it } from "node:test";
import { CreateAliasCommand, DescribeKeyCommand, EncryptCommand, ListKeysCommand, UpdateAliasCommand } from "@aws-sdk/client-kms";
import { useServer } from "../harness.js";
import { bytes, createKey, kmsClient, refusal } from "./fixtures.js";

const server = useServer({ quotas: { "kms.AliasesPerKey": 2 } });
const client = kmsClient(server);

describe("KMS key identifiers and alias rules", () => {
  for (const [label, id] of [
    ["a 32-hex id without dashes", "1234abcd12ab34cd56ef1234567890ab"],
    ["an mrk- id with non-hex characters", "mrk-1234abcd12ab34cd56ef1234567890zz"],
    ["a name", "fake-key-id"],
    ["an ARN of another resource type", "arn:aws:kms:us-east-1:000000000000:foo/x"],
  ] as const) {
    it(`answers NotFoundException "Invalid keyId '…'" for ${label}`, async () => {
      const kms = client();
      await refusal(kms, () => kms.send(new DescribeKeyCommand({ KeyId: id })), "NotFoundException", { message: `Invalid keyId '${id}'` });
    });
  }

  it("answers 'Invalid arn <region>' for a key ARN of another region, and the caller's ARN for an unknown key", async () => {
    const kms = client();
    const key = await createKey(client("us-west-2"));
    await refusal(kms, () => kms.send(new EncryptCommand({ KeyId: key.Arn, Plaintext: bytes("x") })), "NotFoundException", { message: "Invalid arn us-west-2" });
    const id = "0b1e3c57-7d3b-4f0e-9a53-8f4b7a8f2a10";
    await refusal(kms, () => kms.send(new DescribeKeyCommand({ KeyId: `arn:aws:kms:us-east-1:111111111111:key/${id}` })), "NotFoundException");
    await refusal(kms, () => kms.send(new DescribeKeyCommand({ KeyId: id })), "NotFoundException", { message: `Key 'arn:aws:kms:us-east-1:000000000000:key/${id}' does not exist` });
  });

  it("refuses an alias as an alias target, aliases past the per-key quota, and an UpdateAlias to another kind of key", async () => {
    const kms = client();
    const key = await createKey(kms);
    await kms.send(new CreateAliasCommand({ AliasName: "alias/one", TargetKeyId: key.KeyId }));
    await refusal(kms, () => kms.send(new CreateAliasCommand({ AliasName: "alias/two", TargetKeyId: "alias/one" })), "ValidationException", {
      message: "Aliases must refer to keys. Not aliases",
      keyId: key.KeyId,
    });
    await kms.send(new CreateAliasCommand({ AliasName: "alias/two", TargetKeyId: key.Arn }));
    await refusal(kms, () => kms.send(new CreateAliasCommand({ AliasName: "alias/three", TargetKeyId: key.KeyId })), "LimitExceededException", { keyId: key.KeyId });
    const signer = await createKey(kms, { KeySpec: "ECC_NIST_P256", KeyUsage: "SIGN_VERIFY" });
    await refusal(kms, () => kms.send(new UpdateAliasCommand({ AliasName: "alias/one", TargetKeyId: signer.KeyId })), "ValidationException", { keyId: key.KeyId });
    await refusal(kms, () => kms.send(new ListKeysCommand({ Marker: "bm90LWEtbWFya2Vy" })), "InvalidMarkerException");
  });
});

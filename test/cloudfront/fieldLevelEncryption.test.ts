/**
 * Field-level encryption profiles and configs through the SDK (every operation, every refusal
 * with state unchanged), the in-use chain public key ← profile ← config ← distribution, and the
 * CLI life: public key → profile → config → distribution; the key cannot go until the profile does.
 */
import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import {
  CreateDistributionCommand,
  CreateFieldLevelEncryptionConfigCommand,
  CreateFieldLevelEncryptionProfileCommand,
  DeleteDistributionCommand,
  DeleteFieldLevelEncryptionConfigCommand,
  DeleteFieldLevelEncryptionProfileCommand,
  DeletePublicKeyCommand,
  GetFieldLevelEncryptionCommand,
  GetFieldLevelEncryptionConfigCommand,
  GetFieldLevelEncryptionProfileCommand,
  GetFieldLevelEncryptionProfileConfigCommand,
  ListFieldLevelEncryptionConfigsCommand,
  ListFieldLevelEncryptionProfilesCommand,
  UpdateDistributionCommand,
  UpdateFieldLevelEncryptionConfigCommand,
  UpdateFieldLevelEncryptionProfileCommand,
} from "@aws-sdk/client-cloudfront";
import { aws, awsCliMissing, useServer } from "../harness.js";
import { cloudFront, createKey, distributionConfig, ETAG, refusal, reset, rsaPem, storeState, unique, until } from "./fixtures.js";

const server = useServer({ cloudfrontDeployDelayMs: 50 });
const client = () => cloudFront(server().endpoint);
beforeEach(() => reset(server().endpoint));
const refused = refusal(() => storeState(server().store as never));

const profileConfig = (keyId: string, extra: Record<string, unknown> = {}) => ({
  Name: unique("profile"),
  CallerReference: unique("ref"),
  Comment: "card numbers",
  EncryptionEntities: { Quantity: 1, Items: [{ PublicKeyId: keyId, ProviderId: "provider", FieldPatterns: { Quantity: 2, Items: ["card", "cvv*"] } }] },
  ...extra,
});
const fleConfig = (profileId: string, extra: Record<string, unknown> = {}) => ({
  CallerReference: unique("ref"),
  Comment: "",
  ContentTypeProfileConfig: {
    ForwardWhenContentTypeIsUnknown: true,
    ContentTypeProfiles: { Quantity: 1, Items: [{ Format: "URLEncoded" as const, ProfileId: profileId, ContentType: "application/x-www-form-urlencoded" }] },
  },
  QueryArgProfileConfig: { ForwardWhenQueryArgProfileIsUnknown: true, QueryArgProfiles: { Quantity: 1, Items: [{ QueryArg: "card", ProfileId: profileId }] } },
  ...extra,
});

async function chain() {
  const key = await createKey(client());
  const profile = await client().send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig(key.id) }));
  const config = await client().send(new CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: fleConfig(profile.FieldLevelEncryptionProfile!.Id!) }));
  return { key, profile, config };
}

describe("field-level encryption profiles", () => {
  it("create, get, get config, list, update, delete", async () => {
    const key = await createKey(client());
    const sent = profileConfig(key.id);
    const out = await client().send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: sent }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    const p = out.FieldLevelEncryptionProfile!;
    assert.match(p.Id!, /^P[A-Z0-9]{13}$/);
    assert.match(out.ETag!, ETAG);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/field-level-encryption-profile/${p.Id}`);
    assert.deepEqual(p.FieldLevelEncryptionProfileConfig, sent);
    const got = await client().send(new GetFieldLevelEncryptionProfileCommand({ Id: p.Id }));
    assert.equal(got.ETag, out.ETag);
    assert.deepEqual(got.FieldLevelEncryptionProfile, p);
    const config = await client().send(new GetFieldLevelEncryptionProfileConfigCommand({ Id: p.Id }));
    assert.deepEqual(config.FieldLevelEncryptionProfileConfig, sent);
    const list = await client().send(new ListFieldLevelEncryptionProfilesCommand({}));
    assert.equal(list.FieldLevelEncryptionProfileList!.Quantity, 1);
    assert.equal(list.FieldLevelEncryptionProfileList!.Items![0].Name, sent.Name);
    const changed = { ...sent, Name: unique("renamed"), Comment: "changed" };
    const updated = await client().send(new UpdateFieldLevelEncryptionProfileCommand({ Id: p.Id, IfMatch: out.ETag, FieldLevelEncryptionProfileConfig: changed }));
    assert.notEqual(updated.ETag, out.ETag);
    assert.equal(updated.FieldLevelEncryptionProfile!.FieldLevelEncryptionProfileConfig!.Name, changed.Name);
    await client().send(new DeleteFieldLevelEncryptionProfileCommand({ Id: p.Id, IfMatch: updated.ETag }));
    await refused(() => client().send(new GetFieldLevelEncryptionProfileCommand({ Id: p.Id })), "NoSuchFieldLevelEncryptionProfile", 404);
    // The key is free again.
    await client().send(new DeletePublicKeyCommand({ Id: key.id, IfMatch: key.etag }));
  });

  it("refusals leave everything unchanged", async () => {
    const key = await createKey(client());
    const first = await client().send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig(key.id) }));
    const p = first.FieldLevelEncryptionProfile!;
    const create = (c: unknown) => () => client().send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: c as never }));
    await refused(create(profileConfig("K0000000000000")), "NoSuchPublicKey", 404);
    await refused(create(profileConfig(key.id, { Name: p.FieldLevelEncryptionProfileConfig!.Name })), "FieldLevelEncryptionProfileAlreadyExists", 409);
    await refused(create(profileConfig(key.id, { CallerReference: p.FieldLevelEncryptionProfileConfig!.CallerReference })), "FieldLevelEncryptionProfileAlreadyExists", 409);
    await refused(
      create(profileConfig(key.id, { EncryptionEntities: { Quantity: 2, Items: [{ PublicKeyId: key.id, ProviderId: "p", FieldPatterns: { Quantity: 1, Items: ["a"] } }] } })),
      "InconsistentQuantities",
      400,
    );
    const patterns = Array.from({ length: 11 }, (_, i) => `f${i}`);
    await refused(
      create(profileConfig(key.id, { EncryptionEntities: { Quantity: 1, Items: [{ PublicKeyId: key.id, ProviderId: "p", FieldPatterns: { Quantity: 11, Items: patterns } }] } })),
      "TooManyFieldLevelEncryptionFieldPatterns",
      400,
    );
    await refused(create(profileConfig(key.id, { Name: "" })), "InvalidArgument", 400);
    const update = (IfMatch: string | undefined, c = p.FieldLevelEncryptionProfileConfig) => () =>
      client().send(new UpdateFieldLevelEncryptionProfileCommand({ Id: p.Id, IfMatch, FieldLevelEncryptionProfileConfig: c }));
    await refused(update(undefined), "InvalidIfMatchVersion", 400);
    await refused(update("EXXXXXXXXXXXXX"), "PreconditionFailed", 412);
    await refused(update(first.ETag, { ...p.FieldLevelEncryptionProfileConfig!, CallerReference: "other" }), "IllegalUpdate", 400);
    await refused(() => client().send(new UpdateFieldLevelEncryptionProfileCommand({ Id: "PNOPE", IfMatch: first.ETag, FieldLevelEncryptionProfileConfig: p.FieldLevelEncryptionProfileConfig })), "NoSuchFieldLevelEncryptionProfile", 404);
    await refused(() => client().send(new DeleteFieldLevelEncryptionProfileCommand({ Id: p.Id })), "InvalidIfMatchVersion", 400);
    await refused(() => client().send(new DeletePublicKeyCommand({ Id: key.id, IfMatch: key.etag })), "PublicKeyInUse", 409);
  });

  it("at most 10 profiles", async () => {
    const key = await createKey(client());
    for (let i = 0; i < 10; i++) await client().send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig(key.id) }));
    await refused(() => client().send(new CreateFieldLevelEncryptionProfileCommand({ FieldLevelEncryptionProfileConfig: profileConfig(key.id) })), "TooManyFieldLevelEncryptionProfiles", 400);
    const page = await client().send(new ListFieldLevelEncryptionProfilesCommand({ MaxItems: 4 }));
    assert.equal(page.FieldLevelEncryptionProfileList!.Quantity, 4);
    assert.ok(page.FieldLevelEncryptionProfileList!.NextMarker);
  });
});

describe("field-level encryption configs", () => {
  it("create, get, get config, list, update, delete; a profile in use cannot be deleted", async () => {
    const { profile, config } = await chain();
    assert.equal(config.$metadata.httpStatusCode, 201);
    const c = config.FieldLevelEncryption!;
    assert.match(c.Id!, /^C[A-Z0-9]{13}$/);
    assert.equal(config.Location, `https://cloudfront.amazonaws.com/2020-05-31/field-level-encryption/${c.Id}`);
    const got = await client().send(new GetFieldLevelEncryptionCommand({ Id: c.Id }));
    assert.equal(got.ETag, config.ETag);
    assert.deepEqual(got.FieldLevelEncryption, c);
    const only = await client().send(new GetFieldLevelEncryptionConfigCommand({ Id: c.Id }));
    assert.deepEqual(only.FieldLevelEncryptionConfig, c.FieldLevelEncryptionConfig);
    const list = await client().send(new ListFieldLevelEncryptionConfigsCommand({}));
    assert.equal(list.FieldLevelEncryptionList!.Quantity, 1);
    assert.deepEqual(list.FieldLevelEncryptionList!.Items![0].QueryArgProfileConfig, c.FieldLevelEncryptionConfig!.QueryArgProfileConfig);
    const pid = profile.FieldLevelEncryptionProfile!.Id!;
    await refused(() => client().send(new DeleteFieldLevelEncryptionProfileCommand({ Id: pid, IfMatch: profile.ETag })), "FieldLevelEncryptionProfileInUse", 409);
    const sent = c.FieldLevelEncryptionConfig!;
    const updated = await client().send(
      new UpdateFieldLevelEncryptionConfigCommand({ Id: c.Id, IfMatch: config.ETag, FieldLevelEncryptionConfig: { ...sent, Comment: "now", QueryArgProfileConfig: undefined } }),
    );
    assert.equal(updated.FieldLevelEncryption!.FieldLevelEncryptionConfig!.Comment, "now");
    assert.equal(updated.FieldLevelEncryption!.FieldLevelEncryptionConfig!.QueryArgProfileConfig, undefined);
    await client().send(new DeleteFieldLevelEncryptionConfigCommand({ Id: c.Id, IfMatch: updated.ETag }));
    await client().send(new DeleteFieldLevelEncryptionProfileCommand({ Id: pid, IfMatch: profile.ETag }));
    assert.equal((await client().send(new ListFieldLevelEncryptionConfigsCommand({}))).FieldLevelEncryptionList!.Quantity, 0);
  });

  it("refusals leave everything unchanged", async () => {
    const { profile, config } = await chain();
    const pid = profile.FieldLevelEncryptionProfile!.Id!;
    const create = (c: unknown) => () => client().send(new CreateFieldLevelEncryptionConfigCommand({ FieldLevelEncryptionConfig: c as never }));
    await refused(create(fleConfig("PNOPE")), "NoSuchFieldLevelEncryptionProfile", 404);
    await refused(create(fleConfig(pid, { CallerReference: config.FieldLevelEncryption!.FieldLevelEncryptionConfig!.CallerReference })), "FieldLevelEncryptionConfigAlreadyExists", 409);
    await refused(
      create(fleConfig(pid, { QueryArgProfileConfig: { ForwardWhenQueryArgProfileIsUnknown: true, QueryArgProfiles: { Quantity: 1, Items: [{ QueryArg: "x", ProfileId: "" }] } } })),
      "QueryArgProfileEmpty",
      400,
    );
    const six = Array.from({ length: 6 }, (_, i) => ({ QueryArg: `q${i}`, ProfileId: pid }));
    await refused(
      create(fleConfig(pid, { QueryArgProfileConfig: { ForwardWhenQueryArgProfileIsUnknown: true, QueryArgProfiles: { Quantity: 6, Items: six } } })),
      "TooManyFieldLevelEncryptionQueryArgProfiles",
      400,
    );
    await refused(
      create(fleConfig(pid, { QueryArgProfileConfig: { ForwardWhenQueryArgProfileIsUnknown: true, QueryArgProfiles: { Quantity: 3, Items: six.slice(0, 1) } } })),
      "InconsistentQuantities",
      400,
    );
    const c = config.FieldLevelEncryption!;
    await refused(() => client().send(new GetFieldLevelEncryptionCommand({ Id: "CNOPE" })), "NoSuchFieldLevelEncryptionConfig", 404);
    await refused(
      () => client().send(new UpdateFieldLevelEncryptionConfigCommand({ Id: c.Id, IfMatch: "EXXXXXXXXXXXXX", FieldLevelEncryptionConfig: c.FieldLevelEncryptionConfig })),
      "PreconditionFailed",
      412,
    );
    await refused(() => client().send(new DeleteFieldLevelEncryptionConfigCommand({ Id: c.Id, IfMatch: "EXXXXXXXXXXXXX" })), "PreconditionFailed", 412);
  });

  it("a distribution's cache behaviour uses a config: the config is in use until the distribution drops it", async () => {
    const { config } = await chain();
    const id = config.FieldLevelEncryption!.Id!;
    const behaviour = { ViewerProtocolPolicy: "https-only", FieldLevelEncryptionId: id, AllowedMethods: { Quantity: 7, Items: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] } };
    await refused(
      () => client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({}, { ...behaviour, FieldLevelEncryptionId: "CNOPE" }) })),
      "NoSuchFieldLevelEncryptionConfig",
      404,
    );
    const d = await client().send(new CreateDistributionCommand({ DistributionConfig: distributionConfig({}, behaviour) }));
    assert.equal(d.Distribution!.DistributionConfig!.DefaultCacheBehavior!.FieldLevelEncryptionId, id);
    await refused(() => client().send(new DeleteFieldLevelEncryptionConfigCommand({ Id: id, IfMatch: config.ETag })), "FieldLevelEncryptionConfigInUse", 409);
    const c = d.Distribution!.DistributionConfig!;
    await client().send(
      new UpdateDistributionCommand({ Id: d.Distribution!.Id, IfMatch: d.ETag, DistributionConfig: { ...c, DefaultCacheBehavior: { ...c.DefaultCacheBehavior!, FieldLevelEncryptionId: "" } } }),
    );
    await client().send(new DeleteFieldLevelEncryptionConfigCommand({ Id: id, IfMatch: config.ETag }));
  });
});

describe("field-level encryption through the AWS CLI", { skip: awsCliMissing }, () => {
  it("public key → profile → config → distribution; the key is in use until the profile is gone", async () => {
    const cli = (...args: string[]) => aws(server().endpoint, "cloudfront", ...args);
    const ok = async (...args: string[]) => {
      const r = await cli(...args);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout ? r.json() : {};
    };
    const key = await ok("create-public-key", "--public-key-config", JSON.stringify({ CallerReference: "cli-pk", Name: "cli-pk", EncodedKey: rsaPem() }));
    const keyId = key.PublicKey.Id;
    const profile = await ok(
      "create-field-level-encryption-profile",
      "--field-level-encryption-profile-config",
      JSON.stringify({
        Name: "cli-profile",
        CallerReference: "cli-profile",
        EncryptionEntities: { Quantity: 1, Items: [{ PublicKeyId: keyId, ProviderId: "provider", FieldPatterns: { Quantity: 1, Items: ["card"] } }] },
      }),
    );
    const profileId = profile.FieldLevelEncryptionProfile.Id;
    const config = await ok(
      "create-field-level-encryption-config",
      "--field-level-encryption-config",
      JSON.stringify({
        CallerReference: "cli-config",
        ContentTypeProfileConfig: {
          ForwardWhenContentTypeIsUnknown: true,
          ContentTypeProfiles: { Quantity: 1, Items: [{ Format: "URLEncoded", ProfileId: profileId, ContentType: "application/x-www-form-urlencoded" }] },
        },
      }),
    );
    const configId = config.FieldLevelEncryption.Id;
    const dc = distributionConfig({ Enabled: false }, {
      ViewerProtocolPolicy: "redirect-to-https",
      FieldLevelEncryptionId: configId,
      AllowedMethods: { Quantity: 7, Items: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"] },
    });
    const dist = await ok("create-distribution", "--distribution-config", JSON.stringify(dc));
    const distId = dist.Distribution.Id;
    const inUse = await cli("delete-public-key", "--id", keyId, "--if-match", key.ETag);
    assert.notEqual(inUse.code, 0);
    assert.match(inUse.stderr, /PublicKeyInUse/);
    const read = await ok("get-field-level-encryption", "--id", configId);
    assert.equal(read.FieldLevelEncryption.FieldLevelEncryptionConfig.CallerReference, "cli-config");
    // Destroy in Terraform's order: the distribution, the config, the profile, the key.
    await until(() => ok("get-distribution", "--id", distId), (d) => d.Distribution.Status === "Deployed");
    const etag = (await ok("get-distribution", "--id", distId)).ETag;
    await ok("delete-distribution", "--id", distId, "--if-match", etag);
    await ok("delete-field-level-encryption-config", "--id", configId, "--if-match", read.ETag);
    await ok("delete-field-level-encryption-profile", "--id", profileId, "--if-match", profile.ETag);
    await ok("delete-public-key", "--id", keyId, "--if-match", key.ETag);
    assert.equal((await ok("list-field-level-encryption-profiles")).FieldLevelEncryptionProfileList.Quantity, 0);
  });
});

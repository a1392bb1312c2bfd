import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { beforeEach, describe, it } from "node:test";
import {
  CreatePublicKeyCommand,
  DeletePublicKeyCommand,
  GetPublicKeyCommand,
  GetPublicKeyConfigCommand,
  ListPublicKeysCommand,
  UpdatePublicKeyCommand,
} from "@aws-sdk/client-cloudfront";
import { useServer } from "../harness.js";
import { cloudFront, createGroup, createKey, ecPem, ETAG, ISO_MILLIS, PUBLIC_KEY_ID, reset, rsaPem, snapshot, unique, refusal } from "./fixtures.js";

const server = useServer();
const client = () => cloudFront(server().endpoint);

beforeEach(() => reset(server().endpoint));

const refused = refusal(() => snapshot(client()));

describe("CreatePublicKey", () => {
  it("creates an RSA-2048 key: 201, K-id, ETag, Location, trailing newline added, empty Comment echoed", async () => {
    const pem = rsaPem();
    const out = await client().send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "ref-1", Name: "rsa", EncodedKey: pem } }));
    assert.equal(out.$metadata.httpStatusCode, 201);
    assert.match(out.PublicKey!.Id!, PUBLIC_KEY_ID);
    assert.match(out.ETag!, ETAG);
    assert.equal(out.Location, `https://cloudfront.amazonaws.com/2020-05-31/public-key/${out.PublicKey!.Id}`);
    assert.ok(out.PublicKey!.CreatedTime instanceof Date);
    assert.deepEqual(out.PublicKey!.PublicKeyConfig, { CallerReference: "ref-1", Name: "rsa", EncodedKey: `${pem}\n`, Comment: "" });
  });

  it("accepts an EC P-256 key and keeps a key that already ends with a newline as it is", async () => {
    const pem = ecPem();
    assert.ok(pem.endsWith("\n"));
    const out = await client().send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "ec", Name: "ec", EncodedKey: pem, Comment: "p256" } }));
    assert.equal(out.PublicKey!.PublicKeyConfig!.EncodedKey, pem);
    assert.equal(out.PublicKey!.PublicKeyConfig!.Comment, "p256");
  });

  it("writes CreatedTime as ISO 8601 with milliseconds on the wire", async () => {
    const { id } = await createKey(client());
    const res = await fetch(`${server().endpoint}/2020-05-31/public-key/${id}`);
    const body = await res.text();
    const created = /<CreatedTime>([^<]+)<\/CreatedTime>/.exec(body)![1];
    assert.match(created, ISO_MILLIS);
    assert.match(body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<PublicKey xmlns="http:\/\/cloudfront.amazonaws.com\/doc\/2020-05-31\/"><Id>/);
  });

  for (const [what, encodedKey] of [
    ["garbage", "not a key"],
    ["an RSA-1024 key", generateRsa(1024)],
    ["an RSA-4096 key", generateRsa(4096)],
    ["an EC P-384 key", generateEc("secp384r1")],
    ["a PKCS#1 RSA PUBLIC KEY", generatePkcs1()],
    ["a truncated PEM", rsaPem().slice(0, 200) + "\n-----END PUBLIC KEY-----"],
  ] as const) {
    it(`refuses ${what} with InvalidArgument and creates nothing`, async () => {
      await refused(
        () => client().send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: unique("r"), Name: unique("n"), EncodedKey: encodedKey } })),
        "InvalidArgument",
        400,
      );
    });
  }

  it("refuses a Comment longer than 128 characters", async () => {
    await createKey(client());
    await refused(
      () => client().send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "r", Name: "n", EncodedKey: rsaPem(), Comment: "c".repeat(129) } })),
      "InvalidArgument",
      400,
    );
    const ok = await client().send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "r", Name: "n", EncodedKey: rsaPem(), Comment: "c".repeat(128) } }));
    assert.equal(ok.PublicKey!.PublicKeyConfig!.Comment!.length, 128);
  });

  it("refuses a name already used by another key with PublicKeyAlreadyExists (409)", async () => {
    await createKey(client(), "taken");
    const error = await refused(
      () => client().send(new CreatePublicKeyCommand({ PublicKeyConfig: { CallerReference: "other", Name: "taken", EncodedKey: rsaPem() } })),
      "PublicKeyAlreadyExists",
      409,
    );
    assert.match(error.message, /associated with another public key/);
  });

  it("is idempotent on CallerReference: the same config returns the same key, another config is refused", async () => {
    const pem = rsaPem();
    const config = { CallerReference: "same", Name: "idem", EncodedKey: pem, Comment: "x" };
    const first = await client().send(new CreatePublicKeyCommand({ PublicKeyConfig: config }));
    const again = await client().send(new CreatePublicKeyCommand({ PublicKeyConfig: config }));
    assert.equal(again.PublicKey!.Id, first.PublicKey!.Id);
    assert.equal(again.ETag, first.ETag);
    await refused(
      () => client().send(new CreatePublicKeyCommand({ PublicKeyConfig: { ...config, Name: "idem-2" } })),
      "PublicKeyAlreadyExists",
      409,
    );
    const list = await client().send(new ListPublicKeysCommand({}));
    assert.equal(list.PublicKeyList!.Quantity, 1);
  });

  it("answers TooManyPublicKeys (400) past 10 keys", async () => {
    for (let i = 0; i < 10; i++) await createKey(client());
    const error = await refused(() => createKey(client()), "TooManyPublicKeys", 400);
    assert.match(error.message, /exceed the maximum number of CloudFront public keys allowed/);
  });
});

describe("GetPublicKey / GetPublicKeyConfig", () => {
  it("return the key and its config with the ETag issued at create, and reads issue no new ETag", async () => {
    const { id, etag, out } = await createKey(client(), "k", "comment");
    const got = await client().send(new GetPublicKeyCommand({ Id: id }));
    assert.equal(got.ETag, etag);
    assert.deepEqual(got.PublicKey, out.PublicKey);
    const config = await client().send(new GetPublicKeyConfigCommand({ Id: id }));
    assert.equal(config.ETag, etag);
    assert.deepEqual(config.PublicKeyConfig, out.PublicKey!.PublicKeyConfig);
    assert.equal((await client().send(new GetPublicKeyCommand({ Id: id }))).ETag, etag);
  });

  it("answer NoSuchPublicKey (404) for an unknown id", async () => {
    for (const call of [
      () => client().send(new GetPublicKeyCommand({ Id: "KNOTAREALKEY00" })),
      () => client().send(new GetPublicKeyConfigCommand({ Id: "KNOTAREALKEY00" })),
    ]) {
      await refused(call, "NoSuchPublicKey", 404);
    }
  });
});

describe("UpdatePublicKey", () => {
  it("changes only the Comment, issues a new ETag and keeps id and CreatedTime", async () => {
    const { id, etag, out } = await createKey(client(), "k", "old");
    const config = out.PublicKey!.PublicKeyConfig!;
    const updated = await client().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: { ...config, Comment: "new" } }));
    assert.equal(updated.$metadata.httpStatusCode, 200);
    assert.match(updated.ETag!, ETAG);
    assert.notEqual(updated.ETag, etag);
    assert.equal(updated.PublicKey!.PublicKeyConfig!.Comment, "new");
    assert.deepEqual(updated.PublicKey!.CreatedTime, out.PublicKey!.CreatedTime);
    const got = await client().send(new GetPublicKeyCommand({ Id: id }));
    assert.equal(got.ETag, updated.ETag);
    assert.equal(got.PublicKey!.PublicKeyConfig!.Comment, "new");
  });

  it("accepts the stored key re-sent without its trailing newline (as Terraform does)", async () => {
    const { id, etag, out } = await createKey(client());
    const config = out.PublicKey!.PublicKeyConfig!;
    const updated = await client().send(
      new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: { ...config, EncodedKey: config.EncodedKey!.trimEnd(), Comment: "c" } }),
    );
    assert.equal(updated.PublicKey!.PublicKeyConfig!.EncodedKey, config.EncodedKey);
  });

  it("refuses a changed EncodedKey, Name or CallerReference with CannotChangeImmutablePublicKeyFields", async () => {
    const { id, etag, out } = await createKey(client());
    const config = out.PublicKey!.PublicKeyConfig!;
    for (const change of [{ EncodedKey: rsaPem() }, { Name: "renamed" }, { CallerReference: "other-ref" }]) {
      await refused(
        () => client().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: { ...config, ...change } })),
        "CannotChangeImmutablePublicKeyFields",
        400,
      );
    }
  });

  it("answers InvalidIfMatchVersion (400) without If-Match and PreconditionFailed (412) with a stale one", async () => {
    const { id, etag, out } = await createKey(client());
    const config = { ...out.PublicKey!.PublicKeyConfig!, Comment: "x" };
    const missing = await refused(() => client().send(new UpdatePublicKeyCommand({ Id: id, PublicKeyConfig: config })), "InvalidIfMatchVersion", 400);
    assert.equal(missing.message, "The If-Match version is missing or not valid for the resource.");
    const fresh = await client().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: config }));
    const stale = await refused(() => client().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: config })), "PreconditionFailed", 412);
    assert.match(stale.message, /preconditions/);
    assert.equal((await client().send(new GetPublicKeyCommand({ Id: id }))).ETag, fresh.ETag);
  });

  it("refuses a Comment longer than 128 and answers NoSuchPublicKey for an unknown id", async () => {
    const { id, etag, out } = await createKey(client());
    const config = out.PublicKey!.PublicKeyConfig!;
    await refused(
      () => client().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: { ...config, Comment: "x".repeat(129) } })),
      "InvalidArgument",
      400,
    );
    await refused(
      () => client().send(new UpdatePublicKeyCommand({ Id: "KNOTAREALKEY00", IfMatch: etag, PublicKeyConfig: config })),
      "NoSuchPublicKey",
      404,
    );
  });
});

describe("DeletePublicKey", () => {
  it("deletes with the current ETag: 204, then the key and its name are gone", async () => {
    const { id, etag } = await createKey(client(), "gone");
    const out = await client().send(new DeletePublicKeyCommand({ Id: id, IfMatch: etag }));
    assert.equal(out.$metadata.httpStatusCode, 204);
    await refused(() => client().send(new GetPublicKeyCommand({ Id: id })), "NoSuchPublicKey", 404);
    await createKey(client(), "gone"); // the name is free again
  });

  it("needs If-Match (InvalidIfMatchVersion), the current ETag (PreconditionFailed) and an existing id (NoSuchPublicKey)", async () => {
    const { id, etag, out } = await createKey(client());
    await refused(() => client().send(new DeletePublicKeyCommand({ Id: id })), "InvalidIfMatchVersion", 400);
    await client().send(new UpdatePublicKeyCommand({ Id: id, IfMatch: etag, PublicKeyConfig: { ...out.PublicKey!.PublicKeyConfig!, Comment: "v2" } }));
    await refused(() => client().send(new DeletePublicKeyCommand({ Id: id, IfMatch: etag })), "PreconditionFailed", 412);
    await refused(() => client().send(new DeletePublicKeyCommand({ Id: "KNOTAREALKEY00", IfMatch: etag })), "NoSuchPublicKey", 404);
  });

  it("answers PublicKeyInUse (409) while a key group holds the key", async () => {
    const key = await createKey(client());
    await createGroup(client(), [key.id]);
    const error = await refused(() => client().send(new DeletePublicKeyCommand({ Id: key.id, IfMatch: key.etag })), "PublicKeyInUse", 409);
    assert.match(error.message, /currently associated with either Key Group/);
  });
});

describe("ListPublicKeys", () => {
  it("answers an empty account with MaxItems 100, Quantity 0 and no Items element", async () => {
    const res = await fetch(`${server().endpoint}/2020-05-31/public-key`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /<PublicKeyList xmlns="http:\/\/cloudfront.amazonaws.com\/doc\/2020-05-31\/"><MaxItems>100<\/MaxItems><Quantity>0<\/Quantity><\/PublicKeyList>$/);
  });

  it("lists summaries and pages with Marker / MaxItems / NextMarker, stable under inserts", async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 7; i++) ids.add((await createKey(client(), `k${i}`, `c${i}`)).id);
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = (await client().send(new ListPublicKeysCommand({ Marker: marker, MaxItems: 3 }))).PublicKeyList!;
      assert.equal(page.MaxItems, 3);
      assert.equal(page.Quantity, page.Items?.length ?? 0);
      for (const item of page.Items ?? []) {
        assert.deepEqual(Object.keys(item).sort(), ["Comment", "CreatedTime", "EncodedKey", "Id", "Name"]);
        seen.push(item.Id!);
      }
      if (pages === 0) for (let i = 0; i < 2; i++) ids.add((await createKey(client(), `late${i}`)).id); // inserted mid-listing
      marker = page.NextMarker;
      pages++;
    } while (marker);
    assert.equal(new Set(seen).size, seen.length, "no key listed twice");
    const original = [...ids].slice(0, 7);
    for (const id of original) assert.ok(seen.includes(id), `existing key ${id} not skipped`);
    assert.deepEqual(seen, [...seen].sort(), "ordered by id");
  });

  it("refuses a MaxItems that is not a positive integer with InvalidArgument", async () => {
    for (const value of ["abc", "0", "-1"]) {
      const res = await fetch(`${server().endpoint}/2020-05-31/public-key?MaxItems=${value}`);
      assert.equal(res.status, 400, value);
      assert.match(await res.text(), /<Code>InvalidArgument<\/Code>/);
    }
  });
});

function generateRsa(bits: number) {
  return generateKeyPairSync("rsa", { modulusLength: bits }).publicKey.export({ type: "spki", format: "pem" }).toString();
}
function generateEc(curve: string) {
  return generateKeyPairSync("ec", { namedCurve: curve }).publicKey.export({ type: "spki", format: "pem" }).toString();
}
function generatePkcs1() {
  return generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({ type: "pkcs1", format: "pem" }).toString();
}

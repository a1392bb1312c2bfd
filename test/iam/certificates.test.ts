import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  CreateUserCommand,
  DeleteServerCertificateCommand,
  DeleteSigningCertificateCommand,
  DeleteUserCommand,
  GetServerCertificateCommand,
  type IAMClient,
  ListServerCertificatesCommand,
  ListServerCertificateTagsCommand,
  ListSigningCertificatesCommand,
  TagServerCertificateCommand,
  UntagServerCertificateCommand,
  UpdateServerCertificateCommand,
  UpdateSigningCertificateCommand,
  UploadServerCertificateCommand,
  UploadSigningCertificateCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { certificate } from "./credentialFixtures.js";
import { ACCOUNT, expectError, iamClient, unique } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

async function user() {
  const name = unique("signer");
  await iam().send(new CreateUserCommand({ UserName: name }));
  return name;
}

const certs = [certificate(), certificate({ ec: true }), certificate({ ec: true })];
const signing = async (userName: string) => (await iam().send(new ListSigningCertificatesCommand({ UserName: userName }))).Certificates!;

describe("signing certificates", () => {
  it("uploads a certificate: a 24-character id, Active, the body returned exactly as uploaded", async () => {
    const name = await user();
    const body = `\n${certs[0].body}\n`;
    const { Certificate } = await iam().send(new UploadSigningCertificateCommand({ UserName: name, CertificateBody: body }));
    assert.match(Certificate!.CertificateId!, /^[A-Z0-9]{24}$/);
    assert.equal(Certificate!.CertificateBody, body);
    assert.equal(Certificate!.Status, "Active");
    assert.equal(Certificate!.UserName, name);
    assert.deepEqual(await signing(name), [Certificate]);
    await iam().send(new UpdateSigningCertificateCommand({ UserName: name, CertificateId: Certificate!.CertificateId, Status: "Inactive" }));
    assert.equal((await signing(name))[0].Status, "Inactive");
    await expectError(iam().send(new DeleteUserCommand({ UserName: name })), "DeleteConflict", 409, "Cannot delete entity, must delete signing certificates first.");
    await iam().send(new DeleteSigningCertificateCommand({ UserName: name, CertificateId: Certificate!.CertificateId }));
    assert.deepEqual(await signing(name), []);
    await iam().send(new DeleteUserCommand({ UserName: name }));
  });

  it("allows 2 per user (LimitExceeded 409 on the third) and the same certificate once in the account", async () => {
    const name = await user();
    await iam().send(new UploadSigningCertificateCommand({ UserName: name, CertificateBody: certs[1].body }));
    await iam().send(new UploadSigningCertificateCommand({ UserName: name, CertificateBody: certs[2].body }));
    await expectError(
      iam().send(new UploadSigningCertificateCommand({ UserName: name, CertificateBody: certificate({ ec: true }).body })),
      "LimitExceeded",
      409,
      "Cannot exceed quota for CertificatesPerUser: 2",
    );
    await expectError(iam().send(new UploadSigningCertificateCommand({ UserName: await user(), CertificateBody: certs[1].body })), "DuplicateCertificate", 409);
    assert.equal((await signing(name)).length, 2);
  });

  it("refuses what is not a PEM certificate with MalformedCertificate (400)", async () => {
    const name = await user();
    for (const body of ["hello", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", certs[0].key]) {
      await expectError(iam().send(new UploadSigningCertificateCommand({ UserName: name, CertificateBody: body })), "MalformedCertificate", 400);
    }
    assert.deepEqual(await signing(name), []);
  });

  it("checks the user before the certificate, and answers NoSuchEntity for an unknown id", async () => {
    await expectError(iam().send(new UploadSigningCertificateCommand({ UserName: "notauser", CertificateBody: "junk" })), "NoSuchEntity", 404, "The user with name notauser cannot be found.");
    await expectError(iam().send(new ListSigningCertificatesCommand({ UserName: "notauser" })), "NoSuchEntity", 404, "The user with name notauser cannot be found.");
    const name = await user();
    const id = "A".repeat(24);
    await expectError(iam().send(new UpdateSigningCertificateCommand({ UserName: name, CertificateId: id, Status: "Active" })), "NoSuchEntity", 404, `The Certificate with id ${id} cannot be found.`);
    await expectError(iam().send(new DeleteSigningCertificateCommand({ UserName: name, CertificateId: id })), "NoSuchEntity", 404, `The Certificate with id ${id} cannot be found.`);
  });

  it("keeps the root's own certificates when UserName is left out", async () => {
    const body = certificate({ ec: true }).body;
    const { Certificate } = await iam().send(new UploadSigningCertificateCommand({ CertificateBody: body }));
    const mine = (await iam().send(new ListSigningCertificatesCommand({}))).Certificates!;
    assert.deepEqual(mine.map((c) => c.CertificateId), [Certificate!.CertificateId]);
    await iam().send(new DeleteSigningCertificateCommand({ CertificateId: Certificate!.CertificateId }));
  });
});

describe("server certificates", () => {
  const listed = async (PathPrefix?: string) => (await iam().send(new ListServerCertificatesCommand({ PathPrefix }))).ServerCertificateMetadataList!;

  it("uploads a certificate with its key and chain; Get returns body and chain, never the key", async () => {
    const name = unique("web");
    const leaf = certificate();
    const chain = `${certs[1].body}${certs[2].body}`;
    const { ServerCertificateMetadata, Tags } = await iam().send(
      new UploadServerCertificateCommand({
        ServerCertificateName: name,
        CertificateBody: leaf.body,
        PrivateKey: leaf.key,
        CertificateChain: chain,
        Path: "/cloudfront/",
        Tags: [{ Key: "app", Value: "site" }],
      }),
    );
    assert.match(ServerCertificateMetadata!.ServerCertificateId!, /^ASCA[A-Z2-7]{17}$/);
    assert.equal(ServerCertificateMetadata!.Arn, `arn:aws:iam::${ACCOUNT}:server-certificate/cloudfront/${name}`);
    assert.deepEqual(ServerCertificateMetadata!.Expiration, leaf.notAfter);
    assert.deepEqual(Tags, [{ Key: "app", Value: "site" }]);
    const got = (await iam().send(new GetServerCertificateCommand({ ServerCertificateName: name }))).ServerCertificate!;
    assert.equal(got.CertificateBody, leaf.body);
    assert.equal(got.CertificateChain, chain);
    assert.deepEqual(got.ServerCertificateMetadata, ServerCertificateMetadata);
    assert.deepEqual(got.Tags, [{ Key: "app", Value: "site" }]);
    assert.ok(!JSON.stringify(got).includes("PRIVATE KEY"));
    assert.deepEqual((await listed("/cloudfront/")).map((c) => c.ServerCertificateName), [name]);
  });

  it("refuses a key that is not the certificate's (KeyPairMismatch) and malformed PEM (MalformedCertificate)", async () => {
    const name = unique("bad");
    const leaf = certificate({ ec: true });
    const upload = (CertificateBody: string, PrivateKey: string, CertificateChain?: string) =>
      iam().send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody, PrivateKey, CertificateChain }));
    await expectError(upload(leaf.body, certs[1].key), "KeyPairMismatch", 400);
    await expectError(upload("not pem", leaf.key), "MalformedCertificate", 400);
    await expectError(upload(leaf.body, "not a key"), "MalformedCertificate", 400);
    await expectError(upload(leaf.body, leaf.key, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"), "MalformedCertificate", 400);
    await expectError(iam().send(new GetServerCertificateCommand({ ServerCertificateName: name })), "NoSuchEntity", 404, `The Server Certificate with name ${name} cannot be found.`);
  });

  it("refuses a second certificate with the name (409); renames and moves keep id and tags", async () => {
    const name = unique("site");
    const leaf = certificate({ ec: true });
    const { ServerCertificateMetadata } = await iam().send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody: leaf.body, PrivateKey: leaf.key }));
    await expectError(
      iam().send(new UploadServerCertificateCommand({ ServerCertificateName: name, CertificateBody: leaf.body, PrivateKey: leaf.key })),
      "EntityAlreadyExists",
      409,
      `The Server Certificate with name ${name} already exists.`,
    );
    await iam().send(new TagServerCertificateCommand({ ServerCertificateName: name, Tags: [{ Key: "k", Value: "v" }] }));
    const renamed = unique("moved");
    await iam().send(new UpdateServerCertificateCommand({ ServerCertificateName: name, NewServerCertificateName: renamed, NewPath: "/elb/" }));
    await expectError(iam().send(new GetServerCertificateCommand({ ServerCertificateName: name })), "NoSuchEntity", 404);
    const got = (await iam().send(new GetServerCertificateCommand({ ServerCertificateName: renamed }))).ServerCertificate!;
    assert.equal(got.ServerCertificateMetadata!.ServerCertificateId, ServerCertificateMetadata!.ServerCertificateId);
    assert.equal(got.ServerCertificateMetadata!.Path, "/elb/");
    assert.deepEqual((await iam().send(new ListServerCertificateTagsCommand({ ServerCertificateName: renamed }))).Tags, [{ Key: "k", Value: "v" }]);
    await iam().send(new UntagServerCertificateCommand({ ServerCertificateName: renamed, TagKeys: ["k"] }));
    assert.deepEqual((await iam().send(new ListServerCertificateTagsCommand({ ServerCertificateName: renamed }))).Tags, []);
    await iam().send(new DeleteServerCertificateCommand({ ServerCertificateName: renamed }));
    await expectError(iam().send(new DeleteServerCertificateCommand({ ServerCertificateName: renamed })), "NoSuchEntity", 404);
  });

  it("holds the account to 20 server certificates (LimitExceeded 409)", async () => {
    const leaf = certificate({ ec: true });
    const existing = (await listed()).length;
    for (let i = existing; i < 20; i++) {
      await iam().send(new UploadServerCertificateCommand({ ServerCertificateName: unique("quota"), CertificateBody: leaf.body, PrivateKey: leaf.key, Path: "/quota/" }));
    }
    await expectError(
      iam().send(new UploadServerCertificateCommand({ ServerCertificateName: unique("quota"), CertificateBody: leaf.body, PrivateKey: leaf.key })),
      "LimitExceeded",
      409,
      "Cannot exceed quota for ServerCertificatesPerAccount: 20",
    );
    assert.equal((await listed()).length, 20);
    for (const c of await listed("/quota/")) await iam().send(new DeleteServerCertificateCommand({ ServerCertificateName: c.ServerCertificateName }));
  });
});

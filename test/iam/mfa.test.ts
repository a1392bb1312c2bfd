import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { inflateSync } from "node:zlib";
import { describe, it } from "node:test";
import {
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteUserCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetMFADeviceCommand,
  type IAMClient,
  ListMFADevicesCommand,
  ListMFADeviceTagsCommand,
  ListVirtualMFADevicesCommand,
  ResyncMFADeviceCommand,
  TagMFADeviceCommand,
  UntagMFADeviceCommand,
  UpdateUserCommand,
} from "@aws-sdk/client-iam";
import { useServer } from "../harness.js";
import { ACCOUNT, expectError, iamClient, unique, walk } from "./helpers.js";

const server = useServer();
let client: IAMClient | undefined;
const iam = () => (client ??= iamClient(server().endpoint));

/** RFC 6238 from the seed, written independently of the server's code. */
function code(seed: string, step: number): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of seed) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const secret = Buffer.from(bits.match(/.{8}/g)!.map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", secret).update(counter).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1e6).padStart(6, "0");
}
const now = () => Math.floor(Date.now() / 30_000);
const codes = (seed: string, step = now()) => ({ AuthenticationCode1: code(seed, step), AuthenticationCode2: code(seed, step + 1) });

async function device(name = unique("token"), path?: string) {
  const { VirtualMFADevice } = await iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name, Path: path }));
  return { serial: VirtualMFADevice!.SerialNumber!, seed: Buffer.from(VirtualMFADevice!.Base32StringSeed!).toString("ascii"), png: VirtualMFADevice!.QRCodePNG! };
}

async function user() {
  const name = unique("holder");
  await iam().send(new CreateUserCommand({ UserName: name }));
  return name;
}

const virtual = async (status?: "Assigned" | "Unassigned" | "Any") =>
  (await walk(async (Marker) => {
    const r = await iam().send(new ListVirtualMFADevicesCommand({ AssignmentStatus: status, Marker, MaxItems: 50 }));
    return { ...r, items: r.VirtualMFADevices! };
  })).all;

const enabled = async (userName: string) => (await iam().send(new ListMFADevicesCommand({ UserName: userName }))).MFADevices!;

describe("virtual MFA devices", () => {
  it("creates a device with a 64-character base32 seed and a QR code PNG; lists show neither", async () => {
    const name = unique("phone");
    const d = await device(name);
    assert.equal(d.serial, `arn:aws:iam::${ACCOUNT}:mfa/${name}`);
    assert.match(d.seed, /^[A-Z2-7]{64}$/);
    const png = Buffer.from(d.png);
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.equal(png.subarray(12, 16).toString("ascii"), "IHDR");
    const width = png.readUInt32BE(16);
    assert.equal(width, png.readUInt32BE(20), "square");
    // A QR code of version v has 4v+17 modules, drawn 4 pixels each with a 4-module quiet zone.
    const modules = width / 4 - 8;
    assert.ok(Number.isInteger(modules) && (modules - 17) % 4 === 0 && modules >= 21, `module count ${modules}`);
    const idat = png.indexOf("IDAT");
    const pixels = inflateSync(png.subarray(idat + 4, idat + 4 + png.readUInt32BE(idat - 4)));
    assert.equal(pixels.length, width * (width + 1));
    // The top-left finder pattern: a dark 7x7 ring at the corner of the code.
    const at = (mx: number, my: number) => pixels[(4 * (my + 4)) * (width + 1) + 1 + 4 * (mx + 4)];
    for (let i = 0; i < 7; i++) assert.equal(at(i, 0), 0);
    assert.equal(at(1, 1), 255);
    assert.equal(at(3, 3), 0);
    const listed = (await virtual("Unassigned")).find((v) => v.SerialNumber === d.serial);
    assert.deepEqual(listed, { SerialNumber: d.serial });
  });

  it("enables a device with two consecutive TOTP codes; both lists then show it with its user", async () => {
    const name = await user();
    const d = await device();
    await iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: d.serial, ...codes(d.seed) }));
    const [m] = await enabled(name);
    assert.equal(m.UserName, name);
    assert.equal(m.SerialNumber, d.serial);
    assert.ok(m.EnableDate instanceof Date);
    const listed = (await virtual("Assigned")).find((v) => v.SerialNumber === d.serial)!;
    assert.equal(listed.User!.UserName, name);
    assert.deepEqual(listed.EnableDate, m.EnableDate);
    assert.ok(!(await virtual("Unassigned")).some((v) => v.SerialNumber === d.serial));
    const got = await iam().send(new GetMFADeviceCommand({ SerialNumber: d.serial }));
    assert.equal(got.UserName, name);
    assert.deepEqual(got.EnableDate, m.EnableDate);
    // A rename keeps the device with the user.
    const renamed = unique("renamed");
    await iam().send(new UpdateUserCommand({ UserName: name, NewUserName: renamed }));
    assert.equal((await virtual("Assigned")).find((v) => v.SerialNumber === d.serial)!.User!.UserName, renamed);
    assert.equal((await enabled(renamed))[0].UserName, renamed);
  });

  it("refuses wrong or non-consecutive codes with InvalidAuthenticationCode (403); the device stays unassigned", async () => {
    const name = await user();
    const d = await device();
    const step = now();
    for (const wrong of [
      { AuthenticationCode1: code(d.seed, step + 1), AuthenticationCode2: code(d.seed, step) },
      { AuthenticationCode1: code(d.seed, step), AuthenticationCode2: code(d.seed, step + 2) },
      { AuthenticationCode1: code(d.seed, step - 20), AuthenticationCode2: code(d.seed, step - 19) },
      { AuthenticationCode1: "000000", AuthenticationCode2: "000000" },
    ]) {
      await expectError(
        iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: d.serial, ...wrong })),
        "InvalidAuthenticationCode",
        403,
        "Authentication code for device is not valid.",
      );
    }
    assert.deepEqual(await enabled(name), []);
    assert.ok((await virtual("Unassigned")).some((v) => v.SerialNumber === d.serial));
  });

  it("allows for a device clock one step ahead, not three steps behind", async () => {
    const name = await user();
    const behind = await device();
    await expectError(
      iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: behind.serial, ...codes(behind.seed, now() - 3) })),
      "InvalidAuthenticationCode",
      403,
    );
    const ahead = await device();
    await iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: ahead.serial, ...codes(ahead.seed, now() + 1) }));
    assert.deepEqual((await enabled(name)).map((m) => m.SerialNumber), [ahead.serial]);
  });

  it("refuses a device already in use, an unknown serial and an unknown user", async () => {
    const alice = await user();
    const bob = await user();
    const d = await device();
    await iam().send(new EnableMFADeviceCommand({ UserName: alice, SerialNumber: d.serial, ...codes(d.seed) }));
    await expectError(iam().send(new EnableMFADeviceCommand({ UserName: bob, SerialNumber: d.serial, ...codes(d.seed) })), "EntityAlreadyExists", 409);
    const ghostSerial = `arn:aws:iam::${ACCOUNT}:mfa/ghost-device`;
    await expectError(
      iam().send(new EnableMFADeviceCommand({ UserName: bob, SerialNumber: ghostSerial, ...codes(d.seed) })),
      "NoSuchEntity",
      404,
      `VirtualMFADevice with serial number ${ghostSerial} doesn't exist.`,
    );
    const ghost = unique("ghost");
    await expectError(iam().send(new EnableMFADeviceCommand({ UserName: ghost, SerialNumber: d.serial, ...codes(d.seed) })), "NoSuchEntity", 404, `The user with name ${ghost} cannot be found.`);
    assert.deepEqual(await enabled(bob), []);
    assert.equal((await enabled(alice)).length, 1);
  });

  it("enables at most 8 devices per user (LimitExceeded 409 on the ninth)", async () => {
    const name = await user();
    for (let i = 0; i < 8; i++) {
      const d = await device();
      await iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: d.serial, ...codes(d.seed) }));
    }
    const ninth = await device();
    await expectError(
      iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: ninth.serial, ...codes(ninth.seed) })),
      "LimitExceeded",
      409,
      "Cannot exceed quota for MFADevicesPerUser: 8",
    );
    assert.equal((await enabled(name)).length, 8);
    assert.ok((await virtual("Unassigned")).some((v) => v.SerialNumber === ninth.serial));
  });

  it("refuses the same name at the same path (409); another path is another device", async () => {
    const name = unique("dup");
    const d = await device(name);
    await expectError(
      iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name })),
      "EntityAlreadyExists",
      409,
      "MFADevice entity at the same path and name already exists.",
    );
    const other = await device(name, "/team/");
    assert.equal(other.serial, `arn:aws:iam::${ACCOUNT}:mfa/team/${name}`);
    assert.equal((await virtual()).filter((v) => v.SerialNumber === d.serial).length, 1);
  });

  it("deletes only unassigned devices; DeleteUser waits until the device is deactivated", async () => {
    const name = await user();
    const d = await device();
    await iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: d.serial, ...codes(d.seed) }));
    await expectError(iam().send(new DeleteVirtualMFADeviceCommand({ SerialNumber: d.serial })), "DeleteConflict", 409, "MFA Device is already in use.");
    await expectError(iam().send(new DeleteUserCommand({ UserName: name })), "DeleteConflict", 409, "Cannot delete entity, must delete MFA device first.");
    assert.equal((await enabled(name)).length, 1);
    await iam().send(new DeactivateMFADeviceCommand({ UserName: name, SerialNumber: d.serial }));
    assert.deepEqual(await enabled(name), []);
    assert.ok((await virtual("Unassigned")).some((v) => v.SerialNumber === d.serial));
    await iam().send(new DeleteVirtualMFADeviceCommand({ SerialNumber: d.serial }));
    await expectError(
      iam().send(new DeleteVirtualMFADeviceCommand({ SerialNumber: d.serial })),
      "NoSuchEntity",
      404,
      `VirtualMFADevice with serial number ${d.serial} doesn't exist.`,
    );
    await iam().send(new DeleteUserCommand({ UserName: name }));
  });

  it("answers NoSuchEntity when deactivating or resyncing a device the user does not have", async () => {
    const name = await user();
    const d = await device();
    await expectError(iam().send(new DeactivateMFADeviceCommand({ UserName: name, SerialNumber: d.serial })), "NoSuchEntity", 404);
    await expectError(iam().send(new ResyncMFADeviceCommand({ UserName: name, SerialNumber: d.serial, ...codes(d.seed) })), "NoSuchEntity", 404);
    await expectError(iam().send(new GetMFADeviceCommand({ SerialNumber: d.serial, UserName: name })), "NoSuchEntity", 404);
  });

  it("resyncs with two consecutive codes, also from a clock a few minutes behind", async () => {
    const name = await user();
    const d = await device();
    await iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: d.serial, ...codes(d.seed) }));
    await iam().send(new ResyncMFADeviceCommand({ UserName: name, SerialNumber: d.serial, ...codes(d.seed, now() - 8) }));
    await expectError(
      iam().send(new ResyncMFADeviceCommand({ UserName: name, SerialNumber: d.serial, AuthenticationCode1: "123456", AuthenticationCode2: "654321" })),
      "InvalidAuthenticationCode",
      403,
    );
  });

  it("tags a device at creation and with TagMFADevice / UntagMFADevice", async () => {
    const name = unique("tagged");
    const { VirtualMFADevice } = await iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name, Tags: [{ Key: "team", Value: "red" }] }));
    assert.deepEqual(VirtualMFADevice!.Tags, [{ Key: "team", Value: "red" }]);
    const serial = VirtualMFADevice!.SerialNumber!;
    await iam().send(new TagMFADeviceCommand({ SerialNumber: serial, Tags: [{ Key: "env", Value: "prod" }] }));
    await iam().send(new UntagMFADeviceCommand({ SerialNumber: serial, TagKeys: ["team"] }));
    assert.deepEqual((await iam().send(new ListMFADeviceTagsCommand({ SerialNumber: serial }))).Tags, [{ Key: "env", Value: "prod" }]);
    assert.equal((await virtual()).find((v) => v.SerialNumber === serial)!.Tags, undefined, "lists leave tags out");
    const ghost = `arn:aws:iam::${ACCOUNT}:mfa/nobody-here`;
    await expectError(iam().send(new TagMFADeviceCommand({ SerialNumber: ghost, Tags: [{ Key: "a", Value: "b" }] })), "NoSuchEntity", 404);
  });

  it("pages ListVirtualMFADevices and refuses a marker it did not issue", async () => {
    const serials = [];
    for (let i = 0; i < 5; i++) serials.push((await device(unique("paged"), "/paging/")).serial);
    const seen: string[] = [];
    let Marker: string | undefined;
    do {
      const page = await iam().send(new ListVirtualMFADevicesCommand({ MaxItems: 2, Marker }));
      assert.ok(page.VirtualMFADevices!.length <= 2);
      seen.push(...page.VirtualMFADevices!.map((v) => v.SerialNumber!));
      Marker = page.Marker;
    } while (Marker);
    for (const s of serials) assert.ok(seen.includes(s));
    assert.equal(new Set(seen).size, seen.length, "no device twice");
    await expectError(iam().send(new ListVirtualMFADevicesCommand({ Marker: "bm90LWEtbWFya2Vy" })), "ValidationError", 400, "Invalid Marker.");
  });

  it("answers ValidationError for a bad path, a 5-digit code and a bad assignment status", async () => {
    await expectError(
      iam().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: unique("p"), Path: "no-slashes" })),
      "ValidationError",
      400,
      "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.",
    );
    const name = await user();
    const d = await device();
    await expectError(
      iam().send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: d.serial, AuthenticationCode1: "12345", AuthenticationCode2: "123456" })),
      "ValidationError",
      400,
      "1 validation error detected: Value '12345' at 'authenticationCode1' failed to satisfy constraint: Member must have length greater than or equal to 6",
    );
    await expectError(iam().send(new ListVirtualMFADevicesCommand({ AssignmentStatus: "Some" as never })), "ValidationError", 400);
    assert.deepEqual(await enabled(name), []);
  });
});

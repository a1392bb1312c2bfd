import { createHmac } from "node:crypto";
import type {
  CreateVirtualMFADeviceRequest,
  CreateVirtualMFADeviceResponse,
  DeactivateMFADeviceRequest,
  DeleteVirtualMFADeviceRequest,
  EnableMFADeviceRequest,
  GetMFADeviceRequest,
  GetMFADeviceResponse,
  ListMFADevicesRequest,
  ListMFADevicesResponse,
  ListVirtualMFADevicesRequest,
  ListVirtualMFADevicesResponse,
  ResyncMFADeviceRequest,
} from "@aws-sdk/client-iam";
import { AwsError } from "../../core/errors.js";
import { BASE32, secureRandom } from "../../core/ids.js";
import { paginate } from "./pages.js";
import type { Handler } from "../../core/service.js";
import type { Transaction } from "../../core/store/store.js";
import { KINDS, page, subject } from "./credentials.js";
import { childKey, isoSeconds, limitExceeded, listPage, requireUser, T, type UserRecord, userOutput } from "./model.js";
import { qrPng } from "./qrcode.js";
import { tagHandlers, validateTags } from "./tags.js";
import * as check from "./validation.js";

/**
 * Virtual MFA devices: a 40-byte secret shown once (base32 seed and QR code), then codes
 * checked as TOTP (RFC 6238: HMAC-SHA1, 30-second steps, 6 digits). A device exists on its
 * own (acct/path+name) and, once enabled, also under its user (acct/userId/serial), which is
 * what ListMFADevices pages and what blocks DeleteUser.
 */
export interface VirtualMfaRecord {
  SerialNumber: string;
  Path: string;
  Name: string;
  /** The base32 seed (64 characters). */
  Seed: string;
  CreateDate: string;
  UserId?: string;
  UserName?: string;
  EnableDate?: string;
  Tags?: check.Tag[];
}

export interface UserMfaRecord {
  SerialNumber: string;
  EnableDate: string;
}

const MFA_PER_USER = 8;

function base32Encode(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

function base32Decode(text: string): Buffer {
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const c of text) {
    value = (value << 5) | BASE32.indexOf(c);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** The 6-digit code of a 30-second step (RFC 4226 dynamic truncation over HMAC-SHA1). */
export function totp(secret: Buffer, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const h = createHmac("sha1", secret).update(counter).digest();
  const offset = h[h.length - 1] & 0xf;
  return String((h.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

const stepOf = (now: Date) => Math.floor(now.getTime() / 30_000);

/**
 * The step of code1 when code1 and code2 are two consecutive codes near `now`: code1 from up to
 * `behind` steps ago to one step ahead (clock drift either way), code2 the step after it (a user
 * types the code shown, waits, types the next one).
 */
function consecutive(seed: string, code1: string, code2: string, now: Date, behind: number): number | undefined {
  const secret = base32Decode(seed);
  const current = stepOf(now);
  for (let s = current - behind; s <= current + 1; s++) if (totp(secret, s) === code1 && totp(secret, s + 1) === code2) return s;
  return undefined;
}

const invalidCode = () => new AwsError("InvalidAuthenticationCode", "Authentication code for device is not valid.");
const noDevice = (serial: string) => new AwsError("NoSuchEntity", `VirtualMFADevice with serial number ${serial} doesn't exist.`);

/** The key of a virtual device from its serial (`arn:aws:iam::acct:mfa/path/name`), in this account. */
function deviceKey(account: string, serial: string): string | undefined {
  const m = /^arn:aws:iam::(\d{12}):mfa(\/.*)$/.exec(serial);
  return m && m[1] === account ? `${account}/${m[2]}` : undefined;
}

async function findDevice(tx: Transaction, account: string, serial: string) {
  const key = deviceKey(account, serial);
  const device = key ? await tx.get<VirtualMfaRecord>(T.mfaDevices, key) : undefined;
  return device && key ? { key, device } : undefined;
}

/**
 * For STS (GetSessionToken, AssumeRole with SerialNumber/TokenCode): the user a device is
 * enabled for when `code` is its current code (or the previous or next one), else undefined.
 * Reads only.
 */
export async function checkMfaCode(
  tx: Transaction,
  account: string,
  serialNumber: string,
  code: string,
  now: Date,
): Promise<{ userId: string; userName: string } | undefined> {
  const found = await findDevice(tx, account, serialNumber);
  if (!found?.device.UserId || !/^\d{6}$/.test(code)) return undefined;
  const secret = base32Decode(found.device.Seed);
  const s = stepOf(now);
  if (![s - 1, s, s + 1].some((step) => totp(secret, step) === code)) return undefined;
  return { userId: found.device.UserId, userName: found.device.UserName! };
}

/** UpdateUser: an enabled device names its user in ListVirtualMFADevices. */
export async function renameUserInMfa(tx: Transaction, account: string, userId: string, newName: string) {
  for (const [, m] of await tx.scan<UserMfaRecord>(T.userMfa, { prefix: childKey(account, userId), limit: 100 })) {
    const found = await findDevice(tx, account, m.SerialNumber);
    if (found) await tx.put(T.mfaDevices, found.key, { ...found.device, UserName: newName });
  }
}

const serialNumber = (v: ReturnType<typeof check.iamValidator>, value: string | undefined) =>
  v.length(value, "SerialNumber", 9, 256).pattern(value, "SerialNumber", /^[\w+=/:,.@-]+$/, "[\\w+=/:,.@-]+");

const codes = (v: ReturnType<typeof check.iamValidator>, input: { AuthenticationCode1?: string; AuthenticationCode2?: string }) => {
  for (const member of ["AuthenticationCode1", "AuthenticationCode2"] as const) {
    v.length(input[member], member, 6, 6).pattern(input[member], member, /^[\d]+$/, "[\\d]+");
  }
};

export const CreateVirtualMFADevice: Handler<CreateVirtualMFADeviceRequest, CreateVirtualMFADeviceResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  v.length(input.VirtualMFADeviceName, "VirtualMFADeviceName", 1, 226).pattern(input.VirtualMFADeviceName, "VirtualMFADeviceName", check.NAME_PATTERN, "[\\w+=,.@-]+");
  v.length(input.Path, "Path", 1, 512);
  v.check();
  // IAM words a bad device path its own way (not the generic pattern message).
  if (input.Path !== undefined && !/^(\/|\/[\u0021-\u007E]+\/)$/.test(input.Path)) {
    throw new AwsError(
      "ValidationError",
      "The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.",
    );
  }
  validateTags(input.Tags as check.Tag[] | undefined, v);
  const path = input.Path ?? "/";
  const name = input.VirtualMFADeviceName!;
  return ctx.transaction(async (tx) => {
    const key = `${ctx.account}/${path}${name}`;
    if (await tx.get(T.mfaDevices, key)) throw new AwsError("EntityAlreadyExists", "MFADevice entity at the same path and name already exists.");
    const seed = base32Encode(secureRandom(40));
    const device: VirtualMfaRecord = {
      SerialNumber: `arn:aws:iam::${ctx.account}:mfa${path}${name}`,
      Path: path,
      Name: name,
      Seed: seed,
      CreateDate: isoSeconds(ctx.now),
      ...(input.Tags?.length ? { Tags: input.Tags as check.Tag[] } : {}),
    };
    await tx.put(T.mfaDevices, key, device);
    const uri = `otpauth://totp/${encodeURIComponent(name)}@${ctx.account}?secret=${seed}`;
    return {
      VirtualMFADevice: {
        SerialNumber: device.SerialNumber,
        Base32StringSeed: Buffer.from(seed, "ascii"),
        QRCodePNG: qrPng(uri),
        ...(device.Tags ? { Tags: device.Tags } : {}),
      },
    };
  });
};

export const EnableMFADevice: Handler<EnableMFADeviceRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  serialNumber(v, input.SerialNumber);
  codes(v, input);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    const found = await findDevice(tx, ctx.account, input.SerialNumber!);
    if (!found) throw noDevice(input.SerialNumber!);
    if (found.device.UserId) throw new AwsError("EntityAlreadyExists", "MFA Device is already in use.");
    if ((await tx.count(T.userMfa, childKey(ctx.account, user.UserId))) >= MFA_PER_USER) throw limitExceeded("MFADevicesPerUser", MFA_PER_USER);
    if (consecutive(found.device.Seed, input.AuthenticationCode1!, input.AuthenticationCode2!, ctx.now, 1) === undefined) throw invalidCode();
    const EnableDate = isoSeconds(ctx.now);
    await tx.put(T.mfaDevices, found.key, { ...found.device, UserId: user.UserId, UserName: user.UserName, EnableDate });
    await tx.put<UserMfaRecord>(T.userMfa, childKey(ctx.account, user.UserId, found.device.SerialNumber), { SerialNumber: found.device.SerialNumber, EnableDate });
    return {};
  });
};

/** The device enabled for this user, or NoSuchEntity. */
async function enabledFor(tx: Transaction, account: string, user: UserRecord, serial: string) {
  const row = await tx.get<UserMfaRecord>(T.userMfa, childKey(account, user.UserId, serial));
  if (!row) throw new AwsError("NoSuchEntity", KINDS.mfa.missing(serial));
  return row;
}

/** Resync accepts two consecutive codes from a drifted clock: up to 10 minutes behind. */
export const ResyncMFADevice: Handler<ResyncMFADeviceRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  serialNumber(v, input.SerialNumber);
  codes(v, input);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await requireUser(tx, ctx.account, input.UserName!);
    await enabledFor(tx, ctx.account, user, input.SerialNumber!);
    const found = await findDevice(tx, ctx.account, input.SerialNumber!);
    if (!found) throw noDevice(input.SerialNumber!);
    if (consecutive(found.device.Seed, input.AuthenticationCode1!, input.AuthenticationCode2!, ctx.now, 20) === undefined) throw invalidCode();
    return {};
  });
};

export const DeactivateMFADevice: Handler<DeactivateMFADeviceRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  serialNumber(v, input.SerialNumber);
  v.check();
  return ctx.transaction(async (tx) => {
    const user = await subject(tx, ctx, input.UserName);
    await enabledFor(tx, ctx.account, user, input.SerialNumber!);
    await tx.delete(T.userMfa, childKey(ctx.account, user.UserId, input.SerialNumber!));
    const found = await findDevice(tx, ctx.account, input.SerialNumber!);
    if (found) {
      const { UserId: _u, UserName: _n, EnableDate: _e, ...unassigned } = found.device;
      await tx.put(T.mfaDevices, found.key, unassigned);
    }
    return {};
  });
};

export const DeleteVirtualMFADevice: Handler<DeleteVirtualMFADeviceRequest, Record<string, never>> = async (input, ctx) => {
  const v = check.iamValidator();
  serialNumber(v, input.SerialNumber);
  v.check();
  return ctx.transaction(async (tx) => {
    const found = await findDevice(tx, ctx.account, input.SerialNumber!);
    if (!found) throw noDevice(input.SerialNumber!);
    if (found.device.UserId) throw new AwsError("DeleteConflict", "MFA Device is already in use.");
    await tx.delete(T.mfaDevices, found.key);
    return {};
  });
};

/** Without UserName: the caller's devices (none for the root in nubis). */
export const ListMFADevices: Handler<ListMFADevicesRequest, ListMFADevicesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  check.entityName(v, input.UserName, "UserName", 128);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  return ctx.transaction(async (tx) => {
    if (input.UserName === undefined && ctx.principal.userName === undefined) return { MFADevices: [], IsTruncated: false };
    const user = await subject(tx, ctx, input.UserName);
    return page(tx, KINDS.mfa, ctx.account, user.UserId, "MFADevices", input, (m: UserMfaRecord) => ({
      UserName: user.UserName,
      SerialNumber: m.SerialNumber,
      EnableDate: new Date(m.EnableDate),
    }));
  });
};

/** Like IAM's other lists, without tags (ListMFADeviceTags has them). */
export const ListVirtualMFADevices: Handler<ListVirtualMFADevicesRequest, ListVirtualMFADevicesResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  v.oneOf(input.AssignmentStatus, "AssignmentStatus", ["Assigned", "Unassigned", "Any"]);
  check.maxItems(v, input.MaxItems);
  check.marker(v, input.Marker);
  v.check();
  const status = input.AssignmentStatus ?? "Any";
  return ctx.transaction(async (tx) => {
    const p = await paginate<VirtualMfaRecord>(tx, T.mfaDevices, `${ctx.account}/`, {
      marker: input.Marker,
      maxItems: input.MaxItems ?? 100,
      filter: status === "Any" ? undefined : (d) => (d.UserId !== undefined) === (status === "Assigned"),
          });
    const items = [];
    for (const d of p.items) {
      const user = d.UserName ? await tx.get<UserRecord>(T.users, `${ctx.account}/${d.UserName.toLowerCase()}`) : undefined;
      items.push({
        SerialNumber: d.SerialNumber,
        // The user as lists show it: no boundary, no tags.
        ...(user ? { User: { ...userOutput(ctx.account, user), PermissionsBoundary: undefined } } : {}),
        ...(d.EnableDate ? { EnableDate: new Date(d.EnableDate) } : {}),
      });
    }
    return listPage("VirtualMFADevices", { items, next: p.next });
  });
};

export const GetMFADevice: Handler<GetMFADeviceRequest, GetMFADeviceResponse> = async (input, ctx) => {
  const v = check.iamValidator();
  serialNumber(v, input.SerialNumber);
  check.entityName(v, input.UserName, "UserName", 64);
  v.check();
  return ctx.transaction(async (tx) => {
    const found = await findDevice(tx, ctx.account, input.SerialNumber!);
    if (!found || (input.UserName !== undefined && found.device.UserName !== input.UserName)) {
      throw new AwsError("NoSuchEntity", KINDS.mfa.missing(input.SerialNumber!));
    }
    const d = found.device;
    return {
      SerialNumber: d.SerialNumber,
      ...(d.UserName ? { UserName: d.UserName } : {}),
      ...(d.EnableDate ? { EnableDate: new Date(d.EnableDate) } : {}),
    };
  });
};

export const { Tag: TagMFADevice, Untag: UntagMFADevice, List: ListMFADeviceTags } = tagHandlers({
  member: "SerialNumber",
  validate: serialNumber,
  load: async (tx, account, serial) => {
    const found = await findDevice(tx, account, serial);
    if (!found) throw noDevice(serial);
    return { tags: found.device.Tags, save: (Tags) => tx.put(T.mfaDevices, found.key, { ...found.device, Tags }) };
  },
});

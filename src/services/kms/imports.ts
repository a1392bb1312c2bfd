import type {
  DeleteImportedKeyMaterialRequest,
  DeleteImportedKeyMaterialResponse,
  GetParametersForImportRequest,
  GetParametersForImportResponse,
  ImportKeyMaterialRequest,
  ImportKeyMaterialResponse,
} from "@aws-sdk/client-kms";
import { createHash, createPrivateKey, generateKeyPair } from "node:crypto";
import { promisify } from "node:util";
import { AwsError } from "../../core/errors.js";
import type { Handler } from "../../core/service.js";
import { aesUnwrapPad, HMAC_BYTES, newMaterial, pairMatchesSpec, rsaDecrypt } from "./crypto.js";
import { currentMaterial, days, invalidState, keyArn, type KeyRecord, type Material, putKey, requireKey, syncShared, T } from "./model.js";
import * as check from "./validation.js";
import { secureRandom } from "../../core/ids.js";

/**
 * Importing key material into EXTERNAL keys: a fresh RSA wrapping key per GetParametersForImport
 * (its private half kept with the import token for 24 hours), ImportKeyMaterial unwrapping what
 * the caller wrapped with its public half, expiry derived from ValidTo at read time.
 */

const generateRsa = promisify(generateKeyPair);

interface ImportParameters {
  KeyId: string;
  WrappingAlgorithm: string;
  /** PKCS#8 DER, base64. */
  PrivateKey: string;
  ValidTo: number;
}

const WRAPPING_ALGORITHMS = ["RSAES_PKCS1_V1_5", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "RSA_AES_KEY_WRAP_SHA_1", "RSA_AES_KEY_WRAP_SHA_256", "SM2PKE"] as const;
const WRAPPING_SPECS = ["RSA_2048", "RSA_3072", "RSA_4096", "SM2"] as const;

const importKey = (account: string, region: string, token: Uint8Array) =>
  `${account}/${region}/${createHash("sha256").update(token).digest("hex")}`;

/** The EXTERNAL key an import call names. */
function requireExternal(k: KeyRecord): KeyRecord {
  if (k.Origin !== "EXTERNAL") throw new AwsError("UnsupportedOperationException", `${keyArn(k)} origin is ${k.Origin} which is not valid for this operation.`);
  return k;
}

export const GetParametersForImport: Handler<GetParametersForImportRequest, GetParametersForImportResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.KeyId, "KeyId").required(input.WrappingAlgorithm, "WrappingAlgorithm").required(input.WrappingKeySpec, "WrappingKeySpec");
  check.keyId(v, input.KeyId);
  v.oneOf(input.WrappingAlgorithm, "WrappingAlgorithm", WRAPPING_ALGORITHMS);
  v.oneOf(input.WrappingKeySpec, "WrappingKeySpec", WRAPPING_SPECS).check();
  // A fresh RSA wrapping key, made off the event loop before the transaction.
  const pair = input.WrappingKeySpec === "SM2" ? undefined : await generateRsa("rsa", { modulusLength: Number(input.WrappingKeySpec!.slice(4)) });
  return ctx.transaction(async (tx) => {
    const key = requireExternal(await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now }));
    if (key.KeyState === "PendingDeletion" || key.KeyState === "PendingReplicaDeletion") throw invalidState(key);
    if (input.WrappingAlgorithm === "RSAES_PKCS1_V1_5") {
      throw new AwsError("ValidationException", "The RSAES_PKCS1_V1_5 wrapping algorithm is no longer supported. Use RSAES_OAEP_SHA_256 or RSA_AES_KEY_WRAP_SHA_256.");
    }
    if (!pair || input.WrappingAlgorithm === "SM2PKE") {
      throw new AwsError("ValidationException", "SM2 wrapping keys are only available in China Regions.");
    }
    const token = secureRandom(64);
    const validTo = ctx.now.getTime() + days(1);
    const params: ImportParameters = {
      KeyId: key.KeyId,
      WrappingAlgorithm: input.WrappingAlgorithm!,
      PrivateKey: pair.privateKey.export({ type: "pkcs8", format: "der" }).toString("base64"),
      ValidTo: validTo,
    };
    await tx.put(T.imports, importKey(ctx.account, ctx.region, token), params);
    return {
      KeyId: keyArn(key),
      ImportToken: token,
      PublicKey: pair.publicKey.export({ type: "spki", format: "der" }),
      ParametersValidTo: new Date(validTo),
    };
  });
};

/** The raw material out of what the caller wrapped, or undefined when it does not unwrap. */
function unwrap(params: ImportParameters, wrapped: Uint8Array): Buffer | undefined {
  const key = createPrivateKey({ key: Buffer.from(params.PrivateKey, "base64"), format: "der", type: "pkcs8" });
  const alg = params.WrappingAlgorithm;
  if (alg.startsWith("RSAES_OAEP")) return rsaDecrypt(key, alg, wrapped);
  // RSA_AES_KEY_WRAP: an RSA-OAEP-wrapped AES key, then the material under AES key wrap with padding.
  const size = (key.asymmetricKeyDetails?.modulusLength ?? 0) / 8;
  const aesKey = rsaDecrypt(key, alg === "RSA_AES_KEY_WRAP_SHA_1" ? "RSAES_OAEP_SHA_1" : "RSAES_OAEP_SHA_256", wrapped.subarray(0, size));
  if (!aesKey || ![16, 24, 32].includes(aesKey.length)) return undefined;
  return aesUnwrapPad(aesKey, Buffer.from(wrapped.subarray(size)));
}

/** Material that fits the key spec: 32 bytes (AES-256), an HMAC secret of its size range, or a PKCS#8 key pair of the spec. */
function fitsSpec(k: KeyRecord, material: Buffer): boolean {
  if (k.KeySpec === "SYMMETRIC_DEFAULT") return material.length === 32;
  const hmac = HMAC_BYTES[k.KeySpec];
  if (hmac) return material.length >= hmac && material.length <= (hmac > 32 ? 128 : 64);
  return pairMatchesSpec(material, k.KeySpec);
}

export const ImportKeyMaterial: Handler<ImportKeyMaterialRequest, ImportKeyMaterialResponse> = async (input, ctx) => {
  check.blob(input.ImportToken, "ImportToken", 1, 6144);
  check.blob(input.EncryptedKeyMaterial, "EncryptedKeyMaterial", 1, 6144);
  const v = check.kmsValidator();
  v.required(input.KeyId, "KeyId");
  check.keyId(v, input.KeyId);
  v.oneOf(input.ExpirationModel, "ExpirationModel", ["KEY_MATERIAL_EXPIRES", "KEY_MATERIAL_DOES_NOT_EXPIRE"]);
  v.oneOf(input.ImportType, "ImportType", ["NEW_KEY_MATERIAL", "EXISTING_KEY_MATERIAL"]);
  v.length(input.KeyMaterialDescription, "KeyMaterialDescription", 0, 256);
  v.length(input.KeyMaterialId, "KeyMaterialId", 64, 64).pattern(input.KeyMaterialId, "KeyMaterialId", /^[a-f0-9]+$/, "^[a-f0-9]+$").check();
  const model = input.ExpirationModel ?? "KEY_MATERIAL_EXPIRES";
  const now = ctx.now.getTime();
  if (model === "KEY_MATERIAL_EXPIRES") {
    if (!input.ValidTo) throw new AwsError("ValidationException", "A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES");
    const validTo = input.ValidTo.getTime();
    if (validTo <= now || validTo > now + days(365)) throw new AwsError("ValidationException", "The validTo date must be in the future and no more than 365 days from now.");
  } else if (input.ValidTo) {
    throw new AwsError("ValidationException", "A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE");
  }
  return ctx.transaction(async (tx) => {
    const key = requireExternal(await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now }));
    if (key.KeyState === "PendingDeletion" || key.KeyState === "PendingReplicaDeletion") throw invalidState(key);
    const params = await tx.get<ImportParameters>(T.imports, importKey(ctx.account, ctx.region, input.ImportToken!));
    if (!params || params.KeyId !== key.KeyId) throw new AwsError("InvalidImportTokenException", "The import token is not valid for this KMS key.");
    if (params.ValidTo <= now) throw new AwsError("ExpiredImportTokenException", "The import token has expired.");
    const material = unwrap(params, input.EncryptedKeyMaterial!);
    if (!material) throw new AwsError("InvalidCiphertextException", "");
    if (!fitsSpec(key, material)) throw new AwsError("IncorrectKeyMaterialException", `The key material is not valid for key spec ${key.KeySpec}.`);
    const digest = createHash("sha256").update(material).digest("hex");
    const known = key.Materials.find((m) => m.Digest === digest);
    if (input.KeyMaterialId && known && known.Id !== input.KeyMaterialId) {
      throw new AwsError("IncorrectKeyMaterialException", `The key material does not match key material ${input.KeyMaterialId}.`);
    }
    let materials: Material[];
    let current = key.CurrentMaterialId;
    let imported: Material;
    if (known) {
      // The same bytes again: old ciphertexts decrypt again.
      imported = { ...known, Secret: material.toString("base64"), ...(input.KeyMaterialDescription !== undefined ? { Description: input.KeyMaterialDescription } : {}) };
      materials = key.Materials.map((m) => (m === known ? imported : m));
    } else if (!key.Materials.length) {
      imported = newMaterial(material, now, input.KeyMaterialDescription !== undefined ? { Description: input.KeyMaterialDescription } : {});
      materials = [imported];
      current = imported.Id;
    } else if (input.ImportType === "NEW_KEY_MATERIAL" && key.KeySpec === "SYMMETRIC_DEFAULT") {
      const pending = key.Materials.find((m) => m.PendingRotation);
      imported = newMaterial(material, now, { PendingRotation: true, ...(input.KeyMaterialDescription !== undefined ? { Description: input.KeyMaterialDescription } : {}) });
      if (pending) {
        throw new AwsError(
          "KMSInvalidStateException",
          `New key material (id: ${imported.Id}) cannot be imported into KMS key ${keyArn(key)}, because another key material (id: ${pending.Id}) is pending rotation.`,
        );
      }
      materials = [...key.Materials, imported];
    } else {
      throw new AwsError("IncorrectKeyMaterialException", `The key material does not match the key material previously imported into ${keyArn(key)}.`);
    }
    const next: KeyRecord = {
      ...key,
      Materials: materials,
      ...(key.KeySpec === "SYMMETRIC_DEFAULT" ? { CurrentMaterialId: current } : {}),
      ExpirationModel: model,
      ...(model === "KEY_MATERIAL_EXPIRES" ? { ValidTo: input.ValidTo!.getTime() } : {}),
      KeyState: key.KeyState === "PendingImport" ? "Enabled" : key.KeyState,
    };
    if (model !== "KEY_MATERIAL_EXPIRES") delete next.ValidTo;
    await putKey(tx, next);
    await syncShared(tx, next, now);
    return { KeyId: keyArn(key), KeyMaterialId: imported.Id };
  });
};

/** Deletes the imported material (or one version): the key is pending import again, old blobs wait for a re-import. */
export const DeleteImportedKeyMaterial: Handler<DeleteImportedKeyMaterialRequest, DeleteImportedKeyMaterialResponse> = async (input, ctx) => {
  const v = check.kmsValidator();
  v.required(input.KeyId, "KeyId");
  check.keyId(v, input.KeyId);
  v.length(input.KeyMaterialId, "KeyMaterialId", 64, 64).pattern(input.KeyMaterialId, "KeyMaterialId", /^[a-f0-9]+$/, "^[a-f0-9]+$").check();
  return ctx.transaction(async (tx) => {
    const key = requireExternal(await requireKey(tx, ctx.account, ctx.region, input.KeyId!, { aliases: false, now: ctx.now }));
    const target = input.KeyMaterialId ?? currentMaterial(key)?.Id ?? key.Materials[key.Materials.length - 1]?.Id;
    if (input.KeyMaterialId && !key.Materials.some((m) => m.Id === input.KeyMaterialId)) {
      throw new AwsError("NotFoundException", `Key material ${input.KeyMaterialId} does not exist in ${keyArn(key)}.`);
    }
    const materials = key.Materials.map(({ Secret, ...m }) => (m.Id === target || !input.KeyMaterialId ? m : { ...m, Secret }));
    const next: KeyRecord = { ...key, Materials: materials };
    if (!currentMaterial(next)) {
      delete next.ExpirationModel;
      delete next.ValidTo;
      if (next.KeyState !== "PendingDeletion") next.KeyState = "PendingImport";
    }
    await putKey(tx, next);
    await syncShared(tx, next, ctx.now.getTime());
    return { KeyId: keyArn(key), ...(target ? { KeyMaterialId: target } : {}) };
  });
};

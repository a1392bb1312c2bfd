/** KMS's front door: what the core and other services may use of it. */
export { kms } from "./definition.js";

/** What other services (QuickSight) read of KMS state, inside their own transaction. */
export { findKey, isSymmetric, keyArn, parseKeyArn, type KeyRecord } from "./model.js";

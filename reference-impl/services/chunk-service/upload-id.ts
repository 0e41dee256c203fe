// The uploadId names one commit (the retry key, and the file_changed event's id). upload-init
// issues it; the commit must send back one issued to the same user for the same path. It is a
// UUID (version 8, RFC 9562) of 64 random bits and a 58-bit HMAC tag over the user, the path and
// those bits, under the services' HMAC key: any ChunkService process checks it without shared
// state, a made-up or another user's id fails (UPLOAD_ID_INVALID), and since ids are random and
// bound to one user, two commits on different shards can never publish one event id.
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { SyncbenchError } from "../../core/errors.ts";

const domain = "syncbench upload-id v1";
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function tag(key: string, userId: string, path: string, nonce: Buffer): Buffer {
  return createHmac("sha256", key)
    .update(`${domain}\u0000${userId}\u0000${path}\u0000`)
    .update(nonce)
    .digest()
    .subarray(0, 8);
}

function format(bytes: Buffer): string {
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Bytes 0-7: random, with the version nibble; bytes 8-15: the tag, with the variant bits. */
function assemble(key: string, userId: string, path: string, nonce: Buffer): Buffer {
  const bytes = Buffer.alloc(16);
  nonce.copy(bytes, 0, 0, 8);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  tag(key, userId, path, bytes.subarray(0, 8)).copy(bytes, 8);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return bytes;
}

export function issueUploadId(key: string, userId: string, path: string): string {
  return format(assemble(key, userId, path, randomBytes(8)));
}

/** Throws UPLOAD_ID_INVALID unless upload-init issued `uploadId` to this user for this path. */
export function checkUploadId(key: string, userId: string, path: string, uploadId: string): void {
  const given = uuidPattern.test(uploadId)
    ? Buffer.from(uploadId.replaceAll("-", ""), "hex")
    : undefined;
  const expected = given && assemble(key, userId, path, given.subarray(0, 8));
  if (!given || !expected || !timingSafeEqual(given, expected)) {
    throw new SyncbenchError(
      "UPLOAD_ID_INVALID",
      "uploadId was not issued by upload-init to this user for " +
        "this path; nothing was committed",
      { hint: "call upload-init for the path and commit with its uploadId" },
    );
  }
}

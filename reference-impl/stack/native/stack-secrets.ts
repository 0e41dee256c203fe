// The stack's secrets, generated on the first `up` and kept in its folder (data/secrets.json, mode
// 0600): the JWT and possession keys of the services, the password of the Postgres role, the Redis
// password and the S3 key pair. A file written by an older syncbench (JWT and possession keys only)
// gets the missing ones added. Nothing here is ever printed: `status` shows redacted endpoints.
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import type { NativeConfig } from "./native-config.ts";

export interface StackSecrets {
  readonly jwtSecret: string;
  readonly possessionKey: string;
  readonly postgresPassword: string;
  readonly redisPassword: string;
  readonly s3AccessKeyId: string;
  readonly s3SecretAccessKey: string;
  /** HMAC key of the DownloadService's signed block URLs (checked again at the CDN edge). */
  readonly blockUrlKey: string;
}

const hex = (bytes: number) => randomBytes(bytes).toString("hex");

const generators: { readonly [K in keyof StackSecrets]: () => string } = {
  jwtSecret: () => hex(32),
  possessionKey: () => hex(32),
  postgresPassword: () => hex(24),
  redisPassword: () => hex(24),
  // The shape of AWS keys (20 upper-case characters, 40 characters), so every S3 server takes them.
  s3AccessKeyId: () => `SB${randomBytes(9).toString("hex").toUpperCase()}`,
  s3SecretAccessKey: () => hex(20),
  blockUrlKey: () => hex(32),
};

export function secretsFile(config: Pick<NativeConfig, "rootDir">): string {
  return join(config.rootDir, "data", "secrets.json");
}

/** Reads the stack's secrets, creating the file or the missing entries (mode 0600 either way). */
export function stackSecrets(config: Pick<NativeConfig, "rootDir">): StackSecrets {
  const file = secretsFile(config);
  const existing = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as Partial<StackSecrets>)
    : {};
  const missing = (Object.keys(generators) as (keyof StackSecrets)[]).filter(
    (k) => typeof existing[k] !== "string",
  );
  const secrets = { ...existing } as Record<keyof StackSecrets, string>;
  for (const key of missing) secrets[key] = generators[key]();
  if (missing.length > 0) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  }
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600); // an older file may be world-readable
  return secrets;
}

/**
 * The SCRAM-SHA-256 verifier Postgres stores for a password (RFC 5802, RFC 7677; Postgres
 * src/common/scram-common.c), so `ALTER ROLE ... PASSWORD` never carries the password itself
 * into a statement a log could show.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return (
    `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:` +
    serverKey.toString("base64")
  );
}

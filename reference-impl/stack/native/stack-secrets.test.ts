// The stack's secrets: generated once per stack folder with mode 0600, completed when an older file
// lacks some, never changed once written; and the SCRAM verifier Postgres stores for a password.
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { scramVerifier, secretsFile, stackSecrets } from "./stack-secrets.ts";

const root = mkdtempSync(join(tmpdir(), "syncbench-secrets-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("stack secrets", () => {
  it("are generated on first use, distinct, kept with mode 0600 and the same on every later read", () => {
    const config = { rootDir: join(root, "a") };
    const first = stackSecrets(config);
    expect(new Set(Object.values(first)).size).toBe(7);
    expect(first.s3AccessKeyId).toMatch(/^[A-Z0-9]{20}$/);
    expect(statSync(secretsFile(config)).mode & 0o777).toBe(0o600);
    expect(stackSecrets(config)).toEqual(first);
  });

  it("completes a file from the older code (JWT and possession keys only) and tightens its mode", () => {
    const config = { rootDir: join(root, "b") };
    mkdirSync(join(config.rootDir, "data"), { recursive: true });
    writeFileSync(
      secretsFile(config),
      JSON.stringify({ jwtSecret: "j".repeat(64), possessionKey: "p".repeat(64) }),
    );
    chmodSync(secretsFile(config), 0o644);
    const secrets = stackSecrets(config);
    expect(secrets).toMatchObject({ jwtSecret: "j".repeat(64), possessionKey: "p".repeat(64) });
    expect(secrets.postgresPassword).toMatch(/^[0-9a-f]{48}$/);
    expect(JSON.parse(readFileSync(secretsFile(config), "utf8"))).toEqual(secrets);
    expect(statSync(secretsFile(config)).mode & 0o777).toBe(0o600);
  });

  it("builds the SCRAM-SHA-256 verifier of RFC 7677's test vector", () => {
    // RFC 7677 section 3: password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==, 4096 iterations.
    const verifier = scramVerifier(
      "pencil",
      Buffer.from("W22ZaJ0SNY7soEsUEjb6gQ==", "base64"),
      4096,
    );
    expect(verifier).toBe(
      "SCRAM-SHA-256$4096:W22ZaJ0SNY7soEsUEjb6gQ==$WG5d8oPm3OtcPnkdi4Uo7BkeZkBFzpcXkuLmtbsT4qY=:" +
        "wfPLwcE6nTWhTAmQ7tl2KeoiWGPlZqQxSrmfPwDl2dU=",
    );
  });
});

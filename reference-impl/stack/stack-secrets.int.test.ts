// Issue 12, local secrets, on the running native stack: Postgres, Redis and S3 refuse a client
// without the stack's credentials; after some traffic (good and refused requests) no secret
// appears in `syncbench status` (text or --json), in any file of the stack's logs folder, or in
// the repository's tracked files; the files that hold secrets are readable by their owner only.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomUUID } from "node:crypto";
import { ListBucketsCommand } from "@aws-sdk/client-s3";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { signJwt } from "../runtime/jwt.ts";
import { withPgClient } from "../stores/metadata-db/pg-client.ts";
import { s3Client } from "./native/s3.ts";
import { secretsFile, stackSecrets } from "./native/stack-secrets.ts";
import { supervisorPaths } from "./native/supervisor-config.ts";
import { loadStackConfig, repoRoot } from "./stack-config.ts";
import { stackEndpoints, stackJwtSecret } from "./stack.test-env.ts";

const run = promisify(execFile);
const native = stackJwtSecret() !== undefined; // the testcontainers stack keeps no logs folder of ours
const config = loadStackConfig(process.env).native;
const endpoints = stackEndpoints();

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

describe.skipIf(!native)("the stack's secrets", () => {
  const secrets = stackSecrets(config);
  const named = Object.entries(secrets) as [string, string][];

  it("are required: Postgres, Redis and S3 refuse a client without them", async () => {
    const url = new URL(endpoints.postgresUrl);
    url.password = "";
    await expect(
      withPgClient({ connectionString: url.toString() }, (c) => c.query("SELECT 1")),
    ).rejects.toThrow(/password/);
    url.password = "wrong-password";
    await expect(
      withPgClient({ connectionString: url.toString() }, (c) => c.query("SELECT 1")),
    ).rejects.toMatchObject({ code: "28P01" });
    const redisUrl = new URL(endpoints.redisUrl);
    redisUrl.password = "";
    const redis = new Redis(redisUrl.toString(), {
      lazyConnect: true,
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    redis.on("error", () => undefined); // the refusal is asserted on the awaited command below
    try {
      await redis.connect();
      await expect(redis.get("k")).rejects.toThrow(/NOAUTH/);
    } finally {
      redis.disconnect();
    }
    const s3 = s3Client({ ...endpoints.s3, secretAccessKey: "not-the-secret" });
    try {
      await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({
        $metadata: { httpStatusCode: 403 },
      });
    } finally {
      s3.destroy();
    }
  });

  it("never appear in status (text or --json), the logs of a run or the repository", async () => {
    // Traffic first, so the logs hold a refused token and a commit as well as the start-up lines.
    const token = signJwt(
      { sub: `secrets-${randomUUID()}`, exp: Math.floor(Date.now() / 1000) + 300 },
      secrets.jwtSecret,
    );
    const file = { path: "/s.txt", size: 0, blockHashes: [] };
    const post = (route: string, auth: string, body: unknown) =>
      fetch(`${endpoints.gatewayUrl}/v1/files/${route}`, {
        method: "POST",
        headers: { authorization: auth, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    // The commit sends back the uploadId that upload-init issued to this user for this path.
    const plan = (await (await post("upload-init", `Bearer ${token}`, file)).json()) as {
      uploadId: string;
    };
    const commit = (auth: string) =>
      post("commit", auth, { uploadId: plan.uploadId, ...file, baseVersion: 0 });
    expect((await commit(`Bearer ${token}x`)).status).toBe(401);
    expect((await commit(`Bearer ${token}`)).status).toBe(200);
    const cli = (args: string[]) =>
      run(process.execPath, [join(repoRoot, "bin/syncbench.mjs"), ...args], {
        env: process.env,
        cwd: repoRoot,
      }).catch((error: { stdout: string }) => error); // exit 3 still prints
    const outputs = {
      "status --json": (await cli(["status", "--json"])).stdout,
      status: (await cli(["status"])).stdout,
    };
    expect(JSON.parse(outputs["status --json"]).endpoints.postgresUrl).toMatch(
      /^postgres:\/\/postgres@/,
    );
    const logs = files(join(config.rootDir, "logs")).map(
      (f) => [f, readFileSync(f, "latin1")] as const,
    );
    expect(logs.length).toBeGreaterThan(5);
    const tracked = await run("git", [
      "-C",
      repoRoot,
      "grep",
      "-l",
      "-F",
      ...named.flatMap(([, v]) => ["-e", v]),
    ]).then(
      (r) => r.stdout.trim(),
      (error: { code: number; stdout: string }) => (error.code === 1 ? "" : error.stdout),
    );
    const leaks = named.flatMap(([name, value]) => [
      ...Object.entries(outputs)
        .filter(([, text]) => text.includes(value))
        .map(([where]) => `${name} in ${where}`),
      ...logs.filter(([, text]) => text.includes(value)).map(([file]) => `${name} in ${file}`),
    ]);
    expect(leaks).toEqual([]);
    expect(tracked).toBe("");
  });

  it("are kept in files only their owner can read", () => {
    const paths = [
      secretsFile(config),
      supervisorPaths(config.rootDir).confFile,
      join(config.rootDir, "data/redis/redis.conf"),
    ];
    expect(paths.map((p) => [p, (statSync(p).mode & 0o077).toString(8)])).toEqual(
      paths.map((p) => [p, "0"]),
    );
  });
});

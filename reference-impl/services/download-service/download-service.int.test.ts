// Runs the DownloadService API suite on the real stores: Postgres (a database of its own,
// migrated), the S3 server (a key prefix of its own) and the S3 presigner, so that via=s3 URLs are
// fetched from the S3 server itself; then checks that a presigned URL for one block does not open
// another and that a tampered one is refused by the S3 server.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { sha256Hex } from "../../core/hash.ts";
import { SystemClock } from "../../runtime/clock.ts";
import { stackEndpoints } from "../../stack/stack.test-env.ts";
import { S3BlockPresigner } from "../../stores/block-store/block-presigner.s3.ts";
import { S3BlockStore } from "../../stores/block-store/block-store.s3.ts";
import { runId } from "../../stores/contract/contract-helpers.ts";
import { useTestDatabase } from "../../stores/contract/test-database.ts";
import { PgMetadataDb } from "../../stores/metadata-db/metadata-db.pg.ts";
import { downloadServiceApiSuite } from "./download-service.api-suite.ts";
import type { DownloadServicePorts } from "./ports.ts";

const endpoints = stackEndpoints();
const database = useTestDatabase(endpoints.postgresUrl, "download");
const s3 = { ...endpoints.s3, keyPrefix: `download-${runId}/` };
const opened: DownloadServicePorts[] = [];

async function openPorts(): Promise<DownloadServicePorts> {
  const ports = {
    metadataDb: new PgMetadataDb({ url: database.url(), poolMax: 8 }),
    clock: new SystemClock(),
    blockStore: new S3BlockStore(s3),
    presigner: new S3BlockPresigner(s3),
  };
  opened.push(ports);
  return ports;
}

afterAll(async () => {
  for (const p of opened) await Promise.all([p.metadataDb.close(), p.blockStore.close()]);
});

downloadServiceApiSuite("postgres + s3", openPorts);

describe("presigned S3 URLs on the real S3 server", () => {
  it("open the one block they were signed for, and a tampered signature is refused", async () => {
    const ports = await openPorts();
    const [mine, theirs] = [randomBytes(700), randomBytes(700)];
    for (const block of [mine, theirs]) await ports.blockStore.put(sha256Hex(block), block);
    const url = new URL(
      await (ports.presigner as S3BlockPresigner).presignGet(sha256Hex(mine), 60),
    );
    expect((await fetch(url)).status).toBe(200);
    const other = new URL(url.href.replace(sha256Hex(mine), sha256Hex(theirs)));
    expect((await fetch(other)).status).toBe(403);
    const tampered = new URL(url);
    const signature = tampered.searchParams.get("X-Amz-Signature") as string;
    tampered.searchParams.set(
      "X-Amz-Signature",
      `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`,
    );
    expect((await fetch(tampered)).status).toBe(403);
  });
});

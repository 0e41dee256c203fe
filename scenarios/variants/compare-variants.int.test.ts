// compare-variants' driver on the real stack, one edit per variant: each variant's flags change what
// crosses the wire and how the other device hears of it, on the same services. V0 sends the whole
// file, V1 the changed block whole, V2 a delta of about the edit's size; every watcher (listing
// poll, Kafka-fed log poll, push) sees the edit; V2 downloads through the CDN, the others through
// presigned S3. No timing is asserted: the figures belong to `syncbench compare-variants`.
import { describe, expect, it } from "vitest";
import { blockSizeBytes } from "../../reference-impl/core/limits.ts";
import { variants, type Variant } from "../../reference-impl/core/variants.ts";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { stackEndpoints, stackJwtSecret } from "../../reference-impl/stack/stack.test-env.ts";
import { runVariant } from "./compare-variants.ts";

const secret = stackJwtSecret();
const fileBytes = blockSizeBytes + 1024 * 1024; // two blocks: a whole file is not a block
const editBytes = 100;

/** The variant at a fast link and a 1 s poll, so the test is short: the flags are the point. */
const quick = (v: Variant): Variant => ({ ...v, linkMbps: 10_000, pollIntervalS: 1 });

describe.skipIf(secret === undefined)("compare-variants on the real stack", () => {
  const options = {
    gatewayUrl: stackEndpoints().gatewayUrl,
    tokenFor: (user: string) =>
      signJwt({ sub: user, exp: Math.floor(Date.now() / 1000) + 600 }, secret!),
    editsCount: 1,
    fileBytes,
    editBytes,
    seed: 7,
    runId: `t${Date.now().toString(36)}`,
    log: () => {},
  };

  it("V0 sends the whole file and polls the listing", async () => {
    const run = await runVariant(quick(variants.V0), options);
    expect(run.upload.payloadBytesPerEditMean).toBe(fileBytes);
    expect(run.notification.missedCount).toBe(0);
    expect(run.notification.delayMs.samplesCount).toBe(1);
    expect(run.download).toMatchObject({ via: "s3", bytesPerEditMean: fileBytes });
  }, 120_000);

  it("V1 sends only the changed block, whole, and reads the Kafka-fed log", async () => {
    const run = await runVariant(quick(variants.V1), options);
    expect([blockSizeBytes, fileBytes - blockSizeBytes]).toContain(
      run.upload.payloadBytesPerEditMean,
    );
    expect(run.notification.missedCount).toBe(0);
    expect(run.download.via).toBe("s3");
    expect(run.download.bytesPerEditMean).toBe(run.upload.payloadBytesPerEditMean);
  }, 120_000);

  it("V2 sends a delta near the edit's size, is pushed, and downloads through the CDN", async () => {
    const run = await runVariant(quick(variants.V2), options);
    expect(run.upload.payloadBytesPerEditMean).toBeGreaterThan(0);
    expect(run.upload.payloadBytesPerEditMean).toBeLessThan(10 * editBytes);
    expect(run.notification.missedCount).toBe(0);
    expect(run.download.via).toBe("cdn");
    expect(run.download.bytesPerEditMean).toBeGreaterThan(0);
  }, 120_000);
});

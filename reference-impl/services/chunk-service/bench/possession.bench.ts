// What a possession proof costs against what cross-user dedup saves, measured in one run:
// challenge and proof bytes on the wire, the server's CPU to issue and check them, and the S3 read
// of the block the check needs (on the running stack's S3 server, when it is up), against sending
// the 4 MiB block itself. `npm run bench:possession [-- --json]`.
import { createHash, randomBytes } from "node:crypto";
import { performance } from "node:perf_hooks";
import { S3BlockStore } from "../../../stores/block-store/block-store.s3.ts";
import { createProvider } from "../../../stack/select-provider.ts";
import { loadStackConfig } from "../../../stack/stack-config.ts";
import { answerChallenge, makeChallenge, openChallenge, proofMatches } from "../possession.ts";
import { blockSizeBytes } from "../../../core/limits.ts";

const blockBytes = blockSizeBytes;
const key = "bench-possession-key-0123456789";
const rounds = 200;

function medianMs(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function s3ReadMs(block: Uint8Array, hash: string): Promise<number | undefined> {
  const env = process.env;
  const provider = await createProvider(loadStackConfig(env), env);
  const status = await provider.status().catch(() => undefined);
  if (!status?.services.find((s) => s.name === "s3")?.healthy) return undefined;
  const store = new S3BlockStore({
    ...(await provider.endpointsWithSecrets()).s3,
    keyPrefix: "bench-possession/",
  });
  await store.put(hash, block);
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t = performance.now();
    await store.get(hash);
    samples.push(performance.now() - t);
  }
  await store.delete(hash);
  await store.close();
  return medianMs(samples);
}

async function main(): Promise<void> {
  const block = randomBytes(blockBytes);
  const hash = createHash("sha256").update(block).digest("hex");
  const issue: number[] = [];
  const answer: number[] = [];
  const check: number[] = [];
  let challengeBytes = 0;
  let proofBytes = 0;
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    const challenge = makeChallenge(key, "alice", hash, 0);
    issue.push(performance.now() - t);
    t = performance.now();
    const proof = answerChallenge(block, challenge.nonce);
    answer.push(performance.now() - t);
    challengeBytes = JSON.stringify(challenge).length;
    proofBytes = JSON.stringify({ hash, token: challenge.token, proof }).length;
    t = performance.now();
    const ok = proofMatches(block, openChallenge(key, challenge.token, "alice", hash, 1), proof);
    check.push(performance.now() - t);
    if (!ok) throw new Error("a valid proof did not verify");
  }
  const s3Ms = await s3ReadMs(block, hash);
  const uploadMsAt100Mbps = ((blockBytes * 8) / 100e6) * 1000;
  const result = {
    blockBytes,
    challengeBytes,
    proofBytes,
    wireBytes: challengeBytes + proofBytes,
    issueMsMedian: medianMs(issue),
    answerMsMedian: medianMs(answer),
    checkCpuMsMedian: medianMs(check),
    s3ReadMsMedian: s3Ms ?? null,
    savedBytes: blockBytes - (challengeBytes + proofBytes),
    uploadMsAt100Mbps,
  };
  if (process.argv.includes("--json")) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    [
      `possession proof for one ${blockBytes} B block (medians of ${rounds} rounds; S3 read: 20 GETs)`,
      `  wire: challenge ${challengeBytes} B + proof ${proofBytes} B = ${result.wireBytes} B, vs ${blockBytes} B for the block ` +
        `(ratio ${(result.wireBytes / blockBytes).toExponential(2)})`,
      `  client CPU to answer (SHA-256 over nonce + block): ${result.answerMsMedian.toFixed(2)} ms`,
      `  server CPU: issue ${result.issueMsMedian.toFixed(4)} ms, check ${result.checkCpuMsMedian.toFixed(2)} ms`,
      `  server S3 read of the block for the check: ${s3Ms === undefined ? "not measured (stack not up: npx syncbench up)" : `${s3Ms.toFixed(1)} ms`}`,
      `  the upload it replaces: ${uploadMsAt100Mbps.toFixed(0)} ms at 100 Mbps (the design's client link)`,
    ].join("\n") + "\n",
  );
}

await main();

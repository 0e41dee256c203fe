// Block uploads: a whole block, or a delta against old blocks the user owns. The ChunkService reads
// the bases from the BlockStore, applies the delta with the shared core engine, and stores the
// result only if its SHA-256 equals the key it was sent under (CHUNK_HASH_MISMATCH otherwise,
// nothing stored). Either way the uploader may then reference the block.
import { applyDelta } from "../../core/delta.ts";
import { SyncbenchError } from "../../core/errors.ts";
import { blockSizeBytes } from "../../core/limits.ts";
import type { ChunkServicePorts, ChunkServiceSettings } from "./ports.ts";

export interface StoredBlock {
  readonly hash: string;
  readonly created: boolean;
  readonly sizeBytes: number;
}

async function store(
  ports: ChunkServicePorts,
  settings: ChunkServiceSettings,
  userId: string,
  hash: string,
  bytes: Uint8Array,
  contentVerified = false,
): Promise<StoredBlock> {
  // put verifies the SHA-256 against the key unless the delta apply just did (hash once).
  const { created } = await ports.blockStore.put(hash, bytes, { contentVerified });
  await ports.metadataDb.recordBlock({
    hash,
    sizeBytes: bytes.byteLength,
    nowMs: ports.clock.nowMs(),
    graceMs: settings.graceMs,
  });
  await ports.metadataDb.grantBlocks(userId, [hash]);
  return { hash, created, sizeBytes: bytes.byteLength };
}

export async function uploadBlock(
  ports: ChunkServicePorts,
  settings: ChunkServiceSettings,
  userId: string,
  hash: string,
  bytes: Uint8Array,
): Promise<StoredBlock> {
  try {
    return await store(ports, settings, userId, hash, bytes);
  } catch (error) {
    if (error instanceof SyncbenchError && error.code === "BLOCK_HASH_MISMATCH") {
      throw new SyncbenchError(
        "CHUNK_HASH_MISMATCH",
        `block ${hash.slice(0, 12)}… rejected: ${error.message}`,
      );
    }
    throw error;
  }
}

export async function uploadDelta(
  ports: ChunkServicePorts,
  settings: ChunkServiceSettings,
  userId: string,
  hash: string,
  baseHashes: readonly string[],
  delta: Uint8Array,
): Promise<StoredBlock & { baseBytes: number }> {
  const owned = new Set(await ports.metadataDb.ownedBlocks(userId, baseHashes));
  const notOwned = baseHashes.filter((h) => !owned.has(h));
  if (notOwned.length > 0) {
    throw new SyncbenchError(
      "CHUNK_BASE_NOT_OWNED",
      `delta base ${notOwned[0]?.slice(0, 12)}… is not a block this ` +
        "user uploaded, proved or committed; nothing was stored",
      { hint: "upload the block whole" },
    );
  }
  // The base is read into a reused buffer, the target built in another; both go back once the
  // block is stored (block-buffers.ts). Several bases are read whole and joined once.
  const buffers = ports.blockBuffers;
  const taken: Uint8Array[] = [];
  const take = () => {
    const b = buffers?.take();
    if (b) taken.push(b);
    return b;
  };
  try {
    const bases: Uint8Array[] = [];
    for (const base of baseHashes) {
      const into = baseHashes.length === 1 ? take() : undefined;
      const bytes = await ports.blockStore.get(base, into ? { into } : {});
      if (!bytes)
        throw new SyncbenchError(
          "CHUNK_BASE_MISSING",
          `delta base ${base.slice(0, 12)}… is not in the BlockStore; nothing was stored`,
        );
      bases.push(bytes);
    }
    const source = bases.length === 1 ? (bases[0] as Uint8Array) : Buffer.concat(bases);
    const output = take();
    // applyDelta validates the delta and checks the result's SHA-256 against the key
    // (CHUNK_HASH_MISMATCH), so the store does not hash it again.
    const apply = () =>
      applyDelta(source, delta, {
        targetBytesMax: blockSizeBytes,
        expectedSha256: hash,
        ...(output ? { output } : {}),
      });
    const target = ports.timings
      ? ports.timings.timeSync("chunkService.deltaApply", apply)
      : apply();
    const stored = await store(ports, settings, userId, hash, target, true);
    return { ...stored, baseBytes: source.byteLength };
  } finally {
    if (buffers) for (const b of taken) buffers.give(b);
  }
}

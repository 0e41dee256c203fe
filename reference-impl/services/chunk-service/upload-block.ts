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
): Promise<StoredBlock> {
  const { created } = await ports.blockStore.put(hash, bytes); // verifies SHA-256 against the key
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
  const bases: Uint8Array[] = [];
  for (const base of baseHashes) {
    const bytes = await ports.blockStore.get(base);
    if (!bytes)
      throw new SyncbenchError(
        "CHUNK_BASE_MISSING",
        `delta base ${base.slice(0, 12)}… is not in the BlockStore; nothing was stored`,
      );
    bases.push(bytes);
  }
  const source = Buffer.concat(bases);
  // applyDelta validates the delta and checks the result's SHA-256 against the key (CHUNK_HASH_MISMATCH).
  const apply = () =>
    applyDelta(source, delta, { targetBytesMax: blockSizeBytes, expectedSha256: hash });
  const target = ports.timings ? ports.timings.timeSync("chunkService.deltaApply", apply) : apply();
  return { ...(await store(ports, settings, userId, hash, target)), baseBytes: source.byteLength };
}

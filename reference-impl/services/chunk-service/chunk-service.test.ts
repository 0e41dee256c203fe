// Runs the ChunkService API and security suites with the memory adapters (no servers).
import { ManualClock } from "../../runtime/clock.ts";
import { MemoryBlockStore } from "../../stores/block-store/block-store.memory.ts";
import { MemoryMetadataDb } from "../../stores/metadata-db/metadata-db.memory.ts";
import { MemorySyncStream } from "../../stores/sync-stream/sync-stream.memory.ts";
import { chunkServiceApiSuite } from "./chunk-service.api-suite.ts";
import { shardIndexOf } from "../../stores/metadata-db/shard-router.ts";
import { chunkServiceSecuritySuite } from "./chunk-service.security.api-suite.ts";

chunkServiceApiSuite("memory adapters", async () => ({
  metadataDb: new MemoryMetadataDb(),
  blockStore: new MemoryBlockStore(),
  syncStream: new MemorySyncStream(),
  clock: new ManualClock(Date.now()),
}));
chunkServiceSecuritySuite(
  "memory adapters",
  async () => ({
    metadataDb: new MemoryMetadataDb(),
    blockStore: new MemoryBlockStore(),
    syncStream: new MemorySyncStream(),
    clock: new ManualClock(Date.now()),
  }),
  shardIndexOf,
);

// Runs the GC/dedup race suite on the memory stores with a ManualClock (no servers).
import { ManualClock } from "../../runtime/clock.ts";
import { MemoryBlockStore } from "../../stores/block-store/block-store.memory.ts";
import { MemoryMetadataDb } from "../../stores/metadata-db/metadata-db.memory.ts";
import { MemorySyncStream } from "../../stores/sync-stream/sync-stream.memory.ts";
import { gcRaceSuite } from "./gc-race.api-suite.ts";

gcRaceSuite("memory stores", async () => ({
  metadataDb: new MemoryMetadataDb(),
  blockStore: new MemoryBlockStore(),
  clock: new ManualClock(Date.UTC(2026, 0, 1)),
  syncStream: new MemorySyncStream(),
}));

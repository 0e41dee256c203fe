// Runs the SyncStream contract against the memory adapter.
import { syncStreamContract } from "../contract/sync-stream.contract.ts";
import { MemorySyncStream } from "./sync-stream.memory.ts";

syncStreamContract("memory", async () => new MemorySyncStream(64), 2000);

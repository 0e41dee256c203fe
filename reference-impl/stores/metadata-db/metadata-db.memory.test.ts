// Runs the MetadataDb contract against the memory adapter (no server needed).
import { metadataDbContract } from "../contract/metadata-db.contract.ts";
import { MemoryMetadataDb } from "./metadata-db.memory.ts";

metadataDbContract(
  "memory",
  async () => {
    const db = new MemoryMetadataDb();
    await db.migrate();
    return db;
  },
  { openUnmigrated: async () => new MemoryMetadataDb() },
);

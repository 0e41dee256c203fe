// Runs the BlockStore contract against the memory adapter.
import { blockStoreContract } from "../contract/block-store.contract.ts";
import { MemoryBlockStore } from "./block-store.memory.ts";

const store = new MemoryBlockStore();
blockStoreContract("memory", async () => store);

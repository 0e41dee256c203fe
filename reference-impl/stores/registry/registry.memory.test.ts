// Runs the Registry contract against the memory adapter.
import { registryContract } from "../contract/registry.contract.ts";
import { MemoryRegistry } from "./registry.memory.ts";

const registry = new MemoryRegistry();
registryContract("memory", async () => registry);

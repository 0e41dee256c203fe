// The stack's state check after a fuzz run: `syncbench fsck`'s invariants (every committed block
// present and intact, ref counts, outbox drained, the topic's partitions), read-only, on the stack
// the environment names (SYNCBENCH_PORT_OFFSET and friends).
import { fsckStack } from "../reference-impl/services/fsck/main.ts";
import { createProvider } from "../reference-impl/stack/select-provider.ts";
import { loadStackConfig } from "../reference-impl/stack/stack-config.ts";

export async function fsckClean(
  env: NodeJS.ProcessEnv,
): Promise<{ clean: boolean; summary: string }> {
  const provider = await createProvider(loadStackConfig(env), env);
  const report = await fsckStack(await provider.endpointsWithSecrets(), {
    nowMs: Date.now(),
    outboxStaleMs: 60_000,
    blocksMax: 100_000,
  });
  const v = report.violations;
  return {
    clean: v.length === 0,
    summary:
      v.length === 0
        ? `clean (${report.checked.blocks} blocks checked)`
        : `${v.length} violation(s): ${v
            .slice(0, 3)
            .map((x) => `${x.kind} ${x.id} ${x.detail}`)
            .join("; ")}`,
  };
}

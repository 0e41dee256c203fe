// Shared by the stack commands (up, down, status, logs): flag parsing into the stack
// configuration, and the status table.
import type { StackStatus } from "../reference-impl/stack/provider.ts";
import { createProvider } from "../reference-impl/stack/select-provider.ts";
import { loadStackConfig, type StackFlags } from "../reference-impl/stack/stack-config.ts";
import type { CliContext } from "./context.ts";

export async function providerFor(ctx: CliContext, flags: StackFlags = {}) {
  const config = loadStackConfig(ctx.env, flags);
  return createProvider(config, ctx.env);
}

function formatBytes(bytes: number | undefined): string {
  return bytes === undefined ? "-" : `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function printStatus(ctx: CliContext, status: StackStatus): void {
  ctx.out(`provider: ${status.provider}`);
  // Columns as wide as their longest entry (notification-service-1 is 22 characters).
  const width = (pick: (s: StackStatus["services"][number]) => string, min: number) =>
    Math.max(min, ...status.services.map((s) => pick(s).length));
  const nameWidth = width((s) => s.name, 15);
  const endpointWidth = width((s) => s.endpoint, 42);
  const implementationWidth = width((s) => s.implementation, 28);
  for (const s of status.services) {
    const mark = s.healthy ? ctx.color.green("healthy  ") : ctx.color.red("UNHEALTHY");
    const pid = s.pid === undefined ? "" : `pid ${s.pid}`;
    ctx.out(
      `  ${s.name.padEnd(nameWidth)} ${mark} ${s.endpoint.padEnd(endpointWidth)} ` +
        `${s.implementation.padEnd(implementationWidth)} ${pid.padEnd(11)} ` +
        `rss ${formatBytes(s.rssBytes)}`,
    );
    if (!s.healthy && s.detail) ctx.out(ctx.color.dim(`${" ".repeat(nameWidth + 3)}${s.detail}`));
  }
}

export function allHealthy(status: StackStatus): boolean {
  return status.services.every((s) => s.healthy);
}

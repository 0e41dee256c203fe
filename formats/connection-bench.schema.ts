// What `npm run bench:connection-memory -- --out FILE` writes ("syncbench.connection-bench",
// schemaVersion 1): one NotificationService process's resident memory as WebSocket devices attach
// to it, measured on the real service (its RSS from /proc, read after each step settles), and the
// bytes per connection fitted through the steps (least squares). The claims ledger reads it for
// C19 (~2 KB per connection, 10 GB per pod at 5M) and C18 (5M connections per pod).
import { z } from "zod";
import {
  checkFormat,
  parseFormat,
  type DeepReadonly,
  type FormatDescription,
} from "./format-file.ts";

export const connectionBenchSchemaVersion = 1;

export const connectionBenchFormat: FormatDescription = {
  what: "connection bench",
  kind: "syncbench.connection-bench",
  schemaVersion: connectionBenchSchemaVersion,
  code: "CONNECTION_BENCH_INVALID",
};

const step = z.strictObject({
  /** Sockets open on the process (upgraded and "ready") when its RSS was read. */
  connectionsCount: z.number().int().min(0),
  rssBytes: z.number().int().min(1),
});

export const connectionBenchSchema = z
  .strictObject({
    kind: z.literal(connectionBenchFormat.kind),
    schemaVersion: z.literal(connectionBenchSchemaVersion),
    startedAt: z.string(),
    /** The process measured, e.g. "notification-service-1", and how it was reached. */
    process: z.string().min(1),
    endpoint: z.string().min(1),
    /** The process's own connection limit (PROTOCOL.md: connectionsMax), as configured. */
    connectionsMaxConfigured: z.number().int().min(1).nullable(),
    devicesPerUser: z.number().min(1),
    steps: z.array(step).min(2),
    /** Slope of RSS over connections (least squares through every step). */
    bytesPerConnection: z.number(),
    /** Upgrades refused or failed while attaching (not counted in any step). */
    failedCount: z.number().int().min(0),
    settleMs: z.number().int().min(0),
    loadavg: z.array(z.number()),
    notes: z.array(z.string()),
  })
  .refine((f) => f.steps.some((s) => s.connectionsCount > 0), {
    message: "at least one step must hold connections",
    path: ["steps"],
  });

export type ConnectionBench = DeepReadonly<z.infer<typeof connectionBenchSchema>>;

export function checkConnectionBench(value: unknown, source: string): ConnectionBench {
  return checkFormat(connectionBenchSchema, value, connectionBenchFormat, source);
}

/** connection-bench.json (text or parsed) -> ConnectionBench, or CONNECTION_BENCH_INVALID. */
export function parseConnectionBenchFile(input: unknown, source = "(input)"): ConnectionBench {
  return parseFormat(connectionBenchSchema, input, connectionBenchFormat, source);
}

/** Least-squares slope of y over x (bytes per connection from the steps). */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  const sxx = points.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const sxy = points.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

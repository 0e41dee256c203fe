// A closed-model measurement, for contrast only: `connections` loops that each send, wait for
// the answer, then wait for their next slot (wrk with a think time). Latency runs from the
// actual send, so during a stall each loop records one long sample and then nothing: the
// coordinated omission the self-test shows beside the open-model figures. Never used to gate.
import { Client } from "undici";
import { newHistogram, recordMs, type Histogram } from "../../formats/hdr-histogram.ts";
import { errorCode } from "../http1/http-exchange.ts";

export interface ClosedModelOptions {
  readonly baseUrl: string;
  readonly path: string;
  readonly connections: number;
  readonly ratePerS: number;
  readonly durationMs: number;
  readonly warmupMs: number;
}

export interface ClosedModelOutcome {
  readonly latency: Histogram;
  readonly sentCount: number;
  readonly errorCount: number;
  readonly achievedRatePerS: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Tally {
  readonly latency: Histogram;
  sent: number;
  errors: number;
}

async function loop(o: ClosedModelOptions, client: Client, index: number, t0: number, out: Tally) {
  const intervalMs = (o.connections * 1000) / o.ratePerS;
  let nextAt = t0 + (index * intervalMs) / o.connections;
  while (nextAt < t0 + o.durationMs) {
    const waitMs = nextAt - performance.now();
    if (waitMs > 0) await sleep(waitMs);
    const sentAt = performance.now();
    try {
      const response = await client.request({ method: "GET", path: o.path });
      await response.body.dump();
      if (sentAt - t0 >= o.warmupMs) recordMs(out.latency, performance.now() - sentAt);
    } catch (error) {
      out.errors++;
      if (errorCode(error) === "ECONNREFUSED") return;
    }
    out.sent++;
    nextAt = Math.max(nextAt + intervalMs, sentAt + intervalMs);
  }
}

export async function runClosedModel(o: ClosedModelOptions): Promise<ClosedModelOutcome> {
  const out: Tally = { latency: newHistogram(), sent: 0, errors: 0 };
  const clients = Array.from({ length: o.connections }, () => new Client(o.baseUrl));
  const t0 = performance.now();
  await Promise.all(clients.map((c, i) => loop(o, c, i, t0, out)));
  await Promise.all(clients.map((c) => c.close()));
  const measuredMs = Math.max(1, o.durationMs - o.warmupMs);
  return {
    latency: out.latency,
    sentCount: out.sent,
    errorCount: out.errors,
    achievedRatePerS: (out.latency.totalCount / measuredMs) * 1000,
  };
}

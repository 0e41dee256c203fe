// The maximum-throughput probe on autocannon: a closed model (each connection sends its next
// request only after the previous answer), so its latencies are NOT corrected for coordinated
// omission and have 1 ms resolution (load-generation.md section 1). Use it for "how many req/s
// can this endpoint take", never for a percentile gate; the result says so in its `model` field.
import autocannon from "autocannon";

export interface ProbeOptions {
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  readonly method: "GET" | "POST" | "PUT";
}

export interface ProbeResult {
  readonly model: "closed";
  readonly correctedForCoordinatedOmission: false;
  readonly latencyResolutionMs: 1;
  readonly tool: string;
  readonly url: string;
  readonly connections: number;
  readonly durationS: number;
  readonly requestsPerSMean: number;
  readonly requestsTotal: number;
  readonly latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number };
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}

export async function runProbe(o: ProbeOptions): Promise<ProbeResult> {
  const r = await autocannon({
    url: o.url,
    connections: o.connections,
    duration: o.durationS,
    method: o.method,
    timeout: 10,
  });
  return {
    model: "closed",
    correctedForCoordinatedOmission: false,
    latencyResolutionMs: 1,
    tool: "autocannon 9 (API)",
    url: o.url,
    connections: o.connections,
    durationS: r.duration,
    requestsPerSMean: r.requests.average,
    requestsTotal: r.requests.total,
    latencyMs: {
      p50: r.latency.p50,
      p90: r.latency.p90,
      p99: r.latency.p99,
      p999: r.latency.p99_9,
      max: r.latency.max,
    },
    errors: r.errors,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}

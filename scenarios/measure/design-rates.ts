// The two rates results.json reports beside the driver's (issue 20): operations per second as the
// design counts its 25K peak, "upload + download + notifications" (C14), and HTTP requests per
// second at the gateway, where an upload is three requests (upload-init, the block or delta, the
// commit). A notification is one file_changed event, published once per committed upload (and
// pushed to each of the user's 2-3 devices, C23: pushes are not counted again). Listings count as
// operations of the design's API too. Gateway requests per operation come from routes.ts: a
// route the CDN edge serves is not the gateway's. Pure: no I/O.
import type { OperationResult, Results } from "../../formats/results.schema.ts";
import { operationRoutes, routes } from "../operations/routes.ts";
import { httpOperationNames, type HttpOperationName } from "../scenario.ts";

const kindOf: Readonly<Record<HttpOperationName, "uploads" | "downloads" | "listings">> = {
  deltaUpload: "uploads",
  newFileUpload: "uploads",
  download: "downloads",
  listFolder: "listings",
};

/** Requests each operation sends through the gateway, from its route chain. */
export function gatewayRequestsPerOperation(): Record<HttpOperationName, number> {
  const entries = httpOperationNames.map((op) => {
    const count = operationRoutes[op].filter((r) => routes[r].service !== "CDN").length;
    return [op, count] as const;
  });
  return Object.fromEntries(entries) as Record<HttpOperationName, number>;
}

const finished = (op: OperationResult): number =>
  op.status === "measured" ? op.counts.ok + op.counts.error : 0;

const round = (x: number): number => Math.round(x * 10) / 10;

/** Both rates over the measured window; undefined when nothing was measured. */
export function throughputOf(
  operations: readonly OperationResult[],
  measuredWindowMs: number,
): Results["throughput"] | undefined {
  const windowS = measuredWindowMs / 1000;
  if (windowS <= 0) return undefined;
  const perOp = gatewayRequestsPerOperation();
  const byKind: Record<string, number> = { uploads: 0, downloads: 0, listings: 0 };
  let requests = 0;
  let committedUploads = 0;
  for (const op of operations) {
    const name = op.name as HttpOperationName;
    if (!(name in kindOf)) continue;
    byKind[kindOf[name]] = byKind[kindOf[name]]! + finished(op) / windowS;
    requests += (finished(op) * perOp[name]) / windowS;
    if (kindOf[name] === "uploads" && op.status === "measured")
      committedUploads += op.counts.ok / windowS;
  }
  byKind.notifications = committedUploads;
  const rounded = Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, round(v)]));
  const total = Object.values(byKind).reduce((a, b) => a + b, 0);
  return {
    designOperationsPerS: round(total),
    designOperationsByKindPerS: rounded,
    gatewayRequestsPerS: round(requests),
    gatewayRequestsPerOperation: perOp,
  };
}

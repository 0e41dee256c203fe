// The HTTP routes the drivers call, one table, so that the gateway's routes, the built-in test
// target and the k6 export agree. Each operation is a chain of steps (the design's upload
// protocol: upload-init, the delta or block, finalize); its latency runs from the intended
// start of the first step to the end of the last.
import type { HttpOperationName } from "../scenario.ts";

export type RouteName =
  "uploadInit" | "blockDelta" | "blockPut" | "uploadFinalize" | "blockGet" | "filesList";

export interface Route {
  readonly method: "GET" | "POST" | "PUT";
  /** Path template; `:hash` is a hex SHA-256, the query string is added per request. */
  readonly pathTemplate: string;
  /** The design component that serves it, for "not available in this stack" messages. */
  readonly service: "ChunkService" | "DownloadService" | "CDN";
}

export const routes: Readonly<Record<RouteName, Route>> = {
  // The ChunkService's API (reference-impl/services/chunk-service/openapi.yaml).
  uploadInit: { method: "POST", pathTemplate: "/v1/files/upload-init", service: "ChunkService" },
  blockDelta: { method: "PUT", pathTemplate: "/v1/blocks/:hash/delta", service: "ChunkService" },
  blockPut: { method: "PUT", pathTemplate: "/v1/blocks/:hash", service: "ChunkService" },
  uploadFinalize: { method: "POST", pathTemplate: "/v1/files/commit", service: "ChunkService" },
  // Not built yet: the names are this driver's proposal to the DownloadService and CDN.
  blockGet: { method: "GET", pathTemplate: "/v1/blocks/:hash", service: "CDN" },
  filesList: { method: "GET", pathTemplate: "/v1/files", service: "DownloadService" },
};

/** The route chain of each operation, in order. */
export const operationRoutes: Readonly<Record<HttpOperationName, readonly RouteName[]>> = {
  deltaUpload: ["uploadInit", "blockDelta", "uploadFinalize"],
  newFileUpload: ["uploadInit", "blockPut", "uploadFinalize"],
  download: ["blockGet"],
  listFolder: ["filesList"],
};

export interface Step {
  readonly route: RouteName;
  readonly method: Route["method"];
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: Uint8Array;
  /** Keep this step's response body: the next step's `bodyFrom` reads it (upload-init's uploadId). */
  readonly keepResponse?: boolean;
  /** Builds this step's body from the kept response of the step before (the commit's uploadId). */
  readonly bodyFrom?: (kept: Uint8Array) => Uint8Array;
}

/** The commit body: `file` with the uploadId that upload-init issued (its kept response). */
export function commitBodyFrom(file: object): (kept: Uint8Array) => Uint8Array {
  return (kept) => {
    const { uploadId } = JSON.parse(Buffer.from(kept).toString("utf8")) as { uploadId?: unknown };
    if (typeof uploadId !== "string") throw new Error("upload-init answered without an uploadId");
    return Buffer.from(JSON.stringify({ uploadId, ...file }));
  };
}

export interface OperationPlan {
  /** An HttpOperationName for scenarios; the self-test uses its own names. */
  readonly operation: string;
  readonly steps: readonly Step[];
  /** Fail at once with this code, sending nothing (e.g. no prepared user is free). */
  readonly failWith?: string;
  /**
   * Told how the operation ended, with the error code of a failure: stateful plans (delta chains)
   * advance, retry later (a transient error) or retire on it.
   */
  readonly settle?: (result: "ok" | "failed" | "unsent", code?: string) => void;
  /**
   * A deferred start: the driver counts the operation as sent at its intended time and hands over
   * `start` instead of sending; the plan calls it once, when it may go (a client's second save of
   * a file waits for the first), after setting its steps (or failWith). Latency still runs from
   * the intended time, service time from the call. Never called: the run ends it as unfinished.
   */
  readonly deferUntil?: (start: () => void) => void;
}

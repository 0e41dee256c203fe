// The HTTP routes the drivers call, one table, so that the gateway's routes, the built-in test
// target and the k6 export agree. Each operation is a chain of steps (the design's upload
// protocol: upload-init, the delta or block, finalize); its latency runs from the intended
// start of the first step to the end of the last.
import type { HttpOperationName } from "../scenario.ts";

export type RouteName =
  | "uploadInit"
  | "blockDelta"
  | "blockPut"
  | "uploadFinalize"
  | "fileContent"
  | "blockGet"
  | "filesList";

export interface Route {
  readonly method: "GET" | "POST" | "PUT";
  /** Path template; `:hash` is a hex SHA-256, the query string is added per request. */
  readonly pathTemplate: string;
  /** The design component that serves it, for "not available in this stack" messages. */
  readonly service: "ChunkService" | "DownloadService" | "CDN";
  /**
   * The request goes where a previous step's answer says (a signed URL), not to the run's target:
   * the availability probe does not ask for it, a failure on it counts against the stack.
   */
  readonly urlFromAnswer?: boolean;
}

export const routes: Readonly<Record<RouteName, Route>> = {
  // The ChunkService's API (reference-impl/services/chunk-service/openapi.yaml).
  uploadInit: { method: "POST", pathTemplate: "/v1/files/upload-init", service: "ChunkService" },
  blockDelta: { method: "PUT", pathTemplate: "/v1/blocks/:hash/delta", service: "ChunkService" },
  blockPut: { method: "PUT", pathTemplate: "/v1/blocks/:hash", service: "ChunkService" },
  uploadFinalize: { method: "POST", pathTemplate: "/v1/files/commit", service: "ChunkService" },
  // The DownloadService's API (reference-impl/services/download-service/openapi.yaml): a version's
  // block list with a signed URL per block, and listing pages. A block is then fetched on its
  // signed URL, from the CDN edge's origin (or S3's, for presigned URLs): the URL, not this
  // template, says where; the template is what the built-in target and the k6 export serve.
  fileContent: { method: "GET", pathTemplate: "/v1/files/content", service: "DownloadService" },
  blockGet: {
    method: "GET",
    pathTemplate: "/v1/blocks/:hash",
    service: "CDN",
    urlFromAnswer: true,
  },
  filesList: { method: "GET", pathTemplate: "/v1/files", service: "DownloadService" },
};

/** The route chain of each operation, in order. */
export const operationRoutes: Readonly<Record<HttpOperationName, readonly RouteName[]>> = {
  deltaUpload: ["uploadInit", "blockDelta", "uploadFinalize"],
  newFileUpload: ["uploadInit", "blockPut", "uploadFinalize"],
  download: ["fileContent", "blockGet"],
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
  /** Another origin than the run's target, e.g. "http://127.0.0.1:8081" (a signed block URL's). */
  readonly origin?: string;
  /**
   * The steps that follow, built from this step's kept response (a block list's signed URLs, a
   * listing page's next cursor); they replace the plan's remaining steps. Throws: the operation
   * fails with RESPONSE_UNUSABLE.
   */
  readonly then?: (kept: Uint8Array) => readonly Step[];
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

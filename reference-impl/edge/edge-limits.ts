// What the nginx template takes from core/limits.ts: client_max_body_size per route, the upstream
// server parameters of the service pools, and the JSON bodies of the errors nginx answers itself
// on the gateway (so a client sees {"error": {"code", "message"}} as from the services, never an
// HTML page). Rendered into reference-impl/edge/nginx.conf.template by both stack providers.
import { routeBodyBytesMax } from "../core/limits.ts";

/**
 * Upstream server parameters of the service pools: max_fails=0, because a client can make a
 * request fail (a body cut short, a slow upload) and one client must never eject a server for the
 * others; a dead server's refused connect still moves the request to the next server at once.
 */
export const upstreamServerParameters = "max_fails=0";

const limitsText =
  `upload-init ${routeBodyBytesMax.uploadInit} bytes, commit ${routeBodyBytesMax.commit}, ` +
  `block ${routeBodyBytesMax.blockPut}, delta ${routeBodyBytesMax.blockDelta}`;

/** The errors nginx answers on its own, with the code and message a client gets. */
export const gatewayErrors: readonly { status: number; code: string; message: string }[] = [
  { status: 400, code: "GATEWAY_BAD_REQUEST", message: "the gateway could not parse the request" },
  { status: 404, code: "NOT_FOUND", message: "no API route at this path" },
  { status: 405, code: "METHOD_NOT_ALLOWED", message: "this route does not take the method" },
  {
    status: 413,
    code: "BODY_TOO_LARGE",
    message: `request body over the limit of its route (${limitsText}); nothing was forwarded`,
  },
  { status: 429, code: "GATEWAY_RATE_LIMITED", message: "too many requests; retry later" },
  { status: 500, code: "GATEWAY_INTERNAL", message: "the gateway failed to handle the request" },
  {
    status: 502,
    code: "UPSTREAM_UNAVAILABLE",
    message: "no service process answered; retry with backoff",
  },
  {
    status: 503,
    code: "UPSTREAM_UNAVAILABLE",
    message: "the service is unavailable; retry with backoff",
  },
  {
    status: 504,
    code: "UPSTREAM_TIMEOUT",
    message: "the service did not answer in time; retry with backoff",
  },
];

function errorLocation(e: (typeof gatewayErrors)[number]): string {
  const body = JSON.stringify({ error: { code: e.code, message: e.message } });
  if (body.includes("'")) throw new Error(`gateway error body holds a quote: ${body}`);
  // A URI, not a named location: nginx cannot redirect to a named location while it has no URI
  // yet (a %00 in the request line), and then answered its own HTML 500 (probe security).
  return [
    `    location = /_gateway_error/${e.status} {`,
    "      internal;",
    "      default_type application/json;",
    `      return ${e.status} '${body}';`,
    "    }",
  ].join("\n");
}

/** The template values derived from the limits (sizes in bytes: nginx takes plain numbers). */
export function edgeTemplateValues(): Record<string, string> {
  return {
    UPLOAD_INIT_BODY_MAX: String(routeBodyBytesMax.uploadInit),
    COMMIT_BODY_MAX: String(routeBodyBytesMax.commit),
    BLOCK_BODY_MAX: String(routeBodyBytesMax.blockPut),
    DELTA_BODY_MAX: String(routeBodyBytesMax.blockDelta),
    GATEWAY_ERROR_LOCATIONS: gatewayErrors.map(errorLocation).join("\n"),
  };
}

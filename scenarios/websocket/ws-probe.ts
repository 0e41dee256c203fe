// Whether the stack serves WebSocket devices: one upgrade attempt on the notification endpoint
// before any holder starts. A refused connection or a 404/502/503 answer (no route, or the
// gateway has no NotificationService behind it) is "not available in this stack".
import WebSocket from "ws";
import { errorCode } from "../http1/http-exchange.ts";

const probeTimeoutMs = 3_000;
const unavailableStatuses = new Set([404, 405, 501, 502, 503, 504]);
const unreachableCodes = new Set(["ECONNREFUSED", "EHOSTUNREACH"]);

export type WsAvailability = { available: true } | { available: false; reason: string };

/** `token`: user 0's bearer token, so a hub that authenticates answers the upgrade with 101. */
export function probeWebsocket(url: string, token?: string): Promise<WsAvailability> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url}?user=0&device=0`, {
      perMessageDeflate: false,
      handshakeTimeout: probeTimeoutMs,
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    });
    ws.once("open", () => {
      ws.close();
      resolve({ available: true });
    });
    ws.once("unexpected-response", (_request, response) => {
      const status = response.statusCode ?? 0;
      response.resume();
      ws.terminate();
      if (unavailableStatuses.has(status)) {
        const route = `GET ${new URL(url).pathname} upgrade`;
        const reason = `${route} answered ${status} (NotificationService not in this stack)`;
        resolve({ available: false, reason });
      } else resolve({ available: true }); // e.g. 401: the service is there and wants a token
    });
    ws.once("error", (error) => {
      const code = errorCode(error);
      if (unreachableCodes.has(code)) resolve({ available: false, reason: `${url}: ${code}` });
      else resolve({ available: true });
    });
  });
}

// The hub's upgrade check, request by request: a token for the device's user admits it; a
// missing, malformed, badly signed, expired or another user's token is refused with its status,
// code and a reason, and a real upgrade answers 401 with that reason in the body.
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import WebSocket from "ws";
import { signJwt } from "../../reference-impl/runtime/jwt.ts";
import { startBuiltinTarget } from "./builtin-target.ts";
import { attachNotificationHub, refusalOf } from "./ws-hub.ts";

const secret = "hub-unit-secret-0123456789";
const nowMs = 1_700_000_000_000;
const options = { jwtSecret: secret, nowMs: () => nowMs };
const expS = nowMs / 1000 + 60;
const withAuth = (authorization?: string) =>
  ({ headers: authorization ? { authorization } : {} }) as IncomingMessage;
const bearer = (sub: string, exp = expS, key = secret) => `Bearer ${signJwt({ sub, exp }, key)}`;

describe("notification hub authentication", () => {
  it("admits the device's own user and refuses everything else with a reason", () => {
    expect(refusalOf(withAuth(bearer("user-3")), 3, options)).toBeUndefined();
    const cases: [string | undefined, number, string][] = [
      [undefined, 401, "AUTH_MISSING"],
      ["Basic abc", 401, "AUTH_MISSING"],
      ["Bearer not.a-token", 401, "AUTH_INVALID"],
      [bearer("user-3", expS, "wrong-secret-0123456789"), 401, "AUTH_INVALID"],
      [bearer("user-3", nowMs / 1000 - 1), 401, "AUTH_EXPIRED"],
      [bearer("user-4"), 403, "AUTH_WRONG_USER"],
    ];
    for (const [header, status, code] of cases) {
      const refusal = refusalOf(withAuth(header), 3, options);
      expect(refusal?.status, header).toBe(status);
      expect(refusal?.code, header).toBe(code);
      expect(refusal?.reason.length, header).toBeGreaterThan(10);
    }
  });

  it("answers a refused upgrade with 401 and the reason, and never upgrades it", async () => {
    const target = await startBuiltinTarget();
    const hub = attachNotificationHub(target.server, { jwtSecret: secret });
    try {
      const url = `${target.url.replace("http", "ws")}/v1/notifications?user=1&device=0`;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const ws = new WebSocket(url);
        ws.once("open", () => reject(new Error("upgraded without a token")));
        ws.once("unexpected-response", (_req, res) => {
          let body = "";
          res.on("data", (c: Buffer) => (body += c.toString()));
          res.on("end", () => {
            resolve({ status: res.statusCode ?? 0, body });
            ws.terminate();
          });
        });
        ws.on("error", () => {}); // the abort after terminate(); the answer is already in
      });
      expect(answer.status).toBe(401);
      expect(answer.body).toContain("no Authorization header");
      expect(answer.body).toContain("AUTH_MISSING");
      expect(hub.connectedCount()).toBe(0);
    } finally {
      await hub.close();
      await target.close();
    }
  });
});

// The WebSocket device driver against the built-in hub: devices spread over two holder
// processes (a small per-holder cap forces the sharding), every push is received, and the
// freshness histogram counts one sample per delivery. With a secret the hub refuses devices
// whose token is missing or badly signed (counted as HTTP_401 connect errors) and admits good ones.
// Against messages shaped as the real NotificationService's, freshness runs from the commit and
// is split into its parts when the message carries the stamps (a replay carries none).
// Against a server that never answers an upgrade, connecting stalls: the fleet says so, no throw.
import { createServer, type AddressInfo, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { startBuiltinTarget } from "../targets/builtin-target.ts";
import { attachNotificationHub } from "../targets/ws-hub.ts";
import { deviceAuth } from "../operations/tokens.ts";
import { connectDevices, placeDevices, type DevicesRunOptions } from "./ws-devices.ts";

const websocket = {
  devicesPerUserMin: 2,
  devicesPerUserMax: 3,
  connectedUsersCount: 20,
  notificationRatePerS: 50,
};

describe("ws devices", () => {
  it("places 2-3 devices per user, the same for the same seed", () => {
    const a = placeDevices(websocket, 7);
    expect(a).toEqual(placeDevices(websocket, 7));
    expect(a.length).toBeGreaterThanOrEqual(40);
    expect(a.length).toBeLessThanOrEqual(60);
  });

  it("holds devices in several holders and records every delivery's freshness", async () => {
    const target = await startBuiltinTarget();
    const hub = attachNotificationHub(target.server);
    try {
      const fleet = await connectDevices({
        urls: [`${target.url.replace("http", "ws")}/v1/notifications`],
        websocket,
        seed: 7,
        durationMs: 1_000,
        publish: hub.publishFor,
        socketsPerHolderMax: 25,
      });
      const result = await fleet.collect(await fleet.publish());
      expect(result.holderProcessCount).toBeGreaterThanOrEqual(2);
      expect(result.connectedCount).toBe(result.devicesCount);
      expect(result.notificationsSentCount).toBeGreaterThanOrEqual(45);
      expect(result.deliveriesReceivedCount).toBe(result.deliveriesExpectedCount);
      expect(result.freshnessMs.count).toBe(result.deliveriesReceivedCount);
    } finally {
      await hub.close();
      await target.close();
    }
  }, 60_000);

  it("admits devices with their user's token and refuses a missing or bad one", async () => {
    const secret = "hub-test-secret-0123456789";
    const target = await startBuiltinTarget();
    const hub = attachNotificationHub(target.server, { jwtSecret: secret });
    const small = { ...websocket, connectedUsersCount: 4 };
    const fleetWith = async (auth: DevicesRunOptions["auth"]) => {
      const fleet = await connectDevices({
        urls: [`${target.url.replace("http", "ws")}/v1/notifications`],
        websocket: small,
        seed: 7,
        durationMs: 100,
        publish: hub.publishFor,
        ...(auth ? { auth } : {}),
      });
      return fleet.collect(await fleet.publish());
    };
    try {
      const good = await fleetWith(deviceAuth(secret, Date.now()));
      expect(good.connectedCount).toBe(good.devicesCount);
      expect(good.connectErrorsByCode).toEqual({});
      const bad = await fleetWith(deviceAuth("another-secret-0123456789", Date.now()));
      expect(bad.connectedCount).toBe(0);
      expect(bad.connectErrorsByCode).toEqual({ HTTP_401: bad.devicesCount });
      const missing = await fleetWith(undefined);
      expect(missing.connectErrorsByCode).toEqual({ HTTP_401: missing.devicesCount });
      expect(hub.refusedByCode()).toEqual({
        AUTH_INVALID: bad.devicesCount,
        AUTH_MISSING: missing.devicesCount,
      });
    } finally {
      await hub.close();
      await target.close();
    }
  }, 60_000);

  it("splits a real notification's commit -> device delay into its parts; a replay counts whole only", async () => {
    const server = new WebSocketServer({ port: 0, host: "127.0.0.1" });
    server.on("connection", (ws) => {
      const now = Date.now();
      const event = { eventId: "e", filePath: "/a", version: 1, timestampMs: now - 50 };
      ws.send(JSON.stringify({ type: "ready", cursor: "1-0" }));
      ws.send(JSON.stringify({ type: "event", cursor: "1-1", event })); // a replay
      const trace = { publishedAtMs: now - 40, consumedAtMs: now - 30, pushedAtMs: now - 20 };
      ws.send(JSON.stringify({ type: "event", cursor: "1-2", event, trace }));
    });
    await new Promise((resolve) => server.once("listening", resolve));
    try {
      const fleet = await connectDevices({
        urls: [`ws://127.0.0.1:${(server.address() as AddressInfo).port}/v1/notifications`],
        websocket: { ...websocket, connectedUsersCount: 3 },
        seed: 7,
        durationMs: 300,
      });
      const result = await fleet.collect(await fleet.publish());
      expect(result.connectedCount).toBe(result.devicesCount);
      expect(result.deliveriesReceivedCount).toBe(2 * result.devicesCount);
      expect(result.freshnessMs.count).toBe(2 * result.devicesCount);
      expect(Object.keys(result.freshnessPartsMs ?? {})).toEqual([
        "commitToPublish",
        "publishToConsume",
        "consumeToPush",
        "pushToDevice",
      ]);
      expect(result.freshnessPartsMs?.consumeToPush?.count).toBe(result.devicesCount);
      expect(result.freshnessPartsMs?.commitToPublish?.p50).toBeGreaterThan(0);
    } finally {
      for (const client of server.clients) client.terminate();
      await new Promise((resolve) => server.close(resolve));
    }
  }, 60_000);

  it("gives up when connecting stalls and reports what it holds instead of throwing", async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => held.push(socket)); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as { port: number };
    const seen: number[] = [];
    try {
      const fleet = await connectDevices({
        urls: [`ws://127.0.0.1:${port}/v1/notifications`],
        websocket: { ...websocket, connectedUsersCount: 3 },
        seed: 7,
        durationMs: 10,
        connectStallMs: 2_000,
        onConnectProgress: (p) => seen.push(p.settledCount),
      });
      const result = await fleet.collect(await fleet.publish());
      expect(result.connectStalled).toBe(true);
      expect(result.connectedCount).toBe(0);
      expect(result.devicesCount).toBeGreaterThanOrEqual(6);
    } finally {
      for (const s of held) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);
});

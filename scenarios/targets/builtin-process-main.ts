// Entry of the built-in target's own process (builtin-process.ts forks it): starts the HTTP
// routes and the notification hub on a loopback port, reports the URL, publishes on request,
// and exits when its parent goes away.
import { startBuiltinTarget } from "./builtin-target.ts";
import type { BuiltinChildMessage } from "./builtin-process.ts";
import { attachNotificationHub } from "./ws-hub.ts";

interface PublishRequest {
  type: "publish";
  requestId: number;
  usersCount: number;
  ratePerS: number;
  durationMs: number;
  seed: number;
}

const target = await startBuiltinTarget();
const hub = attachNotificationHub(target.server);
const send = (m: BuiltinChildMessage) => process.send!(m);

process.on("message", (m: PublishRequest) => {
  if (m.type !== "publish") return;
  void hub.publishFor(m.usersCount, m.ratePerS, m.durationMs, m.seed).then((tally) => {
    send({ type: "published", requestId: m.requestId, tally });
  });
});
process.on("disconnect", () => process.exit(0));
send({ type: "listening", url: target.url });

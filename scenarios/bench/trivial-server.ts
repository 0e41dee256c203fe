// The trivial loopback endpoint of the driver bench (forked by driver.bench.ts): answers "ok"
// at once, keep-alive, so every generator meets the same server, as in load-generation.md 2.1.
// `/steady` answers after a fixed 10 ms timer: the steady endpoint on which two generators'
// measurements are compared, where the tools' own sub-millisecond overheads are small beside
// what they measure.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

const steadyDelayMs = 10;

const server = createServer((request, response) => {
  request.resume();
  const answer = () => {
    response.writeHead(200, { "content-type": "text/plain", "content-length": "2" });
    response.end("ok");
  };
  if (request.url === "/steady") setTimeout(answer, steadyDelayMs);
  else answer();
});
server.keepAliveTimeout = 60_000;
server.listen(0, "127.0.0.1", () => {
  process.send!({ port: (server.address() as AddressInfo).port });
});
process.on("disconnect", () => process.exit(0));

// The download bench's anchors that need an nginx of their own: a second nginx, with the edge's
// worker and transfer settings (worker_processes 2, sendfile, tcp_nopush, keep-alive), that serves
// a 4 MiB file from disk (the edge's physical floor: what a CDN hit cannot beat) and passes a
// presigned S3 GET through one proxy hop without a cache (what a CDN miss adds to S3 at least).
// Started by the bench on a free loopback port, stopped by its PID when the bench ends; its files
// live in a temporary folder that is removed with it.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

const nginxBinary = "/usr/sbin/nginx";
const startTimeoutMs = 15_000;

export interface AnchorNginx {
  /** GET this for the 4 MiB file from disk. */
  readonly staticUrl: string;
  /** The same presigned S3 URL through the anchor's proxy hop. */
  viaHop(presignedUrl: string): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function config(dir: string, port: number, s3Authority: string): string {
  const user = process.getuid?.() === 0 ? "user www-data;" : "";
  return `${user}
worker_processes 2;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path tmp/body;
  proxy_temp_path tmp/proxy;
  fastcgi_temp_path tmp/fastcgi;
  uwsgi_temp_path tmp/uwsgi;
  scgi_temp_path tmp/scgi;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  server {
    listen 127.0.0.1:${port};
    location = /static/block.bin { alias ${dir}/www/block.bin; }
    location /s3/ {
      proxy_pass http://${s3Authority}/;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host ${s3Authority};
      proxy_max_temp_file_size 0;
    }
  }
}
`;
}

async function waitUntilServing(url: string, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + startTimeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`anchor nginx exited with ${child.exitCode}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch (error) {
      if (performance.now() > deadline) {
        throw new Error(`anchor nginx did not serve ${url} within ${startTimeoutMs} ms`, {
          cause: error,
        });
      }
    }
    await sleep(100); // a bench's start-up wait, bounded by startTimeoutMs
  }
}

export async function startAnchorNginx(
  block: Uint8Array,
  s3Endpoint: string,
): Promise<AnchorNginx> {
  if (!existsSync(nginxBinary))
    throw new Error(`${nginxBinary} not found: npx syncbench up installs it`);
  const dir = mkdtempSync(join(tmpdir(), "syncbench-anchor-"));
  for (const sub of ["www", "tmp"]) mkdirSync(join(dir, sub));
  chmodSync(dir, 0o755);
  chmodSync(join(dir, "www"), 0o755);
  chmodSync(join(dir, "tmp"), 0o777);
  writeFileSync(join(dir, "www", "block.bin"), block, { mode: 0o644 });
  const port = await freePort();
  const s3 = new URL(s3Endpoint);
  writeFileSync(join(dir, "nginx.conf"), config(dir, port, s3.host));
  const child = spawn(
    nginxBinary,
    ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"],
    {
      stdio: "ignore",
    },
  );
  const base = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitUntilServing(`${base}/static/block.bin`, child);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    staticUrl: `${base}/static/block.bin`,
    viaHop: (presigned) => {
      const u = new URL(presigned);
      return `${base}/s3${u.pathname}${u.search}`;
    },
    stop,
  };
}

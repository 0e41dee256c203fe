// Checks the nginx template: every placeholder is filled from the configuration, the pools have
// one server per service process, and a missing value is an error rather than text left in the file.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { routeBodyBytesMax } from "../../core/limits.ts";
import { defaultNativeConfig } from "./native-config.ts";
import { nginxValues, renderTemplate } from "./nginx.ts";

const template = readFileSync(
  fileURLToPath(new URL("../../edge/nginx.conf.template", import.meta.url)),
  "utf8",
);

describe("nginx template", () => {
  it("renders with no placeholder left and one upstream server per ChunkService", () => {
    const config = { ...defaultNativeConfig("/repo"), chunkServiceCount: 3 };
    const conf = renderTemplate(template, nginxValues(config, "/repo/.syncbench/logs", undefined));
    expect(conf).not.toMatch(/\$\{[A-Z_]+\}/);
    const upload = /upstream upload_pool \{([^}]*)\}/.exec(conf)?.[1] ?? "";
    expect(upload.match(/server 127\.0\.0\.1:\d+/g)).toEqual([
      "server 127.0.0.1:7101",
      "server 127.0.0.1:7102",
      "server 127.0.0.1:7103",
    ]);
    expect(conf).toContain("listen 127.0.0.1:8080;");
    expect(conf).toContain("proxy_cache_key $block_hash;"); // one cache entry per block, for every holder
    const downloads = /upstream download_pool \{([^}]*)\}/.exec(conf)?.[1] ?? "";
    expect(downloads.match(/server 127\.0\.0\.1:\d+/g)).toEqual([
      "server 127.0.0.1:7121",
      "server 127.0.0.1:7122",
    ]);
  });

  it("takes each route's client_max_body_size from core/limits.ts, ejects no server, and answers errors as JSON", () => {
    const conf = renderTemplate(
      template,
      nginxValues(defaultNativeConfig("/repo"), "/repo/.syncbench/logs", undefined),
    );
    const sizeOf = (location: string) =>
      new RegExp(`location ${location} \\{\\s*client_max_body_size (\\d+);`).exec(conf)?.[1];
    expect({
      uploadInit: sizeOf("= /v1/files/upload-init"),
      commit: sizeOf("= /v1/files/commit"),
      blockPut: sizeOf("~ \\^/v1/blocks/\\[\\^/\\]\\+\\$"),
      blockDelta: sizeOf("~ \\^/v1/blocks/\\[\\^/\\]\\+/delta\\$"),
    }).toEqual(
      Object.fromEntries(Object.entries(routeBodyBytesMax).map(([k, v]) => [k, String(v)])),
    );
    const pools = [...conf.matchAll(/upstream (upload|download|push)_pool \{([^}]*)\}/g)]
      .map((m) => m[2])
      .join("");
    const servers = pools.match(/server 127\.0\.0\.1:\d+[^;]*;/g) ?? [];
    expect(servers.length).toBeGreaterThan(0);
    expect(servers.filter((s) => !s.includes("max_fails=0"))).toEqual([]);
    for (const status of [400, 404, 405, 413, 502, 503, 504]) {
      expect(conf).toContain(`error_page ${status} /_gateway_error/${status};`);
      const location = `location = /_gateway_error/${status} \\{[^}]*internal;`;
      const body = new RegExp(`${location}[^}]*return ${status} '([^']*)';`).exec(conf)?.[1];
      expect(JSON.parse(body ?? "null")).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
      });
    }
    expect(conf).toContain("auth_request /_edge/authorise;"); // the CDN authorises before its cache answers
  });

  it("refuses a template value that is missing", () => {
    expect(() => renderTemplate("listen ${PORT};", {})).toThrow(/needs \$\{PORT\}/);
  });
});

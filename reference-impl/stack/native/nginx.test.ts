// Checks the nginx template: every placeholder is filled from the configuration, the pools have
// one server per service process, and a missing value is an error rather than text left in the file.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { defaultNativeConfig } from "./native-config.ts";
import { nginxValues, renderTemplate } from "./nginx.ts";

const template = readFileSync(fileURLToPath(new URL("../../edge/nginx.conf.template", import.meta.url)), "utf8");

describe("nginx template", () => {
  it("renders with no placeholder left and one upstream server per ChunkService", () => {
    const config = { ...defaultNativeConfig("/repo"), chunkServiceCount: 3 };
    const conf = renderTemplate(template, nginxValues(config, "/repo/.syncbench/logs", undefined));
    expect(conf).not.toMatch(/\$\{[A-Z_]+\}/);
    const upload = /upstream upload_pool \{([^}]*)\}/.exec(conf)?.[1] ?? "";
    expect(upload.match(/server 127\.0\.0\.1:\d+/g)).toEqual(["server 127.0.0.1:7101", "server 127.0.0.1:7102", "server 127.0.0.1:7103"]);
    expect(conf).toContain("listen 127.0.0.1:8080;");
    expect(conf).toContain("proxy_cache_key $uri;");
  });

  it("refuses a template value that is missing", () => {
    expect(() => renderTemplate("listen ${PORT};", {})).toThrow(/needs \$\{PORT\}/);
  });
});

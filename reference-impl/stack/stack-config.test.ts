// Checks the stack configuration layers and that every invalid value is reported at once.
import { describe, expect, it } from "vitest";
import { loadStackConfig } from "./stack-config.ts";

describe("loadStackConfig", () => {
  it("takes defaults, then environment, then flags", () => {
    expect(loadStackConfig({}).native.chunkServiceCount).toBe(2);
    expect(loadStackConfig({ SYNCBENCH_CHUNK_SERVICES: "4" }).native.chunkServiceCount).toBe(4);
    expect(
      loadStackConfig({ SYNCBENCH_CHUNK_SERVICES: "4" }, { chunkServices: "6" }).native
        .chunkServiceCount,
    ).toBe(6);
    expect(loadStackConfig({ SYNCBENCH_PROVIDER: "native" }).provider).toBe("native");
    expect(loadStackConfig({}).provider).toBeUndefined();
  });

  it("moves every port by SYNCBENCH_PORT_OFFSET and refuses an offset past its limit", () => {
    const base = loadStackConfig({}).native.ports;
    const moved = loadStackConfig({ SYNCBENCH_PORT_OFFSET: "100" }).native.ports;
    for (const [name, port] of Object.entries(base))
      expect(moved[name as keyof typeof moved]).toBe(port + 100);
    expect(() => loadStackConfig({ SYNCBENCH_PORT_OFFSET: "1001" })).toThrow(
      /SYNCBENCH_PORT_OFFSET must be an integer from 0 to 1000, got "1001"/,
    );
    expect(() => loadStackConfig({ SYNCBENCH_PORT_OFFSET: "-5" })).toThrow(/got "-5"/);
  });

  it("reports every invalid value in one error, with the values seen", () => {
    let message = "";
    try {
      loadStackConfig({ SYNCBENCH_S3_SERVER: "minio" }, { provider: "podman", chunkServices: "0" });
    } catch (error) {
      expect(error).toMatchObject({ code: "STACK_CONFIG_INVALID" });
      message = (error as Error).message;
    }
    expect(message).toContain('"podman"');
    expect(message).toContain('"minio"');
    expect(message).toContain('got "0"');
  });
});

// Checks the stack configuration layers and that every invalid value is reported at once.
import { describe, expect, it } from "vitest";
import { loadStackConfig } from "./stack-config.ts";

describe("loadStackConfig", () => {
  it("takes defaults, then environment, then flags", () => {
    expect(loadStackConfig({}).native.chunkServiceCount).toBe(2);
    expect(loadStackConfig({ SYNCBENCH_CHUNK_SERVICES: "4" }).native.chunkServiceCount).toBe(4);
    expect(loadStackConfig({ SYNCBENCH_CHUNK_SERVICES: "4" }, { chunkServices: "6" }).native.chunkServiceCount).toBe(6);
    expect(loadStackConfig({ SYNCBENCH_PROVIDER: "native" }).provider).toBe("native");
    expect(loadStackConfig({}).provider).toBeUndefined();
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

// Checks the SigV4 presigner against the worked example of the AWS documentation (query-string
// authentication, GET of examplebucket/test.txt), so the probe's signatures are the real thing.
import { describe, expect, it } from "vitest";
import { presignGet } from "./presign.ts";

describe("presignGet", () => {
  it("reproduces the documented example signature", () => {
    const url = presignGet({
      url: "https://examplebucket.s3.amazonaws.com/test.txt",
      region: "us-east-1",
      accessKeyId: "AKIAIOSFODNN7EXAMPLE",
      secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      signedAtS: Date.UTC(2013, 4, 24) / 1000,
      expiresS: 86_400,
    });
    expect(new URL(url).searchParams.get("X-Amz-Signature")).toBe(
      "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
    );
    expect(new URL(url).searchParams.get("X-Amz-Credential")).toBe(
      "AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request",
    );
  });

  it("signs another path with another signature", () => {
    const base = {
      region: "us-east-1",
      accessKeyId: "k",
      secretAccessKey: "s",
      signedAtS: 1_700_000_000,
      expiresS: 60,
    };
    const a = new URL(presignGet({ ...base, url: "http://127.0.0.1:7070/blocks/aa" })).searchParams;
    const b = new URL(presignGet({ ...base, url: "http://127.0.0.1:7070/blocks/bb" })).searchParams;
    expect(a.get("X-Amz-Signature")).not.toBe(b.get("X-Amz-Signature"));
  });
});

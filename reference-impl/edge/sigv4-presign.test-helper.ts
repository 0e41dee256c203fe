// A SigV4 query-string presigner for S3 GETs (AWS "Authenticating Requests: Using Query
// Parameters"), for the edge tests: they need URLs signed now, in the past (expired) and for
// another key, which the SDK's presigner does not expose without another dependency.
import { createHash, createHmac } from "node:crypto";

export interface PresignInput {
  readonly s3Url: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** "/bucket/key", path style, as the CDN edge forwards it. */
  readonly path: string;
  readonly signedAtMs: number;
  readonly expiresS: number;
}

const hmac = (key: string | Buffer, data: string) =>
  createHmac("sha256", key).update(data).digest();
const encode = (s: string) =>
  encodeURIComponent(s).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );

/** The path and query of a presigned GET, signed for the S3 server's host. */
export function presignGet(input: PresignInput): string {
  const amzDate = new Date(input.signedAtMs)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${input.region}/s3/aws4_request`;
  const query: [string, string][] = [
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${input.accessKeyId}/${scope}`],
    ["X-Amz-Date", amzDate],
    ["X-Amz-Expires", String(input.expiresS)],
    ["X-Amz-SignedHeaders", "host"],
  ];
  const canonicalQuery = query
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .sort()
    .join("&");
  const host = new URL(input.s3Url).host;
  const canonicalPath = input.path.split("/").map(encode).join("/");
  const request = [
    "GET",
    canonicalPath,
    canonicalQuery,
    `host:${host}`,
    "",
    "host",
    "UNSIGNED-PAYLOAD",
  ].join("\n");
  const toSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    scope,
    createHash("sha256").update(request).digest("hex"),
  ].join("\n");
  const key = ["s3", "aws4_request"].reduce<Buffer>(
    (k, part) => hmac(k, part),
    hmac(hmac(`AWS4${input.secretAccessKey}`, day), input.region),
  );
  return `${canonicalPath}?${canonicalQuery}&X-Amz-Signature=${hmac(key, toSign).toString("hex")}`;
}

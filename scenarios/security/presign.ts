// AWS Signature Version 4 query-string presigning of one S3 GET (the "presigned URL" a
// DownloadService hands out), with node:crypto. The security probe uses it to warm the CDN edge with
// one legitimately signed fetch, then to send expired and wrong-block signatures. The algorithm:
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
import { createHash, createHmac } from "node:crypto";

export interface PresignInput {
  /** The URL the signature is computed for (its host is signed), e.g. http://127.0.0.1:7070/blocks/<hash>. */
  readonly url: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** When the signature is made (seconds since the epoch). */
  readonly signedAtS: number;
  readonly expiresS: number;
}

const hmac = (key: string | Buffer, data: string) =>
  createHmac("sha256", key).update(data).digest();
const sha256Hex = (data: string) => createHash("sha256").update(data).digest("hex");

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX. */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function amzDate(epochS: number): string {
  return new Date(epochS * 1000)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

/** The presigned URL: the input URL with the X-Amz-* query parameters of a GET signature. */
export function presignGet(input: PresignInput): string {
  const url = new URL(input.url);
  const date = amzDate(input.signedAtS);
  const scope = `${date.slice(0, 8)}/${input.region}/s3/aws4_request`;
  const params: [string, string][] = [
    ["X-Amz-Algorithm", "AWS4-HMAC-SHA256"],
    ["X-Amz-Credential", `${input.accessKeyId}/${scope}`],
    ["X-Amz-Date", date],
    ["X-Amz-Expires", String(input.expiresS)],
    ["X-Amz-SignedHeaders", "host"],
  ];
  const query = params
    .map(([k, v]) => `${encode(k)}=${encode(v)}`)
    .sort()
    .join("&");
  const path = url.pathname
    .split("/")
    .map((s) => encode(decodeURIComponent(s)))
    .join("/");
  const canonical = ["GET", path, query, `host:${url.host}`, "", "host", "UNSIGNED-PAYLOAD"].join(
    "\n",
  );
  const toSign = ["AWS4-HMAC-SHA256", date, scope, sha256Hex(canonical)].join("\n");
  let key = hmac(`AWS4${input.secretAccessKey}`, date.slice(0, 8));
  for (const part of [input.region, "s3", "aws4_request"]) key = hmac(key, part);
  const signature = createHmac("sha256", key).update(toSign).digest("hex");
  return `${url.origin}${path}?${query}&X-Amz-Signature=${signature}`;
}

// The security probe's view of one HTTP exchange: status, the error code of a JSON or S3 XML body,
// the body's bytes, and a network failure as a value (status 0), so that a refusal by a dropped
// connection is a row's detail, not an exception. Every request is bounded in time.
import { request as httpRequest } from "node:http";

export interface Answer {
  /** 0 when no HTTP answer came (connection reset, timeout). */
  readonly status: number;
  /** error.code of a JSON body, <Code> of an S3 XML body, else undefined. */
  readonly code: string | undefined;
  /** error.message of a JSON body. */
  readonly message?: string;
  readonly contentType: string;
  readonly body: Buffer;
  readonly headers: Readonly<Record<string, string>>;
  /** Why no answer came, when status is 0. */
  readonly failure?: string;
}

export const requestTimeoutMs = 15_000;

function errorOf(
  contentType: string,
  body: Buffer,
): { code: string | undefined; message?: string } {
  const text = body.subarray(0, 64 * 1024).toString("utf8");
  if (contentType.includes("json")) {
    try {
      const parsed = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      const code = typeof parsed.error?.code === "string" ? parsed.error.code : undefined;
      const message = typeof parsed.error?.message === "string" ? parsed.error.message : undefined;
      return message === undefined ? { code } : { code, message };
    } catch (error) {
      if (error instanceof SyntaxError) return { code: undefined }; // a body that lies about its type
      throw error;
    }
  }
  return { code: /<Code>([^<]{1,80})<\/Code>/.exec(text)?.[1] };
}

export interface Ask {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

/** One request with fetch; a network failure is an Answer with status 0. */
export async function ask(url: string, options: Ask = {}): Promise<Answer> {
  try {
    const response = await fetch(url, {
      method: options.method ?? "GET",
      headers: options.headers,
      body: options.body,
      signal: AbortSignal.timeout(requestTimeoutMs),
      redirect: "manual",
    });
    const body = Buffer.from(await response.arrayBuffer());
    const contentType = response.headers.get("content-type") ?? "";
    return {
      status: response.status,
      ...errorOf(contentType, body),
      contentType,
      body,
      headers: Object.fromEntries(response.headers),
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      status: 0,
      code: undefined,
      contentType: "",
      body: Buffer.alloc(0),
      headers: {},
      failure: `${(error as Error).name}: ${cause?.code ?? cause?.message ?? (error as Error).message}`,
    };
  }
}

/** A JSON request with a bearer token. */
export function askJson(
  url: string,
  token: string | undefined,
  method: string,
  body: unknown,
): Promise<Answer> {
  return ask(url, {
    method,
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
  });
}

/** A WebSocket upgrade attempt: the status line it got (101 means upgraded) or 0 on no answer. */
export function askUpgrade(
  url: string,
  headers: Readonly<Record<string, string>>,
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = httpRequest(url, {
      method: "GET",
      timeout: requestTimeoutMs,
      headers: {
        ...headers,
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
      },
    });
    const done = (a: Answer) => {
      req.destroy();
      resolve(a);
    };
    req.on("upgrade", (res, socket) => {
      socket.destroy();
      done({
        status: res.statusCode ?? 101,
        code: undefined,
        contentType: "",
        body: Buffer.alloc(0),
        headers: {},
      });
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const contentType = String(res.headers["content-type"] ?? "");
        const body = Buffer.concat(chunks);
        done({
          status: res.statusCode ?? 0,
          ...errorOf(contentType, body),
          contentType,
          body,
          headers: {},
        });
      });
    });
    req.on("timeout", () =>
      done({
        status: 0,
        code: undefined,
        contentType: "",
        body: Buffer.alloc(0),
        headers: {},
        failure: `no answer within ${requestTimeoutMs} ms`,
      }),
    );
    req.on("error", (error) =>
      done({
        status: 0,
        code: undefined,
        contentType: "",
        body: Buffer.alloc(0),
        headers: {},
        failure: (error as NodeJS.ErrnoException).code ?? error.message,
      }),
    );
    req.end();
  });
}

/** "401 AUTH_INVALID", "502 text/html", "no answer (ECONNRESET)". */
export function describeAnswer(a: Answer): string {
  if (a.status === 0) return `no answer (${a.failure ?? "?"})`;
  const status = a.headers["x-cache"] ?? a.headers["x-cache-status"];
  const cache = status ? ` cache ${status}` : "";
  return `${a.status} ${a.code ?? (a.contentType.split(";")[0] || "no body type")}${cache}`;
}

/** The intended refusal of an API route: a 4xx with a JSON error code (not an nginx HTML page). */
export function isCleanRefusal(a: Answer, statuses?: readonly number[]): boolean {
  const statusOk = statuses ? statuses.includes(a.status) : a.status >= 400 && a.status < 500;
  return statusOk && a.code !== undefined && a.contentType.includes("json");
}

// A small client of supervisord's XML-RPC interface (the API supervisorctl itself uses), over the
// stack's unix socket: no Python process per call, which matters when `up` polls seven programs
// on a shared 2-core machine. It speaks only the value types supervisord answers with.
import { request } from "node:http";
import { SyncbenchError } from "../../core/errors.ts";

export type RpcValue = string | number | boolean | RpcValue[] | { [key: string]: RpcValue };

/** supervisord's fault codes that callers handle (supervisor/xmlrpc.py Faults). */
export const rpcFaults = {
  badName: 10,
  alreadyStarted: 60,
  notRunning: 70,
  stillRunning: 91,
} as const;

export class RpcFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(`supervisord fault ${faultCode}: ${faultString}`);
  }
}

function encodeValue(value: RpcValue): string {
  if (typeof value === "boolean") return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === "number") return `<value><int>${value}</int></value>`;
  if (typeof value === "string") {
    return `<value><string>${value.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</string></value>`;
  }
  throw new Error(`xml-rpc: cannot encode ${JSON.stringify(value)}`);
}

export function encodeCall(method: string, params: readonly RpcValue[]): string {
  return (
    `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>` +
    params.map((p) => `<param>${encodeValue(p)}</param>`).join("") +
    "</params></methodCall>"
  );
}

const unescape = (text: string) =>
  text
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#x?[0-9a-f]+;/gi, (entity) =>
      String.fromCodePoint(Number(entity.slice(2, -1).replace(/^x/, "0x"))),
    )
    .replace(/&amp;/g, "&");

/** Parses one <value> starting at `at`; returns the value and the index after its closing tag. */
function parseValue(xml: string, at: number): { value: RpcValue; end: number } {
  const open = /<value>\s*(?:<(\w+)>|<(\w+)\/>)?/y;
  open.lastIndex = at;
  const m = open.exec(xml);
  if (!m) throw new Error(`xml-rpc: no <value> at ${at}: ${xml.slice(at, at + 60)}`);
  const type = m[1] ?? m[2] ?? "string";
  let index = open.lastIndex;
  let value: RpcValue;
  if (m[2] !== undefined) value = type === "string" ? "" : [];
  else if (type === "array") {
    const items: RpcValue[] = [];
    index = xml.indexOf("<data>", index) + "<data>".length;
    for (;;) {
      const next = xml.slice(index).search(/\S/) + index;
      if (xml.startsWith("</data>", next)) break;
      const item = parseValue(xml, next);
      items.push(item.value);
      index = item.end;
    }
    index = xml.indexOf("</array>", index) + "</array>".length;
    value = items;
  } else if (type === "struct") {
    const members: Record<string, RpcValue> = {};
    const member = /\s*<member>\s*<name>([^<]*)<\/name>\s*/y;
    for (;;) {
      member.lastIndex = index;
      const mm = member.exec(xml);
      if (!mm) break;
      const item = parseValue(xml, member.lastIndex);
      members[unescape(mm[1] as string)] = item.value;
      index = xml.indexOf("</member>", item.end) + "</member>".length;
    }
    index = xml.indexOf("</struct>", index) + "</struct>".length;
    value = members;
  } else {
    const close = xml.indexOf(`</${type}>`, index);
    const text = unescape(xml.slice(index, close));
    value =
      type === "int" || type === "i4" || type === "double"
        ? Number(text)
        : type === "boolean"
          ? text === "1"
          : text;
    index = close + type.length + 3;
  }
  const end = xml.indexOf("</value>", index);
  return { value, end: end + "</value>".length };
}

export function decodeResponse(xml: string): RpcValue {
  const fault = xml.indexOf("<fault>");
  if (fault >= 0) {
    const { value } = parseValue(xml, xml.indexOf("<value>", fault));
    const f = value as { faultCode: number; faultString: string };
    throw new RpcFault(f.faultCode, f.faultString);
  }
  const start = xml.indexOf("<value>", xml.indexOf("<param>"));
  if (start < 0) throw new Error(`xml-rpc: no value in response: ${xml.slice(0, 200)}`);
  return parseValue(xml, start).value;
}

/** Calls one method over the unix socket; a socket that does not answer is SUPERVISOR_UNREACHABLE. */
export function rpcCall(
  socketPath: string,
  method: string,
  params: readonly RpcValue[] = [],
  timeoutMs = 10_000,
): Promise<RpcValue> {
  const body = encodeCall(method, params);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: "/RPC2",
        method: "POST",
        timeout: timeoutMs,
        headers: { "content-type": "text/xml", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          try {
            resolve(decodeResponse(Buffer.concat(chunks).toString("utf8")));
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on("error", (error) =>
      reject(
        new SyncbenchError(
          "SUPERVISOR_UNREACHABLE",
          `supervisord at ${socketPath} did not answer ${method} (${error.message})`,
          { cause: error },
        ),
      ),
    );
    req.end(body);
  });
}

// The supervisord configuration and log reading as data: every program restarts itself, starts
// only when `up` asks, stops with its own signal and grace, quotes its arguments; the exit history
// counts deaths since supervisord's last start, not stops that `down` asked for.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { scriptInterpreter } from "./supervisor.ts";
import { decodeResponse, encodeCall, RpcFault } from "./supervisor-rpc.ts";
import {
  exitHistory,
  renderSupervisorConf,
  restartPolicy,
  supervisorPaths,
  supervisorTick,
} from "./supervisor-config.ts";

const paths = supervisorPaths("/stack");

describe("supervisord configuration", () => {
  const conf = renderSupervisorConf(paths, "/repo", [
    {
      name: "nginx",
      command: "/bin/sh",
      args: ["/x/nginx-start.sh", "-g", "daemon off;"],
      stopSignal: "SIGQUIT",
      stopGraceMs: 10_000,
      logFile: "/stack/logs/nginx.log",
    },
    {
      name: "postgres",
      command: "/usr/lib/postgresql/15/bin/postgres",
      args: ["-c", "a=100%"],
      uid: 105,
      env: { SYNCBENCH_X: "v 1" },
      stopSignal: "SIGINT",
      stopGraceMs: 20_500,
      logFile: "/stack/logs/postgres.log",
    },
  ]);

  it("restarts each program, which up starts itself, with its stop signal, grace and log", () => {
    expect(conf).toContain('[program:nginx]\ncommand=/bin/sh /x/nginx-start.sh -g "daemon off;"\n');
    expect(conf).toContain("autostart=false\nautorestart=true\n");
    expect(conf).toContain(
      `startsecs=${restartPolicy.startSecs}\nstartretries=${restartPolicy.startRetries}\n`,
    );
    expect(conf).toContain("stopsignal=QUIT\nstopwaitsecs=10\n");
    expect(conf).toContain("stopsignal=INT\nstopwaitsecs=21\n");
    expect(conf).toContain("stdout_logfile=/stack/logs/postgres.log\n");
  });

  it("escapes % for supervisord's interpolation, runs as the given user, passes the environment", () => {
    expect(conf).toContain('command=/usr/lib/postgresql/15/bin/postgres -c "a=100%%"\n');
    expect(conf).toContain("user=105\n");
    expect(conf).toContain('environment=SYNCBENCH_X="v 1"\n');
  });

  it("listens on a unix socket of mode 0700 only, and logs beside the services", () => {
    expect(conf).toContain("[unix_http_server]\nfile=/stack/run/supervisor.sock\nchmod=0700\n");
    expect(conf).not.toContain("[inet_http_server]");
    expect(conf).toContain("logfile=/stack/logs/supervisor.log\n");
  });

  it("refuses a value with a line break (it would add a directive)", () => {
    expect(() =>
      renderSupervisorConf(paths, "/repo", [
        {
          name: "redis",
          command: "redis-server",
          args: ["a\nuser=root"],
          stopSignal: "SIGTERM",
          stopGraceMs: 1000,
          logFile: "/l",
        },
      ]),
    ).toThrow(/line break/);
  });
});

describe("the tick program that turns supervisord's loop", () => {
  const spec = {
    name: "redis",
    command: "redis-server",
    args: [],
    stopSignal: "SIGTERM" as const,
    stopGraceMs: 1000,
    logFile: "/l",
  };
  const conf = renderSupervisorConf(paths, "/repo", [spec], "/usr/bin/python3");

  it("is started by supervisord itself, writes one byte per tick to a discarded pipe", () => {
    expect(conf).toContain(`[program:${supervisorTick.name}]\ncommand=/usr/bin/python3 -c "`);
    expect(conf).toContain(`time.sleep(${supervisorTick.tickMs / 1000})`);
    expect(conf).toContain("autostart=true\nautorestart=true\n");
    expect(conf).toContain("stdout_logfile=NONE\n");
  });

  it("is left out when no Python interpreter is known, and the services keep autostart=false", () => {
    const without = renderSupervisorConf(paths, "/repo", [spec]);
    expect(without).not.toContain(supervisorTick.name);
    expect(conf.split("[program:redis]")[1]).toContain("autostart=false\n");
  });

  it("finds supervisord's interpreter from its #! line, and none for a binary", () => {
    const dir = mkdtempSync(join(tmpdir(), "syncbench-tick-"));
    try {
      writeFileSync(join(dir, "script"), `#!${join(dir, "python3")}\nprint(1)\n`);
      expect(scriptInterpreter(join(dir, "script"))).toBeUndefined(); // no such file yet
      writeFileSync(join(dir, "python3"), "");
      writeFileSync(join(dir, "script"), `#!${join(dir, "python3")}\nprint(1)\n`);
      expect(scriptInterpreter(join(dir, "script"))).toBe(join(dir, "python3"));
      writeFileSync(join(dir, "elf"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]));
      expect(scriptInterpreter(join(dir, "elf"))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("exit history from supervisord's log", () => {
  const log = [
    "2026-05-01 09:00:00,001 INFO supervisord started with pid 10",
    "2026-05-01 09:00:05,000 WARN exited: kafka (terminated by SIGKILL; not expected)",
    "2026-05-01 09:10:00,001 INFO supervisord started with pid 20",
    "2026-05-01 09:10:01,000 INFO spawned: 'kafka' with pid 21",
    "2026-05-01 10:00:03,250 WARN exited: kafka (terminated by SIGKILL; not expected)",
    "2026-05-01 10:00:04,260 INFO spawned: 'kafka' with pid 22",
    "2026-05-01 10:01:00,000 WARN exited: redis (exit status 1; not expected)",
    "2026-05-01 10:01:00,500 INFO gave up: redis entered FATAL state, too many start retries too quickly",
    "2026-05-01 10:02:00,000 INFO stopped: postgres (exit status 0)",
  ].join("\n");

  it("counts the deaths since supervisord's last start and tells the last one; a requested stop is not one", () => {
    const history = exitHistory(log);
    expect(history.get("kafka")).toEqual({
      restarts: 1,
      lastExit: "2026-05-01 10:00:03 terminated by SIGKILL; not expected",
    });
    expect(history.get("redis")).toMatchObject({
      restarts: 1,
      lastExit: expect.stringContaining("FATAL"),
    });
    expect(history.has("postgres")).toBe(false);
  });
});

describe("supervisord XML-RPC", () => {
  it("encodes a call and decodes structs, arrays, ints and strings", () => {
    expect(encodeCall("supervisor.startProcess", ["a<b", false])).toContain(
      "<param><value><string>a&lt;b</string></value></param><param><value><boolean>0</boolean></value></param>",
    );
    const xml =
      "<?xml version='1.0'?><methodResponse><params><param><value><array><data>\n" +
      "<value><struct>\n<member>\n<name>name</name>\n<value><string>kafka &amp; co</string></value>\n</member>\n" +
      "<member>\n<name>pid</name>\n<value><int>42</int></value>\n</member>\n<member>\n<name>spawnerr</name>\n" +
      "<value><string></string></value>\n</member>\n</struct></value>\n</data></array></value></param></params></methodResponse>";
    expect(decodeResponse(xml)).toEqual([{ name: "kafka & co", pid: 42, spawnerr: "" }]);
  });

  it("turns a fault into an RpcFault with supervisord's code", () => {
    const xml =
      "<?xml version='1.0'?><methodResponse><fault><value><struct><member><name>faultCode</name>" +
      "<value><int>70</int></value></member><member><name>faultString</name><value><string>NOT_RUNNING: x</string>" +
      "</value></member></struct></value></fault></methodResponse>";
    expect(() => decodeResponse(xml)).toThrow(RpcFault);
    expect(() => decodeResponse(xml)).toThrow(/fault 70: NOT_RUNNING/);
  });
});

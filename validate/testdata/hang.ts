// A stage that never ends by itself and starts a child of its own: run-stage.test.ts checks that
// the time bound ends both (the stage's whole process group).
import { spawn } from "node:child_process";

const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
process.stderr.write(`hang: child ${child.pid}\n`);
process.stdout.write("hang: started\n");
setInterval(() => {}, 1000);

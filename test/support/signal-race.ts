// A process that is signalled while `stopOnSignals` takes the signals over (test/shutdown.test.ts):
// the SIGTERM reaches the process before the call and is dispatched to listeners after it.
import { stopOnSignals } from "../../app/shutdown.js";

process.on("SIGTERM", () => undefined); // a library's own handler, as Hive Gateway's runtime installs
setInterval(() => undefined, 1_000); // something still serving, so only a handled signal ends it
process.kill(process.pid, "SIGTERM"); // received now; Node dispatches it on the next turn of the loop
stopOnSignals(async () => void process.stdout.write("closed\n"));

// The gateway's admission gate: never more than its limit running, the longest-waiting first, and
// a request that gives up while waiting (deadline, client gone) leaves no trace and never runs.
import { AdmissionGate } from "./admission.js";

const flush = () => new Promise((r) => setImmediate(r));

describe("AdmissionGate", () => {
  it("runs at most its limit at once and admits the waiting in arrival order", async () => {
    const gate = new AdmissionGate(2);
    const never = new AbortController().signal;
    const order: number[] = [];
    let running = 0;
    let most = 0;
    const work = async (n: number) => {
      expect(await gate.enter(never)).toBe(true);
      running++;
      most = Math.max(most, running);
      order.push(n);
      await flush();
      running--;
      gate.leave();
    };
    await Promise.all(Array.from({ length: 7 }, (_, n) => work(n)));
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("a waiter whose signal aborts is dropped: it is never admitted and takes no place", async () => {
    const gate = new AdmissionGate(1);
    const never = new AbortController().signal;
    expect(await gate.enter(never)).toBe(true);
    const impatient = new AbortController();
    const waitingA = gate.enter(impatient.signal);
    const waitingB = gate.enter(never);
    impatient.abort();
    expect(await waitingA).toBe(false);
    gate.leave();
    expect(await waitingB).toBe(true); // B got the place A would have had
    gate.leave();
    // Nothing left holding a place: the next request runs at once.
    expect(await gate.enter(never)).toBe(true);
  });

  it("an already aborted request is not admitted, and a newcomer does not overtake the queue", async () => {
    const gate = new AdmissionGate(1);
    const aborted = new AbortController();
    aborted.abort();
    expect(await gate.enter(aborted.signal)).toBe(false);
    const never = new AbortController().signal;
    expect(await gate.enter(never)).toBe(true);
    const order: string[] = [];
    const first = gate.enter(never).then(() => order.push("first"));
    gate.leave();
    // A place is free again, but "first" has waited for it.
    const late = gate.enter(never).then(() => order.push("late"));
    await first;
    gate.leave();
    await late;
    expect(order).toEqual(["first", "late"]);
  });

  it("refuses a limit below one", () => {
    expect(() => new AdmissionGate(0)).toThrow();
    expect(() => new AdmissionGate(1.5)).toThrow();
  });
});

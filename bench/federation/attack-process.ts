// The fairness benchmark's attacker, in a process of its own: a load generator flooding the
// gateway shares an event loop with whatever runs beside it, so the attack must not run in the
// process that times the other users' requests (it would slow the stopwatch, not the service).
// Reads its orders from ATTACK (JSON), prints { served, refused } as JSON on its last line.
// - "flood": autocannon on every connection as fast as answered, 429s ignored (a hostile script);
// - "polite": the same connections, each waiting out a 429's Retry-After (a heavy but well-behaved
//   client), so what is measured is the costly operations themselves, not the refusals.
import autocannon from "autocannon";

interface Orders {
  url: string;
  token: string;
  body: string;
  connections: number;
  seconds: number;
  style: "flood" | "polite";
}

const orders = JSON.parse(process.env.ATTACK ?? "null") as Orders | null;
if (!orders) {
  console.error("attack-process needs ATTACK");
  process.exit(78);
}
const headers = { "content-type": "application/json", authorization: `Bearer ${orders.token}` };
/** An answer with data is a served operation, whatever the status said. */
const isServed = (body: string) => body.startsWith('{"data":{');

async function flood() {
  let served = 0;
  const result = await autocannon({
    url: orders!.url,
    method: "POST",
    headers,
    body: orders!.body,
    connections: orders!.connections,
    duration: orders!.seconds,
    timeout: 60,
    verifyBody: (body) => {
      if (isServed(body)) served += 1;
      return true;
    },
  });
  return { served, refused: result.non2xx };
}

async function polite() {
  let served = 0;
  let refused = 0;
  const end = Date.now() + orders!.seconds * 1000;
  const loop = async () => {
    while (Date.now() < end) {
      const res = await fetch(orders!.url, { method: "POST", headers, body: orders!.body });
      const body = await res.text();
      if (isServed(body)) served += 1;
      if (res.status !== 429) continue;
      refused += 1;
      const wait = Math.min(Number(res.headers.get("retry-after")) || 1, (end - Date.now()) / 1000);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait * 1000));
    }
  };
  await Promise.all(Array.from({ length: orders!.connections }, loop));
  return { served, refused };
}

console.log(JSON.stringify(orders.style === "polite" ? await polite() : await flood()));

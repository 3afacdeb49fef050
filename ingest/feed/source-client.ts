// A source system's side of the front door: it signs a client assertion with its key, exchanges
// it for an access token (renewed before it expires) and sends FHIR. Used by the synthetic feed
// (`npm run feed`), the ingestion benchmark and the tests, so all three speak to the real door.
import type { JWK } from "jose";
import { signClientAssertion } from "../auth/client-assertion.js";
import { JWT_BEARER } from "../auth/token-endpoint.js";

export interface FhirAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- FHIR JSON, read field by field
  body: any;
}

export interface SourceClientOptions {
  /** The FHIR base URL, e.g. http://127.0.0.1:4010/fhir */
  base: string;
  clientId: string;
  privateJwk: JWK;
  /** Resource types to ask scopes for. */
  types: readonly string[];
}

export class SourceClient {
  private token: { value: string; until: number } | null = null;
  constructor(private readonly opts: SourceClientOptions) {}

  /** A fresh token request (the answer as the token endpoint gave it). */
  async requestToken(scope = this.opts.types.map((t) => `system/${t}.write`).join(" ")): Promise<FhirAnswer> {
    const tokenUrl = `${this.opts.base}/auth/token`;
    const assertion = await signClientAssertion({ clientId: this.opts.clientId, tokenUrl, privateJwk: this.opts.privateJwk });
    const form = new URLSearchParams({ grant_type: "client_credentials", client_assertion_type: JWT_BEARER, client_assertion: assertion, scope });
    const res = await fetch(tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  async accessToken(): Promise<string> {
    if (this.token && this.token.until > Date.now()) return this.token.value;
    const answer = await this.requestToken();
    if (answer.status !== 200) throw new Error(`token refused: ${answer.body.error} (${answer.body.error_description})`);
    this.token = { value: answer.body.access_token, until: Date.now() + (answer.body.expires_in - 30) * 1000 };
    return this.token.value;
  }

  /** POST a Bundle to the base, or (with `path`) a single resource to `[base]/<path>`. */
  async send(body: unknown, opts: { path?: string; method?: "POST" | "PUT"; headers?: Record<string, string> } = {}): Promise<FhirAnswer> {
    const res = await fetch(`${this.opts.base}${opts.path ? `/${opts.path}` : ""}`, {
      method: opts.method ?? "POST",
      headers: { "content-type": "application/fhir+json", authorization: `Bearer ${await this.accessToken()}`, ...opts.headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
  }

  /** What became of a submission's entries (GET its Content-Location). */
  async status(location: string): Promise<FhirAnswer> {
    const res = await fetch(location, { headers: { authorization: `Bearer ${await this.accessToken()}` } });
    return { status: res.status, headers: res.headers, body: await res.json() };
  }

  /** Polls a submission until no entry is QUEUED; returns each entry's status by index. */
  async settled(location: string, timeoutMs = 60_000): Promise<Map<number, { status: string; reason?: string }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = await this.status(location);
      const params = answer.body.parameter as {
        name: string;
        valueBoolean?: boolean;
        part?: { name: string; valueInteger?: number; valueCode?: string; valueString?: string }[];
      }[];
      if (params.find((p) => p.name === "complete")?.valueBoolean) {
        const out = new Map<number, { status: string; reason?: string }>();
        for (const p of params.filter((x) => x.name === "entry")) {
          const part = (n: string) => p.part!.find((x) => x.name === n);
          out.set(part("index")!.valueInteger!, { status: part("status")!.valueCode!, ...(part("reason") ? { reason: part("reason")!.valueString! } : {}) });
        }
        return out;
      }
      if (Date.now() > deadline) throw new Error(`submission ${location} not settled in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

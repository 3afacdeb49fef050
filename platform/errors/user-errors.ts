// Mutation payloads and their user errors (Shopify / GitHub style). Every mutation answers a payload
// type: its result, and `userErrors`, the reasons the request was refused that the user can act on
// (a value out of bounds, a state the step does not apply to, a lost race to retry). Domain code
// throws `Refused` with one or more coded user errors; `payloadOf` is the only place that turns them
// into a payload. Everything else stays a top-level GraphQL error with its code: access refusals
// (decided by permissions.ts before the resolver runs), IDEMPOTENCY_KEY_REUSED, SERVICE_UNAVAILABLE,
// argument coercion (BAD_USER_INPUT) and anything unexpected.
//
// A refused request writes nothing and records no idempotency key (platform/db/idempotency.ts: a key
// stands for the one request it carried out), so the key stays free for the corrected request.

/** One reason a mutation was refused, for the user: a code per subgraph (an enum of its schema), a message, the input at fault. */
export interface UserError<Code extends string = string> {
  code: Code;
  /** Says what to change; never repeats a value the client sent. */
  message: string;
  /** Path of the argument or input field at fault, e.g. ["input", "concerns", "2"]; null when no one field is. */
  field: string[] | null;
}

/**
 * Thrown by domain code for a request the user can correct or retry. Not a GraphQLError on purpose:
 * outside `payloadOf` it is an unexpected error (masked as INTERNAL_SERVER_ERROR and logged), so a
 * refusal can never leave a subgraph as anything but a user error of a payload.
 */
export class Refused<Code extends string = string> extends Error {
  constructor(readonly userErrors: UserError<Code>[]) {
    super(userErrors.map((e) => e.code).join(", "));
    this.name = "Refused";
  }
}

/** A refusal with one user error. */
export const refused = <Code extends string>(code: Code, message: string, field: string[] | null = null) => new Refused([{ code, message, field }]);

/** The payload of a mutation: `{ [resultField]: result, userErrors: [] }`, or the result null and the refusal's user errors. */
export type Payload<K extends string, T, Code extends string> = { [P in K]: T | null } & { userErrors: UserError<Code>[] };

/**
 * Runs a mutation's work and answers its payload. A `Refused` becomes the payload's user errors
 * with the result null; any other error propagates as a top-level error with its own code.
 */
export async function payloadOf<Code extends string, K extends string, T>(resultField: K, run: () => Promise<T>): Promise<Payload<K, T, Code>> {
  try {
    const result = await run();
    return { [resultField]: result, userErrors: [] } as Payload<K, T, Code>;
  } catch (error) {
    if (error instanceof Refused) return { [resultField]: null, userErrors: error.userErrors as UserError<Code>[] } as Payload<K, T, Code>;
    throw error;
  }
}

/**
 * Input checks that report every value out of bounds at once (INVALID_INPUT, one user error per
 * field), instead of the first: `text` and `list` return the trimmed values, `done` throws the
 * refusal if any check failed.
 */
export function inputChecks() {
  const errors: UserError<"INVALID_INPUT">[] = [];
  const text = (value: string, field: string[], max = 2000, min = 1) => {
    const t = value.trim();
    if (t.length < min || t.length > max)
      errors.push({ code: "INVALID_INPUT", message: `${field.join(".")} must be ${min} to ${max} characters after trimming`, field });
    return t;
  };
  const atMost = <T>(values: T[], field: string[], max = 20): T[] => {
    if (values.length > max) errors.push({ code: "INVALID_INPUT", message: `${field.join(".")}: at most ${max} entries`, field });
    return values;
  };
  return {
    text,
    /** At most `max` entries, each 1 to `each` characters. */
    list(values: string[], field: string[], max = 20, each = 500) {
      return atMost(values, field, max).map((v, i) => text(v, [...field, String(i)], each));
    },
    /** At most `max` entries of any kind (each checked by the caller): never silently cut. */
    atMost,
    /** The value, once every check passed; otherwise throws Refused with every failure. */
    done<T>(value: T): T {
      if (errors.length > 0) throw new Refused(errors);
      return value;
    },
  };
}

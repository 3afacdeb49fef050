// `npm run token` mints a token the gateway accepts, and refuses bad arguments clearly.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { env } from "../platform/config/env.js";
import { verifyUserToken } from "../gateway/tokens.js";

const run = promisify(execFile);
const token = (...args: string[]) => run("node_modules/.bin/tsx", ["scripts/token.ts", ...args], { env: { ...process.env } });

describe("token CLI", () => {
  it("mints a verifiable token with the given role, organisation and training date", async () => {
    const { stdout } = await token("--role", "gp", "--org", "G00001", "--name", "Dr Test", "--training", "2025-03-01");
    const e = env();
    const identity = await verifyUserToken(stdout.trim(), { secret: e.JWT_SECRET, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE });
    expect(identity).toMatchObject({ role: "gp", orgCode: "G00001", orgType: "gp_practice", name: "Dr Test", trainingCompletedAt: "2025-03-01" });
  });

  it("records a user without training", async () => {
    const { stdout } = await token("--role", "care_home_carer", "--org", "CH00001", "--training", "none");
    const e = env();
    const identity = await verifyUserToken(stdout.trim(), { secret: e.JWT_SECRET, issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE });
    expect(identity.trainingCompletedAt).toBeNull();
  });

  it.each([
    [["--role", "wizard", "--org", "CH00001"], /usage/],
    [["--role", "gp"], /usage/],
    [["--role", "gp", "--org", "not an ods code"], /ODS code/],
    [["--role", "gp", "--org", "G00001", "--training", "yesterday"], /trainingCompletedAt/],
  ])("refuses %j", async (args, message) => {
    await expect(token(...(args as string[]))).rejects.toMatchObject({ code: 2, stderr: expect.stringMatching(message) });
  });
});

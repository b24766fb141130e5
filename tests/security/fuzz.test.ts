import fc from "fast-check";
import { getNamedType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, type GraphQLInputType } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { schema } from "../../graphql/schema.ts";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { registerForWebinar } from "../../app/services/webinar-registrations.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { ANONYMOUS } from "../../app/services/policy.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";

// Seeded and bounded: 2,280 generated requests through every GraphQL mutation (read from the schema, so new
// mutations are fuzzed too), the main form actions and the cookies. Never a 500, never INTERNAL_SERVER_ERROR,
// and a rejected request leaves every table exactly as it was.
const SEED = 20261126;

const TABLES = ["User", "Partner", "Membership", "SignInToken", "AuditEntry", "OutboxMessage", "Webinar", "WebinarTranslation", "WebinarSpeaker", "WebinarRegistration"];

/** One statement: a hash of every row of every table (sessions and tokens without their last-use times). */
async function snapshot(): Promise<Record<string, string>> {
  const parts = [
    ...TABLES.map((t) => `(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM "${t}" x) AS "${t}"`),
    `(SELECT md5(coalesce(string_agg(id || coalesce("revokedAt"::text, ''), '|' ORDER BY id), '')) FROM "Session") AS "Session"`,
    `(SELECT md5(coalesce(string_agg(id || coalesce("revokedAt"::text, ''), '|' ORDER BY id), '')) FROM "ApiToken") AS "ApiToken"`,
  ];
  const [row] = await prisma().$queryRawUnsafe<Record<string, string>[]>(`SELECT ${parts.join(", ")}`);
  return row;
}

const NASTY = [
  "", " ", "\u0000", "a\u0000b", "\ud800", "x\udc00", "\r\n", "Name\r\nBcc: x@evil.test", "\t", "\u0085", "\u001b[31m", "\u202e",
  "%", "%00", "%E0%A4%A", "%ZZ", "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --", "😀", "null", "NaN", "-1",
  "1e308", "99999999999999999999", "2031-02-30T25:61:00Z", "0000-00-00", "2031-03-30T10:00", "UTC", "Mars/Olympus", "EN",
  "en", "RESEARCH", "FOCAL_POINT", "https://evil.test", "javascript:alert(1)", "a@b", "fuzz@example.org", "@", "x".repeat(3000),
];
const anyChar = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));
const nastyString = fc.oneof(fc.constantFrom(...NASTY), fc.string({ maxLength: 30 }), fc.string({ unit: anyChar, maxLength: 12 }));
const wrongTyped = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

function valueFor(type: GraphQLInputType, ids: string[], depth = 0): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 9, arbitrary: typed(type.ofType, ids, depth) }, { weight: 1, arbitrary: wrongTyped });
  return fc.oneof({ weight: 7, arbitrary: typed(type, ids, depth) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: wrongTyped });
}

function typed(type: GraphQLInputType, ids: string[], depth: number): fc.Arbitrary<unknown> {
  if (isListType(type)) return fc.array(valueFor(type.ofType, ids, depth + 1), { maxLength: depth > 1 ? 1 : 3 });
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.record(Object.fromEntries(fields.map((f) => [f.name, valueFor(f.type, ids, depth + 1)])), { requiredKeys: [] });
  }
  if (isEnumType(type)) return fc.oneof(fc.constantFrom(...type.getValues().map((v) => v.name)), nastyString);
  switch (type.name) {
    case "ID":
      return fc.oneof(fc.constantFrom(...ids), nastyString);
    case "Int":
      return fc.oneof(fc.integer({ min: -3, max: 200 }), fc.constantFrom(2 ** 31, -(2 ** 31) - 1, 1.5, 0));
    case "Float":
      return fc.double();
    case "Boolean":
      return fc.boolean();
    case "DateTime":
      return fc.oneof(fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString()), nastyString, fc.integer());
    default:
      return nastyString;
  }
}

interface Actors {
  staffToken: string;
  staff: Client;
  focal: Client;
  ids: string[];
}
let actors: Actors;

beforeAll(async () => {
  const staffUser = await makeUser({ role: "STAFF" });
  const partner = await makePartner();
  const pending = await makePartner({ status: "PENDING" });
  const focalUser = await focalPointOf(partner);
  const start = new Date(Date.now() + 9 * 24 * 3600_000);
  const webinar = await scheduleWebinar(staffUser, {
    translations: [{ language: "en", title: "Fuzz" }],
    startsAt: start,
    endsAt: new Date(start.getTime() + 3600_000),
    timeZone: "UTC",
    meetingUrl: "https://meet.example.org/fuzz",
    requiresApproval: true,
  });
  const registration = await registerForWebinar(ANONYMOUS, webinar.id, { email: "fuzz-reg@example.org", name: "Reg" });
  actors = {
    staffToken: (await createApiToken(staffUser, { name: "fuzz" })).token,
    staff: await signInAs(new Client("203.0.113.90"), staffUser.email),
    focal: await signInAs(new Client("203.0.113.91"), focalUser.email),
    ids: [partner.id, pending.id, webinar.id, registration.id, focalUser.id, staffUser.id],
  };
});

interface Outcome {
  status: number;
  codes: string[];
}

// The state after the previous request: a rejected request must leave it as is; an accepted one moves it on.
let current: Record<string, string> | undefined;

async function checkRejectionChangedNothing(outcome: Outcome, rejected: boolean, label: string) {
  expect(outcome.status, label).toBeLessThan(500);
  expect(outcome.codes, label).not.toContain("INTERNAL_SERVER_ERROR");
  const after = await snapshot();
  if (rejected) expect(after, label).toEqual(current);
  current = after;
}

describe("fuzzing every GraphQL mutation", () => {
  const mutations = Object.values(schema.getMutationType()!.getFields());

  it("covers every mutation in the schema", () => {
    expect(mutations.length).toBeGreaterThanOrEqual(14);
  });

  it.each(mutations.map((m) => [m.name, m] as const))("%s", async (_name, field) => {
    const defs = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
    const call = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
    const selection = isLeafType(getNamedType(field.type)) ? "" : " { __typename }";
    const document = `mutation${defs ? `(${defs})` : ""} { ${field.name}${call ? `(${call})` : ""}${selection} }`;
    const variables = fc.record(Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type, actors.ids)])), { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(variables, fc.constantFrom("staff", "anonymous", "focal"), async (vars, who) => {
        current ??= await snapshot();
        const result =
          who === "focal" ? await actors.focal.graphql(document, vars) : await new Client("203.0.113.92").graphql(document, vars, who === "staff" ? actors.staffToken : undefined);
        const codes = (result.errors ?? []).map((e) => e.extensions?.code ?? "none");
        await checkRejectionChangedNothing({ status: result.status, codes }, Boolean(result.errors?.length), `${field.name} ${JSON.stringify(vars).slice(0, 300)}`);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});

describe("fuzzing the main form actions", () => {
  const forms: { path: (ids: string[]) => string; who: "staff" | "focal" | "anonymous"; fields: Record<string, fc.Arbitrary<string>> }[] = [
    {
      path: () => "/partners/register",
      who: "anonymous",
      fields: { name: nastyString, sector: fc.oneof(fc.constant("NGO"), nastyString), country: fc.oneof(fc.constant("SN"), nastyString), website: nastyString, focalPointName: nastyString, focalPointEmail: nastyString, interests: nastyString, language: nastyString, publicListing: fc.constantFrom("on", ""), consent: fc.constantFrom("on", "", "x") },
    },
    { path: () => "/auth/sign-in", who: "anonymous", fields: { email: nastyString } },
    { path: () => "/auth/verify", who: "anonymous", fields: { token: nastyString } },
    { path: () => "/lang", who: "focal", fields: { lang: fc.oneof(fc.constantFrom("en", "fr", "es"), nastyString), redirectTo: nastyString } },
    {
      path: (ids) => `/webinars/${ids[2]}`,
      who: "anonymous",
      fields: { intent: fc.oneof(fc.constant("register"), nastyString), email: nastyString, name: nastyString, institution: nastyString, country: nastyString, language: nastyString, timeZone: nastyString, interpretationLanguage: nastyString },
    },
    {
      path: (ids) => `/webinars/${ids[2]}`,
      who: "staff",
      fields: { intent: fc.constantFrom("attendance", "import", "followup", "register"), decide: fc.oneof(fc.constantFrom("approve:", "deny:"), nastyString).map((d) => d), denialMessage: nastyString, csv: nastyString, attendedMessage: nastyString, noShowMessage: nastyString, reason: nastyString },
    },
    {
      path: (ids) => `/partners/${ids[0]}`,
      who: "focal",
      fields: { intent: fc.oneof(fc.constantFrom("invite", "remove", "approve", "reject"), nastyString), email: nastyString, name: nastyString, role: fc.oneof(fc.constantFrom("MEMBER", "FOCAL_POINT"), nastyString), userId: nastyString, reason: nastyString },
    },
    { path: () => "/account", who: "focal", fields: { intent: fc.oneof(fc.constantFrom("revoke-session", "revoke-token", "calendar-feed"), nastyString), id: nastyString, name: nastyString } },
    {
      path: () => "/webinars/new",
      who: "staff",
      fields: { title_en: nastyString, description_en: nastyString, startsAt: nastyString, endsAt: nastyString, timeZone: nastyString, meetingUrl: nastyString, capacity: nastyString, audience: nastyString, speaker_0_name: nastyString, speaker_0_gender: nastyString },
    },
  ];

  it.each(forms.map((f) => [`${f.who} POST ${f.path(["<partner>", "", "<webinar>"])}`, f] as const))("%s", async (_label, form) => {
    await fc.assert(
      fc.asyncProperty(fc.record(form.fields, { requiredKeys: [] }), async (fields) => {
        const client = form.who === "anonymous" ? new Client("203.0.113.93") : actors[form.who];
        current ??= await snapshot();
        const response = await client.post(form.path(actors.ids), fields as Record<string, string>);
        await response.arrayBuffer();
        await checkRejectionChangedNothing({ status: response.status, codes: [] }, response.status >= 400, `${form.path(actors.ids)} ${JSON.stringify(fields).slice(0, 300)}`);
      }),
      { seed: SEED, numRuns: 70 },
    );
  });
});

describe("fuzzing cookies", () => {
  const printable = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).filter((c) => c !== 0x3b).map((c) => String.fromCharCode(c)), maxLength: 30 });
  const cookieValue = fc.oneof(printable, fc.constantFrom("%", "%E0%A4%A", "%ZZ", "%00", "%0A", "a.b", "..", "=", "en", "fr", "Africa/Dakar"));
  const cookie = fc
    .array(fc.tuple(fc.oneof(fc.constantFrom("gmh_lang", "gmh_session", "gmh_tz"), printable.filter((s) => s.length > 0 && !s.includes("="))), cookieValue), { minLength: 1, maxLength: 4 })
    .map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("; "));

  it("no cookie breaks a page or the API", async () => {
    await fc.assert(
      fc.asyncProperty(cookie, fc.constantFrom("/", "/webinars", "/partners", "/auth/sign-in", "/webinars.data"), async (header, path) => {
        const client = new Client("203.0.113.94", { cookie: header });
        const page = await client.get(path);
        await page.arrayBuffer();
        expect(page.status, `${path} ${header}`).toBe(200);
        const api = await client.graphql("{ me { id } webinars { id } }");
        expect(api.status, header).toBe(200);
      }),
      { seed: SEED, numRuns: 250 },
    );
  });
});

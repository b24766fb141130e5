import fs from "node:fs";
import fc from "fast-check";
import { buildSchema, getNamedType, isEnumType, isInputObjectType, isLeafType, isListType, isNonNullType, type GraphQLInputType } from "graphql";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { schema } from "../../graphql/schema.ts";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { registerForWebinar } from "../../app/services/webinar-registrations.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";

// Seeded and bounded: 2,600 generated requests through every GraphQL mutation (read from the schema, so new
// mutations are fuzzed too), the main form actions, cookies and query strings. Never a 500, never INTERNAL_SERVER_ERROR,
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
// One troublesome character slipped into an otherwise valid value.
const TROUBLE = ["\u0000", "\ud800", "\r\n", "\u0085", "\u001b", "%00", "\\"];
const injected = (base: string) =>
  fc.tuple(fc.constantFrom(...TROUBLE), fc.nat()).map(([c, at]) => {
    const i = at % (base.length + 1);
    return base.slice(0, i) + c + base.slice(i);
  });
const wrongTyped = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }),
  fc.dictionary(fc.string({ maxLength: 4 }), fc.string({ maxLength: 4 }), { maxKeys: 2 }),
);

// Mostly valid values with one bad one among them reach deeper than all-random input: the bad value then meets
// the database instead of the first validation error.
const VALID: Record<string, string[]> = {
  email: ["fuzz@example.org"],
  focalPointEmail: ["fuzz-focal@example.org"],
  name: ["Ana Pérez", "Red de Migración"],
  focalPointName: ["Awa Ndiaye"],
  institution: ["Instituto"],
  country: ["SN", "MX"],
  sector: ["NGO", "RESEARCH"],
  language: ["en", "EN", "fr"],
  timeZone: ["UTC", "Africa/Dakar"],
  meetingUrl: ["https://meet.example.org/fuzz"],
  website: ["https://fuzz.example.org"],
  title: ["Fuzz title"],
  description: ["Line one\nLine two"],
  reason: ["Out of scope"],
  message: ["Sorry"],
  affiliation: ["University"],
  gender: ["prefer not to say"],
  interests: ["care work"],
  interpretationLanguage: ["LSF"],
  startsAt: ["2031-03-30T10:00:00Z", "2031-03-30T10:00"],
  endsAt: ["2031-03-30T11:00:00Z", "2031-03-30T11:00"],
};
const mostlyValid = (name: string) =>
  VALID[name]
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...VALID[name]) },
        { weight: 2, arbitrary: fc.constantFrom(...VALID[name]).chain(injected) },
        { weight: 1, arbitrary: nastyString },
      )
    : nastyString;

function valueFor(type: GraphQLInputType, ids: string[], depth = 0, name = ""): fc.Arbitrary<unknown> {
  if (isNonNullType(type)) return fc.oneof({ weight: 9, arbitrary: typed(type.ofType, ids, depth, name) }, { weight: 1, arbitrary: wrongTyped });
  return fc.oneof({ weight: 7, arbitrary: typed(type, ids, depth, name) }, { weight: 1, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: wrongTyped });
}

function typed(type: GraphQLInputType, ids: string[], depth: number, name: string): fc.Arbitrary<unknown> {
  if (isListType(type)) return fc.array(valueFor(type.ofType, ids, depth + 1, name), { maxLength: depth > 1 ? 1 : 3 });
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields());
    return fc.record(Object.fromEntries(fields.map((f) => [f.name, valueFor(f.type, ids, depth + 1, f.name)])));
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
      return fc.oneof(mostlyValid(name), fc.date({ min: new Date("2000-01-01"), max: new Date("2100-01-01"), noInvalidDate: true }).map((d) => d.toISOString()), nastyString, fc.integer());
    default:
      return mostlyValid(name);
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
  const registration = await registerForWebinar(focalUser, webinar.id, {});
  if (!("id" in registration)) throw new Error("a signed-in registration is stored at once");
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
beforeEach(() => {
  current = undefined;
});

async function checkRejectionChangedNothing(outcome: Outcome, rejected: boolean, label: string) {
  expect(outcome.status, label).toBeLessThan(500);
  expect(outcome.codes, label).not.toContain("INTERNAL_SERVER_ERROR");
  const after = await snapshot();
  if (rejected) expect(after, label).toEqual(current);
  current = after;
  // In-memory PGlite and the in-process app can settle everything as microtasks: let the test runner's own
  // messages through between runs.
  await new Promise((resolve) => setImmediate(resolve));
}

describe("fuzzing every GraphQL mutation", () => {
  const mutations = Object.values(schema.getMutationType()!.getFields());
  const fuzzed: string[] = [];

  it.each(mutations.map((m) => [m.name, m] as const))("%s", async (_name, field) => {
    const defs = field.args.map((a) => `$${a.name}: ${String(a.type)}`).join(", ");
    const call = field.args.map((a) => `${a.name}: $${a.name}`).join(", ");
    const selection = isLeafType(getNamedType(field.type)) ? "" : " { __typename }";
    const document = `mutation${defs ? `(${defs})` : ""} { ${field.name}${call ? `(${call})` : ""}${selection} }`;
    const variables = fc.record(Object.fromEntries(field.args.map((a) => [a.name, valueFor(a.type, actors.ids, 0, a.name)])));
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
    fuzzed.push(field.name);
  });

  // Runs after the mutations' own tests: every mutation of the committed API contract went through all its runs.
  it("covered every mutation in the schema", () => {
    const contract = buildSchema(fs.readFileSync(new URL("../../graphql/schema.graphql", import.meta.url), "utf8"));
    const names = Object.keys(contract.getMutationType()!.getFields()).sort();
    expect(names.length).toBeGreaterThan(0);
    expect(fuzzed.sort()).toEqual(names);
  });
});

describe("fuzzing the main form actions", () => {
  // Each form's valid submission; a run either corrupts one field of it (so the bad value travels as far as it
  // can) or draws every field from the mostly-valid pool.
  const forms: { path: (ids: string[]) => string; who: "staff" | "focal" | "anonymous"; valid: (ids: string[]) => Record<string, string> }[] = [
    {
      path: () => "/partners/register",
      who: "anonymous",
      valid: () => ({ name: "Red de Migración", sector: "NGO", country: "SN", website: "https://red.example.org", focalPointName: "Awa Ndiaye", focalPointEmail: "fuzz-form@example.org", interests: "care work, remittances", language: "fr", publicListing: "on", consent: "on" }),
    },
    { path: () => "/auth/sign-in", who: "anonymous", valid: () => ({ email: "fuzz-sign-in@example.org" }) },
    { path: () => "/auth/verify", who: "anonymous", valid: () => ({ token: "abcdefghijklmnopqrstuvwxyz012345" }) },
    { path: () => "/lang", who: "focal", valid: () => ({ lang: "fr", redirectTo: "/webinars?when=past" }) },
    {
      path: (ids) => `/webinars/${ids[2]}`,
      who: "anonymous",
      valid: () => ({ intent: "register", email: "fuzz-web@example.org", name: "Ana Pérez", institution: "Instituto", country: "MX", language: "es", timeZone: "America/Mexico_City", interpretationLanguage: "LSM", captions: "on" }),
    },
    {
      path: (ids) => `/webinars/${ids[2]}/manage`,
      who: "staff",
      valid: (ids) => ({ intent: "attendance", decide: `deny:${ids[3]}`, denialMessage: "Full, sorry.\nNext time.", csv: "email\nfuzz-reg@example.org", attendedMessage: "Thanks", noShowMessage: "Missed you", reason: "Speaker ill" }),
    },
    {
      path: (ids) => `/partners/${ids[0]}`,
      who: "focal",
      valid: (ids) => ({ intent: "invite", email: "fuzz-member@example.org", name: "New Member", role: "MEMBER", userId: ids[4], reason: "Out of scope" }),
    },
    { path: () => "/account", who: "focal", valid: () => ({ intent: "calendar-feed", id: "x", name: "Laptop" }) },
    {
      path: () => "/webinars/new",
      who: "staff",
      valid: () => ({ title_en: "Fuzz form webinar", description_en: "One\r\nTwo", startsAt: "2031-03-30T10:00", endsAt: "2031-03-30T11:00", timeZone: "Europe/Paris", meetingUrl: "https://meet.example.org/ff", capacity: "20", audience: "PUBLIC", speaker_0_name: "Ana", speaker_0_gender: "woman" }),
    },
  ];

  it.each(forms.map((f) => [`${f.who} POST ${f.path(["<partner>", "", "<webinar>"])}`, f] as const))("%s", async (_label, form) => {
    const valid = form.valid(actors.ids);
    const keys = Object.keys(valid);
    const submissions = fc.oneof(
      { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...keys), fc.boolean()).chain(([key, inject]) => (inject ? injected(valid[key]) : nastyString).map((bad) => ({ ...valid, [key]: bad }))) },
      { weight: 1, arbitrary: fc.record(Object.fromEntries(keys.map((k) => [k, fc.oneof(fc.constant(valid[k]), injected(valid[k]), nastyString)]))) },
    );
    // First, deterministically: every trouble character in the middle of every field of the valid submission.
    const examples = keys.flatMap((key) => TROUBLE.map((c) => [{ ...valid, [key]: valid[key].slice(0, 2) + c + valid[key].slice(2) }] as [Record<string, string>]));
    await fc.assert(
      fc.asyncProperty(submissions, async (fields) => {
        const client = form.who === "anonymous" ? new Client("203.0.113.93") : actors[form.who];
        current ??= await snapshot();
        const response = await client.post(form.path(actors.ids), fields);
        await response.arrayBuffer();
        await checkRejectionChangedNothing({ status: response.status, codes: [] }, response.status >= 400, `${form.path(actors.ids)} ${JSON.stringify(fields).slice(0, 300)}`);
      }),
      { seed: SEED, numRuns: 50, examples },
    );
  });
});

describe("fuzzing cookies and query strings", () => {
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
        const api = await client.graphql("{ me { id } webinars { totalCount } }");
        expect(api.status, header).toBe(200);
      }),
      { seed: SEED, numRuns: 250 },
    );
  });

  it("no query string breaks a page", async () => {
    const param = fc.oneof(fc.constantFrom("search", "when", "status", "redirectTo", "email", "token", "_data", "index"), printable);
    // A lone surrogate cannot be percent-encoded as UTF-8: send the raw bytes of one instead.
    const encode = (v: string) => {
      try {
        return encodeURIComponent(v);
      } catch {
        return "%ED%A0%80";
      }
    };
    const query = fc.array(fc.tuple(param, fc.oneof(cookieValue, nastyString.map(encode))), { minLength: 1, maxLength: 3 }).map((pairs) => pairs.map(([k, v]) => `${encode(k)}=${v}`).join("&"));
    await fc.assert(
      fc.asyncProperty(query, fc.constantFrom("/", "/webinars", "/partners", "/auth/sign-in", "/auth/verify", "/webinars.data", "/partners.data"), async (q, path) => {
        const page = await new Client("203.0.113.95").get(`${path}?${q}`);
        await page.arrayBuffer();
        expect(page.status, `${path}?${q}`).toBeLessThan(500);
        await new Promise((resolve) => setImmediate(resolve));
      }),
      { seed: SEED, numRuns: 150 },
    );
  });
});

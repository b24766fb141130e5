import { buildClientSchema, getIntrospectionQuery, getNamedType, isEnumType, isInputObjectType, isObjectType, type IntrospectionQuery } from "graphql";
import { describe, expect, it } from "vitest";
import { eraseAccount } from "../app/services/account-erasure.server.ts";
import { personKey } from "../app/services/insights/demographics.server.ts";
import { setStatisticsGrant } from "../app/services/insights/grants.server.ts";
import { possiblyPublished } from "../app/services/insights/cell-key.ts";
import { participationStats, rawFunnel } from "../app/services/insights/participation.server.ts";
import { createSeries, setWebinarSeries } from "../app/services/insights/series.server.ts";
import { ANONYMOUS } from "../app/services/policy.server.ts";
import { signId } from "../app/services/signed-links.server.ts";
import { registerForWebinar } from "../app/services/webinar-registrations.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { actorOf, makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

const HOUR = 3600_000;
const decode = (html: string) => html.replace(/&amp;/g, "&").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">");

async function webinar(title = "Care and borders", startsIn = 5 * 24 * HOUR) {
  const staff = await makeUser({ role: "STAFF" });
  const start = new Date(Math.floor((Date.now() + startsIn) / 60_000) * 60_000);
  return scheduleWebinar(staff, { translations: [{ language: "en", title }], startsAt: start, endsAt: new Date(start.getTime() + HOUR), timeZone: "UTC", meetingUrl: "https://meet.example.org/x" });
}

async function statisticsStaff() {
  const admin = await makeUser({ role: "ADMIN" });
  const staff = await makeUser({ role: "STAFF", name: "Stat Reader" });
  await setStatisticsGrant(admin, staff.email, true);
  return { admin, staff: await actorOf(staff.id) };
}

/** n registrations with the given answers, straight into the tables (the forms are tested separately). */
async function people(webinarId: string, n: number, answer: { gender?: string; ageBand?: string } | null, stage: { confirmed?: boolean; attended?: boolean } = {}) {
  const emails: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = `p-${webinarId.slice(-6)}-${answer?.gender ?? "none"}-${Math.random().toString(36).slice(2, 8)}@example.org`;
    emails.push(email);
    await prisma().webinarRegistration.create({
      data: { webinarId, email, name: `Named Person ${email}`, status: stage.confirmed ? "CONFIRMED" : "WAITLISTED", confirmedAt: stage.confirmed ? new Date() : null, attended: stage.attended ?? null },
    });
    if (answer) await prisma().demographicAnswer.create({ data: { key: personKey(email), gender: answer.gender ?? null, ageBand: answer.ageBand ?? null } });
  }
  return emails;
}

// Several page round trips per test on a busy machine: a generous timeout, no assertion on time.
const SLOW = 120_000;

describe("collecting answers safely", { timeout: SLOW }, () => {
  it("a signed-in registrant's answers go to their own table, keyed by a digest, never on the registration", async () => {
    const w = await webinar();
    const person = await makeUser({ name: "Amina Diallo" });
    const client = await signInAs(new Client(), person.email);
    const form = decode(await (await client.get(`/webinars/${w.id}`)).text());
    expect(form).toContain("About you (optional)");
    expect(form).toContain("kept apart from your name and contact details");
    expect(form).toContain('value="non-binary"');
    expect(form).toContain('value="65-plus"');
    const res = await client.post(`/webinars/${w.id}`, { intent: "register", language: "en", timeZone: "UTC", gender: "self-described", genderDescription: "two-spirit", ageBand: "35-49" });
    expect(res.status).toBe(200);
    const row = await prisma().demographicAnswer.findUniqueOrThrow({ where: { key: personKey(person.email) } });
    expect(row).toMatchObject({ gender: "self-described", genderDescription: "two-spirit", ageBand: "35-49" });
    expect(row.key).not.toContain(person.email);
    const reg = await prisma().webinarRegistration.findFirstOrThrow({ where: { webinarId: w.id, email: person.email } });
    expect(JSON.stringify(reg)).not.toMatch(/two-spirit|self-described|35-49/);
    // A bad choice is a field message and changes nothing.
    const w2 = await webinar("Second");
    const bad = decode(await (await client.post(`/webinars/${w2.id}`, { intent: "register", language: "en", timeZone: "UTC", gender: "robot" })).text());
    expect(bad).toContain("Choose one of the listed options, or describe it yourself.");
    expect(await prisma().webinarRegistration.count({ where: { webinarId: w2.id } })).toBe(0);
  });

  it("an anonymous registrant's answers wait apart until the address owner confirms", async () => {
    const w = await webinar();
    const email = `anon-${Date.now()}@example.org`;
    await registerForWebinar(ANONYMOUS, w.id, { email, name: "Ana", timeZone: "UTC", demographics: { gender: "woman", ageBand: "under-25" } });
    expect(await prisma().demographicAnswer.findUnique({ where: { key: personKey(email) } })).toBeNull();
    const request = await prisma().webinarRegistrationRequest.findFirstOrThrow({ where: { email } });
    expect(JSON.stringify(request.answers)).not.toMatch(/woman|under-25/);
    const { confirmRegistrationRequest } = await import("../app/services/webinar-registrations.server.ts");
    const reg = await confirmRegistrationRequest(signId("confirm", request.id));
    expect(reg.status).toBe("CONFIRMED");
    expect(await prisma().demographicAnswer.findUnique({ where: { key: personKey(email) } })).toMatchObject({ gender: "woman", ageBand: "under-25" });
    expect(await prisma().demographicAnswer.findUnique({ where: { key: `q:${request.id}` } })).toBeNull();
  });

  it("the account page shows the person their own answers in EN/FR/ES, saves and removes them, and the audit log keeps no value", async () => {
    const person = await makeUser();
    const client = await signInAs(new Client(), person.email);
    await client.post("/account", { intent: "save-demographics", gender: "man", ageBand: "50-64" });
    expect(await prisma().demographicAnswer.findUnique({ where: { key: personKey(person.email) } })).toMatchObject({ gender: "man", ageBand: "50-64" });
    const page = decode(await (await client.get("/account")).text());
    expect(page).toMatch(/<option value="man" selected="">/);
    for (const [lang, words] of [["fr", "Pourquoi nous le demandons"], ["es", "Por qué lo preguntamos"]] as const) {
      const other = decode(await (await client.fetch("/account", { headers: { "accept-language": lang } })).text());
      expect(other).toContain(words);
    }
    await client.post("/account", { intent: "remove-demographics" });
    expect(await prisma().demographicAnswer.findUnique({ where: { key: personKey(person.email) } })).toBeNull();
    const audit = await prisma().auditEntry.findMany({ where: { action: { startsWith: "demographics." }, actorId: person.id } });
    expect(audit.map((a) => a.action).sort()).toEqual(["demographics.removed", "demographics.saved"]);
    expect(JSON.stringify(audit)).not.toMatch(/"man"|50-64/);
  });

  it("erasing a person deletes their answers with their account and registrations", async () => {
    const { admin } = await statisticsStaff();
    const w = await webinar();
    const person = await makeUser();
    await registerForWebinar(person, w.id, { timeZone: "UTC", demographics: { gender: "woman", ageBand: "25-34" } });
    expect(await prisma().demographicAnswer.count({ where: { key: personKey(person.email) } })).toBe(1);
    const staffOnly = await makeUser({ role: "STAFF" });
    await expect(eraseAccount(staffOnly, person.email)).rejects.toMatchObject({ code: "FORBIDDEN" });
    await eraseAccount(admin, person.email);
    expect(await prisma().demographicAnswer.count({ where: { key: personKey(person.email) } })).toBe(0);
    expect(await prisma().user.count({ where: { email: person.email } })).toBe(0);
    expect(await prisma().webinarRegistration.count({ where: { email: person.email } })).toBe(0);
    const entry = await prisma().auditEntry.findFirstOrThrow({ where: { action: "user.erased" } });
    expect(JSON.stringify(entry)).not.toContain(person.email);
  });
});

describe("the funnel with suppression", { timeout: SLOW }, () => {
  it("counts each step by gender and publishes only what suppression allows", async () => {
    const { staff } = await statisticsStaff();
    const w = await webinar("Funnel");
    await people(w.id, 6, { gender: "woman" }, { confirmed: true, attended: true });
    await people(w.id, 3, { gender: "woman" }, { confirmed: true });
    await people(w.id, 7, { gender: "man" }, { confirmed: true, attended: true });
    await people(w.id, 2, { gender: "non-binary" }, { confirmed: true });
    await people(w.id, 1, null);
    const raw = await rawFunnel({ kind: "webinar", id: w.id }, "gender");
    const row = (c: string) => raw.counts[raw.categories.indexOf(c)];
    expect(row("woman")).toEqual([0, 9, 9, 6]);
    expect(row("man")).toEqual([0, 7, 7, 7]);
    expect(row("no-answer")).toEqual([0, 1, 0, 0]);
    const stats = await participationStats(staff, { kind: "webinar", id: w.id }, "gender");
    const col = (stage: string) => stats.stages.indexOf(stage as never);
    const cell = (c: string, s: string) => stats.rows.find((r) => r.category === c)!.cells[col(s)];
    // Published counts are rounded to a multiple of 3 by their cell key (ADR 0037): 9 stays 9, 19 is 18 or 21.
    expect(cell("woman", "registered")).toEqual({ kind: "value", value: 9 });
    expect(cell("non-binary", "registered")).toEqual({ kind: "small" });
    // non-binary 2 and no-answer 1 are hidden; the rest of the column cannot reveal them.
    const total = stats.totals[col("registered")];
    expect(total.kind === "value" && possiblyPublished(19, stats.k).includes(total.value)).toBe(true);
    const publishedTruth = stats.rows.flatMap((r, i) => (r.cells[col("registered")].kind === "value" ? [raw.counts[i][col("registered")]] : [])).reduce((a, b) => a + b, 0);
    expect(19 - publishedTruth).toBeGreaterThanOrEqual(3); // at least two hidden cells share the remainder
    expect(stats.rows.filter((r) => r.cells[col("registered")].kind !== "value").length).toBeGreaterThanOrEqual(2);
    // Percentages come only from published numbers.
    expect(stats.rows.find((r) => r.category === "woman")!.percentOfStage[col("registered")]).toBe(Math.round((9 * 100) / (total as { value: number }).value));
    expect(stats.rows.find((r) => r.category === "non-binary")!.percentOfStage[col("registered")]).toBeNull();
  });

  it("covers a series, a period and a dialogue's invited and joined members", async () => {
    const { staff } = await statisticsStaff();
    const a = await webinar("Series A", 300 * 24 * HOUR);
    const b = await webinar("Series B", 340 * 24 * HOUR);
    const series = await createSeries(staff, { title: "Care economies", parityTarget: 50 });
    await setWebinarSeries(staff, a.id, series.id);
    await setWebinarSeries(staff, b.id, series.id);
    // Hidden numbers need room to vary: with only zeros hidden, the total would tell that nobody else came.
    await people(a.id, 5, { gender: "woman" });
    await people(a.id, 3, { gender: "man" });
    await people(a.id, 1, { gender: "non-binary" });
    await people(b.id, 5, { gender: "woman" });
    await people(b.id, 3, { gender: "man" });
    await people(b.id, 1, null);
    const s = await participationStats(staff, { kind: "series", id: series.id }, "gender");
    // 10 is published as 9 or 12 (rounded by cell key); 5 only as 6 (never below k).
    const tenWomen = s.rows.find((r) => r.category === "woman")!.cells[s.stages.indexOf("registered")];
    expect(tenWomen.kind === "value" && [9, 12].includes(tenWomen.value)).toBe(true);
    const month = a.startsAt.toISOString().slice(0, 7);
    const period = await participationStats(staff, { kind: "period", from: new Date(`${month}-01T00:00:00Z`), to: new Date(Date.UTC(a.startsAt.getUTCFullYear(), a.startsAt.getUTCMonth() + 1)) }, "gender");
    expect(period.scope.title).toBe(month);
    expect(period.rows.find((r) => r.category === "woman")!.cells[period.stages.indexOf("registered")]).toEqual({ kind: "value", value: 6 });
    // A period cut anywhere but at whole months, quarters or years could isolate one webinar: refused.
    await expect(participationStats(staff, { kind: "period", from: new Date(Date.now() + 290 * 24 * HOUR), to: new Date(Date.now() + 310 * 24 * HOUR) }, "gender")).rejects.toMatchObject({ code: "BAD_USER_INPUT", key: "period_not_calendar" });
    await expect(participationStats(staff, { kind: "period", from: new Date(), to: new Date(Date.now() - 1) }, "gender")).rejects.toMatchObject({ code: "BAD_USER_INPUT" });
    await expect(participationStats(staff, { kind: "series", id: "nope" }, "gender")).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { createDialogue } = await import("../app/services/dialogues/dialogues.server.ts");
    const d = await createDialogue(staff, { visibility: "SECRET", chathamHouse: false, translations: [{ language: "en", title: "Closed talk" }] } as never);
    const ds = await participationStats(staff, { kind: "dialogue", id: d.id }, "gender");
    expect(ds.stages).toEqual(["invited", "registered"]);
  });

  it("speaker balance per quarter against the series' parity target", async () => {
    const { staff } = await statisticsStaff();
    const series = await createSeries(staff, { title: "Panels", parityTarget: 40 });
    const start = new Date(Date.UTC(2027, 0, 10, 12));
    for (let i = 0; i < 3; i++) {
      const w = await scheduleWebinar(staff, {
        translations: [{ language: "en", title: `Panel ${i}` }],
        startsAt: new Date(start.getTime() + i * 7 * 24 * HOUR),
        endsAt: new Date(start.getTime() + i * 7 * 24 * HOUR + HOUR),
        timeZone: "UTC",
        meetingUrl: "https://meet.example.org/p",
        speakers: [
          { name: `W${i}a`, gender: "woman" },
          { name: `W${i}b`, gender: "woman" },
          { name: `M${i}`, gender: "man" },
          { name: `M${i}b`, gender: "man" },
          ...(i === 0 ? [{ name: "N", gender: "non-binary" }] : i === 1 ? [{ name: "U" }] : []),
        ],
      });
      await setWebinarSeries(staff, w.id, series.id);
    }
    const { speakerBalance } = await import("../app/services/insights/participation.server.ts");
    const b = await speakerBalance(staff, series.id);
    expect(b.series.parityTarget).toBe(40);
    expect(b.periods.map((p) => p.label)).toEqual(["2027-Q1"]);
    expect(b.periods[0].cells[0]).toEqual({ kind: "value", value: 6 });
    expect(b.periods[0].total).toEqual({ kind: "value", value: 14 });
    expect(b.periods[0].womenPercent).toBe(43);
    expect(b.periods[0].cells[2]).toEqual({ kind: "small" });
  });
});

describe("who sees statistics", { timeout: SLOW }, () => {
  it("pages and exports are the same 404 for anonymous visitors, partners and staff without the grant", async () => {
    const { staff } = await statisticsStaff();
    const w = await webinar();
    await people(w.id, 6, { gender: "woman" });
    await people(w.id, 5, { gender: "man" });
    await people(w.id, 1, { gender: "non-binary" });
    await people(w.id, 1, null);
    const plainStaff = await makeUser({ role: "STAFF" });
    const partner = await makePartner({ status: "APPROVED" });
    const focal = await prisma().user.findUniqueOrThrow({ where: { email: partner.focalPointEmail } });
    const admin = await makeUser({ role: "ADMIN" });
    const clients = [new Client(), await signInAs(new Client(), plainStaff.email), await signInAs(new Client(), focal.email), await signInAs(new Client(), admin.email)];
    // Over GraphQL, an anonymous caller is asked to sign in; everyone else signed in is refused.
    const codes = ["UNAUTHENTICATED", "FORBIDDEN", "FORBIDDEN", "FORBIDDEN"];
    const nothing = decode(await (await new Client().get("/no-such-page")).text());
    const titleOf = (html: string) => /<title>([^<]*)<\/title>/.exec(html)![1];
    for (const [i, client] of clients.entries()) {
      for (const path of ["/insights", `/insights?scope=webinar&id=${w.id}`, "/insights/export.csv", "/insights/report"]) {
        const res = await client.get(path);
        expect(res.status, path).toBe(404);
        // The same page as for an address that does not exist.
        if (!path.endsWith(".csv")) expect(decode(await res.text())).toContain(titleOf(nothing));
      }
      const gql = await client.graphql(`{ participationStats(scope: { kind: WEBINAR, id: "${w.id}" }, breakdown: GENDER) { title } }`);
      expect(gql.errors?.[0]?.extensions?.code).toBe(codes[i]);
      expect(gql.data ?? null).toBeNull();
    }
    const reader = await signInAs(new Client(), staff.email);
    const page = decode(await (await reader.get(`/insights?scope=webinar&id=${w.id}&breakdown=gender`)).text());
    expect(page).toContain("Participation insights");
    expect(page).toContain("<title id=");
    expect(page).toContain("<desc id=");
    expect(page).not.toMatch(/style="/);
    expect(page).not.toContain("Named Person");
    expect(page).not.toContain("@example.org");
    for (const [lang, title] of [["fr", "Statistiques de participation"], ["es", "Estadísticas de participación"]] as const) {
      expect(decode(await (await reader.fetch("/insights", { headers: { "accept-language": lang } })).text())).toContain(title);
    }
    const csv = await reader.get(`/insights/export.csv?scope=webinar&id=${w.id}`);
    expect(csv.status).toBe(200);
    const body = await csv.text();
    expect(body).toContain("Method");
    expect(body).toContain("rounded up or down to a multiple of 3");
    expect(body).toMatch(/\r\nWoman,<5,6,<5,<5\r\n/);
    for (const [lang, words] of [["fr", "arrondis au multiple de 3"], ["es", "se redondean después al múltiplo de 3"]] as const) {
      expect(decode(await (await reader.fetch("/insights/report", { headers: { "accept-language": lang } })).text())).toContain(words);
    }
    // Periods are calendar units; anything else on the page falls back to this year, and the API refuses it.
    const year = String(new Date().getUTCFullYear());
    expect(decode(await (await reader.get("/insights?period=2026-13")).text())).toMatch(new RegExp(`<option value="${year}" selected="">`));
    expect(decode(await (await reader.get("/insights?period=2026-Q2")).text())).toContain('<option value="2026-Q2" selected="">');
    const cut = await reader.graphql(`{ participationStats(scope: { kind: PERIOD, from: "2026-01-01T00:00:00Z", to: "2026-01-15T00:00:00Z" }, breakdown: GENDER) { title } }`);
    expect(cut.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(body).toContain("<5");
    expect(body).not.toContain("@example.org");
    const gql = await reader.graphql<{ participationStats: { rows: { category: string; cells: { display: string; value: number | null }[] }[] } }>(
      `{ participationStats(scope: { kind: WEBINAR, id: "${w.id}" }, breakdown: GENDER) { minCellSize rows { category cells { display value suppressed } } } }`,
    );
    expect(gql.errors).toBeUndefined();
    const woman = gql.data!.participationStats.rows.find((r) => r.category === "woman")!;
    expect(woman.cells.map((c) => c.display)).toContain("6");
    const nb = gql.data!.participationStats.rows.find((r) => r.category === "non-binary")!;
    expect(nb.cells.every((c) => c.display === "<5" && c.value === null)).toBe(true);
  });

  it("no type in the GraphQL schema carries a participant's gender or age", async () => {
    const res = await new Client().graphql<IntrospectionQuery>(getIntrospectionQuery());
    const schema = buildClientSchema(res.data!);
    const words = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase().split(/[\s_]+/);
    // Speakers' gender is panel data staff enter about the people on a published panel (ADR 0022), not an answer.
    const allowed = new Set(["WebinarSpeaker.gender", "WebinarSpeaker.genderDescription", "PanelBalance.singleGender"]);
    const personalEnums = new Set(Object.values(schema.getTypeMap()).filter((t) => isEnumType(t) && t.getValues().some((v) => ["WOMAN", "UNDER_25", "AGE_65_PLUS"].includes(v.name))).map((t) => t.name));
    const offending: string[] = [];
    let walked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || !(isObjectType(type) || isInputObjectType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        walked++;
        const id = `${type.name}.${field.name}`;
        const w = words(field.name);
        const named = w.includes("gender") || w.includes("age") || w.includes("birth") || personalEnums.has((getNamedType(field.type) as unknown as { name: string }).name);
        if (named && !allowed.has(id) && isObjectType(type)) offending.push(id);
      }
    }
    expect(walked).toBeGreaterThan(100);
    expect(offending).toEqual([]);
  });

  it("the registrations CSV and the audit log never carry an answer", async () => {
    const w = await webinar();
    const person = await makeUser({ name: "Lucía Pérez" });
    await registerForWebinar(person, w.id, { timeZone: "UTC", demographics: { gender: "self-described", genderDescription: "genderfluid", ageBand: "65-plus" } });
    const staff = await signInAs(new Client(), (await makeUser({ role: "STAFF" })).email);
    const csv = await (await staff.get(`/webinars/${w.id}/registrations.csv`)).text();
    expect(csv).toContain(person.email);
    expect(csv).not.toMatch(/genderfluid|self-described|65-plus|gender|age band/i);
    const audit = JSON.stringify(await prisma().auditEntry.findMany());
    expect(audit).not.toMatch(/genderfluid|self-described|65-plus/);
  });
});

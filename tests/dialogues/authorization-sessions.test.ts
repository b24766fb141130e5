import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { removeDialogueMember } from "../../app/services/dialogues/membership.server.ts";
import { scheduleDialogueSession } from "../../app/services/dialogues/sessions.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { parseIcs } from "../helpers/ics.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { joinDialogue, makeDialogue } from "./factories.ts";

// The sessions part of the dialogue authorization matrix (tests/dialogues/authorization.test.ts holds the rest).
type Who = "anonymous" | "partner" | "member" | "facilitator" | "staff" | "admin";
const WHO: Who[] = ["anonymous", "partner", "member", "facilitator", "staff", "admin"];

const SECRET_TITLE = "Readmission talks";
const SESSION_TITLE = "Closed session on return quotas";
const AGENDA = "Quota figures from the ministry";
const PRIVATE_SESSION = "Remittance fees working session";
const MEMBER_NAME = "Mara Memberson";
const FACILITATOR_NAME = "Fabio Facilitatore";
const MISSING = "cmissingsession0000000000";

let clients: Record<Who, Client>;
let facilitator: SignedInActor;
let secretId: string;
let privateId: string;
let sessionId: string;
let privateSessionId: string;

const inDays = (days: number) => {
  const d = new Date(Date.now() + days * 86400_000);
  d.setUTCSeconds(0, 0);
  return d;
};
const sessionInput = (title: string, startsAt = inDays(3)) => ({
  title,
  agenda: AGENDA,
  startsAt,
  endsAt: new Date(startsAt.getTime() + 3600_000),
  timeZone: "Europe/Madrid",
  meetingUrl: "https://meet.example.org/quota-room",
});

beforeAll(async () => {
  const creator = await makeUser({ role: "STAFF", name: "Creator Staff" });
  const staff = await makeUser({ role: "STAFF", name: "Other Staff" });
  const admin = await makeUser({ role: "ADMIN", name: "Admin Person" });
  const outsider = await makePartner({ name: "Outsider Institute", focalPointName: "Pat Outsider" });
  const memberPartner = await makePartner({ name: "Member Institute", focalPointName: MEMBER_NAME });
  const memberUser = await focalPointOf(memberPartner);
  secretId = (await makeDialogue(creator, { title: SECRET_TITLE, chathamHouse: true })).id;
  privateId = (await makeDialogue(creator, { title: "Remittances group", visibility: "PRIVATE" })).id;
  const facUser = await makeUser({ name: FACILITATOR_NAME });
  facilitator = await joinDialogue(secretId, creator, facUser.email, "FACILITATOR");
  await joinDialogue(secretId, facilitator, memberUser.email);
  await joinDialogue(privateId, creator, memberUser.email);
  sessionId = (await scheduleDialogueSession(facilitator, secretId, sessionInput(SESSION_TITLE))).id;
  privateSessionId = (await scheduleDialogueSession(creator, privateId, sessionInput(PRIVATE_SESSION))).id;
  clients = {
    anonymous: new Client(),
    partner: await signInAs(new Client(), outsider.focalPointEmail),
    member: await signInAs(new Client(), memberUser.email),
    facilitator: await signInAs(new Client(), facUser.email),
    staff: await signInAs(new Client(), staff.email),
    admin: new Client("203.0.113.9", { authorization: `Bearer ${(await createApiToken(admin, { name: "sessions" })).token}` }),
  };
});

type Result = { status: number; data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] };
const codeOf = (r: Result) => r.errors?.[0]?.extensions?.code ?? "OK";

const SESSION_FIELDS = "id title agenda agendaHtml uid sequence status meetingUrl calendarUrl outcome { body } dialogue { title }";
const SESSION = `query($id: ID!) { dialogueSession(id: $id) { ${SESSION_FIELDS} } }`;
const NESTED = `query($id: ID!) { dialogue(id: $id) { title sessions(first: 10) { totalCount edges { node { ${SESSION_FIELDS} } } } } }`;
const SCHEDULE = "mutation($d: ID!, $i: DialogueSessionInput!) { scheduleDialogueSession(dialogueId: $d, input: $i) { id sequence } }";
const CANCEL = "mutation($id: ID!) { cancelDialogueSession(id: $id) { status sequence } }";
const OUTCOME = "mutation($id: ID!) { publishSessionOutcome(sessionId: $id, input: { body: \"Agreed.\" }) { outcome { body } } }";
const gqlInput = (title: string, startsAt = inDays(4)) => {
  const i = sessionInput(title, startsAt);
  return { ...i, startsAt: i.startsAt.toISOString(), endsAt: i.endsAt.toISOString() };
};

const MATRIX: Record<string, Record<Who, string>> = {
  sessionSecret: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "OK", facilitator: "OK", staff: "OK", admin: "OK" },
  sessionPrivate: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "OK", facilitator: "NOT_FOUND", staff: "OK", admin: "OK" },
  nestedSecret: { anonymous: "NOT_FOUND", partner: "NOT_FOUND", member: "OK", facilitator: "OK", staff: "OK", admin: "OK" },
  nestedPrivate: { anonymous: "NOT_FOUND", partner: "OK", member: "OK", facilitator: "NOT_FOUND", staff: "OK", admin: "OK" },
  scheduleDialogueSession: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "FORBIDDEN", facilitator: "OK", staff: "OK", admin: "OK" },
  cancelDialogueSession: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "FORBIDDEN", facilitator: "OK", staff: "OK", admin: "OK" },
  publishSessionOutcome: { anonymous: "UNAUTHENTICATED", partner: "NOT_FOUND", member: "FORBIDDEN", facilitator: "OK", staff: "OK", admin: "OK" },
};

describe("dialogue sessions authorization matrix", () => {
  it.each(WHO)("GraphQL: %s", async (who) => {
    const q = (query: string, variables?: Record<string, unknown>) => clients[who].graphql(query, variables) as Promise<Result>;
    const outcome: Record<string, string> = {};
    outcome.sessionSecret = codeOf(await q(SESSION, { id: sessionId }));
    outcome.sessionPrivate = codeOf(await q(SESSION, { id: privateSessionId }));
    const nestedSecret = await q(NESTED, { id: secretId });
    outcome.nestedSecret = codeOf(nestedSecret);
    const nestedPrivate = await q(NESTED, { id: privateId });
    outcome.nestedPrivate = codeOf(nestedPrivate);
    outcome.scheduleDialogueSession = codeOf(await q(SCHEDULE, { d: secretId, i: gqlInput(`By ${who}`) }));
    const toCancel = await scheduleDialogueSession(facilitator, secretId, sessionInput(`To cancel by ${who}`));
    outcome.cancelDialogueSession = codeOf(await q(CANCEL, { id: toCancel.id }));
    const held = await scheduleDialogueSession(facilitator, secretId, sessionInput(`Held for ${who}`, inDays(-2)));
    outcome.publishSessionOutcome = codeOf(await q(OUTCOME, { id: held.id }));
    expect(outcome).toEqual(Object.fromEntries(Object.entries(MATRIX).map(([op, row]) => [op, row[who]])));

    // A partner sees the listed private dialogue and none of its sessions.
    if (who === "partner") expect(nestedPrivate.data).toEqual({ dialogue: { title: "Remittances group", sessions: { totalCount: 0, edges: [] } } });
    if (outcome.nestedSecret === "OK") {
      const node = (nestedSecret.data as { dialogue: { sessions: { edges: { node: { title: string; agenda: string } }[] } } }).dialogue.sessions.edges.map((e) => e.node);
      expect(node.map((n) => n.title)).toContain(SESSION_TITLE);
    }
  });

  it("answers a missing id and a forbidden one alike, for every session operation", async () => {
    const ops: [string, (id: string) => Record<string, unknown>][] = [
      [SESSION, (id) => ({ id })],
      [CANCEL, (id) => ({ id })],
      [OUTCOME, (id) => ({ id })],
    ];
    for (const who of ["anonymous", "partner"] as const) {
      for (const [query, vars] of ops) {
        for (const target of [sessionId, privateSessionId]) {
          const forbidden = (await clients[who].graphql(query, vars(target))) as Result;
          const missing = (await clients[who].graphql(query, vars(MISSING))) as Result;
          expect(codeOf(forbidden), `${who}: ${query}`).not.toBe("OK");
          expect([forbidden.status, forbidden.errors?.map((e) => [e.message, e.extensions?.code])]).toEqual([missing.status, missing.errors?.map((e) => [e.message, e.extensions?.code])]);
        }
      }
    }
    const partnerSchedule = (await clients.partner.graphql(SCHEDULE, { d: secretId, i: gqlInput("x") })) as Result;
    const partnerMissing = (await clients.partner.graphql(SCHEDULE, { d: MISSING, i: gqlInput("x") })) as Result;
    expect(partnerSchedule.errors).toEqual(partnerMissing.errors);
  });

  it("pages and the ICS download: outsiders get the missing-id answer; members get their copy without names", async () => {
    const pages = (d: string, s: string) => [`/dialogues/${d}/sessions/${s}`, `/dialogues/${d}/sessions/${s}/invite.ics`];
    for (const [i, path] of pages(secretId, sessionId).entries()) {
      const missing = pages(secretId, MISSING)[i];
      const missingDialogue = pages(MISSING, sessionId)[i];
      for (const who of ["anonymous", "partner"] as const) {
        const got = await clients[who].get(path);
        const none = await clients[who].get(missing);
        const elsewhere = await clients[who].get(missingDialogue);
        expect([got.status, none.status, elsewhere.status], `${who} ${path}`).toEqual(who === "anonymous" && i === 0 ? [302, 302, 302] : [404, 404, 404]);
        const bodies = [await got.text(), await none.text()];
        expect(bodies[0]).toBe(bodies[1].replaceAll(missing, path));
        for (const secret of [SECRET_TITLE, SESSION_TITLE, AGENDA]) expect(bodies[0]).not.toContain(secret);
      }
    }
    // The private dialogue is listed to the partner; its session is still not found.
    for (const path of pages(privateId, privateSessionId)) expect((await clients.partner.get(path)).status).toBe(404);
    // A session under another dialogue's address is not found either.
    expect((await clients.member.get(`/dialogues/${privateId}/sessions/${sessionId}`)).status).toBe(404);

    for (const who of ["member", "facilitator", "staff"] as const) {
      const page = await clients[who].get(`/dialogues/${secretId}/sessions/${sessionId}`);
      expect(page.status, who).toBe(200);
      expect(page.headers.get("cache-control")).toContain("no-store");
      const html = await page.text();
      expect(html).toContain(SESSION_TITLE);
      expect(html).toContain("data-chatham-house");
      for (const name of [MEMBER_NAME, FACILITATOR_NAME]) expect(html, who).not.toContain(name);
      expect(html.includes("Cancel this session"), who).toBe(who !== "member");
      const ics = await clients[who].get(`/dialogues/${secretId}/sessions/${sessionId}/invite.ics`);
      expect(ics.status).toBe(200);
      expect(ics.headers.get("content-type")).toContain("text/calendar");
      expect(ics.headers.get("cache-control")).toMatch(/(?=.*private)(?=.*no-store)/);
      const text = await ics.text();
      const parsed = parseIcs(text);
      expect(parsed).toMatchObject({ method: "PUBLISH", attendees: [], events: 1 });
      for (const name of [MEMBER_NAME, FACILITATOR_NAME]) expect(text).not.toContain(name);
      expect(text).toContain("Chatham House");
    }
    // The dialogue page lists the session for members; the schedule form is for facilitators and staff.
    expect(await (await clients.member.get(`/dialogues/${secretId}`)).text()).toContain(SESSION_TITLE);
    const scheduleForm: Record<Exclude<Who, "admin">, number> = { anonymous: 302, partner: 404, member: 403, facilitator: 200, staff: 200 };
    for (const [who, status] of Object.entries(scheduleForm)) expect((await clients[who as Who].get(`/dialogues/${secretId}/sessions/new`)).status, who).toBe(status);
  });

  it("the schedule form reports bad input by field and schedules from wall-clock times in the chosen zone", async () => {
    const bad = await clients.facilitator.post(`/dialogues/${secretId}/sessions/new`, { title: "", startsAt: "2020-01-01T10:00", endsAt: "2020-01-01T09:00", timeZone: "Mars/Olympus" });
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("This field is required.");
    expect(html).toContain("Choose a time zone from the list");
    const past = await clients.facilitator.post(`/dialogues/${secretId}/sessions/new`, { title: "Past", startsAt: "2020-01-01T10:00", endsAt: "2020-01-01T11:00", timeZone: "UTC" });
    expect(past.status).toBe(400);
    expect(await past.text()).toContain("Choose a date and time in the future.");
    const year = new Date().getUTCFullYear() + 1;
    const ok = await clients.facilitator.post(`/dialogues/${secretId}/sessions/new`, { title: "Form session", agenda: "- one", startsAt: `${year}-03-10T09:30`, endsAt: `${year}-03-10T11:00`, timeZone: "Africa/Dakar" });
    expect(ok.status).toBe(302);
    const sid = /\/sessions\/(\w+)/.exec(ok.headers.get("location")!)![1];
    const ics = parseIcs(await (await clients.member.get(`/dialogues/${secretId}/sessions/${sid}/invite.ics`)).text());
    // Dakar is UTC+0 all year.
    expect(ics.start.toISOString()).toBe(`${year}-03-10T09:30:00.000Z`);
    expect((await clients.member.post(`/dialogues/${secretId}/sessions/${sid}`, { intent: "cancel" })).status).toBe(403);
    expect((await clients.partner.post(`/dialogues/${secretId}/sessions/${sid}`, { intent: "cancel" })).status).toBe(404);
    expect((await clients.facilitator.post(`/dialogues/${secretId}/sessions/${sid}`, { intent: "cancel" })).status).toBe(302);
    expect(await (await clients.member.get(`/dialogues/${secretId}/sessions/${sid}`)).text()).toContain("This session was cancelled.");
  });

  it("a removed member loses the session page and the download", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const dialogue = await makeDialogue(staff, { title: "Short-lived membership" });
    const leaver = await makeUser({ name: "Leo Leaver" });
    await joinDialogue(dialogue.id, staff, leaver.email);
    const s = await scheduleDialogueSession(staff, dialogue.id, sessionInput("After removal"));
    const client = await signInAs(new Client(), leaver.email);
    expect((await client.get(`/dialogues/${dialogue.id}/sessions/${s.id}/invite.ics`)).status).toBe(200);
    await removeDialogueMember(staff, dialogue.id, leaver.id);
    expect((await client.get(`/dialogues/${dialogue.id}/sessions/${s.id}/invite.ics`)).status).toBe(404);
    expect((await client.get(`/dialogues/${dialogue.id}/sessions/${s.id}`)).status).toBe(404);
    expect(codeOf((await client.graphql(SESSION, { id: s.id })) as Result)).toBe("NOT_FOUND");
  });
});

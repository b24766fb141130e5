import { describe, expect, it } from "vitest";
import { createApiToken } from "../app/services/api-tokens.server.ts";
import { registerForWebinar } from "../app/services/webinar-registrations.server.ts";
import { queueWebinarReminders } from "../app/services/webinar-followup.server.ts";
import { cancelWebinar, panelBalance, scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { parseIcs } from "./helpers/ics.ts";
import { signInAs } from "./helpers/sign-in.ts";

const HOUR = 3600_000;
const SCHEDULE = `mutation($input: ScheduleWebinarInput!) { scheduleWebinar(input: $input) { id sequence status title } }`;

function input(overrides: Record<string, unknown> = {}) {
  const start = new Date(Date.now() + 10 * 24 * HOUR);
  return {
    translations: [{ language: "en", title: "Remittances and care", description: "Panel" }],
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + HOUR).toISOString(),
    timeZone: "America/Bogota",
    meetingUrl: "https://meet.example.org/r",
    ...overrides,
  };
}

/** The same webinar as the API takes it: languages are the Language enum (EN), not the form's "en". */
const apiInput = (overrides: Record<string, unknown> = {}) => ({
  ...input(),
  translations: [{ language: "EN", title: "Remittances and care", description: "Panel" }],
  ...overrides,
});

async function staffApi() {
  const staff = await makeUser({ role: "STAFF" });
  const { token } = await createApiToken(staff, { name: "tests" });
  return { staff, api: (q: string, v?: Record<string, unknown>) => new Client().graphql(q, v, token) };
}

describe("scheduling over GraphQL", () => {
  it("refuses bad input with field codes and creates nothing", async () => {
    const { api } = await staffApi();
    const before = await prisma().webinar.count();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ endsAt: new Date(Date.now()).toISOString() }, "endsAt", "end_before_start"],
      [{ timeZone: "Mars/Olympus" }, "timeZone", "invalid_time_zone"],
      [{ capacity: -1 }, "capacity", "invalid_capacity"],
      [{ meetingUrl: "http://insecure.example.org" }, "meetingUrl", "invalid_meeting_url"],
      [{ translations: [] }, "translations", "required"],
      // the schedule form's rule, from the same schema
      [{ startsAt: new Date(Date.now() - HOUR).toISOString(), endsAt: new Date(Date.now() + HOUR).toISOString() }, "startsAt", "date_in_past"],
      [{ questions: [{ id: "q1", labels: [] }] }, "questions", "required"],
      [{ questions: [{ id: "q1", labels: [{ language: "EN", label: "A" }, { language: "EN", label: "B" }] }] }, "questions", "duplicate_language"],
      [{ questions: [{ id: "q1", labels: [{ language: "EN", label: "A" }] }, { id: "q1", labels: [{ language: "FR", label: "B" }] }] }, "questions", "duplicate_question"],
      [{ questions: [{ id: "x", labels: [{ language: "EN", label: "A" }] }] }, "questions", "invalid_input"],
    ];
    for (const [patch, field, key] of cases) {
      const r = await api(SCHEDULE, { input: apiInput(patch) });
      expect(r.errors?.[0]?.extensions?.code, field).toBe("BAD_USER_INPUT");
      expect(r.errors?.[0]?.extensions?.fields?.[field], field).toBe(key);
    }
    expect(await prisma().webinar.count()).toBe(before);
    const anonymous = await new Client().graphql(SCHEDULE, { input: apiInput() });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
  });

  it("takes custom questions in EN/FR/ES and refuses moving a webinar into the past, changing nothing", async () => {
    const { api } = await staffApi();
    const questions = [{ id: "q1", labels: [{ language: "FR", label: "Votre corridor ?" }, { language: "EN", label: "Your corridor?" }] }];
    const made = await api(`mutation($input: ScheduleWebinarInput!) { scheduleWebinar(input: $input) { id startsAt questions { id label(language: ES) labelLanguage(language: ES) labels { language label } } } }`, {
      input: apiInput({ questions }),
    });
    const w = (made.data as { scheduleWebinar: { id: string; startsAt: string; questions: unknown } }).scheduleWebinar;
    expect(w.questions).toEqual([{ id: "q1", label: "Your corridor?", labelLanguage: "EN", labels: [{ language: "EN", label: "Your corridor?" }, { language: "FR", label: "Votre corridor ?" }] }]);
    const UPDATE = `mutation($id: ID!, $input: UpdateWebinarInput!) { updateWebinar(id: $id, input: $input) { sequence questions { id } } }`;
    const past = await api(UPDATE, { id: w.id, input: { startsAt: new Date(Date.now() - 2 * HOUR).toISOString(), endsAt: new Date(Date.now() - HOUR).toISOString() } });
    expect(past.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", fields: { startsAt: "date_in_past" } });
    expect((await prisma().webinar.findUniqueOrThrow({ where: { id: w.id } })).startsAt.toISOString()).toBe(w.startsAt);
    // the list given replaces the questions; [] removes them
    expect((await api(UPDATE, { id: w.id, input: { questions: [] } })).data).toEqual({ updateWebinar: { sequence: 0, questions: [] } });
  });

  it("refuses double, cancelled, past and partners-only registrations with clear codes", async () => {
    const { staff, api } = await staffApi();
    const open = await scheduleWebinar(staff, { ...input(), startsAt: new Date(input().startsAt), endsAt: new Date(input().endsAt) });
    const person = await makeUser();
    const client = await signInAs(new Client(), person.email);
    const REGISTER = `mutation($id: ID!) { registerForWebinar(webinarId: $id, input: { timeZone: "Europe/Madrid" }) { status } }`;
    expect((await client.graphql<{ registerForWebinar: { status: string } }>(REGISTER, { id: open.id })).data?.registerForWebinar.status).toBe("CONFIRMED");
    expect((await client.graphql(REGISTER, { id: open.id })).errors?.[0]?.extensions?.code).toBe("CONFLICT");

    const cancelled = await scheduleWebinar(staff, { ...input(), startsAt: new Date(input().startsAt), endsAt: new Date(input().endsAt) });
    await cancelWebinar(staff, cancelled.id, null);
    expect((await client.graphql(REGISTER, { id: cancelled.id })).errors?.[0]?.message).toBe("This webinar was cancelled.");

    const past = await scheduleWebinar(staff, { ...input(), startsAt: new Date(Date.now() - 3 * HOUR), endsAt: new Date(Date.now() - 2 * HOUR) });
    expect((await client.graphql(REGISTER, { id: past.id })).errors?.[0]?.message).toBe("This webinar has already taken place.");

    const partnersOnly = await scheduleWebinar(staff, { ...input(), audience: "PARTNERS", startsAt: new Date(input().startsAt), endsAt: new Date(input().endsAt) });
    const anon = await new Client().graphql(`mutation($id: ID!) { registerForWebinar(webinarId: $id, input: { email: "x@example.org", name: "X" }) { status } }`, { id: partnersOnly.id });
    expect(anon.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(await prisma().webinarRegistration.count({ where: { webinarId: { in: [cancelled.id, past.id, partnersOnly.id] } } })).toBe(0);

    const invited = await scheduleWebinar(staff, { ...input(), audience: "INVITED", startsAt: new Date(input().startsAt), endsAt: new Date(input().endsAt) });
    expect((await client.graphql(REGISTER, { id: invited.id })).errors?.[0]?.extensions?.code).toBe("NOT_FOUND");
    const visible = await client.graphql<{ webinars: { edges: { node: { id: string } }[] } }>("{ webinars { edges { node { id } } } }");
    expect(visible.data?.webinars.edges.map((x) => x.node.id)).not.toContain(invited.id);

    const staffList = `query($id: ID!) { webinar(id: $id) { registrations { totalCount edges { node { email } } } meetingUrl } }`;
    const list = await api(staffList, { id: open.id });
    expect(list.data).toEqual({
      webinar: { registrations: { totalCount: 1, edges: [{ node: { email: person.email } }] }, meetingUrl: "https://meet.example.org/r" },
    });
    const hidden = await client.graphql(staffList, { id: open.id });
    expect(hidden.data).toEqual({ webinar: { registrations: null, meetingUrl: null } });
  });

  it("warns on a single-gender panel using only declared genders, moderator apart", () => {
    expect(panelBalance([{ role: "SPEAKER", gender: "Woman" }, { role: "SPEAKER", gender: "femme" }, { role: "MODERATOR", gender: "man" }]).singleGender).toBe("woman");
    expect(panelBalance([{ role: "SPEAKER", gender: "woman" }, { role: "SPEAKER", gender: "prefer not to say" }]).singleGender).toBeNull();
    expect(panelBalance([{ role: "SPEAKER", gender: "woman" }, { role: "SPEAKER", gender: "hombre" }]).singleGender).toBeNull();
    const b = panelBalance([{ role: "SPEAKER", gender: null }, { role: "SPEAKER", gender: "non-binary" }, { role: "MODERATOR", gender: "mujer" }]);
    expect(b.panel).toMatchObject({ undisclosed: 1, "non-binary": 1 });
    expect(b.moderators.woman).toBe(1);
  });
});

describe("reminders", () => {
  it("queue one 24 h and one 1 h reminder per confirmed person, even when two workers run the job at once", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const now = new Date();
    const start = new Date(now.getTime() + 20 * HOUR);
    const w = await scheduleWebinar(staff, { ...input(), capacity: 1, startsAt: start, endsAt: new Date(start.getTime() + HOUR) });
    const a = await registerForWebinar(await makeUser(), w.id, {});
    const b = await registerForWebinar(await makeUser(), w.id, {});
    expect([a.status, b.status]).toEqual(["CONFIRMED", "WAITLISTED"]);
    await Promise.all([queueWebinarReminders(now), queueWebinarReminders(now)]);
    await queueWebinarReminders(new Date(now.getTime() + HOUR));
    await Promise.all([queueWebinarReminders(new Date(start.getTime() - 30 * 60_000)), queueWebinarReminders(new Date(start.getTime() - 20 * 60_000))]);
    const reminders = await prisma().outboxMessage.findMany({ where: { key: { startsWith: "webinar:reminder" } } });
    expect(reminders.map((r) => `${r.toAddress}:${r.key.split(":")[1]}`).sort()).toEqual([`${a.email}:reminder_1h`, `${a.email}:reminder_24h`]);
  });
});

describe("webinar pages", () => {
  it("an anonymous visitor registers, confirms by email link, and downloads the event", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const start = new Date(Math.floor((Date.now() + 5 * 24 * HOUR) / 60_000) * 60_000);
    const w = await scheduleWebinar(staff, { ...input(), startsAt: start, endsAt: new Date(start.getTime() + HOUR) });
    const visitor = new Client("198.51.100.50", { "accept-language": "es" });
    const page = await visitor.get(`/webinars/${w.id}`);
    const html = await page.text();
    expect(html).toContain("calendar.google.com");
    expect(html).not.toContain("meet.example.org");
    const bad = await visitor.post(`/webinars/${w.id}`, { intent: "register", email: "nope", name: "", language: "es", timeZone: "Asia/Manila" });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain("Introduzca un correo electrónico válido");
    const done = await visitor.post(`/webinars/${w.id}`, { intent: "register", email: "lucia@example.org", name: "Lucía", language: "es", timeZone: "Asia/Manila", captions: "on" });
    expect(await done.text()).toContain("Revise su correo");
    // nothing is registered until the address owner confirms
    expect(await prisma().webinarRegistration.count({ where: { email: "lucia@example.org" } })).toBe(0);
    const mail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: "lucia@example.org" } });
    expect(mail.icalContent).toBeNull();
    const manage = /http:\/\/hub\.test(\/r\/[\w.-]+)\?confirm=1/.exec(mail.text)![1];
    expect((await visitor.get(`${manage}?confirm=1`)).status).toBe(200);
    expect(await prisma().webinarRegistration.count({ where: { email: "lucia@example.org" } })).toBe(0);
    await visitor.post(manage, { intent: "confirm" });
    const reg = await prisma().webinarRegistration.findFirstOrThrow({ where: { email: "lucia@example.org" } });
    expect(reg).toMatchObject({ status: "CONFIRMED", captions: true, timeZone: "Asia/Manila", language: "ES" });
    // the used link now shows the registration it made
    const again = await (await visitor.get(`${manage}?confirm=1`)).text();
    expect(again.replace(/<!-- -->/g, "")).toContain("Está inscrito/a");
    expect(again).not.toContain('value="confirm"');

    const ics = await visitor.get(`/webinars/${w.id}/event.ics`);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    const event = parseIcs(await ics.text());
    expect(event).toMatchObject({ method: "PUBLISH", uid: w.uid, attendees: [], startIsUtc: true });
    expect(event.start.toISOString()).toBe(start.toISOString());
  });

  it("staff schedule through the form; bad times and zones come back as field messages", async () => {
    const staff = await signInAs(new Client(), (await makeUser({ role: "STAFF" })).email);
    const fields = { title_en: "Form webinar", startsAt: "2031-03-30T10:00", endsAt: "2031-03-30T09:00", timeZone: "Europe/Paris", meetingUrl: "https://meet.example.org/f", capacity: "-3" };
    const bad = await staff.post("/webinars/new", fields);
    expect(bad.status).toBe(400);
    const html = await bad.text();
    expect(html).toContain("The end must be after the start.");
    expect(html).toContain('value="Form webinar"');
    expect((await staff.post("/webinars/new", { ...fields, timeZone: "Nowhere/Land", endsAt: "2031-03-30T11:00", capacity: "" })).status).toBe(400);
    const ok = await staff.post("/webinars/new", { ...fields, endsAt: "2031-03-30T11:30", capacity: "50", speaker_0_name: "Dr. B", speaker_0_gender: "woman", speaker_1_name: "Dr. C", speaker_1_gender: "self-described", speaker_1_genderDescription: "Femme", speaker_2_name: "Dr. E", speaker_2_role: "MODERATOR", speaker_2_gender: "self-described", speaker_2_genderDescription: "genderfluid" });
    expect(ok.status).toBe(302);
    const w = await prisma().webinar.findFirstOrThrow({ where: { translations: { some: { title: "Form webinar" } } } });
    expect(w.startsAt.toISOString()).toBe("2031-03-30T08:00:00.000Z");
    expect(await (await staff.get(`/webinars/${w.id}/manage`)).text()).toContain("Consider inviting a more balanced panel");
    const edit = await (await staff.get(`/webinars/${w.id}/edit`)).text();
    // Words that name a listed category read back as that choice ("Femme" is a woman); others stay the person's own.
    expect(edit).toMatch(/name="speaker_1_gender"><option value="">[^]*?<option value="woman" selected=""/);
    expect(edit).toMatch(/name="speaker_2_gender"><option value="">[^]*?<option value="self-described" selected=""/);
    expect(edit).toMatch(/name="speaker_2_genderDescription"[^>]*value="genderfluid"/);
    const badGender = await staff.post("/webinars/new", { ...fields, endsAt: "2031-03-30T11:30", capacity: "", speaker_0_name: "Dr. D", speaker_0_gender: "robot" });
    expect(badGender.status).toBe(400);
    expect(await badGender.text()).toContain("Choose one of the listed options, or describe it yourself.");
    expect((await new Client().get("/webinars/new")).status).toBe(302);
  });

  it("a signed-in person's calendar feed lists their confirmed webinars with personal join links", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const person = await makeUser();
    const start = new Date(Date.now() + 2 * 24 * HOUR);
    const w = await scheduleWebinar(staff, { ...input(), startsAt: start, endsAt: new Date(start.getTime() + HOUR) });
    await registerForWebinar(person, w.id, {});
    const browser = await signInAs(new Client(), person.email);
    const account = await (await browser.post("/account", { intent: "calendar-feed" })).text();
    const feed = /http:\/\/hub\.test(\/calendar\/[\w-]+\.ics)/.exec(account)![1];
    const ics = await new Client().get(feed);
    expect(ics.status).toBe(200);
    const parsed = parseIcs(await ics.text());
    expect(parsed).toMatchObject({ method: "PUBLISH", uid: w.uid });
    expect(parsed.url).toMatch(/\/j\//);
    expect((await new Client().get("/calendar/not-a-secret.ics")).status).toBe(404);
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createApiToken } from "../app/services/api-tokens.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { deliverDue } from "../emails/worker.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { parseIcs } from "./helpers/ics.ts";
import { signInAs } from "./helpers/sign-in.ts";
import { startSmtpSink, type ReceivedMail } from "./helpers/smtp-sink.ts";

// The waiting list through the API and the mail people receive: raising capacity promotes the longest-waiting
// people (each with their calendar invite); cancelling a webinar tells everyone who was registered, waiting or
// pending approval, once each, in their language.
const HOUR = 3600_000;
type Lang = "EN" | "FR" | "ES";

let sink: Awaited<ReturnType<typeof startSmtpSink>>;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(() => sink.stop());
beforeEach(() => {
  sink.received.length = 0;
});

async function deliver() {
  sink.received.length = 0;
  const { sent } = await deliverDue();
  return sink.waitFor(sent);
}

const mailsTo = (email: string) => sink.received.filter((m) => m.to === email);

/** The attached invite, parsed by ical.js; null when the mail carries none. */
function inviteOf(mail: ReceivedMail) {
  const part = mail.parsed.attachments.find((a) => a.contentType === "text/calendar");
  const ics = part?.content.toString("utf8") ?? /BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/.exec(mail.raw.replace(/=\r?\n/g, ""))?.[0];
  if (!ics) return null;
  const mimeMethod = /Content-Type: text\/calendar; charset=utf-8; method=(\w+)/i.exec(mail.raw)?.[1]?.toUpperCase();
  const invite = parseIcs(ics);
  expect(invite.method).toBe(mimeMethod);
  expect(invite.attendees).toEqual([mail.to]);
  return invite;
}

const SCHEDULE = `mutation($input: ScheduleWebinarInput!) { scheduleWebinar(input: $input) { id } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateWebinarInput!) { updateWebinar(id: $id, input: $input) { capacity registeredCount waitlistCount } }`;
const REGISTER = `mutation($id: ID!, $input: WebinarRegistrationInput!) { registerForWebinar(webinarId: $id, input: $input) { status registration { id } } }`;
const REGISTRATIONS = `query($id: ID!) { webinar(id: $id) { registrations(first: 50) { edges { node { email status } } } } }`;

async function staffApi() {
  const staff = await makeUser({ role: "STAFF" });
  const { token } = await createApiToken(staff, { name: "tests" });
  return <T = Record<string, unknown>>(q: string, v?: Record<string, unknown>) => new Client().graphql<T>(q, v, token);
}

async function schedule(api: Awaited<ReturnType<typeof staffApi>>, extra: Record<string, unknown>) {
  const start = new Date(Date.now() + 10 * 24 * HOUR);
  start.setUTCMinutes(0, 0, 0);
  const made = await api<{ scheduleWebinar: { id: string } }>(SCHEDULE, {
    input: {
      translations: [
        { language: "EN", title: "Care chains", description: "Panel" },
        { language: "FR", title: "Chaînes du soin", description: "Table ronde" },
        { language: "ES", title: "Cadenas de cuidados", description: "Mesa redonda" },
      ],
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + HOUR).toISOString(),
      timeZone: "Africa/Dakar",
      meetingUrl: "https://meet.example.org/room",
      ...extra,
    },
  });
  expect(made.errors).toBeUndefined();
  const id = made.data!.scheduleWebinar.id;
  return { id, uid: (await prisma().webinar.findUniqueOrThrow({ where: { id } })).uid, start };
}

/** A signed-in person registers over the API, in their language; they register one after another, in order. */
async function register(webinarId: string, email: string, language: Lang) {
  await makeUser({ email, name: email.split("@")[0] });
  const client = await signInAs(new Client(), email);
  const r = await client.graphql<{ registerForWebinar: { status: string; registration: { id: string } } }>(REGISTER, { id: webinarId, input: { language, timeZone: "Europe/Madrid" } });
  expect(r.errors).toBeUndefined();
  return r.data!.registerForWebinar;
}

async function statuses(api: Awaited<ReturnType<typeof staffApi>>, webinarId: string) {
  const r = await api<{ webinar: { registrations: { edges: { node: { email: string; status: string } }[] } } }>(REGISTRATIONS, { id: webinarId });
  return Object.fromEntries(r.data!.webinar.registrations.edges.map((e) => [e.node.email, e.node.status]));
}

describe("raising a webinar's capacity", () => {
  it("promotes the longest-waiting people, in order, each with a confirmation and a calendar invite in their language", async () => {
    const api = await staffApi();
    const w = await schedule(api, { capacity: 1 });
    const people: [string, Lang][] = [
      ["first@example.org", "EN"],
      ["deux@example.org", "FR"],
      ["tres@example.org", "ES"],
      ["four@example.org", "EN"],
      ["cinq@example.org", "FR"],
    ];
    for (const [email, lang] of people) await register(w.id, email, lang);
    expect(Object.values(await statuses(api, w.id))).toEqual(["CONFIRMED", "WAITLISTED", "WAITLISTED", "WAITLISTED", "WAITLISTED"]);
    await deliver();

    // Two more seats: the two who waited longest move up, nobody else.
    const raised = await api<{ updateWebinar: { capacity: number; registeredCount: number; waitlistCount: number } }>(UPDATE, { id: w.id, input: { capacity: 3 } });
    expect(raised.errors).toBeUndefined();
    expect(raised.data!.updateWebinar).toEqual({ capacity: 3, registeredCount: 3, waitlistCount: 2 });
    expect(await statuses(api, w.id)).toEqual({
      "first@example.org": "CONFIRMED",
      "deux@example.org": "CONFIRMED",
      "tres@example.org": "CONFIRMED",
      "four@example.org": "WAITLISTED",
      "cinq@example.org": "WAITLISTED",
    });
    await deliver();
    expect(sink.received.map((m) => m.to).sort()).toEqual(["deux@example.org", "tres@example.org"]);
    const [fr] = mailsTo("deux@example.org");
    expect(fr.parsed.subject).toBe("Une place s'est libérée : Chaînes du soin");
    expect(fr.parsed.text).toContain("http://hub.test/j/");
    expect(inviteOf(fr)).toMatchObject({ method: "REQUEST", uid: w.uid, start: w.start });
    const [es] = mailsTo("tres@example.org");
    expect(es.parsed.subject).toBe("Se liberó un lugar: Cadenas de cuidados");
    expect(inviteOf(es)).toMatchObject({ method: "REQUEST", uid: w.uid, start: w.start });

    // One more seat goes to the next in line; no limit at all confirms everyone left.
    await api(UPDATE, { id: w.id, input: { capacity: 4 } });
    await deliver();
    expect(sink.received.map((m) => m.to)).toEqual(["four@example.org"]);
    expect(sink.received[0].parsed.subject).toBe("A seat freed up: Care chains");
    expect(inviteOf(sink.received[0])).toMatchObject({ method: "REQUEST", uid: w.uid });
    await api(UPDATE, { id: w.id, input: { capacity: null } });
    await deliver();
    expect(sink.received.map((m) => m.to)).toEqual(["cinq@example.org"]);
    expect(inviteOf(sink.received[0])).toMatchObject({ method: "REQUEST", uid: w.uid });
    expect(Object.values(await statuses(api, w.id)).every((s) => s === "CONFIRMED")).toBe(true);
  });

  it("someone who left and registered again waits behind those who registered meanwhile", async () => {
    const api = await staffApi();
    const w = await schedule(api, { capacity: 1 });
    await register(w.id, "seated@example.org", "EN");
    const early = await register(w.id, "back@example.org", "EN");
    const me = await signInAs(new Client(), "back@example.org");
    expect((await me.graphql(`mutation($id: ID!) { cancelWebinarRegistration(id: $id) { status } }`, { id: early.registration.id })).errors).toBeUndefined();
    await register(w.id, "meanwhile@example.org", "EN");
    const again = await me.graphql<{ registerForWebinar: { status: string } }>(REGISTER, { id: w.id, input: { language: "EN", timeZone: "UTC" } });
    expect(again.data?.registerForWebinar.status).toBe("WAITLISTED");
    expect(Object.keys(await statuses(api, w.id))).toEqual(["seated@example.org", "meanwhile@example.org", "back@example.org"]);
    await deliver();

    await api(UPDATE, { id: w.id, input: { capacity: 2 } });
    await deliver();
    expect(sink.received.map((m) => m.to)).toEqual(["meanwhile@example.org"]);
  });

  it("lowering it or changing something else promotes nobody", async () => {
    const api = await staffApi();
    const w = await schedule(api, { capacity: 2 });
    for (const [email, lang] of [["a@example.org", "EN"], ["b@example.org", "EN"], ["c@example.org", "FR"]] as [string, Lang][]) await register(w.id, email, lang);
    await deliver();
    await api(UPDATE, { id: w.id, input: { capacity: 1 } });
    await api(UPDATE, { id: w.id, input: { askCountry: false } });
    expect(await statuses(api, w.id)).toEqual({ "a@example.org": "CONFIRMED", "b@example.org": "CONFIRMED", "c@example.org": "WAITLISTED" });
    expect((await deliverDue()).sent).toBe(0);
  });
});

describe("cancelling a webinar", () => {
  it("tells everyone registered, waiting or pending approval, once each and in their language; confirmed people get the CANCEL invite", async () => {
    const api = await staffApi();
    const w = await schedule(api, { capacity: 1, requiresApproval: true });
    const confirmed = await register(w.id, "seated@example.org", "EN");
    const waiting = await register(w.id, "attente@example.org", "FR");
    await register(w.id, "pendiente@example.org", "ES");
    await register(w.id, "pending@example.org", "EN");
    const gone = await register(w.id, "parti@example.org", "FR");
    const refused = await register(w.id, "refused@example.org", "EN");
    for (const r of [confirmed, waiting]) {
      const approved = await api(`mutation($id: ID!) { approveWebinarRegistration(id: $id) { status } }`, { id: r.registration.id });
      expect(approved.errors).toBeUndefined();
    }
    await api(`mutation($id: ID!) { cancelWebinarRegistration(id: $id) { status } }`, { id: gone.registration.id });
    await api(`mutation($id: ID!) { denyWebinarRegistration(id: $id) { status } }`, { id: refused.registration.id });
    expect(await statuses(api, w.id)).toEqual({
      "seated@example.org": "CONFIRMED",
      "attente@example.org": "WAITLISTED",
      "pendiente@example.org": "PENDING_APPROVAL",
      "pending@example.org": "PENDING_APPROVAL",
      "parti@example.org": "CANCELLED",
      "refused@example.org": "DENIED",
    });
    await deliver();

    const cancelled = await api(`mutation($id: ID!) { cancelWebinar(id: $id, reason: "The speakers cannot travel.") { status } }`, { id: w.id });
    expect(cancelled.errors).toBeUndefined();
    await deliver();
    expect(sink.received.map((m) => m.to).sort()).toEqual(["attente@example.org", "pendiente@example.org", "pending@example.org", "seated@example.org"]);

    const [seated] = mailsTo("seated@example.org");
    expect(seated.parsed.subject).toBe("Cancelled: Care chains");
    expect(inviteOf(seated)).toMatchObject({ method: "CANCEL", status: "CANCELLED", uid: w.uid });

    const notices: [string, string, RegExp][] = [
      ["attente@example.org", "Annulé : Chaînes du soin", /liste d'attente/],
      ["pendiente@example.org", "Cancelado: Cadenas de cuidados", /aprobación|aprobar/],
      ["pending@example.org", "Cancelled: Care chains", /approval/],
    ];
    for (const [email, subject, body] of notices) {
      const [notice] = mailsTo(email);
      expect(notice.parsed.subject, email).toBe(subject);
      expect(notice.parsed.text, email).toMatch(body);
      // Nothing was in their calendar: no invite to act on, and no join or cancel link.
      expect(inviteOf(notice), email).toBeNull();
      expect(notice.parsed.text).not.toContain("http://hub.test/j/");
      expect(notice.parsed.text).not.toContain("http://hub.test/r/");
    }
    for (const mail of sink.received) expect(mail.parsed.text).toContain("The speakers cannot travel.");

    // A second cancel is refused and tells nobody again.
    const again = await api(`mutation($id: ID!) { cancelWebinar(id: $id) { status } }`, { id: w.id });
    expect(again.errors?.[0]?.extensions?.code).toBe("CONFLICT");
    expect((await deliverDue()).sent).toBe(0);
  });
});

describe("the research team's pages", () => {
  const decode = (html: string) => html.replace(/&amp;/g, "&").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"');

  it("the edit form's higher capacity promotes and says so; the cancel step counts the waiting and pending people it tells", async () => {
    const api = await staffApi();
    const w = await schedule(api, { capacity: 1 });
    for (const [email, lang] of [["a@example.org", "EN"], ["b@example.org", "FR"], ["c@example.org", "ES"]] as [string, Lang][]) await register(w.id, email, lang);
    const staff = await makeUser({ role: "STAFF" });
    const browser = await signInAs(new Client(), staff.email);
    expect(decode(await (await browser.get(`/webinars/${w.id}/manage?confirm=cancel-webinar`)).text())).toContain(
      "2 people on the waiting list or awaiting approval receive a cancellation notice.",
    );
    await deliver();

    const local = w.start.toISOString().slice(0, 16); // Dakar is UTC+0
    const end = new Date(w.start.getTime() + HOUR).toISOString().slice(0, 16);
    const saved = await browser.post(`/webinars/${w.id}/edit`, {
      title_en: "Care chains",
      title_fr: "Chaînes du soin",
      title_es: "Cadenas de cuidados",
      description_en: "Panel",
      description_fr: "Table ronde",
      description_es: "Mesa redonda",
      startsAt: local,
      endsAt: end,
      timeZone: "Africa/Dakar",
      meetingUrl: "https://meet.example.org/room",
      capacity: "2",
      audience: "PUBLIC",
    });
    expect(saved.headers.get("location")).toBe(`/webinars/${w.id}/manage?saved=updated&notified=0&promoted=1`);
    expect(decode(await (await browser.get(saved.headers.get("location")!)).text())).toContain("Saved. 1 person moved from the waiting list to a seat and received their invitation.");
    await deliver();
    expect(sink.received.map((m) => m.to)).toEqual(["b@example.org"]);
    expect(inviteOf(sink.received[0])).toMatchObject({ method: "REQUEST", uid: w.uid });
    expect(await statuses(api, w.id)).toEqual({ "a@example.org": "CONFIRMED", "b@example.org": "CONFIRMED", "c@example.org": "WAITLISTED" });
  });
});

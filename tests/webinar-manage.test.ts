import { describe, expect, it } from "vitest";
import { registerForWebinar } from "../app/services/webinar-registrations.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { addMember, focalPointOf, makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

const HOUR = 3600_000;
const decode = (html: string) => html.replace(/&amp;/g, "&").replace(/&#x27;|&#39;/g, "'").replace(/&quot;/g, '"');
const text = async (r: Response) => decode(await r.text());

async function webinar(opts: { startsIn?: number; capacity?: number | null; questions?: { id: string; labels: { language: "en" | "fr" | "es"; label: string }[] }[]; requiresApproval?: boolean } = {}) {
  const staff = await makeUser({ role: "STAFF" });
  const start = new Date(Date.now() + (opts.startsIn ?? 48 * HOUR));
  const w = await scheduleWebinar(staff, {
    timeZone: "Europe/Paris",
    meetingUrl: "https://meet.example.org/room",
    translations: [{ language: "en", title: "Care chains" }, { language: "fr", title: "Chaînes du soin" }],
    startsAt: start,
    endsAt: new Date(start.getTime() + HOUR),
    capacity: opts.capacity ?? 2,
    requiresApproval: opts.requiresApproval ?? false,
    questions: opts.questions ?? [],
  });
  return { staff, w, browser: await signInAs(new Client(), staff.email) };
}

async function people(webinarId: string, n: number, lang: "en" | "fr" | "es" = "en") {
  const out = [];
  for (let i = 0; i < n; i++) out.push(await registerForWebinar(await makeUser({ name: `Person ${lang} ${i}` }), webinarId, { timeZone: "UTC", language: lang }));
  return out;
}

describe("the Manage view of a webinar", () => {
  it("is the research team's only: partners and visitors get 404 on the page, the CSV and its forms; the public page links to it for staff only", async () => {
    const { w, browser } = await webinar();
    const partner = await makePartner();
    const member = await signInAs(new Client(), (await focalPointOf(partner)).email);
    const visitor = new Client();
    for (const c of [member, visitor]) {
      expect((await c.get(`/webinars/${w.id}/manage`)).status).toBe(404);
      expect((await c.get(`/webinars/${w.id}/registrations.csv`)).status).toBe(404);
      expect((await c.post(`/webinars/${w.id}/manage`, { intent: "cancel-webinar", confirmed: "yes" })).status).toBe(404);
      expect(await text(await c.get(`/webinars/${w.id}`))).not.toContain(`/webinars/${w.id}/manage`);
    }
    expect((await prisma().webinar.findUniqueOrThrow({ where: { id: w.id } })).status).toBe("SCHEDULED");
    // Cancelling a webinar nobody is confirmed for says so, rather than "0 person receives…"
    expect(await text(await browser.get(`/webinars/${w.id}/manage?confirm=cancel-webinar`))).toContain("Nobody is confirmed yet, so nobody is emailed");
    browser.cookies.set("gmh_lang", "fr");
    expect(await text(await browser.get(`/webinars/${w.id}/manage?confirm=cancel-webinar`))).toContain("Personne n'est encore confirmé, donc personne ne reçoit d'e-mail\u202f; la page");
    browser.cookies.delete("gmh_lang");
    const publicPage = await text(await browser.get(`/webinars/${w.id}`));
    expect(publicPage).toContain(`href="/webinars/${w.id}/manage"`);
    // The staff tools left the public page.
    expect(publicPage).not.toContain('name="intent" value="attendance"');
    // A form posted from another site is refused before anything runs.
    const foreign = await browser.fetch(`/webinars/${w.id}/manage`, { method: "POST", body: new URLSearchParams({ intent: "cancel-webinar", confirmed: "yes" }), headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.test" } });
    expect(foreign.status).toBe(403);
  });

  it("counts against capacity, lists registrations under headers with per-row actions, filters, and exports CSV without sensitive fields", async () => {
    const { w, browser } = await webinar({ capacity: 2, questions: [{ id: "q1", labels: [{ language: "en", label: "Your research question" }, { language: "fr", label: "Votre question de recherche" }] }] });
    const anon = new Client();
    await people(w.id, 3);
    const reg = await registerForWebinar(await makeUser({ name: "=Formula Person" }), w.id, { timeZone: "UTC", answers: { q1: "Remittances, and care" } });
    expect(reg.status).toBe("WAITLISTED");
    void anon;
    const page = await text(await browser.get(`/webinars/${w.id}/manage`));
    expect(page).toContain("2 of 2 seats taken");
    expect(page).toMatch(/<dt>Confirmed<\/dt><dd><a[^>]*>2<\/a><\/dd>/);
    expect(page).toMatch(/<dt>Waiting list<\/dt><dd><a[^>]*>2<\/a><\/dd>/);
    expect(page).toMatch(/<dt>Attended<\/dt><dd><a[^>]*>0<\/a><\/dd>/);
    expect(page).toContain('<th scope="col">Person</th>');
    expect(page).toContain('<th scope="col">Answers</th>');
    expect(page).toContain("Remittances, and care");
    expect(page.match(/\?cancel=/g)).toHaveLength(4);
    // Not started yet: no attendance boxes, no follow-up form.
    expect(page).not.toContain('name="attended"');
    expect(page).not.toContain('value="followup"');
    const waiting = await text(await browser.get(`/webinars/${w.id}/manage?rstatus=WAITLISTED`));
    expect(waiting).toContain("=Formula Person");
    expect(waiting).not.toContain("Person en 0");
    const csvResponse = await browser.get(`/webinars/${w.id}/registrations.csv?rstatus=WAITLISTED`);
    expect(csvResponse.headers.get("content-type")).toContain("text/csv");
    expect(csvResponse.headers.get("cache-control")).toContain("no-store");
    const csv = await csvResponse.text();
    const lines = csv.replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe("name,email,status,registered_at,institution,country,language,time_zone,captions,sign_language,interpretation,attended,Your research question");
    expect(lines).toHaveLength(3);
    // Question columns are headed in the exporter's language; a wording that falls back says so.
    browser.cookies.set("gmh_lang", "fr");
    const fr = (await (await browser.get(`/webinars/${w.id}/registrations.csv?rstatus=WAITLISTED`)).text()).replace(/^\uFEFF/, "").split("\r\n")[0];
    expect(fr.endsWith(",Votre question de recherche")).toBe(true);
    browser.cookies.set("gmh_lang", "es");
    const es = (await (await browser.get(`/webinars/${w.id}/registrations.csv?rstatus=WAITLISTED`)).text()).replace(/^\uFEFF/, "").split("\r\n")[0];
    expect(es.endsWith(",Your research question (en inglés)")).toBe(true);
    browser.cookies.delete("gmh_lang");
    expect(csv).toContain(`'=Formula Person`);
    expect(csv).toContain('"Remittances, and care"');
    expect(csv).not.toMatch(/\/j\/|\/r\/|meet\.example\.org|denial/i);
  });

  it("messages confirmed and waitlisted registrants in their language through the outbox, audited; refuses an empty message or nobody to reach", async () => {
    const { w, browser, staff } = await webinar({ capacity: 1 });
    await people(w.id, 1, "fr");
    await people(w.id, 1, "es");
    const empty = await browser.post(`/webinars/${w.id}/manage`, { intent: "message", groups: "CONFIRMED", message_en: " " });
    expect(empty.status).toBe(400);
    expect(await text(empty)).toContain("Write the message in at least one language.");
    const sent = await browser.post(`/webinars/${w.id}/manage`, { intent: "message", groups: ["CONFIRMED", "WAITLISTED"], message_en: "Slides: https://example.org/s", message_fr: "Les diapositives : https://example.org/s" });
    expect(sent.status).toBe(200);
    expect(await text(sent)).toContain("Message queued for 2 people.");
    const mails = await prisma().outboxMessage.findMany({ where: { key: { startsWith: "webinar:message:" } }, orderBy: { toAddress: "asc" } });
    const [fr, es] = await Promise.all([
      prisma().webinarRegistration.findFirstOrThrow({ where: { webinarId: w.id, language: "FR" } }),
      prisma().webinarRegistration.findFirstOrThrow({ where: { webinarId: w.id, language: "ES" } }),
    ]);
    const to = (email: string) => mails.find((m) => m.toAddress === email)!;
    expect(to(fr.email).text).toContain("Les diapositives");
    expect(to(fr.email).subject).toBe("Un message à propos de Chaînes du soin");
    expect(to(es.email).text).toContain("Slides: https://example.org/s");
    expect(to(es.email).html).toContain('<a href="https://example.org/s">');
    const audit = await prisma().auditEntry.findFirstOrThrow({ where: { action: "webinar.registrantsMessaged", targetId: w.id } });
    expect(audit.actorId).toBe(staff.id);
    expect(audit.data).toMatchObject({ recipients: 2 });
    const { w: lonely, browser: b2 } = await webinar();
    const nobody = await b2.post(`/webinars/${lonely.id}/manage`, { intent: "message", groups: "CONFIRMED", message_en: "Hello" });
    expect(nobody.status).toBe(409);
    expect(await text(nobody)).toContain("Nobody would receive this message");
    // French counts zero as singular.
    b2.cookies.set("gmh_lang", "fr");
    expect(await text(await b2.get(`/webinars/${lonely.id}/manage`))).toContain("0 place prise sur 2");
  });

  it("approve and deny say what they did; cancelling a registration and the webinar need a confirmation step", async () => {
    const { w, browser } = await webinar({ requiresApproval: true, capacity: 5 });
    const [a, b] = await people(w.id, 2);
    const approved = await text(await browser.post(`/webinars/${w.id}/manage`, { intent: "attendance", decide: `approve:${a.id}` }));
    expect(approved).toContain("Person en 0 is approved and confirmed");
    expect(approved).not.toContain("updated invitation");
    const denied = await text(await browser.post(`/webinars/${w.id}/manage`, { intent: "attendance", decide: `deny:${b.id}`, denialMessage: "Full" }));
    expect(denied).toContain("Person en 1 was not accepted and was emailed.");
    // Registration: a link to a confirmation page, then a POST that must carry the confirmation.
    const confirmPage = await text(await browser.get(`/webinars/${w.id}/manage?cancel=${a.id}`));
    expect(confirmPage).toContain("Cancel the registration of Person en 0?");
    expect(confirmPage).toContain('name="confirmed" value="yes"');
    const unconfirmed = await browser.post(`/webinars/${w.id}/manage`, { intent: "cancel-registration", registrationId: a.id });
    expect(unconfirmed.status).toBe(400);
    expect((await prisma().webinarRegistration.findUniqueOrThrow({ where: { id: a.id } })).status).toBe("CONFIRMED");
    const done = await text(await browser.post(`/webinars/${w.id}/manage`, { intent: "cancel-registration", registrationId: a.id, confirmed: "yes" }));
    expect(done).toContain("The registration of Person en 0 is cancelled");
    expect((await prisma().webinarRegistration.findUniqueOrThrow({ where: { id: a.id } })).status).toBe("CANCELLED");
    // Webinar: the same two steps.
    expect(await text(await browser.get(`/webinars/${w.id}/manage`))).toContain(`href="/webinars/${w.id}/manage?confirm=cancel-webinar"`);
    const ask = await text(await browser.get(`/webinars/${w.id}/manage?confirm=cancel-webinar`));
    expect(ask).toContain("Cancel “Care chains”?");
    expect((await browser.post(`/webinars/${w.id}/manage`, { intent: "cancel-webinar", reason: "Speaker ill" })).status).toBe(400);
    expect((await prisma().webinar.findUniqueOrThrow({ where: { id: w.id } })).status).toBe("SCHEDULED");
    const cancelled = await text(await browser.post(`/webinars/${w.id}/manage`, { intent: "cancel-webinar", reason: "Speaker ill", confirmed: "yes" }));
    expect(cancelled).toContain("The webinar is cancelled; 0 registrants were emailed.");
  });

  it("no attendance or follow-up before the event; follow-ups refuse 0 recipients and repeats, carry links and no cancel link", async () => {
    const { w: future, browser } = await webinar();
    const [f] = await people(future.id, 1);
    const early = await browser.post(`/webinars/${future.id}/manage`, { intent: "attendance", shown: f.id, attended: f.id });
    expect(early.status).toBe(409);
    expect(await text(early)).toContain("once the webinar has started");
    expect((await browser.post(`/webinars/${future.id}/manage`, { intent: "followup", attendedMessage: "Thanks" })).status).toBe(409);

    const { w, browser: b } = await webinar({ startsIn: -2 * HOUR, capacity: 5 });
    await prisma().webinarRegistration.createMany({
      data: [
        { webinarId: w.id, email: "came@example.org", name: "Came", status: "CONFIRMED" },
        { webinarId: w.id, email: "missed@example.org", name: "Missed", status: "CONFIRMED" },
      ],
    });
    const nobody = await b.post(`/webinars/${w.id}/manage`, { intent: "followup", attendedMessage: "Thanks" });
    expect(nobody.status).toBe(409);
    expect(await text(nobody)).toContain("Nobody would receive this message: nothing was sent.");
    const regs = await prisma().webinarRegistration.findMany({ where: { webinarId: w.id }, orderBy: { email: "asc" } });
    const saved = await text(await b.post(`/webinars/${w.id}/manage`, { intent: "attendance", shown: regs.map((r) => r.id), attended: regs.find((r) => r.name === "Came")!.id }));
    expect(saved).toContain("Attendance saved for 2 people.");
    expect(await text(await b.get(`/webinars/${w.id}/manage`))).toMatch(/<dt>Attended<\/dt><dd><a[^>]*>1<\/a>/);
    const sent = await text(await b.post(`/webinars/${w.id}/manage`, { intent: "followup", attendedMessage: "Recording: https://example.org/rec" }));
    expect(sent).toContain("1 follow-up email queued.");
    const again = await b.post(`/webinars/${w.id}/manage`, { intent: "followup", attendedMessage: "Recording again" });
    expect(again.status).toBe(409);
    expect(await text(again)).toContain("already sent");
    // The other group may still get its own message, once.
    expect(await text(await b.post(`/webinars/${w.id}/manage`, { intent: "followup", noShowMessage: "Sorry we missed you" }))).toContain("1 follow-up email queued.");
    const mail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: "came@example.org", key: { startsWith: "webinar:followup:" } } });
    expect(mail.html).toContain('<a href="https://example.org/rec">https://example.org/rec</a>');
    expect(mail.text).not.toContain("Cancel my registration");
    expect(mail.html).not.toContain("/r/");
  });
});

describe("the schedule and edit forms", () => {
  const form = (over: Record<string, string> = {}) => ({
    title_en: "Borders and care",
    startsAt: "2031-03-30T10:00",
    endsAt: "2031-03-30T11:00",
    timeZone: "Africa/Dakar",
    meetingUrl: "https://meet.example.org/x",
    capacity: "20",
    audience: "PUBLIC",
    question_q1_en: "What would you like to ask the speakers?",
    question_q1_fr: "Que voulez-vous demander aux intervenants ?",
    ...over,
  });

  it("starts from the organiser's zone, is sectioned, refuses past dates, and keeps custom questions that registrants answer", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const browser = await signInAs(new Client(), staff.email);
    const blank = await text(await browser.get("/webinars/new"));
    expect(blank).toContain("<legend>When</legend>");
    for (const l of ["en", "fr", "es"]) expect(blank).toContain(`name="question_q1_${l}"`);
    // Nothing known about this organiser yet: the form asks instead of assuming UTC.
    expect(blank).toContain('<option value="" selected="">Choose your time zone…</option>');
    expect(blank).not.toMatch(/<option value="UTC" selected/);
    const past = await browser.post("/webinars/new", form({ startsAt: "2020-01-01T10:00", endsAt: "2020-01-01T11:00" }));
    expect(past.status).toBe(400);
    expect(await text(past)).toContain("Choose a date and time in the future.");
    const created = await browser.post("/webinars/new", form());
    expect(created.status).toBe(302);
    const manage = created.headers.get("location")!;
    expect(manage).toMatch(/^\/webinars\/\w+\/manage\?saved=scheduled$/);
    const id = manage.split("/")[2];
    expect(await text(await browser.get(manage))).toContain("The webinar is scheduled.");
    // The next schedule form starts in the zone this organiser used, not UTC.
    expect(await text(await browser.get("/webinars/new"))).toMatch(/<option value="Africa\/Dakar" selected="">/);
    // With a chosen viewing zone, that one.
    browser.cookies.set("gmh_tz", "Asia%2FManila");
    expect(await text(await browser.get("/webinars/new"))).toMatch(/<option value="Asia\/Manila" selected="">/);

    const visitor = new Client();
    const pub = await text(await visitor.get(`/webinars/${id}`));
    expect(pub).toContain("What would you like to ask the speakers?");
    // Each reader gets the question in their language; without a wording of theirs, the English one, marked and tagged.
    const fr = await text(await new Client("203.0.113.8", { "accept-language": "fr" }).get(`/webinars/${id}`));
    expect(fr).toContain('<label for="f-answer_q1"><span>Que voulez-vous demander aux intervenants ?</span></label>');
    const es = await text(await new Client("203.0.113.9", { "accept-language": "es" }).get(`/webinars/${id}`));
    expect(es).toMatch(/<label for="f-answer_q1"><span lang="en">What would you like to ask the speakers\?<\/span> <span class="badge other-lang">en inglés<\/span><\/label>/);
    const person = await signInAs(new Client(), (await makeUser({ name: "Asker" })).email);
    expect((await person.post(`/webinars/${id}`, { intent: "register", name: "Asker", timeZone: "UTC", answer_q1: "How do remittances change care?" })).status).toBe(200);
    const reg = await prisma().webinarRegistration.findFirstOrThrow({ where: { webinarId: id } });
    expect(reg.answers).toEqual({ q1: "How do remittances change care?" });
    expect(await text(await browser.get(`/webinars/${id}/manage`))).toContain("How do remittances change care?");

    // A visitor's answers wait with the unconfirmed request, and become the registration's when confirmed.
    expect(await text(await visitor.post(`/webinars/${id}`, { intent: "register", email: "guest@example.org", name: "Guest", timeZone: "UTC", answer_q1: "Care work", answer_q9: "not a question" }))).toContain("Check your email");
    const mail = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: "guest@example.org" } });
    await visitor.post(/http:\/\/hub\.test(\/r\/[\w.-]+)\?confirm=1/.exec(mail.text)![1], { intent: "confirm" });
    expect((await prisma().webinarRegistration.findFirstOrThrow({ where: { webinarId: id, email: "guest@example.org" } })).answers).toEqual({ q1: "Care work" });

    // Editing says who was told.
    const edit = await text(await browser.get(`/webinars/${id}/edit`));
    expect(edit).toContain('value="What would you like to ask the speakers?"');
    expect(edit).toContain('value="Que voulez-vous demander aux intervenants ?"');
    const moved = await browser.post(`/webinars/${id}/edit`, form({ startsAt: "2031-03-30T12:00", endsAt: "2031-03-30T13:00" }));
    expect(moved.headers.get("location")).toBe(`/webinars/${id}/manage?saved=updated&notified=2`);
    expect(await text(await browser.get(moved.headers.get("location")!))).toContain("Saved. 2 confirmed registrants received an updated invitation.");
    const same = await browser.post(`/webinars/${id}/edit`, form({ startsAt: "2031-03-30T12:00", endsAt: "2031-03-30T13:00", capacity: "30" }));
    expect(same.headers.get("location")).toBe(`/webinars/${id}/manage?saved=updated&notified=0`);
  });
});

void addMember;

describe("the same tools over GraphQL", () => {
  it("messages registrants (research team only), shows questions and answers, and lets focal points edit details and roles", async () => {
    const { w, browser } = await webinar({ questions: [{ id: "q1", labels: [{ language: "en", label: "Your corridor?" }, { language: "es", label: "¿Su corredor?" }] }] });
    await registerForWebinar(await makeUser({ name: "Answering" }), w.id, { timeZone: "UTC", answers: { q1: "Sahel" } });
    const message = `mutation($id: ID!) { messageWebinarRegistrants(webinarId: $id, input: { groups: [CONFIRMED], messageEn: "Hello" }) { sent } }`;
    const partner = await makePartner({ name: "Api Institute" });
    const focal = await signInAs(new Client(), (await focalPointOf(partner)).email);
    expect((await focal.graphql(message, { id: w.id })).errors?.[0].extensions?.code).toBe("FORBIDDEN");
    expect((await browser.graphql(message, { id: w.id })).data).toEqual({ messageWebinarRegistrants: { sent: 1 } });
    const read = await browser.graphql<{ webinar: { questions: unknown[]; registrations: { edges: { node: { answers: unknown[] } }[] } } }>(
      `query($id: ID!) { webinar(id: $id) { questions { id label fr: label(language: FR) frIn: labelLanguage(language: FR) es: label(language: ES) labels { language label } } registrations(first: 5) { edges { node { answers { questionId answer } } } } } }`,
      { id: w.id },
    );
    expect(read.data?.webinar.questions).toEqual([
      { id: "q1", label: "Your corridor?", fr: "Your corridor?", frIn: "EN", es: "¿Su corredor?", labels: [{ language: "EN", label: "Your corridor?" }, { language: "ES", label: "¿Su corredor?" }] },
    ]);
    expect(read.data?.webinar.registrations.edges[0].node.answers).toEqual([{ questionId: "q1", answer: "Sahel" }]);
    const details = await focal.graphql<{ updatePartnerDetails: { website: string } }>(
      `mutation($id: ID!) { updatePartnerDetails(partnerId: $id, input: { sector: NGO, website: "https://api.example.org", focalPointName: "Ana", focalPointEmail: "ana@example.org", language: FR, publicListing: true }) { website } }`,
      { id: partner.id },
    );
    expect(details.data?.updatePartnerDetails.website).toBe("https://api.example.org");
    const focalActor = await focalPointOf(partner);
    const last = await focal.graphql(`mutation($p: ID!, $u: ID!) { setPartnerMemberRole(partnerId: $p, userId: $u, role: MEMBER) { role } }`, { p: partner.id, u: focalActor.id });
    expect(last.errors?.[0].extensions?.code).toBe("CONFLICT");
  });
});

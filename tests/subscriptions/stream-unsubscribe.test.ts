import { describe, expect, it } from "vitest";
import { handleRequest } from "../../app/http/handler.server.ts";
import { myNotificationSetting, setDialogueNotifications } from "../../app/services/dialogues/notifications.server.ts";
import { publishSessionOutcome, scheduleDialogueSession } from "../../app/services/dialogues/sessions.server.ts";
import { postInThread, startThread } from "../../app/services/dialogues/threads.server.ts";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { distributePublication } from "../../app/services/sends/distribution.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { SUPPRESSED } from "../../emails/outcomes.ts";
import { deliverDue } from "../../emails/worker.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import type { ReceivedMail } from "../helpers/smtp-sink.ts";
import { useWebhookAndSmtpSink } from "../helpers/webhook-mail.ts";
import { joinDialogue, makeDialogue } from "../dialogues/factories.ts";
import { makePublication } from "../sends/publication-fixtures.ts";

// Unsubscribing is per stream (ADR 0047): one click on a publications mail stops publications only, one click on a
// dialogue's mail stops that dialogue only, and a hard bounce stops everything. Over real SMTP, clicking the URL
// each received mail carries, as a mail provider's one-click POST does (foreign origin, RFC 8058 body).
const SECRET = "webhook-secret-for-stream-tests-0123456";
const mail = useWebhookAndSmtpSink(SECRET);

async function drain(): Promise<ReceivedMail[]> {
  const before = mail.sink.received.length;
  const r = await deliverDue({ workerId: "streams-test" });
  return (await mail.sink.waitFor(before + r.sent)).slice(before);
}
const to = (mails: ReceivedMail[], address: string) => mails.filter((m) => m.to === address);

/** The https URL of a received mail's List-Unsubscribe header. */
function oneClickUrl(m: ReceivedMail) {
  const list = m.parsed.headers.get("list") as { unsubscribe?: { url?: string } };
  return list.unsubscribe!.url!;
}
const oneClick = (url: string) =>
  handleRequest(
    new Request(url, { method: "POST", body: "List-Unsubscribe=One-Click", headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://mail.provider.example" } }),
    { ip: "198.51.100.9" },
  );

let n = 0;
async function partnerPerson(email: string) {
  await makePartner({ focalPointEmail: email, sector: "RESEARCH" });
  return focalPointOf({ focalPointEmail: email });
}
async function world() {
  const tag = n++;
  const staff = await makeUser({ role: "STAFF" });
  const one = await makeDialogue(staff, { title: `Care corridors ${tag}` });
  const two = await makeDialogue(staff, { title: `Seasonal visas ${tag}` });
  const poster = await joinDialogue(one.id, staff, `poster-${tag}@example.org`);
  await joinDialogue(two.id, staff, poster.email);
  const threadOne = await startThread(poster, one.id, { title: "Quotas", body: "First." });
  const threadTwo = await startThread(poster, two.id, { title: "Visas", body: "First." });
  await drain();
  return { tag, staff, one, two, poster, threadOne, threadTwo };
}
async function member(w: Awaited<ReturnType<typeof world>>, email: string, dialogues: { id: string }[]) {
  const person = await partnerPerson(email);
  for (const d of dialogues) {
    await joinDialogue(d.id, w.staff, email);
    await setDialogueNotifications(person, d.id, "IMMEDIATE");
  }
  await drain();
  return person;
}
const publication = (title: string) => makePublication({ titles: { EN: title } });
const distribute = async (staff: SignedInActor, title: string) => distributePublication(staff, (await publication(title)).id, { sectors: ["RESEARCH"] });

// Each case builds two dialogues and several members through the real use cases: slow on a loaded machine.
describe("unsubscribing is per stream", { timeout: 180_000 }, () => {
  it("one click on a publications mail stops publications and leaves every dialogue's mail flowing", async () => {
    const w = await world();
    const pat = await member(w, `pat-${w.tag}@example.org`, [w.one, w.two]);
    await distribute(w.staff, `Brief A ${w.tag}`);
    const [brief] = to(await drain(), pat.email);
    expect(headerList(brief)).toMatch(/<publications\.hub\.test>$/);

    // A notice queued before the click must still go: this is the mail that used to fail as "suppressed".
    await postInThread(w.poster, w.threadOne.id, { body: "Queued before the click." });
    const response = await oneClick(oneClickUrl(brief));
    expect(response.status).toBe(200);
    // The publications preference page sends a partner person to the list of all their streams.
    const prefs = await new Client().get(new URL(oneClickUrl(brief)).pathname.replace("/unsubscribe/", "/subscription/"));
    expect(await prefs.text()).toContain('href="/account#mail-streams"');
    const after = to(await drain(), pat.email);
    expect(after.map((m) => m.parsed.text)).toEqual([expect.stringContaining("Queued before the click.")]);

    const past = new Date(Date.now() - 3 * 3600_000);
    const session = await scheduleDialogueSession(w.staff, w.one.id, { title: "Held", startsAt: past, endsAt: new Date(past.getTime() + 3600_000), timeZone: "UTC" });
    await drain(); // the session's calendar invites (transactional)
    await postInThread(w.poster, w.threadTwo.id, { body: "After the click, other dialogue." });
    await publishSessionOutcome(w.staff, session.id, { body: "We agreed." });
    await distribute(w.staff, `Brief B ${w.tag}`);
    const later = to(await drain(), pat.email);
    expect(later.map((m) => headerList(m)).sort()).toEqual([`GenMig Hub dialogue <dialogue-${w.one.id}.hub.test>`, `GenMig Hub dialogue <dialogue-${w.two.id}.hub.test>`].sort());
    expect(later.some((m) => m.parsed.text?.includes("After the click, other dialogue."))).toBe(true);
    expect(later.some((m) => m.parsed.text?.includes("We agreed."))).toBe(true);
    expect(await prisma().outboxMessage.count({ where: { toAddress: pat.email, lastError: SUPPRESSED } })).toBe(0);
    expect(await myNotificationSetting(pat, w.one.id)).toBe("IMMEDIATE");
  });

  it("one click on a dialogue's mail stops that dialogue only; the link's page asks first", async () => {
    const w = await world();
    const rosa = await member(w, `rosa-${w.tag}@example.org`, [w.one, w.two]);
    await postInThread(w.poster, w.threadOne.id, { body: "Read me." });
    const [notice] = to(await drain(), rosa.email);
    const url = oneClickUrl(notice);
    expect(url).toMatch(/^http:\/\/hub\.test\/unsubscribe\/m_/);

    // Opening the link (a scanner, a preview) changes nothing; the page names the dialogue and the address.
    const page = await new Client().get(new URL(url).pathname);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(`Care corridors ${w.tag}`);
    expect(html).toContain(rosa.email);
    expect(await myNotificationSetting(rosa, w.one.id)).toBe("IMMEDIATE");

    expect((await oneClick(url)).status).toBe(200);
    expect((await oneClick(url)).status).toBe(200); // providers retry: still fine
    expect(await myNotificationSetting(rosa, w.one.id)).toBe("NEVER");

    const past = new Date(Date.now() - 3 * 3600_000);
    const session = await scheduleDialogueSession(w.staff, w.one.id, { title: "Held", startsAt: past, endsAt: new Date(past.getTime() + 3600_000), timeZone: "UTC" });
    // The session's calendar invite is not activity mail: it still comes.
    expect(to(await drain(), rosa.email).map((m) => m.parsed.subject)).toEqual([expect.stringContaining("Held")]);
    await postInThread(w.poster, w.threadOne.id, { body: "Silent for Rosa." });
    await postInThread(w.poster, w.threadTwo.id, { body: "Still for Rosa." });
    await publishSessionOutcome(w.staff, session.id, { body: "Outcome Rosa will not get." });
    await distribute(w.staff, `Brief C ${w.tag}`);
    const later = to(await drain(), rosa.email);
    expect(later.map((m) => headerList(m)).sort()).toEqual([`GenMig Hub dialogue <dialogue-${w.two.id}.hub.test>`, "GenMig Hub publications <publications.hub.test>"].sort());
    expect(later.some((m) => m.parsed.text?.includes("Still for Rosa."))).toBe(true);
    expect(await myNotificationSetting(rosa, w.two.id)).toBe("IMMEDIATE");
  });

  it("a hard bounce stops every stream, also for an address that had only unsubscribed from publications", async () => {
    const w = await world();
    const sam = await member(w, `sam-${w.tag}@example.org`, [w.one]);
    const una = await member(w, `una-${w.tag}@example.org`, [w.one]);
    await distribute(w.staff, `Brief D ${w.tag}`);
    const got = await drain();
    expect((await oneClick(oneClickUrl(to(got, una.email)[0]))).status).toBe(200);

    const bounce = (email: string, i: number) => ({ id: `hard-${w.tag}-${i}`, timestamp: new Date().toISOString(), type: "bounce", bounceType: "hard", email });
    const hook = await handleRequest(
      new Request("http://hub.test/webhooks/email-events", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}` },
        body: JSON.stringify({ events: [bounce(sam.email, 1), bounce(una.email, 2)] }),
      }),
      { ip: "198.51.100.10" },
    );
    expect(hook.status).toBe(200);

    await postInThread(w.poster, w.threadOne.id, { body: "Nobody bounced gets this." });
    await distribute(w.staff, `Brief E ${w.tag}`);
    const later = await drain();
    expect(to(later, sam.email)).toEqual([]);
    expect(to(later, una.email)).toEqual([]);
    const held = await prisma().outboxMessage.findMany({ where: { toAddress: { in: [sam.email, una.email] }, key: { startsWith: "dialogue-post:" }, lastError: SUPPRESSED } });
    expect(held.map((m) => m.toAddress).sort()).toEqual([sam.email, una.email].sort());
  });

  it("the account page lists every stream with its state and turns a dialogue's mail back on", async () => {
    const w = await world();
    const vic = await member(w, `vic-${w.tag}@example.org`, [w.one, w.two]);
    await setDialogueNotifications(vic, w.one.id, "NEVER");
    const browser = await signInAs(new Client(), vic.email);
    const html = await (await browser.get("/account")).text();
    const section = html.slice(html.indexOf('id="mail-streams"'));
    expect(section).toContain("Publications and digests");
    expect(section).toMatch(new RegExp(`Care corridors ${w.tag}.{0,80}Stopped`, "s"));
    expect(section).toMatch(new RegExp(`Seasonal visas ${w.tag}.{0,80}Receiving`, "s"));

    const saved = await browser.post("/account", { intent: "dialogue-notify", dialogueId: w.one.id, notify: "DAILY" });
    expect(saved.status).toBe(200);
    expect(await saved.text()).toContain("Your choice for this dialogue is saved.");
    expect(await myNotificationSetting(vic, w.one.id)).toBe("DAILY");

    await prisma().user.update({ where: { id: vic.id }, data: { language: "FR" } });
    const fr = await (await browser.get("/account")).text();
    expect(fr).toContain("E-mails que vous recevez");
  });
});

function headerList(m: ReceivedMail) {
  const head = m.raw.slice(0, m.raw.search(/\r?\n\r?\n/)).replace(/\r?\n[ \t]+/g, " ");
  return /^List-Id: (.*)$/im.exec(head)?.[1]?.trim();
}

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { setPublicationPdf } from "../../app/services/publications/pdfs.server.ts";
import { createPublication, publishPublication } from "../../app/services/publications/publications.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { minimalPdf } from "../../prisma/demo-pdf.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { upload } from "../helpers/documents.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { startSmtpSink, type ReceivedMail } from "../helpers/smtp-sink.ts";

// "The follow-up email links them": each registrant's follow-up lists the webinar's released recording, slides and
// brief that they may see under the publications audience rule, in their language — delivered over real SMTP.
const HOUR = 3600_000;
let sink: Awaited<ReturnType<typeof startSmtpSink>>;
let staff: SignedInActor;
beforeAll(async () => {
  sink = await startSmtpSink();
  staff = await makeUser({ role: "STAFF" });
});
afterAll(() => sink.stop());

async function publication(webinarId: string | undefined, material: string | undefined, title: string, extra: Record<string, unknown> = {}, release: "now" | "draft" | "embargo" = "now") {
  const p = await createPublication(staff, { type: "BRIEF", authors: "R. Team", translations: [{ language: "en", title }], webinarId, webinarMaterial: material, ...extra });
  if (release === "now") await publishPublication(staff, p.id);
  if (release === "embargo") await publishPublication(staff, p.id, { at: new Date(Date.now() + 24 * HOUR).toISOString() });
  return p.id;
}

const body = (m: ReceivedMail) => String(m.parsed.text);

describe("the webinar follow-up email", () => {
  it("links the related publications each registrant may see, in their language, and nothing else", async () => {
    const start = new Date(Date.now() - 3 * HOUR);
    const w = await scheduleWebinar(staff, {
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/room",
      translations: [{ language: "en", title: "Care chains" }, { language: "fr", title: "Chaînes du soin" }, { language: "es", title: "Cadenas de cuidado" }],
      startsAt: start,
      endsAt: new Date(start.getTime() + HOUR),
    });
    const recording = await publication(w.id, "RECORDING", "Recording of care chains");
    await setPublicationPdf(staff, recording, "en", upload(minimalPdf("Transcript"), "t.pdf", "application/pdf"));
    const slides = await publication(w.id, "SLIDES", "Partners' slides on care chains", {
      audience: "PARTNERS",
      translations: [{ language: "en", title: "Partners' slides on care chains" }, { language: "fr", title: "Présentation pour les partenaires" }],
    });
    const brief = await publication(w.id, "FOLLOW_UP_BRIEF", "Ministries' follow-up brief", {
      audience: "SECTORS",
      audienceSectors: ["GOVERNMENT"],
      translations: [{ language: "en", title: "Ministries' follow-up brief" }, { language: "es", title: "Nota de seguimiento para ministerios" }],
    });
    const draft = await publication(w.id, "SLIDES", "Draft slides never sent", {}, "draft");
    const embargoed = await publication(w.id, "FOLLOW_UP_BRIEF", "Embargoed brief not yet out", {}, "embargo");
    const unrelated = await publication(undefined, undefined, "Unrelated open brief");

    const ngo = await focalPointOf(await makePartner({ sector: "NGO" }));
    const government = await focalPointOf(await makePartner({ sector: "GOVERNMENT" }));
    const pending = await focalPointOf(await makePartner({ sector: "GOVERNMENT", status: "PENDING" }));
    // The government person registered without signing in: their address still names their account.
    await prisma().webinarRegistration.createMany({
      data: [
        { webinarId: w.id, email: "visitor@example.org", name: "Visitor", language: "FR", status: "CONFIRMED", attended: true },
        { webinarId: w.id, userId: ngo.id, email: ngo.email, name: "NGO person", language: "EN", status: "CONFIRMED", attended: true },
        { webinarId: w.id, email: government.email, name: "Ministry person", language: "ES", status: "CONFIRMED", attended: false },
        { webinarId: w.id, userId: pending.id, email: pending.email, name: "Pending partner", language: "EN", status: "CONFIRMED", attended: false },
      ],
    });

    const browser = await signInAs(new Client(), staff.email);
    const sent = await browser.post(`/webinars/${w.id}/manage`, { intent: "followup", attendedMessage: "Thank you for coming.", noShowMessage: "Sorry we missed you." });
    expect(await sent.text()).toContain("4 follow-up emails queued.");
    const before = sink.received.length;
    const { sent: delivered } = await deliverDue({ workerId: "follow-up-test" });
    const mails = (await sink.waitFor(before + delivered)).slice(before);
    const followUps = mails.filter((m) => /Care chains|Chaînes du soin|Cadenas de cuidado/.test(m.parsed.subject ?? ""));
    expect(followUps).toHaveLength(4);
    const mailTo = (email: string) => followUps.find((m) => m.to === email)!;

    const link = (id: string, lang: string) => `http://hub.test/publications/${id}?lang=${lang}`;
    const visitor = mailTo("visitor@example.org");
    expect(visitor.parsed.subject).toBe("Merci de votre participation : Chaînes du soin");
    expect(body(visitor)).toContain("Enregistrement, présentation et suivi:");
    expect(body(visitor)).toContain(`- Enregistrement: Recording of care chains (en anglais)\n  ${link(recording, "en")}`);
    expect(body(visitor)).toContain(`PDF: http://hub.test/publications/${recording}/en.pdf`);
    expect(visitor.parsed.html).toContain(`<a href="${link(recording, "en")}">Recording of care chains (en anglais)</a>`);

    const ngoMail = body(mailTo(ngo.email));
    expect(ngoMail).toContain(`- Recording: Recording of care chains\n  ${link(recording, "en")}`);
    expect(ngoMail).toContain(`- Slides: Partners' slides on care chains\n  ${link(slides, "en")}`);

    const ministry = mailTo(government.email);
    expect(ministry.parsed.subject).toBe("Le echamos de menos: Cadenas de cuidado");
    expect(body(ministry)).toContain("Grabación, presentación y seguimiento:");
    expect(body(ministry)).toContain(`- Nota de seguimiento: Nota de seguimiento para ministerios\n  ${link(brief, "es")}`);
    expect(body(ministry)).toContain(`- Presentación: Partners' slides on care chains (en inglés)`);

    // A partner not yet approved is not a partner: the public recording only.
    const pendingMail = body(mailTo(pending.email));
    expect(pendingMail).toContain(link(recording, "en"));

    const everything = followUps.map((m) => `${body(m)}\n${m.parsed.html}`);
    for (const [i, m] of everything.entries()) {
      for (const hidden of [draft, embargoed, unrelated]) expect(m, `mail ${i}`).not.toContain(hidden);
    }
    for (const [email, id] of [["visitor@example.org", slides], ["visitor@example.org", brief], [ngo.email, brief], [pending.email, slides], [pending.email, brief]] as const) {
      expect(`${body(mailTo(email))}${mailTo(email).parsed.html}`, `${email} must not get ${id}`).not.toContain(id);
    }
    // The links work for whom they were sent to.
    expect((await new Client("203.0.113.91").get(`/publications/${recording}?lang=en`)).status).toBe(200);
    expect((await new Client("203.0.113.91").get(`/publications/${recording}/en.pdf`)).status).toBe(200);
    expect((await (await signInAs(new Client("203.0.113.92"), government.email)).get(`/publications/${brief}?lang=es`)).status).toBe(200);
  });
});

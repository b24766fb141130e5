import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sendDigestNow } from "../../app/services/sends/digests.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { deliverDue } from "../../emails/worker.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { startSmtpSink } from "../helpers/smtp-sink.ts";
import { makePublication } from "./publication-fixtures.ts";

// A digest that lists newly announced webinars, composed by the real run and delivered over real SMTP: every
// reader gets their language, each webinar's time in its own zone with the zone named, and its link.
const HOUR = 3600_000;
type Lang = "en" | "fr" | "es";

/** 15 January next year but one, 13:00 UTC: winter in Paris (14:00, UTC+1); Bogotá has no summer time (08:00). */
const START = new Date(Date.UTC(new Date().getUTCFullYear() + 2, 0, 15, 13));
const YEAR = START.getUTCFullYear();

const expected: Record<Lang, { subject: string; publication: string; care: string; corridors: string; times: string[] }> = {
  en: {
    subject: "GenMig Hub weekly: 3 new items",
    publication: "Care work across borders",
    care: "Care chains after the pandemic",
    corridors: "Remittance corridors",
    times: [`Jan 15, ${YEAR}, 02:00 PM GMT+1`, "03:00 PM GMT+1", "in the event's time zone (Europe/Paris)", `Jan 15, ${YEAR}, 08:00 AM GMT-5`, "(America/Bogota)"],
  },
  fr: {
    subject: "GenMig Hub, la semaine : 3 nouveautés",
    publication: "Le travail de soin par-delà les frontières",
    care: "Les chaînes du soin après la pandémie",
    corridors: "Remittance corridors",
    times: [`15 janv. ${YEAR}, 14:00 UTC+1`, "15:00 UTC+1", "dans le fuseau horaire de l'événement (Europe/Paris)", `15 janv. ${YEAR}, 08:00 UTC−5`, "(America/Bogota)"],
  },
  es: {
    subject: "GenMig Hub, la semana: 3 novedades",
    publication: "El trabajo de cuidados más allá de las fronteras",
    care: "Las cadenas de cuidados después de la pandemia",
    corridors: "Remittance corridors",
    times: [`15 ene ${YEAR}, 14:00 CET`, "15:00 CET", "en la zona horaria del evento (Europe/Paris)", `15 ene ${YEAR}, 08:00 GMT-5`, "(America/Bogota)"],
  },
};

describe("a digest that lists newly announced webinars", () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  beforeAll(async () => {
    sink = await startSmtpSink();
  });
  afterAll(() => sink.stop());

  async function subscriber(email: string, language: Lang) {
    await prisma().subscriber.create({
      data: {
        email,
        language: language.toUpperCase() as "EN" | "FR" | "ES",
        topics: [],
        frequency: "WEEKLY",
        status: "CONFIRMED",
        confirmedAt: new Date(Date.now() - 60_000),
        consentSource: "web",
        consentWordingVersion: "test",
      },
    });
    return email;
  }

  it("is composed and delivered to English, French and Spanish readers, each in their language, with the webinars' titles, times and links", async () => {
    const partner = await makePartner();
    const person = await focalPointOf(partner);
    await prisma().userDigestPreference.create({ data: { userId: person.id, frequency: "WEEKLY", language: "ES", topics: [], createdAt: new Date(Date.now() - 60_000) } });
    const readers: [string, Lang][] = [
      [await subscriber("reader@example.org", "en"), "en"],
      [await subscriber("lectrice@example.org", "fr"), "fr"],
      [await subscriber("lectora@example.org", "es"), "es"],
      [person.email, "es"],
    ];
    // The partner's own account mails are not what this test reads.
    await deliverDue();
    sink.received.length = 0;

    await makePublication({
      titles: { EN: expected.en.publication, FR: expected.fr.publication, ES: expected.es.publication },
    });
    const staff = await makeUser({ role: "STAFF" });
    const care = await scheduleWebinar(staff, {
      timeZone: "Europe/Paris",
      meetingUrl: "https://meet.example.org/care",
      translations: (["en", "fr", "es"] as const).map((language) => ({ language, title: expected[language].care })),
      startsAt: START,
      endsAt: new Date(START.getTime() + HOUR),
    });
    // Only in English: the other readers get the English title.
    const corridors = await scheduleWebinar(staff, {
      timeZone: "America/Bogota",
      meetingUrl: "https://meet.example.org/corridors",
      translations: [{ language: "en", title: "Remittance corridors" }],
      startsAt: START,
      endsAt: new Date(START.getTime() + 2 * HOUR),
    });

    const send = await sendDigestNow("WEEKLY");
    expect(send.status).not.toBe("COMPOSING");
    expect(send.enqueued).toBe(readers.length);
    await deliverDue();
    await sink.waitFor(readers.length);

    for (const [email, lang] of readers) {
      const mails = sink.received.filter((m) => m.to === email);
      expect(mails, email).toHaveLength(1);
      const { subject, text, html } = mails[0].parsed;
      const want = expected[lang];
      expect(subject).toBe(want.subject);
      for (const part of [text ?? "", html || ""]) {
        const body = part.replace(/&#x27;/g, "'");
        expect(body, `${email}: publication`).toContain(want.publication);
        expect(body, `${email}: webinar`).toContain(want.care);
        expect(body, `${email}: webinar`).toContain(want.corridors);
        for (const time of want.times) expect(body, `${email}: time`).toContain(time);
        expect(body).toContain(`http://hub.test/webinars/${care.id}`);
        expect(body).toContain(`http://hub.test/webinars/${corridors.id}`);
      }
      expect(html).toContain(`href="http://hub.test/webinars/${care.id}"`);
      // Nobody gets another language's title.
      for (const other of (["en", "fr", "es"] as const).filter((l) => l !== lang)) expect(text).not.toContain(expected[other].care);
    }
    const run = await prisma().bulkSend.findUniqueOrThrow({ where: { id: send.id } });
    expect(run.status).not.toBe("COMPOSING");
  });
});

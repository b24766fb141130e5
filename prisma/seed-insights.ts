import { applyStatisticsGrant } from "../app/services/insights/grants.server.ts";
import { personKey } from "../app/services/insights/demographics.server.ts";
import { createSeries, setWebinarSeries } from "../app/services/insights/series.server.ts";
import { ANONYMOUS, type SignedInActor } from "../app/services/policy.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";

const GENDERS = ["woman", "woman", "man", "woman", "man", "non-binary", "prefer-not-to-say", "woman", "man", null] as const;
const AGES = ["25-34", "35-49", "under-25", "50-64", "35-49", "25-34", "65-plus", null] as const;
const COUNTRIES = ["SN", "PE", "PH", "FR", "KE", "CO", "DE", null] as const;

/** Demo statistics: a series of four past webinars, one a quarter, with registrants who answered (or not). */
export async function seedInsights(admin: SignedInActor) {
  for (const email of ["admin@example.org", "research@example.org"]) await applyStatisticsGrant(ANONYMOUS, email, true);
  const series = await createSeries(admin, { title: "Care economies and migration", parityTarget: 50 });
  const day = 86400_000;
  let n = 0;
  for (let q = 0; q < 4; q++) {
    const start = new Date(Date.now() + 30 * day);
    const w = await scheduleWebinar(admin, {
      translations: [
        { language: "en", title: `Care economies ${q + 1}: who cares across borders` },
        { language: "fr", title: `Économies du soin ${q + 1} : qui prend soin par-delà les frontières` },
        { language: "es", title: `Economías del cuidado ${q + 1}: quién cuida a través de las fronteras` },
      ],
      startsAt: start,
      endsAt: new Date(start.getTime() + 3600_000),
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/care-economies",
      speakers: [
        { name: `Speaker ${q}A`, gender: "woman" },
        { name: `Speaker ${q}B`, gender: q % 2 ? "woman" : "man" },
        { name: `Speaker ${q}C`, gender: "man" },
        { name: `Moderator ${q}`, role: "MODERATOR", gender: q === 3 ? "non-binary" : "woman" },
      ],
    });
    await setWebinarSeries(admin, w.id, series.id);
    // Held in earlier quarters: moved into the past after scheduling, which only takes future dates.
    const held = new Date(Date.now() - (4 - q) * 91 * day);
    await prisma().webinar.update({ where: { id: w.id }, data: { startsAt: held, endsAt: new Date(held.getTime() + 3600_000) } });
    const size = 18 + q * 4;
    for (let i = 0; i < size; i++, n++) {
      const email = `participant${n}@example.net`;
      const confirmed = i % 6 !== 5;
      await prisma().webinarRegistration.create({
        data: {
          webinarId: w.id,
          email,
          name: `Participant ${n}`,
          status: confirmed ? "CONFIRMED" : "CANCELLED",
          confirmedAt: confirmed ? held : null,
          attended: confirmed ? i % 4 !== 3 : null,
          invitedAt: i % 3 === 0 ? held : null,
          country: COUNTRIES[n % COUNTRIES.length],
        },
      });
      const gender = GENDERS[n % GENDERS.length];
      const ageBand = AGES[n % AGES.length];
      if (gender || ageBand) await prisma().demographicAnswer.upsert({ where: { key: personKey(email) }, create: { key: personKey(email), gender, ageBand }, update: {} });
    }
  }
}

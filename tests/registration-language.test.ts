import { describe, expect, it } from "vitest";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

const REGISTER = `mutation($id: ID!, $input: WebinarRegistrationInput!) { registerForWebinar(webinarId: $id, input: $input) { status } }`;

describe("registering over the API", () => {
  it("without a language uses the account's language; a given one still wins", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const start = new Date(Date.now() + 5 * 86400_000);
    const webinar = await scheduleWebinar(staff, {
      translations: [
        { language: "en", title: "Language of mail" },
        { language: "fr", title: "Langue du courrier" },
      ],
      startsAt: start,
      endsAt: new Date(start.getTime() + 3600_000),
      timeZone: "UTC",
      meetingUrl: "https://meet.example.org/l",
    });
    const francophone = await makeUser({ email: "lea.lang@example.org" });
    await prisma().user.update({ where: { id: francophone.id }, data: { language: "FR" } });
    const chooser = await makeUser({ email: "max.lang@example.org" });
    await prisma().user.update({ where: { id: chooser.id }, data: { language: "FR" } });

    const lea = await signInAs(new Client(), francophone.email);
    expect((await lea.graphql<{ registerForWebinar: { status: string } }>(REGISTER, { id: webinar.id, input: { timeZone: "Europe/Paris" } })).data?.registerForWebinar.status).toBe("CONFIRMED");
    const max = await signInAs(new Client(), chooser.email);
    expect((await max.graphql(REGISTER, { id: webinar.id, input: { language: "ES" } })).errors).toBeUndefined();

    const regs = await prisma().webinarRegistration.findMany({ where: { webinarId: webinar.id }, orderBy: { email: "asc" } });
    expect(regs.map((r) => [r.email, r.language])).toEqual([
      ["lea.lang@example.org", "FR"],
      ["max.lang@example.org", "ES"],
    ]);
    const confirmation = await prisma().outboxMessage.findFirstOrThrow({ where: { toAddress: "lea.lang@example.org" } });
    expect(confirmation.subject).toBe("Inscription confirmée : Langue du courrier");
  });
});

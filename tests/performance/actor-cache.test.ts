import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../../app/services/api-tokens.server.ts";
import { sha256 } from "../../app/services/crypto.server.ts";
import { scheduleWebinar } from "../../app/services/webinars.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { actorsVersion } from "../../app/utils/public-content.server.ts";
import { focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";

const ME = "{ me { role memberships { partnerId partnerStatus } } }";
type Me = { me: { role: string; memberships: { partnerId: string; partnerStatus: string }[] } | null };

/** Waits (no clock limit: the test's own timeout applies) until this process has heard of the last commit. */
async function heard(before: number | null) {
  while (actorsVersion() === before) await new Promise((r) => setTimeout(r, 5));
}

/**
 * What another web process, the CLI or psql would do: plain SQL on its own connection, so this process learns of
 * it only through the database's notification.
 */
async function elsewhere(write: () => Promise<unknown>) {
  const before = actorsVersion();
  await write();
  await heard(before);
}

/** A committed change that fires no trigger: the cache cannot know of it, which proves answers come from it. */
const silently = (sql: string, ...params: unknown[]) =>
  prisma().$transaction([prisma().$executeRaw`SET LOCAL session_replication_role = replica`, prisma().$executeRawUnsafe(sql, ...params)]);

const sessionId = (client: Client) => sha256(decodeURIComponent(client.cookies.get("gmh_session")!).split(".")[0]);

beforeAll(async () => {
  await prisma().$queryRaw`SELECT 1`;
  while (actorsVersion() === null) await new Promise((r) => setTimeout(r, 5));
});

describe("who is signed in, kept in memory", () => {
  it("answers from memory until the session changes, and a revocation elsewhere takes effect at once", async () => {
    const person = await makeUser();
    const client = await signInAs(new Client(), person.email);
    expect((await client.get("/account")).status).toBe(200);
    const id = sessionId(client);
    await silently(`UPDATE "Session" SET "revokedAt" = now() WHERE id = $1`, id);
    expect((await client.get("/account")).status).toBe(200);
    await prisma().session.update({ where: { id }, data: { revokedAt: null } });
    await elsewhere(() => prisma().$executeRaw`UPDATE "Session" SET "revokedAt" = now() WHERE id = ${id}`);
    expect((await client.get("/account")).status).toBe(302);
  });

  it("signing out ends the session on the next request", async () => {
    const person = await makeUser();
    const client = await signInAs(new Client(), person.email);
    const copy = new Client();
    copy.cookies = new Map(client.cookies);
    expect((await client.get("/account")).status).toBe(200);
    expect((await client.post("/auth/sign-out", {})).status).toBe(302);
    // The same cookie, kept by someone who copied it before the sign-out.
    expect((await copy.get("/account")).status).toBe(302);
  });

  it("a membership removed elsewhere is gone on the next request", async () => {
    const partner = await makePartner({ status: "APPROVED" });
    const focal = await focalPointOf(partner);
    const client = await signInAs(new Client(), focal.email);
    expect((await client.graphql<Me>(ME)).data?.me?.memberships.map((m) => m.partnerId)).toEqual([partner.id]);
    await elsewhere(() => prisma().$executeRaw`DELETE FROM "Membership" WHERE "userId" = ${focal.id}`);
    expect((await client.graphql<Me>(ME)).data?.me?.memberships).toEqual([]);
  });

  it("an institution's status changed elsewhere shows on the next request", async () => {
    const partner = await makePartner({ status: "APPROVED" });
    const focal = await focalPointOf(partner);
    const client = await signInAs(new Client(), focal.email);
    expect((await client.graphql<Me>(ME)).data?.me?.memberships[0].partnerStatus).toBe("APPROVED");
    await elsewhere(() => prisma().$executeRaw`UPDATE "Partner" SET status = 'REJECTED' WHERE id = ${partner.id}`);
    expect((await client.graphql<Me>(ME)).data?.me?.memberships[0].partnerStatus).toBe("REJECTED");
  });

  it("a statistics grant withdrawn elsewhere closes the insights at once", async () => {
    const staff = await makeUser({ role: "STAFF" });
    await prisma().user.update({ where: { id: staff.id }, data: { statistics: true } });
    const client = await signInAs(new Client(), staff.email);
    expect((await client.get("/insights")).status).toBe(200);
    await elsewhere(() => prisma().$executeRaw`UPDATE "User" SET statistics = false WHERE id = ${staff.id}`);
    expect((await client.get("/insights")).status).toBe(404);
  });

  it("an API token stops working when its owner is demoted or it is revoked elsewhere", async () => {
    const staff = await makeUser({ role: "STAFF" });
    const { token } = await createApiToken(staff, { name: "script" });
    const api = new Client();
    expect((await api.graphql<Me>(ME, undefined, token)).data?.me?.role).toBe("STAFF");
    await silently(`UPDATE "User" SET role = 'PARTNER' WHERE id = $1`, staff.id);
    expect((await api.graphql<Me>(ME, undefined, token)).data?.me?.role).toBe("STAFF");
    await elsewhere(() => prisma().$executeRaw`UPDATE "User" SET name = name WHERE id = ${staff.id}`);
    expect((await api.graphql<Me>(ME, undefined, token)).data?.me).toBeNull();

    const other = await makeUser({ role: "ADMIN" });
    const second = (await createApiToken(other, { name: "script" })).token;
    expect((await api.graphql<Me>(ME, undefined, second)).data?.me?.role).toBe("ADMIN");
    await elsewhere(() => prisma().$executeRaw`UPDATE "ApiToken" SET "revokedAt" = now() WHERE "tokenHash" = ${sha256(second)}`);
    expect((await api.graphql<Me>(ME, undefined, second)).data?.me).toBeNull();
  });
});

describe("the account's time zone", () => {
  it("is the zone last picked on a page or while registering, and pages read it without scanning registrations", async () => {
    const person = await makeUser();
    const client = await signInAs(new Client(), person.email);
    await client.get("/webinars?tz=America%2FBogota");
    expect((await prisma().user.findUniqueOrThrow({ where: { id: person.id } })).timeZone).toBe("America/Bogota");
    // Another browser without the zone cookie: the account's zone.
    const other = await signInAs(new Client(), person.email);
    // The account page names the zone beside each time ("… · Bogota (UTC-05:00)").
    const account = async () => (await other.get("/account")).text();
    expect(await account()).toContain("Bogota (UTC");
    // Whoever writes a registration with a zone (the person, staff, a confirmation link), it becomes the account's.
    const staff = await makeUser({ role: "STAFF" });
    const start = new Date(Date.now() + 86_400_000);
    const w = await scheduleWebinar(staff, {
      translations: [{ language: "en", title: "Zones", description: "Panel" }],
      startsAt: start,
      endsAt: new Date(start.getTime() + 3_600_000),
      timeZone: "Africa/Dakar",
      meetingUrl: "https://meet.example.org/zones",
      speakers: [{ name: "Speaker", affiliation: "IOM", role: "SPEAKER" }],
    });
    await prisma().webinarRegistration.create({ data: { webinarId: w.id, email: person.email, name: "P", timeZone: "Asia/Manila", status: "CONFIRMED" } });
    const page = await account();
    expect(page).toContain("Manila (UTC");
    expect(page).not.toContain("Bogota (UTC");
  });
});

import zlib from "node:zlib";
import { beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "../app/services/api-tokens.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { publicContentVersion } from "../app/utils/public-content.server.ts";
import { makePartner, makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

const HOUR = 3600_000;
const LIST = `{ webinars(when: UPCOMING) { edges { node { id title meetingUrl } } } }`;
type Item = { id: string; title: string; meetingUrl: string | null };
type List = { webinars: { edges: { node: Item }[] } };
const items = (list: List) => list.webinars.edges.map((e) => e.node);

async function schedule(title: string, audience: "PUBLIC" | "INVITED" = "PUBLIC") {
  const staff = await makeUser({ role: "STAFF" });
  const start = new Date(Date.now() + 5 * 24 * HOUR);
  const before = publicContentVersion();
  const webinar = await scheduleWebinar(staff, {
    translations: [
      { language: "en", title, description: "Panel" },
      { language: "fr", title: `${title} (fr)`, description: "Table ronde" },
    ],
    startsAt: start,
    endsAt: new Date(start.getTime() + HOUR),
    timeZone: "Africa/Dakar",
    meetingUrl: "https://meet.example.org/secret-room",
    audience,
  });
  // Written beside the front door, as the CLI would: on PostgreSQL the notice arrives a moment after the commit.
  await changeHeard(before);
  return webinar;
}

/** Waits (no clock limit: the test's own timeout applies) until this process has heard of the last commit. */
async function changeHeard(before: number | null) {
  while (publicContentVersion() === before) await new Promise((r) => setTimeout(r, 5));
}

/** A committed change that fires no trigger, so the cache cannot know about it: proves answers do come from it. */
async function silentRetitle(webinarId: string, title: string) {
  await prisma().$transaction([
    prisma().$executeRaw`SET LOCAL session_replication_role = replica`,
    prisma().$executeRaw`UPDATE "WebinarTranslation" SET title = ${title} WHERE "webinarId" = ${webinarId} AND language = 'EN'`,
  ]);
}

const titleOf = async (client: Client, id: string) =>
  items((await client.graphql<List>(LIST)).data!).find((w) => w.id === id)?.title;

beforeAll(async () => {
  // The test database opens on first use (embedded: its owner then turns the change feed on); on PostgreSQL the
  // listener connects on first use too. Until then nothing is cached.
  await prisma().$queryRaw`SELECT 1`;
  while (publicContentVersion() === null) await new Promise((r) => setTimeout(r, 5));
});

describe("the front door's cache of public answers", () => {
  it("serves anonymous queries and pages from memory until public content changes", async () => {
    const w = await schedule("Care chains");
    const anon = new Client();
    expect(await titleOf(anon, w.id)).toBe("Care chains");
    expect(await (await anon.get(`/webinars/${w.id}`)).text()).toContain("Care chains");

    await silentRetitle(w.id, "Silently renamed");
    expect(await titleOf(anon, w.id)).toBe("Care chains");
    expect(await (await anon.get(`/webinars/${w.id}`)).text()).toContain("Care chains");

    // Any notified write (here a new webinar) makes every cached public answer stale.
    await schedule("Another session");
    expect(await titleOf(anon, w.id)).toBe("Silently renamed");
    expect(await (await anon.get(`/webinars/${w.id}`)).text()).toContain("Silently renamed");
  });

  it("answers a write made through the API at once, even before any notification", async () => {
    const w = await schedule("Before the change");
    const staff = await makeUser({ role: "STAFF" });
    const { token } = await createApiToken(staff, { name: "tests" });
    const anon = new Client();
    expect(await titleOf(anon, w.id)).toBe("Before the change");
    const renamed = await new Client().graphql(
      `mutation($id: ID!) { updateWebinar(id: $id, input: { translations: [{ language: EN, title: "After the change", description: "Panel" }] }) { id } }`,
      { id: w.id },
      token,
    );
    expect(renamed.errors).toBeUndefined();
    expect(await titleOf(anon, w.id)).toBe("After the change");
    expect(await (await anon.get("/webinars")).text()).toContain("After the change");
  });

  it("keeps serving from memory through requests that change no public content", async () => {
    const w = await schedule("Steady title");
    const anon = new Client();
    expect(await titleOf(anon, w.id)).toBe("Steady title");
    await silentRetitle(w.id, "Changed behind the cache");
    // A language switch, a refused mutation, a sign-in request: writes elsewhere or nothing, so nothing to drop.
    expect((await anon.post("/lang", { lang: "fr", redirectTo: "/webinars" })).status).toBe(302);
    const refused = await anon.graphql(`mutation { registerPartner(input: { name: "", sector: NGO, country: SN, focalPointName: "A", focalPointEmail: "x", consent: true }) { id } }`);
    expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    await anon.post("/auth/sign-in", { email: "nobody@example.org" });
    expect(await titleOf(anon, w.id)).toBe("Steady title");
  });

  it("drops cached pages when another process commits a change (database notification)", async () => {
    const w = await schedule("Seen by all");
    const anon = new Client();
    expect(await (await anon.get("/webinars")).text()).toContain("Seen by all");
    const before = publicContentVersion();
    // What the CLI, the worker or another web process would do: a plain SQL write on its own connection.
    await prisma().$executeRaw`UPDATE "WebinarTranslation" SET title = 'Renamed elsewhere' WHERE "webinarId" = ${w.id} AND language = 'EN'`;
    await changeHeard(before);
    const page = await (await anon.get("/webinars")).text();
    expect(page).toContain("Renamed elsewhere");
    expect(page).not.toContain("Seen by all");
  });

  it("never runs a mutation from the cache", async () => {
    const input = `{ name: "Observatoire des mobilités", sector: NGO, country: SN, focalPointName: "Awa", focalPointEmail: "awa@example.org", consent: true }`;
    const mutation = `mutation { registerPartner(input: ${input}) { id } }`;
    const first = await new Client().graphql(mutation);
    expect(first.errors).toBeUndefined();
    // A second application naming a pending institution is filed too (the answer never reveals the first one).
    const second = await new Client("203.0.113.8").graphql<{ registerPartner: { id: string } }>(mutation);
    expect(second.errors).toBeUndefined();
    expect(second.data!.registerPartner.id).not.toBe((first.data as { registerPartner: { id: string } }).registerPartner.id);
    expect(await prisma().partner.count({ where: { name: "Observatoire des mobilités" } })).toBe(2);
  });

  it("sends cached pages compressed to those who accept gzip, and plain to the others", async () => {
    await schedule("Compressed once");
    const plain = await (await new Client().get("/webinars")).text();
    const response = await new Client("203.0.113.9", { "accept-encoding": "gzip, deflate, br" }).get("/webinars");
    expect(response.headers.get("content-encoding")).toBe("gzip");
    const body = zlib.gunzipSync(Buffer.from(await response.arrayBuffer())).toString("utf8");
    expect(body).toBe(plain);
    expect(body).toContain("Compressed once");
    const refused = await new Client("203.0.113.9", { "accept-encoding": "gzip;q=0, identity" }).get("/webinars");
    expect(refused.headers.get("content-encoding")).toBeNull();
    expect(await refused.text()).toBe(plain);
  });

  it("keeps each language and time zone apart", async () => {
    const w = await schedule("Bilingual");
    const en = new Client("203.0.113.7", { "accept-language": "en" });
    const fr = new Client("203.0.113.8", { "accept-language": "fr-FR,fr;q=0.9" });
    expect(await (await en.get(`/webinars/${w.id}`)).text()).toContain("<h1>Bilingual</h1>");
    expect(await (await fr.get(`/webinars/${w.id}`)).text()).toContain("<h1>Bilingual (fr)</h1>");
    expect(await (await en.get(`/webinars/${w.id}`)).text()).toContain("<h1>Bilingual</h1>");

    const manila = new Client();
    await manila.get("/webinars?tz=Asia/Manila"); // remembers the zone in a cookie
    const dakar = new Client();
    await dakar.get("/webinars?tz=Africa/Dakar");
    expect(await (await manila.get("/webinars")).text()).toMatch(/GMT\+8/);
    expect(await (await dakar.get("/webinars")).text()).not.toMatch(/GMT\+8/);
  });
});

describe("signed-in people never share an answer", () => {
  it("staff see staff-only fields whatever an anonymous visitor asked before, and the reverse", async () => {
    const w = await schedule("Closed circle", "INVITED");
    const staff = await makeUser({ role: "STAFF" });
    const { token } = await createApiToken(staff, { name: "tests" });
    const anon = new Client();
    const api = new Client();

    expect(items((await anon.graphql<List>(LIST)).data!).some((x) => x.id === w.id)).toBe(false);
    const asStaff = items((await api.graphql<List>(LIST, undefined, token)).data!).find((x) => x.id === w.id);
    expect(asStaff?.meetingUrl).toBe("https://meet.example.org/secret-room");
    const again = items((await anon.graphql<List>(LIST)).data!);
    expect(again.some((x) => x.id === w.id)).toBe(false);
    expect(again.every((x) => x.meetingUrl === null)).toBe(true);

    const browser = await signInAs(new Client(), staff.email);
    const staffPage = await (await browser.get("/webinars")).text();
    expect(staffPage).toContain("Closed circle");
    const anonPage = await (await anon.get("/webinars")).text();
    expect(anonPage).not.toContain("Closed circle");
    expect(anonPage).not.toContain("/auth/sign-out");
    expect(await (await browser.get("/webinars")).text()).toContain("/auth/sign-out");
  });

  it("a partner's directory is their own, not the public one", async () => {
    await makePartner({ name: "Listed Institute", publicListing: true });
    await makePartner({ name: "Unlisted Institute", publicListing: false });
    const anon = new Client();
    const publicPage = await (await anon.get("/partners")).text();
    expect(publicPage).toContain("Listed Institute");
    expect(publicPage).not.toContain("Unlisted Institute");
    const member = await makePartner({ name: "Member Institute" });
    const focal = await signInAs(new Client(), member.focalPointEmail);
    expect(await (await focal.get("/partners")).text()).toContain("Unlisted Institute");
    expect(await (await anon.get("/partners")).text()).not.toContain("Unlisted Institute");
  });
});

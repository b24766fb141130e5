import { describe, expect, it } from "vitest";
import { sha256 } from "../app/services/crypto.server.ts";
import { prisma } from "../app/utils/db.server.ts";
import { Client } from "./helpers/app.ts";
import { seedPersonEverywhere } from "./helpers/person-everywhere.ts";
import { signInAs } from "./helpers/sign-in.ts";

type Export = {
  profile: { email: string; name: string } | null;
  registrations: unknown[];
  subscription: { status: string } | null;
  consents: { what: string; wordingVersion: string | null }[];
  posts: { postId: string; earlierVersions: unknown[] }[];
  documents: Record<string, unknown>[];
  supportRequests: { needs: string }[];
  dialogues: unknown[];
  sessions: Record<string, unknown>[];
  apiTokens: Record<string, unknown>[];
  bulkMailSuppression: { reason: string } | null;
};

describe("personal data export", { timeout: 120_000 }, () => {
  it("gives a signed-in person everything held about them over GraphQL, and nothing of anyone else or any secret", async () => {
    const s = await seedPersonEverywhere("gql");
    const client = await signInAs(new Client(), s.email);
    const { data, errors } = await client.graphql<{ myData: Export }>("{ myData }");
    expect(errors).toBeUndefined();
    const mine = data!.myData;
    expect(mine.profile).toMatchObject({ email: s.email, name: s.name });
    expect(mine.registrations).toHaveLength(1);
    expect(mine.subscription?.status).toBe("CONFIRMED");
    expect(mine.consents.find((c) => c.what === "newsletter")?.wordingVersion).toBe("2026-01");
    expect(mine.bulkMailSuppression?.reason).toBe("COMPLAINT");
    expect(mine.posts.map((p) => p.postId).sort()).toEqual([s.posts.post.id, s.posts.chathamPost.id].sort());
    expect(mine.posts.find((p) => p.postId === s.posts.post.id)!.earlierVersions).toHaveLength(1);
    expect(mine.documents).toHaveLength(2);
    expect(mine.documents.every((d) => !("storageKey" in d))).toBe(true);
    expect(mine.supportRequests[0].needs).toContain(s.email);
    expect(mine.dialogues).toHaveLength(2);
    expect(mine.sessions.length).toBeGreaterThanOrEqual(2);
    expect(mine.apiTokens).toHaveLength(1);
    const text = JSON.stringify(mine);
    // Nobody else: the other member's post, name and address; staff notes; the staff member.
    for (const foreign of [s.posts.otherPost.id, "Agreed.", s.other.name, s.other.email, "Spoke with", s.staff.email]) expect(text).not.toContain(foreign);
    // No secrets: token and link hashes, session ids, calendar secret, file storage keys.
    const session = await prisma().session.findFirstOrThrow({ where: { userId: s.person.id } });
    for (const secret of [sha256("api-gql"), sha256("sign-in-gql"), session.id, `cal-gql-${s.person.id}`, s.documents.openDoc.storageKey]) expect(text).not.toContain(secret);

    const anonymous = await new Client().graphql("{ myData }");
    expect(anonymous.errors?.[0].extensions?.code).toBe("UNAUTHENTICATED");
    expect(anonymous.data?.myData ?? null).toBeNull();
  });

  it("downloads the same data from /account as a JSON file and as a page in the reader's language; anonymous is refused", async () => {
    const s = await seedPersonEverywhere("page");
    const client = await signInAs(new Client(), s.email);
    const account = await (await client.get("/account")).text();
    expect(account).toContain('href="/account/data?format=html"');
    expect(account).toContain('href="/account/data?format=json"');

    const json = await client.get("/account/data?format=json");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-disposition")).toMatch(/^attachment; filename="my-genmig-data-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(json.headers.get("cache-control")).toContain("no-store");
    const file = (await json.json()) as Export;
    const { data } = await client.graphql<{ myData: Export & { generatedAt: string } }>("{ myData }");
    expect({ ...file, generatedAt: "" }).toEqual({ ...data!.myData, generatedAt: "" });

    for (const [language, heading, yes] of [["EN", "Your posts", "yes"], ["FR", "Vos messages", "oui"], ["ES", "Sus mensajes", "sí"]] as const) {
      await prisma().user.update({ where: { id: s.person.id }, data: { language } });
      const page = await client.get("/account/data?format=html");
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toContain("text/html");
      expect(page.headers.get("content-disposition")).toMatch(/^attachment; filename="my-genmig-data-.*\.html"$/);
      const html = await page.text();
      expect(html).toContain(`<html lang="${language.toLowerCase()}">`);
      expect(html).toContain(`<h2>${heading}</h2>`);
      expect(html).toContain(`<dd>${yes}</dd>`);
      expect(html).toContain(s.name);
      expect(html).not.toContain("<script");
    }

    const anonymous = await new Client().get("/account/data?format=json");
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toMatch(/^\/auth\/sign-in\?redirectTo=/);
    expect(await anonymous.text()).not.toContain(s.email);
  });
});

import { beforeAll, describe, expect, it } from "vitest";
import type { SignedInActor } from "../../app/services/policy.server.ts";
import { updateSupportRequest } from "../../app/services/requests/requests.server.ts";
import { prisma } from "../../app/utils/db.server.ts";
import { addMember, focalPointOf, makePartner, makeUser } from "../factories.ts";
import { Client } from "../helpers/app.ts";
import { signInAs } from "../helpers/sign-in.ts";
import { makeEventRequest } from "./factories.ts";

let staff: SignedInActor;
let requester: SignedInActor;
let colleague: SignedInActor;
let outsider: SignedInActor;
let web: { staff: Client; requester: Client; colleague: Client; outsider: Client };
const NOTE = "Staff only: the budget line is not confirmed yet";
const MISSING = "cmissingrequest0000000000";
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

beforeAll(async () => {
  staff = await makeUser({ role: "STAFF", name: "Stella Staff" });
  const a = await makePartner({ name: "Andes Migration Observatory", country: "PE", decidedBy: staff });
  const b = await makePartner({ name: "Baltic Mobility Lab", country: "LT", decidedBy: staff });
  requester = await focalPointOf(a);
  colleague = await addMember(a.id, requester);
  outsider = await focalPointOf(b);
  web = {
    staff: await signInAs(new Client(), staff.email),
    requester: await signInAs(new Client(), requester.email),
    colleague: await signInAs(new Client(), colleague.email),
    outsider: await signInAs(new Client("198.51.100.20"), outsider.email),
  };
});

const eventForm = (over: Record<string, string | string[]> = {}) => ({
  partnerId: "",
  title: "Andean forum on migrant women's work",
  purpose: "Present the observatory's survey.\nDiscuss policy options.",
  startsOn: day(40),
  endsOn: day(41),
  audience: "Labour ministries",
  languages: ["es", "en"],
  supportKinds: ["SPEAKERS", "HOSTING_WEBINAR"],
  ...over,
});

describe("asking from the form", () => {
  it("shows field-level messages for bad input, then creates the request and shows it to the requester", async () => {
    const form = await web.requester.get("/requests/new?type=event");
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('name="supportKinds"');
    expect(html).toContain("Andes Migration Observatory");
    const bad = await web.requester.post("/requests/new?type=event", eventForm({ title: "", supportKinds: [], endsOn: day(30) }));
    expect(bad.status).toBe(400);
    const badHtml = await bad.text();
    expect(badHtml).toContain('id="f-title-error"');
    expect(badHtml).toContain("Choose at least one kind of support.");
    expect(badHtml).toContain("Present the observatory&#x27;s survey."); // what was typed is kept
    const ok = await web.requester.post("/requests/new?type=event", eventForm());
    expect(ok.status).toBe(302);
    const location = ok.headers.get("location")!;
    expect(location).toMatch(/^\/requests\/\w+\?sent=1$/);
    const page = await web.requester.get(location);
    expect(page.status).toBe(200);
    const text = await page.text();
    expect(text).toContain("Andean forum on migrant women&#x27;s work");
    expect(text).toContain("Hosting a webinar on GenMig Hub");
    expect(page.headers.get("cache-control")).toContain("no-store");
  });

  it("keeps the form, the account page and the queue under 100 KB", async () => {
    for (const [client, path] of [
      [web.requester, "/requests/new?type=field"],
      [web.requester, "/requests/new?type=event"],
      [web.requester, "/account"],
      [web.staff, "/admin/requests"],
    ] as const) {
      const response = await client.get(path);
      expect(response.status, path).toBe(200);
      expect((await response.arrayBuffer()).byteLength, path).toBeLessThan(100 * 1024);
    }
  });

  it("refuses a cross-origin POST and creates nothing", async () => {
    const before = await prisma().supportRequest.count();
    const response = await web.requester.fetch("/requests/new?type=field", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "http://evil.test" },
      body: new URLSearchParams({ topic: "Forged", country: "PE", needs: "x" }),
    });
    expect(response.status).toBe(403);
    expect(await prisma().supportRequest.count()).toBe(before);
  });

  it("limits how many requests one person can send from the form", async () => {
    const p = await makePartner({ decidedBy: staff });
    const client = await signInAs(new Client(), p.focalPointEmail);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await client.post("/requests/new?type=field", { topic: `Topic ${i}`, country: "PE", region: "", needs: "Lima office." })).status);
    expect(statuses).toEqual([302, 302, 302, 302, 302, 429]);
    expect(await prisma().supportRequest.count({ where: { partnerId: p.id } })).toBe(5);
  });
});

describe("another institution's request", () => {
  it("is a 404 on every page and form, like a missing one, and nothing changes", async () => {
    const r = await makeEventRequest(requester, { title: "Confidential consultation" });
    for (const path of [`/requests/${r.id}`, `/admin/requests/${r.id}`]) {
      const seen = await web.outsider.get(path);
      const missing = await web.outsider.get(path.replace(r.id, MISSING));
      expect(seen.status).toBe(404);
      expect(missing.status).toBe(404);
      expect(await seen.text()).not.toContain("Confidential consultation");
    }
    expect((await web.outsider.get("/admin/requests")).status).toBe(404);
    const post = await web.outsider.post(`/admin/requests/${r.id}`, { status: "DECLINED", reason: "No", currentAssignee: "", assigneeId: "" });
    expect(post.status).toBe(404);
    // The requester's colleague may follow it, not work it.
    expect((await web.colleague.get(`/requests/${r.id}`)).status).toBe(200);
    expect((await web.colleague.post(`/admin/requests/${r.id}`, { status: "ACCEPTED", currentAssignee: "", assigneeId: "" })).status).toBe(404);
    expect((await prisma().supportRequest.findUniqueOrThrow({ where: { id: r.id } })).status).toBe("NEW");
    expect((await web.outsider.get("/account")).status).toBe(200);
    expect(await (await web.outsider.get("/account")).text()).not.toContain("Confidential consultation");
  });
});

describe("the staff queue and request page", () => {
  it("filters the queue, saves status, assignee, note and message; the requester sees the message and status, never the note", async () => {
    const r = await makeEventRequest(requester, { title: "Lima roundtable" });
    const queue = await (await web.staff.get("/admin/requests?status=NEW&type=EVENT_SUPPORT&region=AMERICAS")).text();
    expect(queue).toContain("Lima roundtable");
    expect(await (await web.staff.get("/admin/requests?region=EUROPE")).text()).not.toContain("Lima roundtable");
    expect((await web.staff.get(`/requests/${r.id}`)).headers.get("location")).toBe(`/admin/requests/${r.id}`);

    const declineWithoutReason = await web.staff.post(`/admin/requests/${r.id}`, { status: "DECLINED", reason: "", currentAssignee: "", assigneeId: "", note: NOTE });
    expect(declineWithoutReason.status).toBe(400);
    expect(await declineWithoutReason.text()).toContain("Give a reason for declining");
    expect(await prisma().staffNote.count({ where: { requestId: r.id } })).toBe(0);

    const assignee = await makeUser({ role: "STAFF", name: "Asa Assignee" });
    const saved = await web.staff.post(`/admin/requests/${r.id}`, {
      status: "ACCEPTED",
      reason: "Two researchers will speak.",
      currentAssignee: "",
      assigneeId: assignee.id,
      note: NOTE,
      message: "Please send the draft agenda.",
    });
    expect(saved.status).toBe(200);
    const staffPage = await (await web.staff.get(`/admin/requests/${r.id}`)).text();
    expect(staffPage).toContain(NOTE);
    expect(staffPage).toContain(`/webinars/new?request=${r.id}`);
    expect(await (await web.staff.get(`/admin/requests?assignee=${assignee.id}&status=ACCEPTED`)).text()).toContain("Lima roundtable");
    expect(await (await web.staff.get("/admin/requests?assignee=none&status=ACCEPTED")).text()).not.toContain("Lima roundtable");

    for (const client of [web.requester, web.colleague]) {
      const own = await (await client.get(`/requests/${r.id}`)).text();
      expect(own).toContain("Please send the draft agenda.");
      expect(own).toContain("Two researchers will speak.");
      expect(own).toContain("Accepted");
      expect(own).not.toContain(NOTE);
      expect(own).toContain("Stella Staff"); // the message's author is named
      expect(own).not.toContain("Asa Assignee"); // the assignee stays internal
      const account = await (await client.get("/account")).text();
      expect(account).toContain("Lima roundtable");
      expect(account).not.toContain(NOTE);
    }
  });
});

describe("an accepted event-support request becomes a webinar in one step", () => {
  it("prefills the schedule form, links the webinar back, and cannot be scheduled twice", async () => {
    const r = await makeEventRequest(requester, { title: "Webinar on remittances and care", languages: ["en", "es"] });
    expect((await web.staff.get(`/webinars/new?request=${r.id}`)).status).toBe(404); // not accepted yet
    await updateSupportRequest(staff, r.id, { status: "ACCEPTED" });
    const form = await web.staff.get(`/webinars/new?request=${r.id}`);
    expect(form.status).toBe(200);
    const html = await form.text();
    const valueOf = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1] ?? new RegExp(`value="([^"]*)"[^>]*name="${name}"`).exec(html)?.[1];
    const textareaOf = (name: string) => new RegExp(`<textarea[^>]*name="${name}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1];
    const first = r.startsOn!.toISOString().slice(0, 10);
    expect(valueOf("title_en")).toBe("Webinar on remittances and care");
    expect(valueOf("title_es")).toBe("Webinar on remittances and care");
    expect(valueOf("title_fr") ?? "").toBe("");
    expect(textareaOf("description_en")).toContain("Share the lab&#x27;s findings");
    expect(valueOf("startsAt")).toBe(`${first}T14:00`);
    expect(valueOf("endsAt")).toBe(`${first}T15:30`);
    expect(valueOf("fromRequest")).toBe(r.id);

    const post = {
      fromRequest: r.id,
      title_en: "Webinar on remittances and care",
      description_en: "Share the lab's findings.",
      title_es: "Seminario sobre remesas y cuidados",
      description_es: "Compartir los hallazgos.",
      startsAt: `${first}T14:00`,
      endsAt: `${first}T15:30`,
      timeZone: "America/Lima",
      meetingUrl: "https://meet.example.org/remittances",
      audience: "PUBLIC",
      askInstitution: "on",
    };
    const saved = await web.staff.post(`/webinars/new?request=${r.id}`, post);
    expect(saved.status).toBe(302);
    const webinarId = /\/webinars\/(\w+)\/manage/.exec(saved.headers.get("location")!)![1];
    expect((await prisma().supportRequest.findUniqueOrThrow({ where: { id: r.id } })).webinarId).toBe(webinarId);
    const staffPage = await (await web.staff.get(`/admin/requests/${r.id}`)).text();
    expect(staffPage).toContain(`/webinars/${webinarId}`);
    expect(staffPage).not.toContain(`/webinars/new?request=${r.id}`);
    expect(await (await web.requester.get(`/requests/${r.id}`)).text()).toContain(`/webinars/${webinarId}`);

    const webinars = await prisma().webinar.count();
    const again = await web.staff.post(`/webinars/new?request=${r.id}`, post);
    expect(again.status).toBe(409);
    expect(await prisma().webinar.count()).toBe(webinars);
  });
});

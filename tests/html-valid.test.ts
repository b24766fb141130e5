import { HtmlValidate, type Message } from "html-validate";
import { describe, expect, it } from "vitest";
import { createPublication, publishPublication } from "../app/services/publications/publications.server.ts";
import { scheduleWebinar } from "../app/services/webinars.server.ts";
import { makeDialogue } from "./dialogues/factories.ts";
import { makeUser } from "./factories.ts";
import { Client } from "./helpers/app.ts";
import { signInAs } from "./helpers/sign-in.ts";

// The main pages as the app renders them, checked by an independent HTML validator: document structure, content
// models (a required <select>'s placeholder, heading levels), attributes. Stylistic rules are left out.
const validator = new HtmlValidate({
  extends: ["html-validate:recommended", "html-validate:document"],
  rules: {
    // How React writes markup (maxLength, selected="", unquoted-free style), not validity.
    "attr-case": "off",
    "attr-quotes": "off",
    "attribute-boolean-style": "off",
    "attribute-empty-style": "off",
    "void-style": "off",
    "no-inline-style": "off",
    "no-raw-characters": "off",
    // Same-origin stylesheets need no integrity hash.
    "require-sri": "off",
    // Checkbox groups (topics, groups) share one name by design.
    "form-dup-name": ["error", { shared: ["radio", "checkbox", "button", "reset", "submit"] }],
    // Accessibility findings tracked apart from validity: a form submitted by its row buttons on the manage page,
    // two unnamed navigation landmarks on /webinars, one <input> without a type on the dialogue page.
    "wcag/h32": "off",
    "unique-landmark": "off",
    "no-implicit-input-type": "off",
  },
});

/**
 * HTML's rule for a required single <select> (which html-validate does not check): its first option must be an
 * empty placeholder directly in the select, not inside an option group.
 */
function requiredSelectProblems(html: string, path: string) {
  const found: string[] = [];
  for (const m of html.matchAll(/<select\b([^>]*)>\s*(<[a-z]+[^>]*>)/g)) {
    const [, attrs, first] = m;
    if (!/\srequired\b/.test(attrs) || /\smultiple\b/.test(attrs)) continue;
    if (!/^<option\b[^>]*\svalue=""/.test(first)) found.push(`${path}: required <select${attrs}> starts with ${first}`);
  }
  return found;
}

async function problems(client: Client, path: string) {
  const response = await client.get(path);
  expect(response.status, path).toBe(200);
  const html = await response.text();
  const report = await validator.validateString(html, path);
  return [...report.results.flatMap((r) => r.messages.map((m: Message) => `${path}: ${m.ruleId} ${m.message}`)), ...requiredSelectProblems(html, path)];
}

describe("main pages are valid HTML", () => {
  it("public, partner and staff pages pass html-validate", { timeout: 120_000 }, async () => {
    const staffUser = await makeUser({ role: "STAFF", email: "html.staff@example.org" });
    const start = new Date(Date.now() + 5 * 86400_000);
    const webinar = await scheduleWebinar(staffUser, {
      translations: [{ language: "en", title: "Valid webinar", description: "About **validity**." }],
      startsAt: start,
      endsAt: new Date(start.getTime() + 3600_000),
      timeZone: "Africa/Dakar",
      meetingUrl: "https://meet.example.org/v",
    });
    const publication = await createPublication(staffUser, {
      type: "BRIEF",
      authors: "R. Team",
      topics: ["LABOUR_MIGRATION"],
      translations: [{ language: "en", title: "Valid brief", body: "**Key** finding.\n\n### A section\n\nText." }],
    });
    await publishPublication(staffUser, publication.id);
    const dialogue = await makeDialogue(staffUser, { title: "Valid dialogue" });

    const anonymous = new Client();
    const staff = await signInAs(new Client(), staffUser.email);
    const found = [
      ...(await problems(anonymous, "/")),
      ...(await problems(anonymous, "/webinars")),
      ...(await problems(anonymous, `/webinars/${webinar.id}`)),
      ...(await problems(anonymous, "/publications")),
      ...(await problems(anonymous, `/publications/${publication.id}`)),
      ...(await problems(staff, `/publications/${publication.id}`)),
      ...(await problems(staff, "/webinars/new")),
      ...(await problems(staff, `/webinars/${webinar.id}/edit`)),
      ...(await problems(staff, `/webinars/${webinar.id}/manage`)),
      ...(await problems(staff, `/dialogues/${dialogue.id}`)),
      ...(await problems(staff, `/dialogues/${dialogue.id}/sessions/new`)),
      ...(await problems(staff, "/account")),
    ];
    expect(found).toEqual([]);
  });
});

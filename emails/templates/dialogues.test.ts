import { describe, expect, it } from "vitest";
import { LANGUAGES } from "../../app/i18n/index.ts";
import { dialogueInvitedEmail } from "./dialogues.tsx";

const base = { title: "Corridors <b>& co</b>", inviter: "Ana", role: "MEMBER" as const, acceptUrl: "https://hub.test/dialogue-invite/abc", days: 14 };

describe("dialogue invitation email", () => {
  it.each(LANGUAGES)("states the Chatham House Rule in %s, only when the dialogue follows it", (lang) => {
    const on = dialogueInvitedEmail(lang, { ...base, chathamHouse: true });
    const off = dialogueInvitedEmail(lang, { ...base, chathamHouse: false });
    expect(on.text).toContain("Chatham House");
    expect(on.html).toContain("Chatham House");
    expect(off.text).not.toContain("Chatham House");
    // The title is staff-written text: escaped in HTML, and never in the subject.
    expect(on.html).toContain("Corridors &lt;b&gt;&amp; co&lt;/b&gt;");
    expect(on.subject).not.toContain("Corridors");
    expect(on.text).toContain(base.acceptUrl);
  });
});

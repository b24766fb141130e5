import { describe, expect, it } from "vitest";
import { LANGUAGES } from "../../app/i18n/index.ts";
import { emailMessages } from "../messages.ts";
import {
  applicationReceivedEmail,
  duplicateApplicationEmail,
  memberInvitedEmail,
  partnerApprovedEmail,
  partnerRejectedEmail,
  signInLinkEmail,
} from "./partners.tsx";

const url = "https://hub.example.org/auth/verify?token=abc";
const render = {
  signIn: (l: (typeof LANGUAGES)[number]) => signInLinkEmail(l, url),
  received: (l: (typeof LANGUAGES)[number]) => applicationReceivedEmail(l, "Réseau <Femmes> & Migration"),
  approved: (l: (typeof LANGUAGES)[number]) => partnerApprovedEmail(l, "Réseau <Femmes> & Migration", url),
  rejected: (l: (typeof LANGUAGES)[number]) => partnerRejectedEmail(l, "Réseau <Femmes> & Migration", "Hors mandat"),
  invited: (l: (typeof LANGUAGES)[number]) => memberInvitedEmail(l, "Réseau <Femmes> & Migration", "Awa", url, 14),
  duplicate: (l: (typeof LANGUAGES)[number]) => duplicateApplicationEmail(l),
};

describe("email templates", () => {
  it.each(LANGUAGES)("render every message in %s as HTML plus text, escaped, with no placeholder left", (lang) => {
    for (const [name, make] of Object.entries(render)) {
      const mail = make(lang);
      expect(mail.html, name).toMatch(new RegExp(`^<!DOCTYPE html><html lang="${lang}"`));
      expect(mail.html, name).not.toContain("<Femmes>");
      expect(`${mail.subject}${mail.text}${mail.html}`, name).not.toMatch(/\{\w+\}/);
      expect(mail.text.length, name).toBeGreaterThan(40);
      expect(mail.text, name).toContain(emailMessages[lang].footer);
      if (name !== "received" && name !== "rejected" && name !== "duplicate") {
        expect(mail.text, name).toContain(url);
        expect(mail.html, name).toContain(url);
      }
    }
  });

  it("puts the rejection reason in both parts", () => {
    const mail = render.rejected("es");
    expect(mail.subject).toBe("Su solicitud para Réseau <Femmes> & Migration");
    expect(mail.text).toContain("Motivo indicado:\nHors mandat");
    expect(mail.html).toContain("Hors mandat");
  });

  it("keeps submitted text out of the subject of mail to an unverified address, quoted and escaped in the body", () => {
    for (const lang of LANGUAGES) {
      const mail = applicationReceivedEmail(lang, "WIN A PRIZE at https://prize.example <b>now</b>");
      expect(mail.subject).toBe(emailMessages[lang].received_subject);
      expect(mail.subject).not.toMatch(/PRIZE/);
      expect(mail.html).toContain("<q>WIN A PRIZE at https://prize.example &lt;b&gt;now&lt;/b&gt;</q>");
      expect(mail.text).toContain(`${emailMessages[lang].submitted_label}\n> WIN A PRIZE`);
    }
  });
});

import { describe, expect, it } from "vitest";
import { redactSecrets } from "./mail-redaction.ts";

describe("redactSecrets", () => {
  it("hides sign-in tokens, signed registration and join links, and calendar feed secrets", () => {
    const text = [
      "Sign in: https://hub.example.org/auth/verify?token=abcDEF123_-xyz",
      "Cancel: https://hub.example.org/r/ckabc123.Zm9vYmFy-_ (or reply)",
      "Join: <https://hub.example.org/j/ckabc123.c2VjcmV0>",
      "Feed: webcal://hub.example.org/calendar/s3cr3tS3cr3t.ics and https://hub.example.org/calendar/s3cr3tS3cr3t.ics",
      "Confirm: https://hub.example.org/hub/subscribe?lang=fr&token=tok123#top",
    ].join("\n");
    const out = redactSecrets(text);
    for (const secret of ["abcDEF123_-xyz", "ckabc123.Zm9vYmFy-_", "ckabc123.c2VjcmV0", "s3cr3tS3cr3t", "tok123"]) expect(out).not.toContain(secret);
    expect(out).toContain("https://hub.example.org/auth/verify?token=[redacted]");
    expect(out).toContain("https://hub.example.org/r/[redacted] (or reply)");
    expect(out).toContain("<https://hub.example.org/j/[redacted]>");
    expect(out).toContain("webcal://hub.example.org/calendar/[redacted].ics");
    expect(out).toContain("https://hub.example.org/hub/subscribe?lang=fr&token=[redacted]#top");
  });

  it("hides invitation links, which sign their reader in as the invitee", () => {
    const out = redactSecrets("Accept: https://hub.example.org/invite/inv-S3cret_1 or https://hub.example.org/dialogue-invite/dlg-S3cret_2");
    expect(out).not.toMatch(/S3cret/);
    expect(out).toBe("Accept: https://hub.example.org/invite/[redacted] or https://hub.example.org/dialogue-invite/[redacted]");
  });

  it("hides subscription confirmation, preference and unsubscribe keys, in links and in the List-Unsubscribe mailto", () => {
    const text = [
      "Confirm: https://hub.example.org/subscribe/confirm/Rnd0m-K3y_abc",
      "Preferences: https://hub.example.org/subscription/s_ck1_2.S1gnatur3-x",
      "List-Unsubscribe: <https://hub.example.org/unsubscribe/u_ck2_1.S1gnatur3-y>, <mailto:hub@example.org?subject=unsubscribe%20u_ck2_1.S1gnatur3-y>",
    ].join("\n");
    const out = redactSecrets(text);
    expect(out).not.toMatch(/K3y|S1gnatur3|s_ck1|u_ck2/);
    expect(out).toBe(
      [
        "Confirm: https://hub.example.org/subscribe/confirm/[redacted]",
        "Preferences: https://hub.example.org/subscription/[redacted]",
        "List-Unsubscribe: <https://hub.example.org/unsubscribe/[redacted]>, <mailto:hub@example.org?subject=unsubscribe%20[redacted]>",
      ].join("\n"),
    );
    expect(redactSecrets("See https://hub.example.org/subscribe and mailto:team@example.org?subject=Hello")).toBe(
      "See https://hub.example.org/subscribe and mailto:team@example.org?subject=Hello",
    );
  });

  it("leaves ordinary links and text alone", () => {
    const text = "See https://hub.example.org/webinars/ck123 and https://hub.example.org/partners?sector=NGO — r/j are letters.";
    expect(redactSecrets(text)).toBe(text);
  });
});

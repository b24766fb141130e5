import { describe, expect, it } from "vitest";
import { bodyIdFor, createSend, enqueueBulk, type SharedBody } from "../../app/services/sends/sends.server.ts";
import { applyMailTracking, clickUrl, trackHtml, verifyClick, withTracking } from "../../app/services/sends/tracking.server.ts";
import { ANONYMOUS } from "../../app/services/policy.server.ts";
import { prisma } from "../../app/utils/db.server.ts";

// The enqueue-time hook on its own (docs/decisions/0024): untouched bodies when off, one decision per send, and
// what the HTML rewrite leaves alone.

const body = (sendId: string, html: string): SharedBody => ({ id: bodyIdFor(sendId, html), subject: "News {{name}}", html, text: "Read https://example.org/a\n{{unsubscribeUrl}}" });

describe("tracking bodies", () => {
  it("returns the very same bodies when off, and records the send as not tracked", async () => {
    const send = await createSend(prisma(), { kind: "DISTRIBUTION" });
    const bodies = [body(send.id, `<html><body><a href="https://example.org/a">a</a></body></html>`)];
    expect(await withTracking(prisma(), send.id, bodies)).toBe(bodies);
    expect((await prisma().bulkSend.findUniqueOrThrow({ where: { id: send.id } })).tracked).toBe(false);
    // Turned on later: a send already decided stays untracked.
    await applyMailTracking(ANONYMOUS, true);
    expect(await withTracking(prisma(), send.id, bodies)).toBe(bodies);
    await applyMailTracking(ANONYMOUS, false);
  });

  it("keeps one decision for all chunks of a send, even when the switch turns mid-send", async () => {
    await applyMailTracking(ANONYMOUS, true);
    const send = await createSend(prisma(), { kind: "DISTRIBUTION" });
    const recipient = (i: number, bodyId: string) => ({ key: `track-${send.id}-${i}`, to: `r${i}@example.org`, bodyId, mergeData: {}, headers: {} });
    const first = body(send.id, `<p><a href="https://example.org/a">a</a></p>`);
    await prisma().$transaction((tx) => enqueueBulk(tx, send.id, [first], [recipient(1, first.id)]));
    await applyMailTracking(ANONYMOUS, false);
    const second = body(send.id, `<p><a href="https://example.org/b">b</a></p>`);
    await prisma().$transaction((tx) => enqueueBulk(tx, send.id, [second], [recipient(2, second.id)]));
    const stored = await prisma().mailBody.findMany({ where: { id: { in: [first.id, second.id] } } });
    expect(stored).toHaveLength(2);
    for (const b of stored) {
      expect(b.html).toContain(`/t/o/${send.id}.gif`);
      expect(b.html).toContain(`/t/c/${send.id}?u=`);
      expect(b.text).toBe("Read https://example.org/a\n{{unsubscribeUrl}}");
      expect(b.subject).toBe("News {{name}}");
    }
  });

  it("rewrites only http(s) anchors that are the same for every reader", () => {
    const html = [
      `<html><body>`,
      `<a href="https://example.org/x?a=1&amp;b=2">x</a>`,
      `<a class="k" href='http://example.org/y'>y</a>`,
      `<a href="{{unsubscribeUrl}}">u</a> <a href="{{preferenceUrl}}">p</a>`,
      `<a href="https://example.org/r?who={{name}}">r</a>`,
      `<a href="mailto:team@example.org">m</a> <a href="#top">t</a>`,
      `<a href="http://hub.test/unsubscribe/abc">own</a>`,
      `<link href="https://example.org/style.css" rel="stylesheet">`,
      `</body></html>`,
    ].join("");
    const out = trackHtml(html, "send1");
    expect(out).toContain(`href="${clickUrl("send1", "https://example.org/x?a=1&b=2").replace(/&/g, "&amp;")}"`);
    expect(out).toContain(`class="k" href="${clickUrl("send1", "http://example.org/y").replace(/&/g, "&amp;")}"`);
    for (const kept of [`href="{{unsubscribeUrl}}"`, `href="{{preferenceUrl}}"`, `href="https://example.org/r?who={{name}}"`, `href="mailto:team@example.org"`, `href="#top"`, `href="http://hub.test/unsubscribe/abc"`, `<link href="https://example.org/style.css"`]) {
      expect(out).toContain(kept);
    }
    expect(out.endsWith(`<img src="http://hub.test/t/o/send1.gif" width="1" height="1" alt="" style="display:block;width:1px;height:1px;border:0"></body></html>`)).toBe(true);
    expect(trackHtml("<p>no body tag</p>", "s2")).toMatch(/^<p>no body tag<\/p><img src="http:\/\/hub\.test\/t\/o\/s2\.gif"/);
  });

  it("signs the send and the link together", () => {
    const url = new URL(clickUrl("send1", "https://example.org/x"));
    const sig = url.searchParams.get("s")!;
    expect(verifyClick("send1", "https://example.org/x", sig)).toBe(true);
    expect(verifyClick("send2", "https://example.org/x", sig)).toBe(false);
    expect(verifyClick("send1", "https://example.org/y", sig)).toBe(false);
    expect(verifyClick("send1", "javascript:alert(1)", sig)).toBe(false);
    expect(verifyClick("send1", "https://example.org/x", "")).toBe(false);
  });
});

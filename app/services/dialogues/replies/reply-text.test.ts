import { describe, expect, it } from "vitest";
import { REPLY_SAMPLES } from "../../../../tests/dialogues/reply-samples.ts";
import { replyText } from "./reply-text.ts";

describe("replyText", () => {
  it.each(Object.entries(REPLY_SAMPLES))("keeps only the person's own words: %s", (_name, sample) => {
    expect(replyText(sample.text)).toBe(sample.own);
  });

  it("keeps a reply without any quote whole, and CRLF line ends become LF", () => {
    expect(replyText("First line.\r\n\r\nSecond line.\r\n")).toBe("First line.\n\nSecond line.");
  });

  it("does not cut at a sentence that merely starts like a quote header", () => {
    expect(replyText("On Monday we wrote the report together.\nIt is ready.")).toBe("On Monday we wrote the report together.\nIt is ready.");
  });
});

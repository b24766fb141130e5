import { describe, expect, it } from "vitest";
import { genderChoice, SPEAKER_GENDERS, storedGender } from "./gender.ts";

describe("speaker gender: a closed choice in, the same choice out", () => {
  it("round-trips every choice through what is stored", () => {
    for (const choice of SPEAKER_GENDERS.filter((g) => g !== "self-described")) {
      expect(genderChoice(storedGender(choice, undefined)).choice).toBe(choice);
    }
    expect(genderChoice(storedGender("self-described", "two-spirit"))).toEqual({ choice: "self-described", description: "two-spirit" });
    expect(genderChoice(storedGender("self-described", undefined))).toEqual({ choice: "self-described", description: "self-described" });
  });

  it("keeps words given without a choice as a self-description, and nothing as nothing", () => {
    expect(storedGender(undefined, "genderqueer")).toBe("genderqueer");
    expect(storedGender(undefined, undefined)).toBeUndefined();
    expect(genderChoice(null)).toEqual({ choice: null, description: null });
  });

  it("reads earlier free-text values into the same categories the panel balance uses", () => {
    expect(genderChoice("Femme").choice).toBe("woman");
    expect(genderChoice("hombre").choice).toBe("man");
    expect(genderChoice("prefiero no decirlo").choice).toBe("prefer-not-to-say");
    expect(genderChoice("non binaire").choice).toBe("non-binary");
  });
});

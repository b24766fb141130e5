import crypto from "node:crypto";

/** 256 random bits, URL-safe. */
export const randomToken = () => crypto.randomBytes(32).toString("base64url");
export const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("hex");

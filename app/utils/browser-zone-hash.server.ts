import crypto from "node:crypto";
import { BROWSER_ZONE_SCRIPT } from "./browser-zone-script.ts";

/** The CSP source that lets exactly that script run, and nothing else. */
export const BROWSER_ZONE_SCRIPT_HASH = `'sha256-${crypto.createHash("sha256").update(BROWSER_ZONE_SCRIPT).digest("base64")}'`;

import { BROWSER_ZONE_SCRIPT } from "../utils/browser-zone-script.ts";

/** Placed after a form whose zone <select data-browser-zone> may be empty; see browser-zone-script.ts. */
export function BrowserZoneScript() {
  return <script dangerouslySetInnerHTML={{ __html: BROWSER_ZONE_SCRIPT }} />;
}

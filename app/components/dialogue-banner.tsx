import { dialoguesUi } from "../i18n/ui/dialogues.ts";
import { useT } from "../utils/i18n.ts";

/** Stated on every page of a dialogue under the Chatham House Rule, in the reader's language. */
export function ChathamHouseBanner({ on }: { on: boolean }) {
  const t = useT(dialoguesUi);
  if (!on) return null;
  return (
    <p role="note" className="notice chatham-house" data-chatham-house>
      {t("chatham_house")}
    </p>
  );
}

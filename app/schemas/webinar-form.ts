import { LANGUAGES } from "../i18n/index.ts";
import { genderChoice } from "./gender.ts";
import { isTimeZone, zonedWallTimeToUtc } from "../utils/time-zones.ts";

export const SPEAKER_ROWS = 5;
export const QUESTION_ROWS = 3;

/** Turns the schedule/edit form (wall-clock times in the chosen zone) into the use case's input. */
export function webinarInputFromForm(form: FormData) {
  const s = (k: string) => String(form.get(k) ?? "").trim();
  const timeZone = s("timeZone");
  // An unknown zone is reported by the schema; convert with UTC meanwhile so nothing throws.
  const zone = isTimeZone(timeZone) ? timeZone : "UTC";
  const at = (k: string) => (s(k) ? (zonedWallTimeToUtc(s(k), zone) ?? new Date(NaN)) : undefined);
  const capacity = s("capacity");
  return {
    translations: LANGUAGES.filter((l) => s(`title_${l}`)).map((language) => ({ language, title: s(`title_${language}`), description: s(`description_${language}`) })),
    startsAt: at("startsAt"),
    endsAt: at("endsAt"),
    timeZone,
    meetingUrl: s("meetingUrl"),
    capacity: capacity === "" ? null : Number(capacity),
    audience: s("audience") || "PUBLIC",
    requiresApproval: form.get("requiresApproval") === "on",
    askInstitution: form.get("askInstitution") === "on",
    askCountry: form.get("askCountry") === "on",
    askAccessNeeds: form.get("askAccessNeeds") === "on",
    speakers: Array.from({ length: SPEAKER_ROWS }, (_, i) => ({
      name: s(`speaker_${i}_name`),
      affiliation: s(`speaker_${i}_affiliation`),
      role: s(`speaker_${i}_role`) || "SPEAKER",
      gender: s(`speaker_${i}_gender`),
      genderDescription: s(`speaker_${i}_genderDescription`),
    })).filter((sp) => sp.name),
    // Each row keeps its id, so answers already given stay with their question when another row is emptied.
    questions: Array.from({ length: QUESTION_ROWS }, (_, i) => ({
      id: `q${i + 1}`,
      labels: LANGUAGES.filter((l) => s(`question_q${i + 1}_${l}`)).map((language) => ({ language, label: s(`question_q${i + 1}_${language}`) })),
    })).filter((q) => q.labels.length),
  };
}

/** Refills a speaker row's gender choice and self-description from what is stored. */
export function genderFields(i: number, stored: string | null) {
  const { choice, description } = genderChoice(stored);
  return { [`speaker_${i}_gender`]: choice ?? "", [`speaker_${i}_genderDescription`]: description ?? "" };
}

/**
 * Statistics periods are whole calendar units only — a month, a quarter or a year (UTC) — so that the scopes a
 * reader can ask for form a small fixed set and cannot be cut between two webinars (ADR 0037).
 */
export interface Period {
  label: string; // "2026", "2026-Q3" or "2026-07"
  from: Date;
  to: Date; // excluded
}

const utc = (y: number, m: number) => new Date(Date.UTC(y, m, 1));

/** The period a label names, or null for anything else. */
export function parsePeriod(label: string | null | undefined): Period | null {
  const s = (label ?? "").trim();
  let m = /^(\d{4})$/.exec(s);
  if (m) return { label: s, from: utc(+m[1], 0), to: utc(+m[1] + 1, 0) };
  m = /^(\d{4})-Q([1-4])$/.exec(s);
  if (m) return { label: s, from: utc(+m[1], (+m[2] - 1) * 3), to: utc(+m[1], +m[2] * 3) };
  m = /^(\d{4})-(0[1-9]|1[0-2])$/.exec(s);
  if (m) return { label: s, from: utc(+m[1], +m[2] - 1), to: utc(+m[1], +m[2]) };
  return null;
}

/** The calendar period exactly between two instants, or null when they bound anything else. */
export function calendarPeriod(from: Date, to: Date): Period | null {
  if (from.getUTCDate() !== 1 || from.getTime() !== utc(from.getUTCFullYear(), from.getUTCMonth()).getTime()) return null;
  const y = from.getUTCFullYear();
  const mo = from.getUTCMonth();
  const pad = (n: number) => String(n).padStart(2, "0");
  const options = [parsePeriod(`${y}-${pad(mo + 1)}`), mo % 3 === 0 ? parsePeriod(`${y}-Q${mo / 3 + 1}`) : null, mo === 0 ? parsePeriod(`${y}`) : null];
  return options.find((p) => p && p.to.getTime() === to.getTime()) ?? null;
}

/** What the pages offer: years around now, and each quarter and month of the recent and coming years. */
export function periodChoices(now = new Date()): string[] {
  const y = now.getUTCFullYear();
  const out: string[] = [];
  for (let year = y + 1; year >= y - 3; year--) {
    out.push(String(year));
    if (year < y - 2) continue;
    for (let q = 4; q >= 1; q--) out.push(`${year}-Q${q}`);
    for (let m = 12; m >= 1; m--) out.push(`${year}-${String(m).padStart(2, "0")}`);
  }
  return out;
}

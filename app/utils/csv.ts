/**
 * One CSV field (RFC 4180 quoting). A value starting like a formula gets a leading apostrophe: spreadsheets would
 * run it (CSV injection), and names, titles and answers are typed by people.
 */
export function csvCell(value: string) {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

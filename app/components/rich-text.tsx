import type { ReactNode } from "react";

const BULLET = /^\s*[-*•]\s+/;

/**
 * Plain text written by staff, shown as paragraphs, line breaks and bulleted lists (lines starting "- ", "* " or
 * "• ", also right under an introducing line). No HTML is ever interpreted: React escapes every piece.
 */
export function RichText({ text, className = "rich" }: { text: string | null | undefined; className?: string }) {
  if (!text?.trim()) return null;
  const out: ReactNode[] = [];
  for (const [b, block] of text.replace(/\r\n?/g, "\n").trim().split(/\n\s*\n/).entries()) {
    // Runs of bullet lines become one list; runs of other lines one paragraph with line breaks.
    const runs: { list: boolean; lines: string[] }[] = [];
    for (const line of block.split("\n")) {
      const list = BULLET.test(line);
      const last = runs.at(-1);
      if (last && last.list === list) last.lines.push(line);
      else runs.push({ list, lines: [line] });
    }
    runs.forEach((run, r) =>
      out.push(
        run.list ? (
          <ul key={`${b}-${r}`}>
            {run.lines.map((l, i) => (
              <li key={i}>{l.replace(BULLET, "")}</li>
            ))}
          </ul>
        ) : (
          <p key={`${b}-${r}`}>
            {run.lines.map((l, i) => (
              <span key={i}>
                {i ? <br /> : null}
                {l}
              </span>
            ))}
          </p>
        ),
      ),
    );
  }
  return <div className={className}>{out}</div>;
}

/**
 * Plain text written by staff, shown as paragraphs, line breaks and bulleted lists ("- " or "* " lines).
 * No HTML is ever interpreted: React escapes every piece.
 */
export function RichText({ text, className = "rich" }: { text: string | null | undefined; className?: string }) {
  if (!text?.trim()) return null;
  const blocks = text.replace(/\r\n?/g, "\n").trim().split(/\n\s*\n/);
  return (
    <div className={className}>
      {blocks.map((block, i) => {
        const lines = block.split("\n");
        if (lines.every((l) => /^\s*[-*•]\s+/.test(l))) {
          return (
            <ul key={i}>
              {lines.map((l, j) => (
                <li key={j}>{l.replace(/^\s*[-*•]\s+/, "")}</li>
              ))}
            </ul>
          );
        }
        return (
          <p key={i}>
            {lines.map((l, j) => (
              <span key={j}>
                {j ? <br /> : null}
                {l}
              </span>
            ))}
          </p>
        );
      })}
    </div>
  );
}

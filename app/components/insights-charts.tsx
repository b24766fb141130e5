/**
 * Server-rendered SVG charts for the statistics pages: no script, no inline style (colours come from classes in
 * styles.css), a <title> and <desc> for screen readers, and always a data table next to them on the page.
 */
const W = 640;
const H = 260;
const PAD = { left: 44, right: 12, top: 12, bottom: 40 };

export interface FunnelChartProps {
  id: string;
  title: string;
  desc: string;
  stages: string[];
  /** One series per group; null where the number is hidden (left out of the bar). */
  groups: { label: string; values: (number | null)[] }[];
}

const niceMax = (n: number) => {
  if (n <= 5) return 5;
  const step = 10 ** Math.floor(Math.log10(n));
  return Math.ceil(n / step) * step;
};

export function FunnelChart({ id, title, desc, stages, groups }: FunnelChartProps) {
  const sums = stages.map((_, s) => groups.reduce((a, g) => a + (g.values[s] ?? 0), 0));
  const max = niceMax(Math.max(1, ...sums));
  const plotH = H - PAD.top - PAD.bottom;
  const slot = (W - PAD.left - PAD.right) / Math.max(1, stages.length);
  const barW = Math.min(80, slot * 0.6);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="chart-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {[0, 0.5, 1].map((f) => (
          <g key={f}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(max * f)} y2={y(max * f)} className="grid" />
            <text x={PAD.left - 6} y={y(max * f) + 4} className="axis" textAnchor="end">
              {Math.round(max * f)}
            </text>
          </g>
        ))}
        {stages.map((stage, s) => {
          const x = PAD.left + slot * s + (slot - barW) / 2;
          let base = 0;
          return (
            <g key={stage}>
              {groups.map((g, gi) => {
                const v = g.values[s];
                if (!v) return null;
                const rect = <rect key={g.label} x={x} width={barW} y={y(base + v)} height={y(base) - y(base + v)} className={`seg seg-${gi}`} />;
                base += v;
                return rect;
              })}
              <text x={x + barW / 2} y={H - PAD.bottom + 16} className="axis" textAnchor="middle">
                {stage}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul className="legend">
          {groups.map((g, gi) => (
            <li key={g.label}>
              <svg viewBox="0 0 10 10" className="swatch" aria-hidden="true">
                <rect width="10" height="10" className={`seg seg-${gi}`} />
              </svg>{" "}
              {g.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

export interface TrendChartProps {
  id: string;
  title: string;
  desc: string;
  labels: string[];
  /** Per cent per period; null where hidden (a gap in the line). */
  values: (number | null)[];
  target: number;
  targetLabel: string;
}

export function TrendChart({ id, title, desc, labels, values, target, targetLabel }: TrendChartProps) {
  const plotH = H - PAD.top - PAD.bottom;
  const plotW = W - PAD.left - PAD.right;
  const x = (i: number) => PAD.left + (labels.length <= 1 ? plotW / 2 : (plotW * i) / (labels.length - 1));
  const y = (p: number) => PAD.top + plotH - (p / 100) * plotH;
  // Runs of consecutive published points; a hidden period breaks the line rather than being guessed.
  const runs: [number, number][][] = [];
  values.forEach((v, i) => {
    if (v === null) return;
    if (i === 0 || values[i - 1] === null || !runs.length) runs.push([]);
    runs.at(-1)!.push([x(i), y(v)]);
  });
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`} className="chart-svg">
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>{desc}</desc>
        {[0, 50, 100].map((p) => (
          <g key={p}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(p)} y2={y(p)} className="grid" />
            <text x={PAD.left - 6} y={y(p) + 4} className="axis" textAnchor="end">
              {p} %
            </text>
          </g>
        ))}
        <line x1={PAD.left} x2={W - PAD.right} y1={y(target)} y2={y(target)} className="target" />
        <text x={W - PAD.right} y={y(target) - 4} className="axis" textAnchor="end">
          {targetLabel}
        </text>
        {runs.map((run, i) => (
          <polyline key={i} points={run.map(([a, b]) => `${a},${b}`).join(" ")} className="trend" />
        ))}
        {values.map((v, i) =>
          v === null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={4} className="trend-point" />,
        )}
        {labels.map((l, i) => (
          <text key={l} x={x(i)} y={H - PAD.bottom + 16} className="axis" textAnchor="middle">
            {l}
          </text>
        ))}
      </svg>
    </figure>
  );
}

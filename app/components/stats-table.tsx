import type { ShownTable } from "../services/insights/view.server.ts";

/** A published statistics table: numbers already suppressed; stacks into cards on narrow screens. */
export function StatsTable({ table, caption, totalLabel }: { table: ShownTable; caption?: string; totalLabel: string }) {
  return (
    <table className="stats">
      <caption>{caption ?? table.title}</caption>
      <thead>
        <tr>
          <th scope="col">{table.rowHeader}</th>
          {table.columns.map((c) => (
            <th key={c} scope="col" className="num">
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {table.rows.map((r) => (
          <tr key={r.label}>
            <th scope="row" data-label={table.rowHeader}>
              {r.label}
            </th>
            {r.cells.map((c, i) => (
              <td key={i} className="num" data-label={table.columns[i]}>
                {c}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
      {table.totals ? (
        <tfoot>
          <tr>
            <th scope="row">{totalLabel}</th>
            {table.totals.map((c, i) => (
              <td key={i} className="num" data-label={table.columns[i]}>
                {c}
              </td>
            ))}
          </tr>
        </tfoot>
      ) : null}
    </table>
  );
}

import { insightsUi } from "../i18n/ui/insights.ts";
import { roundingBase } from "../services/insights/cell-key.ts";
import type { InsightsView } from "../services/insights/view.server.ts";
import { useT } from "../utils/i18n.ts";
import { FunnelChart, TrendChart } from "./insights-charts.tsx";
import { StatsTable } from "./stats-table.tsx";

/** The body shared by /insights and its printable report: funnel, panel balance, more counts, method. */
export function InsightsReport({ view }: { view: InsightsView }) {
  const t = useT(insightsUi);
  const total = t("total");
  return (
    <>
      {view.funnel ? (
        <section aria-labelledby="funnel-h">
          <h2 id="funnel-h">{view.funnel.title}</h2>
          <FunnelChart id="funnel-chart" title={view.funnel.title} desc={t("funnel_chart_desc")} stages={view.funnel.columns} groups={view.funnel.chart} />
          <StatsTable table={view.funnel} caption={t("table_caption")} totalLabel={total} />
          {view.funnel.conversion ? <p>{t("conversion", view.funnel.conversion)}</p> : null}
        </section>
      ) : null}
      {view.balances.length ? (
        view.balances.map((b) => (
          <section key={b.id} aria-labelledby={`${b.id}-h`}>
            <h2 id={`${b.id}-h`}>{b.title}</h2>
            <p>
              {t("balance_target", { target: b.target })} {b.womenPercent === null ? null : t("balance_overall", { percent: `${b.womenPercent} %` })}
            </p>
            {b.trend.labels.length ? (
              <>
                <TrendChart id={`trend-${b.id}`} title={b.title} desc={t("balance_chart_desc")} labels={b.trend.labels} values={b.trend.values} target={b.target} targetLabel={`${b.target} %`} />
                <StatsTable table={b.table} totalLabel={total} />
              </>
            ) : (
              <p className="hint">{t("balance_none")}</p>
            )}
          </section>
        ))
      ) : (
        <p className="hint">{t("no_series")}</p>
      )}
      {view.extras.length ? (
        <section aria-labelledby="extras-h">
          <h2 id="extras-h">{t("extra_tables")}</h2>
          {view.extras.map((e) => (
            <StatsTable key={e.id} table={e} totalLabel={total} />
          ))}
        </section>
      ) : null}
      <section aria-labelledby="method-h">
        <h2 id="method-h">{t("method_title")}</h2>
        <p>{t("method_body", { k: view.k, b: roundingBase(view.k) })}</p>
      </section>
    </>
  );
}

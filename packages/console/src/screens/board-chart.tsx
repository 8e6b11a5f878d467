import { memo } from 'react';
import { Bar, BarChart, Tooltip, XAxis, YAxis } from 'recharts';
import { CELL_STAGES, type CellStage } from '../stages.ts';
import { CHART_FILLS, chartLabel } from './board-chart-words.ts';

/**
 * The board's counts per stage as one small stacked bar (Recharts, as aging's chart). It is its own
 * chunk, loaded after the board's table (Recharts never delays the board), and outside the board's
 * memoised lines: it is drawn again only when a count changes (`memo` over the counts' text).
 */
function StageChart({ counts, year }: { counts: string; year: number }) {
  const map = new Map(JSON.parse(counts) as [CellStage, number][]);
  const stages = CELL_STAGES.filter((s) => map.get(s.stage));
  if (stages.length === 0) return null;
  const row: Record<string, number | string> = { name: String(year) };
  for (const s of stages) row[s.stage] = map.get(s.stage) ?? 0;
  return (
    <figure className="board-chart" role="img" aria-label={chartLabel(map, year)} data-testid="board-chart">
      <BarChart
        width={560}
        height={44}
        layout="vertical"
        data={[row]}
        margin={{ top: 4, right: 4, bottom: 4, left: 4 }}
      >
        <XAxis type="number" hide />
        <YAxis type="category" dataKey="name" hide />
        <Tooltip
          formatter={(v, name) => [String(v), CELL_STAGES.find((s) => s.stage === name)?.label ?? name]}
        />
        {stages.map((s) => (
          <Bar
            key={s.stage}
            dataKey={s.stage}
            stackId="stages"
            fill={CHART_FILLS[s.stage]}
            isAnimationActive={false}
          />
        ))}
      </BarChart>
    </figure>
  );
}

export default memo(StageChart);

import { CELL_STAGES, type CellStage } from '../stages.ts';

/**
 * Each stage's fill in the chart: distinct mid tones (each at least 3:1 against the white page,
 * WCAG's contrast for graphics), in the order of the board's stages. The chart is a picture of
 * the counts listed beside it, which a screen reader reads instead.
 */
export const CHART_FILLS: Record<CellStage, string> = {
  OPEN: '#9a6b00',
  DRAFT: '#c2410c',
  PENDING_APPROVAL: '#8e24aa',
  CLOSED: '#2e7d32',
  YEAR_CLOSED: '#0369a1',
  YEAR_AUDITED: '#3f51b5',
  UNAVAILABLE: '#c62828',
  NO_PERIOD: '#6b7280',
};

/** The chart's text alternative: every stage shown, with its count, in the board's order. */
export function chartLabel(counts: ReadonlyMap<CellStage, number>, year: number): string {
  const parts = CELL_STAGES.filter((s) => counts.get(s.stage)).map(
    (s) => `${s.label} ${counts.get(s.stage)}`,
  );
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return `Client-months of ${year} per stage, ${total} in all: ${parts.length > 0 ? parts.join(', ') : 'none'}`;
}

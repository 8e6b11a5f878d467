import { useApolloClient } from '@apollo/client/react';
import { lazy, memo, Suspense, useEffect, useMemo, useState } from 'react';
import { Button, Checkbox, Input, Label, SearchField } from 'react-aria-components';
import { ClientMarks } from '../components/client-marks.tsx';
import { Loading, RefusalNotice } from '../components/refusal.tsx';
import { ScrollRegion } from '../components/scroll-region.tsx';
import { StageFilter } from '../components/stage-filter.tsx';
import { CloseExceptionsQuery } from '../operations.ts';
import { markStep } from '../page-marks.ts';
import { navigate } from '../router.ts';
import { CELL_STAGES, type CellStage, monthLabel, monthYearLabel, stageInfo } from '../stages.ts';
import { useQuery } from '../use-query.ts';
import { type BoardLoad, type BoardRow as Row, rowsOf, takeBoardLoad } from './board-data.ts';
import { MonthDetail, type OpenCell } from './month-detail.tsx';
import { useMyClients } from './my-clients.ts';

markStep('board-chunk');

// The counts' chart (Recharts) is its own chunk, loaded once the board has rows: never before them.
const StageChart = lazy(() => import('./board-chart.tsx'));

const MONTH_KEYS = [
  'm01',
  'm02',
  'm03',
  'm04',
  'm05',
  'm06',
  'm07',
  'm08',
  'm09',
  'm10',
  'm11',
  'm12',
] as const;

/**
 * The year's board as it arrives (board-data.ts): the load prefetched by the shell, or a new one,
 * taken in an effect (once per mount and year: a render React discards takes nothing); each chunk
 * re-renders once. No load yet reads as an empty board still loading.
 */
function useYearBoard(year: number): { load: BoardLoad | null; version: number } {
  const client = useApolloClient();
  const [state, setState] = useState<{ year: number; load: BoardLoad | null; version: number }>({
    year,
    load: null,
    version: 0,
  });
  useEffect(() => {
    const load = takeBoardLoad(client, year);
    setState({ year, load, version: 0 });
    return load.subscribe(() => setState((s) => (s.load === load ? { ...s, version: s.version + 1 } : s)));
  }, [client, year]);
  return state.year === year ? state : { load: null, version: 0 };
}

/** Every client the signed-in person may see × the twelve months of a year, each cell its close stage. */
export function CloseBoard({ year }: { year: number }) {
  const { load, version } = useYearBoard(year);
  const error = load?.error ?? null;
  const done = load?.done ?? false;
  const loading = !done;
  const [stageFilter, setStageFilter] = useState<CellStage | 'ALL'>('ALL');
  const [search, setSearch] = useState('');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [mineOnly, setMineOnly] = useState(false);
  const [showSandboxes, setShowSandboxes] = useState(false);
  // Overdue months and "my clients" mark the board: asked once it is in, not competing with it.
  const mine = useMyClients(done);
  const [openCell, setOpenCell] = useState<OpenCell | null>(null);
  // The exceptions inbox's answer marks overdue months; the board still shows if it is refused.
  const exceptions = useQuery(CloseExceptionsQuery, { skip: !done });
  const overdue = useMemo(() => {
    const days = new Map<string, number>();
    for (const x of exceptions.data?.closeExceptions ?? []) {
      if ((x.kind === 'MONTH_OPEN_OVERDUE' || x.kind === 'APPROVAL_OVERDUE') && x.year === year && x.month) {
        days.set(`${x.client.id}:${x.month}`, x.daysOverdue ?? 0);
      }
    }
    return days;
  }, [exceptions.data, year]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` counts the load's chunks.
  const allRows = useMemo(() => rowsOf(load?.chunks ?? []), [load, version]);
  // Sandboxes are trials: out of the rows and the counts unless asked for.
  const rows = useMemo(() => allRows.filter((r) => showSandboxes || !r.sandbox), [allRows, showSandboxes]);
  const sandboxCount = allRows.length - allRows.filter((r) => !r.sandbox).length;
  // A board a refusal or a failure stopped part way is not drawn: the refusal alone says why.
  const data = !error && (rows.length > 0 || done) ? rows : null;
  useEffect(() => {
    if (done && !error) markStep('board-drawn');
  }, [done, error]);

  const counts = useMemo(() => {
    const c = new Map<CellStage, number>();
    for (const r of rows)
      for (const cell of r.cells) if (cell) c.set(cell.stage, (c.get(cell.stage) ?? 0) + 1);
    return c;
  }, [rows]);

  const isOverdue = (r: Row) => r.cells.some((_, i) => overdue.has(`${r.id}:${i + 1}`));
  // Each month's days overdue, or -1: a value the line's memo can compare.
  const lateOf = (r: Row) => r.cells.map((_, i) => overdue.get(`${r.id}:${i + 1}`) ?? -1).join(',');
  const visible = rows.filter(
    (r) =>
      (!overdueOnly || isOverdue(r)) &&
      (!mineOnly || mine.slugs.has(r.slug)) &&
      (stageFilter === 'ALL' || r.cells.some((c) => c?.stage === stageFilter)) &&
      (search.trim() === '' ||
        `${r.name} ${r.slug}`.toLocaleLowerCase().includes(search.trim().toLocaleLowerCase())),
  );

  return (
    <section aria-labelledby="board-title">
      <div className="screen-head">
        <h1 id="board-title">Close board {year}</h1>
        <nav className="year-nav" aria-label="Year">
          <Button className="button" onPress={() => navigate(`/?year=${year - 1}`)}>
            ← {year - 1}
          </Button>
          <Button className="button" onPress={() => navigate(`/?year=${year + 1}`)}>
            {year + 1} →
          </Button>
        </nav>
      </div>
      <div className="filters">
        <SearchField className="search" value={search} onChange={setSearch}>
          <Label>Search clients</Label>
          <Input className="input" />
        </SearchField>
        <StageFilter label="Stage" value={stageFilter} onChange={setStageFilter} />
        <Checkbox className="checkbox" isSelected={overdueOnly} onChange={setOverdueOnly}>
          <span className="checkbox-box" aria-hidden="true">
            {overdueOnly ? '✓' : ''}
          </span>
          Overdue only
        </Checkbox>
        <Checkbox className="checkbox" isSelected={mineOnly} onChange={setMineOnly} isDisabled={!mine.ready}>
          <span className="checkbox-box" aria-hidden="true">
            {mineOnly ? '✓' : ''}
          </span>
          My clients only{mine.ready ? ` (${mine.slugs.size})` : ''}
        </Checkbox>
        <Checkbox
          className="checkbox"
          isSelected={showSandboxes}
          onChange={setShowSandboxes}
          isDisabled={sandboxCount === 0}
        >
          <span className="checkbox-box" aria-hidden="true">
            {showSandboxes ? '✓' : ''}
          </span>
          Sandbox clients{sandboxCount > 0 ? ` (${sandboxCount})` : ''}
        </Checkbox>
      </div>
      {exceptions.error && !error && (
        <RefusalNotice error={exceptions.error} title="Overdue months could not be marked" />
      )}
      {mine.error && !error && <RefusalNotice error={mine.error} title="Your clients could not be marked" />}
      {error && <RefusalNotice error={error} title="The close board could not be loaded" />}
      {loading && !data && <Loading what="the close board" />}
      {data && (
        <>
          <ul className="stage-counts" aria-label="Client-months per stage">
            {CELL_STAGES.filter((s) => counts.get(s.stage)).map((s) => (
              <li key={s.stage} className={`stage stage-${s.stage}`}>
                {s.label}: <strong>{counts.get(s.stage)}</strong>
              </li>
            ))}
          </ul>
          <Suspense fallback={null}>
            <StageChart counts={JSON.stringify([...counts])} year={year} />
          </Suspense>
          {visible.length === 0 && error ? null : visible.length === 0 ? (
            // (Refused, the refusal above says why: an empty board is not "no client to see".)
            <p className="notice" role="status">
              {allRows.length === 0
                ? 'You may not see any client of the firm.'
                : mineOnly && mine.slugs.size === 0
                  ? 'No client is assigned to you: a client is yours when you hold a role on that client alone (People and roles).'
                  : 'No client matches these filters.'}
            </p>
          ) : (
            <ScrollRegion label="Close board table">
              <table className="board" aria-busy={loading} data-complete={done ? 'true' : 'false'}>
                <caption className="visually-hidden">
                  Close stage of each client for each month of {year}
                </caption>
                <thead>
                  <tr>
                    <th scope="col">Client</th>
                    {MONTH_KEYS.map((k, i) => (
                      <th scope="col" key={k}>
                        {monthLabel(i + 1)}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {visible.map((r) => (
                    <BoardLine key={r.id} row={r} year={year} late={lateOf(r)} onOpen={setOpenCell} />
                  ))}
                </tbody>
              </table>
            </ScrollRegion>
          )}
        </>
      )}
      {openCell && <MonthDetail cell={openCell} onClose={() => setOpenCell(null)} />}
    </section>
  );
}

const sameCells = (a: Row, b: Row) =>
  a.id === b.id &&
  a.name === b.name &&
  a.sandbox === b.sandbox &&
  a.cells.every(
    (c, i) =>
      c?.stage === b.cells[i]?.stage && c?.detail === b.cells[i]?.detail && c?.banks === b.cells[i]?.banks,
  );

/**
 * One client's line. 2,400 cells for 200 clients: each is a native button (keyboard and screen
 * readers need nothing more, and it costs a fraction of a component with its own hooks), and a line
 * renders again only when one of its cells or overdue marks changed — not on every chunk that
 * brings another quarter of other lines (docs/console.md, the board of 200 clients).
 */
const BoardLine = memo(
  function BoardLine({
    row: r,
    year,
    late: lateList,
    onOpen,
  }: {
    row: Row;
    year: number;
    /** Days overdue per month, -1 where not overdue, joined by commas. */
    late: string;
    onOpen: (cell: OpenCell) => void;
  }) {
    const late = lateList.split(',').map(Number);
    return (
      <tr data-client={r.slug}>
        <th scope="row">
          {r.name}
          <ClientMarks sandbox={r.sandbox} archived={false} />
        </th>
        {r.cells.map((cell, i) => {
          if (!cell)
            return (
              <td key={MONTH_KEYS[i]} className="stage stage-loading">
                …<span className="visually-hidden"> loading</span>
              </td>
            );
          const info = stageInfo(cell.stage);
          const days = (late[i] ?? -1) >= 0 ? late[i] : undefined;
          const when = monthYearLabel(year, i + 1);
          const overdueText = days !== undefined ? `, ${days} days overdue` : '';
          // Bank accounts not reconciled through the month's end: a small mark, said in words too.
          const bankText = cell.banks === false ? ', bank accounts not reconciled' : '';
          return (
            <td
              key={MONTH_KEYS[i]}
              className={`stage stage-${cell.stage}${days !== undefined ? ' overdue' : ''}`}
              data-banks={cell.banks === null ? undefined : String(cell.banks)}
              title={`${r.name}, ${when}: ${info.label}${cell.detail ? ` (${cell.detail})` : ''}${overdueText}${bankText}`}
            >
              <button
                type="button"
                className="cell-button"
                aria-label={`${r.name}, ${when}: ${info.label}${overdueText}${bankText}`}
                onClick={() => onOpen({ clientId: r.id, clientName: r.name, year, month: i + 1 })}
              >
                {info.short}
                {days !== undefined && <span aria-hidden="true"> !</span>}
                {cell.banks === false && (
                  <span className="bank-mark" aria-hidden="true">
                    {' '}
                    $
                  </span>
                )}
              </button>
            </td>
          );
        })}
      </tr>
    );
  },
  (a, b) => a.year === b.year && a.late === b.late && a.onOpen === b.onOpen && sameCells(a.row, b.row),
);

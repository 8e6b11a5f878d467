import { useMemo, useRef, useState } from 'react';
import {
  Button,
  Cell,
  Checkbox,
  Column,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  NumberField,
  Popover,
  Radio,
  RadioGroup,
  Row,
  SearchField,
  Select,
  type Selection,
  SelectValue,
  Table,
  TableBody,
  TableHeader,
} from 'react-aria-components';
import type { BatchPeriodAction } from '../../__generated__/graphql.ts';
import { isForbidden, Loading, RefusalNotice } from '../../components/refusal.tsx';
import { ScrollRegion } from '../../components/scroll-region.tsx';
import { StageFilter } from '../../components/stage-filter.tsx';
import { navigate, ROUTES } from '../../router.ts';
import { type CellStage, lastMonth, monthLabel, monthName, monthYearLabel, stageInfo } from '../../stages.ts';
import { useBatchClients, useStartBatch } from './data.ts';
import { ACTIONS, actionLabel, newIdempotencyKey } from './labels.ts';

interface Candidate {
  slug: string;
  name: string;
  stage: CellStage;
  periodState: string | null;
  closeStatus: string | null;
  /** The batch actions the person may start on this client (their role there). */
  actions: readonly BatchPeriodAction[];
}

/**
 * Pick clients (search, stage filter, select all shown), a month and an action, and start the
 * batch. One idempotency key per intent: a double click, or a retry after a lost answer, starts
 * one batch; changing anything, or a batch started, makes a new key. Only what the person's role
 * allows is offered: an action no client of theirs allows is not, a client where the chosen action
 * is not theirs cannot be picked, and someone who may start no batch at all is told so instead.
 */
export function BatchForm() {
  // The month a batch most often acts on: the one that just ended.
  const [when, setWhen] = useState(() => lastMonth());
  const [wanted, setAction] = useState<BatchPeriodAction>('LOCK_SALES');
  const [search, setSearch] = useState('');
  const [stageFilter, setStageFilter] = useState<CellStage | 'ALL'>('ALL');
  const [selected, setSelected] = useState<Set<string>>(() => new Set<string>());
  const key = useRef(newIdempotencyKey());
  const changed =
    <T,>(set: (v: T) => void) =>
    (v: T) => {
      key.current = newIdempotencyKey();
      set(v);
    };

  const { data, error, loading } = useBatchClients(when.year, when.month);
  const [start, started] = useStartBatch();

  const candidates = useMemo<Candidate[]>(
    () =>
      (data ?? [])
        .map((c) => ({
          slug: c.client.slug,
          name: c.client.name,
          stage: (c.availability === 'UNAVAILABLE' ? 'UNAVAILABLE' : (c.stage ?? 'NO_PERIOD')) as CellStage,
          periodState: c.periodState ?? null,
          closeStatus: c.closeStatus ?? null,
          actions: c.batchActions,
        }))
        .sort((a, b) => a.name.localeCompare(b.name)),
    [data],
  );
  // The actions some client allows; the one chosen falls back to the first of them.
  const offered = new Set(candidates.flatMap((c) => c.actions));
  const action = offered.has(wanted)
    ? wanted
    : (ACTIONS.find((a) => offered.has(a.action))?.action ?? wanted);
  const allows = (c: Candidate) => c.actions.includes(action);
  const needle = search.trim().toLocaleLowerCase();
  const shown = candidates.filter(
    (c) =>
      (stageFilter === 'ALL' || c.stage === stageFilter) &&
      (needle === '' || `${c.name} ${c.slug}`.toLocaleLowerCase().includes(needle)),
  );
  // Only clients of this month's board where the action is the person's can be in the batch (a
  // client gone from the board, or picked for another action, is left out and counted).
  const chosen = candidates.filter((c) => selected.has(c.slug) && allows(c)).map((c) => c.slug);
  const leftOut = candidates.filter((c) => selected.has(c.slug) && !allows(c)).length;

  const onSelection = changed((keys: Selection) => {
    if (keys === 'all') {
      // "Select all" selects every client shown (the filters' result) the action may be run on,
      // keeping those chosen before.
      setSelected(new Set([...selected, ...shown.filter(allows).map((c) => c.slug)]));
      return;
    }
    // Clients hidden by the filters stay chosen; the shown ones are as the table says.
    const next = new Set([...selected].filter((s) => !shown.some((c) => c.slug === s)));
    for (const k of keys) next.add(String(k));
    setSelected(next);
  });

  const submit = async () => {
    if (chosen.length === 0 || started.loading) return;
    const idempotencyKey = key.current;
    const r = await start({
      variables: { input: { tenants: chosen, year: when.year, month: when.month, action, idempotencyKey } },
    }).catch(() => null); // the refusal is shown from the mutation's state
    const batch = r?.data?.startBatchPeriodOperation;
    if (batch) {
      key.current = newIdempotencyKey();
      navigate(`${ROUTES.batch}?batch=${encodeURIComponent(batch.id)}`);
    }
  };

  const shownSelected = new Set(shown.filter((c) => selected.has(c.slug) && allows(c)).map((c) => c.slug));

  // Refused the board (no firm dashboard: a link typed by hand), there is nothing to pick from.
  if (!data && isForbidden(error)) {
    return (
      <section aria-labelledby="batch-form-title">
        <h2 id="batch-form-title">Start a batch</h2>
        <RefusalNotice error={error} title="The clients could not be loaded" />
      </section>
    );
  }
  if (data && candidates.length > 0 && offered.size === 0) {
    return (
      <section aria-labelledby="batch-form-title">
        <h2 id="batch-form-title">Start a batch</h2>
        <p className="notice" role="status" data-testid="batch-not-yours">
          Your role on the firm's clients starts no batch (that takes Period.Batch and the action's own
          permission there). You can follow the firm's batches below.
        </p>
      </section>
    );
  }

  return (
    <section aria-labelledby="batch-form-title">
      <h2 id="batch-form-title">Start a batch</h2>
      <BatchWhen
        when={when}
        onWhen={changed(setWhen)}
        action={action}
        onAction={changed(setAction)}
        offered={data ? offered : null}
      />

      <h3>Clients for {monthYearLabel(when.year, when.month)}</h3>
      <div className="filters">
        <SearchField className="search" value={search} onChange={setSearch}>
          <Label>Search clients</Label>
          <Input className="input" />
        </SearchField>
        <StageFilter label="Stage this month" value={stageFilter} onChange={setStageFilter} />
      </div>
      {error && <RefusalNotice error={error} title="The clients could not be loaded" />}
      {loading && !data && <Loading what="the clients" />}
      {data &&
        (shown.length === 0 ? (
          <p className="notice" role="status">
            {candidates.length === 0
              ? 'You may not see any client of the firm.'
              : 'No client matches these filters.'}
          </p>
        ) : (
          <CandidatesTable
            label={`Clients for ${monthYearLabel(when.year, when.month)}`}
            shown={shown}
            selected={shownSelected}
            notYours={new Set(shown.filter((c) => !allows(c)).map((c) => c.slug))}
            onSelection={onSelection}
          />
        ))}
      {started.error && <RefusalNotice error={started.error} title="The batch was not started" />}
      <div className="form-actions">
        <p role="status" className="muted" data-testid="batch-chosen">
          {chosen.length} of {candidates.length} clients chosen
          {chosen.length > shownSelected.size
            ? ` (${chosen.length - shownSelected.size} hidden by the filters)`
            : ''}
          {leftOut > 0
            ? `; ${leftOut} picked left out: your role there does not allow ${actionLabel(action).toLocaleLowerCase()}`
            : ''}
        </p>
        <Button
          className="button button-primary"
          isDisabled={chosen.length === 0 || started.loading}
          onPress={submit}
        >
          {started.loading
            ? 'Starting…'
            : `Start: ${ACTIONS.find((a) => a.action === action)?.label} for ${chosen.length} client${chosen.length === 1 ? '' : 's'}`}
        </Button>
      </div>
    </section>
  );
}

/** The month and year a batch acts on, and its action (those `offered` on some client, once known). */
function BatchWhen({
  when,
  onWhen,
  action,
  onAction,
  offered,
}: {
  when: { year: number; month: number };
  onWhen: (when: { year: number; month: number }) => void;
  action: BatchPeriodAction;
  onAction: (action: BatchPeriodAction) => void;
  offered: ReadonlySet<BatchPeriodAction> | null;
}) {
  return (
    <>
      <div className="filters">
        <Select
          className="select"
          selectedKey={when.month}
          onSelectionChange={(k) => onWhen({ ...when, month: Number(k) })}
        >
          <Label>Month</Label>
          <Button className="button select-button">
            <SelectValue />
            <span aria-hidden="true"> ▾</span>
          </Button>
          <Popover className="popover">
            <ListBox className="listbox">
              {Array.from({ length: 12 }, (_, i) => (
                <ListBoxItem key={monthLabel(i + 1)} id={i + 1} className="option">
                  {monthName(i + 1)}
                </ListBoxItem>
              ))}
            </ListBox>
          </Popover>
        </Select>
        <NumberField
          className="number-field"
          value={when.year}
          minValue={2000}
          maxValue={2999}
          formatOptions={{ useGrouping: false }}
          onChange={(y) => Number.isInteger(y) && onWhen({ ...when, year: y })}
        >
          <Label>Year</Label>
          <Input className="input input-short" />
        </NumberField>
      </div>
      <RadioGroup className="radio-group" value={action} onChange={(v) => onAction(v as BatchPeriodAction)}>
        <Label className="group-label">Action</Label>
        {ACTIONS.map((a) => {
          const notYours = offered !== null && !offered.has(a.action);
          return (
            <Radio key={a.action} value={a.action} className="radio" isDisabled={notYours}>
              <span className="radio-dot" aria-hidden="true" />
              {a.label}{' '}
              <span className="muted">({notYours ? 'your role allows it on no client' : a.hint})</span>
            </Radio>
          );
        })}
      </RadioGroup>
    </>
  );
}

/**
 * The clients shown, each with its month's stage, posting state and close, to pick from; those in
 * `notYours` (the action is not the person's there) are shown but cannot be picked.
 */
function CandidatesTable({
  label,
  shown,
  selected,
  notYours,
  onSelection,
}: {
  label: string;
  shown: Candidate[];
  selected: Set<string>;
  notYours: ReadonlySet<string>;
  onSelection: (keys: Selection) => void;
}) {
  return (
    <ScrollRegion label="Clients to pick">
      <Table
        aria-label={label}
        className="picker"
        selectionMode="multiple"
        selectedKeys={selected}
        disabledKeys={notYours}
        disabledBehavior="selection"
        onSelectionChange={onSelection}
      >
        <TableHeader>
          <Column className="picker-check">
            <PickBox label="Select all clients shown" />
          </Column>
          <Column isRowHeader>Client</Column>
          <Column>Stage</Column>
          <Column>Posting state</Column>
          <Column>Close</Column>
        </TableHeader>
        <TableBody items={shown}>
          {(c) => (
            <Row id={c.slug} className="picker-row">
              <Cell className="picker-check">
                <PickBox label={`Pick ${c.name}`} />
              </Cell>
              <Cell>
                {c.name}
                {notYours.has(c.slug) && <span className="muted"> · not yours to do here</span>}
              </Cell>
              <Cell className={`stage stage-${c.stage}`}>{stageInfo(c.stage).label}</Cell>
              <Cell>{c.periodState ?? '—'}</Cell>
              <Cell>{c.closeStatus ?? '—'}</Cell>
            </Row>
          )}
        </TableBody>
      </Table>
    </ScrollRegion>
  );
}

/** A row's (or the header's) selection checkbox, drawn by us, its state from React Aria. */
function PickBox({ label }: { label: string }) {
  return (
    <Checkbox slot="selection" className="checkbox" aria-label={label}>
      {({ isSelected, isIndeterminate }) => (
        <span className="checkbox-box" aria-hidden="true">
          {isIndeterminate ? '–' : isSelected ? '✓' : ''}
        </span>
      )}
    </Checkbox>
  );
}

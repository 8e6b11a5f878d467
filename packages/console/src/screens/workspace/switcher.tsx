import type { ApolloClient } from '@apollo/client';
import { useEffect, useState } from 'react';
import { Button, ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { ClientMarks } from '../../components/client-marks.tsx';
import { RefusalNotice } from '../../components/refusal.tsx';
import { useQuery } from '../../use-query.ts';
import { ClientSearchQuery } from './data.ts';

/** Clients the switcher lists at most: the API searches (a firm has up to 1,500), the box narrows. */
export const SWITCHER_PAGE = 20;

/** The search text, sent once typing pauses (a request per pause, not per key). */
function useSettled(value: string, ms = 250): string {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return settled;
}

/**
 * The client switcher: a search box over `tenantsConnection(search:)`, the API doing the search
 * (never every client loaded), the first SWITCHER_PAGE matches listed. Choosing one calls `onPick`.
 */
export function ClientSwitcher({
  firm,
  currentSlug,
  onPick,
  label = 'Switch client',
}: {
  firm: ApolloClient;
  currentSlug?: string;
  onPick: (slug: string) => void;
  label?: string;
}) {
  const [text, setText] = useState('');
  const search = useSettled(text.trim());
  const { data, previousData, error, loading } = useQuery(ClientSearchQuery, {
    client: firm,
    variables: { search: search || null, first: SWITCHER_PAGE },
  });
  const page = (data ?? previousData)?.tenantsConnection;
  const items = (page?.edges ?? []).map((e) => e.node);
  return (
    <div className="switcher">
      <ComboBox
        className="combobox"
        items={items}
        inputValue={text}
        onInputChange={setText}
        menuTrigger="focus"
        allowsEmptyCollection
        selectedKey={null}
        onSelectionChange={(key) => {
          if (key !== null) {
            setText('');
            onPick(String(key));
          }
        }}
      >
        <Label className="group-label">{label}</Label>
        <div className="combobox-field">
          <Input className="input" placeholder="Search by name or slug" />
          <Button className="button combobox-button" aria-label="Show clients">
            ▾
          </Button>
        </div>
        <Text slot="description" className="muted">
          {loading && !data
            ? 'Searching…'
            : page?.pageInfo.hasNextPage
              ? `The first ${items.length} matches: type to narrow.`
              : `${items.length} ${items.length === 1 ? 'client' : 'clients'}.`}
        </Text>
        <Popover className="popover">
          <ListBox className="listbox" renderEmptyState={() => <p className="option">No client matches.</p>}>
            {(c: (typeof items)[number]) => (
              <ListBoxItem className="option" id={c.slug} textValue={c.name}>
                {c.name} <span className="muted">({c.slug})</span>
                <ClientMarks sandbox={c.sandbox} archived={c.archived} />
                {c.slug === currentSlug ? ' · open' : ''}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
      {error && <RefusalNotice error={error} title="Your clients could not be searched" />}
    </div>
  );
}

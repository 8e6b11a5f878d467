import { useEffect, useState } from 'react';
import { Button, ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { RefusalNotice } from '../../components/refusal.tsx';
import { useQuery } from '../../use-query.ts';
import { PartyNameQuery, PartySearchQuery } from './documents-data.ts';

/** Parties the box lists at most: the API searches (a client may have thousands), the box narrows. */
const PARTY_PAGE = 20;

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
 * The documents' party filter: a search box over `parties(filter: { search })` (code, name or tax
 * id, searched by the API), and the party chosen — by id, read back with `party(id)` to show its
 * name — with a button to clear it.
 */
export function PartyFilter({
  partyId,
  onChange,
}: {
  partyId: string | null;
  onChange: (id: string | null) => void;
}) {
  const [text, setText] = useState('');
  const search = useSettled(text.trim());
  const { data, previousData, error, loading } = useQuery(PartySearchQuery, {
    variables: { search: search || null, first: PARTY_PAGE },
  });
  const chosen = useQuery(PartyNameQuery, { variables: { id: partyId ?? '' }, skip: !partyId });
  const page = (data ?? previousData)?.parties;
  const items = (page?.edges ?? []).map((e) => e.node);
  const party = chosen.data?.party;
  return (
    <div className="switcher party-filter">
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
            onChange(String(key));
          }
        }}
      >
        <Label className="group-label">Party</Label>
        <div className="combobox-field">
          <Input className="input" placeholder="Code, name or tax id" />
          <Button className="button combobox-button" aria-label="Show parties">
            ▾
          </Button>
        </div>
        <Text slot="description" className="muted" data-testid="party-filter-chosen">
          {partyId
            ? party
              ? `Only ${party.code} ${party.name}.`
              : chosen.loading
                ? 'Reading the party…'
                : 'No party of this client has that id.'
            : loading && !data
              ? 'Searching…'
              : page?.pageInfo.hasNextPage
                ? `Any party (the first ${items.length} matches listed: type to narrow).`
                : 'Any party.'}
        </Text>
        <Popover className="popover">
          <ListBox className="listbox" renderEmptyState={() => <p className="option">No party matches.</p>}>
            {(p: (typeof items)[number]) => (
              <ListBoxItem className="option" id={p.id} textValue={`${p.code} ${p.name}`}>
                {p.code} {p.name}{' '}
                <span className="muted">({p.kind === 'CUSTOMER' ? 'customer' : 'vendor'})</span>
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
      {partyId && (
        <Button className="button" onPress={() => onChange(null)}>
          Any party
        </Button>
      )}
      {error && <RefusalNotice error={error} title="The parties could not be searched" />}
    </div>
  );
}

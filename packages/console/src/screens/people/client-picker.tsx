import { useState } from 'react';
import { Button, ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { RefusalNotice } from '../../components/refusal.tsx';
import { ROLE_CLIENTS_SHOWN, useRoleClients } from './data.ts';

export interface PickedClient {
  slug: string;
  name: string;
}

/**
 * The client to give a role on: a search box over the clients the signed-in person may use (a firm
 * has up to 1,500), offering the first 20 whose name or slug contains what is typed.
 */
export function ClientPicker({ onChange }: { onChange: (client: PickedClient | null) => void }) {
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<string | null>(null);
  const { data, previousData, error } = useRoleClients(picked ? '' : text);
  const page = (data ?? previousData)?.tenantsConnection;
  const clients = page?.edges.map((e) => e.node) ?? [];
  return (
    <>
      <ComboBox
        className="search"
        items={clients}
        inputValue={text}
        onInputChange={(t) => {
          setText(t);
          if (picked) {
            setPicked(null);
            onChange(null);
          }
        }}
        selectedKey={picked}
        onSelectionChange={(key) => {
          const c = clients.find((x) => x.slug === key);
          setPicked(c?.slug ?? null);
          onChange(c ? { slug: c.slug, name: c.name } : null);
          if (c) setText(c.name);
        }}
        allowsEmptyCollection
        menuTrigger="focus"
      >
        <Label>Client</Label>
        <div className="combo">
          <Input className="input" placeholder="Type a client's name" />
          <Button className="button" aria-label="Show the clients">
            <span aria-hidden="true">▾</span>
          </Button>
        </div>
        {page?.pageInfo.hasNextPage && (
          <Text slot="description" className="muted">
            The first {ROLE_CLIENTS_SHOWN} shown: type to narrow.
          </Text>
        )}
        <Popover className="popover">
          <ListBox
            className="listbox"
            renderEmptyState={() => <p className="muted option">No client matches.</p>}
          >
            {(c: (typeof clients)[number]) => (
              <ListBoxItem id={c.slug} className="option" textValue={c.name}>
                {c.name}
              </ListBoxItem>
            )}
          </ListBox>
        </Popover>
      </ComboBox>
      {error && <RefusalNotice error={error} title="The clients could not be loaded" />}
    </>
  );
}

import { useMutation } from '@apollo/client/react';
import { useState } from 'react';
import { Button, Form, Input, Label, Text, TextField } from 'react-aria-components';
import { RefusalNotice } from '../../components/refusal.tsx';
import { MeQuery } from '../../operations.ts';
import { useQuery } from '../../use-query.ts';
import { UpdateFirmLocaleMutation } from './data.ts';
import { localePreview } from './locale-preview.ts';

/**
 * The firm's locale (FirmAdmin: `updateFirmLocale`, audited as `firm.locale_updated`): the tag
 * typed, a preview of an amount and a day in it as typed, and the console drawn again in it once
 * saved (the shell reads `me.firm.locale`). The API validates the tag (UNSUPPORTED_LOCALE).
 */
export function FirmLocale() {
  const me = useQuery(MeQuery, { fetchPolicy: 'cache-first' }).data?.me;
  const [tag, setTag] = useState<string | null>(null);
  // `me` read again before the typed tag is let go: the field shows the saved locale, not the old one.
  const [save, saved] = useMutation(UpdateFirmLocaleMutation, {
    refetchQueries: [MeQuery],
    awaitRefetchQueries: true,
  });
  if (!me?.mayDeactivatePeople) return null;
  const value = tag ?? me.firm.locale;
  const shown = localePreview(value.trim());
  return (
    <section className="subsection" aria-labelledby="firm-locale-title">
      <h2 id="firm-locale-title">Firm locale</h2>
      <Form
        className="filters"
        onSubmit={(e) => {
          e.preventDefault();
          void save({ variables: { locale: value.trim() } })
            .then(() => setTag(null))
            .catch(() => undefined);
        }}
      >
        <TextField className="search" value={value} onChange={setTag} isRequired>
          <Label>Locale (BCP 47)</Label>
          <Input className="input" data-testid="firm-locale-input" />
          <Text slot="description" className="muted" data-testid="firm-locale-preview">
            {shown ? `Amounts and dates as: ${shown}` : 'Not a locale this browser can format in'}
          </Text>
        </TextField>
        <Button
          type="submit"
          className="button button-primary"
          isDisabled={saved.loading || value.trim() === me.firm.locale}
        >
          {saved.loading ? 'Saving…' : 'Save locale'}
        </Button>
      </Form>
      {saved.error && <RefusalNotice error={saved.error} title="The locale was not changed" />}
    </section>
  );
}

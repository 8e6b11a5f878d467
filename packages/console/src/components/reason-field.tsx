import { Label, Text, TextArea, TextField } from 'react-aria-components';

const GRAPHEMES = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * The reason the API asks for wherever a change takes permissions away (and always to revoke or
 * remove): at least `min` characters, counted as you type, kept in the firm's trail.
 */
export function ReasonField({
  value,
  onChange,
  min,
  when,
  label = 'Reason',
}: {
  value: string;
  onChange: (v: string) => void;
  min: number;
  /** When the API asks for it, in words. */
  when: string;
  /** The field's name, where a page has more than one reason to give. */
  label?: string;
}) {
  // Counted as the API counts it (packages/domain's requireReason): characters that show, as read.
  const shown = value.replace(/[\p{Cf}\p{Cc}]/gu, (c) => ('\t\n\r'.includes(c) ? c : '')).trim();
  const length = [...GRAPHEMES.segment(shown)].length;
  return (
    <TextField className="text-field" value={value} onChange={onChange}>
      <Label>{label}</Label>
      <TextArea className="input textarea" rows={2} />
      <Text slot="description" className={length > 0 && length < min ? 'hint-short' : 'muted'}>
        {length} of at least {min} characters — {when}. Kept in the firm's audit trail.
      </Text>
    </TextField>
  );
}

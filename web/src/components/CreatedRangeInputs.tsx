import { TextInput } from '@mantine/core';

/** A filter bar's "Created from" / "Created before" pair (local date and time; `isoOf` turns them into the API's). */
export function CreatedRangeInputs({
  from,
  to,
  onChange,
}: {
  from: string;
  to: string;
  onChange: (which: 'from' | 'to', value: string) => void;
}) {
  return (
    <>
      <TextInput
        label="Created from"
        type="datetime-local"
        value={from}
        onChange={(e) => onChange('from', e.currentTarget.value)}
      />
      <TextInput
        label="Created before"
        type="datetime-local"
        value={to}
        onChange={(e) => onChange('to', e.currentTarget.value)}
      />
    </>
  );
}

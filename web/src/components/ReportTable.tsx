import { Table, Text } from '@mantine/core';
import { money } from '../load';

/** A report table's column: the API's field (also the column of the CSV/XLSX download) and its heading. */
export interface ReportColumn {
  key: string;
  label: string;
}

/**
 * One table of a report, with the columns of its download in the same order, so what the screen shows and what the
 * file holds are the same rows. Amounts (`…Minor`) show in their row's currency, `conversion` as a percentage,
 * `merchantId` as the merchant's name, an empty value as "—". Each heading carries its field in `data-key`.
 */
export function ReportTable({
  label,
  columns,
  rows,
  merchants,
}: {
  label: string;
  columns: ReportColumn[];
  rows: Array<Record<string, unknown>>;
  merchants?: Map<string, string> | undefined;
}) {
  const cell = (row: Record<string, unknown>, key: string): string => {
    const v = row[key];
    if (v === null || v === undefined || v === '') return '—';
    if (key.endsWith('Minor')) return money(Number(v), String(row.currency ?? ''));
    if (key === 'conversion') return `${(Number(v) * 100).toFixed(2)}%`;
    if (key === 'merchantId') return merchants?.get(String(v)) ?? String(v);
    return String(v);
  };
  if (rows.length === 0) {
    return (
      <Text c="dimmed" aria-label={label}>
        Nothing in this period.
      </Text>
    );
  }
  return (
    <Table.ScrollContainer minWidth={500}>
      <Table striped aria-label={label}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((c) => (
              <Table.Th key={c.key} data-key={c.key}>
                {c.label}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r, i) => (
            <Table.Tr key={i}>
              {columns.map((c) => (
                <Table.Td key={c.key}>{cell(r, c.key)}</Table.Td>
              ))}
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

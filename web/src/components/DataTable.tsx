import { Table } from '@mantine/core';
import type { ReactNode } from 'react';

/** One column of a {@link DataTable}: its header and what a row shows in it. */
export interface Column<T> {
  header: string;
  cell: (row: T) => ReactNode;
}

/**
 * A table named for assistive technology (`label`, which tests find it by too), with a header row; columns that are
 * `false` are left out (for example an Actions column the person's role may not use).
 */
export function DataTable<T>(props: {
  label: string;
  columns: ReadonlyArray<Column<T> | false>;
  rows: readonly T[];
  rowKey: (row: T) => string;
}) {
  const columns = props.columns.filter((c): c is Column<T> => c !== false);
  return (
    <Table striped aria-label={props.label}>
      <Table.Thead>
        <Table.Tr>
          {columns.map((c) => (
            <Table.Th key={c.header}>{c.header}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {props.rows.map((row) => (
          <Table.Tr key={props.rowKey(row)}>
            {columns.map((c) => (
              <Table.Td key={c.header}>{c.cell(row)}</Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

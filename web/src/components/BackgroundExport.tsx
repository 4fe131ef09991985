import { Alert, Button, Group, Select, Text } from '@mantine/core';
import { useEffect, useState } from 'react';
import type { paths } from '../api/openapi';
import { api, messageOf } from '../api/client';

type ExportRequest = NonNullable<
  paths['/api/v1/reports/exports']['post']['requestBody']
>['content']['application/json'];
export type OrderExportFilters = NonNullable<ExportRequest['filters']>;
type ExportStatus = { id: string; status: 'running' | 'ready' | 'failed'; rows: number | null; error: string | null };

/**
 * "Export" of a list in the background (docs/reports.md): starts the export of the list with the filters it shows
 * now, shows its status while the worker writes the file (polled each second) and a Download link when it is ready.
 */
export function BackgroundExport({ filters }: { filters: OrderExportFilters }) {
  const [format, setFormat] = useState<'csv' | 'xlsx'>('csv');
  const [job, setJob] = useState<ExportStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const start = async () => {
    setError(null);
    const r = await api.POST('/api/v1/reports/exports', { body: { report: 'orders', format, filters } });
    if (r.error) setError(messageOf(r));
    else setJob(r.data);
  };
  useEffect(() => {
    if (job?.status !== 'running') return;
    const timer = setTimeout(() => {
      void api.GET('/api/v1/reports/exports/{id}', { params: { path: { id: job.id } } }).then((r) => {
        if (r.data) setJob(r.data);
        else setError(messageOf(r));
      });
    }, 1_000);
    return () => clearTimeout(timer);
  }, [job]);
  return (
    <Group align="end" aria-label="Export">
      <Select
        label="Export format"
        data={[
          { value: 'csv', label: 'CSV' },
          { value: 'xlsx', label: 'XLSX' },
        ]}
        value={format}
        onChange={(v) => setFormat(v === 'xlsx' ? 'xlsx' : 'csv')}
        allowDeselect={false}
        w={110}
      />
      <Button variant="default" onClick={() => void start()} disabled={job?.status === 'running'}>
        Export
      </Button>
      {job && (
        <Text data-testid="export-status" role="status">
          {job.status === 'running' && 'Export running…'}
          {job.status === 'ready' && `Export ready: ${job.rows} rows`}
          {job.status === 'failed' && `Export failed: ${job.error ?? ''}`}
        </Text>
      )}
      {job?.status === 'ready' && (
        <Button component="a" href={`/api/v1/reports/exports/${job.id}/download`} download>
          Download
        </Button>
      )}
      {error && (
        <Alert color="red" role="alert">
          {error}
        </Alert>
      )}
    </Group>
  );
}

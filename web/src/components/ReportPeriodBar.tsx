import { Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useMemo, useState, type FormEvent } from 'react';
import { MerchantSelect } from './MerchantSelect';

/** A report's query: whole days `from`..`to` (both included) in an IANA zone; an operator may name a merchant. */
export interface ReportPeriod {
  from: string;
  to: string;
  timeZone: string;
  merchantId?: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/** The last 30 days, in UTC: the period a report opens with. */
export function defaultPeriod(): ReportPeriod {
  const today = new Date();
  return { from: day(new Date(today.getTime() - 29 * 86_400_000)), to: day(today), timeZone: 'UTC' };
}

/** The query string of a report for a period (and a download's format). */
export function reportQueryString(p: ReportPeriod, format?: 'csv' | 'xlsx'): string {
  return new URLSearchParams({
    from: p.from,
    to: p.to,
    timeZone: p.timeZone,
    ...(p.merchantId ? { merchantId: p.merchantId } : {}),
    ...(format ? { format } : {}),
  }).toString();
}

/**
 * The bar above every report: the period (from / to days), the time zone, the merchant (operators), Apply; and the
 * report's direct downloads, Export CSV and Export XLSX, of the period applied (the server streams the same rows).
 */
export function ReportPeriodBar({
  report,
  applied,
  onApply,
  pickMerchant = false,
}: {
  /** The report's path under /api/v1/reports. */
  report: string;
  applied: ReportPeriod;
  onApply: (p: ReportPeriod) => void;
  /** Operators pick a merchant (or all); a merchant user has none to pick (the server binds their own). */
  pickMerchant?: boolean;
}) {
  const [draft, setDraft] = useState<ReportPeriod>(applied);
  const zones = useMemo(() => ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')], []);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  const exportHref = (format: 'csv' | 'xlsx') =>
    `/api/v1/reports/${report}/export?${reportQueryString(applied, format)}`;
  return (
    <form onSubmit={apply} aria-label="Report period">
      <Group align="end" wrap="wrap">
        <TextInput
          label="From"
          type="date"
          required
          value={draft.from}
          onChange={(e) => {
            const from = e.currentTarget.value;
            setDraft((d) => ({ ...d, from }));
          }}
        />
        <TextInput
          label="To"
          type="date"
          required
          value={draft.to}
          onChange={(e) => {
            const to = e.currentTarget.value;
            setDraft((d) => ({ ...d, to }));
          }}
        />
        <Select
          label="Time zone"
          data={zones}
          value={draft.timeZone}
          onChange={(v) => setDraft((d) => ({ ...d, timeZone: v ?? 'UTC' }))}
          searchable
          allowDeselect={false}
          w={220}
        />
        {pickMerchant && (
          <MerchantSelect
            placeholder="All merchants"
            value={draft.merchantId ?? ''}
            onChange={(v) => setDraft(({ merchantId: _, ...d }) => (v ? { ...d, merchantId: v } : d))}
            clearable
            w={220}
          />
        )}
        <Button type="submit">Apply</Button>
        <Button component="a" variant="default" href={exportHref('csv')} download>
          Export CSV
        </Button>
        <Button component="a" variant="default" href={exportHref('xlsx')} download>
          Export XLSX
        </Button>
      </Group>
    </form>
  );
}

/** Which query the figures on screen answer (shown once they have arrived, so a change of period is seen to land). */
export function ReportShown({ period, merchants }: { period: ReportPeriod; merchants?: Map<string, string> }) {
  const merchant = period.merchantId ? (merchants?.get(period.merchantId) ?? period.merchantId) : null;
  return (
    <Text size="sm" c="dimmed" data-testid="report-shown">
      {period.from} – {period.to} ({period.timeZone}){merchant ? `, ${merchant}` : ''}
    </Text>
  );
}

import { Alert, Group, Stack, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/client';
import { ReportBarChart } from '../components/ReportBarChart';
import { defaultPeriod, ReportPeriodBar, ReportShown, type ReportPeriod } from '../components/ReportPeriodBar';
import { useMerchantNames } from '../components/useMerchantNames';
import { ReportTable, type ReportColumn } from '../components/ReportTable';
import { useLoad } from '../load';
import { useSession } from '../session';

const CONVERSION: ReportColumn[] = [
  { key: 'orders', label: 'Orders' },
  { key: 'successful', label: 'Successful' },
  { key: 'conversion', label: 'Conversion' },
];
const CONVERSION_BAR = [{ key: 'conversion', name: 'Conversion', color: '#40c057' }];
const ORDERS_BAR = [{ key: 'orders', name: 'Orders', color: '#fa5252' }];

/** One section of the report: its heading, its chart and the table under it (the chart's rows). */
function Section({
  title,
  rows,
  category,
  columns,
  series,
  percent,
}: {
  title: string;
  rows: Array<Record<string, unknown>>;
  category: string;
  columns: ReportColumn[];
  series: Array<{ key: string; name: string; color: string }>;
  percent?: boolean;
}) {
  return (
    <Stack gap="xs">
      <Title order={3}>{title}</Title>
      {rows.length > 0 && (
        <ReportBarChart label={title} data={rows} category={category} series={series} percent={percent ?? false} />
      )}
      <ReportTable label={title} columns={columns} rows={rows} />
    </Stack>
  );
}

const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)} s`);

/**
 * Payment analytics (issue 18): conversion by gateway, method and hour of day (in the zone); declines by the history
 * code's RR reason and by the PSP's raw code; the cascade effect; time to final status p50/p95. A chart each, with its
 * table under it; the tables are the sheets of the XLSX download, in the same order (CSV: the first).
 */
export function PaymentAnalyticsScreen({ operator }: { operator: boolean }) {
  const { account } = useSession();
  const [period, setPeriod] = useState<ReportPeriod>(defaultPeriod);
  const report = useLoad(async () => {
    const r = await api.GET('/api/v1/reports/payment-analytics', { params: { query: period } });
    return { data: r.data && { ...r.data, shown: period }, error: r.error };
  }, [period]);
  const r = report.data;
  const merchants = useMerchantNames(operator, [r?.shown.merchantId], account?.merchant);
  const times = r
    ? [
        { percentile: 'p50', seconds: (r.timeToFinalMs.p50 ?? 0) / 1000 },
        { percentile: 'p95', seconds: (r.timeToFinalMs.p95 ?? 0) / 1000 },
      ]
    : [];
  return (
    <Stack>
      <Title order={2}>Payment analytics</Title>
      <ReportPeriodBar report="payment-analytics" applied={period} onApply={setPeriod} pickMerchant={operator} />
      {report.error && (
        <Alert color="red" role="alert">
          {report.error}
        </Alert>
      )}
      {r && (
        <>
          <ReportShown period={r.shown} merchants={merchants} />
          <Section
            title="Conversion by gateway"
            rows={r.byGateway}
            category="gatewayId"
            columns={[{ key: 'gatewayId', label: 'Gateway' }, ...CONVERSION]}
            series={CONVERSION_BAR}
            percent
          />
          <Section
            title="Conversion by method"
            rows={r.byMethod}
            category="method"
            columns={[{ key: 'method', label: 'Method' }, ...CONVERSION]}
            series={CONVERSION_BAR}
            percent
          />
          <Section
            title="Conversion by hour"
            rows={r.byHour}
            category="hour"
            columns={[{ key: 'hour', label: `Hour (${r.shown.timeZone})` }, ...CONVERSION]}
            series={CONVERSION_BAR}
            percent
          />
          <Section
            title="Declines by reason"
            rows={r.declinesByReason}
            category="reason"
            columns={[
              { key: 'reason', label: 'Reason (RR of the history code)' },
              { key: 'orders', label: 'Orders' },
            ]}
            series={ORDERS_BAR}
          />
          <Section
            title="Declines by PSP code"
            rows={r.declinesByPspCode}
            category="pspCode"
            columns={[
              { key: 'gatewayId', label: 'Gateway' },
              { key: 'pspCode', label: "PSP's code" },
              { key: 'orders', label: 'Orders' },
            ]}
            series={ORDERS_BAR}
          />
          <Stack gap="xs">
            <Section
              title="Cascade effect"
              rows={r.cascade.byPosition}
              category="position"
              columns={[
                { key: 'position', label: "Gateway's place in the cascade" },
                { key: 'successful', label: 'Successful' },
              ]}
              series={[{ key: 'successful', name: 'Successful', color: '#40c057' }]}
            />
            <Text data-testid="cascade-saved">
              {r.cascade.savedByLaterGateway} of {r.cascade.successful} successful orders saved by a second or later
              gateway
            </Text>
          </Stack>
          <Stack gap="xs">
            <Title order={3}>Time to final status</Title>
            <ReportBarChart
              label="Time to final status"
              data={times}
              category="percentile"
              series={[{ key: 'seconds', name: 'Seconds', color: '#7950f2' }]}
            />
            <Group data-testid="time-to-final">
              <Text>p50: {seconds(r.timeToFinalMs.p50)}</Text>
              <Text>p95: {seconds(r.timeToFinalMs.p95)}</Text>
            </Group>
          </Stack>
        </>
      )}
    </Stack>
  );
}

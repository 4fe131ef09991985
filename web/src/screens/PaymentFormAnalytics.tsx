import { Alert, Stack, Title } from '@mantine/core';
import { useMemo, useState } from 'react';
import { api } from '../api/client';
import { ReportBarChart } from '../components/ReportBarChart';
import { defaultPeriod, ReportPeriodBar, ReportShown, type ReportPeriod } from '../components/ReportPeriodBar';
import { merchantIdsOf, useMerchantNames } from '../components/useMerchantNames';
import { ReportTable, type ReportColumn } from '../components/ReportTable';
import { useLoad } from '../load';
import { useSession } from '../session';

const STEPS = [
  { key: 'created', name: 'Form created', color: '#228be6' },
  { key: 'visited', name: 'Visited', color: '#15aabf' },
  { key: 'submitted', name: 'Submitted', color: '#12b886' },
  { key: 'threeDs', name: '3DS', color: '#fab005' },
  { key: 'success', name: 'Success', color: '#40c057' },
];
const COLUMNS: ReportColumn[] = [
  { key: 'merchantId', label: 'Merchant' },
  { key: 'day', label: 'Day' },
  ...STEPS.map((s) => ({ key: s.key, label: s.name })),
  { key: 'cancelled', label: 'Cancelled' },
  { key: 'abandoned', label: 'Abandoned' },
  { key: 'expired', label: 'Expired' },
  { key: 'refusedCards', label: 'Refused cards' },
];

/** Payment-form analytics (issue 18): the hosted page's funnel, by merchant and day; the chart sums the period. */
export function PaymentFormAnalyticsScreen({ operator }: { operator: boolean }) {
  const { account } = useSession();
  const [period, setPeriod] = useState<ReportPeriod>(defaultPeriod);
  const report = useLoad(async () => {
    const r = await api.GET('/api/v1/reports/payment-form', { params: { query: period } });
    return { data: r.data && { ...r.data, shown: period }, error: r.error };
  }, [period]);
  const rows = report.data?.rows;
  const merchants = useMerchantNames(
    operator,
    [report.data?.shown.merchantId, ...merchantIdsOf(rows)],
    account?.merchant,
  );
  const funnel = useMemo(
    () =>
      STEPS.map((s) => ({
        step: s.name,
        orders: (rows ?? []).reduce((n, r) => n + Number(r[s.key as keyof typeof r]), 0),
      })),
    [rows],
  );
  return (
    <Stack>
      <Title order={2}>Payment-form analytics</Title>
      <ReportPeriodBar report="payment-form" applied={period} onApply={setPeriod} pickMerchant={operator} />
      {report.error && (
        <Alert color="red" role="alert">
          {report.error}
        </Alert>
      )}
      {rows && report.data && (
        <>
          <ReportShown period={report.data.shown} merchants={merchants} />
          <Title order={3}>Funnel</Title>
          <ReportBarChart
            label="Funnel"
            data={funnel}
            category="step"
            series={[{ key: 'orders', name: 'Orders', color: '#228be6' }]}
          />
          <ReportTable label="Funnel by merchant and day" columns={COLUMNS} rows={rows} merchants={merchants} />
        </>
      )}
    </Stack>
  );
}

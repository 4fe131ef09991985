import { Alert, Stack, Title } from '@mantine/core';
import { useState } from 'react';
import { api } from '../api/client';
import { defaultPeriod, ReportPeriodBar, ReportShown, type ReportPeriod } from '../components/ReportPeriodBar';
import { merchantIdsOf, useMerchantNames } from '../components/useMerchantNames';
import { ReportTable, type ReportColumn } from '../components/ReportTable';
import { useLoad } from '../load';
import { useSession } from '../session';

const GROUP: ReportColumn[] = [
  { key: 'merchantId', label: 'Merchant' },
  { key: 'mode', label: 'Mode' },
  { key: 'currency', label: 'Currency' },
  { key: 'direction', label: 'Direction' },
];
const OUTCOME: ReportColumn[] = [
  { key: 'orders', label: 'Orders' },
  { key: 'successful', label: 'Successful' },
  { key: 'failed', label: 'Failed' },
  { key: 'conversion', label: 'Conversion' },
  { key: 'turnoverMinor', label: 'Turnover' },
  { key: 'commissionMinor', label: 'Commissions' },
  { key: 'netMinor', label: 'Net' },
];
const BALANCES: ReportColumn[] = [
  { key: 'merchantId', label: 'Merchant' },
  { key: 'mode', label: 'Mode' },
  { key: 'currency', label: 'Currency' },
  { key: 'openingMinor', label: 'Opening balance' },
  { key: 'closingMinor', label: 'Closing balance' },
];

/** Summary report (issue 18): per merchant, currency and direction; per gateway; opening and closing balances. */
export function SummaryReportScreen({ operator }: { operator: boolean }) {
  const { account } = useSession();
  const [period, setPeriod] = useState<ReportPeriod>(defaultPeriod);
  const report = useLoad(async () => {
    const r = await api.GET('/api/v1/reports/summary', { params: { query: period } });
    return { data: r.data && { ...r.data, shown: period }, error: r.error };
  }, [period]);
  const r = report.data;
  const merchants = useMerchantNames(
    operator,
    [r?.shown.merchantId, ...merchantIdsOf(r?.rows, r?.gateways, r?.balances)],
    account?.merchant,
  );
  return (
    <Stack>
      <Title order={2}>Summary report</Title>
      <ReportPeriodBar report="summary" applied={period} onApply={setPeriod} pickMerchant={operator} />
      {report.error && (
        <Alert color="red" role="alert">
          {report.error}
        </Alert>
      )}
      {r && (
        <>
          <ReportShown period={r.shown} merchants={merchants} />
          <Title order={3}>By merchant, currency and direction</Title>
          <ReportTable label="Summary" columns={[...GROUP, ...OUTCOME]} rows={r.rows} merchants={merchants} />
          <Title order={3}>By gateway</Title>
          <ReportTable
            label="By gateway"
            columns={[...GROUP, { key: 'gatewayId', label: 'Gateway' }, ...OUTCOME]}
            rows={r.gateways}
            merchants={merchants}
          />
          <Title order={3}>Balances</Title>
          <ReportTable label="Balances" columns={BALANCES} rows={r.balances} merchants={merchants} />
        </>
      )}
    </Stack>
  );
}

import { Box } from '@mantine/core';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** A bar chart of a report table (recharts): one bar per series, the categories along the x axis. */
export function ReportBarChart({
  label,
  data,
  category,
  series,
  percent = false,
}: {
  label: string;
  data: Array<Record<string, unknown>>;
  /** The field along the x axis. */
  category: string;
  series: Array<{ key: string; name: string; color: string }>;
  /** Values are ratios 0..1, shown as percentages. */
  percent?: boolean;
}) {
  const rows = data.map((r) => ({ ...r, [category]: r[category] ?? '—' }));
  const format = (v: unknown) => (percent ? `${(Number(v) * 100).toFixed(0)}%` : String(v));
  return (
    <Box role="img" aria-label={`${label} chart`} h={240}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey={category} tickFormatter={(v: unknown) => String(v).slice(0, 12)} />
          <YAxis tickFormatter={format} domain={percent ? [0, 1] : [0, 'auto']} allowDecimals={percent} />
          <Tooltip formatter={(v: unknown) => format(v)} />
          {series.length > 1 && <Legend />}
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </Box>
  );
}

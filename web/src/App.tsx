import { Anchor, AppShell, Badge, Button, Center, Group, Loader, NavLink, Text, Title } from '@mantine/core';
import { lazy, Suspense } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router';
import { api } from './api/client';
import { SessionProvider, useSession } from './session';
import { AccountScreen } from './screens/Account';
import { AuditLogScreen } from './screens/AuditLog';
import { BalancesScreen } from './screens/Balances';
import { BlacklistScreen } from './screens/Blacklist';
import { LinkScreen } from './screens/Link';
import { MerchantsScreen } from './screens/Merchants';
// Head's operator screens (docs/web-app.md): one merchant's configuration, the gateways.
import { GatewaysScreen } from './screens/Gateways';
import { MerchantScreen } from './screens/Merchant';
import { OrderScreen } from './screens/Order';
import { OrdersScreen } from './screens/Orders';
import { SignInScreen } from './screens/SignIn';
import { TeamScreen } from './screens/Team';
import { ApiKeysScreen } from './screens/ApiKeys';
import { CallbackDeliveriesScreen } from './screens/CallbackDeliveries';
// Issue 17: the Issues board and Secure data (one-time secrets), in both cabinets.
import { IssueScreen } from './screens/Issue';
import { IssuesScreen } from './screens/Issues';
import { SecureDataScreen } from './screens/SecureData';
const ISSUES_MENU = [
  ['/issues', 'Issues'],
  ['/secure-data', 'Secure data'],
] as const;

/**
 * Two faces of one application (issue 16): Head for operators, MerchHead for merchant users. The menu shows the
 * screens the signed-in person's kind has; the server decides every request on its own.
 */
const HEAD = [
  ['/orders', 'Orders'],
  ['/merchants', 'Merchants'],
  ['/gateways', 'Gateways'],
  ['/blacklist', 'Black list'],
  ['/audit-log', 'Audit log'],
  ...ISSUES_MENU,
  ['/account', 'My Account'],
] as const;
const MERCH_HEAD = [
  ['/orders', 'Orders'],
  ['/balances', 'Balances'],
  ['/blacklist', 'Black list'],
  ['/keys', 'API keys'],
  ['/callbacks', 'Callbacks'],
  ['/team', 'Team'],
  ...ISSUES_MENU,
  ['/account', 'My Account'],
] as const;
// The reports of issue 18, in both menus, for the roles the server lets read them; loaded when first opened (the
// charts' library is most of their weight).
const REPORTS = [
  [
    '/reports/summary',
    'Summary report',
    'reports:summary:read',
    lazy(() => import('./screens/SummaryReport').then((m) => ({ default: m.SummaryReportScreen }))),
  ],
  [
    '/reports/payment-analytics',
    'Payment analytics',
    'reports:payment-analytics:read',
    lazy(() => import('./screens/PaymentAnalytics').then((m) => ({ default: m.PaymentAnalyticsScreen }))),
  ],
  [
    '/reports/payment-form',
    'Payment-form analytics',
    'reports:payment-form:read',
    lazy(() => import('./screens/PaymentFormAnalytics').then((m) => ({ default: m.PaymentFormAnalyticsScreen }))),
  ],
] as const;

export function App() {
  return (
    <SessionProvider>
      <Routes>
        <Route path="/sign-in" element={<SignInScreen />} />
        <Route path="/sign-in/link" element={<LinkScreen />} />
        <Route path="*" element={<SignedIn />} />
      </Routes>
    </SessionProvider>
  );
}

function SignedIn() {
  const { account, reload, can } = useSession();
  const location = useLocation();
  const navigate = useNavigate();
  if (account === undefined) {
    return (
      <Center h="100vh">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (account === null) return <Navigate to="/sign-in" replace state={{ from: location.pathname }} />;
  const operator = account.user.kind === 'operator';
  const reports = REPORTS.filter(([, , action]) => can(action));
  const menu = [...(operator ? HEAD : MERCH_HEAD), ...reports.map(([path, label]) => [path, label] as const)];
  const signOut = async () => {
    await api.POST('/api/v1/auth/sign-out');
    await reload();
    navigate('/sign-in');
  };
  return (
    <AppShell header={{ height: 56 }} navbar={{ width: 220, breakpoint: 'sm' }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group>
            <Title order={3}>{operator ? 'PayStar Head' : 'PayStar MerchHead'}</Title>
            {account.merchant && <Text c="dimmed">{account.merchant.name}</Text>}
          </Group>
          <Group>
            <Text size="sm" data-testid="signed-in-as">
              {account.user.email}
            </Text>
            <Badge variant="light">{account.user.role}</Badge>
            <Button variant="subtle" onClick={() => void signOut()}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" component="nav" aria-label="Main">
        {menu.map(([path, label]) => (
          <NavLink
            key={path}
            component={Link}
            to={path}
            label={label}
            active={location.pathname === path || location.pathname.startsWith(`${path}/`)}
          />
        ))}
        <NavLink component="a" href="/docs" label="API docs" />
      </AppShell.Navbar>
      <AppShell.Main>
        <Routes>
          <Route path="/" element={<Navigate to="/orders" replace />} />
          <Route path="/orders" element={<OrdersScreen operator={operator} />} />
          <Route path="/orders/:id" element={<OrderScreen operator={operator} />} />
          <Route path="/blacklist" element={<BlacklistScreen operator={operator} />} />
          <Route path="/account" element={<AccountScreen />} />
          {operator && <Route path="/merchants" element={<MerchantsScreen />} />}
          {operator && <Route path="/merchants/:id" element={<MerchantScreen />} />}
          {operator && <Route path="/gateways" element={<GatewaysScreen />} />}
          {operator && <Route path="/audit-log" element={<AuditLogScreen />} />}
          {!operator && <Route path="/balances" element={<BalancesScreen />} />}
          {!operator && <Route path="/team" element={<TeamScreen />} />}
          {!operator && <Route path="/keys" element={<ApiKeysScreen />} />}
          {!operator && <Route path="/callbacks" element={<CallbackDeliveriesScreen />} />}
          <Route path="/issues" element={<IssuesScreen operator={operator} />} />
          <Route path="/issues/:id" element={<IssueScreen operator={operator} />} />
          <Route path="/secure-data" element={<SecureDataScreen />} />
          {reports.map(([path, , , Screen]) => (
            <Route
              key={path}
              path={path}
              element={
                <Suspense fallback={<Loader aria-label="Loading" />}>
                  <Screen operator={operator} />
                </Suspense>
              }
            />
          ))}
          <Route
            path="*"
            element={
              <Text>
                No such screen.{' '}
                <Anchor component={Link} to="/orders">
                  Orders
                </Anchor>
              </Text>
            }
          />
        </Routes>
      </AppShell.Main>
    </AppShell>
  );
}

import type { SessionClient } from './session-client';

/** A fetch that sends the session's cookies and keeps every request it made (to check what reached the server). */
export function sessionFetch(client: SessionClient) {
  const sent: string[] = [];
  const f: typeof fetch = (input, init) => {
    sent.push(`${String(input)} ${typeof init?.body === 'string' ? init.body : ''}`);
    const cookie = [...client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    return fetch(input, { ...init, headers: { ...(init?.headers as Record<string, string>), cookie } });
  };
  return { fetch: f, sent, csrfToken: client.jar.get('ps_csrf')! };
}

/** Every Source's fields, filled as the wizard would (secret links made by the caller). */
export function sourceFieldsFor(
  source: string,
  links: { testApiKey: string; prodApiKey: string; testCard: string },
): Record<string, string> {
  switch (source) {
    case 'Head':
      return { module: 'Finance reports' };
    case 'MerchHead':
      return { module: 'Notifications' };
    case 'API':
      return { docKind: 'error text' };
    default:
      return {
        gatewayName: 'Example Bank',
        direction: 'deposit',
        techContact: '@example_bank_tech',
        testApiKey: links.testApiKey,
        prodApiKey: links.prodApiKey,
        apiDoc: 'https://docs.example.test/api',
        testBalance: '1000 USD',
        testCard: links.testCard,
      };
  }
}

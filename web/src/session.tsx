import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { allows, api, type Account } from './api/client';

interface SessionState {
  /** undefined while loading, null when nobody is signed in. */
  account: Account | null | undefined;
  reload: () => Promise<void>;
  can: (action: string) => boolean;
}

const SessionContext = createContext<SessionState>({ account: undefined, reload: async () => {}, can: () => false });

/** Who is signed in (GET /api/v1/account), for every screen. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [account, setAccount] = useState<Account | null | undefined>(undefined);
  const reload = useCallback(async () => {
    const { data } = await api.GET('/api/v1/account');
    setAccount(data ?? null);
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  const can = useCallback((action: string) => !!account && allows(account.permissions, action), [account]);
  return <SessionContext.Provider value={{ account, reload, can }}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);

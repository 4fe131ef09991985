import '@mantine/core/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { App } from './App';
import { SecretRevealScreen } from './screens/SecretReveal';

const theme = createTheme({ primaryColor: 'indigo', defaultRadius: 'sm' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      {/* A one-time secret link (/secrets/<id>#<key>) opens its page without the signed-in application. */}
      {/^\/(app\/)?secrets\//.test(window.location.pathname) ? (
        <SecretRevealScreen />
      ) : (
        <BrowserRouter basename="/app">
          <App />
        </BrowserRouter>
      )}
    </MantineProvider>
  </StrictMode>,
);

/// <reference lib="dom" />
// The dashboard's entry: asks whether this browser is signed in, then shows
// the sign-in form or the page the address names (#/querylog, #/dhcp, ...).
import { html, render } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { api, startSession } from './api.ts';
import { messageOf } from './live.ts';
import { Login } from './pages/login.ts';
import { Shell } from './shell.ts';
import type { SessionInfo } from './types.ts';

function App() {
  const [session, setSession] = useState<SessionInfo | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const signedOut = () => setSession({ signedIn: false });
  const signedIn = (next: SessionInfo) => {
    startSession(next, signedOut);
    setSession(next);
  };
  useEffect(() => {
    api.session().then(signedIn, (failure: unknown) => setError(messageOf(failure)));
  }, []);
  if (error) return html`<main><p class="alert" role="alert">hearth does not answer: ${error}</p></main>`;
  if (!session) return html`<main><p class="loading">Loading hearth…</p></main>`;
  if (!session.signedIn) return html`<${Login} onSignedIn=${signedIn} />`;
  return html`<${Shell}
    onSignOut=${async () => {
      await api.signOut().catch(() => undefined);
      signedOut();
    }}
  />`;
}

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}

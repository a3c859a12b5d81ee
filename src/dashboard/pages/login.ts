/// <reference lib="dom" />
// Sign in with the API token (from api.token_file). The token goes to
// POST /session once; the browser keeps only the session cookie.
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { api, ApiFailure } from '../api.ts';
import { messageOf } from '../live.ts';
import type { SessionInfo } from '../types.ts';

export function Login({ onSignedIn }: { onSignedIn: (session: SessionInfo) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      onSignedIn(await api.signIn(token.trim()));
    } catch (failure) {
      setError(failure instanceof ApiFailure && failure.status === 401 ? 'That is not the API token.' : messageOf(failure));
    } finally {
      setBusy(false);
    }
  };
  return html` <main class="login">
    <section class="panel">
      <h1>hearth</h1>
      <form onSubmit=${submit}>
        <label
          >API token
          <input
            type="password"
            name="token"
            autocomplete="current-password"
            required
            value=${token}
            aria-describedby="token-help${error ? ' token-error' : ''}"
            onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)}
          />
        </label>
        <p id="token-help" class="muted small">It is in the file api.token_file names (./data/api.token by default).</p>
        ${error ? html`<p id="token-error" class="error" role="alert">${error}</p>` : null}
        <button class="primary" type="submit" disabled=${busy}>Sign in</button>
      </form>
    </section>
  </main>`;
}

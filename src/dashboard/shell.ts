/// <reference lib="dom" />
// The frame around every page: the name, the navigation (one link a page,
// the current one marked for screen readers too) and sign-out.
import { html } from 'htm/preact';
import { useEffect, useState } from 'preact/hooks';
import { Blocklists } from './pages/blocklists.ts';
import { Ddns } from './pages/ddns.ts';
import { Dhcp } from './pages/dhcp.ts';
import { LocalDns } from './pages/local-dns.ts';
import { Overview } from './pages/overview.ts';
import { Pair } from './pages/pair.ts';
import { QueryLog } from './pages/querylog.ts';
import { Settings } from './pages/settings.ts';

export const PAGES = [
  { path: 'overview', title: 'Overview', page: Overview },
  { path: 'querylog', title: 'Query log', page: QueryLog },
  { path: 'blocklists', title: 'Blocklists', page: Blocklists },
  { path: 'dns', title: 'Local DNS', page: LocalDns },
  { path: 'dhcp', title: 'DHCP', page: Dhcp },
  { path: 'ddns', title: 'Dynamic DNS', page: Ddns },
  { path: 'pair', title: 'Pair', page: Pair },
  { path: 'settings', title: 'Settings', page: Settings },
] as const;

function currentPath(): string {
  return location.hash.replace(/^#\/?/, '') || 'overview';
}

export function Shell({ onSignOut }: { onSignOut: () => void }) {
  const [path, setPath] = useState(currentPath());
  useEffect(() => {
    const follow = () => setPath(currentPath());
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  const current = PAGES.find((page) => page.path === path) ?? PAGES[0];
  useEffect(() => {
    document.title = `${current.title} · hearth`;
  }, [current]);
  return html` <a
      class="skip"
      href="#main"
      onClick=${(e: Event) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}
      >Skip to the page</a
    >
    <header>
      <h1>hearth</h1>
      <nav aria-label="Pages">
        <ul>
          ${PAGES.map((page) => html` <li><a href=${`#/${page.path}`} aria-current=${page === current ? 'page' : undefined}>${page.title}</a></li>`)}
        </ul>
      </nav>
      <button class="session" type="button" onClick=${onSignOut}>Sign out</button>
    </header>
    <main id="main" tabindex=${-1}>
      <h2>${current.title}</h2>
      <${current.page} />
    </main>`;
}

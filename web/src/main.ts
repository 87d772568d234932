// Entry point: picks the language, takes a link's token out of the address bar, then routes between
// the landing page (/), a board (/b/{id}), a snapshot (/b/{id}/s/{sid}), a workshop (/w/{id}), comparing two maps (/w/{id}/compare), a wall (/w/{id}/wall) and joining (/join/{code}).
// Each page's code is a chunk of its own, loaded when the page is opened: the compare page does not
// evaluate the board editor, and it starts its maps' loads before its own chunk has arrived.
import './styles.css';
import { initialLocale, savedLocale, setLocale } from './i18n';
import { hashWithoutToken, parseRoute, tokenFromHash } from './access/links';
import type { BoardOpenState } from './ui/board';
import { startCompareLoads } from './ui/compare-loads';
import { messagePage } from './ui/common';

const root = document.getElementById('app')!;
let unmount: () => void = () => {};
/** Counts routings, so a page whose chunk arrives after the next navigation is not mounted. */
let routing = 0;

/**
 * Reloads the page with the link's token back in the address: it was taken out on arrival, and a
 * page whose code never loaded has not kept it on the device yet.
 */
function reloadWithToken(linkToken: string | null): void {
  if (linkToken) {
    const params = new URLSearchParams(location.hash.replace(/^#/, ''));
    params.set('t', linkToken);
    history.replaceState(history.state, '', `${location.pathname}${location.search}#${params.toString()}`);
  }
  location.reload();
}

function route(): void {
  unmount();
  unmount = () => {};
  const current = ++routing;
  root.className = '';
  // The token leaves the address bar at once (it stays on this device), so it is not shared by
  // accident in a screenshot or a copied address; the page works with it from memory.
  const linkToken = tokenFromHash(location.hash);
  if (linkToken) history.replaceState(history.state, '', location.pathname + location.search + hashWithoutToken(location.hash));
  const state = (history.state ?? {}) as BoardOpenState;
  const search = location.search;
  const r = parseRoute(location.pathname);
  const mount = <M>(chunk: Promise<M>, mountPage: (page: M) => () => void) => {
    chunk.then((page) => {
      if (current === routing) unmount = mountPage(page);
    }, (error: unknown) => {
      // A chunk that cannot be fetched (the server was updated, the network dropped): a reload
      // gets the current ones.
      console.error('loading the page failed', error);
      if (current === routing) messagePage(root, navigate, 'page.loadFailed', '', () => reloadWithToken(linkToken));
    });
  };
  switch (r.page) {
    case 'board': mount(import('./ui/board'), (p) => p.mountBoard(root, r.boardId, navigate, linkToken, state)); break;
    case 'snapshot': mount(import('./ui/board'), (p) => p.mountBoard(root, r.boardId, navigate, linkToken, {}, r.snapshotId)); break;
    case 'workshop': mount(import('./ui/workshop'), (p) => p.mountWorkshop(root, r.workshopId, navigate, linkToken)); break;
    case 'compare': {
      const early = startCompareLoads(r.workshopId, search, linkToken);
      mount(import('./ui/compare-view'), (p) => p.mountCompare(root, r.workshopId, search, navigate, linkToken, early));
      break;
    }
    case 'wall': mount(import('./ui/wall'), (p) => p.mountWall(root, r.workshopId, search, navigate, linkToken)); break;
    case 'join': mount(import('./ui/join'), (p) => p.mountJoin(root, r.code, navigate)); break;
    case 'landing': mount(import('./ui/landing'), (p) => p.mountLanding(root, navigate)); break;
  }
}

function navigate(path: string, state: unknown = null): void {
  history.pushState(state, '', path);
  route();
}

setLocale(initialLocale(savedLocale(), navigator.languages ?? [navigator.language]));
window.addEventListener('popstate', route);
route();

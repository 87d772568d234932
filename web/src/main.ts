// Entry point: picks the language, takes a link's token out of the address bar, then routes between
// the landing page (/), a board (/b/{id}), a snapshot (/b/{id}/s/{sid}), a workshop (/w/{id}), comparing two maps (/w/{id}/compare), a wall (/w/{id}/wall) and joining (/join/{code}).
import './styles.css';
import { initialLocale, savedLocale, setLocale } from './i18n';
import { hashWithoutToken, parseRoute, tokenFromHash } from './access/links';
import { mountLanding } from './ui/landing';
import { mountBoard } from './ui/board';
import type { BoardOpenState } from './ui/board';
import { mountWorkshop } from './ui/workshop';
import { mountJoin } from './ui/join';
import { mountCompare } from './ui/compare-view';
import { mountWall } from './ui/wall';

const root = document.getElementById('app')!;
let unmount: () => void = () => {};

function route(): void {
  unmount();
  root.className = '';
  // The token leaves the address bar at once (it stays on this device), so it is not shared by
  // accident in a screenshot or a copied address; the page works with it from memory.
  const linkToken = tokenFromHash(location.hash);
  if (linkToken) history.replaceState(history.state, '', location.pathname + location.search + hashWithoutToken(location.hash));
  const state = (history.state ?? {}) as BoardOpenState;
  const r = parseRoute(location.pathname);
  switch (r.page) {
    case 'board': unmount = mountBoard(root, r.boardId, navigate, linkToken, state); break;
    case 'snapshot': unmount = mountBoard(root, r.boardId, navigate, linkToken, {}, r.snapshotId); break;
    case 'workshop': unmount = mountWorkshop(root, r.workshopId, navigate, linkToken); break;
    case 'compare': unmount = mountCompare(root, r.workshopId, location.search, navigate, linkToken); break;
    case 'wall': unmount = mountWall(root, r.workshopId, location.search, navigate, linkToken); break;
    case 'join': unmount = mountJoin(root, r.code, navigate); break;
    case 'landing': unmount = mountLanding(root, navigate); break;
  }
}

function navigate(path: string, state: unknown = null): void {
  history.pushState(state, '', path);
  route();
}

setLocale(initialLocale(savedLocale(), navigator.languages ?? [navigator.language]));
window.addEventListener('popstate', route);
route();

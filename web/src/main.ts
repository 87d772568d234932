// Entry point: picks the language, then routes between the landing page (/) and a board (/b/{id}).
import './styles.css';
import { initialLocale, savedLocale, setLocale } from './i18n';
import { isValidBoardId } from './model/ids';
import { mountLanding } from './ui/landing';
import { mountBoard } from './ui/board';

const root = document.getElementById('app')!;
let unmount: () => void = () => {};

function route(): void {
  unmount();
  const match = /^\/b\/([^/]+)\/?$/.exec(location.pathname);
  const id = match ? decodeURIComponent(match[1]!) : null;
  unmount = id && isValidBoardId(id) ? mountBoard(root, id, navigate) : mountLanding(root, navigate);
}

function navigate(path: string): void {
  history.pushState(null, '', path);
  route();
}

setLocale(initialLocale(savedLocale(), navigator.languages ?? [navigator.language]));
window.addEventListener('popstate', route);
route();

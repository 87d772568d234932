// The landing page: name, create a board, open a board by link or code, recently opened boards.
import { t, onLocaleChange } from '../i18n';
import { newBoardId, isValidBoardId } from '../model/ids';
import { displayName, recentBoards, setDisplayName } from './identity';
import { h } from './dom';
import { languageSelect } from './language';

/** Accepts a full board link (…/b/ID), a path, or a bare id. */
export function boardIdFromInput(input: string): string | null {
  const text = input.trim();
  const match = /\/b\/([A-Za-z0-9_-]{1,128})\/?(?:[?#].*)?$/.exec(text);
  const id = match ? match[1]! : text;
  return isValidBoardId(id) ? id : null;
}

export function mountLanding(root: HTMLElement, navigate: (path: string) => void): () => void {
  const render = () => {
    const focusedId = document.activeElement?.id;
    const name = h('input', { id: 'k-name', type: 'text', autocomplete: 'nickname', maxlength: 40, value: displayName() });
    name.addEventListener('change', () => setDisplayName(name.value));
    const link = h('input', { id: 'k-open', type: 'text', autocomplete: 'off', spellcheck: 'false' });
    const error = h('p', { class: 'k-error', role: 'alert' });
    const open = (event: Event) => {
      event.preventDefault();
      setDisplayName(name.value);
      const id = boardIdFromInput(link.value);
      if (!id) {
        error.textContent = t('landing.invalid');
        link.setAttribute('aria-invalid', 'true');
        return;
      }
      navigate(`/b/${id}`);
    };
    const create = () => {
      setDisplayName(name.value);
      navigate(`/b/${newBoardId()}`);
    };
    const recent = recentBoards();
    root.replaceChildren(
      h('main', { class: 'k-landing' }, [
        h('div', { class: 'k-landing-top' }, [languageSelect()]),
        h('h1', {}, [h('span', { class: 'k-logo', 'aria-hidden': 'true' }), t('app.name')]),
        h('p', { class: 'k-tagline' }, [t('app.tagline')]),
        h('p', {}, [t('landing.intro')]),
        h('div', { class: 'k-card' }, [
          h('label', { for: 'k-name' }, [t('landing.name')]),
          name,
          h('button', { class: 'k-primary', type: 'button', id: 'k-create', onclick: create }, [t('landing.create')]),
        ]),
        h('form', { class: 'k-card', onsubmit: open }, [
          h('h2', {}, [t('landing.open')]),
          h('label', { for: 'k-open' }, [t('landing.openLabel')]),
          h('div', { class: 'k-row' }, [link, h('button', { type: 'submit' }, [t('landing.openButton')])]),
          error,
        ]),
        recent.length > 0 && h('section', { class: 'k-card' }, [
          h('h2', {}, [t('landing.recent')]),
          h('ul', { class: 'k-recent' }, recent.map((b) => h('li', {}, [
            h('a', { href: `/b/${b.id}`, onclick: (e: Event) => { e.preventDefault(); navigate(`/b/${b.id}`); } }, [b.title || t('board.untitled')]),
          ]))),
        ]),
        h('p', { class: 'k-fineprint' }, [t('landing.privacy')]),
      ]),
    );
    document.title = `${t('app.name')} · ${t('app.tagline')}`;
    if (focusedId) document.getElementById(focusedId)?.focus();
  };
  render();
  return onLocaleChange(render);
}

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export const AppCtx = createContext(null);
export const useApp = () => useContext(AppCtx);

// True when the event target is a place where the user types.
export function isTyping(e) {
  const el = e.target;
  if (!el || !el.tagName) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

// The key a shortcut means, by its physical place (KeyboardEvent.code): "n"
// for the key marked N whether the layout is Latin or Russian (Т); "/" and
// "?" by the slash key (on the Russian layout it types "." and ","; the
// Russian "." key on the right of the main block is Slash too).
export function shortcutKey(e) {
  const c = e.code || '';
  if (/^Key[A-Z]$/.test(c)) return c.slice(3).toLowerCase();
  if (c === 'Slash' || c === 'NumpadDivide') return e.shiftKey ? '?' : '/';
  if (e.key === '/' || e.key === '?') return e.key;
  return e.key;
}

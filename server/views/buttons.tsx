import { h } from './html';

/** A one-button form that posts to `action`, with any extra fields (a reason, where to go back). */
export function ActionButton({ action, label, children }: { action: string; label: string; children?: unknown }) {
  return (
    <form method="post" action={action} class="action">
      {children}
      <button type="submit">{label}</button>
    </form>
  );
}

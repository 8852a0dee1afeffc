import type { NoticeState } from '../hooks/usePlayground.js';

/** Values that were replaced: invalid ones in a link, or conflicting ones set by the controls. */
export function Notice(props: { notice: NoticeState; onDismiss: () => void }) {
  const { notice } = props;
  if (notice.items.length === 0) return null;
  return (
    <div class="notice" data-testid={notice.from === 'url' ? 'url-notice' : 'control-notice'} role="alert">
      <strong>
        {notice.from === 'url'
          ? 'Some values in the link were invalid and were replaced by defaults:'
          : 'Conflicting values were reset:'}
      </strong>
      <ul>
        {notice.items.map((n) => (
          <li>{n}</li>
        ))}
      </ul>
      <button type="button" onClick={props.onDismiss}>
        dismiss
      </button>
    </div>
  );
}

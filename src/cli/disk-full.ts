/**
 * A full disk or an exhausted quota is the user's environment, not a bug: one line, exit 2, whichever
 * layer noticed it (Node's fs: ENOSPC/EDQUOT; SQLite: SQLITE_FULL, after which it has rolled the
 * transaction back, so the results database stays valid and a rerun resumes from it).
 */
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);

/** The one-line message for a disk-full error anywhere in `e`'s cause chain, or null. */
export function diskFullMessage(e: unknown): string | null {
  for (let c: unknown = e, depth = 0; c && typeof c === 'object' && depth < 8; depth++) {
    const code = (c as { code?: unknown }).code;
    const msg = String((c as { message?: unknown }).message ?? '');
    if (
      (typeof code === 'string' && FULL_CODES.has(code)) ||
      /\b(ENOSPC|EDQUOT)\b|database or disk is full/.test(msg)
    ) {
      const which =
        code === 'EDQUOT' || /EDQUOT/.test(msg) ? 'the disk quota is exhausted (EDQUOT)' : 'the disk is full (ENOSPC)';
      return `${which}: free some space and run the command again (files already written, and the results database, are intact)`;
    }
    c = (c as { cause?: unknown }).cause;
  }
  return null;
}

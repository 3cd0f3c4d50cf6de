/**
 * A platform refused herald's credentials or could not be reached while herald started; the
 * adapter's own sentence says which setting or service. The CLI exits 3 on it.
 */
export class PlatformStartError extends Error {
  override name = 'PlatformStartError';
}

/** Each adapter says what went wrong at login in one sentence; this keeps that sentence and marks where it happened. */
export function atPlatformStart<T>(work: Promise<T>): Promise<T> {
  return work.catch((err: unknown) => {
    throw new PlatformStartError(err instanceof Error ? err.message : String(err));
  });
}

import { loadLibrary, type Library } from '../core/templates/library';
import { TemplateLibraryError } from '../core/templates/library-error';

/**
 * The template library, or the first problem in it as a TemplateLibraryError. Apart from
 * ./herald.ts, so `herald templates list` loads the library without the rest of herald.
 */
export function loadLibraryOrThrow(dir: string): Library {
  const library = loadLibrary(dir);
  if (library.problems.length) {
    const p = library.problems[0]!;
    const more = library.problems.length > 1 ? ` (and ${library.problems.length - 1} more; run herald templates check)` : '';
    throw new TemplateLibraryError(`${p.file}:${p.line}: ${p.message}${more}`);
  }
  return library;
}

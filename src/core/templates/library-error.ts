/** The template library has a problem that `herald templates check` lists; herald does not start on it. */
export class TemplateLibraryError extends Error {
  override name = 'TemplateLibraryError';
}

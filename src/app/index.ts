export { createHerald, loadLibraryOrThrow, TemplateLibraryError, type Herald } from './herald';

export { createHerald, loadLibraryOrThrow, TemplateLibraryError, type Herald } from './herald';
export { startApp, type App, type StartOptions } from './start';

import { registerBackend } from './backend.js';
import { jsBackend } from './js-backend.js';

registerBackend(jsBackend);

export * from './backend.js';
export { jsBackend } from './js-backend.js';

/** File and path access for storage on the main thread (Node); a browser build replaces this module. */
export { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
export { resolve } from 'node:path';

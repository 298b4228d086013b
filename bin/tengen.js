#!/usr/bin/env node
// Entry point of the `tengen` command: runs the TypeScript sources through tsx,
// so there is no build step between `npm ci` and use.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');

import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const samples = path.join(repoRoot, 'sgf-data');
export const tricky = (name: string): string => path.join(samples, 'tricky', name);
export const sharedData = path.resolve(repoRoot, '../shared/data');
export const hasSharedData = existsSync(path.join(sharedData, 'sgf-wild/manifest.tsv'));

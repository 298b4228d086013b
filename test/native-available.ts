// For tests that need native TensorFlow: whether this install's tfjs-node binding loads (npm ci builds it where it
// can, see scripts/native-tf.mjs); tests that need it skip, saying so, where it does not.
import { createRequire } from 'node:module';

/** True when @tensorflow/tfjs-node loads in this process. */
export function nativeLoads(): boolean {
  try {
    createRequire(import.meta.url)('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

// The hash of a pod's mounted configuration, written to its template so a change rolls the pods.
import { createHash } from 'node:crypto';

/** A short, stable hash of the configuration a pod mounts; a change rolls the pods. */
export function configHash(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 32);
}

import { createHash } from 'node:crypto';

/** sha256 as lower-case hex; strings are hashed as their UTF-8 bytes. Names blobs by their content. */
export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

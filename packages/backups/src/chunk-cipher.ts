import { createCipheriv, createDecipheriv } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { DomainError } from '@cifra/domain';

/**
 * AES-256-GCM over a stream, in chunks (docs/adr/0006-client-backups.md). Each chunk is a frame:
 *
 *   flag (1 byte: 1 = last chunk) ‖ length (4 bytes, big-endian) ‖ ciphertext ‖ tag (16 bytes)
 *
 * The nonce is the chunk's index (96 bits, big-endian) under a key used for one part only; the
 * associated data is the index and the flag. So a changed byte, a reordered, repeated or dropped
 * chunk, a flag flipped to pass a truncation off as the end, or a stream cut short all fail, and
 * nothing unauthenticated is ever passed on.
 */
export const CHUNK_BYTES = 64 * 1024;
const HEADER_BYTES = 5;
const TAG_BYTES = 16;

const nonceOf = (index: number) => {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  return nonce;
};

const aadOf = (index: number, last: boolean) => {
  const aad = Buffer.alloc(9);
  aad.writeBigUInt64BE(BigInt(index), 0);
  aad.writeUInt8(last ? 1 : 0, 8);
  return aad;
};

export function encryptChunks(key: Buffer): Transform {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let index = 0;
  const frame = (plain: Buffer, last: boolean): Buffer => {
    const cipher = createCipheriv('aes-256-gcm', key, nonceOf(index));
    cipher.setAAD(aadOf(index, last));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const header = Buffer.alloc(HEADER_BYTES);
    header.writeUInt8(last ? 1 : 0, 0);
    header.writeUInt32BE(body.length, 1);
    index += 1;
    return Buffer.concat([header, body, cipher.getAuthTag()]);
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      // Keep at least one byte back: the last frame must be the one written at the end.
      while (pendingBytes > CHUNK_BYTES) {
        const all = Buffer.concat(pending);
        this.push(frame(all.subarray(0, CHUNK_BYTES), false));
        const rest = all.subarray(CHUNK_BYTES);
        pending = [rest];
        pendingBytes = rest.length;
      }
      done();
    },
    flush(done: TransformCallback) {
      this.push(frame(Buffer.concat(pending), true));
      done();
    },
  });
}

export function decryptChunks(key: Buffer, part: string): Transform {
  let buffered: Buffer = Buffer.alloc(0);
  let index = 0;
  let ended = false;
  const tampered = (why: string) =>
    new DomainError('BACKUP_TAMPERED', `Backup part ${part} fails authentication (${why})`, { part });
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      while (buffered.length >= HEADER_BYTES) {
        if (ended) return done(tampered('data after the last chunk'));
        const flag = buffered.readUInt8(0);
        const length = buffered.readUInt32BE(1);
        if (flag > 1 || length > CHUNK_BYTES)
          return done(tampered(`a malformed chunk header at chunk ${index}`));
        const frameBytes = HEADER_BYTES + length + TAG_BYTES;
        if (buffered.length < frameBytes) break;
        const last = flag === 1;
        const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(index));
        decipher.setAAD(aadOf(index, last));
        decipher.setAuthTag(buffered.subarray(HEADER_BYTES + length, frameBytes));
        let plain: Buffer;
        try {
          plain = Buffer.concat([
            decipher.update(buffered.subarray(HEADER_BYTES, HEADER_BYTES + length)),
            decipher.final(),
          ]);
        } catch {
          return done(tampered(`chunk ${index}`));
        }
        this.push(plain);
        buffered = buffered.subarray(frameBytes);
        index += 1;
        ended = last;
      }
      done();
    },
    flush(done: TransformCallback) {
      if (buffered.length > 0 && ended) return done(tampered('data after the last chunk'));
      if (!ended)
        return done(
          new DomainError('BACKUP_INCOMPLETE', `Backup part ${part} is cut short (no last chunk)`, { part }),
        );
      done();
    },
  });
}

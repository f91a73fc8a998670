import { deflateRawSync, inflateRawSync } from 'node:zlib';

/**
 * Objects are stored as JSON compressed with raw deflate: a batch of events shares one blob
 * (neighbouring objects are alike, so they compress well together), and so does each keyframe part.
 * Level 1 on the write path: the recorder must keep up with a busy cluster.
 */
export function encodeJson(value: unknown, level = 1): Buffer {
  return deflateRawSync(JSON.stringify(value), { level });
}

export function decodeJson<T>(data: Buffer): T {
  return JSON.parse(inflateRawSync(data).toString('utf8')) as T;
}

import { hash } from 'node:crypto';

/** One-shot hashing: cheaper than createHash for the short texts herald hashes (an audit row each). */
export const sha256 = (text: string): string => hash('sha256', text, 'hex');

import type { IncomingMessage } from 'node:http';
import { readBody } from '../shared/body';
import type { RecordedRequest } from './types';

/**
 * The Bot API accepts parameters in the query string, as JSON, as
 * application/x-www-form-urlencoded and as multipart/form-data (telegraf sends JSON
 * unless a payload holds a file, then multipart). In every form but JSON each value
 * is a string; `Params` reads either.
 */

export interface UploadedFile {
  filename: string;
  size: number;
  contentType?: string;
}

export interface ParsedBody {
  params: Record<string, unknown>;
  contentType: RecordedRequest['contentType'];
}

const MAX_BODY = 60 * 1024 * 1024;

/** The request body, up to Telegram's own upload size. */
export const readRequestBody = (req: IncomingMessage): Promise<Buffer> => readBody(req, MAX_BODY);

function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // A part is CRLF, headers, CRLF CRLF, content, CRLF before the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf('\r\n\r\n');
    if (split !== -1) {
      const headers = part.subarray(0, split).toString('utf8');
      const content = part.subarray(split + 4);
      const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
      const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
      const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
      if (name !== undefined) {
        if (filename !== undefined) {
          const file: UploadedFile = { filename, size: content.length };
          const type = /content-type:\s*([^\r\n]*)/i.exec(headers)?.[1];
          if (type) file.contentType = type.trim();
          params[name] = file;
        } else {
          params[name] = content.toString('utf8');
        }
      }
    }
    pos = next;
  }
  return params;
}

export class BodyError extends Error {}

export function parseBody(query: URLSearchParams, contentTypeHeader: string | undefined, body: Buffer): ParsedBody {
  const params: Record<string, unknown> = Object.fromEntries(query.entries());
  const type = (contentTypeHeader ?? '').toLowerCase();
  let contentType: ParsedBody['contentType'] = query.size > 0 ? 'query' : 'none';
  if (body.length > 0) {
    if (type.startsWith('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw new BodyError("can't parse JSON object");
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new BodyError('JSON object expected');
      }
      Object.assign(params, parsed);
      contentType = 'json';
    } else if (type.startsWith('multipart/form-data')) {
      const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentTypeHeader ?? '');
      const value = boundary?.[1] ?? boundary?.[2];
      if (!value) throw new BodyError('multipart boundary is missing');
      Object.assign(params, parseMultipart(body, value));
      contentType = 'multipart';
    } else if (type.startsWith('application/x-www-form-urlencoded') || type === '') {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8')).entries()));
      contentType = 'form';
    }
  }
  return { params, contentType };
}

/** Typed access to parameters that may have arrived as JSON values or as strings. */
export class Params {
  constructor(readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    const v = this.raw[name];
    return v !== undefined && v !== null && v !== '';
  }

  str(name: string): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return JSON.stringify(v);
  }

  int(name: string): number | undefined {
    const v = this.raw[name];
    if (typeof v === 'number') return Number.isInteger(v) ? v : Math.trunc(v);
    if (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v)) return Number(v);
    return undefined;
  }

  bool(name: string): boolean {
    const v = this.raw[name];
    return v === true || v === 'true' || v === '1' || v === 1;
  }

  /** A JSON-serialised field (reply_markup, entities...), sent as an object or as its JSON text. */
  json<T>(name: string, what = name): T | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v as T;
    try {
      return JSON.parse(v) as T;
    } catch {
      throw new BodyError(`can't parse ${what} JSON object`);
    }
  }
}

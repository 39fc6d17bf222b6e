/**
 * HTTP transport pieces of the LCD adapter (`secret-lcd-devnet.md` §1): JSON bodies, errors in the gRPC-gateway
 * shape `{code, message, details}` with the matching HTTP status, request limits, and the route type.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';

/** gRPC status codes used in error bodies, and their HTTP statuses (grpc-gateway mapping). */
export const GRPC = {
  unknown: 2,
  invalidArgument: 3,
  notFound: 5,
  permissionDenied: 7,
  unimplemented: 12,
  internal: 13,
  unauthenticated: 16,
} as const;
const HTTP_STATUS: Record<number, number> = {2: 500, 3: 400, 5: 404, 7: 403, 12: 501, 13: 500, 16: 401};

/** Largest accepted request body, bytes. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Largest accepted request head, bytes (encrypted queries travel in the URL; permits make them a few KB). */
export const MAX_HEADER_BYTES = 64 * 1024;

/** An error answered as a gRPC-gateway body; `httpStatus` overrides the status the gRPC code maps to. */
export class HttpError extends Error {
  constructor(
    readonly grpcCode: number,
    message: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

/** A parsed request. */
export interface Request {
  method: string;
  path: string;
  params: URLSearchParams;
  body: Record<string, unknown>;
}

/** A route handler; its result is sent as JSON (a promise is awaited). */
export type Handler = (req: Request, match: RegExpExecArray) => unknown;

/** One route of the server. */
export interface Route {
  method: 'GET' | 'POST';
  pattern: RegExp;
  handler: Handler;
  /** Runs while txs of the current group commit are uncommitted (only the broadcast itself). */
  joinsBatch?: boolean;
  /** A devnet admin action: loopback `Host`, `application/json` and the admin token required. */
  admin?: boolean;
}

/** A pre-serialised JSON body (sent as-is). */
export class RawJson {
  constructor(readonly text: string) {}
}

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new HttpError(GRPC.invalidArgument, `request body exceeds ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function send(res: ServerResponse, status: number, body: unknown): void {
  const text = body instanceof RawJson ? body.text : JSON.stringify(body);
  res.writeHead(status, {'content-type': 'application/json', 'content-length': Buffer.byteLength(text)});
  res.end(text);
}

export function sendError(res: ServerResponse, grpcCode: number, message: string, httpStatus?: number): void {
  send(res, httpStatus ?? HTTP_STATUS[grpcCode] ?? 500, {code: grpcCode, message, details: []});
}

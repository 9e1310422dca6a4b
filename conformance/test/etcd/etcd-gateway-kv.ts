/**
 * The KV interface over a real etcd server's JSON gateway (grpc-gateway: POST /v3/kv/...,
 * bytes as base64, int64 as strings, zero values left out). Written for the differential
 * test: it translates requests and answers and maps etcd's error messages to tidekv codes,
 * and validates nothing itself, so every answer is etcd's own.
 *
 * etcd 3.4's gateway does not expose HashKV, and ranges cannot tell "never compacted" (-1)
 * from compacted at 0 or 1, so the adapter remembers the compact revision of the
 * compactions it made in a small file beside the server's data.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  TidekvError,
  type Bytes,
  type Compare,
  type CompactOptions,
  type CompactResponse,
  type DeleteRangeOptions,
  type DeleteRangeResponse,
  type HashKVResponse,
  type KV,
  type KeyValue,
  type PutOptions,
  type PutResponse,
  type RangeOptions,
  type RangeResponse,
  type RequestOp,
  type ResponseOp,
  type TidekvErrorCode,
  type TxnRequest,
  type TxnResponse,
} from '@tidekv/core';
import type { EtcdServer } from './etcd-process.js';

type Json = Record<string, any>;

const ERRORS: [message: string, code: TidekvErrorCode][] = [
  ['etcdserver: mvcc: required revision has been compacted', 'COMPACTED'],
  ['etcdserver: mvcc: required revision is a future revision', 'FUTURE_REV'],
  ['etcdserver: key is not provided', 'INVALID_KEY'],
  ['etcdserver: duplicate key given in txn request', 'DUPLICATE_KEY'],
  ['etcdserver: too many operations in txn request', 'TOO_MANY_OPS'],
  ['etcdserver: key not found', 'KEY_NOT_FOUND'],
  ['etcdserver: requested lease not found', 'LEASE_NOT_FOUND'],
  ['etcdserver: value is provided', 'INVALID_ARGUMENT'],
  ['etcdserver: lease is provided', 'INVALID_ARGUMENT'],
];

const bytes = (value: Bytes): Uint8Array => (typeof value === 'string' ? new TextEncoder().encode(value) : value);
const b64 = (value: Bytes): string => Buffer.from(bytes(value)).toString('base64');
const unb64 = (text: string | undefined): Uint8Array => new Uint8Array(Buffer.from(text ?? '', 'base64'));
const int = (text: string | number | undefined): number => Number(text ?? 0);

/** etcd's clientv3.GetPrefixRangeEnd. */
function prefixEnd(key: Uint8Array): Uint8Array {
  const end = key.slice();
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]! += 1;
      return end.slice(0, i + 1);
    }
  }
  return Uint8Array.of(0);
}

function rangeEnd(key: Bytes, options: { end?: Bytes; prefix?: boolean }): Json {
  if (options.prefix) return { range_end: b64(prefixEnd(bytes(key))) };
  return options.end === undefined ? {} : { range_end: b64(options.end) };
}

function keyValue(kv: Json): KeyValue {
  return {
    key: unb64(kv.key),
    value: unb64(kv.value),
    createRevision: int(kv.create_revision),
    modRevision: int(kv.mod_revision),
    version: int(kv.version),
    lease: int(kv.lease),
  };
}

function putBody(key: Bytes, value: Bytes, options: PutOptions = {}): Json {
  return {
    key: b64(key),
    value: b64(value),
    ...(options.lease ? { lease: String(options.lease) } : {}),
    ...(options.prevKv ? { prev_kv: true } : {}),
    ...(options.ignoreValue ? { ignore_value: true } : {}),
    ...(options.ignoreLease ? { ignore_lease: true } : {}),
  };
}

function rangeBody(key: Bytes, options: RangeOptions = {}): Json {
  const body: Json = { key: b64(key), ...rangeEnd(key, options) };
  for (const [name, field] of [
    ['revision', 'revision'],
    ['limit', 'limit'],
    ['minModRevision', 'min_mod_revision'],
    ['maxModRevision', 'max_mod_revision'],
    ['minCreateRevision', 'min_create_revision'],
    ['maxCreateRevision', 'max_create_revision'],
  ] as const) {
    if (options[name]) body[field] = String(options[name]);
  }
  if (options.countOnly) body.count_only = true;
  if (options.keysOnly) body.keys_only = true;
  if (options.sort?.order) body.sort_order = options.sort.order.toUpperCase();
  if (options.sort?.target) body.sort_target = options.sort.target.toUpperCase();
  return body;
}

function deleteBody(key: Bytes, options: DeleteRangeOptions = {}): Json {
  return { key: b64(key), ...rangeEnd(key, options), ...(options.prevKv ? { prev_kv: true } : {}) };
}

function rangeAnswer(body: Json): Omit<RangeResponse, 'revision'> {
  return { kvs: (body.kvs ?? []).map(keyValue), count: int(body.count), more: body.more === true };
}

function deleteAnswer(body: Json, prevKv: boolean | undefined): Omit<DeleteRangeResponse, 'revision'> {
  return prevKv ? { deleted: int(body.deleted), prevKvs: (body.prev_kvs ?? []).map(keyValue) } : { deleted: int(body.deleted) };
}

function putAnswer(body: Json): Omit<PutResponse, 'revision'> {
  return body.prev_kv ? { prevKv: keyValue(body.prev_kv) } : {};
}

const TARGET_FIELD = { value: 'value', version: 'version', create: 'create_revision', mod: 'mod_revision', lease: 'lease' } as const;
const RESULT = { '=': 'EQUAL', '!=': 'NOT_EQUAL', '<': 'LESS', '>': 'GREATER' } as const;

function compareBody(compare: Compare): Json {
  const value = compare.target === 'value' ? b64(compare.value) : String(compare.value);
  return { key: b64(compare.key), ...rangeEnd(compare.key, compare), target: compare.target.toUpperCase(), result: RESULT[compare.result], [TARGET_FIELD[compare.target]]: value };
}

function opBody(op: RequestOp): Json {
  switch (op.type) {
    case 'put': {
      const { type: _t, key, value, ...options } = op;
      return { request_put: putBody(key, value, options) };
    }
    case 'range': {
      const { type: _t, key, ...options } = op;
      return { request_range: rangeBody(key, options) };
    }
    case 'deleteRange': {
      const { type: _t, key, ...options } = op;
      return { request_delete_range: deleteBody(key, options) };
    }
    case 'txn':
      return { request_txn: txnBody(op.txn) };
  }
}

function txnBody(txn: TxnRequest): Json {
  return { compare: (txn.compare ?? []).map(compareBody), success: (txn.success ?? []).map(opBody), failure: (txn.failure ?? []).map(opBody) };
}

/** Reads a txn answer alongside its request (the answer alone cannot say whether prevKv was asked for). */
function txnAnswer(body: Json, txn: TxnRequest): Omit<TxnResponse, 'revision'> {
  const succeeded = body.succeeded === true;
  const ops = (succeeded ? txn.success : txn.failure) ?? [];
  const responses = (body.responses ?? []).map((response: Json, i: number): ResponseOp => {
    const op = ops[i]!;
    switch (op.type) {
      case 'put':
        return { type: 'put', ...putAnswer(response.response_put ?? {}) };
      case 'range':
        return { type: 'range', ...rangeAnswer(response.response_range ?? {}) };
      case 'deleteRange':
        return { type: 'deleteRange', ...deleteAnswer(response.response_delete_range ?? {}, op.prevKv) };
      case 'txn':
        return { type: 'txn', ...txnAnswer(response.response_txn ?? {}, op.txn) };
    }
  });
  return { succeeded, responses };
}

/**
 * etcd answers that are not about the request (a timeout, a lost leader, a refused
 * connection under load), recorded so the test can tell a flaky environment from a
 * difference in behaviour.
 */
export const etcdTrouble: string[] = [];

export class EtcdGatewayKV implements KV {
  #revision = 0;
  #compactRevision = -1;
  #open = true;

  private constructor(readonly server: EtcdServer) {}

  /** A KV over `server`; its compact revision is read from the file beside the server's data. */
  static async connect(server: EtcdServer): Promise<EtcdGatewayKV> {
    const kv = new EtcdGatewayKV(server);
    const file = kv.#compactFile();
    if (existsSync(file)) kv.#compactRevision = Number(readFileSync(file, 'utf8'));
    await kv.range('\0');
    return kv;
  }

  #compactFile(): string {
    return join(this.server.dataDir, '..', 'compact-revision');
  }

  get revision(): number {
    return this.#revision;
  }

  get compactRevision(): number {
    return this.#compactRevision;
  }

  async #call(path: string, body: Json): Promise<Json> {
    if (!this.#open) throw new TidekvError('NOT_OPEN', 'the etcd connection is closed');
    let answer: Json;
    try {
      const response = await fetch(`${this.server.endpoint}${path}`, { method: 'POST', body: JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
      answer = (await response.json()) as Json;
    } catch (error) {
      etcdTrouble.push(`${path}: ${(error as Error).message}`);
      throw new TidekvError('IO_ERROR', `etcd at ${this.server.endpoint}: ${(error as Error).message}`, { cause: error });
    }
    if (answer.error !== undefined || (answer.message !== undefined && !answer.header)) {
      const message = String(answer.message ?? answer.error);
      const code = ERRORS.find(([text]) => text === message)?.[1];
      if (code === undefined) etcdTrouble.push(`${path}: ${message}`);
      throw new TidekvError(code ?? 'IO_ERROR', `etcd: ${message}`, { details: { etcdCode: answer.code } });
    }
    this.#revision = int(answer.header?.revision);
    return answer;
  }

  async put(key: Bytes, value: Bytes, options?: PutOptions): Promise<PutResponse> {
    const body = await this.#call('/v3/kv/put', putBody(key, value, options));
    return { revision: this.#revision, ...putAnswer(body) };
  }

  async range(key: Bytes, options?: RangeOptions): Promise<RangeResponse> {
    const body = await this.#call('/v3/kv/range', rangeBody(key, options));
    return { ...rangeAnswer(body), revision: this.#revision };
  }

  async deleteRange(key: Bytes, options?: DeleteRangeOptions): Promise<DeleteRangeResponse> {
    const body = await this.#call('/v3/kv/deleterange', deleteBody(key, options));
    return { ...deleteAnswer(body, options?.prevKv), revision: this.#revision };
  }

  async txn(request: TxnRequest): Promise<TxnResponse> {
    const body = await this.#call('/v3/kv/txn', txnBody(request));
    return { ...txnAnswer(body, request), revision: this.#revision };
  }

  async compact(revision: number, options?: CompactOptions): Promise<CompactResponse> {
    await this.#call('/v3/kv/compaction', { revision: String(revision), ...(options?.physical ? { physical: true } : {}) });
    this.#compactRevision = revision;
    writeFileSync(this.#compactFile(), String(revision));
    return { revision: this.#revision };
  }

  async hashKV(): Promise<HashKVResponse> {
    throw new TidekvError('NOT_SUPPORTED', "etcd 3.4's JSON gateway does not expose HashKV");
  }

  /** Stops the server, keeping its data, so the next connect after a restart sees the same store. */
  async close(): Promise<void> {
    if (!this.#open) return;
    this.#open = false;
    await this.server.stop();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

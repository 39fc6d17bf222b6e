/** Request-body checks shared by the Ollama and OpenAI routes: each bad value is a 400 naming the field. */
import type {ChatMessage} from '../backend.js';
import {HttpError} from './exchange.js';

/** Roles accepted in chat messages (`developer` is OpenAI's newer name for `system`). */
const ROLES = new Set(['system', 'developer', 'user', 'assistant']);
/** Most messages in one chat. */
export const MAX_MESSAGES = 1024;

function bad(message: string): HttpError {
  return new HttpError(400, message);
}

/** A required non-empty string. */
export function requiredString(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string' || v === '') throw bad(`"${key}" must be a non-empty string`);
  return v;
}

/** An optional number within [min, max]; null counts as absent. */
export function optionalNumber(obj: Record<string, unknown>, key: string, min: number, max: number, where = ''): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) throw bad(`"${where}${key}" must be a number from ${min} to ${max}`);
  return v;
}

/** An optional integer within [min, max]; null counts as absent. */
export function optionalInteger(obj: Record<string, unknown>, key: string, min: number, max: number, where = ''): number | undefined {
  const v = optionalNumber(obj, key, min, max, where);
  if (v !== undefined && !Number.isInteger(v)) throw bad(`"${where}${key}" must be an integer`);
  return v;
}

/** An optional boolean; null counts as absent. */
export function optionalBoolean(obj: Record<string, unknown>, key: string, where = ''): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw bad(`"${where}${key}" must be true or false`);
  return v;
}

/** An optional object; null counts as absent. */
export function optionalObject(obj: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'object' || Array.isArray(v)) throw bad(`"${key}" must be an object`);
  return v as Record<string, unknown>;
}

/** Refuses members this server does not implement rather than silently ignoring them (empty values pass). */
export function refuseUnsupported(obj: Record<string, unknown>, keys: string[]): void {
  for (const k of keys) {
    const v = obj[k];
    const empty = v === undefined || v === null || v === false || v === '' || (Array.isArray(v) && v.length === 0);
    if (!empty) throw bad(`"${k}" is not supported by this server`);
  }
}

/**
 * Chat messages: a non-empty array of `{role, content}` with a known role and text content — a string, or
 * (OpenAI) an array of `{type: "text", text}` parts, joined. Images and tool calls are refused.
 */
export function chatMessages(value: unknown): ChatMessage[] {
  if (!Array.isArray(value) || value.length === 0) throw bad('"messages" must be a non-empty array');
  if (value.length > MAX_MESSAGES) throw bad(`"messages" has more than ${MAX_MESSAGES} entries`);
  return value.map((m, i) => {
    if (m === null || typeof m !== 'object') throw bad(`"messages[${i}]" must be an object`);
    const {role, content, images, tool_calls: toolCalls} = m as Record<string, unknown>;
    if (typeof role !== 'string' || !ROLES.has(role)) throw bad(`"messages[${i}].role" must be one of ${[...ROLES].join(', ')}`);
    if ((Array.isArray(images) && images.length > 0) || (Array.isArray(toolCalls) && toolCalls.length > 0)) {
      throw bad(`"messages[${i}]": images and tool calls are not supported by this server`);
    }
    return {role, content: messageText(content, i)};
  });
}

function messageText(content: unknown, i: number): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    let text = '';
    for (const p of content) {
      const part = p as {type?: unknown; text?: unknown};
      if (part?.type !== 'text' || typeof part.text !== 'string') throw bad(`"messages[${i}].content": only text parts are supported`);
      text += part.text;
    }
    return text;
  }
  throw bad(`"messages[${i}].content" must be text`);
}
